"""analysis.sem.robust (+ the scaled/robust indices of fit_indices) against lavaan 0.6 ``estimator = "MLR" | "MLM"``
(tests/fixtures/lavaan_robust.R): PoliticalDemocracy and HolzingerSwineford1939 (MLR, MLM), the demo SEM (MLR).

Tolerances (the issue's): χ² and scaled χ² relative 1e-6, estimates and SEs absolute 1e-5, every fit index
1e-6 (relative where above 1); a just-identified model (df = 0) has lavaan's NA where lavaan has it. Measured: scaled χ² ≤ 2.4e-7 relative, est/SE ≤ 6.9e-6 (lavaan's own optimum
is the looser one), indices ≤ 3.4e-7.
"""
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.diagnostics import StatisticalWarning
from analysis.results import to_plain
from analysis.sem.estimation import estimate
from analysis.sem.fit_indices import fit_indices
from analysis.sem.models import estimate_with, item_r2
from analysis.sem.robust import EstimatorChoice, ScaledTest, choose_estimator, robust_ml, with_robust_se
from analysis.sem.specification import specify_model
from questionnaire.errors import InputError

ROOT = Path(__file__).parents[3]
REFERENCE = json.loads((ROOT / "tests" / "fixtures" / "lavaan_robust.json").read_text())
CASES = {c["name"]: c for c in REFERENCE["cases"]}
#: our names whose lavaan name is not the dotted form
LAVAAN_NAME = {"pclose": "rmsea.pvalue"}
NOT_IN_LAVAAN = {"chisq_df", "chisq_df_scaled", "aic_amos", "estimator", "test"}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request):
    ref = CASES[request.param]
    data = pd.read_csv(ROOT / ref["data_file"])
    fit = estimate(specify_model(ref["model"]), data)
    robust = robust_ml(fit, data, ref["estimator"])
    return ref, with_robust_se(fit, robust), robust


def test_estimates_and_robust_se_match_lavaan(case):
    ref, fit, _ = case
    assert fit.estimator == ref["estimator"]
    ours = {(p.lhs, p.op, p.rhs): p for p in fit.parameters}
    for row in ref["parameters"]:
        p = ours[(row["lhs"], row["op"], row["rhs"])]
        assert p.est == pytest.approx(row["est"], abs=1e-5)
        assert p.se == pytest.approx(row["se"], abs=1e-5), (row, p.se)


def test_scaled_and_robust_fit_measures_match_lavaan(case):
    ref, fit, robust = case
    measures = to_plain(fit_indices(fit, robust))
    assert measures["test"] == {"MLM": "satorra.bentler", "MLR": "yuan.bentler.mplus"}[ref["estimator"]]
    assert measures["chisq"] == pytest.approx(ref["fit"]["chisq"], rel=1e-6)
    assert measures["chisq_scaled"] == pytest.approx(ref["fit"]["chisq.scaled"], rel=1e-6)
    compared = 0
    for name, value in measures.items():
        if name in NOT_IN_LAVAAN:
            continue
        expected = ref["fit"][LAVAAN_NAME.get(name, name.replace("_", "."))]
        if expected is None:  # lavaan's NA (df = 0)
            assert value is None, (name, value)
            continue
        assert value == pytest.approx(expected, rel=1e-6, abs=1e-6), (name, value, expected)
        compared += ("scaled" in name) + ("robust" in name)
    assert compared >= (9 if ref["fit"]["df"] == 0 else 17)


def test_ml_fit_indices_carry_no_robust_keys(case):
    ref, fit, _ = case
    assert "chisq_scaled" not in to_plain(fit_indices(fit))


def test_scaled_test_without_degrees_of_freedom_is_nan():
    test = ScaledTest("satorra.bentler", 0.0, 0, 0.0)
    assert np.isnan(test.scaling_factor) and np.isnan(test.pvalue_scaled)
    assert np.isnan(ScaledTest("satorra.bentler", 3.0, 2, -1.0).scaling_factor)


def test_item_r2_is_lavaans_indicator_r2(case):
    ref, fit, _ = case
    r2 = item_r2(fit)
    assert set(r2) == set(fit.observed)
    for item, value in r2.items():
        assert value == pytest.approx(ref["r2"][item], abs=1e-5)  # as the estimates: lavaan stops earlier


@pytest.mark.parametrize("requested, p_skew, p_kurt, expected", [
    (None, 1e-9, 1e-9, ("ML", "default")),
    ("MLM", 0.5, 0.5, ("MLM", "requested")),
    ("auto", 0.30, 0.20, ("ML", "normal")),
    ("auto", 0.30, 0.01, ("MLR", "non_normal")),
    ("auto", 0.001, 0.90, ("MLR", "non_normal")),
    ("auto", None, float("nan"), ("MLR", "normality_unknown")),
])
def test_choose_estimator_follows_mardia_only_for_auto(requested, p_skew, p_kurt, expected):
    choice = choose_estimator(requested, p_skew, p_kurt)
    assert (choice.estimator, choice.reason) == expected and choice.requested == requested


def test_unknown_estimator_is_an_input_error():
    with pytest.raises(InputError, match=r"estimator: unknown.*WLS.*allowed: ML, MLR, MLM, auto"):
        choose_estimator("WLS", 0.5, 0.5)


def test_with_fiml_auto_takes_ml_and_a_robust_estimator_is_refused():
    assert choose_estimator("auto", 0.001, 0.001, "fiml") == EstimatorChoice("ML", "auto", "fiml")
    assert choose_estimator(None, 0.001, 0.001, "fiml").estimator == "ML"
    with pytest.raises(InputError, match="estimator: not available with --missing fiml"):
        choose_estimator("MLR", 0.5, 0.5, "fiml")
    with pytest.raises(InputError, match=r"estimator: unknown.*auto.*allowed: ML, MLR, MLM"):
        estimate_with(specify_model(CASES["hs_mlr"]["model"]), pd.DataFrame(), "auto")


def test_singular_information_gives_nan_robust_se_and_a_warning():
    data = pd.read_csv(ROOT / CASES["hs_mlr"]["data_file"])
    fit = estimate(specify_model(CASES["hs_mlr"]["model"]), data)
    broken = replace(fit, theta=np.zeros_like(fit.theta))  # Σ(0) = 0: not positive definite
    with pytest.warns(StatisticalWarning, match="robust_unavailable"):
        robust = robust_ml(broken, data, "MLR")
    assert np.isnan(robust.vcov).all() and np.isnan(robust.test.chisq_scaled)
    assert [d.code for d in robust.diagnostics] == ["robust_unavailable"]
