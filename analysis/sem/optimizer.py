"""Minimising a discrepancy function F(θ): Newton / Fisher scoring (one sample or a stack), BFGS fallback.

:func:`fisher_scoring_batch` takes Newton steps with the exact Hessian H, Fisher-scoring steps
(H ≈ 2I, I the expected information) where H is not positive definite, damped (Levenberg–Marquardt)
Fisher-scoring steps where I is singular, with step halving;
:func:`bfgs_fallback` is quasi-Newton BFGS on the analytic gradient (Nocedal & Wright 2006, ch. 6);
:func:`minimize_discrepancy` combines them. lavaan minimises the same F with ``nlminb``
(``R/lav_model_estimate.R``). The optimiser knows F only through
:class:`~analysis.sem.discrepancy.Discrepancy`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from analysis.sem.discrepancy import Discrepancy
from analysis.sem.linalg import transpose

UNDEFINED_F = 1e10  # what BFGS sees where Σ(θ) is not positive definite
#: Newton iterations before BFGS takes over: from lavaan's start values Newton converges within a few
#: dozen (all but 2 of the 480 converged fits of the 500 models of tests/analysis/sem/test_fuzz.py within 51,
#: those two in 86 and 95); a run still going after 100 crawls (a Hessian never positive definite, a
#: parameter drifting off), and BFGS plus a Newton polish reaches the same optimum or none. BFGS: the fits it
#: rescued there took at most 284 iterations; with the former cap of 5000, the runs beyond 1000 (4 of 100
#: models) ended unconverged all the same
NEWTON_MAX_ITER = 100
BFGS_MAX_ITER = 1000


@dataclass(frozen=True)
class Optimum:
    theta: np.ndarray
    fmin: float
    converged: bool
    iterations: int


def fisher_scoring_batch(discrepancy: Discrepancy, start: np.ndarray, tol: float = 1e-9, max_iter: int = 500,
                         refresh: int = 1, h_inv0: np.ndarray | None = None
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Minimise F for a stack of b samples at once (start (q,) or (b, q)).

    Newton steps with the exact Hessian H (Fisher scoring, H ≈ 2I, where H is not positive
    definite), the step halved until F decreases. H is recomputed every ``refresh`` iterations
    (1: Newton) and whenever a step fails; in between its inverse gets BFGS updates from the
    gradients alone (a quasi-Newton method started at the exact Hessian: cheaper per iteration,
    used for bootstrap refits near the estimate). ``h_inv0``, an
    inverse Hessian (q, q) such as the full sample's at its estimate, replaces the first exact Hessian
    (bootstrap refits start where that Hessian is nearly right). A fit has converged when its full step
    is below ``tol`` in every parameter or the Newton decrement gᵀH⁻¹g is below the precision of F
    (1e-14·max(1, |F|): no step could lower F any more in double precision; a step that no longer
    moves θ counts as failed). Returns θ (b, q), F (b,), converged (b,), iterations (b,).
    """
    n_samples, n_free = discrepancy.n_samples, discrepancy.structure.n_free
    theta = np.array(np.broadcast_to(start, (n_samples, n_free)), dtype=float)
    f = discrepancy.value(theta)
    done = ~np.isfinite(f)
    converged = np.zeros(n_samples, dtype=bool)
    iterations = np.zeros(n_samples, dtype=int)
    h_inv = (np.zeros((n_samples, n_free, n_free)) if h_inv0 is None
             else np.array(np.broadcast_to(h_inv0, (n_samples, n_free, n_free))))
    stale = np.full(n_samples, h_inv0 is None)
    last_theta, last_grad = theta.copy(), np.zeros((n_samples, n_free))
    for it in range(1, max_iter + 1):
        active = np.flatnonzero(~done)
        if not len(active):
            break
        iterations[active] = it
        fresh = stale[active] | ((it - 1) % refresh == 0 and (it > 1 or h_inv0 is None))
        grad = np.zeros((len(active), n_free))
        good = np.ones(len(active), dtype=bool)
        for subset, full in ((np.flatnonzero(fresh), True), (np.flatnonzero(~fresh), False)):
            if not len(subset):
                continue
            rows = active[subset]
            g, info, hess, ok = discrepancy.subset(rows).derivatives(theta[rows], hessian=full, information=full)
            grad[subset] = g
            good[subset] = ok
            if full:
                inverse, solved = inverse_hessian_or_information(hess, info)
                h_inv[rows] = inverse
                good[subset] &= solved
            else:
                h_inv[rows] = bfgs_inverse_update(h_inv[rows], theta[rows] - last_theta[rows], g - last_grad[rows])
        stale[active] = False
        last_theta[active], last_grad[active] = theta[active], grad
        done[active[~good]] = True
        active, grad, fresh = active[good], grad[good], fresh[good]
        step = -(h_inv[active] @ grad[:, :, None])[:, :, 0]
        decrement = np.abs(np.einsum("bi,bi->b", grad, step))  # gᵀH⁻¹g: twice the decrease the step promises
        precision = 1e-14 * np.maximum(1.0, np.abs(f[active]))
        small = (np.max(np.abs(step), axis=1) < tol) | (decrement < precision)
        stalled = np.zeros(len(active), dtype=bool)
        stalled[halve_steps(discrepancy, theta, f, active, step)] = True
        stale[active[stalled & ~fresh & ~small]] = True  # retry with a new Hessian before giving up
        finished = small | (stalled & fresh)
        done[active[finished]] = True
        converged[active[finished]] = small[finished]
    return theta, f, converged, iterations


