"""Correlations (相关分析) of the construct scores: M, SD and the Pearson (or Spearman) matrix with p-values.

Construct scores are the project's one definition (:func:`analysis.describe.descriptives.construct_mean_score`,
the mean of a construct's items after reverse coding), here on the listwise sample of the model-based steps.
Optionally √AVE (from the CFA) is carried for the diagonal of the discriminant-validity table
(Fornell & Larcker 1981).

R: ``cor.test(x, y, method = "pearson")`` (t = r·√(n−2)/√(1−r²) on n − 2 df); ``method = "spearman",
exact = FALSE`` for Spearman's ρ (the same t approximation, which R uses whenever ranks are tied).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis.diagnostics import Diagnostic, warn

METHODS = ("pearson", "spearman")
@dataclass(frozen=True)
class CorrelationResult:
    """``results.json`` ``correlations``: the full symmetric matrices (None where undefined)."""

    method: str
    n: int
    constructs: tuple[str, ...]
    mean: dict[str, float | None]
    sd: dict[str, float | None]
    r: dict[str, dict[str, float | None]]
    pvalue: dict[str, dict[str, float | None]]
    sqrt_ave: dict[str, float | None] | None = None
    note: str | None = None
    diagnostics: tuple[Diagnostic, ...] = ()

    def plain_form(self) -> dict:
        return {k: getattr(self, k) for k in ("method", "n", "constructs", "mean", "sd", "r", "pvalue", "sqrt_ave",
                                              "note")}


def _correlation(x: np.ndarray, y: np.ndarray, method: str) -> tuple[float, float]:
    test = stats.pearsonr(x, y) if method == "pearson" else stats.spearmanr(x, y)
    return float(test.statistic), float(test.pvalue)


def correlate_scores(scores: pd.DataFrame, method: str = "pearson",
                     ave: Mapping[str, float | None] | None = None) -> CorrelationResult:
    """M, SD (n − 1) and the ``method`` correlation matrix of the score columns, rows complete for all of them.

    ``ave``: the AVE per construct; given, √AVE is kept for the table's diagonal. A constant score has no
    correlation (None, with a note). ``method`` outside :data:`METHODS` is a programming error.
    """
    if method not in METHODS:
        raise ValueError(f"method {method!r} is not one of {METHODS}")
    data = scores.dropna()
    names = tuple(str(c) for c in data.columns)
    n = len(data)
    constant = [c for c in names if n < 3 or np.ptp(data[c].to_numpy()) == 0]
    r = {a: {} for a in names}
    p = {a: {} for a in names}
    for i, a in enumerate(names):
        for b in names[:i + 1]:
            if a == b:
                value, pv = (None if a in constant else 1.0), None
            elif a in constant or b in constant:
                value = pv = None
            else:
                value, pv = _correlation(data[a].to_numpy(), data[b].to_numpy(), method)
            r[a][b] = r[b][a] = value
            p[a][b] = p[b][a] = pv
    diagnostics = []
    note = None
    if constant:
        note = (f"correlations: the score of {', '.join(constant)} does not vary over the {n} respondents; "
                "its correlations are undefined")
        diagnostics.append(warn("correlation_constant_score", note))
    sqrt_ave = None if ave is None else {c: (float(np.sqrt(ave[c])) if ave.get(c) is not None and ave[c] >= 0 else None)
                                         for c in names}
    return CorrelationResult(method, n, names, {c: float(data[c].mean()) if n else None for c in names},
                             {c: float(data[c].std(ddof=1)) if n > 1 else None for c in names}, r, p, sqrt_ave, note,
                             tuple(diagnostics))
