"""Group differences (差异分析): a construct score compared across the answers to a single-choice question.

Two groups: Levene's test (mean-centred as SPSS, or median-centred as Brown–Forsythe on request), Student's t or
Welch's t (the one to read chosen by Levene's p), Cohen's d.
Three or more: one-way ANOVA or Welch's ANOVA (chosen likewise), η², post-hoc LSD and Tukey HSD (equal
variances) or Games–Howell (unequal). Mann–Whitney U / Kruskal–Wallis replace them on request. Groups
smaller than ``min_group`` are left out of the test and named; a comparison that cannot be made (fewer than
two groups left, no variance within the groups) is a record with a ``note`` code, never an error.
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special, stats
from statsmodels.stats.oneway import anova_oneway

from analysis.inference import cohens_d

#: Levene's p below which the variances count as unequal (Welch's t / ANOVA, Games–Howell are read)
LEVENE_ALPHA = 0.05
#: groups with fewer respondents than this are left out of the test (``--min-group``)
MIN_GROUP = 10
#: what ``note`` says when no test was made
NOTE_FEWER_THAN_TWO_GROUPS = "fewer_than_two_groups"
NOTE_NO_VARIANCE = "no_variance"

_NAN = float("nan")


@dataclass(frozen=True)
class GroupSummary:
    """One answer to the question: its code, label, n and the construct score's mean and SD (n − 1)."""

    code: object
    label: str
    n: int
    mean: float
    sd: float


@dataclass(frozen=True)
class LeveneTest:
    """Levene's test of equal variances; ``center`` 'mean' as SPSS, 'median' as Brown–Forsythe."""

    statistic: float
    df1: int
    df2: int
    pvalue: float
    center: str


@dataclass(frozen=True)
class EffectSize:
    name: str
    value: float


@dataclass(frozen=True)
class PairwiseComparison:
    """Group ``a`` against group ``b`` (codes): diff = M_a − M_b, its SE, the p of ``method``
    ('lsd', 'tukey' or 'games_howell')."""

    a: object
    b: object
    diff: float
    se: float
    pvalue: float
    method: str


@dataclass(frozen=True)
class GroupDifference:
    """One question × construct comparison (``results.json`` ``group_differences``).

    ``test`` is 't', 'welch_t', 'anova', 'welch_anova', 'mann_whitney', 'kruskal' or None with a ``note``
    (:data:`NOTE_FEWER_THAN_TWO_GROUPS`, :data:`NOTE_NO_VARIANCE`). ``df2`` is None for t, U and H.
    """

    question: str
    construct: str
    test: str | None
    statistic: float | None
    df1: float | None
    df2: float | None
    pvalue: float | None
    effect_size: EffectSize | None
    levene: LeveneTest | None
    groups: tuple[GroupSummary, ...]
    posthoc: tuple[PairwiseComparison, ...]
    excluded_groups: tuple[GroupSummary, ...]
    note: str | None


# --------------------------------------------------------------------------- the statistics

def levene_test(samples: Sequence[np.ndarray], center: str = "mean") -> LeveneTest:
    """Levene's (1960) test: the one-way ANOVA F of |x_ij − c_j|, c_j the group mean (SPSS) or median
    (Brown & Forsythe 1974); df = (k − 1, N − k).
    R: ``car::leveneTest(y ~ g, center = mean)``; Python: ``scipy.stats.levene(..., center=center)``.
    """
    k, total = len(samples), sum(len(s) for s in samples)
    result = stats.levene(*samples, center=center)
    return LeveneTest(float(result.statistic), k - 1, total - k, float(result.pvalue), center)


def two_group_t(first: np.ndarray, second: np.ndarray, equal_var: bool) -> tuple[float, float, float]:
    """(t, df, p) of the independent t test of M₁ − M₂: Student's with the pooled variance (df = n₁ + n₂ − 2)
    or Welch's with the Welch–Satterthwaite df (Welch 1947).
    R: ``t.test(x1, x2, var.equal = TRUE / FALSE)``; Python: ``scipy.stats.ttest_ind``.
    """
    result = stats.ttest_ind(first, second, equal_var=equal_var)
    return float(result.statistic), float(result.df), float(result.pvalue)


