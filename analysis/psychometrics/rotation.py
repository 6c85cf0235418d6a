"""Factor rotations: varimax (Kaiser-normalised), promax and direct oblimin.

Each function takes an unrotated ``p x k`` loading matrix and returns a :class:`Rotation`.
The algorithms copy R's step by step (same start, same convergence rule), so that the rotated
loadings equal R's, not merely a nearby optimum:

* :func:`varimax`  — ``stats::varimax`` (used by ``psych::principal`` and ``psych::fa``);
* :func:`promax`   — ``stats::promax`` / ``psych::Promax`` (power ``m = 4``), optionally inside
  ``psych::kaiser`` (row normalisation first) as ``psych::fa(rotate = "promax")`` does;
* :func:`oblimin`  — ``GPArotation::oblimin`` (gradient projection ``GPFoblq``, gamma = 0).

No sorting or sign fixing happens here; :mod:`analysis.efa` orders and signs columns as psych.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Rotation:
    """A rotated solution: pattern ``loadings`` (p x k), rotation matrix, factor correlations.

    ``phi`` is ``None`` for orthogonal rotations (factors uncorrelated).  ``converged`` is False
    when the iteration limit was reached before the convergence rule was met.
    """

    loadings: np.ndarray
    rotmat: np.ndarray
    phi: np.ndarray | None
    converged: bool


def varimax(loadings: np.ndarray, normalize: bool = True, eps: float = 1e-5,
            max_iter: int = 1000) -> Rotation:
    """Varimax rotation with Kaiser normalisation (Kaiser, 1958).

    Maximises ``sum_j [ sum_i l_ij^4 / p - (sum_i l_ij^2 / p)^2 ]`` over orthogonal ``T`` for
    the row-normalised loadings ``A / h`` (``h_i`` = communality root), by the SVD update
    ``B = A'(Z^3 - Z diag(1'Z^2)/p)``, ``T = U V'`` of Sherin (1966) / ``stats::varimax``; stops
    when the criterion ``sum(svd(B)$d)`` grows by less than a factor ``1 + eps``; rows are
    re-scaled by ``h`` afterwards.  This is the rotation of SPSS "Varimax with Kaiser
    Normalization" and of ``psych::principal(r, nfactors, rotate = "varimax")``.

    R: ``stats::varimax(L, normalize = TRUE, eps = 1e-5)``.
    """
    x = np.asarray(loadings, dtype=float)
    p, k = x.shape
    if k < 2:
        return Rotation(x.copy(), np.eye(k), None, True)
    scale = np.sqrt((x ** 2).sum(axis=1)) if normalize else np.ones(p)
    x = x / scale[:, None]
    rotmat = np.eye(k)
    d = 0.0
    converged = False
    for _ in range(max_iter):
        z = x @ rotmat
        b = x.T @ (z ** 3 - z @ np.diag((z ** 2).sum(axis=0)) / p)
        u, s, vt = np.linalg.svd(b)
        rotmat = u @ vt
        d_past, d = d, s.sum()
        if d < d_past * (1 + eps):
            converged = True
            break
    z = (x @ rotmat) * scale[:, None]
    return Rotation(z, rotmat, None, converged)


def promax(loadings: np.ndarray, m: float = 4, kaiser_normalize: bool = False) -> Rotation:
    """Promax oblique rotation (Hendrickson & White, 1964), power ``m = 4``.

    Varimax first (``A = L T``), target ``Q = A * |A|^(m-1)``, least-squares transform
    ``U = (A'A)^-1 A'Q`` with columns rescaled by ``sqrt(diag((U'U)^-1))``; pattern ``A U``,
    rotation matrix ``T U`` and factor correlations ``Phi = U^-1 U^-T`` (unit diagonal).

    With ``kaiser_normalize`` the rows are divided by their communality root before and
    multiplied back after (``psych::kaiser``), which is what ``psych::fa(..., rotate =
    "promax")`` does; ``psych::principal(..., rotate = "promax")`` calls ``stats::promax``
    without it.

    R: ``stats::promax(L, m = 4)``; ``psych::kaiser(L, rotate = "Promax")``.
    """
    x = np.asarray(loadings, dtype=float)
    k = x.shape[1]
    if k < 2:
        return Rotation(x.copy(), np.eye(k), None, True)
    h = np.sqrt((x ** 2).sum(axis=1)) if kaiser_normalize else np.ones(x.shape[0])
    vm = varimax(x / h[:, None])
    a = vm.loadings
    target = a * np.abs(a) ** (m - 1)
    u = np.linalg.lstsq(a, target, rcond=None)[0]
    d = np.diag(np.linalg.inv(u.T @ u))
    u = u @ np.diag(np.sqrt(d))
    pattern = (a @ u) * h[:, None]
    rotmat = vm.rotmat @ u
    ui = np.linalg.inv(rotmat)
    return Rotation(pattern, rotmat, ui @ ui.T, vm.converged)


def _oblimin_criterion(lam: np.ndarray, gamma: float) -> tuple[float, np.ndarray]:
    """Oblimin criterion ``f = sum(L^2 * X) / 4`` and its gradient ``L * X``, ``X = L^2 (11' - I)``."""
    k = lam.shape[1]
    x = (lam ** 2) @ (1.0 - np.eye(k))
    if gamma != 0:
        p = lam.shape[0]
        x = (np.eye(p) - gamma / p) @ x
    return float((lam ** 2 * x).sum() / 4), lam * x


def oblimin(loadings: np.ndarray, gamma: float = 0.0, eps: float = 1e-5,
            max_iter: int = 1000) -> Rotation:
    """Direct oblimin rotation (Jennrich, 2002 gradient projection), ``gamma = 0`` (quartimin).

    Minimises ``f(Lambda) = 1/4 sum((Lambda^2)' (I - gamma/p 11') Lambda^2 (11' - I))`` over
    oblique ``T`` with unit-length columns, ``Lambda = A T^-T``; gradient-projection steps with
    step halving; converged when the projected gradient norm is below ``eps``. No Kaiser
    normalisation (GPArotation's default, used by ``psych::fa(rotate = "oblimin")``).
    ``Phi = T'T``; the returned ``rotmat`` is ``T^-T`` so that pattern = ``A @ rotmat``.
    SPSS's "Direct Oblimin, delta = 0" targets the same criterion.

    R: ``GPArotation::oblimin(L, gam = 0, normalize = FALSE, eps = 1e-5, maxit = 1000)``.
    """
    a = np.asarray(loadings, dtype=float)
    k = a.shape[1]
    if k < 2:
        return Rotation(a.copy(), np.eye(k), None, True)
    tmat = np.eye(k)
    alpha = 1.0
    lam = a @ np.linalg.inv(tmat).T
    f, gq = _oblimin_criterion(lam, gamma)
    grad = -(lam.T @ gq @ np.linalg.inv(tmat)).T
    converged = False
    for _ in range(max_iter + 1):
        gp = grad - tmat @ np.diag((tmat * grad).sum(axis=0))
        s = np.sqrt((gp ** 2).sum())
        if s < eps:
            converged = True
            break
        alpha *= 2
        for _ in range(11):
            x = tmat - alpha * gp
            tmat_new = x / np.sqrt((x ** 2).sum(axis=0))
            lam = a @ np.linalg.inv(tmat_new).T
            f_new, gq = _oblimin_criterion(lam, gamma)
            if f - f_new > 0.5 * s ** 2 * alpha:
                break
            alpha /= 2
        tmat = tmat_new
        f = f_new
        grad = -(lam.T @ gq @ np.linalg.inv(tmat_new)).T
    return Rotation(lam, np.linalg.inv(tmat).T, tmat.T @ tmat, converged)
