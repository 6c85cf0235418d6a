"""Common-method bias: Harman's single-factor test and the one-factor CFA against the measurement model."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.diagnostics import Diagnostic, warn
from analysis.numbers import numeric_items
from analysis.psychometrics.efa import eigenvalues
from analysis.psychometrics.factorability import correlation_matrix, usable_items
from analysis.results import plain_fields
from analysis.sem.difference import PLAIN, chisq_difference
from analysis.sem.fit_indices import FitIndices
from analysis.sem.models import CfaResult, fit_cfa

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

    def plain_form(self) -> dict:
        """``results.json`` ``common_method``; diagnostics go to ``results.warnings``."""
        return plain_fields(self, without=("diagnostics",))


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


@dataclass(frozen=True)
class OneFactorComparison:
    """One-factor CFA (all items on one method factor) against the measurement model, by Δχ² (the
    Satorra–Bentler scaled difference when the CFA used MLR or MLM: ``delta_method``)."""

    one_factor_fit: FitIndices
    delta_chisq: float
    delta_df: int
    pvalue: float
    one_factor_worse: bool
    delta_method: str = PLAIN
    delta_scaling_factor: float = math.nan
    diagnostics: tuple[Diagnostic, ...] = ()

    def plain_form(self) -> dict:
        """``results.json`` ``common_method_cfa``; diagnostics go to ``results.warnings``; ``delta_method`` and
        ``delta_scaling_factor`` only for a scaled test (ML: the plain Δχ²)."""
        scaled = () if self.delta_method != PLAIN else ("delta_method", "delta_scaling_factor")
        return plain_fields(self, without=("diagnostics", *scaled))


def one_factor_cfa_comparison(data: pd.DataFrame, measurement: dict[str, list[str]],
                              model: CfaResult) -> OneFactorComparison:
    """Fit all items on one factor, with the estimator of ``model``, and test it against the measurement
    model (Podsakoff et al. 2003).

    The one-factor model is nested in the k-factor model (latent correlations fixed at 1), so
    Δχ² = χ²_one − χ²_k on Δdf = df_one − df_k is a likelihood-ratio test, scaled (Satorra & Bentler 2001)
    for MLR and MLM; a significantly worse one-factor fit argues against a single common-method factor.
    Both models are fitted as ``model`` was (listwise, or FIML on the same rows).
    R: ``lavTestLRT(cfa(model, d, estimator = …), cfa("M =~ PQ1 + ... + LY4", d, estimator = …))``.
    """
    items = [item for block in measurement.values() for item in block]
    one = fit_cfa(data, {"METHOD": items}, estimator=model.estimator, missing=model.missing)
    robust = one.fit.robust is not None and model.fit.robust is not None
    test = chisq_difference((one.fit.chisq, one.fit.df), (model.fit.chisq, model.fit.df),
                            (one.fit.robust.chisq_scaling_factor, model.fit.robust.chisq_scaling_factor)
                            if robust else None)
    diagnostics = list(one.diagnostics)
    if not one.converged:
        diagnostics.append(warn("one_factor_not_converged", "the one-factor CFA of Harman's test did not converge"))
    if test.undefined:
        diagnostics.append(warn("scaled_difference_undefined", "Harman's one-factor test: the scaled (Satorra–Bentler "
                                "2001) Δχ² is undefined (negative scaling factor of the difference)"))
    return OneFactorComparison(one.fit, test.delta_chisq, test.delta_df, test.pvalue,
                               bool(test.delta_df > 0 and test.pvalue < 0.05), test.method, test.scaling_factor,
                               tuple(diagnostics))
