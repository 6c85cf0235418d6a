"""The whole pipeline on the bundled demo study equals psych, lavaan and semTools.

References (R scripts beside them, run on tests/fixtures/demo_items.csv — the demo's analysed rows,
derived from the simulator's truth, not from our cleaning code):
  psych_demo.json   psych_bfi.R demo_items.csv demo_mapping.json psych_demo.json
  lavaan_demo.json  lavaan_sem.R --data demo_items.csv --model demo_model.lav --bootstrap 2000 --seed 1
                    (the SEM: the seven constructs of the structural model)
  lavaan_demo_cfa.json  lavaan_sem.R --data demo_items.csv --model demo_cfa.lav --fn cfa
                    (the CFA: all eight constructs, the switching-cost moderator included)
  demo_htmt.json    demo_htmt.R
Tolerances follow the measured agreement (largest difference in brackets):
  psych / semTools statistics 1e-12 absolute [5.7e-14: Bartlett's χ²; others ≤ 1.1e-14];
  fit indices 1e-7 absolute, χ²/AIC/BIC 1e-9 relative [2.5e-8, 5.6e-11];
  lavaan estimates, SEs, standardized values, R², CR/AVE, indirect and total effects 1e-5 absolute
  [3.7e-6: lavaan stops its optimiser earlier than ours; the fit function agrees to 1e-10];
  bootstrap CI ends within 0.4 bootstrap SE of lavaan's (independent draws: two 2.5% quantiles of 2000
  draws differ by ≈ .085 SD);
  IPMA performance 0.5 points on the 0–100 scale [0.14: ours is the mean of all valid respondents,
  the reference that of the listwise rows].
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis.pipeline import demo_data_path

FIX = Path(__file__).parents[1] / "fixtures"
PSYCH_TOL = 1e-12
FIT_TOL = {"abs": 1e-7}
FIT_REL_TOL = {"rel": 1e-9}
LAVAAN_TOL = 1e-5
FIT_KEYS = {"chisq": "chisq", "df": "df", "pvalue": "pvalue", "cfi": "cfi", "tli": "tli", "nfi": "nfi",
            "rfi": "rfi", "ifi": "ifi", "pnfi": "pnfi", "pgfi": "pgfi", "rmsea": "rmsea",
            "rmsea_ci_lower": "rmsea.ci.lower", "rmsea_ci_upper": "rmsea.ci.upper", "pclose": "rmsea.pvalue",
            "srmr": "srmr", "rmr": "rmr", "gfi": "gfi", "agfi": "agfi", "aic": "aic", "bic": "bic"}
RELATIVE = {"chisq", "aic", "bic"}


@pytest.fixture(scope="module")
def results(demo_run):
    """results.json of the session's demo run (B = 2000, seed 1, as the lavaan reference)."""
    return json.loads((demo_run.out / "results.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def psych_ref():
    return json.loads((FIX / "psych_demo.json").read_text())


@pytest.fixture(scope="module")
def lavaan_ref():
    return json.loads((FIX / "lavaan_demo.json").read_text())


@pytest.fixture(scope="module")
def lavaan_cfa_ref():
    return json.loads((FIX / "lavaan_demo_cfa.json").read_text())


def test_pipeline_analyses_exactly_the_reference_rows(results):
    reference = pd.read_csv(FIX / "demo_items.csv")
    truth = yaml.safe_load((demo_data_path().parent / "truth.yaml").read_text(encoding="utf-8"))
    planted = {p["respondent"] for p in truth["planted"] if p["kind"] != "honest_with_missing"}
    assert results["meta"]["n_analyzed"] == len(reference) == 488
    assert {e["respondent"] for e in results["exclusions"]} == planted


def test_reliability_equals_psych(results, psych_ref):
    for construct, expected in psych_ref["reliability"].items():
        got = results["reliability"][construct]
        assert got["n"] == expected["n"]
        for key in ("alpha", "alpha_std", "omega"):
            assert got[key] == pytest.approx(expected[key], abs=PSYCH_TOL), (construct, key)
        assert got["alpha_ci"] == pytest.approx(expected["alpha_ci"], abs=PSYCH_TOL)
        for item, citc in expected["citc"].items():
            assert got["items"][item]["citc"] == pytest.approx(citc, abs=PSYCH_TOL)
            assert got["items"][item]["alpha_if_deleted"] == pytest.approx(expected["alpha_if_deleted"][item], abs=PSYCH_TOL)


def test_factorability_and_harman_equal_psych(results, psych_ref):
    expected = psych_ref["factorability"]
    assert results["factorability"]["kmo"] == pytest.approx(expected["kmo"], abs=PSYCH_TOL)
    for item, msa in expected["msa"].items():
        assert results["factorability"]["msa"][item] == pytest.approx(msa, abs=PSYCH_TOL)
    assert results["factorability"]["bartlett"]["chisq"] == pytest.approx(expected["bartlett"]["chisq"], rel=PSYCH_TOL)
    assert results["factorability"]["bartlett"]["df"] == expected["bartlett"]["df"]
    assert results["common_method"]["harman_first_factor_pct"] == pytest.approx(
        psych_ref["common_method"]["harman_first_factor_pct"], abs=PSYCH_TOL)


def test_efa_equals_psych_principal_varimax(results, psych_ref):
    expected = psych_ref["efa"]
    efa = results["efa"]
    assert efa["method"] == "pc" and efa["rotation"] == "varimax"
    assert efa["eigenvalues"] == pytest.approx(expected["eigenvalues"], abs=PSYCH_TOL)
    assert efa["parallel_n_factors"] == expected["parallel_n_components"]
    solution = expected["solutions"]["pc_varimax"]
    assert efa["variance_explained_cum"] == pytest.approx(solution["vaccounted"]["Cumulative Var"], abs=PSYCH_TOL)
    ours = np.array([efa["loadings"][item] for item in solution["loadings"]])
    theirs = np.array(list(solution["loadings"].values()))
    for column in ours.T:  # each of our factors is one of psych's, up to sign and order
        gaps = [min(np.abs(column - ref).max(), np.abs(column + ref).max()) for ref in theirs.T]
        assert min(gaps) < PSYCH_TOL


def test_fit_table_equals_lavaan(results, lavaan_ref, lavaan_cfa_ref):
    for section, reference in (("cfa", lavaan_cfa_ref), ("sem", lavaan_ref)):
        fit = results[section]["fit"]
        for ours, theirs in FIT_KEYS.items():
            expected = reference["fit"][theirs]
            tolerance = FIT_REL_TOL if ours in RELATIVE else FIT_TOL
            assert fit[ours] == pytest.approx(expected, **tolerance), (section, ours)


def test_loadings_correlations_and_validity_equal_lavaan(results, lavaan_cfa_ref):
    std = {(row["lhs"], row["rhs"]): row["est.std"] for row in lavaan_cfa_ref["std"] if row["op"] == "=~"}
    assert len(results["cfa"]["loadings"]) == len(std)
    for row in results["cfa"]["loadings"]:
        assert row["std_all"] == pytest.approx(std[(row["lhs"], row["rhs"])], abs=LAVAAN_TOL)
    for a, row in lavaan_cfa_ref["cor_lv"].items():
        for b, value in row.items():
            assert results["validity"]["latent_cor"][a][b] == pytest.approx(value, abs=LAVAAN_TOL)
    for construct in lavaan_cfa_ref["cor_lv"]:
        loadings = np.array([v for (lhs, _), v in std.items() if lhs == construct])
        cr = loadings.sum() ** 2 / (loadings.sum() ** 2 + (1 - loadings ** 2).sum())
        assert results["validity"]["cr"][construct] == pytest.approx(cr, abs=LAVAAN_TOL)
        assert results["validity"]["ave"][construct] == pytest.approx((loadings ** 2).mean(), abs=LAVAAN_TOL)


def test_htmt_equals_semtools(results):
    expected = json.loads((FIX / "demo_htmt.json").read_text())
    for key in ("htmt", "htmt2"):
        for a, row in expected[key].items():
            for b, value in row.items():
                if a != b:
                    assert results["validity"][key][a][b] == pytest.approx(value, abs=PSYCH_TOL), (key, a, b)


def test_paths_and_r2_equal_lavaan(results, lavaan_ref):
    estimates = {(r["lhs"], r["rhs"]): r for r in lavaan_ref["parameters"] if r["op"] == "~"}
    std = {(r["lhs"], r["rhs"]): r for r in lavaan_ref["std"] if r["op"] == "~"}
    assert len(results["sem"]["paths"]) == len(estimates) == 11
    for path in results["sem"]["paths"]:
        key = (path["lhs"], path["rhs"])
        assert path["est"] == pytest.approx(estimates[key]["est"], abs=LAVAAN_TOL)
        assert path["se"] == pytest.approx(estimates[key]["se"], abs=LAVAAN_TOL)
        assert path["std_all"] == pytest.approx(std[key]["est.std"], abs=LAVAAN_TOL)
        assert path["std_se"] == pytest.approx(std[key]["se"], abs=LAVAAN_TOL)
    for construct in ("CS", "LY"):
        assert results["sem"]["r2"][construct] == pytest.approx(lavaan_ref["r2"][construct], abs=LAVAAN_TOL)


def test_indirect_effects_and_bootstrap_intervals_match_lavaan(results, lavaan_ref):
    defined = {r["lhs"]: r for r in lavaan_ref["parameters"] if r["op"] == ":="}
    defined_std = {r["lhs"]: r for r in lavaan_ref["std"] if r["op"] == ":="}
    percentile = {r["lhs"]: r for r in lavaan_ref["bootstrap"]["perc"] if r["op"] == ":="}
    indirect = {e["from"]: e for e in results["sem"]["indirect"] if e["via"] == "CS" and e["to"] == "LY"}
    assert set(indirect) == {"PQ", "SQ", "PR", "BI", "EX"}
    for driver, effect in indirect.items():
        name = f"ind_{driver}"
        assert effect["est"] == pytest.approx(defined[name]["est"], abs=LAVAAN_TOL)
        assert effect["std_all"] == pytest.approx(defined_std[name]["est.std"], abs=LAVAAN_TOL)
        boot_se = percentile[name]["se"]
        assert effect["ci_lower"] == pytest.approx(percentile[name]["ci.lower"], abs=0.4 * boot_se)
        assert effect["ci_upper"] == pytest.approx(percentile[name]["ci.upper"], abs=0.4 * boot_se)
    assert results["sem"]["bootstrap"]["B"] == 2000


def test_ipma_importance_is_lavaans_total_effect_of_each_driver(results, lavaan_ref):
    """importance = c + a·b from lavaan's estimates; the mediator CS is not a driver."""
    est = {(r["lhs"], r["rhs"]): r["est"] for r in lavaan_ref["parameters"] if r["op"] == "~"}
    entries = {e["construct"]: e for e in results["ipma"]}
    assert set(entries) == {"PQ", "SQ", "PR", "BI", "EX"}
    for driver, entry in entries.items():
        total = est[("LY", driver)] + est[("CS", driver)] * est[("LY", "CS")]
        assert entry["importance"] == pytest.approx(total, abs=LAVAAN_TOL)
    means = pd.read_csv(FIX / "demo_items.csv")
    pq_score = means[["PQ1", "PQ2", "PQ3", "PQ4"]].mean(axis=1).mean()
    assert entries["PQ"]["performance"] == pytest.approx(100 * (pq_score - 1) / 4, abs=0.5)
    assert sorted(e["priority"] for e in entries.values()) == [1, 2, 3, 4, 5]
