"""Maximum-likelihood estimation of a CB-SEM, numerically equal to ``lavaan::sem(model, data)``.

Model (LISREL "all-y" form, lavaan's ``representation = "LISREL"``)::

    y = Λη + ε,   η = Bη + ζ,   Σ(θ) = Λ(I − B)⁻¹ Ψ (I − B)⁻ᵀ Λᵀ + Θ

Fit function (lavaan ``estimator = "ML"``, ``likelihood = "normal"``; S has divisor N)::

    F_ML(θ) = log|Σ| + tr(S Σ⁻¹) − log|S| − p,     fmin = F_ML / 2,     χ² = N · F_ML

Minimised by Newton's method with the exact analytic Hessian (Fisher scoring where the Hessian is
not positive definite) and step halving, from lavaan-like starting values. Every
derivative is analytic: a free parameter moves Σ by ``dΣ = u vᵀ + v uᵀ`` (u, v columns of
Λ(I − B)⁻¹ or of Λ(I − B)⁻¹Ψ(I − B)⁻ᵀ, or unit vectors), so the gradient
``g = tr(Σ⁻¹(Σ − S)Σ⁻¹ dΣ)`` and the unit expected information
``I_ab = ½ tr(Σ⁻¹ dΣ_a Σ⁻¹ dΣ_b) = (UΣ⁻¹Vᵀ)∘(UΣ⁻¹Vᵀ)ᵀ + (UΣ⁻¹Uᵀ)∘(VΣ⁻¹Vᵀ)`` cost O(q p²).
Standard errors: ``vcov = (N · I)⁻¹`` (lavaan's default ``information = "expected"``).
Standardized solution and defined parameters (``:=``) get delta-method SEs with a complex-step
Jacobian, as ``lavaan::standardizedSolution()`` and ``parameterEstimates()``.
Variances are never bounded: a negative estimate (Heywood case) is kept and reported.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats

from analysis.diagnostics import Diagnostic, warn
from analysis.results import plain_fields
from analysis.sem.specification import ModelSpec
from questionnaire.errors import input_error

LAMBDA, BETA, PSI, THETA = range(4)


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


class CompiledModel:
    """A :class:`ModelSpec` as index arrays into Λ (p×m), B (m×m), Ψ (m×m) and Θ (p×p)."""

    def __init__(self, spec: ModelSpec):
        self.spec = spec
        self.observed = spec.observed
        self.latent = spec.latent
        self.p, self.m, self.q = len(spec.observed), len(spec.latent), spec.n_free
        ov = {v: i for i, v in enumerate(spec.observed)}
        lv = {v: i for i, v in enumerate(spec.latent)}
        self.templates = [np.zeros((self.p, self.m)), np.zeros((self.m, self.m)),
                          np.zeros((self.m, self.m)), np.zeros((self.p, self.p))]
        self.row_position: list[tuple[int, int, int]] = []
        free: list[tuple[int, int, int, int]] = []  # matrix, r, c, free index (0-based)
        for par in spec.parameters:
            if par.op == "=~":
                pos = (LAMBDA, ov[par.rhs], lv[par.lhs]) if par.rhs in ov else (BETA, lv[par.rhs], lv[par.lhs])
            elif par.op == "~":
                pos = (BETA, lv[par.lhs], lv[par.rhs])
            elif par.lhs in lv:
                pos = (PSI, lv[par.lhs], lv[par.rhs])
            else:
                pos = (THETA, ov[par.lhs], ov[par.rhs])
            self.row_position.append(pos)
            if par.free:
                free.append((*pos, par.free - 1))
            else:
                mat, r, c = pos
                self.templates[mat][r, c] = par.value
                if mat in (PSI, THETA):
                    self.templates[mat][c, r] = par.value
        free.sort(key=lambda f: f[0])
        arr = np.array(free, dtype=int).reshape(-1, 4)
        self.mat, self.r, self.c, self.k = arr.T
        self.sel = [np.flatnonzero(self.mat == j) for j in range(4)]
        n = len(self.k)
        self.K = np.zeros((n, self.q))
        self.K[np.arange(n), self.k] = 1.0
        self.identity_k = n == self.q and bool(np.all(self.k == np.arange(self.q)))
        diag = self.r == self.c
        self.weight = np.where(diag & ((self.mat == PSI) | (self.mat == THETA)), 0.5, 1.0)
        self.eye_p, self.eye_m = np.eye(self.p), np.eye(self.m)
        self.has_beta = bool(len(self.sel[BETA])) or bool(self.templates[BETA].any())
        sets = {"L": self.sel[LAMBDA], "B": self.sel[BETA], "P": self.sel[PSI],
                "li": self.r[self.sel[LAMBDA]], "lj": self.c[self.sel[LAMBDA]],
                "bj": self.r[self.sel[BETA]], "bk": self.c[self.sel[BETA]],
                "ps": self.r[self.sel[PSI]], "pt": self.c[self.sel[PSI]]}
        pairs = ("L,L li,li lj,lj L,P P,L lj,ps pt,li lj,pt ps,li L,B B,L B,B B,P P,B lj,bj bk,li lj,bk bj,li "
                 "bk,bj bk,bk bj,bj bk,ps pt,bj bk,pt ps,bj")
        self._grid = {pair: np.ix_(*(sets[n] for n in pair.split(","))) for pair in pairs.split()}
        self._psi_weight = self.weight[self.sel[PSI]][None, :]

    def matrices(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Λ, B, Ψ, Θ at ``theta`` (q,) or stacked at ``theta`` (b, q); complex ``theta`` works too."""
        lead = theta.shape[:-1]
        out = [np.broadcast_to(t, lead + t.shape).astype(theta.dtype) for t in self.templates]
        for j in range(4):
            s = self.sel[j]
            out[j][..., self.r[s], self.c[s]] = theta[..., self.k[s]]
            if j in (PSI, THETA):
                out[j][..., self.c[s], self.r[s]] = theta[..., self.k[s]]
        return out[0], out[1], out[2], out[3]

    def _inverse_b(self, beta: np.ndarray) -> np.ndarray:
        """A = (I − B)⁻¹."""
        return np.linalg.inv(self.eye_m - beta) if self.has_beta else np.broadcast_to(self.eye_m, beta.shape)

    def latent_cov(self, theta: np.ndarray) -> np.ndarray:
        """VETA = (I − B)⁻¹ Ψ (I − B)⁻ᵀ, the model-implied covariance of the latent variables."""
        _, beta, psi, _ = self.matrices(theta)
        a = self._inverse_b(beta)
        return a @ psi @ _t(a)

    def implied(self, theta: np.ndarray) -> np.ndarray:
        """Σ(θ), lavaan ``fitted(fit)$cov``."""
        lam, beta, psi, th = self.matrices(theta)
        lam_a = lam @ self._inverse_b(beta)
        return lam_a @ psi @ _t(lam_a) + th

    def derivatives(self, theta: np.ndarray, sample_cov: np.ndarray, hessian: bool = False,
                    information: bool = True):
        """Gradient of F_ML, unit expected information (if ``information``), the exact Hessian of F_ML
        (if ``hessian``), and whether Σ(θ) is positive definite — for one θ (q,) or a stack (b, q)
        with S (b, p, p).

        With P = Σ⁻¹, Q = PSP, R = P − Q and ``dΣ_a = u_a v_aᵀ + v_a u_aᵀ``:
        g_a = tr(R dΣ_a);  I = ½T(P, P);  H = −T(P, P) + 2T(P, Q) + [tr(R ∂²Σ/∂θ_a∂θ_b)]_ab,
        where T(X, Y)_ab = tr(X dΣ_a Y dΣ_b).
        """
        lam, beta, psi, th = self.matrices(theta)
        a = self._inverse_b(beta)
        lam_a = lam @ a
        c = lam_a @ psi @ _t(a)
        sigma = c @ _t(lam) + th
        chol, ok = cholesky(sigma)
        inv_l = np.linalg.inv(chol)
        p_inv = _t(inv_l) @ inv_l
        lt, ct, ep, s = _t(lam_a), _t(c), np.broadcast_to(self.eye_p, sigma.shape), self.sel
        u = np.concatenate([ep[..., self.r[s[0]], :], lt[..., self.r[s[1]], :], lt[..., self.r[s[2]], :],
                            ep[..., self.r[s[3]], :]], axis=-2)
        v = np.concatenate([ct[..., self.c[s[0]], :], ct[..., self.c[s[1]], :], lt[..., self.c[s[2]], :],
                            ep[..., self.c[s[3]], :]], axis=-2)
        v = v * self.weight[:, None]
        q_mat = p_inv @ sample_cov @ p_inv
        resid = p_inv - q_mat
        grad = 2.0 * np.einsum("...ij,...ij->...i", u @ resid, v)
        info = hess = None
        if information or hessian:
            u_t, v_t = np.ascontiguousarray(_t(u)), np.ascontiguousarray(_t(v))
            up, vp = u @ p_inv, v @ p_inv
            uu, uv, vv = up @ u_t, up @ v_t, vp @ v_t
            info = uv * _t(uv) + uu * vv
        if hessian:
            uq, vq = u @ q_mat, v @ q_mat
            uu_q, uv_q, vv_q = uq @ u_t, uq @ v_t, vq @ v_t
            t_pq = _t(uv_q) * uv + vv_q * uu + uu_q * vv + uv_q * _t(uv)
            hess = -2.0 * info + 2.0 * t_pq + self._second_order(lam, a, psi, resid)
            hess = 0.5 * (hess + _t(hess))
        if not self.identity_k:
            kt = self.K.T
            grad = grad @ self.K
            info = None if info is None else kt @ info @ self.K
            hess = None if hess is None else kt @ hess @ self.K
        return grad, info, hess, ok

    def _second_order(self, lam, a, psi, resid) -> np.ndarray:
        """W_ab = tr(R ∂²Σ/∂θ_a∂θ_b) for Σ = Λ(I−B)⁻¹Ψ(I−B)⁻ᵀΛᵀ + Θ (Θ enters linearly: no terms).

        Positions: Λ[i, j], B[j, k], Ψ[s, t] (weight ½ on the diagonal); M = AΨAᵀ, G = ΛᵀRΛ.
        """
        lead = (Ellipsis,)
        x = {key: lead + grid for key, grid in self._grid.items()}
        pw = self._psi_weight
        w = np.zeros(resid.shape[:-2] + (len(self.k), len(self.k)))
        m_mat = a @ psi @ _t(a)
        h = _t(lam) @ resid
        ath, mh = _t(a) @ h, m_mat @ h
        w[x["L,L"]] = 2.0 * resid[x["li,li"]] * m_mat[x["lj,lj"]]
        block = 2.0 * pw * (a[x["lj,ps"]] * _t(ath[x["pt,li"]]) + a[x["lj,pt"]] * _t(ath[x["ps,li"]]))
        w[x["L,P"]] = block
        w[x["P,L"]] = _t(block)
        if self.has_beta:
            g = h @ lam
            mga, aga = m_mat @ g @ a, _t(a) @ g @ a
            block = 2.0 * (a[x["lj,bj"]] * _t(mh[x["bk,li"]]) + m_mat[x["lj,bk"]] * _t(ath[x["bj,li"]]))
            w[x["L,B"]] = block
            w[x["B,L"]] = _t(block)
            w[x["B,B"]] = 2.0 * (a[x["bk,bj"]] * _t(mga[x["bk,bj"]]) + _t(a[x["bk,bj"]]) * mga[x["bk,bj"]]
                                 + m_mat[x["bk,bk"]] * aga[x["bj,bj"]])
            block = 2.0 * pw * (a[x["bk,ps"]] * _t(aga[x["pt,bj"]]) + a[x["bk,pt"]] * _t(aga[x["ps,bj"]]))
            w[x["B,P"]] = block
            w[x["P,B"]] = _t(block)
        return w

    def gradient_information(self, theta: np.ndarray, sample_cov: np.ndarray
                             ) -> tuple[np.ndarray, np.ndarray] | None:
        """dF_ML/dθ and the unit expected information; ``None`` when Σ(θ) is not positive definite."""
        grad, info, _, ok = self.derivatives(theta, sample_cov)
        return (grad, info) if ok else None


