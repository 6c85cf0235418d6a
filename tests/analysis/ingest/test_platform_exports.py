"""Issue 11: the same answers downloaded from each survey platform (tests/data/exports, made by make_exports.py)
read and clean to exactly what the plain CSV gives — n, exclusions, every item answer kept (hence every α and
the CFA χ²), the multiple-choice sets, the "other" texts where the layout carries them — with the personal
data dropped."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.ingest.cleaning import clean_responses
from analysis.ingest.readers import read_survey
from questionnaire.loader import load_instrument

EXPORTS = Path(__file__).parents[2] / "data" / "exports"
INSTRUMENT = load_instrument(EXPORTS / "instrument.yaml")
CHANNELS = [f"channels_{k}" for k in range(1, 6)]
ANSWERS = [*INSTRUMENT.item_ids, "AC1", *[q.id for q in INSTRUMENT.questions if q.type != "multiple"], *CHANNELS]
#: replica → (personal-data columns dropped, the layout carries the "other" texts, the file has completion times)
REPLICAS = {
    "wjx_codes.xlsx": (["来自IP"], True, True),
    "wjx_codes.csv": (["来自IP"], True, True),
    "wjx_codes.sav": (["V4"], True, True),
    "wjx_text.xlsx": (["来自IP"], True, True),
    "wjx_text_gb18030.csv": (["来自IP"], True, True),
    "tencent.csv": (["用户标识", "昵称"], True, True),
    "credamo.csv": ([], True, True),
    "wenjuan.csv": (["IP"], True, True),
    "qualtrics_codes.csv": (["IPAddress", "RecipientEmail", "LocationLatitude", "LocationLongitude"], True, True),
    "qualtrics_text_1row.csv": (["IPAddress", "RecipientEmail", "LocationLatitude", "LocationLongitude"], True, True),
    "surveymonkey.csv": (["IP Address", "Email Address", "First Name", "Last Name"], True, True),
    "google_forms.csv": ([], False, False),
    "msforms_en.xlsx": (["Email", "Name"], False, True),
    "msforms_zh.xlsx": (["电子邮件", "名称"], False, True),
    "stata.dta": ([], False, True),
}


def _read(name: str):
    return read_survey(EXPORTS / name, INSTRUMENT, min_respondents=0)


@pytest.fixture(scope="module")
def clean():
    return _read("clean.csv")


@pytest.fixture(scope="module")
def expected(clean):
    """timed → (the clean survey, its cleaning), with and without the completion times."""
    untimed = dataclasses.replace(clean, responses=clean.responses.drop(columns="duration_s"))
    return {True: (clean, clean_responses(clean, INSTRUMENT)), False: (untimed, clean_responses(untimed, INSTRUMENT))}


def _values(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Cells as comparable objects: numbers as floats, texts stripped, empty as ''."""
    out = frame[columns].reset_index(drop=True).astype(object)
    return out.where(out.notna() & (out != ""), "").to_numpy()


@pytest.mark.parametrize("name", REPLICAS)
def test_a_platform_replica_gives_the_answers_and_exclusions_of_the_clean_file(expected, name):
    personal, carries_other, timed = REPLICAS[name]
    survey = _read(name)
    reference, cleaned = expected[timed]
    np.testing.assert_array_equal(_values(survey.responses, ANSWERS), _values(reference.responses, ANSWERS))
    if carries_other:
        others = ["platform_other", "channels_other"]
        np.testing.assert_array_equal(_values(survey.responses, others), _values(reference.responses, others))
    if timed:
        np.testing.assert_allclose(survey.responses["duration_s"], reference.responses["duration_s"])
    assert [c.header for c in survey.dropped_personal_columns] == personal
    kept = clean_responses(survey, INSTRUMENT)
    assert kept.log["rule"].tolist() == cleaned.log["rule"].tolist()
    assert ("speeder" in kept.not_applied) is not timed   # said, never silently left out
    np.testing.assert_array_equal(_values(kept.analysed, INSTRUMENT.item_ids),
                                  _values(cleaned.analysed, INSTRUMENT.item_ids))


def test_the_replicas_hold_skips_fill_ins_multiple_choice_and_a_none_option(clean):
    skipped = _read("wjx_codes.csv").missing_kinds["channels_1"]
    assert (skipped == 2).sum() == clean.responses["channels_1"].isna().sum() > 0
    assert clean.responses["platform_other"].notna().sum() > 0 and clean.responses["channels_other"].notna().sum() > 0
    assert (clean.responses["membership"] == 4).sum() > 0   # "None" in the English label exports
    assert "None" in pd.read_csv(EXPORTS / "qualtrics_text_1row.csv", keep_default_na=False)["Q10"].tolist()
