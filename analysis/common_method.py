"""Common-method bias: Harman's single-factor test.

The one-factor CFA comparison is added with the CFA module.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.diagnostics import Diagnostic, warn
from analysis.efa import eigenvalues
from analysis.factorability import correlation_matrix, json_float, numeric_items, usable_items

#: Shares of total variance (percent) above which the first factor is flagged.
HARMAN_THRESHOLDS = (40.0, 50.0)


def harman_first_factor_pct(corr: np.ndarray) -> float:
    """Share (%) of total variance taken by the first unrotated principal component.

    ``100 * lambda_1 / p`` with ``lambda_1`` the largest eigenvalue of the item correlation
    matrix — SPSS *Factor, Principal components, unrotated, 1 factor*, "% of Variance" of the
    first row of "Total Variance Explained" (Podsakoff et al., 2003).
    R: ``100 * eigen(cor(x))$values[1] / ncol(x)``.
    """
    return float(100 * eigenvalues(corr)[0] / corr.shape[0])


@dataclass(frozen=True)
class HarmanTest:
    """Harman's single-factor test: first-factor share of variance (%) and its flags."""

    harman_first_factor_pct: float
    n: int
    flags: tuple[dict, ...]
    diagnostics: tuple[Diagnostic, ...] = ()

    def to_dict(self) -> dict:
        """``results.json`` ``common_method``; diagnostics go to ``results.warnings``."""
        return {"harman_first_factor_pct": json_float(self.harman_first_factor_pct),
                "n": self.n, "flags": list(self.flags)}


def harman_test(data: pd.DataFrame) -> HarmanTest:
    """Harman's single-factor test on all item columns, listwise-complete rows.

    Flags ``harman_above_40`` / ``harman_above_50`` when the first factor explains more than
    40% / 50% of the variance (the thresholds used in the literature; 50% is Podsakoff's).
    Constant and duplicated items are left out first; with fewer than two usable items the
    share is NaN and a Diagnostic says so.
    """
    data = numeric_items(data)
    items, diagnostics = usable_items(data)
    diagnostics = list(diagnostics)
    complete = data[items].dropna()
    if len(items) < 2 or len(complete) < 3:
        diagnostics.append(warn("harman_undefined", f"Harman's test needs 2 usable items and 3 "
                                f"complete rows; got {len(items)} and {len(complete)}"))
        return HarmanTest(math.nan, len(complete), (), tuple(diagnostics))
    pct = harman_first_factor_pct(correlation_matrix(complete).to_numpy())
    flags = tuple({"code": f"harman_above_{int(t)}", "value": pct, "threshold": t}
                  for t in HARMAN_THRESHOLDS if pct > t)
    if flags:
        diagnostics.append(warn("common_method_bias", f"the first unrotated factor explains "
                                f"{pct:.1f}% of the variance (> {int(flags[-1]['threshold'])}%)"))
    return HarmanTest(pct, len(complete), flags, tuple(diagnostics))