def _t(x: np.ndarray) -> np.ndarray:
    """Transpose of the last two axes (matrices or stacks of matrices)."""
    return np.swapaxes(x, -1, -2)


def cholesky(x: np.ndarray) -> tuple[np.ndarray, np.ndarray | bool]:
    """Cholesky factor(s) and whether each matrix is positive definite (identity where it is not)."""
    try:
        return np.linalg.cholesky(x), True if x.ndim == 2 else np.ones(x.shape[0], dtype=bool)
    except np.linalg.LinAlgError:
        if x.ndim == 2:
            return np.eye(x.shape[-1]), False
    out = np.empty_like(x)
    ok = np.ones(x.shape[0], dtype=bool)
    for i in range(x.shape[0]):
        out[i], ok[i] = cholesky(x[i])
    return out, ok


def fit_values(model: CompiledModel, theta: np.ndarray, sample_cov: np.ndarray, logdet_s) -> np.ndarray:
    """F_ML(θ) = log|Σ| + tr(SΣ⁻¹) − log|S| − p for θ (q,) or a stack (b, q); inf where Σ is not PD."""
    chol, ok = cholesky(model.implied(theta))
    inv_l = np.linalg.inv(chol)
    logdet = 2.0 * np.log(np.diagonal(chol, axis1=-2, axis2=-1)).sum(axis=-1)
    f = logdet + np.einsum("...ij,...ij->...", _t(inv_l) @ inv_l, sample_cov) - logdet_s - model.p
    return np.where(ok, f, np.inf)


