"""Measurement invariance across groups and the equality of structural paths (multi-group SEM).

The sequence of ``semTools::measEq.syntax`` / lavaan ``group.equal``: configural (same pattern), metric
(equal loadings), scalar (+ equal intercepts, latent means free in groups 2…G) and strict (+ equal
residual variances), each compared with the step before by Δχ² (lavaan ``lavTestLRT``; with MLR or MLM the
Satorra–Bentler 2001 scaled difference, :mod:`~analysis.sem.difference`), ΔCFI and ΔRMSEA.
A step *holds* when CFI drops by at most .01 (Cheung & Rensvold 2002) and RMSEA rises by at most .015
(Chen 2007); the configural model holds when its CFI and RMSEA are acceptable (≥ .90, ≤ .08, the fit
table's cut-offs). When metric, scalar or strict fails, partial invariance frees, one at a time, the
equality constraint of that step with the largest univariate score test (lavaan
``lavTestScore(fit)$uni``; the row freed in every group, lavaan ``group.partial``), until the step holds or
half of its constrained rows are free (Byrne, Shavelson & Muthén 1989); later steps keep those rows free
and are listed with the partial models.

Structural paths are compared on the metric model (the partial one when metric needed it, the full one
when no partial model rescued it — ``paths_model`` says which; equal loadings give the latents one scale
across groups): each path ``y ~ x`` per group, and a Δχ² (df = G − 1) of the model with that path equal
across groups — the categorical moderation test. A path *differs* across groups when p < .05.

Groups with fewer than max(100, q) respondents (q: free parameters per group of the configural model)
are left out with a note (Kline 2016: at least 100 per group, never fewer than parameters).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.diagnostics import Diagnostic, warn
from analysis.results import plain_fields
from analysis.sem.difference import PLAIN, SATORRA_BENTLER_2001, chisq_difference
from analysis.sem.multigroup import (EqualityScoreTest, GroupMoments, MultiGroupFit, equality_class,
                                     equality_score_tests, fit_multigroup, group_model, group_moments,
                                     multigroup_fit_indices, multigroup_scaled_test, start_from_fit)
from analysis.sem.models import ALPHA
from analysis.sem.robust import ROBUST_ESTIMATORS
from analysis.sem.specification import ModelSpec, measurement_syntax, specify_model

STEPS = (("configural", ()), ("metric", ("loadings",)), ("scalar", ("loadings", "intercepts")),
         ("strict", ("loadings", "intercepts", "residuals")))
#: the model the structural paths are compared on: metric invariance held, held partially, or was rejected
PATHS_MODELS = ("metric", "partial_metric", "metric_rejected")
#: the class of constraints each step adds
STEP_CLASS = {"metric": "loadings", "scalar": "intercepts", "strict": "residuals"}
DELTA_CFI_LIMIT = 0.01      # Cheung & Rensvold (2002)
DELTA_RMSEA_LIMIT = 0.015   # Chen (2007)
CONFIGURAL_CFI, CONFIGURAL_RMSEA = 0.90, 0.08
MIN_GROUP_N = 100


@dataclass(frozen=True)
class InvarianceGroup:
    """A group of the comparison: the answer code, its label and N (complete cases)."""

    code: int | str
    label: str
    n: int


@dataclass(frozen=True)
class FreedConstraint:
    """An equality constraint released for partial invariance, with the score test that chose it."""

    lhs: str
    op: str
    rhs: str
    score_chisq: float
    score_pvalue: float


@dataclass(frozen=True)
class InvarianceStep:
    """One model of the sequence: its fit, the change from the model before and whether invariance holds."""

    model: str
    chisq: float
    df: int
    pvalue: float
    cfi: float
    tli: float
    rmsea: float
    srmr: float
    delta_chisq: float
    delta_df: int
    delta_pvalue: float
    delta_cfi: float
    delta_rmsea: float
    holds: bool
    converged: bool
    freed: tuple[FreedConstraint, ...] = ()


@dataclass(frozen=True)
class GroupPath:
    """One structural path in one group (lavaan ``parameterEstimates()`` of the multi-group fit)."""

    group: str
    est: float
    se: float
    pvalue: float
    std_all: float


@dataclass(frozen=True)
class PathEquality:
    """A path per group and the Δχ² test of its equality across groups."""

    lhs: str
    rhs: str
    per_group: tuple[GroupPath, ...]
    delta_chisq: float
    delta_df: int
    delta_pvalue: float
    differs: bool


@dataclass(frozen=True)
class InvarianceResult:
    """``results.json`` ``invariance``: the grouping question, the groups, the steps, partial invariance,
    the structural paths per group, the groups left out and the warnings."""

    group: str
    groups: tuple[InvarianceGroup, ...]
    left_out: tuple[InvarianceGroup, ...]
    min_group_n: int
    steps: tuple[InvarianceStep, ...]
    partial: tuple[InvarianceStep, ...]
    paths: tuple[PathEquality, ...]
    paths_model: str
    diagnostics: tuple[Diagnostic, ...]
    delta_method: str = PLAIN  # the Δχ² of the steps and paths: plain, or Satorra–Bentler scaled (MLR / MLM)

    def plain_form(self) -> dict:
        """The fields, ``diagnostics`` as ``warnings`` (as the other model sections); ``delta_method`` only
        for the scaled test (ML: the plain Δχ²)."""
        scaled = () if self.delta_method != PLAIN else ("delta_method",)
        return {**plain_fields(self, without=("diagnostics", *scaled)), "warnings": self.diagnostics}


def step_holds(fit, before) -> bool:
    """The decision of one step: configural by CFI ≥ .90 and RMSEA ≤ .08; later steps by ΔCFI ≥ −.01 and
    ΔRMSEA ≤ .015 against the model before."""
    if before is None:
        return fit.cfi >= CONFIGURAL_CFI and fit.rmsea <= CONFIGURAL_RMSEA
    return before.cfi - fit.cfi <= DELTA_CFI_LIMIT and fit.rmsea - before.rmsea <= DELTA_RMSEA_LIMIT


def refit(spec: ModelSpec, moments: tuple[GroupMoments, ...], equal: tuple[str, ...],
          released: frozenset = frozenset(), equal_rows: frozenset = frozenset(),
          near: MultiGroupFit | None = None, estimates: bool = True) -> MultiGroupFit:
    """Fit one model of the sequence, started at the estimates of the ``near`` model when given."""
    model = group_model(spec, len(moments), equal, released, equal_rows)
    return fit_multigroup(model, moments, None if near is None else start_from_fit(model, near), estimates)


def difference(restricted: MultiGroupFit, general: MultiGroupFit, estimator: str):
    """The Δχ² test of ``restricted`` against ``general``: Satorra–Bentler scaled for MLR / MLM, else plain."""
    scaling = None
    if estimator in ROBUST_ESTIMATORS:
        scaling = tuple(multigroup_scaled_test(f, estimator).scaling_factor for f in (restricted, general))
    return chisq_difference((restricted.chisq, restricted.df), (general.chisq, general.df), scaling)


def compare_step(model: str, fit: MultiGroupFit, before: MultiGroupFit | None,
                 freed: tuple[FreedConstraint, ...] = (), estimator: str = "ML") -> InvarianceStep:
    """The fit of ``fit`` and its Δχ² (scaled for MLR / MLM), ΔCFI, ΔRMSEA against ``before`` (NaN for the
    configural model)."""
    now = multigroup_fit_indices(fit)
    old = multigroup_fit_indices(before) if before is not None else None
    if old is None:
        delta = (math.nan, 0, math.nan, math.nan, math.nan)
    else:
        test = difference(fit, before, estimator)
        delta = (test.delta_chisq, test.delta_df, test.pvalue, now.cfi - old.cfi, now.rmsea - old.rmsea)
    return InvarianceStep(model, now.chisq, now.df, now.pvalue, now.cfi, now.tli, now.rmsea, now.srmr, *delta,
                          holds=fit.converged and step_holds(now, old), converged=fit.converged,
                          freed=freed)


def partial_invariance(spec: ModelSpec, moments: tuple[GroupMoments, ...], model: str, equal: tuple[str, ...],
                       freed: tuple[FreedConstraint, ...], base: MultiGroupFit, failed: MultiGroupFit,
                       estimator: str = "ML") -> tuple[list[InvarianceStep], tuple[FreedConstraint, ...], MultiGroupFit | None,
                                  list[Diagnostic]]:
    """Free the step's constraints one at a time, largest score test first, until the step holds against
    ``base`` or half of the step's constrained rows are free (``freed``: what earlier steps released).
    Returns the partial steps, everything freed, the accepted fit (None when none holds) and the warnings."""
    step_rows = frozenset((p.lhs, p.op, p.rhs) for p in [*failed.model.specs[0].parameters, *failed.model.means[0]]
                          if p.free and equality_class(p, spec.latent) == STEP_CLASS[model]) - released_rows(freed)
    out, fit, diagnostics = [], failed, []
    for _ in range(len(step_rows) // 2 if failed.converged else 0):  # score tests need a converged fit
        tests: list[EqualityScoreTest] = list(equality_score_tests(fit, step_rows))
        if not tests:
            break
        top = tests[0]
        freed = (*freed, FreedConstraint(top.lhs, top.op, top.rhs, top.chisq, top.pvalue))
        fit = refit(spec, moments, equal, released_rows(freed), near=fit)
        diagnostics.extend(fit.diagnostics)
        step = compare_step(model, fit, base, freed, estimator)
        out.append(step)
        if step.holds:
            return out, freed, fit, diagnostics
        if not fit.converged:
            break
    return out, freed, None, diagnostics


def released_rows(freed: tuple[FreedConstraint, ...]) -> frozenset:
    """The rows (lhs, op, rhs) of the freed constraints (lavaan ``group.partial``)."""
    return frozenset((f.lhs, f.op, f.rhs) for f in freed)


def invariance_sequence(spec: ModelSpec, moments: tuple[GroupMoments, ...], estimator: str = "ML"
                        ) -> tuple[list[InvarianceStep], list[InvarianceStep], str, frozenset, list[Diagnostic]]:
    """The four steps; partial invariance where a step fails (each later step keeps the rows released
    before it; the search stops at a step that no partial model rescues); the metric level reached
    (``metric``, ``partial_metric`` or ``metric_rejected``) with the loadings it releases; the warnings."""
    fits: dict[str, MultiGroupFit] = {}
    for name, equal in STEPS:
        fits[name] = refit(spec, moments, equal, near=list(fits.values())[-1] if fits else None)
    steps, partial, diagnostics = [], [], []
    for (name, _), before in zip(STEPS, (None, *STEPS)):
        steps.append(compare_step(name, fits[name], fits[before[0]] if before else None, estimator=estimator))
        diagnostics.extend(fits[name].diagnostics)
    accepted, freed, metric_level = fits["configural"], (), "metric"
    for name, equal in STEPS[1:]:
        fit = fits[name] if not freed else refit(spec, moments, equal, released_rows(freed), near=fits[name])
        step = compare_step(name, fit, accepted, freed, estimator)
        if freed:  # the step with the constraints released before it: a partial model too
            partial.append(step)
            diagnostics.extend(fit.diagnostics)
        if step.holds:
            accepted = fit
            continue
        tried, freed, rescued, warnings = partial_invariance(spec, moments, name, equal, freed, accepted, fit,
                                                             estimator)
        partial.extend(tried)
        diagnostics.extend(warnings)
        if name == "metric":
            metric_level = "partial_metric" if rescued is not None else "metric_rejected"
        if rescued is None:
            break
        accepted = rescued
    metric_released = frozenset(r for r in released_rows(freed) if r[1] == "=~" and metric_level == "partial_metric")
    return steps, partial, metric_level, metric_released, diagnostics


def path_equality(spec: ModelSpec, moments: tuple[GroupMoments, ...], released: frozenset, estimator: str = "ML"
                  ) -> tuple[tuple[PathEquality, ...], list[Diagnostic]]:
    """Each structural path per group on the (partial) metric model, and Δχ² (scaled for MLR / MLM) of
    holding it equal; the warnings of the fits."""
    base = refit(spec, moments, ("loadings",), released)
    out, diagnostics = [], list(base.diagnostics)
    for par in spec.regressions():
        key = (par.lhs, "~", par.rhs)
        equal = refit(spec, moments, ("loadings",), released, frozenset({key}), near=base, estimates=False)
        diagnostics.extend(equal.diagnostics)
        test = difference(equal, base, estimator)
        per_group = tuple(GroupPath(m.label, e.est, e.se, e.pvalue, e.std_all)
                          for m in moments for e in [base.estimate(par.lhs, "~", par.rhs, m.label)])
        out.append(PathEquality(par.lhs, par.rhs, per_group, test.delta_chisq, test.delta_df, test.pvalue,
                                test.pvalue < ALPHA))
    return tuple(out), diagnostics


def assess_invariance(data: pd.DataFrame, measurement: dict[str, list[str]], structural: str | None,
                      group: pd.Series, labels: dict, question: str, estimator: str = "ML") -> InvarianceResult:
    """Measurement invariance of ``measurement`` across the groups of ``group`` (answer codes aligned with the
    rows of ``data``; ``labels`` code → label, in report order) and, with a ``structural`` part, the paths per
    group (``estimator`` MLR / MLM: the Δχ² tests scaled). Groups with fewer than ``min_group_n`` complete respondents, or whose item covariance matrix is
    singular (an item without variance in that group), are left out with a warning; with fewer than two
    groups left the result has no steps."""
    spec = specify_model(measurement_syntax(measurement))
    complete = (data.loc[:, list(spec.observed)].notna().all(axis=1) & group.notna().to_numpy()).to_numpy()
    counts = {code: int(((group == code).to_numpy() & complete).sum()) for code in labels}
    minimum = max(MIN_GROUP_N, group_model(spec, 1, ()).n_free)
    groups = [InvarianceGroup(c, str(labels[c]), counts[c]) for c in labels]
    small = tuple(g for g in groups if g.n < minimum)
    moments = group_moments(data.loc[complete], spec.observed, group.map({g.code: g.label for g in groups})[complete],
                            tuple(g.label for g in groups if g.n >= minimum))
    singular = {m.label for m in moments if np.linalg.eigvalsh(m.sample_cov)[0] <= 1e-10 * np.trace(m.sample_cov)}
    diagnostics = []
    if small:
        diagnostics.append(warn("invariance_group_left_out", "groups with fewer than "
                                f"{minimum} respondents are left out of the multi-group analysis: "
                                + ", ".join(f"{g.label} (n = {g.n})" for g in small)))
    if singular:
        diagnostics.append(warn("invariance_group_left_out", "groups whose item covariance matrix is singular (an "
                                "item without variance in the group) are left out of the multi-group analysis: "
                                + ", ".join(sorted(singular))))
    kept = tuple(g for g in groups if g.n >= minimum and g.label not in singular)
    left = tuple(g for g in groups if g not in kept)
    moments = tuple(m for m in moments if m.label not in singular)
    if len(kept) < 2:
        return InvarianceResult(question, kept, left, minimum, (), (), (), "", tuple(diagnostics))
    steps, partial, metric_level, released, fit_warnings = invariance_sequence(spec, moments, estimator)
    paths, path_warnings = (), []
    if structural:
        paths, path_warnings = path_equality(specify_model(measurement_syntax(measurement) + "\n" + structural),
                                             moments, released, estimator)
    undefined = [s.model for s in (*steps, *partial) if s.delta_df > 0 and math.isnan(s.delta_chisq)] + \
        [f"{p.lhs} ~ {p.rhs}" for p in paths if p.delta_df > 0 and math.isnan(p.delta_chisq)]
    if undefined and estimator in ROBUST_ESTIMATORS:
        diagnostics.append(warn("scaled_difference_undefined", "the scaled (Satorra–Bentler 2001) Δχ² is undefined "
                                "(negative scaling factor of the difference) for: " + ", ".join(undefined)
                                + "; these steps are judged by ΔCFI and ΔRMSEA alone"))
    return InvarianceResult(question, kept, left, minimum, tuple(steps), tuple(partial), paths,
                            metric_level if paths else "", (*diagnostics, *fit_warnings, *path_warnings),
                            SATORRA_BENTLER_2001 if estimator in ROBUST_ESTIMATORS else PLAIN)
