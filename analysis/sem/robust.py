"""Robust maximum likelihood: sandwich standard errors and scaled χ² (lavaan ``estimator = "MLM"`` / ``"MLR"``).

The estimates and the ML χ² = N·F_ML stay those of :mod:`~analysis.sem.ml` (lavaan 0.6 uses the
divisor N in the likelihood for ML, MLM and MLR alike). With z_i = x_i − x̄ the centred complete
cases, P = Σ̂⁻¹ and ``dΣ_e = u_e v_eᵀ + v_e u_eᵀ`` the derivative of Σ for a free entry e, the
casewise score of the normal log-likelihood is

    s_ie = −u_eᵀP v_e + (u_eᵀP z_i)(v_eᵀP z_i)          (one row per case, mapped to θ)

and ``B = (1/N) Σ s_i s_iᵀ`` (for complete data = Δᵀ W Γ W Δ, Γ the ADF fourth-moment matrix of the
data with divisor N, because the mean score is 0 at the ML estimate).

* MLM (Satorra & Bentler 1994): vcov = A⁻¹ B A⁻¹ / N with A the expected unit information;
  tr(UΓ) = tr(WΓ) − tr(A⁻¹B), W the normal-theory weight at Σ̂ (lavaan ``test = "satorra.bentler"``,
  ``R/lav_test_satorra_bentler.R``, method "original").
* MLR (Huber 1967; White 1982): vcov = H⁻¹ B H⁻¹ / N with H the observed unit information (half the
  Hessian of F_ML); tr(UΓ) of Yuan & Bentler (2000) in lavaan's Mplus variant
  (``test = "yuan.bentler.mplus"``, ``R/lav_test_yuan_bentler.R``): tr(A₁⁻¹B₁) − tr(H⁻¹B) with A₁, B₁ the
  unstructured h1 information and first-order information at S, which with the saturated mean structure
  lavaan adds is  p + tr(W(S)Γ) − tr(SΣ̂⁻¹) − tr(H⁻¹B)  (the mean parts: p and tr(SΣ̂⁻¹)).

    tr(WΓ) at Σ: ½ mean_i tr(P A_i P A_i), A_i = z_i z_iᵀ − S, = ½ mean_i[(z_iᵀPz_i)² − 2 z_iᵀPSPz_i] + ½ tr(PSPS)

The scaling factor is c = tr(UΓ)/df and χ²_scaled = χ²/c. The independence (baseline) model Σ_b =
diag(S) gets its own c_b the same way (its information is diag(1/(2 s_jj²)), expected = observed).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import stats

from analysis.diagnostics import Diagnostic, warn
from analysis.sem.estimation import ModelFit, parameter_table
from analysis.sem.ml import MLDiscrepancy
from questionnaire.errors import input_error
from questionnaire.instrument import ESTIMATOR_CHOICES

ESTIMATORS = ("ML", "MLR", "MLM")
ROBUST_ESTIMATORS = ("MLR", "MLM")
#: lavaan's name of the scaled test of each robust estimator
SCALED_TEST = {"MLM": "satorra.bentler", "MLR": "yuan.bentler.mplus"}


@dataclass(frozen=True)
class ScaledTest:
    """A scaled χ² test: the ML χ² and df, tr(UΓ), c = tr(UΓ)/df and χ²/c (lavaan ``lavTest(fit)``)."""

    test: str
    chisq: float
    df: int
    trace: float

    @property
    def scaling_factor(self) -> float:
        """c = tr(UΓ)/df; NaN when df = 0 or the trace is negative (lavaan)."""
        c = self.trace / self.df if self.df > 0 else float("nan")
        return c if c >= 0 else float("nan")

    @property
    def chisq_scaled(self) -> float:
        """χ²/c; with df = 0 the ML χ² itself (lavaan)."""
        return self.chisq / self.scaling_factor if self.df > 0 else self.chisq

    @property
    def pvalue_scaled(self) -> float:
        return float(stats.chi2.sf(self.chisq_scaled, self.df)) if self.df > 0 else float("nan")


@dataclass(frozen=True)
class RobustML:
    """The robust part of an MLM / MLR fit: the sandwich vcov, the model's scaled test and tr(UΓ) of the baseline."""

    estimator: str
    vcov: np.ndarray
    test: ScaledTest
    baseline_trace: float
    diagnostics: tuple[Diagnostic, ...] = ()

    def baseline_test(self, chisq: float, df: int) -> ScaledTest:
        """The baseline's scaled test given its ML χ² and df (lavaan's baseline with the same estimator)."""
        return ScaledTest(self.test.test, chisq, df, self.baseline_trace)


