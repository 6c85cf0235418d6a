"""Missing-data patterns and the normal log-likelihood of incomplete data, summed pattern by pattern.

Respondents with the same observed items form a pattern k (n_k rows, observed set o_k, mean x̄_k and
covariance S_k with divisor n_k over o_k). The casewise normal log-likelihood of all rows is

    logL(μ, Σ) = −½ Σ_k n_k [p_k log 2π + log|Σ_k| + tr(Σ_k⁻¹ (S_k + d_k d_kᵀ))],   d_k = x̄_k − μ_k,

with Σ_k, μ_k the rows and columns o_k (Little & Rubin 2002, §8.2; lavaan
``lav_mvnorm_missing_loglik_samplestats``). Rows with no observed item carry no information and are left
out (lavaan drops them too). Matrices are stored at full size p: a pattern's moments are 0 outside o_k.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from analysis.sem.linalg import cholesky


@dataclass(frozen=True)
class MissingPatterns:
    """The patterns of a data matrix (K patterns, p items), most frequent first."""

    observed: np.ndarray = field(repr=False)  # (K, p) bool: item observed in the pattern
    counts: np.ndarray = field(repr=False)  # (K,) n_k
    means: np.ndarray = field(repr=False)  # (K, p) x̄_k, 0 where missing
    covs: np.ndarray = field(repr=False)  # (K, p, p) S_k (divisor n_k), 0 outside o_k × o_k
    rows: tuple[np.ndarray, ...] = field(repr=False)  # the data rows of each pattern
    n_empty: int = 0  # rows with no observed item (left out)

    @property
    def n(self) -> int:
        """Rows used: every row with at least one observed item."""
        return int(self.counts.sum())

    @property
    def n_complete(self) -> int:
        """Rows with every item observed (what listwise deletion keeps)."""
        return int(self.counts[self.observed.all(axis=1)].sum())

    def __len__(self) -> int:
        return len(self.counts)


def missing_patterns(x: np.ndarray) -> MissingPatterns:
    """The missing-data patterns of ``x`` (N, p) with NaN for a missing value (R: ``mice::md.pattern``,
    lavaan ``lavInspect(fit, "patterns")``)."""
    seen = ~np.isnan(x)
    keep = seen.any(axis=1)
    patterns, inverse, counts = np.unique(seen[keep], axis=0, return_inverse=True, return_counts=True)
    order = np.argsort(-counts, kind="stable")
    kept_rows = np.flatnonzero(keep)
    p = x.shape[1]
    means, covs, rows = np.zeros((len(order), p)), np.zeros((len(order), p, p)), []
    for k, pattern in enumerate(order):
        members = kept_rows[inverse.ravel() == pattern]
        block = np.nan_to_num(x[members]) * patterns[pattern]
        means[k] = block.mean(axis=0)
        centred = (block - means[k]) * patterns[pattern]
        covs[k] = centred.T @ centred / len(members)
        rows.append(members)
    return MissingPatterns(patterns[order], counts[order], means, covs, tuple(rows), int((~keep).sum()))


def pairwise_moments(patterns: MissingPatterns) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Available-case moments: each item's mean over the rows where it is observed, the pairwise covariance
    (divisor n_ij − 1 over the rows where both items are observed) and n_ij; R: ``colMeans(d, na.rm = TRUE)``,
    ``cov(d, use = "pairwise")``, ``crossprod(!is.na(d))``; NaN for a pair observed together fewer than twice."""
    both = (patterns.observed[:, :, None] & patterns.observed[:, None, :]) * patterns.counts[:, None, None]
    n_ij = both.sum(axis=0)
    cross = np.einsum("kij,kij->ij", both, patterns.covs + patterns.means[:, :, None] * patterns.means[:, None, :])
    sums = np.einsum("kij,ki->ij", both, patterns.means)  # Σx_i over the rows with i and j observed
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = np.where(n_ij > 1, (cross - sums * sums.T / n_ij) / (n_ij - 1), np.nan)
        return np.diag(sums) / np.diag(n_ij), cov, n_ij


def pattern_inverses(patterns: MissingPatterns, sigma: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """Per pattern Σ_k⁻¹ at full size (0 outside o_k × o_k) and log|Σ_k| (``(K, p, p)``, ``(K,)``), and whether
    Σ is positive definite. Σ_k is embedded as Σ on o_k × o_k and the identity elsewhere, so one stacked
    Cholesky factorisation serves all patterns."""
    mask = patterns.observed[:, :, None] & patterns.observed[:, None, :]
    embedded = np.where(mask, sigma, 0.0) + np.eye(sigma.shape[0]) * ~patterns.observed[:, :, None]
    chol, ok = cholesky(embedded)
    logdet = 2.0 * np.log(np.diagonal(chol, axis1=-2, axis2=-1)).sum(axis=-1)
    inv_l = np.linalg.inv(chol)
    inverse = np.where(mask, np.swapaxes(inv_l, -1, -2) @ inv_l, 0.0)
    return inverse, logdet, bool(np.all(ok))


def pattern_loglik(patterns: MissingPatterns, mean: np.ndarray, sigma: np.ndarray) -> float:
    """logL(μ, Σ) of all rows (see the module); −inf when Σ is not positive definite."""
    inverse, logdet, ok = pattern_inverses(patterns, sigma)
    if not ok:
        return -math.inf
    d = (patterns.means - mean) * patterns.observed
    quad = np.einsum("kij,kji->k", inverse, patterns.covs) + np.einsum("ki,kij,kj->k", d, inverse, d)
    n_observed = patterns.observed.sum(axis=1)
    return float(-0.5 * patterns.counts @ (n_observed * math.log(2 * math.pi) + logdet + quad))
