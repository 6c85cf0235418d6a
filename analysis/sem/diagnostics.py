"""Trouble in a CB-SEM fit, reported as :class:`Diagnostic` records (never raised), and modification indices.

Checks: non-convergence (found while estimating), negative variances (Heywood cases; variances
are never bounded at 0, so they show), standardized loadings above 1, a non-positive-definite
latent or sample covariance matrix, latent correlations near 1, collinear items.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.diagnostics import Diagnostic, warn
from analysis.sem.discrepancy import Derivatives
from analysis.sem.estimation import ModelFit, with_intercepts
from analysis.sem.fiml import FIMLDiscrepancy
from analysis.sem.ml import MLDiscrepancy
from analysis.sem.specification import ModelSpec
from analysis.sem.structure import GroupStructure, MeanStructure, ModelStructure, MultiGroupStructure

LATENT_COR_LIMIT = 0.95
ITEM_COR_LIMIT = 0.95


def negative_variances(fit: ModelFit) -> list[Diagnostic]:
    """Heywood cases: a residual or latent variance estimated below 0 (lavaan warns likewise)."""
    out = []
    for p in fit.parameters:
        if p.op == "~~" and p.lhs == p.rhs and p.est < 0:
            kind = "latent (disturbance) variance" if p.lhs in fit.spec.latent else "residual variance"
            out.append(warn("heywood_case", f"negative {kind} of {p.lhs}: {p.est:.4f} (Heywood case); "
                                            "the solution is inadmissible — check the item and the model"))
    return out


def std_loadings_above_one(fit: ModelFit) -> list[Diagnostic]:
    """|standardized loading| > 1, the standardized face of a Heywood case."""
    return [warn("std_loading_above_one", f"standardized loading of {p.rhs} on {p.lhs} is {p.std_all:.3f} (> 1)")
            for p in fit.parameters if p.op == "=~" and abs(p.std_all) > 1]


def latent_covariance_problems(fit: ModelFit, limit: float = LATENT_COR_LIMIT) -> list[Diagnostic]:
    """A non-positive-definite latent covariance matrix and latent correlations with |r| ≥ ``limit``."""
    out = []
    veta = fit.latent_cov().to_numpy()
    if np.linalg.eigvalsh(veta)[0] <= 0:
        out.append(warn("latent_cov_not_pd", "the model-implied covariance matrix of the latent variables is not "
                                             "positive definite (a correlation at or beyond ±1, or a negative "
                                             "variance)"))
    cor = fit.latent_cor()
    names = list(cor.index)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            r = cor.loc[a, b]
            if np.isfinite(r) and abs(r) >= limit:
                out.append(warn("latent_cor_near_one", f"latent correlation {a}–{b} is {r:.3f} (|r| ≥ {limit}): "
                                                       "the two constructs are hardly distinguishable"))
    return out


def sample_covariance_problems(fit: ModelFit, limit: float = ITEM_COR_LIMIT) -> list[Diagnostic]:
    """A non-positive-definite sample covariance matrix and item pairs with |r| ≥ ``limit``."""
    out = []
    s = fit.sample_cov
    eig = np.linalg.eigvalsh(s)
    if eig[0] <= 1e-10 * max(eig[-1], 1e-300):
        out.append(warn("sample_cov_not_pd", "the sample covariance matrix of the items is not positive definite "
                                             "(an item is constant or a linear combination of others); "
                                             "χ² and the fit indices are not available"))
    sd = np.sqrt(np.diag(s))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = s / np.outer(sd, sd)
    names = fit.observed
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            if np.isfinite(r[i, j]) and abs(r[i, j]) >= limit:
                out.append(warn("collinear_items", f"items {names[i]} and {names[j]} correlate {r[i, j]:.3f} "
                                                   f"(|r| ≥ {limit}): nearly redundant"))
    return out


def fit_diagnostics(fit: ModelFit) -> list[Diagnostic]:
    """Every check above, after those raised while estimating (non-convergence, singular information)."""
    return [*fit.diagnostics, *negative_variances(fit), *std_loadings_above_one(fit),
            *latent_covariance_problems(fit), *sample_covariance_problems(fit)]


@dataclass(frozen=True)
class ModificationIndex:
    """One row of ``lavaan::modindices()``: χ² drop expected from freeing lhs op rhs, and its EPC."""

    lhs: str
    op: str
    rhs: str
    mi: float
    epc: float
    sepc_all: float


def candidate_parameters(fit: ModelFit) -> list[tuple[str, str, str, float]]:
    """The fixed parameters lavaan's ``modindices()`` tests, each with the value it is fixed at: the rows
    the model fixes (``F1 ~~ 0*F2``, a fixed residual variance, a marker loading; lavaan
    ``lav_object_extended(all.free = TRUE)``), then the rows of ``lav_partable_full`` not in the model,
    fixed at 0.

    Measurement: cross-loadings (latent =~ item) and residual covariances of items. Structural:
    latent covariances (disturbance covariances of endogenous latents) and regressions y ~ x
    between any two latents that take part in the structural model.
    """
    spec = fit.spec
    fixed = [(p.lhs, p.op, p.rhs, p.value) for p in spec.parameters if not p.free]
    present = {(p.lhs, p.op, p.rhs) for p in spec.parameters}
    present |= {(p.rhs, p.op, p.lhs) for p in spec.parameters if p.op == "~~"}
    obs, lat = spec.observed, spec.latent
    structural = [v for v in lat if any(v in (p.lhs, p.rhs) for p in spec.regressions())]
    out = [(lv, "=~", ov) for lv in lat for ov in obs]
    out += [(obs[i], "~~", obs[j]) for i in range(len(obs)) for j in range(i + 1, len(obs))]
    out += [(lat[i], "~~", lat[j]) for i in range(len(lat)) for j in range(i + 1, len(lat))]
    out += [(y, "~", x) for y in structural for x in structural if x != y]
    return fixed + [(*c, 0.0) for c in out if c not in present]


def score_tests(gradient: np.ndarray, information: np.ndarray, n_free: int, n: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Univariate score tests of the parameters after the first ``n_free`` (each freed alone), given ∂F/∂θ
    and the unit expected information I of the extended model at the restricted estimate:
    g = ½ ∂F/∂θ, V_j = I_jj − I_j1 I_11⁻¹ I_1j, MI_j = N g_j² / V_j, EPC_j = −g_j / V_j (Sörbom 1989).
    Returns (MI, EPC, V)."""
    grad, info = 0.5 * gradient, information
    i11_inv = np.linalg.inv(info[:n_free, :n_free])
    i12 = info[:n_free, n_free:]
    v = np.diag(info[n_free:, n_free:]) - np.einsum("ij,ik,kj->j", i12, i11_inv, i12)
    g = grad[n_free:]
    with np.errstate(invalid="ignore", divide="ignore"):
        mi = n * g ** 2 / v
        epc = -g / v
    return mi, epc, v


