"""The unrestricted (H1) and independence (baseline) models of incomplete normal data, fitted by ML.

H1: free μ and Σ, estimated by the EM algorithm (Dempster, Laird & Rubin 1977; Little & Rubin 2002,
§11.2), as lavaan ``missing = "ml"`` does (``lav_mvnorm_missing_h1_estimate_moments``): start at the
observed-value means and a diagonal Σ of the observed-value variances; E-step: per pattern the missing
items are replaced by their regression on the observed ones, x_m = μ_m + Σ_mo Σ_oo⁻¹ (x_o − μ_o), and
Σ_mm − Σ_mo Σ_oo⁻¹ Σ_om is added to their cross-products; M-step: μ = T₁/N, Σ = T₂/N − μμᵀ; stop when no
element of (μ, vech Σ) moves by ``tol`` (lavaan's ``em.h1.tol`` 1e-5) or more. R:
``lavInspect(sem(model, data, missing = "ml"), "sampstat.h1")``.

Baseline: mutually independent items with free means and variances. Its likelihood factors by item,
so the ML estimates are each item's mean and variance (divisor n_i) over its observed values.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from analysis.sem.patterns import MissingPatterns, pairwise_moments, pattern_loglik

EM_TOL = 1e-5
EM_MAX_ITER = 500


@dataclass(frozen=True)
class Moments:
    """ML estimates of μ and Σ of a model for incomplete data, its log-likelihood and free parameters."""

    mean: np.ndarray = field(repr=False)
    cov: np.ndarray = field(repr=False)
    logl: float
    npar: int
    iterations: int = 0
    converged: bool = True


def em_step(patterns: MissingPatterns, mean: np.ndarray, sigma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One EM iteration from (μ, Σ): the new (μ, Σ)."""
    p = len(mean)
    t1, t2 = np.zeros(p), np.zeros((p, p))
    for seen, n_k, xbar, s in zip(patterns.observed, patterns.counts, patterns.means, patterns.covs):
        o, m = np.flatnonzero(seen), np.flatnonzero(~seen)
        fill = np.zeros((p, len(o)))  # the filled-in row as c + L x_o
        fill[o, np.arange(len(o))] = 1.0
        c = np.zeros(p)
        conditional = np.zeros((p, p))
        if len(m):
            b = np.linalg.solve(sigma[np.ix_(o, o)], sigma[np.ix_(o, m)]).T
            fill[m] = b
            c[m] = mean[m] - b @ mean[o]
            conditional[np.ix_(m, m)] = sigma[np.ix_(m, m)] - b @ sigma[np.ix_(o, m)]
        filled_mean = c + fill @ xbar[o]
        t1 += n_k * filled_mean
        t2 += n_k * (fill @ s[np.ix_(o, o)] @ fill.T + np.outer(filled_mean, filled_mean) + conditional)
    n = patterns.n
    new_mean = t1 / n
    new_sigma = t2 / n - np.outer(new_mean, new_mean)
    if np.linalg.eigvalsh(new_sigma)[0] < 1e-6:  # lavaan's ridge for a nearly singular Σ
        new_sigma[np.diag_indices(p)] += new_sigma.diagonal().max() * 1e-8
    return new_mean, new_sigma


def observed_value_moments(patterns: MissingPatterns) -> tuple[np.ndarray, np.ndarray]:
    """Each item's mean and variance (divisor n_i) over the rows where it is observed."""
    mean, cov, n_ij = pairwise_moments(patterns)
    n_i = np.diag(n_ij)
    return mean, np.diag(cov) * (n_i - 1) / n_i


def saturated_moments(patterns: MissingPatterns, tol: float = EM_TOL, max_iter: int = EM_MAX_ITER) -> Moments:
    """H1 by EM (see the module); ``converged`` False when ``max_iter`` iterations did not reach ``tol``."""
    mean, var = observed_value_moments(patterns)
    sigma = np.diag(np.where(np.isfinite(var) & (var > 0), var, 1.0))
    p = len(mean)
    lower = np.tril_indices(p)
    iterations, converged = 0, False
    for iterations in range(1, max_iter + 1):
        new_mean, new_sigma = em_step(patterns, mean, sigma)
        delta = max(np.max(np.abs(new_mean - mean)), np.max(np.abs(new_sigma[lower] - sigma[lower])))
        mean, sigma = new_mean, new_sigma
        if delta < tol:
            converged = True
            break
    return Moments(mean, sigma, pattern_loglik(patterns, mean, sigma), p + p * (p + 1) // 2, iterations, converged)


def independence_moments(patterns: MissingPatterns) -> Moments:
    """The baseline model's ML estimates (each item's observed-value mean and variance) and logL."""
    mean, var = observed_value_moments(patterns)
    sigma = np.diag(var)
    return Moments(mean, sigma, pattern_loglik(patterns, mean, sigma), 2 * len(mean))
