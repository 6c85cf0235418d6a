"""Factorability of the item correlation matrix: KMO / MSA and Bartlett's test of sphericity.

Also home of the two helpers every correlation-based step shares: :func:`usable_items` (drops
constant and duplicated items with a Diagnostic, so the correlation matrix is defined and
invertible) and :func:`correlation_matrix` (listwise Pearson correlations).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis.diagnostics import Diagnostic, warn
from analysis.numbers import numeric_items

#: Kaiser (1974): a KMO below .60 is "mediocre" or worse, too low for factor analysis.
KMO_MIN = 0.60
#: Bartlett's test must reject sphericity at this level before factoring makes sense.
SPHERICITY_ALPHA = 0.05
#: Two items whose |r| reaches this are treated as the same item (the matrix is singular).
DUPLICATE_R = 1 - 1e-10
#: Smallest eigenvalue below which the correlation matrix is reported as (near) singular.
SINGULAR_EIGENVALUE = 1e-8


def usable_items(data: pd.DataFrame) -> tuple[list[str], tuple[Diagnostic, ...]]:
    """Items that can enter a correlation matrix, on listwise-complete rows.

    Drops, with a Diagnostic each, (1) items with zero variance (their correlations are
    undefined; ``psych::alpha`` drops them the same way) and (2) an item that correlates
    ``|r| >= 1 - 1e-10`` with an earlier kept item (an exact duplicate makes the matrix
    singular, so KMO, SMCs and ML are undefined); the first of the pair is kept.
    """
    complete = data.dropna()
    diagnostics: list[Diagnostic] = []
    kept: list[str] = []
    for item in data.columns:
        values = complete[item].to_numpy(dtype=float)
        if values.size < 2 or np.ptp(values) == 0:
            diagnostics.append(warn("constant_item", f"item {item} has no variance on the "
                                    f"{values.size} complete rows; it is left out"))
            continue
        twin = next((other for other in kept
                     if abs(np.corrcoef(values, complete[other].to_numpy(dtype=float))[0, 1])
                     >= DUPLICATE_R), None)
        if twin is not None:
            diagnostics.append(warn("duplicate_item", f"item {item} is perfectly correlated with "
                                    f"{twin}; it is left out of the correlation matrix"))
            continue
        kept.append(item)
    return kept, tuple(diagnostics)


def correlation_matrix(data: pd.DataFrame) -> pd.DataFrame:
    """Pearson correlations of the columns on listwise-complete rows.

    R: ``cor(na.omit(x))``.
    """
    complete = data.dropna()
    r = np.corrcoef(complete.to_numpy(dtype=float), rowvar=False)
    return pd.DataFrame(np.atleast_2d(r), index=data.columns, columns=data.columns)


def kmo(corr: pd.DataFrame) -> tuple[float, pd.Series]:
    """Kaiser–Meyer–Olkin measure of sampling adequacy, overall and per item (MSA).

    With ``Q`` the anti-image (partial) correlations, ``q_ij = -[R^-1]_ij /
    sqrt([R^-1]_ii [R^-1]_jj)``, and sums over ``i != j``:
    ``KMO = sum r_ij^2 / (sum r_ij^2 + sum q_ij^2)``; ``MSA_j`` restricts both sums to column j.
    Kaiser (1970), Kaiser & Rice (1974).  Equal to SPSS's KMO and the anti-image diagonal.
    A singular ``R`` (which :func:`usable_items` avoids) uses the pseudo-inverse.

    R: ``psych::KMO(r)`` -> ``$MSA``, ``$MSAi``.
    """
    r = corr.to_numpy(dtype=float)
    inv = np.linalg.pinv(r)
    d = 1 / np.sqrt(np.diag(inv))
    q = inv * np.outer(d, d)
    np.fill_diagonal(q, 0)
    r0 = r.copy()
    np.fill_diagonal(r0, 0)
    r2, q2 = r0 ** 2, q ** 2
    overall = r2.sum() / (r2.sum() + q2.sum())
    per_item = r2.sum(axis=0) / (r2.sum(axis=0) + q2.sum(axis=0))
    return float(overall), pd.Series(per_item, index=corr.columns, name="msa")


@dataclass(frozen=True)
class BartlettTest:
    """Bartlett's test of sphericity: chi-square, degrees of freedom, p value."""

    chisq: float
    df: int
    pvalue: float


def bartlett_sphericity(corr: pd.DataFrame, n: int) -> BartlettTest:
    """Bartlett's (1951) test that the population correlation matrix is the identity.

    ``chisq = -(n - 1 - (2p + 5)/6) ln|R|`` on ``df = p(p - 1)/2``, upper-tail p value.
    A singular ``R`` gives ``chisq = inf`` and ``p = 0``.

    R: ``psych::cortest.bartlett(R, n = n)``; SPSS *Factor > KMO and Bartlett's test*.
    """
    p = corr.shape[0]
    sign, logdet = np.linalg.slogdet(corr.to_numpy(dtype=float))
    chisq = math.inf if sign <= 0 else -(n - 1 - (2 * p + 5) / 6) * logdet
    df = p * (p - 1) // 2
    return BartlettTest(float(chisq), df, float(stats.chi2.sf(chisq, df)))


@dataclass(frozen=True)
class Factorability:
    """KMO (overall and per item) and Bartlett's test on the analysed items."""

    kmo: float
    msa: pd.Series
    bartlett: BartlettTest
    n: int
    items: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...] = ()

    def plain_form(self) -> dict:
        """``results.json`` ``factorability``; diagnostics go to ``results.warnings``."""
        return {"kmo": self.kmo, "msa": dict(self.msa), "bartlett": self.bartlett, "n": self.n}


def assess_factorability(data: pd.DataFrame) -> Factorability:
    """KMO and Bartlett's test on the item columns of ``data``, listwise-complete rows.

    Constant and duplicated items are left out first (:func:`usable_items`).  A KMO below .60
    (Kaiser's "mediocre" bound is .60, "miserable" .50) or a near-singular matrix is reported as
    a Diagnostic; with fewer than two usable items nothing can be computed and all values are NaN.
    """
    data = numeric_items(data)
    items, diagnostics = usable_items(data)
    diagnostics = list(diagnostics)
    complete = data[items].dropna()
    n = len(complete)
    if len(items) < 2 or n <= len(items):
        diagnostics.append(warn("factorability_undefined", f"{len(items)} usable items on {n} "
                                "complete rows: KMO and Bartlett's test need at least 2 items "
                                "and more rows than items"))
        nan = math.nan
        return Factorability(nan, pd.Series(nan, index=items, name="msa"),
                             BartlettTest(nan, len(items) * (len(items) - 1) // 2, nan), n,
                             tuple(items), tuple(diagnostics))
    corr = correlation_matrix(complete)
    smallest = float(np.linalg.eigvalsh(corr.to_numpy())[0])
    if smallest < SINGULAR_EIGENVALUE:
        diagnostics.append(warn("singular_correlation", f"the item correlation matrix is "
                                f"(near) singular (smallest eigenvalue {smallest:.2e}); KMO "
                                "is unreliable"))
    overall, msa = kmo(corr)
    if overall < 0.60:
        diagnostics.append(warn("low_kmo", f"KMO = {overall:.3f} is below .60: the items share "
                                "too little variance for factor analysis"))
    return Factorability(overall, msa, bartlett_sphericity(corr, n), n, tuple(items),
                         tuple(diagnostics))