def complete_centred(fit: ModelFit, data: pd.DataFrame) -> np.ndarray:
    """z_i = x_i − x̄ of the complete cases the fit used (lavaan ``missing = "listwise"``)."""
    x = data.loc[:, list(fit.observed)].to_numpy(dtype=float)
    x = x[~np.isnan(x).any(axis=1)]
    return x - x.mean(axis=0)


def casewise_scores(u: np.ndarray, v: np.ndarray, sigma: np.ndarray, centred: np.ndarray) -> np.ndarray:
    """s_ie = −u_eᵀP v_e + (u_eᵀP z_i)(v_eᵀP z_i): the (N, entries) scores of the normal log-likelihood."""
    p_inv = np.linalg.inv(sigma)
    up, vp = u @ p_inv, v @ p_inv
    return (centred @ up.T) * (centred @ vp.T) - np.einsum("ej,ej->e", up, v)[None, :]


def saturated_trace(p_inv: np.ndarray, centred: np.ndarray, sample_cov: np.ndarray) -> float:
    """tr(WΓ) = ½ mean_i tr(P A_i P A_i), A_i = z_i z_iᵀ − S (W the normal-theory weight with Σ⁻¹ = P)."""
    pz = centred @ p_inv
    psp = p_inv @ sample_cov @ p_inv
    quad = np.einsum("ij,ij->i", pz, centred)
    cross = np.einsum("ij,jk,ik->i", centred, psp, centred)
    return float(0.5 * np.mean(quad ** 2 - 2.0 * cross) + 0.5 * np.trace(psp @ sample_cov))


def meat(scores: np.ndarray) -> np.ndarray:
    """B = (1/N) Σ s_i s_iᵀ (lavaan's first-order information, per case)."""
    return scores.T @ scores / scores.shape[0]


def sandwich(bread: np.ndarray, meat_matrix: np.ndarray, n: int) -> np.ndarray:
    """vcov = A⁻¹ B A⁻¹ / N (Huber 1967; lavaan ``R/lav_model_vcov.R``, ``se = "robust.sem" | "robust.huber.white"``)."""
    a_inv = np.linalg.inv(bread)
    return a_inv @ meat_matrix @ a_inv / n


def scaled_trace(estimator: str, bread: np.ndarray, meat_matrix: np.ndarray, sigma: np.ndarray,
                 centred: np.ndarray, sample_cov: np.ndarray) -> float:
    """tr(UΓ) of the Satorra–Bentler (MLM) or Yuan–Bentler Mplus-variant (MLR) correction (see the module)."""
    h0 = float(np.trace(np.linalg.solve(bread, meat_matrix)))
    if estimator == "MLM":
        return saturated_trace(np.linalg.inv(sigma), centred, sample_cov) - h0
    p = sample_cov.shape[0]
    h1 = p + saturated_trace(np.linalg.inv(sample_cov), centred, sample_cov)
    return h1 - float(np.trace(np.linalg.solve(sigma, sample_cov))) - h0


def baseline_trace(estimator: str, centred: np.ndarray, sample_cov: np.ndarray) -> float:
    """tr(UΓ) of the independence model Σ_b = diag(S) (lavaan's baseline with the same estimator)."""
    p = sample_cov.shape[0]
    sigma = np.diag(np.diag(sample_cov))
    scores = casewise_scores(np.eye(p), 0.5 * np.eye(p), sigma, centred)
    information = np.diag(0.5 / np.diag(sample_cov) ** 2)
    return scaled_trace(estimator, information, meat(scores), sigma, centred, sample_cov)


