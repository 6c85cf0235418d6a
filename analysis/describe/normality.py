"""Mardia's multivariate skewness and kurtosis (listwise data), as psych and AMOS print them."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis.diagnostics import Diagnostic, warn
from analysis.inference import two_sided_normal_p
from analysis.numbers import numeric_column
from analysis.results import plain_fields


@dataclass(frozen=True)
class MardiaResult:
    """Mardia's coefficients and tests; field names follow ``psych::mardia``.

    ``b1p``/``b2p`` and the tests use the unbiased covariance matrix (divisor n-1), exactly as psych
    does. ``amos_kurtosis``/``amos_cr`` are the "Multivariate" row of AMOS's *Assessment of
    normality*, which uses the divisor n (see :func:`mardia`).
    """

    n: int
    p: int
    df_skew: float
    b1p: float
    b2p: float
    skew: float
    p_skew: float
    small_skew: float
    p_small: float
    kurtosis: float
    p_kurt: float
    amos_kurtosis: float
    amos_cr: float
    diagnostics: tuple[Diagnostic, ...] = ()

    def plain_form(self) -> dict:
        """``results.json`` ``normality``; diagnostics go to ``results.warnings``."""
        return plain_fields(self, without=("diagnostics",))


def _whitened(x: np.ndarray) -> np.ndarray | None:
    """Centred rows times L⁻ᵀ, where S = LL' (divisor n-1), so z_i·z_j = x_i'S⁻¹x_j.

    None when n ≤ p or S is singular.
    """
    n, p = x.shape
    if p == 0 or n <= p:
        return None
    xc = x - x.mean(axis=0)
    s = np.atleast_2d(np.cov(xc, rowvar=False, ddof=1))
    if np.linalg.matrix_rank(s) < p:
        return None
    try:
        chol = np.linalg.cholesky(s)
    except np.linalg.LinAlgError:
        return None
    return np.linalg.solve(chol, xc.T).T


def mardia(data: pd.DataFrame) -> MardiaResult:
    """Mardia's (1970) multivariate skewness b1p and kurtosis b2p with their tests, on listwise data.

    With centred rows x_i, S the covariance with divisor n-1 (as ``psych::mardia``) and
    d_ij = x_i' S⁻¹ x_j:

    - b1p = Σ_ij d_ij³ / n²;  skew = n·b1p/6 ~ χ²(p(p+1)(p+2)/6), p_skew upper tail;
    - small_skew = n·k·b1p/6 with k = (p+1)(n+1)(n+3) / (n((n+1)(p+1) − 6)), the small-sample
      corrected skewness of Mardia (1974), p_small upper tail — psych reports both, so do we;
    - b2p = Σ_i d_ii² / n;  kurtosis = (b2p − p(p+2)) / sqrt(8p(p+2)/n) ~ N(0,1), p_kurt two-sided.

    AMOS instead uses the ML covariance (divisor n), b2p* = Σ_i d*_ii² / n, and prints
    amos_kurtosis = b2p* − p(p+2)(n−1)/(n+1) (Mardia 1974's finite-sample mean under normality)
    with critical ratio amos_cr = amos_kurtosis / sqrt(8p(p+2)/n). This reproduces the AMOS 28
    manual, Example 1 (NormalityCheck: 3.102, c.r. 1.353) — see tests/fixtures/desc_amos_gw.R.

    Mardia, K. V. (1970), Biometrika 57, 519–530; (1974), Sankhyā B 36, 115–128.
    R: ``psych::mardia(data, na.rm = TRUE, plot = FALSE)``.
    Returns NaN statistics with a Diagnostic when the covariance matrix is singular or n ≤ p.
    """
    x = (np.column_stack([numeric_column(data[c], str(c)) for c in data.columns]) if data.shape[1]
         else np.empty((len(data), 0)))
    x = x[~np.isnan(x).any(axis=1)]
    n, p = x.shape
    nan = float("nan")
    df_skew = p * (p + 1) * (p + 2) / 6.0
    diags: list[Diagnostic] = []
    if n != len(data):
        diags.append(warn("mardia_listwise", f"Mardia's test uses the {n} of {len(data)} rows with no missing value"))
    z = _whitened(x)
    if z is None:
        diags.append(warn("mardia_singular",
                          f"Mardia's test needs a non-singular covariance matrix and n > p "
                          f"(n = {n}, p = {p}); statistics are NaN"))
        return MardiaResult(n, p, df_skew, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, tuple(diags))
    # d_ij = z_i·z_j, and Σ_ij d_ij³ = Σ_abc (Σ_i z_ia z_ib z_ic)²: O(n p³) time, no n × n matrix.
    b1p = float(np.sum(np.einsum("ia,ib,ic->abc", z, z, z, optimize=True) ** 2) / n**2)
    b2p = float(np.sum(np.sum(z**2, axis=1) ** 2) / n)
    k = (p + 1) * (n + 1) * (n + 3) / (n * ((n + 1) * (p + 1) - 6))
    skew = n * b1p / 6.0
    small_skew = n * k * b1p / 6.0
    se_b2 = math.sqrt(8.0 * p * (p + 2) / n)
    kurt = (b2p - p * (p + 2)) / se_b2
    b2p_ml = b2p * (n / (n - 1)) ** 2  # S_ml = S(n-1)/n, so every d_ii grows by n/(n-1)
    amos_kurt = b2p_ml - p * (p + 2) * (n - 1) / (n + 1)
    return MardiaResult(
        n=n, p=p, b1p=b1p, b2p=b2p, skew=skew, df_skew=df_skew,
        p_skew=float(stats.chi2.sf(skew, df_skew)), small_skew=small_skew,
        p_small=float(stats.chi2.sf(small_skew, df_skew)), kurtosis=kurt,
        p_kurt=two_sided_normal_p(kurt), amos_kurtosis=amos_kurt, amos_cr=amos_kurt / se_b2,
        diagnostics=tuple(diags))
