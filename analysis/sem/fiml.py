"""The full-information ML discrepancy of incomplete data (lavaan ``missing = "ml"``, ``estimator = "ML"``).

With the casewise normal log-likelihood logL(θ) of :mod:`~analysis.sem.patterns` at μ(θ), Σ(θ)
(:class:`~analysis.sem.structure.MeanStructure`: intercepts ν free, latent means 0) and logL₁ that of the
unrestricted model (:func:`~analysis.sem.saturated.saturated_moments`)::

    F(θ) = −(2/N) (logL(θ) − logL₁) = Σ_k (n_k/N) [log|Σ_k| + tr(Σ_k⁻¹ C_k)] − c,   C_k = S_k + d_k d_kᵀ,

so χ² = N·F = 2(logL₁ − logL(θ̂)) (Arbuckle 1996; Enders 2010, ch. 4; lavaan ``R/lav_objective.R``,
``estimator.FIML``). Each pattern is the ML discrepancy of its observed items against C_k, so with
P_k = Σ_k⁻¹ (0 outside o_k), R_k = P_k − P_k C_k P_k, w_k = P_k d_k, J = ∂μ/∂θ and ``dΣ_a = u_a v_aᵀ + v_a u_aᵀ``
(:mod:`~analysis.sem.ml`)::

    g = Σ_k (n_k/N) [2 u_aᵀ R_k v_a − 2 Jᵀ w_k]
    I = Σ_k (n_k/N) [(U P_k Vᵀ)∘(U P_k Vᵀ)ᵀ + (U P_k Uᵀ)∘(V P_k Vᵀ) + Jᵀ P_k J]        (unit expected information)
    H = Σ_k (n_k/N) [−2 T(P_k, P_k) + 2 T(P_k, P_k C_k P_k) + 2 (X_k + X_kᵀ + Jᵀ P_k J)] + tr(R ∂²Σ) − 2 wᵀ∂²μ

with T(X, Y)_ab = tr(X dΣ_a Y dΣ_b), X_k,ab = w_kᵀ dΣ_a P_k J_b, R = Σ (n_k/N) R_k and w = Σ (n_k/N) w_k.
lavaan's standard errors for ``missing = "ml"`` use the observed information (``information = "observed"``,
``observed.information = "hessian"``): vcov = (N·H/2)⁻¹.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.sem.discrepancy import Derivatives
from analysis.sem.linalg import transpose
from analysis.sem.patterns import MissingPatterns, pattern_inverses
from analysis.sem.structure import MultiGroupStructure


@dataclass(frozen=True)
class FIMLDiscrepancy:
    """F of the one group of ``structure`` (Σ(θ) and μ(θ) over θ of ``structure.n_free`` parameters: the
    covariance structure's, then the intercepts) against the ``patterns`` of the data, ``logl_h1`` the
    unrestricted model's logL."""

    structure: MultiGroupStructure
    patterns: MissingPatterns
    logl_h1: float

    n_samples = 1

    def subset(self, rows: np.ndarray) -> FIMLDiscrepancy:
        return self

    def as_stack(self) -> FIMLDiscrepancy:
        return self

    @property
    def weights(self) -> np.ndarray:
        return self.patterns.counts / self.patterns.n

    def _pattern_terms(self, theta: np.ndarray):
        """Σ(θ)'s pattern inverses and log-determinants, C_k, d_k and J at θ (q,)."""
        group = self.structure.groups[0]
        sigma = group.covariance.implied(theta)
        mu, jacobian = group.means.mean_and_jacobian(theta, self.structure.n_free)
        inverse, logdet, ok = pattern_inverses(self.patterns, sigma)
        d = (self.patterns.means - mu) * self.patterns.observed
        return inverse, logdet, ok, self.patterns.covs + d[:, :, None] * d[:, None, :], d, jacobian

    def value(self, theta: np.ndarray) -> np.ndarray:
        """F(θ) for θ (q,) or a stack of θ (b, q); inf where Σ(θ) is not positive definite."""
        if theta.ndim == 2:
            return np.array([self.value(t) for t in theta])
        inverse, logdet, ok, c, _, _ = self._pattern_terms(theta)
        if not ok:
            return np.inf
        n_observed = self.patterns.observed.sum(axis=1)
        minus_two_logl = self.patterns.counts @ (n_observed * np.log(2 * np.pi) + logdet
                                                 + np.einsum("kij,kji->k", inverse, c))
        return (minus_two_logl + 2.0 * self.logl_h1) / self.patterns.n

    def derivatives(self, theta: np.ndarray, hessian: bool = False, information: bool = True) -> Derivatives:
        """Gradient and unit expected information of F (see the module), and the exact Hessian if asked for."""
        if theta.ndim == 2:
            parts = [self.derivatives(t, hessian, information) for t in theta]
            return Derivatives(*(np.stack([getattr(p, f) for p in parts]) if getattr(parts[0], f) is not None
                                 else None for f in Derivatives._fields))
        (st, means), = self.structure.groups
        q = self.structure.n_free
        covariance = st.covariance_derivatives(theta)
        inverse, _, ok, c, d, jacobian = self._pattern_terms(theta)
        weights = self.weights
        u, v = covariance.u, covariance.v
        q_mats = inverse @ c @ inverse
        resid = np.einsum("k,kij->ij", weights, inverse - q_mats)
        w_k = np.einsum("kij,kj->ki", inverse, d)
        grad = np.zeros(q)
        info = hess = None
        grad_entries = 2.0 * np.einsum("ij,ij->i", u @ resid, v)
        mean_grad = -2.0 * jacobian.T @ (weights @ w_k)
        info_entries = hess_entries = None
        if information or hessian:
            u_t, v_t = u.T, v.T
            up, vp = u @ inverse, v @ inverse  # (K, E, p)
            uu, uv, vv = up @ u_t, up @ v_t, vp @ v_t
            info_entries = np.einsum("k,kab->ab", weights, uv * transpose(uv) + uu * vv)
            p_jacobian = inverse @ jacobian  # (K, p, q)
            mean_info = jacobian.T @ np.einsum("k,kij->ij", weights, p_jacobian)
        if hessian:
            uq, vq = u @ q_mats, v @ q_mats
            uu_q, uv_q, vv_q = uq @ u_t, uq @ v_t, vq @ v_t
            t_pq = np.einsum("k,kab->ab", weights, transpose(uv_q) * uv + vv_q * uu + uu_q * vv
                             + uv_q * transpose(uv))
            hess_entries = -2.0 * info_entries + 2.0 * t_pq + st.second_order_term(covariance, resid)
        grad_cov, info_cov, hess_cov = st.entry_to_parameter_derivatives(grad_entries, info_entries, hess_entries)
        k = len(grad_cov)
        grad[:k] += grad_cov
        grad += mean_grad
        if information or hessian:
            info = np.zeros((q, q))
            info[:k, :k] += info_cov
            info += mean_info
        if hessian:
            u_w, v_w = w_k @ u.T, w_k @ v.T  # (K, E)
            by_entry = np.einsum("k,ke,keq->eq", weights, u_w, v @ p_jacobian) + np.einsum(
                "k,ke,keq->eq", weights, v_w, u @ p_jacobian)
            cross = np.zeros((q, q))
            np.add.at(cross, st.entry_parameter, by_entry)
            hess = np.zeros((q, q))
            hess[:k, :k] += hess_cov
            hess += 2.0 * (cross + cross.T + mean_info - means.second_order_term(theta, weights @ w_k, q))
            hess = 0.5 * (hess + hess.T)
        return Derivatives(grad, info, hess, ok)