def halve_steps(discrepancy: Discrepancy, theta: np.ndarray, f: np.ndarray, active: np.ndarray, step: np.ndarray
                ) -> np.ndarray:
    """Step halving for the fits ``active`` (rows of the stack): θ + t·step with t = 1, ½, ¼, … (down to
    1e-10) until F does not increase beyond rounding and θ moves; ``theta`` and ``f`` are updated in place.
    Returns the positions in ``active`` of the fits that found no such t."""
    pending = np.arange(len(active))
    t = 1.0
    while len(pending) and t > 1e-10:
        rows = active[pending]
        trial = theta[rows] + t * step[pending]
        f_trial = discrepancy.subset(rows).value(trial)
        accept = (f_trial <= f[rows] + 1e-14 * np.abs(f[rows])) & (trial != theta[rows]).any(axis=1)
        theta[rows[accept]] = trial[accept]
        f[rows[accept]] = f_trial[accept]
        pending = pending[~accept]
        t *= 0.5
    return pending


def bfgs_inverse_update(h_inv: np.ndarray, s: np.ndarray, y: np.ndarray) -> np.ndarray:
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
    update = ((safe + yhy) / safe ** 2)[:, None, None] * ss - (hys + transpose(hys)) / safe[:, None, None]
    return h_inv + np.where(ok[:, None, None], update, 0.0)


def inverse_hessian_or_information(hess: np.ndarray, info: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per fit of a stack (b, q, q): H⁻¹, or (2I)⁻¹ (a Fisher-scoring step) where H is not positive
    definite, or (2I + 2μ·max diag(I)·E)⁻¹ with the smallest μ in 1e-8 … 1e-2 that makes it positive
    definite (a Levenberg–Marquardt step, Nocedal & Wright 2006, §10.3) where I is singular, as it is
    when every regression starts at 0; and whether any was invertible. A Cholesky factor that passes on
    rounding although LU then finds the matrix singular, or a matrix with a non-finite entry, counts as
    not invertible."""
    out = np.zeros_like(hess)
    solved = np.zeros(len(hess), dtype=bool)
    try:
        if np.isfinite(hess).all():
            np.linalg.cholesky(hess)
            return np.linalg.inv(hess), np.ones(len(hess), dtype=bool)
    except np.linalg.LinAlgError:
        pass
    for i in range(len(hess)):
        scale = max(float(np.max(np.abs(np.diagonal(info[i])))), 1e-300) if np.isfinite(info[i]).all() else 0.0
        damped = [2.0 * info[i] + 2.0 * mu * scale * np.eye(len(info[i])) for mu in (1e-8, 1e-6, 1e-4, 1e-2)]
        for matrix in (hess[i], 2.0 * info[i], *damped):
            if not np.isfinite(matrix).all():
                continue
            try:
                np.linalg.cholesky(matrix)
                out[i], solved[i] = np.linalg.inv(matrix), True
            except np.linalg.LinAlgError:
                continue
            break
    return out, solved


def fisher_scoring(discrepancy: Discrepancy, start: np.ndarray, tol: float = 1e-9, max_iter: int = 500) -> Optimum:
    """:func:`fisher_scoring_batch` for one sample."""
    theta, f, conv, its = fisher_scoring_batch(discrepancy.as_stack(), np.asarray(start, dtype=float), tol, max_iter)
    return Optimum(theta[0], float(f[0]), bool(conv[0]), int(its[0]))


def bfgs_fallback(discrepancy: Discrepancy, start: np.ndarray) -> Optimum:
    """BFGS on F with the analytic gradient; the fallback when Newton / Fisher scoring stalls. Where F is
    undefined BFGS sees a large finite value, never returned as F: an optimum there has F = inf and has
    not converged."""

    def fun(theta):
        f = float(discrepancy.value(theta))
        if not math.isfinite(f):
            return UNDEFINED_F, np.zeros_like(theta)
        return f, discrepancy.derivatives(theta, information=False).gradient

    res = optimize.minimize(fun, start, jac=True, method="BFGS", options={"gtol": 1e-10, "maxiter": BFGS_MAX_ITER})
    if res.fun >= UNDEFINED_F:
        return Optimum(res.x, math.inf, False, int(res.nit))
    return Optimum(res.x, float(res.fun), bool(res.success), int(res.nit))


def minimize_discrepancy(discrepancy: Discrepancy, start: np.ndarray) -> Optimum:
    """Fisher scoring from ``start``; if it does not converge within :data:`NEWTON_MAX_ITER` iterations, BFGS
    from the same start polished by Fisher scoring, keeping the lowest F of the three runs."""
    opt = fisher_scoring(discrepancy, start, max_iter=NEWTON_MAX_ITER)
    if not opt.converged:
        alt = bfgs_fallback(discrepancy, start)
        polished = fisher_scoring(discrepancy, alt.theta, max_iter=NEWTON_MAX_ITER)
        best = min((opt, alt, polished), key=lambda o: o.fmin if math.isfinite(o.fmin) else math.inf)
        # the polished optimum counts as converged when nothing else found a lower F beyond rounding
        polished_is_best = (math.isfinite(polished.fmin)
                            and polished.fmin <= best.fmin + 1e-12 * max(1.0, abs(best.fmin)))
        opt = Optimum(best.theta, best.fmin, polished.converged and polished_is_best, opt.iterations +
                      alt.iterations + polished.iterations)
    return opt
