"""analysis.psychometrics.reliability against psych::alpha / psych::omega on psych::bfi.

Reference: tests/fixtures/psych_bfi.R -> psych_bfi.json / psych_bfi.csv (7 items reverse-keyed
as 7 - x, listwise n = 2436). Tolerance 1e-3 (absolute), as issue 4 asks.
"""
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.diagnostics import StatisticalWarning
from analysis.psychometrics.reliability import (alpha_if_item_deleted, assess_reliability, construct_reliability,
                                                corrected_item_total_correlations, cronbach_alpha, feldt_ci,
                                                omega_total, standardized_alpha)
from analysis.results import to_plain
from questionnaire.errors import InputError

FIX = Path(__file__).parents[2] / "fixtures"
TOL = 1e-3


@pytest.fixture(scope="module")
def bfi():
    return pd.read_csv(FIX / "psych_bfi.csv"), json.loads((FIX / "psych_bfi.json").read_text())


def test_every_construct_matches_psych(bfi):
    data, ref = bfi
    result = assess_reliability(data, ref["meta"]["mapping"])
    assert list(result) == list(ref["reliability"])
    for construct, expected in ref["reliability"].items():
        got = to_plain(result[construct])
        assert got["n"] == expected["n"] == 2436
        for key in ("alpha", "alpha_std", "omega"):
            assert got[key] == pytest.approx(expected[key], abs=TOL), (construct, key)
        assert got["alpha_ci"] == pytest.approx(expected["alpha_ci"], abs=TOL)
        for item in expected["citc"]:
            assert got["items"][item]["citc"] == pytest.approx(expected["citc"][item], abs=TOL)
            assert got["items"][item]["alpha_if_deleted"] == pytest.approx(
                expected["alpha_if_deleted"][item], abs=TOL)


def test_single_statistics_match_psych(bfi):
    data, ref = bfi
    items = ref["meta"]["mapping"]["C"]
    expected = ref["reliability"]["C"]
    x = data[items]
    assert cronbach_alpha(x) == pytest.approx(expected["alpha"], abs=TOL)
    assert standardized_alpha(x) == pytest.approx(expected["alpha_std"], abs=TOL)
    assert omega_total(x) == pytest.approx(expected["omega"], abs=TOL)
    assert feldt_ci(expected["alpha"], 2436, 5) == pytest.approx(expected["alpha_ci"], abs=TOL)
    assert list(corrected_item_total_correlations(x)) == pytest.approx(
        list(expected["citc"].values()), abs=TOL)
    assert list(alpha_if_item_deleted(x)) == pytest.approx(
        list(expected["alpha_if_deleted"].values()), abs=TOL)


def test_statistics_use_listwise_rows(bfi):
    data, ref = bfi
    items = ref["meta"]["mapping"]["A"]
    holed = data[items].copy()
    holed.iloc[:10, 0] = np.nan
    assert cronbach_alpha(holed) == pytest.approx(cronbach_alpha(data[items].iloc[10:]), abs=1e-12)
    result = construct_reliability(holed, "A", items)
    assert result.n == 2426


def test_flags_on_bfi(bfi):
    data, ref = bfi
    result = assess_reliability(data, ref["meta"]["mapping"])
    o_flags = {(f["code"], f["item"]) for f in to_plain(result["O"])["flags"]}
    assert o_flags == {("low_alpha", None), ("low_citc", "O4"), ("alpha_rises_if_deleted", "O4")}
    assert [(f["code"], f["item"]) for f in result["A"].flags] == [("alpha_rises_if_deleted", "A1")]
    assert result["C"].flags == ()


def test_two_item_construct_matches_psych(bfi):
    data, ref = bfi
    expected = ref["degenerate"]["two_items"]
    with pytest.warns(StatisticalWarning, match="two_item_construct"):
        result = construct_reliability(data, "A", expected["items"])
    got = to_plain(result)
    for key in ("alpha", "alpha_std", "omega"):
        assert got[key] == pytest.approx(expected[key], abs=TOL)
    assert got["alpha_ci"] == pytest.approx(expected["alpha_ci"], abs=TOL)
    assert [got["items"][i]["citc"] for i in expected["items"]] == pytest.approx(expected["citc"],
                                                                                 abs=TOL)
    assert all(got["items"][i]["alpha_if_deleted"] is None for i in expected["items"])
    assert [d.code for d in result.diagnostics] == ["two_item_construct"]


def test_constant_item_is_left_out_as_psych_does(bfi):
    data, ref = bfi
    expected = ref["degenerate"]["constant_item"]
    frame = data[expected["items"]].assign(K=3)
    with pytest.warns(StatisticalWarning, match="constant_item"):
        result = construct_reliability(frame, "A", [*expected["items"], "K"])
    got = to_plain(result)
    for key in ("alpha", "alpha_std"):
        assert got[key] == pytest.approx(expected[key], abs=TOL)
    assert got["alpha_ci"] == pytest.approx(expected["alpha_ci"], abs=TOL)
    assert [got["items"][i]["citc"] for i in expected["items"]] == pytest.approx(expected["citc"],
                                                                                 abs=TOL)
    assert [got["items"][i]["alpha_if_deleted"] for i in expected["items"]] == pytest.approx(
        expected["alpha_if_deleted"], abs=TOL)
    assert got["items"]["K"] == {"citc": None, "alpha_if_deleted": None}
    assert math.isfinite(got["omega"])


def test_single_item_construct_gives_a_diagnostic_not_an_error(bfi):
    data, _ = bfi
    with pytest.warns(StatisticalWarning, match="reliability_undefined"):
        result = construct_reliability(data, "X", ["A2"])
    got = to_plain(result)
    assert got["alpha"] is None and got["omega"] is None and got["alpha_ci"] == [None, None]
    assert got["n"] == 2436 and got["items"] == {"A2": {"citc": None, "alpha_if_deleted": None}}
    assert got["flags"] == []


def test_identical_items_are_reported_and_computed(bfi):
    data, _ = bfi
    frame = data[["A2", "A3", "A4"]].assign(A5=data["A2"])
    with pytest.warns(StatisticalWarning, match="duplicate_item"):
        result = construct_reliability(frame, "A", ["A2", "A3", "A4", "A5"])
    assert math.isfinite(result.alpha) and math.isfinite(result.omega)
    assert "duplicate_item" in [d.code for d in result.diagnostics]


def test_negatively_loading_item_is_reported(bfi):
    data, _ = bfi
    frame = data[["A2", "A3", "A4"]].assign(A1=7 - data["A5"])
    with pytest.warns(StatisticalWarning, match="negative_loading"):
        result = construct_reliability(frame, "A", ["A2", "A3", "A4", "A1"])
    assert result.citc["A1"] < 0


def test_too_few_rows_gives_a_diagnostic():
    frame = pd.DataFrame({"a": [1, 2, np.nan], "b": [2, np.nan, 3]})
    with pytest.warns(StatisticalWarning, match="reliability_undefined"):
        result = construct_reliability(frame, "X", ["a", "b"])
    assert result.n == 1 and math.isnan(result.alpha)


def test_missing_item_column_is_an_input_error(bfi):
    data, _ = bfi
    with pytest.raises(InputError, match="column Z9: item not found in the data"):
        assess_reliability(data, {"A": ["A1", "Z9"]})


def test_non_numeric_cell_is_an_input_error():
    frame = pd.DataFrame({"a": [1, 2, 3], "b": ["2", "x", "3"]})
    with pytest.raises(InputError, match="column b: non-numeric value 'x'"):
        construct_reliability(frame, "X", ["a", "b"])
