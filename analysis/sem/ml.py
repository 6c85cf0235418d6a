"""The normal-theory maximum-likelihood discrepancy (lavaan ``estimator = "ML"``, ``likelihood = "normal"``).

    F_ML(θ) = log|Σ| + tr(S Σ⁻¹) − log|S| − p,     fmin = F_ML / 2,     χ² = N · F_ML

with S the sample covariance (divisor N). lavaan: ``R/lav_objective.R`` (``estimator.ML``),
``R/lav_model_gradient.R``, ``R/lav_model_information.R``; Jöreskog (1969), Bollen (1989, ch. 4).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.sem.discrepancy import Derivatives
from analysis.sem.linalg import cholesky, transpose
from analysis.sem.structure import ModelStructure, MultiGroupStructure


def logdet_sample(sample_cov: np.ndarray) -> float:
    """log|S|, NaN when S is not positive definite."""
    sign, logdet = np.linalg.slogdet(sample_cov)
    return float(logdet) if sign > 0 else float("nan")


@dataclass(frozen=True)
class MLDiscrepancy:
    """F_ML of ``structure`` against S (p, p) with log|S| a float, or against a stack S (b, p, p), log|S| (b,)."""

    structure: ModelStructure
    sample_cov: np.ndarray
    logdet_s: np.ndarray | float

    @classmethod
    def of_sample(cls, structure: ModelStructure, sample_cov: np.ndarray) -> MLDiscrepancy:
        """F_ML against one S; when S is singular, log|S| is its pseudo-determinant (F_ML needs only a
        constant from S, and χ² is then not reported)."""
        logdet_s = logdet_sample(sample_cov)
        if np.isnan(logdet_s):
            eig = np.linalg.eigvalsh(sample_cov)
            logdet_s = float(np.log(eig[eig > 1e-12 * eig.max()]).sum())
        return cls(structure, sample_cov, logdet_s)

    @property
    def n_samples(self) -> int:
        return 1 if self.sample_cov.ndim == 2 else self.sample_cov.shape[0]

    def subset(self, rows: np.ndarray) -> MLDiscrepancy:
        return MLDiscrepancy(self.structure, self.sample_cov[rows], self.logdet_s[rows])

    def as_stack(self) -> MLDiscrepancy:
        return MLDiscrepancy(self.structure, self.sample_cov[None], np.array([self.logdet_s]))

    def value(self, theta: np.ndarray) -> np.ndarray:
        """F_ML(θ) for θ (q,) or a stack (b, q); inf where Σ(θ) is not positive definite."""
        chol, ok = cholesky(self.structure.implied(theta))
        inv_l = np.linalg.inv(chol)
        logdet = 2.0 * np.log(np.diagonal(chol, axis1=-2, axis2=-1)).sum(axis=-1)
        f = (logdet + np.einsum("...ij,...ij->...", transpose(inv_l) @ inv_l, self.sample_cov) - self.logdet_s
             - self.structure.n_observed)
        return np.where(ok, f, np.inf)

    def derivatives(self, theta: np.ndarray, hessian: bool = False, information: bool = True) -> Derivatives:
        """Gradient of F_ML, unit expected information (if ``information``), the exact Hessian (if
        ``hessian``) for one θ (q,) or a stack (b, q).

        With P = Σ⁻¹, Q = PSP, R = P − Q and ``dΣ_a = u_a v_aᵀ + v_a u_aᵀ``:
        g_a = tr(R dΣ_a);  I = ½T(P, P) = (UPVᵀ)∘(UPVᵀ)ᵀ + (UPUᵀ)∘(VPVᵀ);
        H = −T(P, P) + 2T(P, Q) + [tr(R ∂²Σ/∂θ_a∂θ_b)]_ab, where T(X, Y)_ab = tr(X dΣ_a Y dΣ_b).
        """
        covariance = self.structure.covariance_derivatives(theta)
        chol, ok = cholesky(covariance.sigma)
        inv_l = np.linalg.inv(chol)
        p_inv = transpose(inv_l) @ inv_l
        u, v = covariance.u, covariance.v
        q_mat = p_inv @ self.sample_cov @ p_inv
        resid = p_inv - q_mat
        grad = 2.0 * np.einsum("...ij,...ij->...i", u @ resid, v)
        info = hess = None
        if information or hessian:
            u_t, v_t = np.ascontiguousarray(transpose(u)), np.ascontiguousarray(transpose(v))
            up, vp = u @ p_inv, v @ p_inv
            uu, uv, vv = up @ u_t, up @ v_t, vp @ v_t
            info = uv * transpose(uv) + uu * vv
        if hessian:
            uq, vq = u @ q_mat, v @ q_mat
            uu_q, uv_q, vv_q = uq @ u_t, uq @ v_t, vq @ v_t
            t_pq = transpose(uv_q) * uv + vv_q * uu + uu_q * vv + uv_q * transpose(uv)
            hess = -2.0 * info + 2.0 * t_pq + self.structure.second_order_term(covariance, resid)
            hess = 0.5 * (hess + transpose(hess))
        return Derivatives(*self.structure.entry_to_parameter_derivatives(grad, info, hess), ok)


@dataclass(frozen=True)
class MultiGroupMLDiscrepancy:
    """F_ML of a multi-group model with a mean structure (lavaan ``group = ...``, ``meanstructure = TRUE``):

        F(θ) = Σ_g (N_g/N) F_g,   F_g = log|Σ_g| + tr(S_g Σ_g⁻¹) − log|S_g| − p + (x̄_g − μ_g)ᵀ Σ_g⁻¹ (x̄_g − μ_g)

    so χ² = N·F = Σ_g N_g F_g (lavaan ``R/lav_objective.R``, ``estimator.ML`` with means; Bollen 1989,
    p. 360). F_g is F_ML against S_g + ddᵀ (d = x̄_g − μ_g) with log|S_g| kept, so the covariance part of
    the gradient, information and exact Hessian come from :class:`MLDiscrepancy`; the mean part adds
    −2 Jᵀ Σ⁻¹ d to the gradient, Jᵀ Σ⁻¹ J to the unit information (J = ∂μ/∂θ) and :meth:`_mean_hessian` to
    the Hessian. One sample (no bootstrap stack).
    """

    structure: MultiGroupStructure
    sample_covs: tuple[np.ndarray, ...]
    sample_means: tuple[np.ndarray, ...]
    weights: np.ndarray

    n_samples = 1

    def subset(self, rows: np.ndarray) -> MultiGroupMLDiscrepancy:
        return self

    def as_stack(self) -> MultiGroupMLDiscrepancy:
        return self

    def _group_terms(self, theta: np.ndarray):
        """Per group: the covariance-part discrepancy at S_g + ddᵀ, d and J = ∂μ/∂θ."""
        for group, s, xbar in zip(self.structure.groups, self.sample_covs, self.sample_means):
            mu, jacobian = group.means.mean_and_jacobian(theta, self.structure.n_free)
            d = xbar - mu
            yield MLDiscrepancy(group.covariance, s + np.outer(d, d), logdet_sample(s)), d, jacobian

    def value(self, theta: np.ndarray) -> np.ndarray:
        """F(θ) for θ (q,) or a stack of one (1, q); inf where a Σ_g(θ) is not positive definite."""
        if theta.ndim == 2:
            return np.array([self.value(t) for t in theta])
        return np.sum([w * ml.value(theta) for w, (ml, _, _) in zip(self.weights, self._group_terms(theta))])

    def derivatives(self, theta: np.ndarray, hessian: bool = False, information: bool = True) -> Derivatives:
        """Gradient and unit expected information of F, and the exact Hessian if asked for."""
        if theta.ndim == 2:
            parts = [self.derivatives(t, hessian, information) for t in theta]
            return Derivatives(*(np.stack([getattr(p, f) for p in parts]) if getattr(parts[0], f) is not None
                                 else None for f in Derivatives._fields))
        n_free = self.structure.n_free
        grad, info, ok = np.zeros(n_free), np.zeros((n_free, n_free)), True
        hess = np.zeros((n_free, n_free)) if hessian else None
        for w, group, (ml, d, jacobian) in zip(self.weights, self.structure.groups, self._group_terms(theta)):
            part = ml.derivatives(theta, hessian=hessian, information=True)
            k = len(part.gradient)
            p_inv = np.linalg.inv(ml.structure.implied(theta)) if part.positive_definite else np.zeros((len(d),) * 2)
            grad[:k] += w * part.gradient
            grad -= 2.0 * w * jacobian.T @ (p_inv @ d)
            mean_info = jacobian.T @ p_inv @ jacobian
            info[:k, :k] += w * part.information
            info += w * mean_info
            ok = ok and bool(part.positive_definite)
            if hessian:
                hess[:k, :k] += w * part.hessian
                hess += w * self._mean_hessian(group, theta, p_inv @ d, p_inv @ jacobian, mean_info)
        return Derivatives(grad, info if information or hessian else None, hess, ok)

    def _mean_hessian(self, group, theta: np.ndarray, w: np.ndarray, p_jacobian: np.ndarray,
                      mean_info: np.ndarray) -> np.ndarray:
        """What the mean structure adds to the exact Hessian of F_g beyond F_ML at S_g + ddᵀ (w = Σ⁻¹d, J = ∂μ/∂θ):
        2 wᵀ dΣ_a Σ⁻¹J_b + 2 wᵀ dΣ_b Σ⁻¹J_a + 2 J_aᵀΣ⁻¹J_b − 2 wᵀ ∂²μ/∂θ_a∂θ_b."""
        covariance = group.covariance.covariance_derivatives(theta)
        u, v = covariance.u, covariance.v
        by_entry = (u @ w)[:, None] * (v @ p_jacobian) + (v @ w)[:, None] * (u @ p_jacobian)
        cross = np.zeros_like(mean_info)
        np.add.at(cross, group.covariance.entry_parameter, by_entry)
        return 2.0 * (cross + cross.T + mean_info - group.means.second_order_term(theta, w, len(mean_info)))
