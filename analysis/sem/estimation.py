"""Maximum-likelihood estimation of a CB-SEM, numerically equal to ``lavaan::sem(model, data)``: the
orchestration of :mod:`~analysis.sem.structure` (Σ(θ)), :mod:`~analysis.sem.ml` (F_ML) and
:mod:`~analysis.sem.optimizer`, producing a :class:`ModelFit`.

Sample moments: S with divisor N of the complete cases (lavaan ``missing = "listwise"``); starting
values as lavaan's ``start = "default"``. Standard errors: ``vcov = (N · I)⁻¹`` with I the unit
expected information (lavaan's default ``information = "expected"``). Standardized solution and
defined parameters (``:=``) get delta-method SEs with a complex-step Jacobian, as
``lavaan::standardizedSolution()`` and ``parameterEstimates()``.
Variances are never bounded: a negative estimate (Heywood case) is kept and reported.

Full-information ML (:func:`estimate_fiml`, lavaan ``missing = "ml"``) uses every row with at least one
observed item: a mean structure (intercepts free), the casewise likelihood of :mod:`~analysis.sem.fiml`,
χ² against the EM-estimated unrestricted model and SEs from the observed information.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from analysis.diagnostics import Diagnostic, warn
from analysis.results import plain_fields
from analysis.sem.discrepancy import Discrepancy
from analysis.sem.fiml import FIMLDiscrepancy
from analysis.sem.ml import MLDiscrepancy, logdet_sample
from analysis.sem.optimizer import Optimum, minimize_discrepancy
from analysis.sem.patterns import MissingPatterns, missing_patterns
from analysis.sem.saturated import Moments, saturated_moments
from analysis.sem.specification import ModelSpec, ParameterSpec
from analysis.sem.structure import (GroupStructure, MeanStructure, ModelStructure, MultiGroupStructure, row_values,
                                    standardized_values)
from questionnaire.errors import input_error


@dataclass(frozen=True)
class ParameterEstimate:
    """One row of ``parameterEstimates()`` joined with ``standardizedSolution()`` (est.std -> std_all)."""

    lhs: str
    op: str
    rhs: str
    label: str
    free: bool
    est: float
    se: float
    z: float
    pvalue: float
    std_all: float
    std_se: float

    def plain_form(self) -> dict:
        """The fields less ``free`` (lavaan's ``parameterEstimates()`` columns)."""
        return plain_fields(self, without=("free",))


def start_values(structure: ModelStructure, sample_cov: np.ndarray) -> np.ndarray:
    """Starting values in the spirit of lavaan's ``start = "default"``.

    Latent variance: mean covariance of the marker with the other indicators; loading of item i:
    cov(item i, marker) / that variance; residual variances ½·var(item); latent covariances:
    covariance of the markers; regressions 0.
    """
    spec = structure.spec
    ov = {v: i for i, v in enumerate(spec.observed)}
    indicators = {lv: [p.rhs for p in spec.parameters if p.op == "=~" and p.lhs == lv and p.rhs in ov]
                  for lv in spec.latent}
    marker = {lv: items[0] for lv, items in indicators.items() if items}
    s = sample_cov
    lv_var = {}
    for lv, items in indicators.items():
        if not items:
            lv_var[lv] = 0.05
            continue
        r = ov[marker[lv]]
        others = [s[r, ov[i]] for i in items[1:]]
        lv_var[lv] = max(float(np.mean(others)) if others else 0.5 * s[r, r], 0.05 * s[r, r])
    theta = np.zeros(structure.n_free)
    for par in spec.parameters:
        if not par.free:
            continue
        k = par.free - 1
        if par.op == "=~" and par.rhs in ov and par.lhs in marker:
            theta[k] = s[ov[par.rhs], ov[marker[par.lhs]]] / lv_var[par.lhs]
        elif par.op == "=~":
            theta[k] = 1.0
        elif par.op == "~~" and par.lhs == par.rhs:
            theta[k] = 0.5 * s[ov[par.lhs], ov[par.lhs]] if par.lhs in ov else lv_var[par.lhs]
        elif par.op == "~~" and par.lhs in marker and par.rhs in marker:
            a, b = ov[marker[par.lhs]], ov[marker[par.rhs]]
            theta[k] = float(np.clip(s[a, b], -0.9 * math.sqrt(lv_var[par.lhs] * lv_var[par.rhs]),
                                     0.9 * math.sqrt(lv_var[par.lhs] * lv_var[par.rhs])))
    return without_latent_covariances_unless_positive_definite(structure, theta)


def without_latent_covariances_unless_positive_definite(structure: ModelStructure, theta: np.ndarray
                                                        ) -> np.ndarray:
    """Start values whose Σ(θ₀) is positive definite: the marker covariances, each clipped on its own,
    can make Ψ₀ indefinite as a whole (F undefined at the start); then the free latent covariances
    start at 0, lavaan's start (``R/lav_start.R``), and Ψ₀ is diagonal."""
    if np.linalg.eigvalsh(structure.implied(theta))[0] > 0:
        return theta
    covariances = [p.free - 1 for p in structure.spec.parameters
                   if p.free and p.op == "~~" and p.lhs != p.rhs and p.lhs in structure.latent]
    repaired = theta.copy()
    repaired[covariances] = 0.0
    return repaired


def item_matrix(data: pd.DataFrame, observed: tuple[str, ...]) -> np.ndarray:
    """The model's indicator columns of ``data`` as floats (NaN where missing); bad input raises."""
    missing = [v for v in observed if v not in data.columns]
    if missing:
        raise input_error("data: the model's indicator is not a column", column=missing[0], value=missing[0],
                          allowed=", ".join(map(str, data.columns)))
    x = data.loc[:, list(observed)]
    for col in observed:
        if not pd.api.types.is_numeric_dtype(x[col]):
            bad = x[col][pd.to_numeric(x[col], errors="coerce").isna() & x[col].notna()]
            raise input_error("data: non-numeric value", column=col, row=bad.index[0] if len(bad) else None,
                              value=bad.iloc[0] if len(bad) else str(x[col].dtype), allowed="numbers")
    return x.to_numpy(dtype=float)


def sample_moments(data: pd.DataFrame, observed: tuple[str, ...]) -> tuple[np.ndarray, int, int]:
    """Sample covariance with divisor N of the complete cases (lavaan ``missing = "listwise"``).

    Returns (S, N used, rows dropped for missing values).
    """
    arr = item_matrix(data, observed)
    keep = ~np.isnan(arr).any(axis=1)
    arr = arr[keep]
    if arr.shape[0] < 2:
        raise input_error("data: too few complete rows for a covariance matrix", value=int(arr.shape[0]),
                          allowed="at least 2 (and many more than the number of items)")
    centred = arr - arr.mean(axis=0)
    return centred.T @ centred / arr.shape[0], int(arr.shape[0]), int((~keep).sum())


def estimate_theta(structure: ModelStructure, sample_cov: np.ndarray, start: np.ndarray | None = None) -> Optimum:
    """The ML estimate of θ from S (from lavaan-like starting values unless ``start`` is given)."""
    start = start_values(structure, sample_cov) if start is None else start
    return minimize_discrepancy(MLDiscrepancy.of_sample(structure, sample_cov), start)


def defined_values(spec: ModelSpec, rows: np.ndarray) -> np.ndarray:
    """Values of the ``:=`` parameters given the values of the table rows (estimates or std.all; rows (n,) or
    a stack (b, n))."""
    values = {p.label: rows[..., i] for i, p in enumerate(spec.parameters) if p.label}
    out = []
    for d in spec.defined:
        values[d.name] = d.evaluate(values)
        out.append(np.broadcast_to(values[d.name], rows.shape[:-1]))
    return np.stack(out, axis=-1) if out else np.zeros(rows.shape[:-1] + (0,), dtype=rows.dtype)


def complex_step_jacobian(func, theta: np.ndarray, h: float = 1e-30, stacked: bool = False) -> np.ndarray:
    """J = Im f(θ + ih·e_k) / h, exact to rounding for analytic f (Squire & Trapp 1998); ``stacked``: f takes
    the q perturbed θ as one stack (q, q) and returns (q, outputs)."""
    if stacked:
        perturbed = np.tile(theta.astype(complex), (len(theta), 1))
        perturbed[np.diag_indices(len(theta))] += 1j * h
        return np.imag(func(perturbed)).T / h
    cols = []
    for k in range(len(theta)):
        tc = theta.astype(complex)
        tc[k] += 1j * h
        cols.append(np.imag(func(tc)) / h)
    return np.array(cols).T if cols else np.zeros((len(func(theta.astype(complex))), 0))


@dataclass(frozen=True)
class ModelFit:
    """An ML fit of a lavaan-syntax model (``lavaan::sem(model, data)``)."""

    spec: ModelSpec
    structure: ModelStructure = field(repr=False)
    n: int
    sample_cov: np.ndarray = field(repr=False)
    theta: np.ndarray
    vcov: np.ndarray = field(repr=False)
    converged: bool
    iterations: int
    fmin: float
    parameters: tuple[ParameterEstimate, ...]
    diagnostics: tuple[Diagnostic, ...]
    estimator: str = "ML"  # "MLR" / "MLM": robust SEs in vcov and parameters (analysis.sem.robust)
    missing: str = "listwise"  # "fiml": the fields below are set, sample_cov is the EM estimate of H1
    means: MeanStructure | None = field(default=None, repr=False)
    h1: Moments | None = field(default=None, repr=False)
    patterns: MissingPatterns | None = field(default=None, repr=False)

    @property
    def observed(self) -> tuple[str, ...]:
        return self.spec.observed

    @property
    def implied(self) -> np.ndarray:
        """Σ̂ (lavaan ``fitted(fit)$cov``)."""
        return self.structure.implied(self.theta)

    @property
    def chisq(self) -> float:
        """χ² = N · F_ML (lavaan ``fitMeasures(fit, "chisq")``)."""
        return 2.0 * self.n * self.fmin

    @property
    def npar(self) -> int:
        """q: the free parameters (with FIML also the p intercepts)."""
        return len(self.theta)

    @property
    def implied_mean(self) -> np.ndarray | None:
        """μ̂ (lavaan ``fitted(fit)$mean``) of a FIML fit, None without a mean structure."""
        return None if self.means is None else self.means.mean_and_jacobian(self.theta, len(self.theta))[0]

    @property
    def df(self) -> int:
        """p(p+1)/2 − q, and p(p+1)/2 + p − q with a mean structure."""
        p = self.structure.n_observed
        return p * (p + 1) // 2 + (p if self.means is not None else 0) - self.npar

    def latent_cov(self) -> pd.DataFrame:
        """Model-implied latent covariance VETA (lavaan ``lavInspect(fit, "cov.lv")``)."""
        v = self.structure.latent_cov(self.theta)
        return pd.DataFrame(v, index=list(self.spec.latent), columns=list(self.spec.latent))

    def latent_cor(self) -> pd.DataFrame:
        """Model-implied latent correlations (lavaan ``lavInspect(fit, "cor.lv")``)."""
        v = self.latent_cov().to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            sd = np.sqrt(np.diag(v))
            r = v / np.outer(sd, sd)
        return pd.DataFrame(r, index=list(self.spec.latent), columns=list(self.spec.latent))

    def r2(self) -> dict[str, float]:
        """R² of every indicator and endogenous latent (lavaan ``lavInspect(fit, "r2")``).

        Indicator: 1 − θ_ii/σ̂_ii; endogenous latent: 1 − ψ_jj / VETA_jj.
        """
        _, _, psi, th = self.structure.matrices(self.theta)
        sigma = self.implied
        veta = self.structure.latent_cov(self.theta)
        out = {v: float(1.0 - th[i, i] / sigma[i, i]) for i, v in enumerate(self.spec.observed)}
        dependent = set(self.spec.endogenous) | {p.rhs for p in self.spec.parameters
                                                 if p.op == "=~" and p.rhs in self.spec.latent}
        for j, lv in enumerate(self.spec.latent):
            if lv in dependent:
                out[lv] = float(1.0 - psi[j, j] / veta[j, j])
        return out

    def parameter(self, lhs: str, op: str, rhs: str) -> ParameterEstimate:
        for p in self.parameters:
            if (p.lhs, p.op, p.rhs) == (lhs, op, rhs) or (op == "~~" and (p.lhs, p.op, p.rhs) == (rhs, op, lhs)) \
                    or (op == ":=" and (p.lhs, p.op) == (lhs, op)):
                return p
        raise KeyError(f"{lhs} {op} {rhs}")

    def plain_form(self) -> dict:
        """The sizes, χ² and the estimates (not the matrices)."""
        return {"converged": self.converged, "n": self.n, "npar": self.npar, "df": self.df, "chisq": self.chisq,
                "parameters": self.parameters, "diagnostics": self.diagnostics}


def parameter_table(structure: ModelStructure, theta: np.ndarray, vcov: np.ndarray
                    ) -> tuple[ParameterEstimate, ...]:
    """est, se, z, p of every row and ``:=`` parameter, with std_all and its delta-method SE."""
    spec = structure.spec

    def est_fn(t):
        rows = row_values(structure, t)
        return np.concatenate([rows, defined_values(spec, rows)], axis=-1)

    def std_fn(t):
        rows = standardized_values(structure, t)
        return np.concatenate([rows, defined_values(spec, rows)], axis=-1)

    est = est_fn(theta).real
    with np.errstate(invalid="ignore", divide="ignore"):
        std = std_fn(theta.astype(complex)).real
        std[~np.isfinite(std)] = np.nan
        j_est = complex_step_jacobian(est_fn, theta, stacked=True)
        j_std = complex_step_jacobian(std_fn, theta, stacked=True)
        se = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", j_est, vcov, j_est), 0, None))
        std_se = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", j_std, vcov, j_std), 0, None))
        std_se[np.isnan(std)] = np.nan
        fixed = ~np.abs(j_est).any(axis=1)
        se[fixed] = 0.0  # lavaan: se 0, z and p NA for fixed parameters
        z = np.where(fixed, np.nan, est / se)
        pvalue = 2.0 * stats.norm.sf(np.abs(z))
    names = [(p.lhs, p.op, p.rhs, p.label, bool(p.free)) for p in spec.parameters]
    names += [(d.name, ":=", d.expression.replace(" ", ""), d.name, True) for d in spec.defined]
    return tuple(ParameterEstimate(*nm, float(est[i]), float(se[i]), float(z[i]), float(pvalue[i]),
                                   float(std[i]), float(std_se[i])) for i, nm in enumerate(names))


def estimate(spec: ModelSpec, data: pd.DataFrame, start: np.ndarray | None = None) -> ModelFit:
    """Fit ``spec`` by ML to ``data`` (R: ``lavaan::sem(model, data)``; same numbers as ``cfa()``)."""
    sample_cov, n, dropped = sample_moments(data, spec.observed)
    return estimate_from_moments(spec, sample_cov, n, start=start, dropped=dropped)


def estimate_from_moments(spec: ModelSpec, sample_cov: np.ndarray, n: int, start: np.ndarray | None = None,
                          dropped: int = 0) -> ModelFit:
    """Fit ``spec`` to a covariance matrix (divisor N) of ``n`` observations."""
    structure = ModelStructure(spec)
    diagnostics: list[Diagnostic] = []
    if dropped:
        diagnostics.append(warn("listwise_deletion", f"{dropped} rows with missing item values were left out "
                                                     f"of the SEM (lavaan missing = 'listwise'); N = {n}"))
    discrepancy = MLDiscrepancy.of_sample(structure, sample_cov)
    opt = minimize_discrepancy(discrepancy, start_values(structure, sample_cov) if start is None else start)
    if not opt.converged:
        diagnostics.append(warn("not_converged", f"the ML estimation did not converge after {opt.iterations} "
                                                 "iterations; estimates, SEs and fit indices are not trustworthy"))
    vcov, singular = expected_information_vcov(discrepancy, opt.theta, n)
    if singular:
        diagnostics.append(warn("information_singular",
                                "the information matrix is singular: the model may not be identified; "
                                "standard errors are not available"))
    parameters = parameter_table(structure, opt.theta, vcov)
    fmin = opt.fmin / 2.0 if not math.isnan(logdet_sample(sample_cov)) else float("nan")  # χ² needs |S| > 0
    return ModelFit(spec, structure, n, sample_cov, opt.theta, vcov, opt.converged, opt.iterations,
                    fmin, parameters, tuple(diagnostics))


def expected_information_vcov(discrepancy: Discrepancy, theta: np.ndarray, n: int) -> tuple[np.ndarray, bool]:
    """vcov(θ̂) = (N · I(θ̂))⁻¹ with I the unit expected information (lavaan ``information = "expected"``,
    ``R/lav_model_vcov.R``), NaN when Σ(θ̂) is not positive definite or I is singular (the flag)."""
    n_free = discrepancy.structure.n_free
    vcov = np.full((n_free, n_free), np.nan)
    derivatives = discrepancy.derivatives(theta)
    if not derivatives.positive_definite:
        return vcov, False
    eig = np.linalg.eigvalsh(derivatives.information)
    if eig[0] <= 1e-10 * max(eig[-1], 1e-300):
        return vcov, True
    return np.linalg.inv(derivatives.information) / n, False


def with_intercepts(spec: ModelSpec) -> tuple[ParameterSpec, ...]:
    """The ``~1`` rows lavaan adds for ``missing = "ml"``: a free intercept per indicator (numbered after the
    covariance structure's parameters), a latent mean fixed at 0 per latent."""
    rows = [ParameterSpec(v, "~1", "", spec.n_free + i + 1, math.nan, "", False) for i, v in enumerate(spec.observed)]
    return tuple(rows + [ParameterSpec(v, "~1", "", 0, 0.0, "", False) for v in spec.latent])


def intercept_table(means: MeanStructure, rows: tuple[ParameterSpec, ...], theta: np.ndarray, vcov: np.ndarray
                    ) -> tuple[ParameterEstimate, ...]:
    """est, se, z, p and std_all (intercept / sd of the item or latent) of the ``~1`` rows."""
    structure = means.structure
    nu, alpha = means.intercepts(theta)
    sd_ov = np.sqrt(np.diag(structure.implied(theta)))
    sd_lv = np.sqrt(np.diag(structure.latent_cov(theta)))
    observed = {v: i for i, v in enumerate(structure.observed)}
    latent = {v: i for i, v in enumerate(structure.latent)}
    out = []
    for par in rows:
        est, sd = ((nu[observed[par.lhs]], sd_ov[observed[par.lhs]]) if par.lhs in observed
                   else (alpha[latent[par.lhs]], sd_lv[latent[par.lhs]]))
        se = math.sqrt(max(vcov[par.free - 1, par.free - 1], 0.0)) if par.free else 0.0
        z = est / se if par.free and se > 0 else math.nan
        out.append(ParameterEstimate(par.lhs, "~1", "", "", bool(par.free), float(est), se, float(z),
                                     float(2.0 * stats.norm.sf(abs(z))), float(est / sd), math.nan))
    return tuple(out)


def observed_information_vcov(discrepancy: Discrepancy, theta: np.ndarray, n: int) -> tuple[np.ndarray, bool]:
    """vcov(θ̂) = (N · H(θ̂)/2)⁻¹ with H the exact Hessian of F (lavaan ``information = "observed"``,
    ``observed.information = "hessian"``, the default for ``missing = "ml"``); NaN as
    :func:`expected_information_vcov`."""
    n_free = len(theta)
    vcov = np.full((n_free, n_free), np.nan)
    derivatives = discrepancy.derivatives(theta, hessian=True)
    if not derivatives.positive_definite:
        return vcov, False
    eig = np.linalg.eigvalsh(derivatives.hessian)
    if eig[0] <= 1e-10 * max(eig[-1], 1e-300):
        return vcov, True
    return np.linalg.inv(derivatives.hessian / 2.0) / n, False


def estimate_fiml(spec: ModelSpec, data: pd.DataFrame) -> ModelFit:
    """Fit ``spec`` by full-information ML to every row with an observed indicator (R:
    ``lavaan::sem(model, data, missing = "ml")``); the start is lavaan-like at the EM estimates of H1."""
    patterns = missing_patterns(item_matrix(data, spec.observed))
    if patterns.n < 2:
        raise input_error("data: too few rows with an answer for the model", value=patterns.n,
                          allowed="at least 2 (and many more than the number of items)")
    structure = ModelStructure(spec)
    mean_rows = with_intercepts(spec)
    means = MeanStructure(structure, mean_rows)
    n_free = spec.n_free + len(spec.observed)
    h1 = saturated_moments(patterns)
    diagnostics: list[Diagnostic] = []
    if not h1.converged:
        diagnostics.append(warn("em_not_converged", f"the EM estimate of the unrestricted model did not converge "
                                                    f"in {h1.iterations} iterations; χ² and the fit indices are "
                                                    "approximate"))
    discrepancy = FIMLDiscrepancy(MultiGroupStructure((GroupStructure(structure, means),), n_free), patterns, h1.logl)
    opt = minimize_discrepancy(discrepancy, np.concatenate([start_values(structure, h1.cov), h1.mean]))
    if not opt.converged:
        diagnostics.append(warn("not_converged", f"the FIML estimation did not converge after {opt.iterations} "
                                                 "iterations; estimates, SEs and fit indices are not trustworthy"))
    vcov, singular = observed_information_vcov(discrepancy, opt.theta, patterns.n)
    if singular:
        diagnostics.append(warn("information_singular",
                                "the information matrix is singular: the model may not be identified; "
                                "standard errors are not available"))
    table = parameter_table(structure, opt.theta, vcov)
    n_rows = len(spec.parameters)
    parameters = table[:n_rows] + intercept_table(means, mean_rows, opt.theta, vcov) + table[n_rows:]
    return ModelFit(spec, structure, patterns.n, h1.cov, opt.theta, vcov, opt.converged, opt.iterations,
                    opt.fmin / 2.0, parameters, tuple(diagnostics), missing="fiml", means=means, h1=h1,
                    patterns=patterns)
