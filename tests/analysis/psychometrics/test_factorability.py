"""analysis.psychometrics.factorability against psych::KMO and psych::cortest.bartlett on psych::bfi.

Reference: tests/fixtures/psych_bfi.R -> psych_bfi.json / psych_bfi.csv (listwise n = 2436).
Tolerance 1e-3 (absolute); Bartlett's chi-square relative 1e-6.
"""
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.diagnostics import StatisticalWarning
from analysis.psychometrics.factorability import (assess_factorability, bartlett_sphericity, correlation_matrix,
                                                  kmo, usable_items)
from analysis.results import to_plain
from questionnaire.errors import InputError

FIX = Path(__file__).parents[2] / "fixtures"
TOL = 1e-3


@pytest.fixture(scope="module")
def bfi():
    return pd.read_csv(FIX / "psych_bfi.csv"), json.loads((FIX / "psych_bfi.json").read_text())


def test_factorability_matches_psych(bfi):
    data, ref = bfi
    expected = ref["factorability"]
    result = assess_factorability(data)
    got = to_plain(result)
    assert result.diagnostics == ()
    assert got["n"] == 2436
    assert got["kmo"] == pytest.approx(expected["kmo"], abs=TOL)
    assert list(got["msa"]) == list(expected["msa"])
    assert list(got["msa"].values()) == pytest.approx(list(expected["msa"].values()), abs=TOL)
    assert got["bartlett"]["chisq"] == pytest.approx(expected["bartlett"]["chisq"], rel=1e-6)
    assert got["bartlett"]["df"] == expected["bartlett"]["df"] == 300
    assert got["bartlett"]["pvalue"] == pytest.approx(expected["bartlett"]["pvalue"], abs=TOL)


def test_kmo_and_bartlett_on_a_matrix(bfi):
    data, ref = bfi
    corr = correlation_matrix(data)
    overall, msa = kmo(corr)
    assert overall == pytest.approx(ref["factorability"]["kmo"], abs=TOL)
    assert msa["O5"] == pytest.approx(ref["factorability"]["msa"]["O5"], abs=TOL)
    small = bartlett_sphericity(corr.iloc[:3, :3], 100)
    r = corr.iloc[:3, :3].to_numpy()
    assert small.chisq == pytest.approx(-(99 - 11 / 6) * math.log(np.linalg.det(r)))
    assert small.df == 3


def test_correlation_matrix_is_listwise():
    frame = pd.DataFrame({"a": [1.0, 2, 3, 4, np.nan], "b": [2.0, 1, 4, 3, 5]})
    assert correlation_matrix(frame).loc["a", "b"] == pytest.approx(0.6)


def test_constant_item_is_left_out(bfi):
    data, _ = bfi
    frame = data[["A1", "A2", "A3", "A4", "A5"]].assign(K=3)
    with pytest.warns(StatisticalWarning, match="constant_item"):
        result = assess_factorability(frame)
    assert "K" not in to_plain(result)["msa"]
    assert result.kmo == pytest.approx(assess_factorability(data[["A1", "A2", "A3", "A4", "A5"]]).kmo)


def test_duplicate_item_is_left_out(bfi):
    data, _ = bfi
    frame = data[["A1", "A2", "A3"]].assign(A2copy=data["A2"])
    with pytest.warns(StatisticalWarning, match="duplicate_item"):
        items, diagnostics = usable_items(frame)
    assert items == ["A1", "A2", "A3"] and [d.code for d in diagnostics] == ["duplicate_item"]
    with pytest.warns(StatisticalWarning):
        result = assess_factorability(frame)
    assert math.isfinite(result.kmo) and math.isfinite(result.bartlett.chisq)


def test_linear_dependence_is_reported_not_raised(bfi):
    data, _ = bfi
    frame = data[["A2", "A3", "A4"]].assign(S=data["A2"] + data["A3"])
    with pytest.warns(StatisticalWarning, match="singular_correlation"):
        result = assess_factorability(frame)
    got = to_plain(result)
    # det(R) is 0 up to rounding: chi-square infinite (None) or astronomically large
    assert got["bartlett"]["chisq"] is None or got["bartlett"]["chisq"] > 1e4
    assert got["bartlett"]["pvalue"] == 0.0
    assert 0 < got["kmo"] <= 1  # the pseudo-inverse still gives a KMO


def test_single_item_gives_a_diagnostic(bfi):
    data, _ = bfi
    with pytest.warns(StatisticalWarning, match="factorability_undefined"):
        result = assess_factorability(data[["A1"]])
    got = to_plain(result)
    assert got["kmo"] is None and got["bartlett"]["chisq"] is None and got["msa"] == {"A1": None}


def test_low_kmo_is_reported():
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(rng.standard_normal((300, 6)), columns=list("abcdef"))
    with pytest.warns(StatisticalWarning, match="low_kmo"):
        result = assess_factorability(frame)
    assert result.kmo < 0.6


def test_non_numeric_cell_is_an_input_error():
    frame = pd.DataFrame({"a": [1, 2, 3], "b": ["2", "x", "3"]})
    with pytest.raises(InputError, match="column b: non-numeric value 'x'"):
        assess_factorability(frame)
