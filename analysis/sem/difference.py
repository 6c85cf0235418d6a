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

PLAIN, SATORRA_BENTLER_2001 = "chisq", "satorra.bentler.2001"


@dataclass(frozen=True)
class ChisqDifference:
    """Δχ² (scaled for robust fits), its df and p, the method and c_d (NaN for the plain test)."""

    delta_chisq: float
    delta_df: int
    pvalue: float
    method: str
    scaling_factor: float

    @property
    def undefined(self) -> bool:
        """A scaled test left undefined by a negative c_d (Δχ² and p are NaN)."""
        return self.method == SATORRA_BENTLER_2001 and self.delta_df > 0 and math.isnan(self.scaling_factor)


def chisq_difference(restricted: tuple[float, int], general: tuple[float, int],
                     scaling_factors: tuple[float, float] | None = None) -> ChisqDifference:
    """The difference test of the ``restricted`` model (ML χ², df) against the ``general`` model it is nested
    in: scaled when ``scaling_factors`` (c_0, c_1) of a robust estimator are given, else plain; p is NaN when
    the df do not differ."""
    (chisq_0, df_0), (chisq_1, df_1) = restricted, general
    delta_df = int(df_0 - df_1)
    delta, scaling, method = chisq_0 - chisq_1, math.nan, PLAIN
    if scaling_factors is not None:
        method = SATORRA_BENTLER_2001
        c_0, c_1 = (c if df > 0 else 1.0 for c, df in zip(scaling_factors, (df_0, df_1)))
        if delta_df > 0:
            scaling = (df_0 * c_0 - df_1 * c_1) / delta_df
            scaling = scaling if scaling >= 0 else math.nan
            delta = delta / scaling
    pvalue = float(stats.chi2.sf(delta, delta_df)) if delta_df > 0 else math.nan
    return ChisqDifference(float(delta), delta_df, pvalue, method, float(scaling))
