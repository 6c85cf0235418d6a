"""Nonparametric bootstrap of a CB-SEM: resample respondents, refit, keep every parameter.

Equivalent R: ``lavaan::sem(model, data, se = "bootstrap", bootstrap = B)`` then
``parameterEstimates(fit, boot.ci.type = "perc" | "bca.simple" | "bca")``. lavaan keeps every
converged resample, admissible or not; so do we by default, and both kinds are counted.

Speed: each resample's covariance is a weighted cross-product of the centred data; chunks of
resamples are refitted together by a batched quasi-Newton method with analytic derivatives, started
at the full-sample estimate with the full sample's inverse Hessian (exact Hessians only every
``REFRESH`` iterations); chunks can run in worker processes. BLAS is limited to one thread in every
process (small matrices: threads only add overhead and oversubscribe the cores). All resample
indices are drawn up front from one seeded ``numpy.random.Generator``, so results do not depend on
the number of workers.
"""
from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from threadpoolctl import threadpool_limits

from analysis.sem.estimation import ModelFit, estimate_theta
from analysis.sem.ml import MLDiscrepancy, logdet_sample
from analysis.sem.optimizer import fisher_scoring, fisher_scoring_batch, inverse_hessian_or_information
from analysis.sem.structure import ModelStructure
from questionnaire.errors import input_error

OK, FAILED, INADMISSIBLE = 0, 1, 2
CHUNK = 10
REFRESH = 3


@dataclass(frozen=True)
class BootstrapDraws:
    """θ of every resample (NaN rows where the refit failed), each resample's status and F_ML at its θ̂
    (``discrepancy``: χ²* = N·F_ML, for the Bollen–Stine test)."""

    requested: int
    seed: int
    theta: np.ndarray = field(repr=False)
    status: np.ndarray = field(repr=False)
    discrepancy: np.ndarray = field(repr=False)

    @property
    def failed(self) -> int:
        return int((self.status == FAILED).sum())

    @property
    def inadmissible(self) -> int:
        return int((self.status == INADMISSIBLE).sum())

    @property
    def succeeded(self) -> int:
        return self.requested - self.failed

    def usable(self, drop_inadmissible: bool = False) -> np.ndarray:
        """θ rows that enter the intervals (converged; optionally also admissible)."""
        keep = self.status == OK if drop_inadmissible else self.status != FAILED
        return self.theta[keep]

    def plain_form(self) -> dict:
        """``results.json`` ``sem.bootstrap``: the counts of resamples, not the draws."""
        return {"B": self.requested, "succeeded": self.succeeded, "failed": self.failed,
                "inadmissible": self.inadmissible, "seed": self.seed}


def admissible(structure: ModelStructure, theta: np.ndarray) -> np.ndarray:
    """Per θ row (b, q): no negative variance (Θ, Ψ diagonals) and a positive-definite latent covariance."""
    _, _, psi, th = structure.matrices(theta)
    ok = (np.diagonal(th, axis1=1, axis2=2) >= 0).all(axis=1) & (np.diagonal(psi, axis1=1, axis2=2) >= 0).all(axis=1)
    return ok & (np.linalg.eigvalsh(structure.latent_cov(theta))[:, 0] > 0)


_STATE: dict = {}


def _init_worker(structure: ModelStructure, centred: np.ndarray, theta0: np.ndarray, h_inv0: np.ndarray | None,
                 blas_limit: bool = True) -> None:
    _STATE.update(structure=structure, centred=centred, theta0=theta0, h_inv0=h_inv0)
    if blas_limit:  # a worker process: one BLAS thread for its whole life
        _STATE["blas"] = threadpool_limits(1)


def full_sample_inverse_hessian(fit: ModelFit) -> np.ndarray | None:
    """H⁻¹ of F_ML at the full-sample estimate (the start of every refit's quasi-Newton run)."""
    _, info, hess, ok = MLDiscrepancy.of_sample(fit.structure, fit.sample_cov).derivatives(fit.theta, hessian=True)
    if not ok:
        return None
    inverse, solved = inverse_hessian_or_information(hess[None], info[None])
    return inverse[0] if solved[0] else None


