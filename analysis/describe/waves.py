"""Before/after comparison of two survey waves (chapter 6, ``loyalty run --baseline PREVIOUS/results.json``).

Works only from the summary statistics two ``results.json`` hold — construct scores (``descriptives``:
n, mean, sd) and indicators (``indicators``: NPS counts, rate counts) — so no raw data of the previous
wave is needed. The waves are independent samples; every difference is *after − before* (current −
previous). Constructs or indicators that one wave lacks are skipped with a Diagnostic, never an error.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from scipy import stats

from analysis.diagnostics import Diagnostic, warn
from analysis.results import plain_fields
from analysis.describe.indicators import _z
from questionnaire.errors import input_error

_NAN = float("nan")


def _finite(*values: float) -> bool:
    return all(isinstance(v, (int, float)) and math.isfinite(v) for v in values)


def _two_sided_normal_p(z: float) -> float:
    return float(2 * stats.norm.sf(abs(z))) if math.isfinite(z) else _NAN


def _check_counts(count: int, n: int, label: str) -> None:
    if not 0 <= count <= n:
        raise input_error(f"{label}: count must lie between 0 and n", value=(count, n), allowed="0 <= count <= n")


# --------------------------------------------------------------------------- construct means

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
    _z(level)
    diff = mean_after - mean_before
    if n_before < 2 or n_after < 2 or not _finite(sd_before, sd_after):
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
    if m < 1 or not _finite(sd_before, sd_after):
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
    if m < 2 or not _finite(d):
        return _NAN
    return d * math.exp(math.lgamma(m / 2) - 0.5 * math.log(m / 2) - math.lgamma((m - 1) / 2))


# --------------------------------------------------------------------------- rates and NPS

@dataclass(frozen=True)
class DifferenceTest:
    """Change of a share or of the NPS between waves (after − before) with its z test and Wald CI."""

    before: float
    after: float
    diff: float
    se: float
    z: float
    pvalue: float
    ci_lower: float
    ci_upper: float


def two_proportion_z_test(count_before: int, n_before: int, count_after: int, n_after: int,
                          level: float = 0.95) -> DifferenceTest:
    """Two-sample z test of proportions (pooled SE) with the Wald CI of the difference (unpooled SE).

    p̂ = (x₁ + x₂)/(n₁ + n₂), z = (p̂₂ − p̂₁) / sqrt(p̂(1−p̂)(1/n₁ + 1/n₂)), p = 2Φ(−|z|);
    CI = (p̂₂ − p̂₁) ± z_{(1+level)/2} · sqrt(p̂₁(1−p̂₁)/n₁ + p̂₂(1−p̂₂)/n₂). Agresti (2013),
    *Categorical Data Analysis*, 3rd ed., §3.1.2 and §3.2. Everything is NaN when a wave has n = 0;
    z and p are NaN when the pooled share is 0 or 1. Counts outside 0..n raise InputError.
    R: ``prop.test(c(x2, x1), c(n2, n1), correct = FALSE)``: its X-squared is z², its conf.int the Wald CI.
    """
    crit = _z(level)
    _check_counts(count_before, n_before, "proportion before")
    _check_counts(count_after, n_after, "proportion after")
    if n_before == 0 or n_after == 0:
        return DifferenceTest(*([_NAN] * 8))
    p1, p2 = count_before / n_before, count_after / n_after
    diff = p2 - p1
    se = math.sqrt(p1 * (1 - p1) / n_before + p2 * (1 - p2) / n_after)
    pooled = (count_before + count_after) / (n_before + n_after)
    se0 = math.sqrt(pooled * (1 - pooled) * (1 / n_before + 1 / n_after))
    z = diff / se0 if se0 > 0 else _NAN
    return DifferenceTest(p1, p2, diff, se, z, _two_sided_normal_p(z), diff - crit * se, diff + crit * se)


def nps_difference(promoters_before: int, detractors_before: int, n_before: int, promoters_after: int,
                   detractors_after: int, n_after: int, level: float = 0.95) -> DifferenceTest:
    """Difference of two independent Net Promoter Scores with a Wald z test and CI, in NPS points.

    NPS = 100(p_P − p_D) per wave (−100..100, so the difference lies in −200..200);
    Var(NPS) = 100²·[p_P + p_D − (p_P − p_D)²]/n (multinomial counts), Var(diff) = Var₁ + Var₂,
    z = diff / SE, p = 2Φ(−|z|), CI = diff ± z_{(1+level)/2}·SE. Rocks (2016), "Interval estimation for
    the 'Net Promoter Score'", *The American Statistician* 70(4), 365–372 (Wald interval, §2).
    Everything is NaN when a wave has n = 0; z and p are NaN when SE = 0. Bad counts raise InputError.
    R (no package): ``v <- function(pp, pd, n) 1e4 * (pp + pd - (pp - pd)^2) / n;
    d <- 100 * ((pp2 - pd2) - (pp1 - pd1)); se <- sqrt(v(pp1, pd1, n1) + v(pp2, pd2, n2));
    2 * pnorm(-abs(d / se)); d + c(-1, 1) * qnorm(.975) * se``.
    """
    crit = _z(level)
    for label, (p, d, n) in {"NPS before": (promoters_before, detractors_before, n_before),
                             "NPS after": (promoters_after, detractors_after, n_after)}.items():
        _check_counts(p, n, f"{label} promoters")
        _check_counts(d, n - p, f"{label} detractors (with the promoters)")
    if n_before == 0 or n_after == 0:
        return DifferenceTest(*([_NAN] * 8))

    def score_and_var(p: int, d: int, n: int) -> tuple[float, float]:
        pp, pd_ = p / n, d / n
        return 100 * (pp - pd_), 1e4 * max(pp + pd_ - (pp - pd_) ** 2, 0.0) / n

    before, v1 = score_and_var(promoters_before, detractors_before, n_before)
    after, v2 = score_and_var(promoters_after, detractors_after, n_after)
    diff, se = after - before, math.sqrt(v1 + v2)
    z = diff / se if se > 0 else _NAN
    return DifferenceTest(before, after, diff, se, z, _two_sided_normal_p(z), diff - crit * se, diff + crit * se)


# --------------------------------------------------------------------------- the comparison of two runs

@dataclass(frozen=True)
class ConstructChange:
    """One construct's mean score in both waves, Welch's test and the effect sizes."""

    construct: str
    n_before: int
    n_after: int
    mean_before: float
    mean_after: float
    test: WelchTest
    cohens_d: float
    hedges_g: float

    def plain_form(self) -> dict:
        """One flat row: the test's fields between the means and the effect sizes."""
        return {"construct": self.construct, "n_before": self.n_before, "n_after": self.n_after,
                "mean_before": self.mean_before, "mean_after": self.mean_after, **plain_fields(self.test),
                "cohens_d": self.cohens_d, "hedges_g": self.hedges_g}


