"""Moderation (调节效应) on construct scores, as PROCESS model 1 (Hayes 2022) with mean-centring.

Step 1 regresses Y on X and M, step 2 adds the product X × M; the change in R² is tested with its F. A
construct moderator M is mean-centred like X; a background question is dummy-coded (first level the
reference; one product term per other level, tested jointly). Simple slopes of X are given at M − 1 SD, M̄
and M + 1 SD, or at each level of a categorical M; the Johnson–Neyman bounds where a continuous M's
conditional slope turns significant. A model that cannot be fitted is a record with a ``note``, never an error.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

#: the two-sided significance level of the Johnson–Neyman bounds and the interaction's CI
ALPHA = 0.05
#: what ``note`` says when no model was fitted
NOTE_NO_VARIANCE = "no_variance"
NOTE_TOO_FEW_RESPONDENTS = "too_few_respondents"
NOTE_FEWER_THAN_TWO_LEVELS = "fewer_than_two_levels"


@dataclass(frozen=True)
class Coefficient:
    """The product term X × M in step 2: B, SE, t, p and the 95 % CI."""

    b: float
    se: float
    t: float
    pvalue: float
    ci_lower: float
    ci_upper: float


@dataclass(frozen=True)
class SimpleSlope:
    """The conditional effect of X at one value of M: ``at`` is '-1SD', 'mean', '+1SD' or a level's code;
    ``m_value`` that value of M in its own units; ``intercept`` the predicted Y at the mean of X there."""

    at: str
    m_value: float
    slope: float
    se: float
    t: float
    pvalue: float
    intercept: float


@dataclass(frozen=True)
class JohnsonNeyman:
    """The values of M (own units, ascending) where the slope of X has p = .05 exactly; ``inside_significant``:
    whether the slope is significant between two bounds (outside them otherwise); with no bound, whether it is
    significant at every value of M. ``observed`` is the range of M in the data (PROCESS shows the bounds
    inside it only)."""

    bounds: tuple[float, ...]
    inside_significant: bool
    observed: tuple[float, float]


@dataclass(frozen=True)
class ModerationResult:
    """One declared moderation (``results.json`` ``moderation``). ``m_type`` 'construct' or 'question';
    ``interaction`` is None for a moderator with more than two levels (``delta_f`` tests the product terms
    jointly, with ``delta_df1`` = levels − 1); ``johnson_neyman`` only for a construct moderator."""

    x: str
    m: str
    y: str
    n: int
    centered: bool
    interaction: Coefficient | None
    delta_r2: float | None
    delta_f: float | None
    delta_pvalue: float | None
    simple_slopes: tuple[SimpleSlope, ...]
    johnson_neyman: JohnsonNeyman | None
    note: str | None
    m_type: str
    delta_df1: int | None
    delta_df2: int | None
    r2: float | None
    x_mean: float | None
    x_sd: float | None


def _conditional_slope(fit, x_term: int, product_term: int | None, value: float) -> tuple[float, float, float, float]:
    """(slope, SE, t, p) of X where the moderator term equals ``value``: b_X + value · b_XM with
    SE² = V_XX + 2 value V_X,XM + value² V_XM,XM (Aiken & West 1991, eq. 2.7)."""
    b, v = np.asarray(fit.params), np.asarray(fit.cov_params())
    slope, variance = b[x_term], v[x_term, x_term]
    if product_term is not None:
        slope += value * b[product_term]
        variance += 2 * value * v[x_term, product_term] + value ** 2 * v[product_term, product_term]
    se = math.sqrt(variance)
    t = slope / se
    return float(slope), se, float(t), float(2 * stats.t.sf(abs(t), fit.df_resid))


def johnson_neyman(fit, x_term: int, product_term: int, centre: float, observed: tuple[float, float]) -> JohnsonNeyman:
    """The moderator values (``centre`` added back) where t of the conditional slope equals t_{.975, df}:
    the real roots of (b₃² − t²V₃₃) m² + 2(b₁b₃ − t²V₁₃) m + (b₁² − t²V₁₁) = 0 (Johnson & Neyman 1936;
    Hayes 2022, *Introduction to mediation, moderation, and conditional process analysis*, 3rd ed., §7.4;
    Bauer & Curran 2005). The slope is significant where the quadratic is positive.
    R: ``interactions::johnson_neyman``; by hand from ``coef(fit)`` and ``vcov(fit)``.
    """
    b, v = np.asarray(fit.params), np.asarray(fit.cov_params())
    crit = stats.t.isf(ALPHA / 2, fit.df_resid) ** 2
    a = b[product_term] ** 2 - crit * v[product_term, product_term]
    half_b = b[x_term] * b[product_term] - crit * v[x_term, product_term]
    c = b[x_term] ** 2 - crit * v[x_term, x_term]
    disc = half_b ** 2 - a * c
    if a == 0 or disc < 0:
        return JohnsonNeyman((), bool(c > 0 if a == 0 else a > 0), observed)
    roots = sorted(((-half_b - math.sqrt(disc)) / a + centre, (-half_b + math.sqrt(disc)) / a + centre))
    return JohnsonNeyman(tuple(float(r) for r in roots), bool(a < 0), observed)


def significant_regions(bounds: Sequence[float], inside_significant: bool,
                        observed: tuple[float, float]) -> list[tuple[float, float]]:
    """The intervals of the observed range of M where the slope of X is significant, from the Johnson–Neyman
    ``bounds`` (all of the range, none of it, or the parts the bounds cut off)."""
    low, high = observed
    cuts = [low, *(b for b in bounds if low < b < high), high]

    def significant(value: float) -> bool:
        if len(bounds) < 2:
            return inside_significant
        between = bounds[0] < value < bounds[1]
        return between if inside_significant else not between

    regions: list[tuple[float, float]] = []
    for a, b in zip(cuts, cuts[1:]):
        if significant((a + b) / 2):
            regions.append((regions.pop()[0], b) if regions and regions[-1][1] == a else (a, b))
    return regions


def _steps(y: np.ndarray, first: np.ndarray, products: np.ndarray):
    """Step 1 (constant + ``first``), step 2 (+ ``products``), and (ΔF, Δp, Δdf1) of the product terms."""
    step1 = sm.OLS(y, sm.add_constant(first, has_constant="add")).fit()
    step2 = sm.OLS(y, sm.add_constant(np.column_stack([first, products]), has_constant="add")).fit()
    f, p, df1 = step2.compare_f_test(step1)
    return step1, step2, float(f), float(p), int(df1)


def moderate(x: pd.Series, m: pd.Series, y: pd.Series, names: tuple[str, str, str],
             levels: Sequence[tuple[object, str]] | None = None, min_group: int = 10) -> ModerationResult:
    """PROCESS model 1 of ``y`` on ``x`` moderated by ``m`` (``names`` = ids of x, m, y).

    ``levels`` (code, label) makes M categorical: levels with fewer than ``min_group`` respondents are left out
    (their rows too). Rows missing x, m or y are left out.
    R: ``lm(y ~ xc + mc)``, ``lm(y ~ xc * mc)``, ``anova(step1, step2)``, ``confint(step2)``.
    """
    data = pd.DataFrame({"x": pd.to_numeric(x, errors="coerce"), "m": m, "y": pd.to_numeric(y, errors="coerce")})
    data = data.dropna()
    categorical = levels is not None
    if categorical:
        counts = data["m"].value_counts()
        codes = [code for code, _ in levels if counts.get(code, 0) >= max(min_group, 2)]
        data = data[data["m"].isin(codes)]
    else:
        data["m"] = pd.to_numeric(data["m"], errors="coerce")
    n = len(data)

    def record(**fields) -> ModerationResult:
        base = dict(x=names[0], m=names[1], y=names[2], n=n, centered=True, interaction=None, delta_r2=None,
                    delta_f=None, delta_pvalue=None, simple_slopes=(), johnson_neyman=None, note=None,
                    m_type="question" if categorical else "construct", delta_df1=None, delta_df2=None, r2=None,
                    x_mean=None, x_sd=None)
        return ModerationResult(**{**base, **fields})

    if categorical and len(codes) < 2:
        return record(note=NOTE_FEWER_THAN_TWO_LEVELS)
    n_terms = 2 * (len(codes) - 1) + 1 if categorical else 3
    if n < n_terms + 2:
        return record(note=NOTE_TOO_FEW_RESPONDENTS)
    if data["x"].nunique() < 2 or data["y"].nunique() < 2 or (not categorical and data["m"].nunique() < 2):
        return record(note=NOTE_NO_VARIANCE)
    x_mean, x_sd = float(data["x"].mean()), float(data["x"].std(ddof=1))
    xc = data["x"].to_numpy() - x_mean
    yv = data["y"].to_numpy()
    if categorical:
        dummies = np.column_stack([(data["m"] == code).to_numpy(dtype=float) for code in codes[1:]])
        step1, step2, f, p, df1 = _steps(yv, np.column_stack([xc, dummies]), xc[:, None] * dummies)
        product_terms = list(range(2 + dummies.shape[1], 2 + 2 * dummies.shape[1]))
        slopes = []
        for k, code in enumerate(codes):
            term = None if k == 0 else product_terms[k - 1]
            slope = _conditional_slope(step2, 1, term, 1.0)
            intercept = step2.params[0] + (step2.params[1 + k] if k else 0.0)
            slopes.append(SimpleSlope(str(code), float(code), *slope, float(intercept)))
        interaction = _coefficient(step2, product_terms[0]) if len(codes) == 2 else None
        jn = None
    else:
        m_mean, m_sd = float(data["m"].mean()), float(data["m"].std(ddof=1))
        mc = data["m"].to_numpy() - m_mean
        step1, step2, f, p, df1 = _steps(yv, np.column_stack([xc, mc]), (xc * mc)[:, None])
        slopes = []
        for at, offset in (("-1SD", -m_sd), ("mean", 0.0), ("+1SD", m_sd)):
            slope = _conditional_slope(step2, 1, 3, offset)
            slopes.append(SimpleSlope(at, m_mean + offset, *slope, float(step2.params[0] + offset * step2.params[2])))
        interaction = _coefficient(step2, 3)
        jn = johnson_neyman(step2, 1, 3, m_mean, (float(data["m"].min()), float(data["m"].max())))
    return record(interaction=interaction, delta_r2=float(step2.rsquared - step1.rsquared), delta_f=f,
                  delta_pvalue=p, simple_slopes=tuple(slopes), johnson_neyman=jn, delta_df1=df1,
                  delta_df2=int(step2.df_resid), r2=float(step2.rsquared), x_mean=x_mean, x_sd=x_sd)


def _coefficient(fit, term: int) -> Coefficient:
    low, high = np.asarray(fit.conf_int(ALPHA))[term]
    return Coefficient(float(fit.params[term]), float(fit.bse[term]), float(fit.tvalues[term]),
                       float(fit.pvalues[term]), float(low), float(high))
