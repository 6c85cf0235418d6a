"""Multi-group ML estimation with a mean structure, numerically equal to
``lavaan::sem(model, data, group = "g", group.equal = ..., group.partial = ...)``.

Every group gets the rows of the single-group parameter table plus an intercept ``item ~1`` per
indicator and a mean ``latent ~1`` per latent (lavaan ``meanstructure = TRUE``). Equality across groups
is one free-parameter number shared by the groups' rows (lavaan's ``group.equal`` labels): classes
``loadings`` (``=~``), ``intercepts`` (``item ~1``), ``residuals`` (``item ~~ item``) and
``regressions`` (``~``), less the rows named in ``released`` (``group.partial``), plus single rows in
``equal_rows``. Latent means are fixed at 0 in every group, and free in groups 2…G once intercepts are
equal (lavaan's defaults). Sample moments per group: S_g with divisor N_g, x̄_g (complete cases);
standard errors from the expected information, ``vcov = (Σ_g N_g I_g)⁻¹``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy import stats

from analysis.diagnostics import Diagnostic, warn
from analysis.sem.diagnostics import score_tests
from analysis.sem.estimation import expected_information_vcov, sample_moments, start_values
from analysis.sem.fit_indices import baseline_chisq, cfi, chisq_pvalue, rmsea, srmr_with_means, tli
from analysis.sem.ml import MultiGroupMLDiscrepancy
from analysis.sem.optimizer import minimize_discrepancy
from analysis.sem.robust import SCALED_TEST, ScaledTest, casewise_scores, positive_definite, saturated_trace
from analysis.sem.specification import ModelSpec, ParameterSpec
from analysis.sem.structure import (GroupStructure, MeanStructure, ModelStructure, MultiGroupStructure,
                                    standardized_values)

Row = tuple[str, str, str]


@dataclass(frozen=True)
class GroupMoments:
    """One group's complete cases: label, N_g, S_g (divisor N_g), x̄_g and the cases (N_g, p) themselves
    (robust ML needs them)."""

    label: str
    n: int
    sample_cov: np.ndarray = field(repr=False)
    sample_mean: np.ndarray = field(repr=False)
    cases: np.ndarray | None = field(default=None, repr=False)


def group_moments(data: pd.DataFrame, observed: tuple[str, ...], group: pd.Series,
                  labels: tuple[str, ...]) -> tuple[GroupMoments, ...]:
    """S_g and x̄_g of the complete cases of each group (``group`` holds the label of every row of
    ``data``; groups in the order of ``labels``)."""
    out = []
    for label in labels:
        rows = data.loc[(group == label).to_numpy()]
        cov, n, _ = sample_moments(rows, observed)
        complete = rows.loc[:, list(observed)].astype(float).dropna()
        out.append(GroupMoments(label, n, cov, complete.to_numpy().mean(axis=0), complete.to_numpy()))
    return tuple(out)


def equality_class(par: ParameterSpec, latent: tuple[str, ...]) -> str | None:
    """The ``group.equal`` class of a row: loadings, intercepts, residuals, regressions or None."""
    if par.op == "=~":
        return "loadings"
    if par.op == "~":
        return "regressions"
    if par.op == "~1" and par.lhs not in latent:
        return "intercepts"
    if par.op == "~~" and par.lhs == par.rhs and par.lhs not in latent:
        return "residuals"
    return None


@dataclass(frozen=True)
class GroupModel:
    """A multi-group parameter table: per group the covariance rows (a :class:`ModelSpec` whose free
    numbers index the shared θ) and the ``~1`` rows."""

    specs: tuple[ModelSpec, ...]
    means: tuple[tuple[ParameterSpec, ...], ...]
    n_free: int

    def structure(self) -> MultiGroupStructure:
        groups = []
        for spec, means in zip(self.specs, self.means):
            covariance = ModelStructure(spec)
            groups.append(GroupStructure(covariance, MeanStructure(covariance, means)))
        return MultiGroupStructure(tuple(groups), self.n_free)


def group_model(spec: ModelSpec, n_groups: int, equal: tuple[str, ...] = (), released: frozenset[Row] = frozenset(),
                equal_rows: frozenset[Row] = frozenset()) -> GroupModel:
    """The parameter table of ``spec`` in ``n_groups`` groups with the ``equal`` classes (and ``equal_rows``)
    held equal across groups except the ``released`` rows (lavaan ``group.equal``, ``group.partial``).
    Labels of ``spec`` are dropped (in lavaan a label would make its row equal across groups)."""
    base = [ParameterSpec(p.lhs, p.op, p.rhs, p.free, p.value, "", p.user) for p in spec.parameters]
    means_free = "intercepts" in equal
    number: dict[Row, int] = {}
    n_free = 0
    specs, means = [], []
    for g in range(n_groups):
        mean_rows = [ParameterSpec(v, "~1", "", 1, math.nan, "", False) for v in spec.observed]
        mean_rows += [ParameterSpec(v, "~1", "", int(means_free and g > 0), 0.0, "", False) for v in spec.latent]
        rows = []
        for par in [*base, *mean_rows]:
            key = (par.lhs, par.op, par.rhs)
            free = 0
            if par.free:
                shared = ((equality_class(par, spec.latent) in equal or key in equal_rows) and key not in released)
                if shared and key in number:
                    free = number[key]
                else:
                    n_free += 1
                    free = n_free
                    if shared:
                        number[key] = free
            rows.append(ParameterSpec(par.lhs, par.op, par.rhs, free, par.value, "", par.user))
        specs.append(ModelSpec(spec.observed, spec.latent, tuple(r for r in rows if r.op != "~1"), ()))
        means.append(tuple(r for r in rows if r.op == "~1"))
    return GroupModel(tuple(specs), tuple(means), n_free)


@dataclass(frozen=True)
class GroupEstimate:
    """One row of ``parameterEstimates()`` of a multi-group fit (``group`` is the group's label)."""

    lhs: str
    op: str
    rhs: str
    group: str
    est: float
    se: float
    z: float
    pvalue: float
    std_all: float


@dataclass(frozen=True)
class MultiGroupFit:
    """An ML fit of a multi-group model: θ̂, vcov, F and the estimates of every group."""

    model: GroupModel = field(repr=False)
    moments: tuple[GroupMoments, ...] = field(repr=False)
    theta: np.ndarray
    vcov: np.ndarray = field(repr=False)
    converged: bool
    iterations: int
    fmin: float
    parameters: tuple[GroupEstimate, ...]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def n(self) -> int:
        return sum(m.n for m in self.moments)

    @property
    def chisq(self) -> float:
        """χ² = 2N·fmin = Σ_g N_g F_g (lavaan ``fitMeasures(fit, "chisq")``)."""
        return 2.0 * self.n * self.fmin

    @property
    def df(self) -> int:
        """G·(p(p+1)/2 + p) − q."""
        p = len(self.model.specs[0].observed)
        return len(self.moments) * (p * (p + 1) // 2 + p) - self.model.n_free

    def estimate(self, lhs: str, op: str, rhs: str, group: str) -> GroupEstimate:
        return next(p for p in self.parameters if (p.lhs, p.op, p.rhs, p.group) == (lhs, op, rhs, group))


def shared_mean(model: GroupModel, values: list[dict[Row, float]]) -> np.ndarray:
    """θ from per-group row values: a parameter shared by several groups gets the mean of its rows' values."""
    total, count = np.zeros(model.n_free), np.zeros(model.n_free)
    for spec, means, group_values in zip(model.specs, model.means, values):
        for par in (*spec.parameters, *means):
            if par.free:
                total[par.free - 1] += group_values[(par.lhs, par.op, par.rhs)]
                count[par.free - 1] += 1.0
    return total / np.maximum(count, 1.0)


def group_start_values(model: GroupModel, structure: MultiGroupStructure,
                       moments: tuple[GroupMoments, ...]) -> np.ndarray:
    """Each group's single-group start values (lavaan ``start = "default"``), intercepts at x̄_g and latent
    means at 0; a parameter shared by several groups starts at the mean over them."""
    values = []
    for group, spec, means, mom in zip(structure.groups, model.specs, model.means, moments):
        start = start_values(group.covariance, mom.sample_cov)
        xbar = dict(zip(spec.observed, mom.sample_mean))
        values.append({**{(p.lhs, p.op, p.rhs): start[p.free - 1] for p in spec.parameters if p.free},
                       **{(p.lhs, p.op, p.rhs): xbar.get(p.lhs, 0.0) for p in means}})
    return shared_mean(model, values)


def start_from_fit(model: GroupModel, fit: MultiGroupFit) -> np.ndarray:
    """θ of ``model`` started at the estimates of a neighbouring model's fit (same rows and groups, other
    equality constraints): the next step of an invariance sequence starts where the one before ended."""
    values = [{(p.lhs, p.op, p.rhs): fit.theta[p.free - 1] if p.free else p.value for p in (*spec.parameters, *means)}
              for spec, means in zip(fit.model.specs, fit.model.means)]
    return shared_mean(model, values)


def group_discrepancy(structure: MultiGroupStructure, moments: tuple[GroupMoments, ...]) -> MultiGroupMLDiscrepancy:
    """F_ML of ``structure`` against the groups' moments, weights N_g/N."""
    n = sum(m.n for m in moments)
    return MultiGroupMLDiscrepancy(structure, tuple(m.sample_cov for m in moments),
                                   tuple(m.sample_mean for m in moments), np.array([m.n / n for m in moments]))


def fit_multigroup(model: GroupModel, moments: tuple[GroupMoments, ...], start: np.ndarray | None = None,
                   estimates: bool = True) -> MultiGroupFit:
    """Fit ``model`` to the groups' moments by ML (R: ``lavaan::sem(model, data, group = ...)``), from lavaan-like
    start values unless ``start`` is given; ``estimates=False`` skips the standard errors and the parameter
    table (a fit needed only for its χ²)."""
    structure = model.structure()
    n = sum(m.n for m in moments)
    discrepancy = group_discrepancy(structure, moments)
    opt = minimize_discrepancy(discrepancy, group_start_values(model, structure, moments) if start is None else start)
    diagnostics = []
    if not opt.converged:
        diagnostics.append(warn("multigroup_not_converged",
                                f"the multi-group ML estimation did not converge after {opt.iterations} iterations"))
    vcov, parameters = np.full((model.n_free, model.n_free), np.nan), ()
    if estimates:
        vcov, singular = expected_information_vcov(discrepancy, opt.theta, n)
        if singular:
            diagnostics.append(warn("multigroup_information_singular", "the multi-group information matrix is "
                                    "singular: the model may not be identified; standard errors are not available"))
        parameters = group_estimates(model, structure, moments, opt.theta, vcov)
    return MultiGroupFit(model, moments, opt.theta, vcov, opt.converged, opt.iterations, opt.fmin / 2.0,
                         parameters, tuple(diagnostics))


def group_estimates(model: GroupModel, structure: MultiGroupStructure, moments: tuple[GroupMoments, ...],
                    theta: np.ndarray, vcov: np.ndarray) -> tuple[GroupEstimate, ...]:
    """est, se, z, p and std.all of every row of every group (lavaan ``parameterEstimates()`` with
    ``standardizedSolution()``'s est.std; intercepts standardized by sd(y), latent means by sd(η))."""
    out = []
    se_all = np.sqrt(np.clip(np.diag(vcov), 0.0, None))
    for group, spec, means, mom in zip(structure.groups, model.specs, model.means, moments):
        std = standardized_values(group.covariance, theta)
        sd_ov = np.sqrt(np.diag(group.covariance.implied(theta)))
        sd_lv = np.sqrt(np.diag(group.covariance.latent_cov(theta)))
        nu, alpha = group.means.intercepts(theta)
        ov = {v: i for i, v in enumerate(spec.observed)}
        lv = {v: i for i, v in enumerate(spec.latent)}
        mean_std = [nu[ov[p.lhs]] / sd_ov[ov[p.lhs]] if p.lhs in ov else alpha[lv[p.lhs]] / sd_lv[lv[p.lhs]]
                    for p in means]
        mean_est = [nu[ov[p.lhs]] if p.lhs in ov else alpha[lv[p.lhs]] for p in means]
        rows = zip([*spec.parameters, *means], [*(theta[p.free - 1] if p.free else p.value
                                                  for p in spec.parameters), *mean_est], [*std, *mean_std])
        for par, est, std_all in rows:
            se = float(se_all[par.free - 1]) if par.free else 0.0
            z = est / se if par.free and se > 0 else math.nan
            out.append(GroupEstimate(par.lhs, par.op, par.rhs, mom.label, float(est), se, float(z), math.nan,
                                     float(std_all)))
    pvalues = 2.0 * stats.norm.sf(np.abs([e.z for e in out]))
    return tuple(replace(e, pvalue=float(p)) for e, p in zip(out, pvalues))
    return tuple(out)


@dataclass(frozen=True)
class EqualityScoreTest:
    """The score test (1 df) of one equality constraint: the row's copy in ``group`` set apart from the
    first group's (lavaan ``lavTestScore(fit)$uni``)."""

    lhs: str
    op: str
    rhs: str
    group: str
    chisq: float
    pvalue: float


def equality_score_tests(fit: MultiGroupFit, rows: frozenset[Row]) -> tuple[EqualityScoreTest, ...]:
    """Univariate score tests of the equality constraints on ``rows``, largest first: each later group's copy
    of a shared row gets its own copy θ_shared + δ (the constraints as lavaan writes them, ``.p1. == .p31.``),
    and :func:`~analysis.sem.diagnostics.score_tests` frees each δ alone at δ = 0.
    R: ``lavTestScore(fit, univariate = TRUE)$uni``."""
    model, n_free = fit.model, fit.model.n_free
    seen: set[int] = set()
    candidates: list[tuple[ParameterSpec, str, int]] = []
    specs, means = [], []

    def extend(par: ParameterSpec, label: str) -> ParameterSpec:
        if not par.free or (par.lhs, par.op, par.rhs) not in rows:
            return par
        if par.free not in seen:
            seen.add(par.free)
            return par
        candidates.append((par, label, par.free - 1))
        return ParameterSpec(par.lhs, par.op, par.rhs, n_free + len(candidates), par.value, "", par.user)

    for spec, group_means, mom in zip(model.specs, model.means, fit.moments):
        specs.append(ModelSpec(spec.observed, spec.latent, tuple(extend(p, mom.label) for p in spec.parameters), ()))
        means.append(tuple(extend(p, mom.label) for p in group_means))
    if not candidates:
        return ()
    extended = GroupModel(tuple(specs), tuple(means), n_free + len(candidates))
    shared = [c[2] for c in candidates]
    derivatives = group_discrepancy(extended.structure(), fit.moments).derivatives(
        np.concatenate([fit.theta, fit.theta[shared]]))
    # θ_copy = θ_shared + δ: at δ = 0 every constraint holds and the gradient of θ is zero
    to_delta = np.eye(extended.n_free)
    to_delta[n_free + np.arange(len(candidates)), shared] = 1.0
    chisq, _, _ = score_tests(to_delta.T @ derivatives.gradient,
                              to_delta.T @ derivatives.information @ to_delta, n_free, fit.n)
    tests = [EqualityScoreTest(par.lhs, par.op, par.rhs, label, float(x), float(stats.chi2.sf(x, 1)))
             for (par, label, _), x in zip(candidates, chisq)]
    return tuple(sorted(tests, key=lambda t: -t.chisq))


@dataclass(frozen=True)
class MultiGroupFitIndices:
    """lavaan's ``fitMeasures()`` of a multi-group model (names with ``_`` for ``.``)."""

    npar: int
    chisq: float
    df: int
    pvalue: float
    baseline_chisq: float
    baseline_df: int
    cfi: float
    tli: float
    rmsea: float
    srmr: float


def multigroup_fit_indices(fit: MultiGroupFit) -> MultiGroupFitIndices:
    """χ², CFI, TLI, RMSEA and SRMR of a multi-group fit as lavaan defines them.

    Baseline: independence model with free means in every group, χ²_b = Σ_g N_g (Σ log s_ii − log|S_g|),
    df_b = G·p(p−1)/2. RMSEA = √G · √max(χ²/(N·df) − 1/N, 0) (Steiger 1998; lavaan ``lav_fit_rmsea``).
    SRMR = Σ_g (N_g/N)·SRMR_g with SRMR_g over the standardized covariance and mean residuals
    (lavaan ``srmr``, Bentler's, with ``meanstructure``).
    """
    x2, df, n, groups = fit.chisq, fit.df, fit.n, len(fit.moments)
    baselines = [baseline_chisq(m.sample_cov, m.n) for m in fit.moments]
    x2b, dfb = sum(b[0] for b in baselines), sum(b[1] for b in baselines)
    structure = fit.model.structure()
    srmr_groups = []
    for group, mom in zip(structure.groups, fit.moments):
        mu, _ = group.means.mean_and_jacobian(fit.theta, fit.model.n_free)
        srmr_groups.append(srmr_with_means(mom.sample_cov, mom.sample_mean,
                                           group.covariance.implied(fit.theta), mu))
    weights = np.array([m.n for m in fit.moments]) / n
    return MultiGroupFitIndices(
        npar=fit.model.n_free, chisq=x2, df=df, pvalue=chisq_pvalue(x2, df), baseline_chisq=x2b, baseline_df=dfb,
        cfi=cfi(x2, df, x2b, dfb), tli=tli(x2, df, x2b, dfb), rmsea=math.sqrt(groups) * rmsea(x2, df, n),
        srmr=float(weights @ np.array(srmr_groups)))


def multigroup_scaled_test(fit: MultiGroupFit, estimator: str) -> ScaledTest:
    """The scaled test of a multi-group fit with a mean structure (lavaan ``group = ...`` with ``estimator =
    "MLM" | "MLR"``), for the scaled Δχ² of nested multi-group models; NaN trace where a Σ̂_g or S_g is not
    positive definite or the information singular.

    Per group g (P_g = Σ̂_g⁻¹, J_g = ∂μ_g/∂θ) the casewise score adds the mean part J_gᵀP_g z_i to the
    covariance part of :func:`~analysis.sem.robust.casewise_scores`; B = (1/N) Σ_i s_i s_iᵀ over all cases,
    A and H the unit information of F = Σ_g (N_g/N) F_g. MLM: z_i = x_i − x̄_g and the covariance part
    centred (−uᵀP S_g P v for −uᵀP v: Γ_g is the sample third- and fourth-moment matrix),
    tr(UΓ) = Σ_g [tr(P_g S_g) + tr(W_gΓ_g)] − tr(A⁻¹B), A the expected information. MLR: z_i = x_i − μ̂_g
    (first-order information at the estimate), tr(UΓ) = Σ_g [p + tr(W(S_g)Γ_g)] − tr(H⁻¹B), H the observed
    information (lavaan ``yuan.bentler.mplus``; the mean part of the saturated model gives p). With one
    group this is :func:`~analysis.sem.robust.robust_ml`'s trace.
    """
    structure = fit.model.structure()
    discrepancy = group_discrepancy(structure, fit.moments)
    _, information, hessian, ok = discrepancy.derivatives(fit.theta, hessian=estimator == "MLR")
    bread = information if estimator == "MLM" else 0.5 * hessian
    n, q = fit.n, structure.n_free
    if not (ok and all(positive_definite(m.sample_cov) for m in fit.moments) and positive_definite(bread)):
        return ScaledTest(SCALED_TEST[estimator], fit.chisq, fit.df, float("nan"))
    meat_sum, saturated = np.zeros((q, q)), 0.0
    for group, moments in zip(structure.groups, fit.moments):
        covariance = group.covariance.covariance_derivatives(fit.theta)
        mu, jacobian = group.means.mean_and_jacobian(fit.theta, q)
        p_inv = np.linalg.inv(covariance.sigma)
        centred = moments.cases - moments.sample_mean
        k = group.covariance.n_free
        if estimator == "MLM":
            z = centred
            up, vp = covariance.u @ p_inv, covariance.v @ p_inv
            cov_scores = (z @ up.T) * (z @ vp.T) - np.einsum("ej,jk,ek->e", up, moments.sample_cov, vp)[None, :]
            saturated += (float(np.trace(p_inv @ moments.sample_cov))
                          + saturated_trace(p_inv, centred, moments.sample_cov))
        else:
            z = moments.cases - mu
            cov_scores = casewise_scores(covariance.u, covariance.v, covariance.sigma, z)
            saturated += len(mu) + saturated_trace(np.linalg.inv(moments.sample_cov), centred, moments.sample_cov)
        scores = z @ p_inv @ jacobian
        scores[:, :k] += cov_scores @ group.covariance.entries_to_parameters
        meat_sum += scores.T @ scores
    trace = saturated - float(np.trace(np.linalg.solve(bread, meat_sum / n)))
    return ScaledTest(SCALED_TEST[estimator], fit.chisq, fit.df, trace)
