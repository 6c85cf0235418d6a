"""Missing-data pattern, against R (colSums(is.na), complete.cases, psych::pairwiseCount on psych::bfi)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.ingest.missing import summarise_missing
from analysis.results import to_plain

FIXTURES = Path(__file__).parents[2] / "fixtures"


def test_missing_pattern_matches_r_on_bfi():
    data = pd.read_csv(FIXTURES / "missing_bfi.csv")
    expected = json.loads((FIXTURES / "missing_bfi.json").read_text(encoding="utf-8"))
    report = summarise_missing(data)
    assert report.n_respondents == expected["n_respondents"]
    assert {m.item: m.n_missing for m in report.items} == expected["n_missing"]
    assert report.n_listwise == expected["n_listwise"]
    assert report.n_dropped_listwise == expected["n_respondents"] - expected["n_listwise"]
    assert {str(k): v for k, v in report.dropped_by_count.items()} == expected["dropped_by_count"]
    assert report.min_pairwise_n == expected["min_pairwise_n"]


def test_missing_data_patterns_and_what_fiml_keeps_match_lavaan_on_bfi():
    """n_patterns and n_fiml as lavaan counts them for missing = "ml" (tests/fixtures/lavaan_fiml.json)."""
    data = pd.read_csv(FIXTURES / "missing_bfi.csv")
    for case in json.loads((FIXTURES / "lavaan_fiml.json").read_text(encoding="utf-8"))["cases"]:
        report = summarise_missing(data[case["observed"]], method="fiml")
        assert (report.n_patterns, report.n_fiml, report.n_listwise) == (case["n_patterns"], case["n"],
                                                                         case["n_listwise"])
        assert to_plain(report)["method"] == "fiml"


def test_missing_pattern_small_table_and_to_dict():
    frame = pd.DataFrame({"a": [1, np.nan, 3, 4], "b": [1, 2, np.nan, np.nan], "c": [1, 2, 3, 4]})
    report = summarise_missing(frame)
    assert [(m.item, m.n_missing, m.pct_missing, m.n_available) for m in report.items] == \
        [("a", 1, 25.0, 3), ("b", 2, 50.0, 2), ("c", 0, 0.0, 4)]
    assert (report.n_listwise, report.n_dropped_listwise, report.dropped_by_count) == (1, 3, {1: 3})
    assert report.min_pairwise_n == 1 and report.pct_dropped_listwise == 75.0
    document = json.loads(json.dumps(to_plain(report)))
    assert document["items"]["b"] == {"n_missing": 2, "pct_missing": 50.0, "n_available": 2, "n_not_answered": 2,
                                      "n_skipped_by_design": 0, "n_declared_missing": 0}
    assert (document["n_not_answered"], document["n_skipped_by_design"], document["n_declared_missing"]) == (3, 0, 0)
    assert document["dropped_by_count"] == {"1": 3}
    assert (document["n_patterns"], document["n_fiml"], document["method"]) == (3, 4, "listwise")


def test_missing_pattern_of_an_empty_table():
    report = summarise_missing(pd.DataFrame({"a": []}, dtype=float))
    assert (report.n_respondents, report.n_listwise, report.dropped_by_count) == (0, 0, {})
    assert report.pct_dropped_listwise == 0.0


def test_missing_answers_split_by_kind():
    frame = pd.DataFrame({"a": [1, np.nan, np.nan, np.nan], "b": [1, 2, np.nan, 4]})
    kinds = pd.DataFrame({"a": [0, 1, 2, 3], "b": [0, 0, 2, 0]}, dtype=np.int8)
    report = summarise_missing(frame, kinds)
    assert [(m.item, m.n_missing, m.n_not_answered, m.n_skipped_by_design, m.n_declared_missing)
            for m in report.items] == [("a", 3, 1, 1, 1), ("b", 1, 0, 1, 0)]
    assert (report.n_not_answered, report.n_skipped_by_design, report.n_declared_missing) == (1, 2, 1)
    assert report.n_listwise == 1   # every kind is missing for the listwise sample


def test_missing_kinds_without_a_column_count_as_not_answered():
    frame = pd.DataFrame({"a": [np.nan, 1.0]})
    report = summarise_missing(frame, pd.DataFrame(index=frame.index))
    assert (report.items[0].n_not_answered, report.n_skipped_by_design) == (1, 0)
