"""Issue 7.2: degenerate but valid data run to the end (exit 0); the trouble is recorded in results.json
``warnings`` and shown in report.md.

Each data set is 300 respondents drawn from the corpus instrument (three constructs of three items,
PQ → CS → LY) by :func:`analysis.simulate.simulate_study`, then broken in one way.
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from robustness_support import CORPUS_INSTRUMENT

from analysis.simulate import simulate_study
from questionnaire.loader import load_instrument
from reports.context.base import DIAGNOSTIC_NAMES

N = 300
CUTS = [-1.5, -0.5, 0.5, 1.5]  # latent answer → codes 1–5


@pytest.fixture(scope="module")
def honest() -> pd.DataFrame:
    return simulate_study(load_instrument(CORPUS_INSTRUMENT), n=N, seed=11, contaminate=False).responses


def _likert(z: np.ndarray) -> np.ndarray:
    return np.digitize(z, CUTS) + 1


def _run(loyalty, tmp_path, frame: pd.DataFrame, bootstrap: int = 50) -> tuple[dict, str]:
    data = tmp_path / "responses.csv"
    frame.to_csv(data, index=False)
    out = tmp_path / "out"
    outcome = loyalty("run", "--instrument", CORPUS_INSTRUMENT, "--data", data, "--out", out,
                      "--bootstrap", bootstrap, "--format", "md")
    assert outcome.code == 0, outcome.err
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return results, (out / "report.md").read_text(encoding="utf-8")


def _assert_warned(results: dict, report: str, *codes: str) -> None:
    """Each of ``codes`` is in results.json ``warnings``, and report.md (zh) names it in plain words, not by its code."""
    warnings = {w["code"]: w["message"] for w in results["warnings"]}
    assert set(codes) <= set(warnings), sorted(warnings)
    for code in codes:
        assert DIAGNOSTIC_NAMES[code][0] in report and code not in report, code


def test_a_constant_item(loyalty, tmp_path, honest):
    results, report = _run(loyalty, tmp_path, honest.assign(PQ2=4))
    _assert_warned(results, report, "constant_item", "constant_item_left_out")
    assert "PQ2" not in results["cfa"]["std_loadings"]["PQ"] and results["sem"]["converged"]


def test_two_identical_items(loyalty, tmp_path, honest):
    results, report = _run(loyalty, tmp_path, honest.assign(PQ3=honest["PQ2"]))
    _assert_warned(results, report, "duplicate_item", "collinear_items", "sample_cov_not_pd")


def test_a_construct_whose_items_are_uncorrelated(loyalty, tmp_path, honest):
    rng = np.random.default_rng(5)
    noise = {c: rng.integers(1, 6, N) for c in ("CS1", "CS2", "CS3")}
    results, report = _run(loyalty, tmp_path, honest.assign(**noise))
    _assert_warned(results, report, "heywood_case", "not_converged", "bootstrap_skipped")
    assert "low_alpha" in {flag["code"] for flag in results["reliability"]["CS"]["flags"]}


def test_a_heywood_case(loyalty, tmp_path, honest):
    """r(LY1, LY2) = r(LY1, LY3) = .85, r(LY2, LY3) = .50: λ²(LY1) = .85 · .85 / .50 > 1."""
    rng = np.random.default_rng(6)
    cor = np.array([[1, .85, .85], [.85, 1, .5], [.85, .5, 1]])
    z = rng.multivariate_normal(np.zeros(3), cor, N)
    results, report = _run(loyalty, tmp_path, honest.assign(LY1=_likert(z[:, 0]), LY2=_likert(z[:, 1]),
                                                            LY3=_likert(z[:, 2])))
    _assert_warned(results, report, "heywood_case", "std_loading_above_one")


def test_latent_correlation_near_one(loyalty, tmp_path, honest):
    """CS and LY items all measure one latent variable."""
    rng = np.random.default_rng(7)
    common = rng.normal(size=N)
    items = {c: _likert(0.8 * common + 0.6 * rng.normal(size=N)) for c in ("CS1", "CS2", "CS3", "LY1", "LY2", "LY3")}
    results, report = _run(loyalty, tmp_path, honest.assign(**items))
    _assert_warned(results, report, "latent_cor_near_one")
    assert results["validity"]["latent_cor"]["CS"]["LY"] > 0.95


def test_heavy_missingness_runs_and_reports_the_listwise_n(loyalty, tmp_path):
    """15 % of all item cells missing at random: the run goes on with the complete cases and says how many."""
    instrument = load_instrument(CORPUS_INSTRUMENT)
    frame = simulate_study(instrument, n=700, seed=12, contaminate=False).responses.astype(object)
    holes = np.random.default_rng(8).random((len(frame), len(instrument.item_ids))) < 0.15
    cells = frame[instrument.item_ids].to_numpy()
    cells[holes] = None
    frame[instrument.item_ids] = cells
    results, report = _run(loyalty, tmp_path, frame)
    meta, missing = results["meta"], results["missing"]
    assert meta["n_raw"] == 700 and meta["n_excluded"] > 0
    assert missing["n_respondents"] == meta["n_kept"]
    assert meta["n_analyzed"] == missing["n_listwise"] == meta["n_kept"] - missing["n_dropped_listwise"]
    assert 100 <= meta["n_analyzed"] < meta["n_kept"]
    assert results["cfa"]["n"] == meta["n_analyzed"]
    assert f"{missing['n_dropped_listwise']}名受访者" in report and f"模型样本量为{meta['n_analyzed']}" in report
    _assert_warned(results, report, "listwise_loss")
