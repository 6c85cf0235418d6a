"""The platform cases: who is a case, what each case carries, and the best/weakest rule (outcome mean at two
decimals, then NPS, then repeat purchase, then the instrument's order)."""
import numpy as np
import pandas as pd
import pytest

from analysis.diagnosis import profile_platform_cases

OPTIONS = [(1, False), (2, False), (3, False), (4, True)]   # 4: "other, please specify"


def _study(ly_means: dict[int, float], sizes: dict[int, int]):
    rows = []
    for code, n in sizes.items():
        for k in range(n):
            spread = 0.5 if k % 2 else -0.5
            rows.append({"platform": code, "LY": ly_means[code] + spread, "PQ": 3.0 + code / 10 + spread,
                         "PQ1": 3.0 + code / 10 + spread, "PQ2": 3.5 - code / 10 + spread})
    frame = pd.DataFrame(rows)
    return frame["platform"], frame[["PQ", "LY"]], frame[["PQ1", "PQ2"]]


def _profile(ly_means, sizes, nps=None, min_n=4, difference=(None, None)):
    platform, scores, items = _study(ly_means, sizes)
    nps = nps or {code: 0.0 for code in sizes}
    indicators = {"nps": (-5.0, nps), "repeat_purchase": (0.9, {code: 0.9 for code in sizes})}
    return profile_platform_cases("platform", platform, OPTIONS, scores, items, {"PQ": ["PQ1", "PQ2"]}, "LY",
                                  indicators, min_n, difference)


def test_the_best_and_the_weakest_case_by_the_outcome_mean():
    cases = _profile({1: 3.2, 2: 3.6, 3: 3.4, 4: 4.5}, {1: 6, 2: 6, 3: 6, 4: 6})
    assert [c.code for c in cases.cases] == [2, 3, 1] and [c.rank for c in cases.cases] == [1, 2, 3]
    assert (cases.best, cases.weakest) == (2, 1)
    assert [(x.code, x.reason) for x in cases.left_out] == [(4, "other")]     # "other" is never a case


def test_a_platform_below_the_minimum_is_left_out():
    cases = _profile({1: 3.2, 2: 3.6, 3: 3.4, 4: 3.0}, {1: 6, 2: 3, 3: 6, 4: 6})
    assert [c.code for c in cases.cases] == [3, 1]
    assert (2, 3, "too_few") in [(x.code, x.n, x.reason) for x in cases.left_out]


def test_equal_means_at_two_decimals_are_ranked_by_nps_then_order():
    cases = _profile({1: 3.401, 2: 3.404, 3: 3.402, 4: 3.0}, {1: 6, 2: 6, 3: 6, 4: 6}, nps={1: 10.0, 2: -3.0, 3: 10.0})
    assert [c.code for c in cases.cases] == [1, 3, 2]         # 3.40 all: NPS 10, 10 (order), −3
    assert (cases.best, cases.weakest) == (1, 2)


def test_one_case_has_no_best_or_weakest():
    cases = _profile({1: 3.2, 2: 3.6, 3: 3.4, 4: 3.0}, {1: 6, 2: 2, 3: 2, 4: 6})
    assert [c.code for c in cases.cases] == [1] and cases.best is None and cases.weakest is None


def test_each_case_against_the_whole_sample():
    cases = _profile({1: 3.2, 2: 3.6, 3: 3.4, 4: 3.0}, {1: 6, 2: 6, 3: 6, 4: 6}, difference=("anova", 0.01))
    platform, scores, items = _study({1: 3.2, 2: 3.6, 3: 3.4, 4: 3.0}, {1: 6, 2: 6, 3: 6, 4: 6})
    assert cases.sample["construct_means"]["LY"] == pytest.approx(scores["LY"].mean())
    assert cases.sample["n"] == len(scores) and cases.sample["nps"] == -5.0
    case = cases.cases[0]
    assert case.construct_means["LY"] == pytest.approx(scores.loc[platform == case.code, "LY"].mean())
    # the sample (all four platforms, 'other' too) averages 3.25 on PQ1 and PQ2; platform 2: 3.2 and 3.3
    assert case.code == 2 and case.strongest_item.id == "PQ2" and case.weakest_item.id == "PQ1"
    assert case.strongest_item.difference == pytest.approx(
        items.loc[platform == 2, "PQ2"].mean() - items["PQ2"].mean())
    assert case.strongest_construct.id == case.weakest_construct.id == "PQ"   # the only driver
    assert (cases.difference_test, cases.difference_significant) == ("anova", True)
    assert np.isclose(case.repeat_purchase, 0.9)