@dataclass(frozen=True)
class RateChange:
    """One rate indicator (0..1 share) in both waves with the two-proportion test."""

    indicator: str
    n_before: int
    n_after: int
    test: DifferenceTest

    def plain_form(self) -> dict:
        """One flat row: the test's fields after the sample sizes."""
        return {**plain_fields(self, without=("test",)), **plain_fields(self.test)}


@dataclass(frozen=True)
class WaveComparison:
    """The current wave against a previous one; ``diagnostics`` go to ``results.warnings``."""

    previous: dict
    level: float
    constructs: tuple[ConstructChange, ...] = ()
    rates: tuple[RateChange, ...] = ()
    nps: DifferenceTest | None = None
    diagnostics: tuple[Diagnostic, ...] = ()

    def plain_form(self) -> dict:
        """``results.json`` ``baseline``; diagnostics go to ``results.warnings``."""
        return plain_fields(self, without=("diagnostics",))


def _section(results: Mapping, *path: str) -> Mapping | None:
    """results[path[0]][path[1]]... or None when any level is absent or not a mapping."""
    node = results
    for key in path:
        node = node.get(key) if isinstance(node, Mapping) else None
    return node if isinstance(node, Mapping) else None


def _construct_scale(results: Mapping, construct: str) -> tuple | None:
    """(min, max) of the construct's scale from the run's ``instrument`` section, None if not recorded."""
    doc = _section(results, "instrument")
    if doc is None:
        return None
    entry = next((c for c in doc.get("constructs") or () if isinstance(c, Mapping) and c.get("id") == construct),
                 None)
    scale = (entry or {}).get("scale") or doc.get("scale")
    return (scale.get("min"), scale.get("max")) if isinstance(scale, Mapping) else None


def _compare_constructs(previous: Mapping, current: Mapping, level: float,
                        diags: list[Diagnostic]) -> tuple[ConstructChange, ...]:
    before = _section(previous, "descriptives", "constructs")
    after = _section(current, "descriptives", "constructs")
    if before is None or after is None:
        which = "previous" if before is None else "current"
        diags.append(warn("baseline_no_constructs",
                          f"the {which} results have no construct scores (descriptives.constructs); "
                          f"construct means are not compared"))
        return ()
    for construct, wave in [(c, "previous") for c in before if c not in after] + \
                           [(c, "current") for c in after if c not in before]:
        diags.append(warn("baseline_construct_unmatched",
                          f"construct {construct} is only in the {wave} wave; it is not compared"))
    changes = []
    for construct in (c for c in after if c in before):
        b, a = before[construct], after[construct]
        scales = _construct_scale(previous, construct), _construct_scale(current, construct)
        if None not in scales and scales[0] != scales[1]:
            diags.append(warn("baseline_scale_mismatch",
                              f"construct {construct}: scale {scales[0]} in the previous wave, {scales[1]} in the "
                              f"current one; means on different scales are not compared"))
            continue
        args = (b.get("mean"), b.get("sd"), b.get("n"), a.get("mean"), a.get("sd"), a.get("n"))
        if not _finite(*args):
            diags.append(warn("baseline_degenerate",
                              f"construct {construct}: mean, SD or n missing in a wave (previous n = {b.get('n')}, "
                              f"current n = {a.get('n')}); not compared"))
            continue
        test = welch_t_test(*args, level=level)
        if not math.isfinite(test.t):
            diags.append(warn("baseline_degenerate",
                              f"construct {construct}: Welch's t is undefined (n < 2 in a wave or SD 0 in both); "
                              f"not compared"))
            continue
        d = cohens_d(*args)
        changes.append(ConstructChange(construct, int(b["n"]), int(a["n"]), float(b["mean"]), float(a["mean"]),
                                       test, d, hedges_g(d, int(b["n"]), int(a["n"]))))
    return tuple(changes)


