"""analysis.classical.item_analysis against base R and car on the demo and psych's bfi.

Reference: tests/fixtures/classical.R (27 % groups by ``quantile(type = 6)`` with ties at the cuts, ``car::
leveneTest(center = mean)``, ``t.test(var.equal = levene p ≥ .05)``, ``cor(x, total - x)``). Tolerance 1e-6.
"""
import numpy as np
import pandas as pd
import pytest

from analysis.classical.item_analysis import analyse_items, extreme_groups
from analysis.diagnostics import StatisticalWarning
from analysis.results import to_plain

TOL = 1e-6


def test_critical_ratios_match_r(study):
    ref = study.ref["item_analysis"]
    got = to_plain(analyse_items(study.items, study.instrument.item_ids))
    for key in ("n", "cut_low", "cut_high", "n_low", "n_high"):
        assert got[key] == ref[key], key
    assert got["method"] == "critical_ratio" and got["groups_pct"] == 27
    assert set(got["items"]) == set(ref["items"])
    for item, expected in ref["items"].items():
        row = got["items"][item]
        assert row["test"] == expected["test"], item
        for key in ("mean_high", "mean_low", "levene_pvalue", "cr_t", "cr_df", "cr_pvalue", "item_total_r"):
            assert row[key] == pytest.approx(expected[key], rel=TOL, abs=TOL), (item, key)
        assert ("cr_not_significant" in row["flags"]) == (expected["cr_pvalue"] >= 0.05)
        assert ("low_item_total_r" in row["flags"]) == (expected["item_total_r"] < 0.40)


def test_ties_at_a_cut_belong_to_the_group():
    total = np.array([1, 2, 2, 2, 3, 4, 5, 5, 5, 6], dtype=float)
    low, high, in_low, in_high = extreme_groups(total)
    assert (low, high) == (2.0, 5.0)   # R: quantile(total, c(.27, .73), type = 6)
    assert in_low.sum() == 4 and in_high.sum() == 4   # 40 % each: every tied respondent is in


def test_an_item_everyone_answered_the_same_gets_flags_not_an_error():
    rng = np.random.default_rng(3)
    data = pd.DataFrame(rng.integers(1, 6, size=(60, 4)), columns=list("abcd")).astype(float)
    data["d"] = 3.0
    with pytest.warns(StatisticalWarning, match="item d"):
        result = to_plain(analyse_items(data, list("abcd")))
    assert result["items"]["d"]["cr_t"] is None and result["items"]["d"]["item_total_r"] is None
    assert result["items"]["d"]["flags"] == ["constant_item", "cr_not_significant"]


def test_too_few_respondents_in_a_group_give_a_note():
    data = pd.DataFrame({"a": [1.0, 2, 3], "b": [2.0, 2, 3]})
    with pytest.warns(StatisticalWarning, match="cannot be compared"):
        result = to_plain(analyse_items(data, ["a", "b"]))
    assert "cannot be compared" in result["note"]
    assert all(row["cr_t"] is None for row in result["items"].values())
