"""The χ² difference test of two nested models: plain Δχ² for ML, the Satorra–Bentler (2001) scaled
difference for robust estimators (lavaan ``lavTestLRT(general, restricted)``, whose default for MLM and MLR is
``method = "satorra.bentler.2001"``, ``R/lav_test_diff.R``).

With T_0, T_1 the ML χ² of the restricted and the general model, r_0, r_1 their df and c_0, c_1 their scaling
factors (c of a model with df = 0 taken as 1):

    c_d = (r_0·c_0 − r_1·c_1) / (r_0 − r_1),     T_d = (T_0 − T_1) / c_d  on  r_0 − r_1 df

(Satorra & Bentler 2001, eq. 2.5); a negative c_d leaves the test undefined (NaN; lavaan warns likewise).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

from analysis.sem.fit_indices import FitIndices

PLAIN, SATORRA_BENTLER_2001 = "chisq", "satorra.bentler.2001"


@dataclass(frozen=True)
class ChisqDifference:
    """Δχ² (scaled for robust fits), its df and p, the method and c_d (NaN for the plain test)."""

    delta_chisq: float
    delta_df: int
    pvalue: float
    method: str
    scaling_factor: float


def chisq_difference(restricted: FitIndices, general: FitIndices) -> ChisqDifference:
    """The difference test of ``restricted`` against the ``general`` model it is nested in: scaled when both
    fits are robust (MLM / MLR), else plain; p is NaN when the df do not differ."""
    delta_df = int(restricted.df - general.df)
    delta, scaling, method = restricted.chisq - general.chisq, math.nan, PLAIN
    if restricted.robust is not None and general.robust is not None:
        method = SATORRA_BENTLER_2001
        c_0 = restricted.robust.chisq_scaling_factor if restricted.df > 0 else 1.0
        c_1 = general.robust.chisq_scaling_factor if general.df > 0 else 1.0
        if delta_df > 0:
            scaling = (restricted.df * c_0 - general.df * c_1) / delta_df
            scaling = scaling if scaling >= 0 else math.nan
            delta = delta / scaling
    pvalue = float(stats.chi2.sf(delta, delta_df)) if delta_df > 0 else math.nan
    return ChisqDifference(float(delta), delta_df, pvalue, method, float(scaling))
