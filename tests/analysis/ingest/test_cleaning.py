"""Cleaning: one test per rule, switches and thresholds, the exclusion log, and the planted careless respondents."""
from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.ingest.cleaning import (LOG_COLUMNS, CleaningOptions, Exclusion, clean_responses, longest_run,
                                      write_exclusions_csv)
from analysis.ingest.readers import read_survey
from analysis.results import to_plain
from analysis.simulate import simulate_study
from questionnaire.errors import InputError
from questionnaire.instrument import bundled_instrument_path
from questionnaire.loader import load_instrument

DATA = Path(__file__).parents[2] / "data"
INSTRUMENT = load_instrument(DATA / "small_instrument.yaml")
COLUMNS = ["resp_id", "duration_s", "PQ1", "PQ2", "PQ3", "AC1", "LY1", "LY2", "LY3", "gender"]
HONEST = [  # PQ3 and LY3 are reverse-worded: agreeing respondents answer them low
    ["h1", 300, 4, 5, 2, 4, 4, 4, 1, 1], ["h2", 280, 3, 4, 2, 4, 4, 3, 2, 2], ["h3", 320, 5, 5, 1, 4, 5, 4, 1, 1],
    ["h4", 310, 2, 3, 4, 4, 2, 3, 4, 2], ["h5", 290, 4, 4, 3, 4, 3, 4, 2, 1], ["h6", 305, 3, 3, 3, 4, 4, 2, 3, 2],
    ["h7", 295, 5, 4, 2, 4, 5, 5, 1, 1], ["h8", 315, 4, 3, 2, 4, 3, 4, 2, 2],
]


def _survey(tmp_path, extra_rows=(), honest=HONEST):
    path = tmp_path / "data.csv"
    pd.DataFrame([*honest, *extra_rows], columns=COLUMNS).to_csv(path, index=False)
    return read_survey(path, INSTRUMENT, min_respondents=0)


SWITCHES = ("duplicate_id", "duplicate_answers", "speeder", "straight_lining", "attention_check", "too_many_missing")


def _only(rule: str, **thresholds) -> CleaningOptions:
    """Options with just ``rule`` switched on."""
    return CleaningOptions(**{switch: switch == rule for switch in SWITCHES}, **thresholds)


def _log(result) -> list[tuple[str, str, str]]:
    return [(e.respondent, e.rule, e.detail) for e in result.exclusions]


def test_duplicate_id_keeps_the_first(tmp_path):
    result = clean_responses(_survey(tmp_path, [["h2", 300, 1, 1, 5, 4, 2, 2, 3, 1]]), INSTRUMENT,
                             _only("duplicate_id"))
    assert _log(result) == [("h2", "duplicate_id", "same respondent id as row 3 (kept)")]
    assert result.exclusions[0].row == 10
    assert result.n_analysed == 8 and result.analysed.index.is_unique


def test_duplicate_answers_keeps_the_first(tmp_path):
    result = clean_responses(_survey(tmp_path, [["copy", 200, *HONEST[4][2:]]]), INSTRUMENT,
                             _only("duplicate_answers"))
    assert _log(result) == [("copy", "duplicate_answers", "identical answers to row 6 (respondent h5, kept)")]


def test_speeders_below_a_third_of_the_median(tmp_path):
    result = clean_responses(_survey(tmp_path, [["fast", 90, 4, 4, 2, 4, 4, 4, 2, 1]]), INSTRUMENT,
                             _only("speeder"))
    assert _log(result) == [("fast", "speeder", "completed in 90 s; minimum 100.0 s (1/3 of the median 300 s)")]
    assert result.thresholds["speeder"]["min_duration_s"] == pytest.approx(100.0)


def test_speeders_with_a_given_minimum(tmp_path):
    result = clean_responses(_survey(tmp_path), INSTRUMENT, _only("speeder", min_duration=285))
    assert _log(result) == [("h2", "speeder", "completed in 280 s; minimum 285.0 s (given)")]


def test_speeder_rule_not_applied_without_completion_times(tmp_path):
    survey = _survey(tmp_path)
    survey = dataclasses.replace(survey, responses=survey.responses.drop(columns="duration_s"))
    result = clean_responses(survey, INSTRUMENT, _only("speeder"))
    assert result.n_excluded == 0
    assert result.not_applied["speeder"].startswith("the file has no completion times (no duration column and no pair")


def test_straight_lining_on_raw_answers_before_reverse_recoding(tmp_path):
    rows = [["flat", 300, 4, 4, 4, 4, 4, 4, 4, 1],      # same raw code everywhere: straight-lining
            ["keen", 300, 5, 5, 1, 4, 5, 5, 1, 2],      # consistent after recoding, but not identical raw answers
            ["gaps", 300, 3, None, 3, 4, 3, None, 3, 1]]
    result = clean_responses(_survey(tmp_path, rows), INSTRUMENT, _only("straight_lining"))
    assert _log(result) == [("flat", "straight_lining", "all 6 answered Likert items are 4"),
                            ("gaps", "straight_lining", "all 4 answered Likert items are 3")]
    assert result.analysed.loc["keen", ["PQ3", "LY3"]].tolist() == [5.0, 5.0]