def anova_sums_of_squares(samples: Sequence[np.ndarray]) -> tuple[float, float]:
    """(SS_between, SS_within) of the one-way layout: SS_b = Σ n_j (M_j − M)², SS_w = Σ Σ (x_ij − M_j)².
    R: ``summary(aov(y ~ g))``.
    """
    grand = np.concatenate(samples).mean()
    between = sum(len(s) * (s.mean() - grand) ** 2 for s in samples)
    within = sum(((s - s.mean()) ** 2).sum() for s in samples)
    return float(between), float(within)


def one_way_anova(samples: Sequence[np.ndarray]) -> tuple[float, int, int, float, float]:
    """(F, df1, df2, p, η²) of the one-way ANOVA; η² = SS_b / (SS_b + SS_w) (Cohen 1988, §8.2).
    R: ``oneway.test(y ~ g, var.equal = TRUE)``, ``summary(aov(y ~ g))``; Python: ``scipy.stats.f_oneway``.
    """
    k, total = len(samples), sum(len(s) for s in samples)
    result = stats.f_oneway(*samples)
    between, within = anova_sums_of_squares(samples)
    return float(result.statistic), k - 1, total - k, float(result.pvalue), between / (between + within)


def welch_anova(samples: Sequence[np.ndarray]) -> tuple[float, float, float, float]:
    """(F, df1, df2, p) of Welch's (1951) ANOVA: w_j = n_j/s_j², F = [Σ w_j (M_j − M_w)²/(k − 1)] /
    [1 + 2(k − 2)/(k² − 1) · Λ], Λ = Σ (1 − w_j/Σw)²/(n_j − 1), df2 = (k² − 1)/(3Λ).
    R: ``oneway.test(y ~ g, var.equal = FALSE)``; Python: ``statsmodels.stats.oneway.anova_oneway``.
    """
    values = np.concatenate(samples)
    labels = np.repeat(np.arange(len(samples)), [len(s) for s in samples])
    result = anova_oneway(values, labels, use_var="unequal", welch_correction=True)
    return float(result.statistic), float(result.df_num), float(result.df_denom), float(result.pvalue)


def lsd_comparisons(samples: Sequence[np.ndarray], codes: Sequence) -> list[PairwiseComparison]:
    """Fisher's LSD: unadjusted t tests with the pooled within-group variance, SE = √(MS_w (1/n_a + 1/n_b)),
    df = N − k, p = 2 P(T > |diff/SE|).
    R: ``pairwise.t.test(y, g, p.adjust.method = "none", pool.sd = TRUE)``.
    """
    k, total = len(samples), sum(len(s) for s in samples)
    mse = anova_sums_of_squares(samples)[1] / (total - k)
    out = []
    for i, j in itertools.combinations(range(k), 2):
        diff = samples[i].mean() - samples[j].mean()
        se = math.sqrt(mse * (1 / len(samples[i]) + 1 / len(samples[j])))
        out.append(PairwiseComparison(codes[i], codes[j], float(diff), se,
                                      float(2 * stats.t.sf(abs(diff) / se, total - k)), "lsd"))
    return out


#: the inner integral of :func:`studentized_range_sf` runs over z in ±_Z_LIMIT, the outer over the χ quantiles
#: _TAIL and 1 − _TAIL; Gauss–Legendre nodes and weights of each (96 and 48 nodes: 1e-12 from scipy's)
_Z_LIMIT, _TAIL = 8.5, 1e-14
_RANGE_NODES = np.polynomial.legendre.leggauss(96)
_SCALE_NODES = np.polynomial.legendre.leggauss(48)


