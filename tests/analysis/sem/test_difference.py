"""analysis.sem.difference: the Satorra–Bentler (2001) scaled Δχ² against lavaan's ``lavTestLRT`` (MLR, MLM), through
the common-method comparison of a one-factor CFA with the three-factor CFA of HolzingerSwineford1939.

Reference: tests/fixtures/scaled_difference.R -> scaled_difference.json. The formula on lavaan's own χ² and
scaling factors: 1e-12 relative; the whole chain (our fits): 1e-5 relative, because lavaan's scaling factors
carry its optimizer's stopping error (~3e-7, see the R script) and c_d multiplies it by about ten.
"""
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from analysis.psychometrics.common_method import one_factor_cfa_comparison
from analysis.results import to_plain
from analysis.sem.difference import PLAIN, SATORRA_BENTLER_2001, chisq_difference
from analysis.sem.models import fit_cfa

FIX = Path(__file__).parents[2] / "fixtures"
REF = json.loads((FIX / "scaled_difference.json").read_text())
MEASUREMENT = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}


@pytest.fixture(scope="module")
def hs():
    return pd.read_csv(FIX / "lavaan_hs.csv")


@pytest.mark.parametrize("case", REF["cases"], ids=lambda c: c["estimator"])
def test_satorra_bentler_2001_formula_on_lavaans_numbers(case):
    restricted, general = case["restricted"], case["general"]
    test = chisq_difference((restricted["chisq"], restricted["df"]), (general["chisq"], general["df"]),
                            (restricted["chisq.scaling.factor"], general["chisq.scaling.factor"]))
    assert test.method == SATORRA_BENTLER_2001 == case["method"]
    assert (test.delta_chisq, test.delta_df, test.pvalue, test.scaling_factor) == (
        pytest.approx(case["delta_chisq"], rel=1e-12), case["delta_df"], pytest.approx(case["delta_pvalue"], rel=1e-10),
        pytest.approx(case["scaling_factor"], rel=1e-12))


@pytest.mark.parametrize("case", REF["cases"], ids=lambda c: c["estimator"])
def test_common_method_comparison_matches_lavtestlrt(hs, case):
    model = fit_cfa(hs, MEASUREMENT, estimator=case["estimator"])
    comparison = one_factor_cfa_comparison(hs, MEASUREMENT, model)
    assert case["method"] == SATORRA_BENTLER_2001 == comparison.delta_method
    assert comparison.delta_chisq == pytest.approx(case["delta_chisq"], rel=1e-5)
    assert comparison.delta_df == case["delta_df"]
    assert comparison.pvalue == pytest.approx(case["delta_pvalue"], rel=1e-3)  # p ≈ 1e-45: its log moves
    assert comparison.delta_scaling_factor == pytest.approx(case["scaling_factor"], rel=1e-5)
    assert to_plain(comparison)["delta_method"] == SATORRA_BENTLER_2001


def test_ml_keeps_the_plain_difference_and_its_results_keys(hs):
    model = fit_cfa(hs, MEASUREMENT)
    comparison = one_factor_cfa_comparison(hs, MEASUREMENT, model)
    plain = chisq_difference((comparison.one_factor_fit.chisq, comparison.one_factor_fit.df),
                             (model.fit.chisq, model.fit.df))
    assert (plain.method, comparison.delta_method) == (PLAIN, PLAIN) and math.isnan(plain.scaling_factor)
    assert comparison.delta_chisq == pytest.approx(comparison.one_factor_fit.chisq - model.fit.chisq, rel=1e-12)
    assert "delta_method" not in to_plain(comparison) and "delta_scaling_factor" not in to_plain(comparison)


def test_a_negative_scaling_factor_of_the_difference_leaves_the_test_undefined_and_says_so():
    # c_d = (10·1.0 − 8·1.5) / 2 = −1: lavaan warns and gives no test; so does chisq_difference
    test = chisq_difference((30.0, 10), (20.0, 8), (1.0, 1.5))
    assert test.undefined and math.isnan(test.delta_chisq) and math.isnan(test.pvalue)
    assert not chisq_difference((30.0, 10), (20.0, 8), (1.2, 1.1)).undefined
    assert not chisq_difference((30.0, 10), (20.0, 8)).undefined   # the plain test is always defined
