"""On a large sample from the population model, the SEM recovers the true standardized paths."""
from __future__ import annotations

import pytest

from analysis.ingest.cleaning import clean_responses
from analysis.ingest.readers import read_survey
from analysis.sem.models import fit_sem
from analysis.simulate import DEFAULT_POPULATION, simulate_study, true_effects
from questionnaire.instrument import bundled_instrument_path
from questionnaire.loader import load_instrument
from reports.commands import write_simulated_study


def test_true_standardized_paths_are_recovered_at_n_20000(tmp_path):
    """|estimate − truth| < 3 SE for every path (SE ≈ .009 at n = 20 000).

    The population without its cross-loadings is used: with them the simple-structure model is
    misspecified on purpose (the demo's realistic misfit) and the paths are biased by design.
    Discretising into 5 codes attenuates every loading alike and leaves standardized paths intact
    to well within this tolerance. The switching-cost moderator SW is outside the structural model; its
    correlations with the drivers are removed too, since through them the omitted SW → LY path would bias the
    LY paths by .01–.02 (its interaction with CS is uncorrelated with every construct and biases nothing).
    """
    instrument = load_instrument(bundled_instrument_path())
    exogenous = {a: row for a, row in DEFAULT_POPULATION["exogenous_cor"].items() if a != "SW"}
    population = {**DEFAULT_POPULATION, "cross_loadings": {}, "exogenous_cor": exogenous}
    write_simulated_study(simulate_study(instrument, n=20_000, seed=12, population=population), tmp_path)
    survey = read_survey(tmp_path / "responses.csv", instrument)
    cleaned = clean_responses(survey, instrument)
    items = cleaned.analysed[instrument.item_ids].astype(float).dropna()
    assert len(items) == 20_000 - 12  # the planted respondents are gone; 12 kept ones have missing answers

    in_model = {c: instrument.measurement[c] for c in instrument.structural_constructs}
    fitted = fit_sem(items, in_model, instrument.structural_syntax(), bootstrap=0)
    truth = true_effects(instrument, population)["direct"]
    assert len(fitted.paths) == 11 and set(truth) - {f"{p.rhs} -> {p.lhs}" for p in fitted.paths} == {"SW -> LY"}
    for path in fitted.paths:
        true_value = truth[f"{path.rhs} -> {path.lhs}"]
        assert path.std_all == pytest.approx(true_value, abs=3 * path.std_se), f"{path.rhs} -> {path.lhs}"