def studentized_range_sf(q: np.ndarray, k: int, df: np.ndarray) -> np.ndarray:
    """P(Q_{k,ν} > q), the upper tail of the studentized range of k means with ν error df:

    P(Q > q) = ∫₀^∞ f_ν(s) [1 − W(qs)] ds, W(w) = k ∫ φ(z) [Φ(z) − Φ(z − w)]^{k−1} dz, with f_ν the density of
    s = √(χ²_ν/ν) (Lund & Lund 1983, *Applied Statistics* 32, 204–210; Copenhaver & Holland 1988, *J. Stat.
    Comput. Simul.* 30, 1–15), both integrals by Gauss–Legendre quadrature, vectorised over q and ν.
    R: ``ptukey(q, k, df, lower.tail = FALSE)``. ``scipy.stats.studentized_range.sf`` gives the same to 1e-12
    but integrates each value adaptively (20 ms each; a study's post-hoc tables need hundreds).
    """
    q = np.atleast_1d(np.asarray(q, dtype=float))
    df = np.broadcast_to(np.asarray(df, dtype=float), q.shape)
    z, wz = _Z_LIMIT * _RANGE_NODES[0], _Z_LIMIT * _RANGE_NODES[1]
    u, wu = _SCALE_NODES
    lo, hi = np.sqrt(stats.chi2.ppf(_TAIL, df) / df), np.sqrt(stats.chi2.isf(_TAIL, df) / df)
    half = ((hi - lo) / 2)[:, None]
    s = ((hi + lo) / 2)[:, None] + half * u
    density = stats.chi2.pdf(df[:, None] * s ** 2, df[:, None]) * 2 * df[:, None] * s * half * wu
    inside = special.ndtr(z) - special.ndtr(z - (q[:, None] * s)[..., None])
    within = k * (stats.norm.pdf(z) * wz * inside ** (k - 1)).sum(axis=-1)
    return (density * (1 - within)).sum(axis=-1)


def range_comparisons(samples: Sequence[np.ndarray], codes: Sequence, equal_var: bool) -> list[PairwiseComparison]:
    """Tukey HSD (Tukey–Kramer for unequal n: SE = √(MS_w (1/n_a + 1/n_b)), df = N − k) or, with ``equal_var``
    False, Games & Howell (1976) (SE = √(s_a²/n_a + s_b²/n_b), Welch–Satterthwaite df per pair); p = P(Q_{k,df} >
    √2 |diff|/SE) (:func:`studentized_range_sf`).
    R: ``TukeyHSD(aov(y ~ g))``, ``rstatix::games_howell_test(d, y ~ g)`` (which rounds p to 3 digits);
    Python: ``scipy.stats.tukey_hsd(..., equal_var=equal_var)``.
    """
    k, total = len(samples), sum(len(s) for s in samples)
    mse = anova_sums_of_squares(samples)[1] / (total - k)
    pairs = list(itertools.combinations(range(k), 2))
    diffs, ses, dfs = [], [], []
    for i, j in pairs:
        a, b = samples[i], samples[j]
        diffs.append(a.mean() - b.mean())
        if equal_var:
            ses.append(math.sqrt(mse * (1 / len(a) + 1 / len(b))))
            dfs.append(total - k)
        else:
            va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
            ses.append(math.sqrt(va + vb))
            dfs.append((va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1)))
    p = studentized_range_sf(math.sqrt(2) * np.abs(diffs) / np.array(ses), k, np.array(dfs))
    method = "tukey" if equal_var else "games_howell"
    return [PairwiseComparison(codes[i], codes[j], float(d), float(se), float(pv), method)
            for (i, j), d, se, pv in zip(pairs, diffs, ses, p)]


def mann_whitney(first: np.ndarray, second: np.ndarray) -> tuple[float, float, float]:
    """(U, p, r) of the Mann–Whitney U test of the first group: p from the normal approximation with tie and
    continuity correction; r = |z|/√N with z tie-corrected but without continuity correction (Rosenthal 1991).
    R: ``wilcox.test(x1, x2, exact = FALSE, correct = TRUE)``, ``rstatix::wilcox_effsize``;
    Python: ``scipy.stats.mannwhitneyu(..., method="asymptotic")``.
    """
    result = stats.mannwhitneyu(first, second, use_continuity=True, method="asymptotic")
    uncorrected = stats.mannwhitneyu(first, second, use_continuity=False, method="asymptotic").pvalue
    z = float(stats.norm.isf(uncorrected / 2))
    return float(result.statistic), float(result.pvalue), z / math.sqrt(len(first) + len(second))


def kruskal_wallis(samples: Sequence[np.ndarray]) -> tuple[float, int, float, float]:
    """(H, df, p, η²_H) of the Kruskal–Wallis test (tie-corrected); η²_H = (H − k + 1)/(N − k) (Tomczak &
    Tomczak 2014). R: ``kruskal.test(y ~ g)``, ``rstatix::kruskal_effsize``.
    """
    k, total = len(samples), sum(len(s) for s in samples)
    result = stats.kruskal(*samples)
    h = float(result.statistic)
    return h, k - 1, float(result.pvalue), (h - k + 1) / (total - k)


