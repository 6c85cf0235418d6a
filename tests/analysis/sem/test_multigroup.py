"""analysis.sem.multigroup: the four invariance models of HolzingerSwineford1939 by school against lavaan 0.6
(tests/fixtures/invariance_hs.R: ``cfa(model, data, group = "school", group.equal = ...)``).

Tolerances (issue 13): χ² relative 1e-6, estimates and SEs 1e-5, fit indices 1e-6 (measured: χ² 7e-11
relative, estimates 1e-5 at most, SEs 2.3e-6, CFI/TLI/RMSEA 5e-11, SRMR 1.2e-7).
"""
import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.sem.multigroup import (group_model, group_moments, fit_multigroup, multigroup_fit_indices,
                                     multigroup_scaled_test)
from analysis.sem.specification import specify_model

FIXTURES = Path(__file__).parents[2] / "fixtures"
REF = json.loads((FIXTURES / "invariance_hs.json").read_text())
CFA = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
STEPS = {"configural": (), "metric": ("loadings",), "scalar": ("loadings", "intercepts"),
         "strict": ("loadings", "intercepts", "residuals")}


@pytest.fixture(scope="module")
def moments():
    data = pd.read_csv(FIXTURES / "invariance_hs.csv")
    return group_moments(data, specify_model(CFA).observed, data["school"], tuple(REF["groups"]))


def assert_matches(fit, ref):
    indices = multigroup_fit_indices(fit)
    assert fit.converged
    assert (indices.df, indices.npar, indices.baseline_df) == (ref["df"], ref["npar"], ref["baseline.df"])
    assert indices.chisq == pytest.approx(ref["chisq"], rel=1e-6)
    assert indices.baseline_chisq == pytest.approx(ref["baseline.chisq"], rel=1e-6)
    for name in ("pvalue", "cfi", "tli", "rmsea", "srmr"):
        assert getattr(indices, name) == pytest.approx(ref[name], abs=1e-6), name
    for row in ref["estimates"]:
        ours = fit.estimate(row["lhs"], row["op"], row["rhs"], REF["groups"][row["group"] - 1])
        assert ours.est == pytest.approx(row["est"], abs=1e-5), row
        assert ours.se == pytest.approx(row["se"] or 0.0, abs=1e-5), row
        assert ours.std_all == pytest.approx(row["std_all"], abs=1e-5), row


@pytest.mark.parametrize("step", list(STEPS))
def test_invariance_models_match_lavaan(moments, step):
    fit = fit_multigroup(group_model(specify_model(CFA), 2, STEPS[step]), moments)
    assert [m.n for m in moments] == REF["n"]
    assert_matches(fit, REF["steps"][step])


def test_partial_invariance_frees_one_intercept_in_every_group(moments):
    ref = REF["partial_scalar"]
    model = group_model(specify_model(CFA), 2, STEPS["scalar"], released=frozenset({("x3", "~1", "")}))
    assert_matches(fit_multigroup(model, moments), ref)


def test_structural_paths_per_group_match_lavaan(moments):
    fit = fit_multigroup(group_model(specify_model(CFA + "\nspeed ~ visual + textual"), 2, ("loadings",)), moments)
    assert_matches(fit, REF["sem_metric"])


@pytest.mark.parametrize("estimator", ["MLR", "MLM"])
def test_scaling_factors_of_the_four_steps_match_lavaan(moments, estimator):
    """chisq.scaling.factor of MLR (yuan.bentler.mplus) and MLM (satorra.bentler) multi-group fits with a mean
    structure (tests/fixtures/invariance_scaled.R), 1e-6 relative."""
    ref = next(c for c in json.loads((FIXTURES / "invariance_scaled.json").read_text())["cases"]
               if c["estimator"] == estimator)
    for step in ref["steps"]:
        fit = fit_multigroup(group_model(specify_model(CFA), len(moments), STEPS[step["model"]]), moments)
        assert multigroup_scaled_test(fit, estimator).scaling_factor == pytest.approx(
            step["chisq.scaling.factor"], rel=1e-6), step["model"]
