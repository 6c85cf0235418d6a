"""Tests, intervals and effect sizes shared by the analyses: the normal critical value and two-sided p,
the Wilson interval of a proportion, the Wald test and interval of a difference (two proportions; the NPS
change of :mod:`analysis.describe.waves` too), Welch's t test from summary statistics, Cohen's d and
Hedges' g.

Every function takes summary statistics (counts, means, SDs, n), so it serves raw data and the figures of
a previous results.json alike. Undefined statistics (n too small, zero variance) are NaN, never an error;
a confidence level or counts outside their range are bad input.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

from analysis.numbers import all_finite
from questionnaire.errors import input_error

_NAN = float("nan")


def critical_z(level: float) -> float:
    """z_{(1+level)/2}, the standard-normal quantile of a two-sided interval at confidence ``level``
    (1.959964 for .95). A level outside (0, 1) is bad input. R: ``qnorm((1 + level) / 2)``.
    """
    if not 0 < level < 1:
        raise input_error("confidence level must lie strictly between 0 and 1", value=level, allowed="e.g. 0.95")
    return float(stats.norm.ppf(0.5 + level / 2))


def two_sided_normal_p(z: float) -> float:
    """p = 2·Φ(−|z|), the two-sided p-value of a z statistic; NaN for a NaN or infinite z.
    R: ``2 * pnorm(-abs(z))``.
    """
    return float(2 * stats.norm.sf(abs(z))) if math.isfinite(z) else _NAN


def check_count(count: int, n: int, label: str) -> None:
    """Raise InputError unless 0 ≤ ``count`` ≤ ``n`` (``label`` names the figure in the message)."""
    if not 0 <= count <= n:
        raise input_error(f"{label}: count must lie between 0 and n", value=(count, n), allowed="0 <= count <= n")


# --------------------------------------------------------------------------- proportions

def wilson_interval(count: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson (1927) score interval for a binomial proportion, without continuity correction.

    (p̂ + z²/2n ± z·sqrt(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n).
    R: ``prop.test(count, n, correct = FALSE)$conf.int``. NaN when n = 0.
    """
    z = critical_z(level)
    if n == 0:
        return _NAN, _NAN
    p = count / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    denom = 1 + z * z / n
    return (centre - half) / denom, (centre + half) / denom


@dataclass(frozen=True)
class DifferenceTest:
    """A difference of two independent estimates (after − before) with its z test and Wald CI: of two shares
    (:func:`two_proportion_z_test`) or of two NPS (:func:`analysis.describe.waves.nps_difference`)."""

    before: float
    after: float
    diff: float
    se: float
    z: float
    pvalue: float
    ci_lower: float
    ci_upper: float


def wald_difference(before: float, after: float, se: float, se_null: float, crit: float) -> DifferenceTest:
    """diff = after − before with z = diff / ``se_null`` (NaN when it is 0), p = 2Φ(−|z|) and the Wald
    CI diff ± ``crit`` · ``se`` (``crit`` from :func:`critical_z`). ``se_null`` is the SE under H₀ (pooled
    for two proportions) or ``se`` itself. Agresti (2013), *Categorical Data Analysis*, 3rd ed., §3.1.2.
    R: ``d <- after - before; z <- d / se_null; 2 * pnorm(-abs(z)); d + c(-1, 1) * crit * se``.
    """
    diff = after - before
    z = diff / se_null if se_null > 0 else _NAN
    return DifferenceTest(before, after, diff, se, z, two_sided_normal_p(z), diff - crit * se, diff + crit * se)


def two_proportion_z_test(count_before: int, n_before: int, count_after: int, n_after: int,
                          level: float = 0.95) -> DifferenceTest:
    """Two-sample z test of proportions (pooled SE) with the Wald CI of the difference (unpooled SE).

    p̂ = (x₁ + x₂)/(n₁ + n₂), z = (p̂₂ − p̂₁) / sqrt(p̂(1−p̂)(1/n₁ + 1/n₂)), p = 2Φ(−|z|);
    CI = (p̂₂ − p̂₁) ± z_{(1+level)/2} · sqrt(p̂₁(1−p̂₁)/n₁ + p̂₂(1−p̂₂)/n₂). Agresti (2013),
    *Categorical Data Analysis*, 3rd ed., §3.1.2 and §3.2. Everything is NaN when a wave has n = 0;
    z and p are NaN when the pooled share is 0 or 1. Counts outside 0..n raise InputError.
    R: ``prop.test(c(x2, x1), c(n2, n1), correct = FALSE)``: its X-squared is z², its conf.int the Wald CI.
    """
    crit = critical_z(level)
    check_count(count_before, n_before, "proportion before")
    check_count(count_after, n_after, "proportion after")
    if n_before == 0 or n_after == 0:
        return DifferenceTest(*([_NAN] * 8))
    p1, p2 = count_before / n_before, count_after / n_after
    se = math.sqrt(p1 * (1 - p1) / n_before + p2 * (1 - p2) / n_after)
    pooled = (count_before + count_after) / (n_before + n_after)
    se0 = math.sqrt(pooled * (1 - pooled) * (1 / n_before + 1 / n_after))
    return wald_difference(p1, p2, se, se0, crit)


