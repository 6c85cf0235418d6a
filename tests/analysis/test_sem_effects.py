"""analysis.sem_effects: R², f², effect decomposition and specific indirect effects (lavaan_pd.json)."""
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.sem import fit_model
from analysis.sem_effects import (cohen_f2, effect_decomposition, mediation_type, r_squared,
                                  specific_indirect_effects, structural_paths)

FIXTURES = Path(__file__).parents[1] / "fixtures"


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


def test_f2_refits_with_the_path_fixed_at_zero(pd_case):
    _, data, fit = pd_case
    f2 = {(e.lhs, e.rhs): e for e in cohen_f2(fit)}
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
