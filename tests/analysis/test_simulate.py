"""The simulator: deterministic from the seed, reproduces the bundled demo, follows its population model."""
from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import yaml

from analysis.simulate import DEFAULT_POPULATION, DEMO_SEED, latent_covariance, simulate_study, true_effects
from questionnaire.errors import InputError
from questionnaire.instrument import bundled_instrument_path
from questionnaire.loader import load_instrument
from reports.commands import write_simulated_study


@pytest.fixture(scope="module")
def instrument():
    return load_instrument(bundled_instrument_path())


def test_bundled_demo_is_reproducible_from_its_seed(instrument, tmp_path):
    write_simulated_study(simulate_study(instrument, n=500, seed=DEMO_SEED), tmp_path)
    demo = resources.files("data.demo")
    assert (tmp_path / "responses.csv").read_bytes() == demo.joinpath("responses.csv").read_bytes()
    assert (tmp_path / "truth.yaml").read_bytes() == demo.joinpath("truth.yaml").read_bytes()


def test_other_seed_gives_other_data(instrument):
    a = simulate_study(instrument, n=50, seed=1, contaminate=False).responses
    b = simulate_study(instrument, n=50, seed=2, contaminate=False).responses
    assert not a.equals(b)


def test_planted_respondents_are_listed_with_their_kind(instrument):
    study = simulate_study(instrument, n=300, seed=7)
    kinds = list(study.planted().values())
    expected = DEFAULT_POPULATION["contamination"]
    assert {k: kinds.count(k) for k in set(kinds)} == expected
    frame = study.responses.set_index("resp_id")
    for respondent, kind in study.planted().items():
        row = frame.loc[respondent]
        if kind == "straight_liner":
            assert row[instrument.item_ids].nunique() == 1
        elif kind == "speeder":
            assert row["duration_s"] <= 90
        elif kind == "attention_failure":
            assert row["AC1"] != 4
        elif kind == "mostly_missing":
            assert row[instrument.item_ids].isna().mean() > 0.2
    excluded = sum(1 for k in kinds if k != "honest_with_missing")
    assert len(frame) == 300 + excluded


def test_population_model_is_standardized(instrument):
    sigma = latent_covariance(instrument, DEFAULT_POPULATION)
    assert np.allclose(np.diag(sigma), 1.0)
    # CS = Σ γ ξ + ζ: cov(CS, PQ) = Σ_j γ_j φ_{PQ,j}
    gammas = DEFAULT_POPULATION["paths"]["CS"]
    expected = sum(g * sigma.loc["PQ", x] for x, g in gammas.items())
    assert sigma.loc["CS", "PQ"] == pytest.approx(expected)
    effects = true_effects(instrument, DEFAULT_POPULATION)
    assert effects["total"]["PQ -> LY"] == pytest.approx(0.06 + 0.28 * 0.42)
    assert effects["indirect"]["PQ -> CS -> LY"] == pytest.approx(0.28 * 0.42)


def test_latent_answers_follow_the_loadings(instrument):
    study = simulate_study(instrument, n=4000, seed=3, contaminate=False)
    codes = study.responses[["PQ1", "PQ2"]].astype(float)
    # polychoric ≈ λ1·λ2 = .624; Pearson on 5-point codes is a little lower
    assert 0.52 < codes.corr().iloc[0, 1] < 0.64


def test_too_many_planted_for_the_sample_is_refused(instrument):
    with pytest.raises(InputError, match=r"simulate: n = \d+ is too small for \d+ planted respondents"):
        simulate_study(instrument, n=20, seed=1)


def test_truth_file_is_plain_yaml(instrument, tmp_path):
    write_simulated_study(simulate_study(instrument, n=100, seed=5), tmp_path)
    truth = yaml.safe_load((tmp_path / "truth.yaml").read_text(encoding="utf-8"))
    assert truth["seed"] == 5 and truth["n_usable"] == 100
    assert truth["true_effects"]["direct"]["CS -> LY"] == 0.42


def test_a_construct_on_its_own_scale_is_simulated_on_it(tmp_path):
    document = yaml.safe_load(bundled_instrument_path().read_text(encoding="utf-8"))
    points = [str(i) for i in range(1, 8)]
    document["constructs"][6]["scale"] = {"min": 1, "max": 7, "labels": {"zh": points, "en": points}}
    path = tmp_path / "seven.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    instrument = load_instrument(path)
    study = simulate_study(instrument, n=600, seed=9)
    loyalty = study.responses[["LY1", "LY2", "LY3", "LY4"]]
    assert loyalty.max().max() == 7 and loyalty.min().min() == 1
    assert study.responses["PQ1"].max() == 5
    planted = study.planted()
    straight = [r for r, kind in planted.items() if kind == "straight_liner"]
    rows = study.responses.set_index("resp_id").loc[straight, instrument.item_ids]
    assert (rows.nunique(axis=1) == 1).all() and rows.max().max() <= 5


def test_switching_cost_moderates_satisfaction_to_loyalty(instrument):
    """SW: exogenous in the population (correlated with the drivers), a main effect on LY and an interaction
    CS × SW that the scores' moderation regression finds; Var(LY) stays 1 with the product term."""
    sigma = latent_covariance(instrument, DEFAULT_POPULATION)
    assert np.allclose(np.diag(sigma), 1.0)
    assert sigma.loc["SW", "PQ"] == DEFAULT_POPULATION["exogenous_cor"]["SW"]["PQ"]
    assert true_effects(instrument, DEFAULT_POPULATION)["direct"]["SW -> LY"] == 0.20
    answers = simulate_study(instrument, n=3000, seed=4, contaminate=False).responses
    scores = pd.DataFrame({c: answers[items].astype(float).mean(axis=1) for c, items in instrument.measurement.items()})
    x, m = scores["CS"] - scores["CS"].mean(), scores["SW"] - scores["SW"].mean()
    fit = sm.OLS(scores["LY"], sm.add_constant(pd.DataFrame({"x": x, "m": m, "xm": x * m}))).fit()
    assert fit.params["m"] > 0 and fit.params["xm"] < 0 and fit.pvalues["xm"] < 1e-4