def _overall(results: Mapping, indicator: str) -> Mapping | None:
    return _section(results, "indicators", indicator, "overall")


def _missing_indicator(previous: Mapping, current: Mapping, indicator: str, diags: list[Diagnostic]) -> bool:
    """True when a wave lacks the indicator; a Diagnostic when only one does (neither: nothing to compare)."""
    absent = [w for w, r in (("previous", previous), ("current", current)) if _overall(r, indicator) is None]
    if len(absent) == 1:
        diags.append(warn("baseline_indicator_missing",
                          f"indicator {indicator} is missing from the {absent[0]} results; its change is not tested"))
    return bool(absent)


def _compare_rates(previous: Mapping, current: Mapping, level: float,
                   diags: list[Diagnostic]) -> tuple[RateChange, ...]:
    names = [n for n in dict.fromkeys([*(_section(current, "indicators") or {}),
                                       *(_section(previous, "indicators") or {})]) if n != "nps"]
    changes = []
    for name in names:
        if _missing_indicator(previous, current, name, diags):
            continue
        b, a = _overall(previous, name), _overall(current, name)
        if not _finite(b.get("count"), b.get("n"), a.get("count"), a.get("n")):
            diags.append(warn("baseline_indicator_missing",
                              f"indicator {name} lacks count or n in a wave; its change is not tested"))
            continue
        test = two_proportion_z_test(int(b["count"]), int(b["n"]), int(a["count"]), int(a["n"]), level)
        if not math.isfinite(test.z):
            reason = ("n = 0 in a wave" if not math.isfinite(test.diff)
                      else f"the share is {test.after:g} in both waves")
            diags.append(warn("baseline_degenerate", f"indicator {name}: no test ({reason}); not compared"))
            continue
        changes.append(RateChange(name, int(b["n"]), int(a["n"]), test))
    return tuple(changes)


def _compare_nps(previous: Mapping, current: Mapping, level: float, diags: list[Diagnostic]) -> DifferenceTest | None:
    if _missing_indicator(previous, current, "nps", diags):
        return None
    b, a = _overall(previous, "nps"), _overall(current, "nps")
    keys = ("promoters", "detractors", "n")
    if not _finite(*(b.get(k) for k in keys), *(a.get(k) for k in keys)):
        diags.append(warn("baseline_indicator_missing",
                          "indicator nps lacks promoter/detractor counts in a wave; its change is not tested"))
        return None
    result = nps_difference(*(int(b[k]) for k in keys), *(int(a[k]) for k in keys), level=level)
    if not math.isfinite(result.z):
        diags.append(warn("baseline_degenerate",
                          "NPS: no test (n = 0 in a wave, or every respondent in both waves gave the same "
                          "kind of answer, so the SE is 0); not compared"))
        return None
    return result


def compare_waves(previous: Mapping, current: Mapping, level: float = 0.95) -> WaveComparison:
    """Compare the current run with a previous one from their results.json dicts (after − before).

    Construct mean scores (``descriptives.constructs``): :func:`welch_t_test`, :func:`cohens_d`,
    :func:`hedges_g`. Rates (every indicator but NPS with ``overall.count`` / ``overall.n``):
    :func:`two_proportion_z_test`. NPS (``indicators.nps.overall`` promoters, detractors, n):
    :func:`nps_difference`. Constructs are matched by id; a different ``meta.instrument_id`` is reported
    and whatever matches is still compared; a construct whose scale differs between the waves' recorded
    instruments, one present in a single wave, a missing indicator and a degenerate test (n < 2, zero
    variance) each give a Diagnostic and are left out. No multiplicity correction is applied: the
    p-values are per comparison.
    """
    _z(level)
    diags: list[Diagnostic] = []
    meta_before, meta_after = _section(previous, "meta") or {}, _section(current, "meta") or {}
    ids = meta_before.get("instrument_id"), meta_after.get("instrument_id")
    if ids[0] != ids[1]:
        diags.append(warn("baseline_instrument_mismatch",
                          f"the previous wave used instrument {ids[0]!r}, the current one {ids[1]!r}; only "
                          f"constructs and indicators with the same ids are compared"))
    constructs = _compare_constructs(previous, current, level, diags)
    rates = _compare_rates(previous, current, level, diags)
    nps = _compare_nps(previous, current, level, diags)
    info = {k: meta_before.get(k) for k in ("data_file", "n_analyzed", "instrument_id")}
    return WaveComparison(info, level, constructs, rates, nps, tuple(diags))
