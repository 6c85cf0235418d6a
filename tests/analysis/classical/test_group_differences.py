"""Group differences against R (tests/fixtures/group_differences.R: car, stats, rstatix), at 1e-6, on the demo
study's background questions and on psych's bfi by gender, education and age group (one group too small)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.classical.group_differences import (NOTE_FEWER_THAN_TWO_GROUPS, NOTE_NO_VARIANCE, anova_sums_of_squares,
                                                  compare_groups, kruskal_wallis, levene_test, lsd_comparisons,
                                                  mann_whitney, one_way_anova, range_comparisons, two_group_t,
                                                  welch_anova)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
TOL = 1e-6
REFERENCE = json.loads((FIXTURES / "group_differences.json").read_text())


def samples_of(ref: dict, study) -> tuple[list[np.ndarray], list[float]]:
    scores, answers = study(ref["study"])
    codes = [g["code"] for g in ref["groups"]]
    y, g = scores[ref["construct"]], answers[ref["question"]]
    return [y[g == code].dropna().to_numpy() for code in codes], codes


def close(a, b) -> bool:
    return abs(a - b) <= TOL


@pytest.mark.parametrize("ref", REFERENCE["comparisons"], ids=lambda r: f"{r['study']}-{r['question']}-{r['construct']}")
def test_every_statistic_equals_r(ref, reference_study):
    samples, codes = samples_of(ref, reference_study)
    for center in ("mean", "median"):
        got, want = levene_test(samples, center), ref[f"levene_{center}"]
        assert (got.df1, got.df2) == (want["df1"], want["df2"])
        assert close(got.statistic, want["statistic"]) and close(got.pvalue, want["pvalue"])
    if len(samples) == 2:
        for equal_var, key in ((True, "student"), (False, "welch")):
            t, df, p = two_group_t(*samples, equal_var=equal_var)
            assert close(t, ref[key]["t"]) and close(df, ref[key]["df"]) and close(p, ref[key]["pvalue"])
        u, p, r = mann_whitney(*samples)
        want = ref["mann_whitney"]
        assert close(u, want["U"]) and close(p, want["pvalue"]) and close(r, want["r"])
        return
    f, df1, df2, p, eta = one_way_anova(samples)
    want = ref["anova"]
    assert (df1, df2) == (want["df1"], want["df2"])
    assert close(f, want["F"]) and close(p, want["pvalue"]) and close(eta, want["eta_squared"])
    f, df1, df2, p = welch_anova(samples)
    want = ref["welch_anova"]
    assert all(close(a, b) for a, b in zip((f, df1, df2, p), (want["F"], want["df1"], want["df2"], want["pvalue"])))
    lsd, tukey = lsd_comparisons(samples, codes), range_comparisons(samples, codes, equal_var=True)
    games_howell = range_comparisons(samples, codes, equal_var=False)
    for pair, a, b, c in zip(ref["pairs"], lsd, tukey, games_howell):
        assert (a.a, a.b) == (pair["a"], pair["b"]) == (c.a, c.b)
        assert close(a.diff, pair["diff"]) and close(b.diff, pair["tukey_diff"])
        assert close(a.pvalue, pair["lsd_p"]) and close(b.pvalue, pair["tukey_p"])
        assert close(c.se, pair["gh_se"]) and close(c.pvalue, pair["gh_p"])
        assert abs(c.pvalue - pair["gh_p_rstatix"]) <= 5e-4      # rstatix rounds to 3 digits
    h, df, p, eta_h = kruskal_wallis(samples)
    want = ref["kruskal"]
    assert df == want["df"] and close(h, want["H"]) and close(p, want["pvalue"]) and close(eta_h, want["eta_squared_h"])


def _levene_choices_differ(ref: dict) -> bool:
    return (ref["levene_mean"]["pvalue"] < 0.05) != (ref["levene_median"]["pvalue"] < 0.05)


@pytest.mark.parametrize("center", ["mean", "median"])
@pytest.mark.parametrize("ref", [r for r in REFERENCE["comparisons"] if r["construct"] in ("PQ", "A")
                                 or _levene_choices_differ(r)],
                         ids=lambda r: f"{r['study']}-{r['question']}-{r['construct']}")
def test_the_record_reads_the_test_levene_chooses(ref, center, reference_study):
    """The test read is the one Levene's test centred on ``center`` chooses (`--levene-center`); some of the
    comparisons choose differently under the two centres."""
    scores, answers = reference_study(ref["study"])
    options = [(c, str(c)) for c in sorted(answers[ref["question"]].dropna().unique())]
    result = compare_groups(scores[ref["construct"]], answers[ref["question"]], options, ref["question"], ref["construct"],
                            levene_center=center)
    assert [g.code for g in result.groups] == [g["code"] for g in ref["groups"]]
    assert [g.code for g in result.excluded_groups] == ref["excluded"]
    for got, want in zip(result.groups, ref["groups"]):
        assert got.n == want["n"] and close(got.mean, want["mean"]) and close(got.sd, want["sd"])
    equal = ref[f"levene_{center}"]["pvalue"] >= 0.05
    if len(ref["groups"]) == 2:
        want = ref["student" if equal else "welch"]
        assert result.test == ("t" if equal else "welch_t")
        assert close(result.statistic, want["t"]) and close(result.df1, want["df"]) and result.df2 is None
        assert result.effect_size.name == "cohens_d" and close(result.effect_size.value, ref["cohens_d"])
        assert result.posthoc == ()
    else:
        want = ref["anova" if equal else "welch_anova"]
        assert result.test == ("anova" if equal else "welch_anova")
        assert close(result.statistic, want["F"]) and close(result.df2, want["df2"])
        assert close(result.effect_size.value, ref["anova"]["eta_squared"])
        methods = {p.method for p in result.posthoc}
        assert methods == ({"lsd", "tukey"} if equal else {"games_howell"})
    assert result.levene.center == center and close(result.levene.pvalue, ref[f"levene_{center}"]["pvalue"])
    assert close(result.levene.statistic, ref[f"levene_{center}"]["statistic"])


def test_bfi_age_groups_leave_out_the_eight_oldest(reference_study):
    ref = next(r for r in REFERENCE["comparisons"] if r["study"] == "bfi" and r["question"] == "age_group")
    scores, answers = reference_study("bfi")
    options = [(code, f"group {code}") for code in range(1, 7)]
    result = compare_groups(scores["A"], answers["age_group"], options, "age_group", "A")
    assert ref["excluded"] == [6]
    assert [(g.code, g.label, g.n) for g in result.excluded_groups] == [(6, "group 6", 8)]
    assert len(result.groups) == 5


def test_nonparametric_on_request(reference_study):
    scores, answers = reference_study("bfi")
    for question, test in (("gender", "mann_whitney"), ("education", "kruskal")):
        ref = next(r for r in REFERENCE["comparisons"] if r["study"] == "bfi" and r["question"] == question
                   and r["construct"] == "C")
        options = [(code, str(code)) for code in range(1, 6)]
        result = compare_groups(scores["C"], answers[question], options, question, "C", nonparametric=True)
        want = ref["mann_whitney"] if test == "mann_whitney" else ref["kruskal"]
        assert result.test == test and close(result.pvalue, want["pvalue"])
        assert close(result.statistic, want["U" if test == "mann_whitney" else "H"])


@pytest.mark.parametrize("scores, answers, note", [
    ([3.0, 4.0, 2.0, 5.0], [1, 1, 1, 1], NOTE_FEWER_THAN_TWO_GROUPS),           # everyone answered the same
    ([3.0, 4.0, 2.0, 5.0, 4.0], [1, 1, 1, 1, 2], NOTE_FEWER_THAN_TWO_GROUPS),   # a group of one
    ([3.0] * 6, [1, 1, 1, 2, 2, 2], NOTE_NO_VARIANCE),                          # a constant score
])
def test_degenerate_comparisons_are_notes(scores, answers, note):
    result = compare_groups(pd.Series(scores), pd.Series(answers), [(1, "a"), (2, "b")], "q", "C", min_group=1)
    assert result.test is None and result.note == note and result.pvalue is None


def test_anova_sums_of_squares_add_up():
    samples = [np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 6.0])]
    between, within = anova_sums_of_squares(samples)
    assert between + within == pytest.approx(((np.concatenate(samples) - 3) ** 2).sum())