# --------------------------------------------------------------------------- one comparison

def _summary(code, label: str, x: np.ndarray) -> GroupSummary:
    return GroupSummary(code, label, int(x.size), float(x.mean()) if x.size else _NAN,
                        float(x.std(ddof=1)) if x.size > 1 else _NAN)


def compare_groups(scores: pd.Series, answers: pd.Series, options: Sequence[tuple[object, str]], question: str,
                   construct: str, min_group: int = MIN_GROUP, nonparametric: bool = False,
                   levene_center: str = "mean") -> GroupDifference:
    """The construct ``scores`` compared across the ``answers`` (codes of ``options``, in their order).

    Respondents without a score or an answer are left out; an option nobody chose is not a group; a group
    with fewer than ``min_group`` respondents (at least 2) is listed in ``excluded_groups``. Levene's test is
    centred on ``levene_center`` ('mean' or 'median', :func:`levene_test`).
    """
    y = pd.to_numeric(scores, errors="coerce").to_numpy(dtype=float)
    g = pd.to_numeric(answers, errors="coerce").to_numpy(dtype=float)
    present = []
    for code, label in options:
        x = y[(g == code) & ~np.isnan(y)]
        if x.size:
            present.append((code, label, x))
    smallest = max(min_group, 2)
    kept = [p for p in present if p[2].size >= smallest]
    groups = tuple(_summary(*p) for p in kept)
    excluded = tuple(_summary(*p) for p in present if p[2].size < smallest)

    def record(**fields) -> GroupDifference:
        base = dict(question=question, construct=construct, test=None, statistic=None, df1=None, df2=None,
                    pvalue=None, effect_size=None, levene=None, groups=groups, posthoc=(),
                    excluded_groups=excluded, note=None)
        return GroupDifference(**{**base, **fields})

    if len(kept) < 2:
        return record(note=NOTE_FEWER_THAN_TWO_GROUPS)
    samples = [p[2] for p in kept]
    codes = [p[0] for p in kept]
    if anova_sums_of_squares(samples)[1] == 0:
        return record(note=NOTE_NO_VARIANCE)
    levene = levene_test(samples, levene_center)
    equal_var = not levene.pvalue < LEVENE_ALPHA
    if len(kept) == 2:
        if nonparametric:
            u, p, r = mann_whitney(*samples)
            return record(test="mann_whitney", statistic=u, pvalue=p, effect_size=EffectSize("r", r), levene=levene)
        t, df, p = two_group_t(*samples, equal_var=equal_var)
        d = cohens_d(groups[1].mean, groups[1].sd, groups[1].n, groups[0].mean, groups[0].sd, groups[0].n)
        return record(test="t" if equal_var else "welch_t", statistic=t, df1=df, pvalue=p,
                      effect_size=EffectSize("cohens_d", d), levene=levene)
    if nonparametric:
        h, df, p, eta = kruskal_wallis(samples)
        return record(test="kruskal", statistic=h, df1=df, pvalue=p, effect_size=EffectSize("eta_squared_h", eta),
                      levene=levene)
    f, df1, df2, p, eta = one_way_anova(samples)
    if equal_var:
        posthoc = lsd_comparisons(samples, codes) + range_comparisons(samples, codes, equal_var=True)
        return record(test="anova", statistic=f, df1=df1, df2=df2, pvalue=p,
                      effect_size=EffectSize("eta_squared", eta), levene=levene, posthoc=tuple(posthoc))
    f, df1, df2, p = welch_anova(samples)
    return record(test="welch_anova", statistic=f, df1=df1, df2=df2, pvalue=p,
                  effect_size=EffectSize("eta_squared", eta), levene=levene,
                  posthoc=tuple(range_comparisons(samples, codes, equal_var=False)))


def group_differences(scores: pd.DataFrame, answers: pd.DataFrame, questions: Sequence[tuple[str, Sequence]],
                      min_group: int = MIN_GROUP, nonparametric: bool = False,
                      levene_center: str = "mean") -> list[GroupDifference]:
    """Every question (id, options as (code, label)) × every construct score column of ``scores``."""
    return [compare_groups(scores[construct], answers[question], options, question, construct,
                           min_group=min_group, nonparametric=nonparametric, levene_center=levene_center)
            for question, options in questions for construct in scores.columns]
