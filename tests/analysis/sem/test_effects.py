"""analysis.sem.effects: R², f², effect decomposition and specific indirect effects.

References: lavaan_pd.json (lavaan_sem.R), lavaan_f2.json (lavaan_f2.R: latent regressions on
lavInspect(fit, "cov.lv") and refits with the path fixed at 0 on demo_items.csv), lavaan_demo_med.json
(lavaan_sem.R --model lavaan_demo_med.lav --bootstrap 2000: total effects as := parameters with
se = "bootstrap"). Tolerance 1e-3; bootstrap interval ends within 0.4 bootstrap SE (Monte-Carlo error of
two independent B = 2000 runs, see test_sem_bootstrap.py).
"""
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.results import to_plain
from analysis.sem.effects import (borderline_interval, cohen_f2, effect_decomposition, mediation_type,
                                  r2_interpretable, r_squared, specific_indirect_effects, structural_paths)
from analysis.sem.models import fit_model, fit_sem
from questionnaire.errors import InputError

FIXTURES = Path(__file__).parents[2] / "fixtures"
DEMO_MEASUREMENT = {"PQ": ["PQ1", "PQ2", "PQ3", "PQ4"], "SQ": ["SQ1", "SQ2", "SQ3", "SQ4"],
                    "PR": ["PR1", "PR2", "PR3"], "BI": ["BI1", "BI2", "BI3", "BI4"],
                    "EX": ["EX1", "EX2", "EX3", "EX4"], "CS": ["CS1", "CS2", "CS3"],
                    "LY": ["LY1", "LY2", "LY3", "LY4"]}


@pytest.fixture(scope="module")
def pd_case():
    ref = json.loads((FIXTURES / "lavaan_pd.json").read_text())
    data = pd.read_csv(FIXTURES / "lavaan_pd.csv")
    return ref, data, fit_model(data, ref["model"])


def test_r2_of_endogenous_constructs(pd_case):
    ref, _, fit = pd_case
    r2 = r_squared(fit)
    assert set(r2) == {"dem60", "dem65"}
    assert all(abs(r2[k] - ref["r2"][k]) < 1e-3 for k in r2)


def test_indirect_and_total_effects_equal_lavaan_defined_parameters(pd_case):
    ref, _, fit = pd_case
    defined = {r["lhs"]: r for r in ref["parameters"] if r["op"] == ":="}
    std = {r["lhs"]: r for r in ref["std"] if r["op"] == ":="}
    assert structural_paths(fit.spec) == [("ind60", "dem60", "dem65")]
    (ind,) = specific_indirect_effects(fit)
    assert ind.name == "ind60 -> dem60 -> dem65"
    assert abs(ind.est - defined["ind"]["est"]) < 1e-3 and abs(ind.se - defined["ind"]["se"]) < 1e-3
    assert abs(ind.std_all - std["ind"]["est.std"]) < 1e-3
    effects = {(e.source, e.target): e for e in effect_decomposition(fit)}
    total = effects[("ind60", "dem65")]
    assert abs(total.total - defined["total"]["est"]) < 1e-3
    assert abs(total.total_std - std["total"]["est.std"]) < 1e-3
    assert abs(total.indirect - ind.est) < 1e-9
    assert effects[("ind60", "dem60")].indirect == 0.0
    assert set(effects) == {("ind60", "dem60"), ("ind60", "dem65"), ("dem60", "dem65")}
    assert abs(total.total_se - defined["total"]["se"]) < 1e-3  # delta method, as lavaan's := SE
    assert total.ci_lower == pytest.approx(total.total - 1.959964 * total.total_se, abs=1e-5)
    assert np.isnan(total.ci_lower_bc) and to_plain(total)["ci_upper_bc"] is None
    assert total.method.startswith("delta method")


def test_total_effect_bootstrap_intervals_match_lavaan_defined_totals():
    ref = json.loads((FIXTURES / "lavaan_demo_med.json").read_text())
    data = pd.read_csv(FIXTURES / "demo_items.csv")
    structural = "CS ~ PQ + SQ + PR + BI + EX\nLY ~ PQ + BI + CS"
    result = fit_sem(data, DEMO_MEASUREMENT, structural, bootstrap=2000, seed=3)
    perc = {r["lhs"]: r for r in ref["bootstrap"]["perc"] if r["op"] == ":="}
    perc |= {(r["rhs"], r["lhs"]): r for r in ref["bootstrap"]["perc"] if r["op"] == "~"}
    bc = {r["lhs"]: r for r in ref["bootstrap"]["bc"] if r["op"] == ":="}
    bc |= {(r["rhs"], r["lhs"]): r for r in ref["bootstrap"]["bc"] if r["op"] == "~"}
    effects = {(e.source, e.target): e for e in result.effects}
    assert len(effects) == 11
    for (source, target), e in effects.items():
        key = f"tot_{source}" if target == "LY" and source != "CS" else (source, target)
        p, b = perc[key], bc[key]
        assert abs(e.total - p["est"]) < 1e-3
        assert abs(e.total_se - p["se"]) <= 0.1 * p["se"]
        assert abs(e.ci_lower - p["ci.lower"]) <= 0.4 * p["se"] and abs(e.ci_upper - p["ci.upper"]) <= 0.4 * p["se"]
        assert abs(e.ci_lower_bc - b["ci.lower"]) <= 0.4 * p["se"]
        assert abs(e.ci_upper_bc - b["ci.upper"]) <= 0.4 * p["se"]
        assert e.method.startswith("bootstrap") and set(to_plain(e)) >= {"ci_lower", "ci_upper", "ci_lower_bc",
                                                                          "ci_upper_bc", "total_se", "method"}