def fiml_extended_derivatives(fit: ModelFit, extended: ModelSpec, values: np.ndarray) -> Derivatives:
    """Gradient and unit expected information (``modindices(information = "expected")``, lavaan's default; for
    ``missing = "ml"`` the patterns' expected information) of the FIML discrepancy of the ``extended`` model at
    θ̂ and the candidates' ``values``, ordered as :func:`score_tests` wants them: the fitted parameters (with
    the intercepts), then the candidates."""
    structure = ModelStructure(extended)
    n_extended, n_observed, q = extended.n_free, len(extended.observed), fit.structure.n_free
    means = MeanStructure(structure, with_intercepts(extended))
    discrepancy = FIMLDiscrepancy(MultiGroupStructure((GroupStructure(structure, means),), n_extended + n_observed),
                                  fit.patterns, fit.h1.logl)
    derivatives = discrepancy.derivatives(np.concatenate([fit.theta[:q], values, fit.theta[q:]]))
    order = np.r_[np.arange(q), n_extended + np.arange(n_observed), np.arange(q, n_extended)]
    return Derivatives(derivatives.gradient[order], derivatives.information[np.ix_(order, order)], None,
                       derivatives.positive_definite)


def modification_indices(fit: ModelFit, top: int | None = 10) -> list[ModificationIndex]:
    """Score-test modification indices of the fixed parameters, largest first (Sörbom 1989; candidates
    as :func:`candidate_parameters`).

    With I the unit expected information of the model extended by the candidates (θ̂ and their fixed
    values), :func:`score_tests` at that point; sepc.all scales EPC as std.all (a variance: its fixed value
    as std.all, signed as EPC, 0 when that value is 0 — lavaan's ``cov.std``). Candidates with V_j < ε^⅓
    (not identified when freed, e.g. a marker loading or a reversed path in a saturated structural model)
    are left out, as lavaan does. R: ``lavaan::modindices(fit, sort. = TRUE)``.
    """
    candidates = candidate_parameters(fit)
    if not candidates or fit.structure.n_free == 0:
        return []
    extended = fit.spec.with_free([c[:3] for c in candidates])
    values = np.array([c[3] for c in candidates])
    if fit.missing == "fiml":
        derivatives = fiml_extended_derivatives(fit, extended, values)
    else:
        derivatives = MLDiscrepancy.of_sample(ModelStructure(extended), fit.sample_cov).derivatives(
            np.concatenate([fit.theta, values]))
    if not derivatives.positive_definite or not np.all(np.isfinite(fit.vcov)):
        return []
    mi, epc, v = score_tests(derivatives.gradient, derivatives.information, fit.npar, fit.n)
    _, _, psi, th = fit.structure.matrices(fit.theta)
    v_ok = v >= np.finfo(float).eps ** (1 / 3)
    sd_lv = np.sqrt(np.diag(fit.structure.latent_cov(fit.theta)))
    sd_ov = np.sqrt(np.diag(fit.implied))
    ov = {x: i for i, x in enumerate(fit.observed)}
    lv = {x: i for i, x in enumerate(fit.spec.latent)}
    rows = []
    for (lhs, op, rhs, value), m, e, identified in zip(candidates, mi, epc, v_ok):
        if not identified:
            continue
        with np.errstate(invalid="ignore", divide="ignore"):
            if op == "=~":
                scale = sd_lv[lv[lhs]] / sd_ov[ov[rhs]]
            elif op == "~":
                scale = sd_lv[lv[rhs]] / sd_lv[lv[lhs]]
            elif lhs == rhs:  # cov.std: a variance is standardized at its fixed value, signed as EPC
                total = sd_lv[lv[lhs]] ** 2 if lhs in lv else sd_ov[ov[lhs]] ** 2
                scale = abs(value) / total / abs(e) if abs(value) >= np.sqrt(np.finfo(float).eps) else 0.0
            elif lhs in lv:  # cov.std: correlation of the (disturbance) terms
                scale = 1.0 / np.sqrt(psi[lv[lhs], lv[lhs]] * psi[lv[rhs], lv[rhs]])
            else:
                scale = 1.0 / np.sqrt(th[ov[lhs], ov[lhs]] * th[ov[rhs], ov[rhs]])
        rows.append(ModificationIndex(lhs, op, rhs, float(m), float(e), float(e * scale)))
    rows.sort(key=lambda r: -r.mi if np.isfinite(r.mi) else np.inf)
    return rows if top is None else rows[:top]
