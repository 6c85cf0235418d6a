"""Behavioural loyalty indicators: NPS, repeat-purchase rate, paid-membership share — overall and by group.

Inputs are plain pandas Series (one value per respondent); missing values are left out of each
indicator, and respondents with a missing group are left out of the by-group figures and the test.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis.diagnostics import Diagnostic, warn
from analysis.inference import critical_z, wilson_interval
from analysis.numbers import numeric_column, plain_scalar
from analysis.results import plain_fields
from questionnaire.errors import input_error

#: An NPS below this reads as weak advocacy: promoters barely outnumber detractors (Reichheld 2003 reads
#: scores above 30 as a base of advocates a firm can grow on).
NPS_WEAK_BELOW = 30.0
#: A paid-membership share below this is a programme that reaches a minority of the customers.
MEMBERSHIP_LOW_BELOW = 0.5


# --------------------------------------------------------------------------- chi-square test

@dataclass(frozen=True)
class ChiSquareTest:
    """Pearson χ² test of independence of an indicator's categories and the groups."""

    statistic: float
    df: int
    pvalue: float
    n: int
    n_cells: int
    n_expected_below_5: int
    min_expected: float


def chi_square_independence(outcome: pd.Series, group: pd.Series,
                            label: str = "indicator") -> tuple[ChiSquareTest | None, list[Diagnostic]]:
    """Pearson χ² test of independence on the outcome × group table (rows with a missing value dropped).

    χ² = Σ (O − E)² / E with E = row total · column total / n, df = (r−1)(c−1); no Yates continuity
    correction, also for 2×2 tables (the "Pearson Chi-Square" row of SPSS CROSSTABS).
    Categories or groups that never occur are not part of the table. Cells with E < 5 are counted
    and flagged (SPSS footnote; Cochran 1954). Returns None with a Diagnostic when the table has
    fewer than two rows or columns.
    R: ``chisq.test(table(outcome, group), correct = FALSE)``;
    Python: ``scipy.stats.chi2_contingency(table, correction=False)``.
    """
    keep = outcome.notna() & group.notna()
    table = pd.crosstab(outcome[keep], group[keep])
    if table.shape[0] < 2 or table.shape[1] < 2:
        return None, [warn("chisq_degenerate",
                           f"{label}: the {table.shape[0]}×{table.shape[1]} table by group has fewer than two "
                           f"rows or columns; no χ² test")]
    res = stats.chi2_contingency(table.to_numpy(), correction=False)
    expected = res.expected_freq
    small = int(np.count_nonzero(expected < 5))
    diags = []
    if small:
        diags.append(warn("chisq_small_expected",
                          f"{label}: {small} of {expected.size} cells ({100 * small / expected.size:.0f}%) have an "
                          f"expected count below 5 (minimum {expected.min():.2f}); the χ² p-value is unreliable"))
    return ChiSquareTest(float(res.statistic), int(res.dof), float(res.pvalue), int(keep.sum()),
                         int(expected.size), small, float(expected.min())), diags


# --------------------------------------------------------------------------- estimates

@dataclass(frozen=True)
class NpsEstimate:
    """Net Promoter Score in percentage points (−100 … 100) with its Wald CI."""

    n: int
    promoters: int
    passives: int
    detractors: int
    nps: float
    se: float
    ci_lower: float
    ci_upper: float

    def plain_form(self) -> dict:
        """The counts, the promoter and detractor shares in %, then the score and its interval."""
        def pct(count: int) -> float:
            return 100 * count / self.n if self.n else float("nan")
        return {"n": self.n, "promoters": self.promoters, "passives": self.passives, "detractors": self.detractors,
                "promoters_pct": pct(self.promoters), "detractors_pct": pct(self.detractors),
                "nps": self.nps, "se": self.se, "ci_lower": self.ci_lower, "ci_upper": self.ci_upper}


