"""Internal consistency per construct: Cronbach's alpha (raw, standardised, Feldt CI), corrected
item-total correlations, alpha if item deleted, McDonald's omega total, and the usual flags.

Every statistic is computed on the rows that are complete for the construct's items (listwise
within the construct), and ``n`` is that count.  Items are expected to be reverse-coded already.
Composite reliability and AVE come from the CFA loadings elsewhere.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis.diagnostics import Diagnostic, warn
from analysis.numbers import numeric_items
from analysis.psychometrics.efa import extract_minres
from analysis.psychometrics.factorability import DUPLICATE_R

#: Thresholds of the usual flags (Nunnally, 1978; Nunnally & Bernstein, 1994).
ALPHA_MIN = 0.70
CITC_MIN = 0.30


def _covariance(data: pd.DataFrame) -> np.ndarray:
    """Sample covariance matrix of the listwise-complete rows."""
    return np.atleast_2d(np.cov(data.dropna().to_numpy(dtype=float), rowvar=False))


def _alpha_from_cov(c: np.ndarray) -> float:
    k = c.shape[0]
    return k / (k - 1) * (1 - np.trace(c) / c.sum())


def cronbach_alpha(data: pd.DataFrame) -> float:
    """Cronbach's (1951) alpha of the item columns, listwise.

    ``alpha = k/(k-1) (1 - sum_i s_i^2 / s_X^2)`` with ``s_X^2`` = sum of all covariances.
    SPSS *Reliability Analysis: Cronbach's Alpha*.  R: ``psych::alpha(x)$total$raw_alpha``.
    """
    return float(_alpha_from_cov(_covariance(data)))


def standardized_alpha(data: pd.DataFrame) -> float:
    """Standardised alpha, from the mean inter-item correlation ``r̄``, listwise.

    ``alpha_std = k r̄ / (1 + (k-1) r̄)`` (= alpha of the correlation matrix).
    SPSS *Cronbach's Alpha Based on Standardized Items*.  R: ``psych::alpha(x)$total$std.alpha``.
    """
    c = _covariance(data)
    d = 1 / np.sqrt(np.diag(c))
    return float(_alpha_from_cov(c * np.outer(d, d)))


def feldt_ci(alpha: float, n: int, k: int, level: float = 0.95) -> tuple[float, float]:
    """Feldt's (1965; Feldt, Woodruff & Salih, 1987) confidence interval for alpha.

    ``lower = 1 - (1 - alpha) F_{1-a/2}(n-1, (n-1)(k-1))``,
    ``upper = 1 - (1 - alpha) F_{a/2}(n-1, (n-1)(k-1))``, ``a = 1 - level``; ``n`` is the number
    of respondents analysed.  R: ``psych::alpha.ci(alpha, n.obs = n, n.var = k)`` — the
    ``$feldt`` element of ``psych::alpha(x)`` (which uses ``nrow(x)``; equal on complete data).
    """
    a = 1 - level
    df1, df2 = n - 1, (n - 1) * (k - 1)
    lower = 1 - (1 - alpha) * stats.f.ppf(1 - a / 2, df1, df2)
    upper = 1 - (1 - alpha) * stats.f.ppf(a / 2, df1, df2)
    return float(lower), float(upper)


def corrected_item_total_correlations(data: pd.DataFrame) -> pd.Series:
    """Correlation of each item with the sum of the other items (listwise).

    ``r_i = (sum_j c_ij - c_ii) / sqrt(c_ii * sum_{j,l != i} c_jl)``.
    SPSS *Corrected Item-Total Correlation*.  R: ``psych::alpha(x)$item.stats$r.drop``.
    """
    c = _covariance(data)
    total = c.sum()
    rest_cov = c.sum(axis=0) - np.diag(c)
    rest_var = total - 2 * c.sum(axis=0) + np.diag(c)
    return pd.Series(rest_cov / np.sqrt(np.diag(c) * rest_var), index=data.columns, name="citc")


def alpha_if_item_deleted(data: pd.DataFrame) -> pd.Series:
    """Raw alpha of the remaining items when each item is left out in turn (listwise on all).

    SPSS *Cronbach's Alpha if Item Deleted*.  R: ``psych::alpha(x)$alpha.drop$raw_alpha``.
    Needs at least three items (one item left has no alpha).
    """
    c = _covariance(data)
    keep = ~np.eye(c.shape[0], dtype=bool)
    values = [_alpha_from_cov(c[np.ix_(keep[i], keep[i])]) for i in range(c.shape[0])]
    return pd.Series(values, index=data.columns, name="alpha_if_deleted")


def omega_total(data: pd.DataFrame) -> float:
    """McDonald's (1999) omega total from a one-factor minres solution, as psych computes it.

    ``omega_t = (1'R*1 - sum u_i^2) / 1'R*1`` with ``u_i^2 = 1 - lambda_i^2`` the uniquenesses of
    ``psych::fa(R, 1, fm = "minres")`` and ``R*`` the correlation matrix with items that load
    negatively reflected (psych's ``flip``).  Note the denominator is the observed total
    variance, not ``(sum lambda)^2 + sum u^2``.  With two items the one-factor model is not
    identified and this equals standardised alpha.
    R: ``psych::omega(x, nfactors = 1)$omega.tot``.
    """
    r = np.corrcoef(data.dropna().to_numpy(dtype=float), rowvar=False)
    return _omega_from_loadings(r, extract_minres(r, 1).loadings[:, 0])


def _omega_from_loadings(r: np.ndarray, loadings: np.ndarray) -> float:
    """psych's omega total given the correlations and the one-factor loadings."""
    key = np.where(loadings < 0, -1.0, 1.0)
    vt = (r * np.outer(key, key)).sum()
    return float((vt - (1 - loadings ** 2).sum()) / vt)


@dataclass(frozen=True)
class ConstructReliability:
    """Reliability of one construct; statistics that are undefined for it are NaN."""

    construct: str
    items: tuple[str, ...]
    n: int
    alpha: float
    alpha_std: float
    alpha_ci: tuple[float, float]
    omega: float
    citc: pd.Series
    alpha_if_deleted: pd.Series
    flags: tuple[dict, ...]
    diagnostics: tuple[Diagnostic, ...] = ()

    def plain_form(self) -> dict:
        """``results.json`` ``reliability.<construct>`` (the lead adds cr, ave and loadings)."""
        return {
            "alpha": self.alpha, "alpha_std": self.alpha_std, "alpha_ci": self.alpha_ci, "omega": self.omega,
            "n": self.n,
            "items": {item: {"citc": self.citc.get(item), "alpha_if_deleted": self.alpha_if_deleted.get(item)}
                      for item in self.items},
            "flags": self.flags,
        }


def _reliability_flags(alpha: float, citc: pd.Series, deleted: pd.Series) -> list[dict]:
    """``low_alpha`` (< .70), ``low_citc`` (< .30), ``alpha_rises_if_deleted`` (> alpha)."""
    flags = []
    if alpha < ALPHA_MIN:
        flags.append({"code": "low_alpha", "item": None, "value": alpha})
    flags += [{"code": "low_citc", "item": item, "value": float(v)}
              for item, v in citc.items() if v < CITC_MIN]
    flags += [{"code": "alpha_rises_if_deleted", "item": item, "value": float(v)}
              for item, v in deleted.items() if v > alpha]
    return flags


def construct_reliability(data: pd.DataFrame, construct: str,
                          items: Sequence[str]) -> ConstructReliability:
    """All reliability statistics and flags for one construct, listwise within its items.

    Degenerate constructs give a Diagnostic and the statistics that remain defined: constant
    items are left out (as ``psych::alpha`` does); a single item has no alpha, CITC or omega;
    two items have alpha, CITC and omega but no alpha-if-deleted; perfectly correlated items
    are kept but reported (they inflate alpha).
    """
    frame = numeric_items(data, items).dropna()
    n = len(frame)
    diagnostics: list[Diagnostic] = []
    nan = math.nan
    constant = [item for item in frame.columns if n >= 2 and np.ptp(frame[item].to_numpy()) == 0]
    for item in constant:
        diagnostics.append(warn("constant_item", f"{construct}: item {item} has no variance on "
                                f"the {n} complete rows and is left out of its reliability"))
    used = frame[[item for item in frame.columns if item not in constant]]
    k = used.shape[1]
    empty = pd.Series(nan, index=list(items), dtype=float)
    if k < 2 or n < 3:
        diagnostics.append(warn("reliability_undefined", f"{construct}: {k} usable item(s) on {n} "
                                "complete rows; alpha, CITC and omega need at least 2 items "
                                "with variance and 3 rows"))
        return ConstructReliability(construct, tuple(items), n, nan, nan, (nan, nan), nan,
                                    empty, empty, (), tuple(diagnostics))
    r = np.corrcoef(used.to_numpy(dtype=float), rowvar=False)
    for i, j in zip(*np.triu_indices(k, 1)):
        if abs(r[i, j]) >= DUPLICATE_R:
            diagnostics.append(warn("duplicate_item", f"{construct}: items {used.columns[i]} and "
                                    f"{used.columns[j]} are perfectly correlated; alpha is inflated"))
    alpha = cronbach_alpha(used)
    citc = corrected_item_total_correlations(used).reindex(list(items))
    if k == 2:
        diagnostics.append(warn("two_item_construct", f"{construct} has 2 usable items: alpha if "
                                "item deleted is undefined and omega equals standardised alpha"))
        deleted = empty.copy()
    else:
        deleted = alpha_if_item_deleted(used).reindex(list(items))
    loadings = extract_minres(r, 1).loadings[:, 0]
    negative = [used.columns[i] for i in np.flatnonzero(loadings < 0)]
    if negative:
        diagnostics.append(warn("negative_loading", f"{construct}: {', '.join(negative)} load "
                                "negatively on the construct; check reverse coding"))
    return ConstructReliability(
        construct, tuple(items), n, alpha, standardized_alpha(used), feldt_ci(alpha, n, k),
        _omega_from_loadings(r, loadings), citc, deleted,
        tuple(_reliability_flags(alpha, citc.dropna(), deleted.dropna())), tuple(diagnostics))


def assess_reliability(data: pd.DataFrame,
                       mapping: Mapping[str, Sequence[str]]) -> dict[str, ConstructReliability]:
    """:func:`construct_reliability` for every construct of ``mapping`` (construct -> item ids)."""
    return {construct: construct_reliability(data, construct, items)
            for construct, items in mapping.items()}
