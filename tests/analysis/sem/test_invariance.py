"""analysis.sem.invariance: the invariance sequence, partial invariance and path equality on
HolzingerSwineford1939 by school against lavaan 0.6 (tests/fixtures/invariance_hs.R).

Tolerances: χ² and Δχ² relative 1e-6, fit indices 1e-6, score tests 1e-4 (lavaan's own optimum is
~1e-5 off in the estimates; measured 2.7e-5), path estimates 1e-5.
"""
import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.results import to_plain
from analysis.sem.difference import SATORRA_BENTLER_2001
from analysis.sem.invariance import assess_invariance

FIXTURES = Path(__file__).parents[2] / "fixtures"
ROOT = Path(__file__).parents[3]
REF = json.loads((FIXTURES / "invariance_hs.json").read_text())
MEASUREMENT = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}


@pytest.fixture(scope="module")
def result():
    data = pd.read_csv(FIXTURES / "invariance_hs.csv")
    return assess_invariance(data, MEASUREMENT, "speed ~ visual + textual", data["school"],
                             {g: g for g in REF["groups"]}, "school")


def test_steps_and_their_differences_match_lavaan(result):
    assert [(g.label, g.n) for g in result.groups] == list(zip(REF["groups"], REF["n"]))
    for step in result.steps:
        ref = REF["steps"][step.model]
        assert step.chisq == pytest.approx(ref["chisq"], rel=1e-6)
        assert step.df == ref["df"]
        for name in ("cfi", "tli", "rmsea", "srmr"):
            assert getattr(step, name) == pytest.approx(ref[name], abs=1e-6)
    for step, ref in zip(result.steps[1:], REF["delta"]):
        assert step.delta_chisq == pytest.approx(ref["delta_chisq"], rel=1e-6)
        assert (step.delta_df, step.delta_pvalue) == (ref["delta_df"], pytest.approx(ref["delta_pvalue"], rel=1e-5))
    # metric: ΔCFI −.002, ΔRMSEA −.004 hold; scalar: ΔCFI −.038 fails (Cheung & Rensvold 2002)
    assert [s.holds for s in result.steps] == [False, True, False, True]


def test_partial_invariance_frees_the_intercept_with_the_largest_score_test(result):
    best = max(REF["score_scalar"], key=lambda s: s["X2"])
    first = result.partial[0]
    assert (first.model, first.freed[0].lhs, first.freed[0].op) == ("scalar", best["lhs"], best["op"])
    assert first.freed[0].score_chisq == pytest.approx(best["X2"], abs=1e-4)
    assert first.chisq == pytest.approx(REF["partial_scalar"]["chisq"], rel=1e-6)
    # freeing x3 ~1 and then x7 ~1 restores scalar invariance against the metric model; strict invariance is
    # then tested with both intercepts still free
    assert [(p.model, [f.lhs for f in p.freed], p.holds) for p in result.partial] == [
        ("scalar", ["x3"], False), ("scalar", ["x3", "x7"], True), ("strict", ["x3", "x7"], True)]


def test_paths_per_group_and_their_equality_tests_match_lavaan(result):
    estimates = {(e["lhs"], e["rhs"], REF["groups"][e["group"] - 1]): e
                 for e in REF["sem_metric"]["estimates"] if e["op"] == "~"}
    assert result.paths_model == "metric"
    for path, ref in zip(result.paths, REF["path_equality"]):
        assert (path.lhs, path.rhs) == (ref["lhs"], ref["rhs"])
        assert path.delta_chisq == pytest.approx(ref["delta_chisq"], rel=1e-6)
        assert path.delta_pvalue == pytest.approx(ref["delta_pvalue"], rel=1e-5)
        assert path.differs == (ref["delta_pvalue"] < 0.05)
        for g in path.per_group:
            e = estimates[(path.lhs, path.rhs, g.group)]
            assert (g.est, g.se, g.std_all) == (pytest.approx(e["est"], abs=1e-5), pytest.approx(e["se"], abs=1e-5),
                                                pytest.approx(e["std_all"], abs=1e-5))


def test_groups_below_the_minimum_are_left_out_with_a_warning():
    data = pd.read_csv(FIXTURES / "invariance_hs.csv").iloc[:230]  # Grant-White keeps 74 of 145
    with pytest.warns(UserWarning, match="left out"):
        result = assess_invariance(data, MEASUREMENT, None, data["school"], {g: g for g in REF["groups"]}, "school")
    assert [g.label for g in result.left_out] == ["Grant-White"] and result.steps == ()
    assert result.min_group_n == 100