@dataclass(frozen=True)
class ProportionEstimate:
    """A share (0 … 1) with its Wilson score CI."""

    n: int
    count: int
    proportion: float
    ci_lower: float
    ci_upper: float


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator overall, per group, and the χ² test across groups (None without a grouping)."""

    indicator: str
    level: float
    overall: NpsEstimate | ProportionEstimate
    by_group: dict[str, NpsEstimate | ProportionEstimate]
    test: ChiSquareTest | None
    diagnostics: tuple[Diagnostic, ...] = ()

    def plain_form(self) -> dict:
        """``results.json`` ``indicators.<indicator>``; diagnostics go to ``results.warnings``."""
        return plain_fields(self, without=("diagnostics",))


def nps_estimate(scores: np.ndarray, level: float = 0.95) -> NpsEstimate:
    """NPS = 100·(p_P − p_D), promoters scoring 9–10 and detractors 0–6 on the 0–10 item, with a Wald CI.

    The promoter/passive/detractor counts are multinomial, so
    Var(p̂_P − p̂_D) = [p_P(1−p_P) + p_D(1−p_D) + 2 p_P p_D]/n = [p_P + p_D − (p_P − p_D)²]/n
    and the CI is NPS ± z·100·sqrt(Var). Rocks, B. (2016), "Interval estimation for the 'Net
    Promoter Score'", *The American Statistician* 70(4), 365–372 (the Wald interval, §2).
    R: ``pp <- mean(x >= 9); pd <- mean(x <= 6); 100*(pp-pd) + c(-1,1)*qnorm(.975)*100*sqrt((pp+pd-(pp-pd)^2)/n)``.
    """
    z = critical_z(level)
    n = int(scores.size)
    prom, det = int(np.count_nonzero(scores >= 9)), int(np.count_nonzero(scores <= 6))
    if n == 0:
        nan = float("nan")
        return NpsEstimate(0, 0, 0, 0, nan, nan, nan, nan)
    pp, pd_ = prom / n, det / n
    se = 100 * math.sqrt(max(pp + pd_ - (pp - pd_) ** 2, 0.0) / n)
    nps = 100 * (pp - pd_)
    return NpsEstimate(n, prom, n - prom - det, det, nps, se, nps - z * se, nps + z * se)


def proportion_estimate(flags: np.ndarray, level: float = 0.95) -> ProportionEstimate:
    """Share of True among the non-missing flags with the :func:`~analysis.inference.wilson_interval`.

    R: ``prop.test(sum(x), length(x), correct = FALSE)``.
    """
    n, k = int(flags.size), int(np.count_nonzero(flags))
    lo, hi = wilson_interval(k, n, level)
    return ProportionEstimate(n, k, k / n if n else float("nan"), lo, hi)


def _by_group(values: pd.Series, group: pd.Series | None, estimate: Callable[[np.ndarray], object]) -> dict:
    if group is None:
        return {}
    if len(group) != len(values):
        raise input_error(f"grouping column has {len(group)} rows, the indicator {len(values)}",
                          column=str(group.name), allowed="one group value per respondent")
    keep = values.notna().to_numpy() & group.notna().to_numpy()
    v, g = values.to_numpy()[keep], group.to_numpy()[keep]
    return {str(level): estimate(v[g == level]) for level in pd.unique(g)}


def _grouped_result(name: str, values: pd.Series, categories: pd.Series, group: pd.Series | None,
                    estimate: Callable[[np.ndarray], object], level: float,
                    diags: list[Diagnostic] | None = None) -> IndicatorResult:
    overall = estimate(values.dropna().to_numpy())
    diags = list(diags or [])
    if overall.n == 0:
        diags.append(warn("indicator_no_data", f"{name}: no non-missing answers; the estimate is NaN"))
    by_group = _by_group(values, group, estimate)
    test = None
    if group is not None:
        test, d = chi_square_independence(categories, pd.Series(group.to_numpy(), index=values.index), name)
        diags.extend(d)
    return IndicatorResult(name, level, overall, by_group, test, tuple(diags))


def net_promoter_score(scores: pd.Series, group: pd.Series | None = None, level: float = 0.95) -> IndicatorResult:
    """NPS overall and by group (:func:`nps_estimate`), with a χ² test of promoter/passive/detractor × group.

    ``scores`` must be integers 0–10 (missing allowed); anything else raises InputError.
    """
    name = str(scores.name or "nps")
    x = numeric_column(scores, name)
    bad = ~np.isnan(x) & ((x < 0) | (x > 10) | (x != np.round(x)))
    if bad.any():
        raise input_error("NPS answer outside 0-10", column=name, value=plain_scalar(scores[bad].iloc[0]),
                          allowed="integers 0-10")
    values = pd.Series(x, index=scores.index)
    categories = pd.Series(np.where(np.isnan(x), None,
                                    np.where(x >= 9, "promoter", np.where(x <= 6, "detractor", "passive"))),
                           index=scores.index)
    return _grouped_result("nps", values, categories, group, lambda v: nps_estimate(v, level), level)


def repeat_purchase_rate(orders: pd.Series, group: pd.Series | None = None, min_orders: int = 2,
                         level: float = 0.95) -> IndicatorResult:
    """Share of respondents with at least ``min_orders`` orders (default 2, in the last 6 months), Wilson CI.

    ``orders`` is numeric (counts; missing allowed); negative counts raise InputError.
    R: ``prop.test(sum(orders >= 2, na.rm = TRUE), sum(!is.na(orders)), correct = FALSE)``.
    """
    name = str(orders.name or "orders")
    x = numeric_column(orders, name)
    if (x < 0).any():
        raise input_error("negative order count", column=name, value=plain_scalar(orders[x < 0].iloc[0]),
                          allowed="counts 0, 1, 2, ...")
    flags = pd.Series(np.where(np.isnan(x), np.nan, (x >= min_orders).astype(float)), index=orders.index)
    return _grouped_result("repeat_purchase", flags, flags, group,
                           lambda v: proportion_estimate(v == 1, level), level)


def paid_membership_share(membership: pd.Series, group: pd.Series | None = None, none_value: object = "none",
                          level: float = 0.95) -> IndicatorResult:
    """Share of respondents holding any membership other than ``none_value``, Wilson CI.

    R: ``prop.test(sum(m != "none", na.rm = TRUE), sum(!is.na(m)), correct = FALSE)``.
    """
    paid = membership.notna() & (membership != none_value)
    flags = pd.Series(np.where(membership.isna(), np.nan, paid.astype(float)), index=membership.index)
    diags = []
    if membership.notna().any() and not (membership == none_value).any():
        diags.append(warn("membership_no_none", f"paid_membership: no respondent answered {none_value!r}; "
                                                f"check the value that means no membership"))
    return _grouped_result("paid_membership", flags, flags, group,
                           lambda v: proportion_estimate(v == 1, level), level, diags)
