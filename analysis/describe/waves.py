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

from analysis.diagnostics import Diagnostic, warn
from analysis.inference import (DifferenceTest, WelchTest, check_count, cohens_d, critical_z, hedges_g,
                                two_proportion_z_test, wald_difference, welch_t_test)
from analysis.numbers import all_finite
from analysis.results import plain_fields


# --------------------------------------------------------------------------- NPS

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
    crit = critical_z(level)
    for label, (p, d, n) in {"NPS before": (promoters_before, detractors_before, n_before),
                             "NPS after": (promoters_after, detractors_after, n_after)}.items():
        check_count(p, n, f"{label} promoters")
        check_count(d, n - p, f"{label} detractors (with the promoters)")
    if n_before == 0 or n_after == 0:
        return DifferenceTest(*([math.nan] * 8))

    def score_and_var(p: int, d: int, n: int) -> tuple[float, float]:
        pp, pd_ = p / n, d / n
        return 100 * (pp - pd_), 1e4 * max(pp + pd_ - (pp - pd_) ** 2, 0.0) / n

    before, v1 = score_and_var(promoters_before, detractors_before, n_before)
    after, v2 = score_and_var(promoters_after, detractors_after, n_after)
    se = math.sqrt(v1 + v2)
    return wald_difference(before, after, se, se, crit)


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
        if not all_finite(*args):
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
        if not all_finite(b.get("count"), b.get("n"), a.get("count"), a.get("n")):
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
    if not all_finite(*(b.get(k) for k in keys), *(a.get(k) for k in keys)):
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

    Construct mean scores (``descriptives.constructs``): :func:`~analysis.inference.welch_t_test`,
    :func:`~analysis.inference.cohens_d`, :func:`~analysis.inference.hedges_g`. Rates (every indicator but
    NPS with ``overall.count`` / ``overall.n``): :func:`~analysis.inference.two_proportion_z_test`. NPS
    (``indicators.nps.overall`` promoters, detractors, n): :func:`nps_difference`. Constructs are matched by
    id; a different ``meta.instrument_id`` is reported and whatever matches is still compared; a construct
    whose scale differs between the waves' recorded instruments, one present in a single wave, a missing
    indicator and a degenerate test (n < 2, zero variance) each give a Diagnostic and are left out. No
    multiplicity correction is applied: the p-values are per comparison.
    """
    critical_z(level)
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