@pytest.fixture(scope="module")
def demo_f2():
    ref = json.loads((FIXTURES / "lavaan_f2.json").read_text())
    fit = fit_model(pd.read_csv(FIXTURES / "demo_items.csv"), ref["model"])
    return {(r["lhs"], r["rhs"]): r for r in ref["paths"]}, fit


def test_f2_from_the_implied_latent_covariance_equals_lavaan_and_is_never_negative(demo_f2):
    ref, fit = demo_f2
    f2 = cohen_f2(fit)
    assert {(e.lhs, e.rhs) for e in f2} == set(ref) and len(f2) == 11
    r2 = r_squared(fit)
    for e in f2:
        r = ref[(e.lhs, e.rhs)]
        assert e.f2 >= 0 and e.r2_excluded <= e.r2_included
        assert e.r2_included == pytest.approx(r2[e.lhs], abs=1e-9)  # recursive model: lavaan's R²
        assert abs(e.r2_excluded - r["r2_excluded"]) < 1e-3 and abs(e.f2 - r["f2"]) < 1e-3
        assert "latent covariance" in to_plain(e)["method"]


def test_f2_by_refit_equals_lavaan_refits_and_can_be_negative(demo_f2):
    ref, fit = demo_f2
    for e in cohen_f2(fit, method="refit"):
        r = ref[(e.lhs, e.rhs)]
        assert abs(e.r2_excluded - r["r2_excluded_refit"]) < 1e-3 and abs(e.f2 - r["f2_refit"]) < 1e-3
    assert min(r["f2_refit"] for r in ref.values()) < 0  # lavaan's refit R² exceeds the full model's too
    with pytest.raises(InputError, match="cohen_f2: unknown method"):
        cohen_f2(fit, method="drop")


def test_f2_refits_with_the_path_fixed_at_zero(pd_case):
    _, data, fit = pd_case
    f2 = {(e.lhs, e.rhs): e for e in cohen_f2(fit, method="refit")}
    syntax = "\n".join(line for line in fit.spec.to_lavaan().splitlines() if ":=" not in line)
    reduced = fit_model(data, syntax.replace("dem65 ~ c*ind60", "dem65 ~ 0*ind60"))
    e = f2[("dem65", "ind60")]
    assert e.r2_excluded == pytest.approx(reduced.r2()["dem65"], abs=1e-6)
    assert e.f2 == pytest.approx((e.r2_included - e.r2_excluded) / (1 - e.r2_included))
    assert f2[("dem60", "ind60")].r2_excluded == 0.0
    assert np.isfinite([x.f2 for x in f2.values()]).all()


@pytest.mark.parametrize("ind, direct, same, expected", [
    (True, True, True, ("complementary", "partial")),
    (True, True, False, ("competitive", "partial")),
    (True, False, True, ("indirect-only", "full")),
    (True, None, True, ("indirect-only", "full")),
    (False, True, True, ("direct-only", "none")),
    (False, False, True, ("no-effect", "none")),
])
def test_mediation_type_zhao_lynch_chen(ind, direct, same, expected):
    assert mediation_type(ind, direct, same) == expected


def test_an_r2_outside_zero_to_one_is_not_interpretable():
    """Issue 13, bug 5: R² > 1 or < 0 comes from a negative disturbance variance."""
    assert r2_interpretable(0.0) and r2_interpretable(0.64) and r2_interpretable(1.0)
    assert not r2_interpretable(1.07) and not r2_interpretable(-0.02)


@pytest.mark.parametrize("interval, bc, reasons", [
    ((0.0009, 0.115), (0.004, 0.120), ("bound_near_zero",)),
    ((-0.002, 0.108), (0.003, 0.114), ("bound_near_zero", "intervals_disagree")),
    ((0.02, 0.13), (-0.001, 0.12), ("intervals_disagree",)),
    ((-0.2, -0.05), (-0.21, -0.04), ()),
    ((0.05, 0.2), (float("nan"), float("nan")), ()),          # no BC interval (Sobel): nothing to compare
])
def test_borderline_mediation_intervals(interval, bc, reasons):
    assert borderline_interval(*interval, *bc) == reasons
