"""Item analysis (项目分析) by the critical-ratio method, as SPSS and SPSSAU users run it.

The total score is the sum of every item (reverse-coded already) on the listwise sample. The bottom and
top groups are the respondents at or below the 27th percentile of the total and at or above the 73rd
(Kelley 1939): the cut values are SPSS *Frequencies* percentiles (HAVERAGE, R ``quantile(type = 6)``) and
respondents tied at a cut value belong to the group, so a group may hold more than 27 %. Per item the
critical ratio (CR) is the independent-samples t of the top minus the bottom group; as SPSS prints both rows
and SPSSAU reports one, the row read is chosen by Levene's test (mean-centred): Student's t (equal
variances) unless Levene's p < .05, then Welch's t. The corrected item–total r is the Pearson correlation of
the item with the total of the other items. An item is flagged when its CR is not significant (p ≥ .05) or
its corrected item–total r is below .40 (吴明隆 2010, 《问卷统计分析实务》, ch. 3).

R: ``cut <- quantile(total, c(.27, .73), type = 6)``; ``car::leveneTest(x ~ group, center = mean)``;
``t.test(x[high], x[low], var.equal = levene_p >= .05)``; ``cor(x, total - x)``.
"""
from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis.diagnostics import Diagnostic, warn
from analysis.numbers import numeric_items
from analysis.results import plain_fields

#: share of respondents in each extreme group (Kelley 1939)
GROUP_SHARE = 0.27
#: significance level of the CR and of Levene's test choosing the t row
CR_ALPHA = 0.05
#: lowest acceptable corrected item–total correlation (吴明隆 2010)
ITEM_TOTAL_R_MIN = 0.40
#: fewest respondents a group needs for a t test with a variance
MIN_GROUP_N = 2
#: the flags an item may get
ITEM_FLAGS = ("constant_item", "cr_not_significant", "low_item_total_r")


@dataclass(frozen=True)
class ItemCriticalRatio:
    """One item: group means, the t read (``test`` 't' or 'welch_t'), Levene's p, item–total r, flags."""

    item: str
    mean_high: float | None
    mean_low: float | None
    test: str | None
    levene_pvalue: float | None
    cr_t: float | None
    cr_df: float | None
    cr_pvalue: float | None
    item_total_r: float | None
    flags: tuple[str, ...]


@dataclass(frozen=True)
class ItemAnalysisResult:
    """``results.json`` ``item_analysis``; ``note`` says why the CRs are missing when they are."""

    method: str
    groups_pct: float
    n: int
    cut_low: float | None
    cut_high: float | None
    n_low: int
    n_high: int
    items: tuple[ItemCriticalRatio, ...]
    note: str | None = None
    diagnostics: tuple[Diagnostic, ...] = ()

    def plain_form(self) -> dict:
        return {**plain_fields(self, without=("items", "diagnostics")),
                "items": {i.item: plain_fields(i, without=("item",)) for i in self.items}}


def _finite(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def extreme_groups(total: np.ndarray, share: float = GROUP_SHARE) -> tuple[float, float, np.ndarray, np.ndarray]:
    """Cut values (percentiles ``share`` and ``1 − share``, SPSS HAVERAGE = R ``quantile(type = 6)``) and the
    masks of the bottom (total ≤ low cut) and top (total ≥ high cut) groups, ties at a cut included."""
    low, high = np.percentile(total, [100 * share, 100 * (1 - share)], method="weibull")
    return float(low), float(high), total <= low, total >= high


def critical_ratio(high: np.ndarray, low: np.ndarray) -> tuple[str, float, float, float, float]:
    """(test, Levene's p, t, df, p) of the top group minus the bottom group.

    Levene (1960), mean-centred as SPSS: ``scipy.stats.levene(center='mean')`` = ``car::leveneTest(center =
    mean)``; Student's t with pooled variance unless Levene's p < :data:`CR_ALPHA`, then Welch's t with
    Satterthwaite's df (``scipy.stats.ttest_ind`` = R ``t.test``). NaN where a variance is zero.
    """
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a zero variance: the NaN it gives is the answer
        levene_p = float(stats.levene(high, low, center="mean").pvalue)
        welch = bool(levene_p < CR_ALPHA)
        result = stats.ttest_ind(high, low, equal_var=not welch)
    return ("welch_t" if welch else "t"), levene_p, float(result.statistic), float(result.df), float(result.pvalue)


def analyse_items(data: pd.DataFrame, items: Sequence[str], share: float = GROUP_SHARE) -> ItemAnalysisResult:
    """The critical-ratio item analysis of ``items`` (see the module docstring) on the rows complete for them."""
    block = numeric_items(data, list(items)).dropna()
    total = block.sum(axis=1).to_numpy()
    n = len(block)
    if n == 0:
        d = warn("item_analysis_no_data", "item analysis: no respondent answered every item")
        return ItemAnalysisResult("critical_ratio", 100 * share, 0, None, None, 0, 0, (), d.message, (d,))
    cut_low, cut_high, low, high = extreme_groups(total, share)
    n_low, n_high = int(low.sum()), int(high.sum())
    diagnostics: list[Diagnostic] = []
    note = None
    if min(n_low, n_high) < MIN_GROUP_N or cut_low >= cut_high:
        note = (f"item analysis: the {100 * share:g}% groups cannot be compared (bottom group {n_low}, top group "
                f"{n_high} respondents, cuts {cut_low:g} and {cut_high:g}); critical ratios are not computed")
        diagnostics.append(warn("item_analysis_small_groups", note))
    rows = []
    for item in items:
        x = block[item].to_numpy()
        flags = []
        test = levene_p = t = df = p = None
        mean_high = _finite(x[high].mean()) if n_high else None
        mean_low = _finite(x[low].mean()) if n_low else None
        if note is None:
            test, levene_p, t, df, p = critical_ratio(x[high], x[low])
            levene_p, t, df, p = (_finite(v) for v in (levene_p, t, df, p))
            if t is None or p is None:
                test, t, df, p = None, None, None, None
        rest = total - x
        r = _finite(np.corrcoef(x, rest)[0, 1]) if np.ptp(x) > 0 and np.ptp(rest) > 0 else None
        if np.ptp(x) == 0:
            flags.append("constant_item")
            diagnostics.append(warn("item_analysis_constant_item", f"item analysis: every respondent gave item "
                                                                    f"{item} the answer {x[0]:g}; its CR and "
                                                                    f"item–total r are undefined"))
        if note is None and (p is None or p >= CR_ALPHA):
            flags.append("cr_not_significant")
        if r is not None and r < ITEM_TOTAL_R_MIN:
            flags.append("low_item_total_r")
        rows.append(ItemCriticalRatio(item, mean_high, mean_low, test, levene_p, t, df, p, r, tuple(flags)))
    return ItemAnalysisResult("critical_ratio", 100 * share, n, cut_low, cut_high, n_low, n_high, tuple(rows), note,
                              tuple(diagnostics))
