"""analysis.psychometrics.common_method: Harman's single-factor test against R (eigen(cor(x))) on psych::bfi.

Reference: tests/fixtures/psych_bfi.R -> psych_bfi.json / psych_bfi.csv. Tolerance 1e-3.
"""
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.diagnostics import StatisticalWarning
from analysis.psychometrics.common_method import harman_first_factor_pct, harman_test
from analysis.psychometrics.factorability import correlation_matrix
from analysis.results import to_plain
from questionnaire.errors import InputError

FIX = Path(__file__).parents[2] / "fixtures"
TOL = 1e-3


@pytest.fixture(scope="module")
def bfi():
    return pd.read_csv(FIX / "psych_bfi.csv"), json.loads((FIX / "psych_bfi.json").read_text())


def test_harman_matches_r(bfi):
    data, ref = bfi
    expected = ref["common_method"]["harman_first_factor_pct"]
    assert harman_first_factor_pct(correlation_matrix(data).to_numpy()) == pytest.approx(
        expected, abs=TOL)
    result = harman_test(data)
    assert to_plain(result) == {"harman_first_factor_pct": pytest.approx(expected, abs=TOL),
                                "n": 2436, "flags": []}
    assert result.diagnostics == ()


def _one_factor_data(loading: float, n: int = 500, p: int = 6) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    common = rng.standard_normal((n, 1))
    x = loading * common + math.sqrt(1 - loading ** 2) * rng.standard_normal((n, p))
    return pd.DataFrame(x, columns=[f"x{i}" for i in range(p)])


def test_flags_above_40_and_50_percent():
    with pytest.warns(StatisticalWarning, match="common_method_bias"):
        strong = harman_test(_one_factor_data(0.9))
    assert [f["code"] for f in strong.flags] == ["harman_above_40", "harman_above_50"]
    with pytest.warns(StatisticalWarning, match="> 40%"):
        middle = harman_test(_one_factor_data(0.62))
    assert 40 < middle.harman_first_factor_pct < 50
    assert [f["code"] for f in middle.flags] == ["harman_above_40"]


def test_constant_and_duplicate_items_are_left_out(bfi):
    data, _ = bfi
    frame = data[["A1", "A2", "A3"]].assign(K=2, A3copy=data["A3"])
    with pytest.warns(StatisticalWarning) as record:
        result = harman_test(frame)
        reference = harman_test(data[["A1", "A2", "A3"]])
    # three items share much variance: the first factor takes > 50%, flagged as well
    assert [d.code for d in result.diagnostics] == ["constant_item", "duplicate_item",
                                                    "common_method_bias"]
    assert len(record) == 4
    assert result.harman_first_factor_pct == pytest.approx(reference.harman_first_factor_pct)


def test_single_item_gives_a_diagnostic(bfi):
    data, _ = bfi
    with pytest.warns(StatisticalWarning, match="harman_undefined"):
        result = harman_test(data[["A1"]])
    assert to_plain(result)["harman_first_factor_pct"] is None


def test_non_numeric_cell_is_an_input_error():
    frame = pd.DataFrame({"a": [1, 2, 3], "b": ["2", "x", "3"]})
    with pytest.raises(InputError, match="column b: non-numeric value 'x'"):
        harman_test(frame)