def test_demo_by_platform_matches_lavaan():
    """The demo study's structural-model constructs by platform (tests/fixtures/invariance_demo.R): platforms
    below 100 respondents are left out; steps and the eleven paths against lavaan."""
    ref = json.loads((FIXTURES / "invariance_demo.json").read_text())
    items = pd.read_csv(FIXTURES / "demo_items.csv", dtype={"resp_id": str})
    platform = pd.read_csv(ROOT / "data/demo/responses.csv", dtype={"resp_id": str})[["resp_id", "platform"]]
    data = items.merge(platform, on="resp_id")
    structural = "CS ~ PQ + SQ + PR + BI + EX\nLY ~ PQ + SQ + PR + BI + EX + CS"
    with pytest.warns(UserWarning, match="left out"):
        mapping = json.loads((FIXTURES / "demo_mapping.json").read_text())
        in_model = {c: items for c, items in mapping.items() if c != "SW"}  # the structural model's constructs
        result = assess_invariance(data, in_model, structural,
                                   data["platform"], {1: "Taobao", 2: "JD", 3: "Pinduoduo", 4: "Douyin", 5: "Other"},
                                   "platform")
    assert [(g.code, g.n) for g in result.groups] == [(int(c), n) for c, n in zip(ref["groups"], ref["n"])]
    assert [g.code for g in result.left_out] == [c for c in range(1, 6) if str(c) not in ref["groups"]]
    for step in result.steps:
        theirs = ref["steps"][step.model]
        assert step.chisq == pytest.approx(theirs["chisq"], rel=1e-6)
        for name in ("cfi", "tli", "rmsea", "srmr"):
            assert getattr(step, name) == pytest.approx(theirs[name], abs=1e-6)
    assert all(step.holds for step in result.steps) and result.partial == ()
    for path, theirs in zip(result.paths, ref["paths"]):
        assert (path.lhs, path.rhs) == (theirs["lhs"], theirs["rhs"])
        assert path.delta_chisq == pytest.approx(theirs["delta_chisq"], rel=1e-6, abs=1e-7)
        for g, est, se, std in zip(path.per_group, theirs["est"], theirs["se"], theirs["std_all"]):
            assert (g.est, g.se, g.std_all) == (pytest.approx(est, abs=1e-5), pytest.approx(se, abs=1e-5),
                                                pytest.approx(std, abs=1e-5))
    assert [p.differs for p in result.paths] == [theirs["delta_pvalue"] < .05 for theirs in ref["paths"]]


def test_a_group_with_an_item_without_variance_is_left_out():
    data = pd.read_csv(FIXTURES / "invariance_hs.csv")
    data.loc[data["school"] == "Grant-White", "x1"] = 3.0
    with pytest.warns(UserWarning, match="singular"):
        result = assess_invariance(data, MEASUREMENT, None, data["school"], {g: g for g in REF["groups"]}, "school")
    assert [g.label for g in result.left_out] == ["Grant-White"] and result.steps == ()

# MLR and MLM: the Satorra–Bentler (2001) scaled Δχ² of each step and of each structural path's equality against
# lavaan's lavTestLRT (tests/fixtures/invariance_scaled.R). χ² 1e-6 relative; the scaled Δχ² of the steps 1e-5 relative (of a path, df 1: 1e-4), p 1e-4: lavaan's
# scaling factors carry its optimizer's stopping error (~3e-7) and c_d = (r_0c_0 − r_1c_1)/(r_0 − r_1)
# multiplies it by about r_0/(r_0 − r_1).
SCALED = json.loads((FIXTURES / "invariance_scaled.json").read_text())
LABELS = {"Pasteur": "Pasteur", "Grant-White": "Grant-White"}


@pytest.fixture(scope="module")
def hs():
    return pd.read_csv(FIXTURES / "invariance_hs.csv")


@pytest.mark.parametrize("case", SCALED["cases"], ids=lambda c: c["estimator"])
def test_scaled_steps_and_paths_match_lavtestlrt(hs, case):
    result = assess_invariance(hs, MEASUREMENT, "speed ~ visual + textual", hs["school"], LABELS, "school",
                               estimator=case["estimator"])
    assert result.delta_method == SATORRA_BENTLER_2001 == to_plain(result)["delta_method"]
    for step, ref in zip(result.steps, case["steps"]):
        assert (step.model, step.df) == (ref["model"], ref["df"])
        assert step.chisq == pytest.approx(ref["chisq"], rel=1e-6)
        if step.model == "configural":
            continue
        assert ref["delta_method"] == SATORRA_BENTLER_2001 and step.delta_df == ref["delta_df"]
        assert step.delta_chisq == pytest.approx(ref["delta_chisq"], rel=1e-5), step.model
        assert step.delta_pvalue == pytest.approx(ref["delta_pvalue"], rel=1e-4), step.model  # p ≈ 3e-7: its log moves
    assert result.paths_model == "metric"
    for path, ref in zip(result.paths, case["paths"]):
        assert (path.lhs, path.rhs, path.delta_df) == (ref["lhs"], ref["rhs"], ref["delta_df"])
        assert path.delta_chisq == pytest.approx(ref["delta_chisq"], rel=1e-4)  # c_d: r_0 = 55 times the error
        assert path.delta_pvalue == pytest.approx(ref["delta_pvalue"], rel=1e-4)
