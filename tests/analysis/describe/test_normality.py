"""analysis.describe.normality.mardia against psych::mardia and the AMOS 28 manual.

References: tests/fixtures/desc_bfi.R (psych::mardia on 10 bfi items, listwise n = 2632) and
tests/fixtures/desc_amos_gw.R (psych::mardia on the AMOS Example 1 data, n = 73, plus the values
printed in the AMOS manual). Tolerance 1e-3 relative for psych; 5e-4 absolute against AMOS's
3-decimal print.
"""
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.describe.normality import mardia
from analysis.diagnostics import StatisticalWarning
from analysis.results import to_plain
from questionnaire.errors import InputError

FIX = Path(__file__).parents[2] / "fixtures"
KEYS = ["b1p", "b2p", "skew", "p_skew", "small_skew", "p_small", "kurtosis", "p_kurt"]


def test_bfi_listwise_matches_psych():
    data = pd.read_csv(FIX / "desc_bfi.csv")
    ref = json.loads((FIX / "desc_bfi.json").read_text())["mardia"]
    with pytest.warns(StatisticalWarning, match="mardia_listwise"):
        res = mardia(data[ref["items"]])
    assert (res.n, res.p) == (ref["n"], ref["p"])
    for key in KEYS:
        assert getattr(res, key) == pytest.approx(ref[key], rel=1e-3, abs=1e-12), key


def test_amos_example_matches_psych_and_amos():
    data = pd.read_csv(FIX / "desc_amos_gw.csv")
    ref = json.loads((FIX / "desc_amos_gw.json").read_text())
    res = mardia(data)
    assert res.diagnostics == ()
    for key in KEYS:
        assert getattr(res, key) == pytest.approx(ref["psych"][key], rel=1e-3), key
    assert res.amos_kurtosis == pytest.approx(ref["amos_manual"]["multivariate_kurtosis"], abs=5e-4)
    assert res.amos_cr == pytest.approx(ref["amos_manual"]["critical_ratio"], abs=5e-4)
    assert res.df_skew == 56
    assert set(to_plain(res)) >= set(KEYS) | {"amos_kurtosis", "amos_cr", "n", "p"}


def test_singular_covariance_gives_nan_and_diagnostic():
    x = np.random.default_rng(1).normal(size=(50, 2))
    data = pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "c": x[:, 0] + x[:, 1]})
    with pytest.warns(StatisticalWarning, match="mardia_singular"):
        res = mardia(data)
    assert math.isnan(res.b2p) and to_plain(res)["kurtosis"] is None
    with pytest.warns(StatisticalWarning, match="mardia_singular"):
        assert math.isnan(mardia(data.iloc[:2, :2]).b1p)


def test_non_numeric_raises():
    with pytest.raises(InputError, match="column a: non-numeric value 'x'"):
        mardia(pd.DataFrame({"a": [1, "x"], "b": [1, 2]}))
