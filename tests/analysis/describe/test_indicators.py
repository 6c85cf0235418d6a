"""analysis.describe.indicators against R on a seeded synthetic sample.

Reference: tests/fixtures/desc_indicators.R -> desc_indicators.json / .csv (NPS Wald CI by the
Rocks 2016 formula, Wilson CI from prop.test(correct = FALSE), chisq.test(correct = FALSE)).
Tolerance 1e-3 (absolute; NPS in percentage points).
"""
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.describe.indicators import (chi_square_independence, net_promoter_score, paid_membership_share,
                                          repeat_purchase_rate)
from analysis.diagnostics import StatisticalWarning
from analysis.results import to_plain
from questionnaire.errors import InputError

FIX = Path(__file__).parents[2] / "fixtures"
TOL = 1e-3


@pytest.fixture(scope="module")
def sample():
    data = pd.read_csv(FIX / "desc_indicators.csv", keep_default_na=False, na_values=[""])
    return data, json.loads((FIX / "desc_indicators.json").read_text())


def _compare(result, ref):
    got = to_plain(result)
    for key, value in ref["overall"].items():
        assert got["overall"][key] == pytest.approx(value, abs=TOL), key
    assert set(got["by_group"]) == set(ref["by_group"])
    for group, expected in ref["by_group"].items():
        for key, value in expected.items():
            assert got["by_group"][group][key] == pytest.approx(value, abs=TOL), (group, key)
    for key, value in ref["test"].items():
        assert got["test"][key] == pytest.approx(value, abs=TOL), key


def test_nps_matches_r(sample):
    data, ref = sample
    res = net_promoter_score(data["nps"], data["platform"])
    _compare(res, ref["nps"])
    d = to_plain(res)["overall"]
    assert d["promoters"] + d["passives"] + d["detractors"] == d["n"]
    assert d["nps"] == pytest.approx(d["promoters_pct"] - d["detractors_pct"])


def test_repeat_purchase_matches_r(sample):
    data, ref = sample
    _compare(repeat_purchase_rate(data["orders"], data["platform"]), ref["repeat_purchase"])


def test_paid_membership_matches_r(sample):
    data, ref = sample
    _compare(paid_membership_share(data["membership"], data["platform"]), ref["paid_membership"])


def test_two_by_two_has_no_yates_correction(sample):
    data, ref = sample
    two = data["platform"].isin(["taobao", "jd"])
    buyer = (data["orders"] >= 2).where(data["orders"].notna())
    test, diags = chi_square_independence(buyer, data["platform"].where(two))
    assert diags == []
    for key, value in ref["repeat_purchase_2x2"].items():
        assert to_plain(test)[key] == pytest.approx(value, abs=TOL), key


def test_small_expected_counts_are_flagged():
    outcome = pd.Series([1, 1, 0, 0, 1, 0, 1, 1])
    group = pd.Series(["a", "a", "a", "b", "b", "b", "c", "c"])
    with pytest.warns(StatisticalWarning, match="chisq_small_expected"):
        test, diags = chi_square_independence(outcome, group)
    assert test.n_expected_below_5 == test.n_cells == 6 and test.df == 2
    assert diags[0].code == "chisq_small_expected"


def test_without_group_and_degenerate_table():
    res = repeat_purchase_rate(pd.Series([0, 1, 2, 5, np.nan], name="orders"))
    assert res.test is None and res.by_group == {} and res.overall.count == 2 and res.overall.n == 4
    with pytest.warns(StatisticalWarning, match="chisq_degenerate"):
        res = paid_membership_share(pd.Series(["none", "vip", "vip"]), pd.Series(["a", "a", "a"]))
    assert res.test is None and to_plain(res)["test"] is None


def test_empty_indicator_and_missing_none_label():
    with pytest.warns(StatisticalWarning, match="indicator_no_data"):
        res = net_promoter_score(pd.Series([np.nan, np.nan], name="nps"))
    assert to_plain(res)["overall"]["nps"] is None
    with pytest.warns(StatisticalWarning, match="membership_no_none"):
        paid_membership_share(pd.Series(["无", "vip"]))


def test_bad_input_raises():
    with pytest.raises(InputError, match="column nps: NPS answer outside 0-10 11"):
        net_promoter_score(pd.Series([3, 11], name="nps"))
    with pytest.raises(InputError, match="column orders: negative order count -1"):
        repeat_purchase_rate(pd.Series([1, -1], name="orders"))
    with pytest.raises(InputError, match="confidence level must lie strictly between 0 and 1"):
        net_promoter_score(pd.Series([3, 9], name="nps"), level=95)
    with pytest.raises(InputError, match="column platform: grouping column has 1 rows, the indicator 2"):
        net_promoter_score(pd.Series([3, 9], name="nps"), pd.Series(["a"], name="platform"))
