"""Linear algebra on one matrix or a stack of matrices (leading axes), as the batched bootstrap needs."""
from __future__ import annotations

import numpy as np


def transpose(x: np.ndarray) -> np.ndarray:
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