def fit_function(model: CompiledModel, theta: np.ndarray, sample_cov: np.ndarray, logdet_s: float) -> float:
    """F_ML(θ) of one θ (inf when Σ is not positive definite)."""
    return float(fit_values(model, theta, sample_cov, logdet_s))


@dataclass(frozen=True)
class Optimum:
    theta: np.ndarray
    fmin: float
    converged: bool
    iterations: int


def newton_batch(model: CompiledModel, sample_cov: np.ndarray, start: np.ndarray, logdet_s: np.ndarray,
                 tol: float = 1e-9, max_iter: int = 500, refresh: int = 1, h_inv0: np.ndarray | None = None
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Minimise F_ML for b covariance matrices (b, p, p) at once (start (q,) or (b, q)).

    Newton steps with the exact Hessian H (Fisher scoring, H ≈ 2I, where H is not positive
    definite), the step halved until F decreases. H is recomputed every ``refresh`` iterations
    (1: Newton) and whenever a step fails; in between its inverse gets BFGS updates from the
    gradients alone (a quasi-Newton method started at the exact Hessian: cheaper per iteration,
    used for bootstrap refits near the estimate). ``h_inv0``, an
    inverse Hessian (q, q) such as the full sample's at its estimate, replaces the first exact Hessian
    (bootstrap refits start where that Hessian is nearly right). A fit has converged when its full step
    is below ``tol`` in every parameter or the Newton decrement gᵀH⁻¹g is below the precision of F
    (1e-14·max(1, |F|): no step could lower F any more in double precision; a step that no longer
    moves θ counts as failed). Returns θ (b, q), F_ML (b,), converged (b,), iterations (b,).
    """
    b, q = sample_cov.shape[0], model.q
    theta = np.array(np.broadcast_to(start, (b, q)), dtype=float)
    f = fit_values(model, theta, sample_cov, logdet_s)
    done = ~np.isfinite(f)
    converged = np.zeros(b, dtype=bool)
    iterations = np.zeros(b, dtype=int)
    h_inv = np.zeros((b, q, q)) if h_inv0 is None else np.array(np.broadcast_to(h_inv0, (b, q, q)))
    stale = np.full(b, h_inv0 is None)
    last_theta, last_grad = theta.copy(), np.zeros((b, q))
    for it in range(1, max_iter + 1):
        act = np.flatnonzero(~done)
        if not len(act):
            break
        iterations[act] = it
        fresh = stale[act] | ((it - 1) % refresh == 0 and (it > 1 or h_inv0 is None))
        grad = np.zeros((len(act), q))
        good = np.ones(len(act), dtype=bool)
        for subset, full in ((np.flatnonzero(fresh), True), (np.flatnonzero(~fresh), False)):
            if not len(subset):
                continue
            rows = act[subset]
            g, info, hess, ok = model.derivatives(theta[rows], sample_cov[rows], hessian=full, information=full)
            grad[subset] = g
            good[subset] = ok
            if full:
                inverse, solved = _inverse_newton(hess, info)
                h_inv[rows] = inverse
                good[subset] &= solved
            else:
                h_inv[rows] = _bfgs_update(h_inv[rows], theta[rows] - last_theta[rows], g - last_grad[rows])
        stale[act] = False
        last_theta[act], last_grad[act] = theta[act], grad
        done[act[~good]] = True
        act, grad, fresh = act[good], grad[good], fresh[good]
        step = -(h_inv[act] @ grad[:, :, None])[:, :, 0]
        decrement = np.abs(np.einsum("bi,bi->b", grad, step))  # gᵀH⁻¹g: twice the decrease the step promises
        precision = 1e-14 * np.maximum(1.0, np.abs(f[act]))
        small = (np.max(np.abs(step), axis=1) < tol) | (decrement < precision)
        pending = np.arange(len(act))
        t = 1.0
        while len(pending) and t > 1e-10:
            rows = act[pending]
            trial = theta[rows] + t * step[pending]
            f_trial = fit_values(model, trial, sample_cov[rows], logdet_s[rows])
            accept = (f_trial <= f[rows] + 1e-14 * np.abs(f[rows])) & (trial != theta[rows]).any(axis=1)
            theta[rows[accept]] = trial[accept]
            f[rows[accept]] = f_trial[accept]
            pending = pending[~accept]
            t *= 0.5
        stalled = np.zeros(len(act), dtype=bool)
        stalled[pending] = True
        stale[act[stalled & ~fresh & ~small]] = True  # retry with a new Hessian before giving up
        finished = small | (stalled & fresh)
        done[act[finished]] = True
        converged[act[finished]] = small[finished]
    return theta, f, converged, iterations


def _bfgs_update(h_inv: np.ndarray, s: np.ndarray, y: np.ndarray) -> np.ndarray:
    """BFGS update of inverse Hessians (b, q, q) by steps s and gradient changes y (skipped if sᵀy ≤ 0).

    H⁺ = H + (sᵀy + yᵀHy) ssᵀ / (sᵀy)² − (Hy sᵀ + s yᵀH) / sᵀy (Nocedal & Wright 2006, eq. 6.17).
    """
    sy = np.einsum("bi,bi->b", s, y)
    ok = sy > 1e-12 * np.linalg.norm(s, axis=1) * np.linalg.norm(y, axis=1)
    hy = (h_inv @ y[:, :, None])[:, :, 0]
    yhy = np.einsum("bi,bi->b", y, hy)
    safe = np.where(ok, sy, 1.0)
    ss = s[:, :, None] * s[:, None, :]
    hys = hy[:, :, None] * s[:, None, :]
    update = ((safe + yhy) / safe ** 2)[:, None, None] * ss - (hys + _t(hys)) / safe[:, None, None]
    return h_inv + np.where(ok[:, None, None], update, 0.0)


def _inverse_newton(hess: np.ndarray, info: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """H⁻¹ per fit ((2I)⁻¹ where H is not positive definite) and whether either was invertible."""
    out = np.zeros_like(hess)
    solved = np.zeros(len(hess), dtype=bool)
    try:
        np.linalg.cholesky(hess)
        return np.linalg.inv(hess), np.ones(len(hess), dtype=bool)
    except np.linalg.LinAlgError:
        pass
    for i in range(len(hess)):
        for matrix in (hess[i], 2.0 * info[i]):
            try:
                np.linalg.cholesky(matrix)
            except np.linalg.LinAlgError:
                continue
            out[i], solved[i] = np.linalg.inv(matrix), True
            break
    return out, solved


def newton_scoring(model: CompiledModel, sample_cov: np.ndarray, start: np.ndarray, logdet_s: float,
                   tol: float = 1e-9, max_iter: int = 500) -> Optimum:
    """:func:`newton_batch` for one covariance matrix."""
    theta, f, conv, its = newton_batch(model, sample_cov[None], np.asarray(start, dtype=float),
                                       np.array([logdet_s]), tol, max_iter)
    return Optimum(theta[0], float(f[0]), bool(conv[0]), int(its[0]))


def quasi_newton(model: CompiledModel, sample_cov: np.ndarray, start: np.ndarray, logdet_s: float) -> Optimum:
    """BFGS on F_ML with the analytic gradient; the fallback when Newton / Fisher scoring stalls."""

    def fun(theta):
        f = fit_function(model, theta, sample_cov, logdet_s)
        if not math.isfinite(f):
            return 1e10, np.zeros_like(theta)
        gi = model.gradient_information(theta, sample_cov)
        return f, gi[0]

    res = optimize.minimize(fun, start, jac=True, method="BFGS", options={"gtol": 1e-10, "maxiter": 5000})
    return Optimum(res.x, float(res.fun), bool(res.success), int(res.nit))


def start_values(model: CompiledModel, sample_cov: np.ndarray) -> np.ndarray:
    """Starting values in the spirit of lavaan's ``start = "default"``.

    Latent variance: mean covariance of the marker with the other indicators; loading of item i:
    cov(item i, marker) / that variance; residual variances ½·var(item); latent covariances:
    covariance of the markers; regressions 0.
    """
    spec = model.spec
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
    theta = np.zeros(model.q)
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
    return theta


def sample_moments(data: pd.DataFrame, observed: tuple[str, ...]) -> tuple[np.ndarray, int, int]:
    """Sample covariance with divisor N of the complete cases (lavaan ``missing = "listwise"``).

    Returns (S, N used, rows dropped for missing values).
    """
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
    arr = x.to_numpy(dtype=float)
    keep = ~np.isnan(arr).any(axis=1)
    arr = arr[keep]
    if arr.shape[0] < 2:
        raise input_error("data: too few complete rows for a covariance matrix", value=int(arr.shape[0]),
                          allowed="at least 2 (and many more than the number of items)")
    centred = arr - arr.mean(axis=0)
    return centred.T @ centred / arr.shape[0], int(arr.shape[0]), int((~keep).sum())


def logdet_sample(sample_cov: np.ndarray) -> float:
    """log|S|, NaN when S is not positive definite."""
    sign, logdet = np.linalg.slogdet(sample_cov)
    return float(logdet) if sign > 0 else float("nan")


def estimate_theta(model: CompiledModel, sample_cov: np.ndarray, start: np.ndarray | None = None) -> Optimum:
    """The ML estimate: Newton / Fisher scoring, falling back on BFGS (then polishing by Newton)."""
    logdet_s = logdet_sample(sample_cov)
    if math.isnan(logdet_s):  # F_ML needs only a constant from S: use the pseudo-determinant
        eig = np.linalg.eigvalsh(sample_cov)
        logdet_s = float(np.log(eig[eig > 1e-12 * eig.max()]).sum())
    start = start_values(model, sample_cov) if start is None else start
    opt = newton_scoring(model, sample_cov, start, logdet_s)
    if not opt.converged:
        alt = quasi_newton(model, sample_cov, start, logdet_s)
        polished = newton_scoring(model, sample_cov, alt.theta, logdet_s)
        best = min((opt, alt, polished), key=lambda o: o.fmin if math.isfinite(o.fmin) else math.inf)
        # the polished optimum counts as converged when nothing else found a lower F beyond rounding
        polished_is_best = math.isfinite(polished.fmin) and polished.fmin <= best.fmin + 1e-12 * max(1.0, abs(best.fmin))
        opt = Optimum(best.theta, best.fmin, polished.converged and polished_is_best, opt.iterations +
                      alt.iterations + polished.iterations)
    return opt


def standardized_values(model: CompiledModel, theta: np.ndarray) -> np.ndarray:
    """std.all of every parameter-table row (lavaan ``standardizedSolution(type = "std.all")``).

    =~ : λ·sd(η)/sd(y) with sd from VETA and diag Σ;  ~ : b·sd(x)/sd(y);  variances: v / total
    variance; covariances: correlations of the (residual) terms, lavaan's ``cov.std = TRUE``.
    """
    lam, beta, psi, th = model.matrices(theta)
    a = np.linalg.inv(model.eye_m - beta) if model.has_beta else model.eye_m
    veta = a @ psi @ a.T
    sigma = lam @ veta @ lam.T + th
    sd_lv, sd_ov = np.sqrt(np.diag(veta)), np.sqrt(np.diag(sigma))
    out = np.empty(len(model.row_position), dtype=theta.dtype)
    for i, (mat, r, c) in enumerate(model.row_position):
        if mat == LAMBDA:
            out[i] = lam[r, c] * sd_lv[c] / sd_ov[r]
        elif mat == BETA:
            out[i] = beta[r, c] * sd_lv[c] / sd_lv[r]
        elif mat == PSI:
            out[i] = psi[r, c] / (veta[r, r] if r == c else np.sqrt(psi[r, r] * psi[c, c]))
        else:
            out[i] = th[r, c] / (sigma[r, r] if r == c else np.sqrt(th[r, r] * th[c, c]))
    return out


def row_values(model: CompiledModel, theta: np.ndarray) -> np.ndarray:
    """Estimate of every parameter-table row (free rows from θ, fixed rows their value)."""
    mats = model.matrices(theta)
    return np.array([mats[m][r, c] for m, r, c in model.row_position])


def defined_values(spec: ModelSpec, rows: np.ndarray) -> np.ndarray:
    """Values of the ``:=`` parameters given the values of the table rows (estimates or std.all)."""
    values = {p.label: rows[i] for i, p in enumerate(spec.parameters) if p.label}
    out = []
    for d in spec.defined:
        values[d.name] = d.evaluate(values)
        out.append(values[d.name])
    return np.array(out, dtype=rows.dtype)


def complex_step_jacobian(func, theta: np.ndarray, h: float = 1e-30) -> np.ndarray:
    """J = Im f(θ + ih·e_k) / h, exact to rounding for analytic f (Squire & Trapp 1998)."""
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
    model: CompiledModel = field(repr=False)
    n: int
    sample_cov: np.ndarray = field(repr=False)
    theta: np.ndarray
    vcov: np.ndarray = field(repr=False)
    converged: bool
    iterations: int
    fmin: float
    parameters: tuple[ParameterEstimate, ...]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def observed(self) -> tuple[str, ...]:
        return self.spec.observed

    @property
    def implied(self) -> np.ndarray:
        """Σ̂ (lavaan ``fitted(fit)$cov``)."""
        return self.model.implied(self.theta)

    @property
    def chisq(self) -> float:
        """χ² = N · F_ML (lavaan ``fitMeasures(fit, "chisq")``)."""
        return 2.0 * self.n * self.fmin

    @property
    def npar(self) -> int:
        return self.model.q

    @property
    def df(self) -> int:
        p = self.model.p
        return p * (p + 1) // 2 - self.model.q

    def latent_cov(self) -> pd.DataFrame:
        """Model-implied latent covariance VETA (lavaan ``lavInspect(fit, "cov.lv")``)."""
        v = self.model.latent_cov(self.theta)
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
        _, _, psi, th = self.model.matrices(self.theta)
        sigma = self.implied
        veta = self.model.latent_cov(self.theta)
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


def parameter_table(model: CompiledModel, theta: np.ndarray, vcov: np.ndarray) -> tuple[ParameterEstimate, ...]:
    """est, se, z, p of every row and ``:=`` parameter, with std_all and its delta-method SE."""
    spec = model.spec

    def est_fn(t):
        rows = row_values(model, t)
        return np.concatenate([rows, defined_values(spec, rows)])

    def std_fn(t):
        rows = standardized_values(model, t)
        return np.concatenate([rows, defined_values(spec, rows)])

    est = est_fn(theta).real
    with np.errstate(invalid="ignore", divide="ignore"):
        std = std_fn(theta.astype(complex)).real
        std[~np.isfinite(std)] = np.nan
        j_est, j_std = complex_step_jacobian(est_fn, theta), complex_step_jacobian(std_fn, theta)
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
    model = CompiledModel(spec)
    diagnostics: list[Diagnostic] = []
    if dropped:
        diagnostics.append(warn("listwise_deletion", f"{dropped} rows with missing item values were left out "
                                                     f"of the SEM (lavaan missing = 'listwise'); N = {n}"))
    opt = estimate_theta(model, sample_cov, start)
    if not opt.converged:
        diagnostics.append(warn("not_converged", f"the ML estimation did not converge after {opt.iterations} "
                                                 "iterations; estimates, SEs and fit indices are not trustworthy"))
    vcov = np.full((model.q, model.q), np.nan)
    gi = model.gradient_information(opt.theta, sample_cov)
    if gi is not None:
        info = gi[1]
        eig = np.linalg.eigvalsh(info)
        if eig[0] <= 1e-10 * max(eig[-1], 1e-300):
            diagnostics.append(warn("information_singular",
                                    "the information matrix is singular: the model may not be identified; "
                                    "standard errors are not available"))
        else:
            vcov = np.linalg.inv(info) / n
    parameters = parameter_table(model, opt.theta, vcov)
    fmin = opt.fmin / 2.0 if not math.isnan(logdet_sample(sample_cov)) else float("nan")  # χ² needs |S| > 0
    return ModelFit(spec, model, n, sample_cov, opt.theta, vcov, opt.converged, opt.iterations,
                    fmin, parameters, tuple(diagnostics))