# --------------------------------------------------------------------------- means

@dataclass(frozen=True)
class WelchTest:
    """Welch's t-test of two independent means (after − before) with the CI of the difference."""

    diff: float
    se: float
    t: float
    df: float
    pvalue: float
    ci_lower: float
    ci_upper: float


def welch_t_test(mean_before: float, sd_before: float, n_before: int, mean_after: float, sd_after: float,
                 n_after: int, level: float = 0.95) -> WelchTest:
    """Welch's unequal-variance t-test from summary statistics.

    diff = x̄₂ − x̄₁, SE = sqrt(s₁²/n₁ + s₂²/n₂), t = diff/SE, Welch–Satterthwaite
    df = SE⁴ / [(s₁²/n₁)²/(n₁−1) + (s₂²/n₂)²/(n₂−1)], p = 2·P(T_df > |t|),
    CI = diff ± t_{(1+level)/2, df}·SE.
    Welch (1947), *Biometrika* 34, 28–35; Satterthwaite (1946), *Biometrics Bulletin* 2, 110–114.
    t, df, p and the CI are NaN when a wave has n < 2 or SE = 0.
    R: ``t.test(after, before, var.equal = FALSE)`` on the raw scores (``BSDA::tsum.test`` from the
    summaries); Python: ``scipy.stats.ttest_ind_from_stats(m2, s2, n2, m1, s1, n1, equal_var=False)``.
    """
    critical_z(level)
    diff = mean_after - mean_before
    if n_before < 2 or n_after < 2 or not all_finite(sd_before, sd_after):
        return WelchTest(diff, _NAN, _NAN, _NAN, _NAN, _NAN, _NAN)
    v1, v2 = sd_before ** 2 / n_before, sd_after ** 2 / n_after
    se = math.sqrt(v1 + v2)
    if se == 0:
        return WelchTest(diff, se, _NAN, _NAN, _NAN, _NAN, _NAN)
    df = (v1 + v2) ** 2 / (v1 ** 2 / (n_before - 1) + v2 ** 2 / (n_after - 1))
    t = diff / se
    crit = float(stats.t.ppf(0.5 + level / 2, df))
    return WelchTest(diff, se, t, df, float(2 * stats.t.sf(abs(t), df)), diff - crit * se, diff + crit * se)


def cohens_d(mean_before: float, sd_before: float, n_before: int, mean_after: float, sd_after: float,
             n_after: int) -> float:
    """Cohen's d_s with the pooled SD: d = (x̄₂ − x̄₁) / s_p, s_p² = [(n₁−1)s₁² + (n₂−1)s₂²]/(n₁+n₂−2).

    Cohen (1988), *Statistical power analysis*, §2.5; Lakens (2013), *Frontiers in Psychology* 4:863, eq. 1.
    This is the effect size the chapter-6 report shows (as "d"; see :func:`hedges_g` for small waves).
    NaN when n₁ + n₂ < 3 or s_p = 0.
    R: ``effectsize::cohens_d(after, before)``; ``psych::cohen.d(x, group)$hedges.g`` (psych's own
    "cohen.d" pools with n instead of n − 1 weights);
    by hand ``(m2 - m1) / sqrt(((n1-1)*s1^2 + (n2-1)*s2^2) / (n1+n2-2))``.
    """
    m = n_before + n_after - 2
    if m < 1 or not all_finite(sd_before, sd_after):
        return _NAN
    pooled = math.sqrt(((n_before - 1) * sd_before ** 2 + (n_after - 1) * sd_after ** 2) / m)
    return (mean_after - mean_before) / pooled if pooled > 0 else _NAN


def hedges_g(d: float, n_before: int, n_after: int) -> float:
    """Hedges' g: Cohen's d times the exact small-sample correction J(m), m = n₁ + n₂ − 2.

    J(m) = Γ(m/2) / [sqrt(m/2) · Γ((m−1)/2)] ≈ 1 − 3/(4m − 1). Hedges (1981), *Journal of Educational
    Statistics* 6, 107–128, eq. 6e. It differs from d by less than 1 % once both waves have 40+
    respondents; results.json keeps it for small waves, where the report's d is biased upwards.
    NaN when m < 2. R: ``effectsize::hedges_g(after, before)``; by hand
    ``d * exp(lgamma(m/2) - log(sqrt(m/2)) - lgamma((m-1)/2))``.
    """
    m = n_before + n_after - 2
    if m < 2 or not all_finite(d):
        return _NAN
    return d * math.exp(math.lgamma(m / 2) - 0.5 * math.log(m / 2) - math.lgamma((m - 1) / 2))
