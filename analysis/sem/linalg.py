"""Linear algebra on one matrix or a stack of matrices (leading axes), as the batched bootstrap needs."""
from __future__ import annotations

import numpy as np


def transpose(x: np.ndarray) -> np.ndarray:
    """Transpose of the last two axes (matrices or stacks of matrices)."""
    return np.swapaxes(x, -1, -2)


def cholesky(x: np.ndarray) -> tuple[np.ndarray, np.ndarray | bool]:
    """Cholesky factor(s) and whether each matrix is positive definite (identity where it is not, or where
    it has a non-finite entry)."""
    finite = np.isfinite(x).all(axis=(-2, -1))
    if not np.all(finite):
        x = np.where(finite[..., None, None], x, np.eye(x.shape[-1]))
    try:
        return np.linalg.cholesky(x), bool(finite) if x.ndim == 2 else finite
    except np.linalg.LinAlgError:
        if x.ndim == 2:
            return np.eye(x.shape[-1]), False
    out = np.empty_like(x)
    ok = finite.copy()
    for i in range(x.shape[0]):
        out[i], positive = cholesky(x[i])
        ok[i] &= positive
    return out, ok


def inverse_or_nan(x: np.ndarray) -> np.ndarray:
    """x⁻¹ of a matrix or of each matrix of a stack; NaN where a matrix is singular or not finite (a
    trial step that sends I − B to infinity leaves F undefined there instead of raising)."""
    try:
        out = np.linalg.inv(x)
    except np.linalg.LinAlgError:
        if x.ndim == 2:
            return np.full_like(x, np.nan)
        return np.stack([inverse_or_nan(m) for m in x])
    return out