def resample_covariances(x: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """S (divisor N) of each resample ``x[indices[b]]`` as a weighted cross-product of centred ``x``."""
    n = x.shape[0]
    w = np.stack([np.bincount(idx, minlength=n) for idx in indices]).astype(float)
    mean = w @ x / n
    return (x.T[None, :, :] * w[:, None, :]) @ x / n - mean[:, :, None] * mean[:, None, :]


def _refit_chunk(indices: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Refit a chunk of resamples together (one batched quasi-Newton run; the robust single fit for any
    that do not converge): θ̂, status and F_ML(θ̂) of each."""
    structure, x, theta0, h_inv0 = _STATE["structure"], _STATE["centred"], _STATE["theta0"], _STATE["h_inv0"]
    s = resample_covariances(x, indices)
    sign, logdet = np.linalg.slogdet(s)
    usable = sign > 0
    thetas = np.full((len(indices), structure.n_free), np.nan)
    status = np.full(len(indices), FAILED)
    discrepancy = np.full(len(indices), np.nan)
    rows = np.flatnonzero(usable)
    theta, _, converged, _ = fisher_scoring_batch(MLDiscrepancy(structure, s[rows], logdet[rows]), theta0,
                                                  tol=1e-6, max_iter=100, refresh=REFRESH, h_inv0=h_inv0)
    for i in np.flatnonzero(~converged):
        opt = estimate_theta(structure, s[rows[i]], theta0)
        theta[i], converged[i] = opt.theta, opt.converged
    rows, theta = rows[converged], theta[converged]
    thetas[rows] = theta
    if len(rows):
        status[rows] = np.where(admissible(structure, theta), OK, INADMISSIBLE)
        discrepancy[rows] = MLDiscrepancy(structure, s[rows], logdet[rows]).value(theta)
    return thetas, status, discrepancy


def bootstrap_draws(fit: ModelFit, data: pd.DataFrame, B: int = 2000, seed: int = 1, workers: int = 1,
                    progress: Callable[[int, int], None] | None = None) -> BootstrapDraws:
    """Refit the model on ``B`` resamples of the complete cases of ``data``.

    ``progress(done, B)`` is called after each chunk of resamples.
    """
    if B < 1:
        raise input_error("bootstrap: the number of resamples must be positive", value=B, allowed="an integer >= 1")
    if workers < 1:
        raise input_error("bootstrap: the number of workers must be positive", value=workers,
                          allowed="an integer >= 1")
    x = data.loc[:, list(fit.observed)].to_numpy(dtype=float)
    x = x[~np.isnan(x).any(axis=1)]
    x = x - x.mean(axis=0)
    rng = np.random.default_rng(seed)
    indices = rng.integers(0, x.shape[0], size=(B, x.shape[0]))
    chunks = [indices[i:i + CHUNK] for i in range(0, B, CHUNK)]
    results = []
    h_inv0 = full_sample_inverse_hessian(fit)
    if workers == 1:
        _init_worker(fit.structure, x, fit.theta, h_inv0, blas_limit=False)
        with threadpool_limits(1):
            for chunk in chunks:
                results.append(_refit_chunk(chunk))
                if progress:
                    progress(min(len(results) * CHUNK, B), B)
        _STATE.clear()
    else:
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                                 initargs=(fit.structure, x, fit.theta, h_inv0)) as pool:
            for result in pool.map(_refit_chunk, chunks):
                results.append(result)
                if progress:
                    progress(min(len(results) * CHUNK, B), B)
    theta = np.concatenate([r[0] for r in results])
    status = np.concatenate([r[1] for r in results])
    return BootstrapDraws(B, seed, theta, status, np.concatenate([r[2] for r in results]))


@dataclass(frozen=True)
class BollenStine:
    """The Bollen–Stine bootstrap test of exact fit: p = share of converged resamples of the model-rotated data
    whose χ²* exceeds the sample χ² (lavaan ``bootstrapLavaan(fit, type = "bollen.stine")``, p as lavaan's
    ``test = "bollen.stine"``; AMOS's "Bollen-Stine bootstrap p")."""

    requested: int
    succeeded: int
    seed: int
    chisq: float
    exceeded: int

    @property
    def pvalue(self) -> float:
        return self.exceeded / self.succeeded if self.succeeded else float("nan")

    def plain_form(self) -> dict:
        """``results.json`` ``sem.bollen_stine``."""
        return {"B": self.requested, "succeeded": self.succeeded, "failed": self.requested - self.succeeded,
                "chisq": self.chisq, "pvalue": self.pvalue, "seed": self.seed}


def symmetric_power(matrix: np.ndarray, power: float) -> np.ndarray:
    """M^power of a symmetric positive-definite matrix through its eigen-decomposition."""
    values, vectors = np.linalg.eigh(matrix)
    return (vectors * values ** power) @ vectors.T


def bollen_stine_data(fit: ModelFit, data: pd.DataFrame) -> pd.DataFrame:
    """The complete cases rotated onto the model (Bollen & Stine 1992): Z = (X − x̄) S^(−½) Σ̂^(½), whose
    covariance (divisor N) is Σ̂ exactly, so that resampling Z draws from a population where the model holds."""
    x = data.loc[:, list(fit.observed)].to_numpy(dtype=float)
    x = x[~np.isnan(x).any(axis=1)]
    z = (x - x.mean(axis=0)) @ symmetric_power(fit.sample_cov, -0.5) @ symmetric_power(fit.implied, 0.5)
    return pd.DataFrame(z, columns=list(fit.observed))


def bollen_stine(fit: ModelFit, data: pd.DataFrame, B: int = 2000, seed: int = 1, workers: int = 1,
                 progress: Callable[[int, int], None] | None = None) -> BollenStine:
    """Refit the model on ``B`` resamples of :func:`bollen_stine_data` (the resamples of
    :func:`bootstrap_draws`, same seed) and compare each χ²* = N·F_ML with the sample χ²."""
    draws = bootstrap_draws(fit, bollen_stine_data(fit, data), B=B, seed=seed, workers=workers, progress=progress)
    chisq = fit.n * draws.discrepancy[draws.status != FAILED]
    return BollenStine(B, len(chisq), seed, fit.chisq, int((chisq > fit.chisq).sum()))


def norm_inter(draws: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Quantiles of the bootstrap distribution as ``boot:::norm.inter`` (used by lavaan).

    Order statistic (R + 1)·α, interpolated on the normal-quantile scale between neighbours.
    """
    t = np.sort(draws[np.isfinite(draws)])
    r = len(t)
    alpha = np.atleast_1d(np.asarray(alpha, dtype=float))
    if r == 0:
        return np.full(len(alpha), np.nan)
    rk = (r + 1) * alpha
    k = np.trunc(rk).astype(int)
    out = np.empty(len(alpha))
    for i in range(len(alpha)):
        if k[i] == rk[i]:
            out[i] = t[min(max(k[i], 1), r) - 1]
        elif k[i] <= 0:
            out[i] = t[0]
        elif k[i] >= r:
            out[i] = t[-1]
        else:
            z1, z2, z3 = stats.norm.ppf([alpha[i], k[i] / (r + 1), (k[i] + 1) / (r + 1)])
            out[i] = t[k[i] - 1] + (z1 - z2) / (z3 - z2) * (t[k[i]] - t[k[i] - 1])
    return out


def percentile_ci(draws: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Percentile interval; R: ``parameterEstimates(fit, boot.ci.type = "perc")``."""
    lo, hi = norm_inter(draws, np.array([(1 - level) / 2, (1 + level) / 2]))
    return float(lo), float(hi)


def bias_corrected_ci(draws: np.ndarray, estimate: float, level: float = 0.95,
                      acceleration: float = 0.0) -> tuple[float, float]:
    """Bias-corrected (and accelerated, if ``acceleration`` ≠ 0) interval (Efron 1987).

    z₀ = Φ⁻¹(share of draws < estimate); limits at Φ(z₀ + (z₀ + z_α)/(1 − a(z₀ + z_α))).
    R: ``parameterEstimates(fit, boot.ci.type = "bca.simple")`` (a = 0) or ``"bca"``.
    """
    t = draws[np.isfinite(draws)]
    if len(t) == 0:
        return float("nan"), float("nan")
    z0 = stats.norm.ppf(np.mean(t < estimate))
    if not np.isfinite(z0):
        return float("nan"), float("nan")
    za = stats.norm.ppf([(1 - level) / 2, (1 + level) / 2])
    adj = stats.norm.cdf(z0 + (z0 + za) / (1 - acceleration * (z0 + za)))
    lo, hi = norm_inter(t, adj)
    return float(lo), float(hi)


def jackknife_acceleration(values: np.ndarray) -> float:
    """a = Σ(L̄ − L_i)³ / (6 [Σ(L̄ − L_i)²]^{3/2}) from leave-one-out values L_i (Efron 1987)."""
    d = np.mean(values) - values
    denom = 6.0 * np.sum(d ** 2) ** 1.5
    return float(np.sum(d ** 3) / denom) if denom > 0 else 0.0


def jackknife_theta(fit: ModelFit, data: pd.DataFrame) -> np.ndarray:
    """θ refitted leaving out each complete case in turn (for BCa intervals)."""
    x = data.loc[:, list(fit.observed)].to_numpy(dtype=float)
    x = x[~np.isnan(x).any(axis=1)]
    n = x.shape[0]
    out = np.full((n, fit.structure.n_free), np.nan)
    for i in range(n):
        rest = np.delete(x, i, axis=0)
        c = rest - rest.mean(axis=0)
        s = c.T @ c / (n - 1)
        opt = fisher_scoring(MLDiscrepancy(fit.structure, s, logdet_sample(s)), fit.theta, tol=1e-7, max_iter=100)
        if opt.converged:
            out[i] = opt.theta
    return out
