"""analysis.psychometrics.efa / analysis.psychometrics.rotation against psych::principal, psych::fa, psych::fa.parallel and
GPArotation on psych::bfi (25 items, 5 factors).

Reference: tests/fixtures/psych_bfi.R -> psych_bfi.json / psych_bfi.csv (listwise n = 2436).
Tolerance 1e-3 (absolute). Loadings are compared after matching columns up to sign and order;
they also agree column by column since signs and order follow psych.
"""
import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.diagnostics import StatisticalWarning
from analysis.psychometrics import efa
from analysis.psychometrics.factorability import correlation_matrix
from analysis.psychometrics.rotation import oblimin, promax, varimax
from analysis.results import to_plain
from questionnaire.errors import InputError

FIX = Path(__file__).parents[2] / "fixtures"
TOL = 1e-3


@pytest.fixture(scope="module")
def bfi():
    data = pd.read_csv(FIX / "psych_bfi.csv")
    ref = json.loads((FIX / "psych_bfi.json").read_text())
    return data, ref, correlation_matrix(data).to_numpy()


def _max_diff_up_to_sign_and_order(got: np.ndarray, expected: np.ndarray) -> float:
    """Smallest max |difference| over column permutations and sign flips (greedy per column)."""
    remaining = list(range(expected.shape[1]))
    worst = 0.0
    for j in range(got.shape[1]):
        diff, best = min((np.abs(s * got[:, j] - expected[:, jj]).max(), jj)
                         for jj in remaining for s in (1, -1))
        remaining.remove(best)
        worst = max(worst, diff)
    return worst


def test_eigenvalues_and_kaiser_count(bfi):
    _, ref, corr = bfi
    values = efa.eigenvalues(corr)
    assert values == pytest.approx(ref["efa"]["eigenvalues"], abs=TOL)
    assert efa.kaiser_n_factors(values) == ref["efa"]["kaiser_n_factors"] == 6


def test_parallel_analysis_counts_match_psych(bfi):
    data, ref, _ = bfi
    result = efa.parallel_analysis(data, n_iter=100, seed=12345)
    assert result.n_components == ref["efa"]["parallel_n_components"] == 5
    assert result.n_factors == ref["efa"]["parallel_n_factors"] == 6
    assert result.observed_fa == pytest.approx(ref["efa"]["parallel_fa_values"], abs=TOL)
    # the simulated 95% quantiles sit near psych's simulated means (same null distribution)
    assert result.simulated_pc == pytest.approx(ref["efa"]["parallel_pc_sim_mean"], abs=0.03)
    assert efa.parallel_analysis(data, n_iter=5, seed=3).simulated_pc == pytest.approx(
        efa.parallel_analysis(data, n_iter=5, seed=3).simulated_pc, abs=0)


@pytest.mark.parametrize("method,rotation", list(itertools.product(efa.METHODS, efa.ROTATIONS)))
def test_loadings_match_psych(bfi, method, rotation):
    _, ref, corr = bfi
    solution = ref["efa"]["solutions"][f"{method}_{rotation}"]
    expected = np.array([solution["loadings"][item] for item in ref["meta"]["items"]])
    extraction = efa.extract_factors(corr, 5, method)
    rotated = efa.rotate_loadings(extraction.loadings, rotation, method)
    assert _max_diff_up_to_sign_and_order(rotated.loadings, expected) < TOL
    assert np.abs(rotated.loadings - expected).max() < TOL
    if method != "pc":
        assert list(extraction.communalities) == pytest.approx(
            list(solution["communality"].values()), abs=TOL)


@pytest.mark.parametrize("method,rotation", [("pc", "varimax"), ("pc", "promax"),
                                             ("minres", "oblimin"), ("ml", "varimax")])
def test_fit_efa_variance_matches_psych(bfi, method, rotation):
    data, ref, _ = bfi
    expected = ref["efa"]["solutions"][f"{method}_{rotation}"]["vaccounted"]
    with pytest.warns(StatisticalWarning, match="n_factors_disagree"):
        result = efa.fit_efa(data, ref["meta"]["mapping"], method=method, rotation=rotation,
                             n_iter=10)
    got = to_plain(result)
    assert got["variance_explained_cum"] == pytest.approx(expected["Cumulative Var"], abs=TOL)
    table = got["variance_table"]
    assert [row["rotation_total"] for row in table[:5]] == pytest.approx(expected["SS loadings"],
                                                                         abs=TOL)
    assert table[5]["rotation_total"] is None
    assert [row["initial_total"] for row in table] == pytest.approx(ref["efa"]["eigenvalues"],
                                                                    abs=TOL)
    assert table[-1]["initial_cum_pct"] == pytest.approx(100)


def test_fit_efa_pca_varimax_result(bfi):
    data, ref, _ = bfi
    with pytest.warns(StatisticalWarning, match="Kaiser's rule suggests 6, parallel analysis 5"):
        result = efa.fit_efa(data, ref["meta"]["mapping"], n_iter=20)
    got = to_plain(result)
    assert {"eigenvalues", "kaiser_n_factors", "parallel_n_factors", "n_factors", "method",
            "rotation", "variance_explained_cum", "variance_table", "loadings",
            "flags"} <= set(got)
    assert (got["kaiser_n_factors"], got["parallel_n_factors"], got["n_factors"]) == (6, 5, 5)
    assert (got["method"], got["rotation"], got["n"]) == ("pc", "varimax", 2436)
    expected = ref["efa"]["solutions"]["pc_varimax"]["loadings"]
    for item, row in got["loadings"].items():
        assert row == pytest.approx(expected[item], abs=TOL)
    # SPSS-table totals: extraction = first 5 eigenvalues; rotation redistributes the same total
    table = got["variance_table"]
    assert [r["extraction_total"] for r in table[:5]] == pytest.approx(got["eigenvalues"][:5])
    assert table[4]["rotation_cum_pct"] == pytest.approx(table[4]["extraction_cum_pct"])
    # sorted by factor: the main factor never decreases down the rows
    main = [int(np.argmax(np.abs(row))) for row in got["loadings"].values()]
    assert main == sorted(main)
    assert got["flags"] == [{"code": "cross_loading", "item": "A5", "factors": [2, 4]}]
    assert got["factor_correlations"] is None


