"""analysis.inference: the shared tests, intervals and effect sizes against R.

Reference: tests/fixtures/baseline_waves.R -> baseline_waves.json (t.test(var.equal = FALSE) on simulated
construct scores, Cohen's d / Hedges' g by formula and psych::cohen.d, prop.test(correct = FALSE)).
Tolerance 1e-6 against R and scipy (every figure is closed-form), 1e-3 where noted.
"""
import json
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from analysis.inference import (cohens_d, critical_z, hedges_g, two_proportion_z_test, two_sided_normal_p, welch_t_test,
                                wilson_interval)
from analysis.results import to_plain
from questionnaire.errors import InputError

FIX = Path(__file__).parents[1] / "fixtures"
TOL = 1e-6

REF = json.loads((FIX / "baseline_waves.json").read_text())


def _summary(wave):
    return wave["mean"], wave["sd"], wave["n"]


@pytest.mark.parametrize("case", REF["welch"], ids=lambda c: c["construct"])
def test_welch_matches_r_t_test(case):
    args = (*_summary(case["before"]), *_summary(case["after"]))
    got = to_plain(welch_t_test(*args))
    for key in ("diff", "t", "df", "pvalue", "ci_lower", "ci_upper"):
        assert got[key] == pytest.approx(case[key], abs=TOL), key
    d = cohens_d(*args)
    assert d == pytest.approx(case["cohens_d"], abs=TOL)
    assert d == pytest.approx(case["psych_hedges_g"], abs=TOL)
    assert hedges_g(d, case["before"]["n"], case["after"]["n"]) == pytest.approx(case["hedges_g"], abs=TOL)


@pytest.mark.parametrize("case", REF["welch"], ids=lambda c: c["construct"])
def test_welch_matches_scipy_from_stats(case):
    b, a = _summary(case["before"]), _summary(case["after"])
    ref = stats.ttest_ind_from_stats(*a, *b, equal_var=False)
    got = welch_t_test(*b, *a)
    assert got.t == pytest.approx(ref.statistic, abs=TOL)
    assert got.pvalue == pytest.approx(ref.pvalue, abs=TOL)


def test_hedges_correction_is_close_to_the_approximation():
    m = 10 + 12 - 2
    assert hedges_g(1.0, 10, 12) == pytest.approx(1 - 3 / (4 * m - 1), abs=1e-3)


@pytest.mark.parametrize("case", REF["rates"], ids=lambda c: c["indicator"])
def test_two_proportions_match_prop_test(case):
    b, a = case["before"], case["after"]
    got = to_plain(two_proportion_z_test(b["count"], b["n"], a["count"], a["n"]))
    for key in ("diff", "z", "pvalue", "ci_lower", "ci_upper"):
        assert got[key] == pytest.approx(case[key], abs=TOL), key
    assert got["z"] ** 2 == pytest.approx(case["chisq"], abs=TOL)


def test_critical_z_and_two_sided_p():
    assert critical_z(0.95) == pytest.approx(1.959964, abs=TOL)
    assert two_sided_normal_p(1.959964) == pytest.approx(0.05, abs=TOL)
    assert np.isnan(two_sided_normal_p(float("nan"))) and np.isnan(two_sided_normal_p(float("inf")))


def test_wilson_interval_edges():
    lo, hi = wilson_interval(0, 10)
    assert lo == pytest.approx(0, abs=1e-12) and 0 < hi < 0.3
    assert all(np.isnan(wilson_interval(0, 0)))


def test_degenerate_statistics_are_nan():
    assert np.isnan(welch_t_test(3.0, 0.5, 1, 3.2, 0.5, 30).t)
    assert np.isnan(welch_t_test(3.0, 0.0, 10, 3.2, 0.0, 30).t)
    one_sided = welch_t_test(3.0, 0.0, 10, 3.2, 0.4, 30)
    assert one_sided.df == pytest.approx(29)
    assert np.isnan(cohens_d(3.0, 0.0, 10, 3.0, 0.0, 10))
    assert np.isnan(hedges_g(0.5, 1, 1))
    assert np.isnan(two_proportion_z_test(0, 40, 0, 50).z)
    assert np.isnan(two_proportion_z_test(0, 0, 4, 50).diff)


def test_bad_counts_and_level_raise():
    with pytest.raises(InputError, match="proportion after: count must lie between 0 and n"):
        two_proportion_z_test(3, 10, 12, 10)
    with pytest.raises(InputError, match="confidence level must lie strictly between 0 and 1"):
        welch_t_test(3.0, 0.5, 10, 3.2, 0.5, 30, level=95)
