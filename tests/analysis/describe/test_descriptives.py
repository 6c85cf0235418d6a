"""analysis.describe.descriptives against psych::describe(type = 2) and SPSS's SE formulas on psych::bfi.

Reference: tests/fixtures/desc_bfi.R -> desc_bfi.json / desc_bfi.csv. Tolerance 1e-3 (absolute).
"""
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.describe.descriptives import (describe_item, describe_items, frequency_table, kurtosis_g2,
                                            multiple_response_table, se_kurtosis, se_skewness, skewness_g1)
from analysis.diagnostics import StatisticalWarning
from analysis.results import to_plain
from questionnaire.errors import InputError

FIX = Path(__file__).parents[2] / "fixtures"
TOL = 1e-3


@pytest.fixture(scope="module")
def bfi():
    return pd.read_csv(FIX / "desc_bfi.csv"), json.loads((FIX / "desc_bfi.json").read_text())


def test_item_table_matches_psych_and_spss(bfi):
    data, ref = bfi
    result = to_plain(describe_items(data, (1, 6), ref["measurement"]))
    assert list(result["items"]) == list(ref["items"])
    for item, expected in ref["items"].items():
        got = result["items"][item]
        for key, value in expected.items():
            if key == "shares":
                assert got["shares"] == pytest.approx(value, abs=TOL)
            else:
                assert got[key] == pytest.approx(value, abs=TOL), (item, key)


def test_construct_mean_scores_match_rowmeans(bfi):
    data, ref = bfi
    result = to_plain(describe_items(data, (1, 6), ref["measurement"]))
    for construct, expected in ref["constructs"].items():
        assert result["constructs"][construct] == pytest.approx(expected, abs=TOL)


def test_profile_counts_match_r_table(bfi):
    data, ref = bfi
    for question, codes in (("gender", [1, 2]), ("education", [1, 2, 3, 4, 5])):
        table = to_plain(frequency_table(data[question], [(c, f"level {c}") for c in codes]))
        expected = ref["profile"][question]
        assert [c["count"] for c in table["categories"]] == [expected["counts"][str(c)] for c in codes]
        assert table["n_missing"] == expected["n_missing"]
        assert table["n_total"] == expected["n_total"]
        assert sum(c["valid_percent"] for c in table["categories"]) == pytest.approx(100)


def test_small_sample_formulas():
    assert math.isnan(skewness_g1([1.0, 2.0])) and math.isnan(kurtosis_g2([1.0, 2.0, 3.0]))
    assert math.isnan(se_skewness(2)) and math.isnan(se_kurtosis(3))
    # SPSS prints SE skewness .913 and SE kurtosis 2.000 for n = 5 (exact: sqrt(5/6), 2)
    assert se_skewness(5) == pytest.approx(math.sqrt(120 / 144))
    assert se_kurtosis(5) == pytest.approx(2.0)


def test_constant_item_gives_nan_and_diagnostic():
    with pytest.warns(StatisticalWarning, match="desc_constant_item"):
        row, diags = describe_item(pd.Series([3, 3, 3, np.nan, 3], name="Q1"), (1, 5))
    assert [d.code for d in diags] == ["desc_constant_item"]
    assert row.sd == 0 and math.isnan(row.skew) and math.isnan(row.kurtosis)
    assert to_plain(row)["skew"] is None
    assert row.shares == {1: 0.0, 2: 0.0, 3: 1.0, 4: 0.0, 5: 0.0}


def test_empty_item_and_off_scale_values():
    with pytest.warns(StatisticalWarning, match="desc_no_data"):
        row, _ = describe_item(pd.Series([np.nan, np.nan], name="Q1"), (1, 5))
    assert row.n == 0 and math.isnan(row.mean)
    with pytest.warns(StatisticalWarning, match="desc_off_scale"):
        row, diags = describe_item(pd.Series([1, 2, 7, 2.5], name="Q2"), (1, 5))
    assert sum(row.shares.values()) == pytest.approx(0.5)
    assert diags[0].code == "desc_off_scale"


def test_single_item_construct_and_per_item_scale():
    data = pd.DataFrame({"A1": [1, 2, 3, 4], "B1": [7, 8, 9, 10], "B2": [6, 8, 9, 10]})
    with pytest.warns(StatisticalWarning, match="single_item"):
        res = describe_items(data, {"A1": (1, 5), "B1": (1, 10), "B2": (1, 10)}, {"A": ["A1"], "B": ["B1", "B2"]})
    assert res.constructs[0].mean == pytest.approx(2.5)
    assert res.constructs[1].mean == pytest.approx(8.375)
    assert len(to_plain(res)["items"]["B1"]["shares"]) == 10


def test_bad_input_raises():
    data = pd.DataFrame({"Q1": [1, "x", 3]})
    with pytest.raises(InputError, match="column Q1: non-numeric value 'x'"):
        describe_items(data, (1, 5))
    with pytest.raises(InputError, match="column Q2: item not in the data"):
        describe_items(pd.DataFrame({"Q1": [1]}), (1, 5), {"A": ["Q2"]})
    with pytest.raises(InputError, match="scale minimum must be below maximum"):
        describe_items(pd.DataFrame({"Q1": [1]}), (5, 1))
    with pytest.raises(InputError, match="column Q1: no scale given for item"):
        describe_items(pd.DataFrame({"Q1": [1]}), {"Q9": (1, 5)})


def test_frequency_table_percentages_and_unknown_code():
    s = pd.Series(["m", "f", "f", None], name="sex")
    t = to_plain(frequency_table(s, [("f", "female"), ("m", "male"), ("d", "diverse")]))
    assert [c["count"] for c in t["categories"]] == [2, 1, 0]
    assert t["categories"][0]["percent"] == pytest.approx(50) and t["categories"][0]["valid_percent"] == pytest.approx(200 / 3)
    assert t["n_missing"] == 1 and t["missing_percent"] == pytest.approx(25)
    with pytest.raises(InputError, match="column sex: answer code not among the options 'x'; allowed: f, m"):
        frequency_table(pd.Series(["x"], name="sex"), [("f", "female"), ("m", "male")])


def test_multiple_response_table():
    cols = pd.DataFrame({"ch_1": [1, 0, 1, np.nan], "ch_2": [1, 1, 0, np.nan], "ch_3": [0, 0, 0, np.nan]})
    t = to_plain(multiple_response_table(cols, [(1, "app"), (2, "web"), (3, "mini program")], "channel"))
    assert t["kind"] == "multiple" and t["n_valid"] == 3 and t["n_missing"] == 1
    assert [c["count"] for c in t["categories"]] == [2, 2, 0]
    assert t["categories"][0]["valid_percent"] == pytest.approx(200 / 3)
    with pytest.raises(InputError, match="column ch_2: multiple-choice cell is not 0/1 2"):
        multiple_response_table(cols.assign(ch_2=[1, 2, 0, 0]), [(1, "a"), (2, "b"), (3, "c")], "channel")
    with pytest.raises(InputError, match="column channel: 3 columns for 2 options"):
        multiple_response_table(cols, [(1, "a"), (2, "b")], "channel")