def test_oblique_result_has_factor_correlations(bfi):
    data, ref, _ = bfi
    with pytest.warns(StatisticalWarning):
        result = efa.fit_efa(data, ref["meta"]["mapping"], method="minres", rotation="oblimin",
                             n_iter=10)
    phi = np.array(to_plain(result)["factor_correlations"])
    assert phi.shape == (5, 5) and np.allclose(np.diag(phi), 1)
    assert all(row["rotation_pct"] is None for row in result.variance_table)


def test_display_helpers():
    loadings = pd.DataFrame([[0.80, 0.10], [0.45, 0.42], [0.05, 0.70], [0.20, 0.30],
                             [0.65, 0.00]], index=["a1", "a2", "b1", "b2", "b3"],
                            columns=["F1", "F2"])
    assert efa.cross_loading_items(loadings) == {"a2": [1, 2]}
    assert list(efa.sort_loadings(loadings).index) == ["a1", "b3", "a2", "b1", "b2"]
    misplaced = efa.misplaced_items(loadings, {"A": ["a1", "a2"], "B": ["b1", "b2", "b3"]})
    assert misplaced == [{"item": "b3", "construct": "B", "factor": 1, "construct_factor": 2}]


def test_rotations_of_a_turned_simple_structure():
    simple = np.array([[0.8, 0], [0.7, 0], [0.6, 0], [0.5, 0], [0, 0.8], [0, 0.7], [0, 0.6]])
    angle = 0.6
    turned = simple @ np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    # oblimin finds the simple structure exactly; raw varimax up to its loose eps = 1e-5 rule
    assert _max_diff_up_to_sign_and_order(oblimin(turned).loadings, simple) < 1e-4
    assert _max_diff_up_to_sign_and_order(varimax(turned, normalize=False).loadings, simple) < 0.01
    for rotated in (varimax(turned), promax(turned), promax(turned, kaiser_normalize=True),
                    oblimin(turned)):
        assert rotated.converged
        assert np.allclose(turned @ rotated.rotmat, rotated.loadings)
        if rotated.phi is not None:
            assert np.allclose(np.diag(rotated.phi), 1)
    assert varimax(turned).phi is None
    assert np.allclose(varimax(turned).rotmat.T @ varimax(turned).rotmat, np.eye(2))
    one = np.array([[0.5], [0.6], [0.7]])
    for rotate in (varimax, promax, oblimin):
        assert np.array_equal(rotate(one).loadings, one)


def test_constant_and_duplicate_items_are_left_out(bfi):
    data, ref, _ = bfi
    mapping = {"A": ["A1", "A2", "A3", "A4", "A5", "K"], "C": ["C1", "C2", "C3", "C4", "C5", "C6"]}
    frame = data.assign(K=4, C6=data["C1"])
    with pytest.warns(StatisticalWarning) as record:
        result = efa.fit_efa(frame, mapping, n_iter=10)
    codes = [d.code for d in result.diagnostics]
    assert "constant_item" in codes and "duplicate_item" in codes
    assert result.items == tuple(ref["meta"]["mapping"]["A"] + ref["meta"]["mapping"]["C"])
    assert len(record) >= 2
    assert to_plain(result)["n_factors"] == 2


def test_single_item_gives_a_diagnostic_not_an_error(bfi):
    data, _, _ = bfi
    with pytest.warns(StatisticalWarning, match="efa_undefined"):
        result = efa.fit_efa(data, {"A": ["A1"]}, n_iter=10)
    got = to_plain(result)
    assert got["n_factors"] == 0 and got["loadings"] == {"A1": []} and got["parallel"] is None


def test_too_many_factors_are_capped(bfi):
    data, _, _ = bfi
    mapping = {c: [item] for c, item in zip("ABCD", ["A2", "A3", "A4", "A5"])}
    with pytest.warns(StatisticalWarning, match="n_factors_capped"):
        result = efa.fit_efa(data, mapping, method="ml", n_iter=10)
    assert result.n_factors == 1


def test_unknown_method_and_rotation_are_input_errors(bfi):
    data, ref, corr = bfi
    with pytest.raises(InputError, match="unknown EFA extraction method 'uls'"):
        efa.extract_factors(corr, 2, "uls")
    with pytest.raises(InputError, match="unknown EFA rotation 'equamax'"):
        efa.rotate_loadings(np.ones((3, 2)), "equamax", "pc")
    with pytest.raises(InputError, match="unknown EFA extraction method 'alpha'; allowed: pc"):
        efa.fit_efa(data, ref["meta"]["mapping"], method="alpha")
    with pytest.raises(InputError, match="unknown EFA rotation 'quartimax'; allowed: none"):
        efa.fit_efa(data, ref["meta"]["mapping"], rotation="quartimax")