def test_long_string_is_off_by_default_and_counts_runs(tmp_path):
    rows = [["run4", 300, 2, 3, 3, 4, 3, 3, 1, 1]]
    assert "long_string" not in clean_responses(_survey(tmp_path, rows), INSTRUMENT).counts
    result = clean_responses(_survey(tmp_path, rows), INSTRUMENT, _only("long_string", long_string=4))
    assert _log(result) == [("run4", "long_string", "4 identical answers in a row; the limit is 3")]


def test_longest_run_breaks_at_missing_answers():
    raw = np.array([[1, 1, np.nan, 1, 1, 1], [2, 2, 2, 2, 2, 2], [np.nan] * 6, [1, 2, 1, 2, 1, 2]])
    assert longest_run(raw).tolist() == [3, 6, 0, 1]


def test_failed_or_missing_attention_check(tmp_path):
    rows = [["wrong", 300, 4, 4, 2, 2, 4, 4, 2, 1], ["skipped", 300, 4, 4, 2, None, 4, 4, 2, 1]]
    result = clean_responses(_survey(tmp_path, rows), INSTRUMENT, _only("attention_check"))
    assert _log(result) == [("wrong", "attention_check", "AC1 = 2; expected 4"),
                            ("skipped", "attention_check", "AC1 not answered; expected 4")]


def test_attention_check_skipped_by_design_does_not_fail(tmp_path):
    rows = [["jumped", 300, 4, 4, 2, -3, 4, 4, 2, 1], ["blank", 300, 4, 4, 2, None, 4, 4, 2, 1]]
    result = clean_responses(_survey(tmp_path, rows), INSTRUMENT, _only("attention_check"))
    assert _log(result) == [("blank", "attention_check", "AC1 not answered; expected 4")]


def test_too_many_missing_answers(tmp_path):
    rows = [["two", 300, 4, None, 2, 4, None, 4, 2, 1], ["one", 300, 4, None, 2, 4, 4, 4, 2, 1]]
    result = clean_responses(_survey(tmp_path, rows), INSTRUMENT, _only("too_many_missing"))
    assert _log(result) == [("two", "too_many_missing", "2 of 6 Likert items unanswered (33.3%); the limit is 20%")]
    assert result.thresholds["too_many_missing"] == {"max_missing": 0.2, "max_missing_items": 1}
    loose = _only("too_many_missing", max_missing=0.4)
    assert clean_responses(_survey(tmp_path, rows), INSTRUMENT, loose).n_excluded == 0


def test_skipped_items_are_not_nonresponse_nor_asked(tmp_path):
    """问卷星 -3/-2 (skipped by design) never count as missing answers; the share is of the items asked."""
    rows = [["jumped", 300, 4, -3, -2, 4, -3, 4, 2, 1],     # 3 items skipped by design, none unanswered: kept
            ["halfway", 300, 4, -3, -3, 4, None, 4, 2, 1],  # 1 of the 4 items asked unanswered (25 %): excluded
            ["plain", 300, 4, None, 2, 4, 4, 4, 2, 1]]      # 1 of 6 (16.7 %): kept
    result = clean_responses(_survey(tmp_path, rows), INSTRUMENT, _only("too_many_missing"))
    assert _log(result) == [("halfway", "too_many_missing", "1 of 4 Likert items unanswered (25%); the limit is 20%")]


def test_declared_missing_codes_count_as_unanswered(tmp_path):
    from questionnaire.loader import parse_instrument

    doc = dict(INSTRUMENT.document, missing_codes=[-99])
    rows = [["refused", 300, 4, -99, 2, 4, -99, 4, 2, 1]]
    path = tmp_path / "data.csv"
    pd.DataFrame([*HONEST, *rows], columns=COLUMNS).to_csv(path, index=False)
    instrument = parse_instrument(doc)
    result = clean_responses(read_survey(path, instrument, min_respondents=0), instrument, _only("too_many_missing"))
    assert _log(result) == [("refused", "too_many_missing", "2 of 6 Likert items unanswered (33.3%); the limit is 20%")]


def test_skipped_items_neither_make_nor_break_a_straight_line(tmp_path):
    rows = [["short", 300, 4, -3, -3, 4, -3, -3, 4, 1],   # 3 answers alike, but fewer than half of all 6 items
            ["line", 300, 4, 4, -2, 4, 4, 4, 4, 2]]       # 5 answers alike: straight-lining, the skip changes nothing
    result = clean_responses(_survey(tmp_path, rows), INSTRUMENT, _only("straight_lining"))
    assert _log(result) == [("line", "straight_lining", "all 5 answered Likert items are 4")]
    assert result.missing_kinds.loc["short", "PQ2"] == 2 and result.missing_kinds.index.equals(result.analysed.index)