def robust_ml(fit: ModelFit, data: pd.DataFrame, estimator: str) -> RobustML:
    """Sandwich vcov and scaled tests of an ML ``fit`` on the complete cases of ``data``; NaN (and the
    ``robust_unavailable`` warning) where Σ̂ or S is not positive definite or the information is singular.

    R: ``lavaan::sem(model, data, estimator = "MLM" | "MLR")``; ``parameterEstimates(fit)$se``,
    ``fitMeasures(fit, c("chisq.scaled", "chisq.scaling.factor", "baseline.chisq.scaled"))``.
    """
    centred = complete_centred(fit, data)
    structure = fit.structure
    derivatives = structure.covariance_derivatives(fit.theta)
    _, information, hessian, ok = MLDiscrepancy.of_sample(structure, fit.sample_cov).derivatives(
        fit.theta, hessian=estimator == "MLR")
    if not (ok and positive_definite(fit.sample_cov)):
        return unavailable(fit, estimator, float("nan"))
    baseline = baseline_trace(estimator, centred, fit.sample_cov)
    bread = information if estimator == "MLM" else 0.5 * hessian
    if not positive_definite(bread):
        return unavailable(fit, estimator, baseline)
    scores = casewise_scores(derivatives.u, derivatives.v, derivatives.sigma, centred)
    b = meat(scores @ structure.entries_to_parameters)
    test = ScaledTest(SCALED_TEST[estimator], fit.chisq, fit.df,
                      scaled_trace(estimator, bread, b, fit.implied, centred, fit.sample_cov))
    return RobustML(estimator, sandwich(bread, b, fit.n), test, baseline)


def unavailable(fit: ModelFit, estimator: str, baseline: float) -> RobustML:
    """NaN SEs and scaled χ² with the ``robust_unavailable`` warning."""
    n_free = fit.structure.n_free
    trouble = warn("robust_unavailable", f"the {estimator} standard errors and scaled χ² cannot be computed (the "
                                         "model-implied or sample covariance matrix is not positive definite, or the "
                                         "information matrix is singular); they are left empty")
    return RobustML(estimator, np.full((n_free, n_free), np.nan),
                    ScaledTest(SCALED_TEST[estimator], fit.chisq, fit.df, float("nan")), baseline, (trouble,))


def positive_definite(matrix: np.ndarray) -> bool:
    """Smallest eigenvalue above 1e-10 of the largest (and all finite)."""
    if not np.isfinite(matrix).all():
        return False
    eig = np.linalg.eigvalsh(matrix)
    return bool(eig[0] > 1e-10 * max(eig[-1], 1e-300))


def with_robust_se(fit: ModelFit, robust: RobustML) -> ModelFit:
    """``fit`` with the sandwich vcov in its parameter table (est unchanged; se, z, p, std SEs robust)."""
    return replace(fit, vcov=robust.vcov, parameters=parameter_table(fit.structure, fit.theta, robust.vcov),
                   estimator=robust.estimator, diagnostics=fit.diagnostics + robust.diagnostics)


NORMALITY_ALPHA = 0.05


@dataclass(frozen=True)
class EstimatorChoice:
    """The estimator used and why: ``default`` (nothing asked: ML), ``requested`` (the user named it), or for
    ``auto`` ``normal`` (Mardia does not reject: ML), ``non_normal`` (Mardia's skewness or kurtosis test
    p < .05: MLR) or ``normality_unknown`` (no Mardia test: MLR); ``fiml``: ``auto`` with FIML takes ML (robust ML
    is not implemented for incomplete data)."""

    estimator: str
    requested: str | None
    reason: str


def choose_estimator(requested: str | None, mardia_p_skew: float | None, mardia_p_kurt: float | None,
                     missing: str = "listwise") -> EstimatorChoice:
    """The estimator for the CFA and SEM. ``auto`` takes MLR when Mardia's multivariate skewness or kurtosis
    test rejects normality at .05 (or cannot be computed), else ML: MLR's Huber–White SEs and Yuan–Bentler
    χ² hold under non-normality and equal ML's when the data are normal (Yuan & Bentler 2000; for
    Likert items with five or more categories Rhemtulla, Brosseau-Liard & Savalei 2012)."""
    if requested is None:
        return EstimatorChoice("ML", None, "default")
    if requested not in ESTIMATOR_CHOICES:
        raise input_error("estimator: unknown", value=requested, allowed=", ".join(ESTIMATOR_CHOICES))
    if missing == "fiml" and requested in ROBUST_ESTIMATORS:
        raise input_error("estimator: not available with --missing fiml", value=requested,
                          allowed="ML or auto (FIML is full-information ML; robust ML with FIML is not implemented)")
    if requested != "auto":
        return EstimatorChoice(requested, requested, "requested")
    if missing == "fiml":
        return EstimatorChoice("ML", requested, "fiml")
    tests = [p for p in (mardia_p_skew, mardia_p_kurt) if p is not None and np.isfinite(p)]
    if not tests:
        return EstimatorChoice("MLR", requested, "normality_unknown")
    if min(tests) < NORMALITY_ALPHA:
        return EstimatorChoice("MLR", requested, "non_normal")
    return EstimatorChoice("ML", requested, "normal")