def test_a_respondent_caught_by_several_rules_is_listed_under_each(tmp_path):
    result = clean_responses(_survey(tmp_path, [["bad", 60, 2, 2, 2, 2, 2, 2, 2, 1]]), INSTRUMENT)
    assert [e.rule for e in result.exclusions] == ["speeder", "straight_lining", "attention_check"]
    assert result.n_excluded == 1 and result.counts["speeder"] == 1
    assert list(result.log.columns) == list(LOG_COLUMNS)


def test_no_clean_applies_no_rule_but_still_recodes(tmp_path):
    result = clean_responses(_survey(tmp_path, [["bad", 60, 2, 2, 2, 2, 2, 2, 2, 1]]), INSTRUMENT,
                             CleaningOptions(no_clean=True))
    assert result.n_excluded == 0 and result.exclusions == [] and result.counts == {}
    assert result.analysed.loc["h1", ["PQ3", "LY3"]].tolist() == [4.0, 5.0]


def test_reverse_items_recoded_min_plus_max_minus_x_in_kept_respondents(tmp_path):
    survey = _survey(tmp_path)
    result = clean_responses(survey, INSTRUMENT)
    expected = 6 - survey.responses[["PQ3", "LY3"]]
    pd.testing.assert_frame_equal(result.analysed[["PQ3", "LY3"]], expected)
    pd.testing.assert_frame_equal(result.analysed[["PQ1", "AC1"]], survey.responses[["PQ1", "AC1"]])


@pytest.mark.parametrize("option, value, message", [
    ("min_duration", -5, "option min_duration: value -5; allowed: seconds ≥ 0"),
    ("speeder_fraction", 0, "option speeder_fraction: value 0; allowed: a fraction of the median in (0, 1]"),
    ("long_string", 1, "option long_string: value 1; allowed: a whole number ≥ 2, or None (off)"),
    ("max_missing", 1.5, "option max_missing: value 1.5; allowed: a fraction in [0, 1)"),
])
def test_invalid_options(option, value, message):
    with pytest.raises(InputError, match=f"^{re.escape(message)}$"):
        CleaningOptions(**{option: value})


def test_exclusions_csv_neutralises_formulas(tmp_path):
    survey = _survey(tmp_path, [["=HYPERLINK(\"x\")", 300, 4, 4, 2, 1, 4, 4, 2, 1]])
    result = clean_responses(survey, INSTRUMENT)
    written = pd.read_csv(write_exclusions_csv(result, tmp_path / "exclusions.csv"), encoding="utf-8-sig", dtype=str)
    assert written.to_dict("records") == [{"respondent": "'=HYPERLINK(\"x\")", "row": "10", "rule": "attention_check",
                                           "detail": "AC1 = 1; expected 4"}]


def test_result_to_dict_is_json_safe(tmp_path):
    result = clean_responses(_survey(tmp_path, [["bad", 60, 2, 2, 2, 2, 2, 2, 2, 1]]), INSTRUMENT)
    document = json.loads(json.dumps(to_plain(result)))
    assert document["n_raw"] == 9 and document["n_excluded"] == 1 and document["n_analyzed"] == 8
    assert document["counts"]["speeder"] == 1
    assert result.exclusions[0] == Exclusion("bad", 10, "speeder",
                                             "completed in 60 s; minimum 100.0 s (1/3 of the median 300 s)")


def test_exactly_the_planted_careless_respondents_are_excluded(tmp_path):
    """On a contaminated simulated export, each planted kind is caught by its rule and nobody else is excluded."""
    instrument = load_instrument(bundled_instrument_path())
    study = simulate_study(instrument, n=400, seed=7)
    path = tmp_path / "responses.csv"
    study.responses.to_csv(path, index=False)
    result = clean_responses(read_survey(path, instrument), instrument)
    planted = study.planted()
    careless = {r for r, kind in planted.items() if kind != "honest_with_missing"}
    assert set(result.log["respondent"]) == careless
    rule_of_kind = {"straight_liner": "straight_lining", "speeder": "speeder", "resubmission": "duplicate_answers",
                    "attention_failure": "attention_check", "mostly_missing": "too_many_missing"}
    for respondent, kind in planted.items():
        rules = set(result.log.loc[result.log["respondent"] == respondent, "rule"])
        if kind == "honest_with_missing":
            assert not rules, respondent
        else:
            assert rule_of_kind[kind] in rules, (respondent, kind, rules)
    assert result.n_analysed == 400
