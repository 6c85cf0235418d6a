"""Readers: one test per file format, platform exports, row numbers, and fuzzing with malformed tables."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import string
import tempfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyreadstat
import pytest
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.ingest.readers import SurveyData, detect_encoding, read_survey, read_table, sniff_delimiter
from questionnaire.errors import InputError
from questionnaire.loader import load_instrument

DATA = Path(__file__).parents[2] / "data"
INSTRUMENT = load_instrument(DATA / "small_instrument.yaml")
HEADER = ["resp_id", "duration_s", "gender", "PQ1", "PQ2", "PQ3", "AC1", "LY1", "LY2", "LY3"]
ROWS = [["A1", 300, 1, 5, 4, 2, 4, 4, 5, 1],
        ["A2", 250, 2, 3, 3, 3, 4, 3, 3, 3],
        ["A3", 410, 2, 4, 4, 2, 4, 4, 4, 2]]
ITEMS = ["PQ1", "PQ2", "PQ3", "LY1", "LY2", "LY3"]
EXPECTED = pd.DataFrame([r[3:6] + r[7:] for r in ROWS], index=["A1", "A2", "A3"], columns=ITEMS, dtype=float)


def _csv_text(delimiter: str = ",", rows=ROWS, header=HEADER) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows([header, *rows])
    return buffer.getvalue()


def _check(survey: SurveyData) -> None:
    pd.testing.assert_frame_equal(survey.responses[ITEMS], EXPECTED, check_names=False)
    assert survey.responses["duration_s"].tolist() == [300.0, 250.0, 410.0]
    assert survey.responses["AC1"].tolist() == [4.0, 4.0, 4.0]


@pytest.mark.parametrize("encoding, expected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
                                                ("gb18030", "gb18030")])
def test_csv_encodings_are_detected(tmp_path, encoding, expected):
    header = [*HEADER[:3], "7、(商品质量可靠)", *HEADER[4:]]
    rows = [[*r[:3], "非常同意" if r[3] == 5 else r[3], *r[4:]] for r in ROWS]
    path = tmp_path / "data.csv"
    path.write_bytes(_csv_text(rows=rows, header=header).encode(encoding))
    survey = read_survey(path, INSTRUMENT, min_respondents=0)
    assert survey.encoding == expected
    assert survey.column_map["7、(商品质量可靠)"] == "PQ1"
    _check(survey)


@pytest.mark.parametrize("delimiter, suffix", [(",", ".csv"), (";", ".csv"), ("\t", ".tsv"), ("|", ".txt")])
def test_csv_delimiter_is_sniffed(tmp_path, delimiter, suffix):
    path = tmp_path / f"data{suffix}"
    path.write_text(_csv_text(delimiter), encoding="utf-8")
    survey = read_survey(path, INSTRUMENT, min_respondents=0)
    assert survey.delimiter == delimiter
    _check(survey)


def test_sniff_delimiter_prefers_the_split_the_rows_agree_with():
    assert sniff_delimiter(["a;b;c", "1;2,5;3", "4;5;6"]) == ";"
    assert sniff_delimiter(["single"]) == ","


def test_detect_encoding_refuses_binary():
    with pytest.raises(ValueError, match="binary"):
        detect_encoding(b"\x00\x01\x02garbage")


def test_xlsx_first_sheet_and_named_sheet(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["这一页是说明"])
    data = book.create_sheet("数据")
    data.append([])
    data.append(HEADER)
    for row in ROWS:
        data.append([row[0], dt.time(0, row[1] // 60, row[1] % 60), *row[2:]])
    book.save(tmp_path / "data.xlsx")
    survey = read_survey(tmp_path / "data.xlsx", INSTRUMENT, sheet="数据", min_respondents=0)
    assert survey.sheet == "数据"
    assert survey.row_numbers.tolist() == [3, 4, 5]
    _check(survey)
    with pytest.raises(InputError, match="data.xlsx: sheet '说明' has a header row but no respondents"):
        read_table(tmp_path / "data.xlsx")


def test_spss_sav_with_value_labels(tmp_path):
    frame = pd.DataFrame(ROWS, columns=HEADER)
    frame[ITEMS + ["AC1"]] = frame[ITEMS + ["AC1"]] - 1  # stored as 0–4, labelled as the scale points
    frame = frame.rename(columns={"PQ1": "Q7"})
    labels = {0: "Strongly disagree", 1: "Disagree", 2: "Neutral", 3: "Agree", 4: "Strongly agree"}
    path = tmp_path / "data.sav"
    pyreadstat.write_sav(frame, str(path), column_labels={"Q7": "我在该平台购买的商品质量可靠"},
                         variable_value_labels={c: labels for c in ["Q7", *ITEMS[1:], "AC1"]}
                         | {"gender": {1: "男", 2: "女"}})
    survey = read_survey(path, INSTRUMENT, min_respondents=0)
    assert survey.format == "sav" and survey.column_map["Q7"] == "PQ1"
    assert survey.row_numbers.tolist() == [1, 2, 3]
    assert survey.responses["gender"].tolist() == [1.0, 2.0, 2.0]
    _check(survey)


def test_stata_dta_with_value_labels(tmp_path):
    frame = pd.DataFrame(ROWS, columns=HEADER)
    frame["gender"] = frame["gender"].map({1: 10, 2: 20})  # stored codes differ, labels name the options
    path = tmp_path / "data.dta"
    pyreadstat.write_dta(frame, str(path), variable_value_labels={"gender": {10: "Male", 20: "Female"}})
    survey = read_survey(path, INSTRUMENT, min_respondents=0)
    assert survey.format == "dta"
    assert survey.responses["gender"].tolist() == [1.0, 2.0, 2.0]
    _check(survey)


def test_wenjuanxing_export_gb18030_labels_and_times():
    survey = read_survey(DATA / "wjx_export_gb18030.csv", INSTRUMENT, min_respondents=0)
    assert survey.encoding == "gb18030"
    assert survey.responses["PQ1"].tolist() == [5.0, 3.0, 4.0]
    assert survey.responses["duration_s"].tolist() == [256.0, 256.0, 65.0]
    assert survey.responses["gender"].tolist() == [1.0, 2.0, 2.0]
    assert survey.extra_columns == ("提交答卷时间", "来源")
    assert [c.header for c in survey.dropped_personal_columns] == ["来自IP", "联系电话"]
    assert survey.responses.loc["1", "suggestion"] == "物流再快一点，电话[removed]"


def test_qualtrics_export_uses_the_question_text_row():
    survey = read_survey(DATA / "qualtrics_export.csv", INSTRUMENT, min_respondents=0)
    assert survey.row_numbers.tolist() == [4, 5]
    assert survey.responses.loc["R_1a", ITEMS].tolist() == [5.0, 4.0, 2.0, 4.0, 4.0, 2.0]
    assert survey.column_map["QAC"] == "AC1"
    assert survey.dropped_personal_columns[0].header == "IPAddress"


def test_row_numbers_count_blank_lines_and_skip_empty_rows(tmp_path):
    text = _csv_text().replace("\nA2", "\n\nA2")
    (tmp_path / "data.csv").write_text(text, encoding="utf-8")
    survey = read_survey(tmp_path / "data.csv", INSTRUMENT, min_respondents=0)
    assert survey.row_numbers.tolist() == [2, 4, 5]


def test_the_raw_file_is_never_modified(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text(_csv_text(), encoding="utf-8")
    before = hashlib.sha256(path.read_bytes()).hexdigest(), os.stat(path).st_mtime_ns
    read_survey(path, INSTRUMENT, min_respondents=0)
    assert (hashlib.sha256(path.read_bytes()).hexdigest(), os.stat(path).st_mtime_ns) == before


# --- fuzzing -----------------------------------------------------------------------------------------------

_HEADERS = st.sampled_from(HEADER + ["Q7_1", "7、(商品质量可靠)", "", "PQ1", "来自IP", "note", "所用时间", "x,y",
                                     "channel_1", "orders", "nps", "suggestion"])
_CELLS = st.one_of(
    st.sampled_from(["", "1", "3", "5", "0", "6", "4.5", "-1", "非常同意", "Agree", "男", "=1+1", "@x", "NA",
                     "(跳过)", "4分16秒", "00:04:16", "1e400", "99999999999999999999", "nan", "inf", "\"", "a\nb",
                     "13812345678", "x@y.cn", "1.2.3.4", ";", "\t", "\x00"]),
    st.text(alphabet=string.printable + "非常同意，。", max_size=8),
)


def _assert_clean_or_input_error(path: Path) -> None:
    try:
        survey = read_survey(path, INSTRUMENT, min_respondents=0)
    except InputError:
        return
    assert isinstance(survey, SurveyData)
    assert survey.responses.index.dtype == "str"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header=st.lists(_HEADERS, min_size=0, max_size=12),
       rows=st.lists(st.lists(_CELLS, min_size=0, max_size=13), min_size=0, max_size=6),
       delimiter=st.sampled_from([",", ";", "\t"]), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
       cut=st.integers(min_value=0, max_value=400))
def test_fuzz_csv_gives_a_survey_or_an_input_error(header, rows, delimiter, encoding, cut):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows([header, *rows])
    data = buffer.getvalue().encode(encoding, errors="replace")
    data = data[:-cut] if cut and cut < len(data) else data
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes(data)
        _assert_clean_or_input_error(path)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header=st.lists(_HEADERS, min_size=1, max_size=10),
       rows=st.lists(st.lists(st.one_of(_CELLS, st.integers(-10, 10), st.floats(allow_nan=True),
                                        st.booleans(), st.none()), max_size=11), max_size=5))
def test_fuzz_xlsx_gives_a_survey_or_an_input_error(header, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [header, *rows]:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.xlsx"
        book.save(path)
        _assert_clean_or_input_error(path)


@settings(max_examples=40, deadline=None)
@given(data=st.binary(max_size=600), suffix=st.sampled_from([".csv", ".xlsx", ".sav", ".dta", ".txt"]))
def test_fuzz_random_bytes_give_a_survey_or_an_input_error(data, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(data)
        _assert_clean_or_input_error(path)


def test_fuzz_truncated_xlsx_is_an_input_error(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.save(tmp_path / "whole.xlsx")
    whole = (tmp_path / "whole.xlsx").read_bytes()
    for keep in np.linspace(10, len(whole) - 10, 7).astype(int):
        (tmp_path / "cut.xlsx").write_bytes(whole[:keep])
        with pytest.raises(InputError, match="cut.xlsx: is not a readable XLSX workbook"):
            read_survey(tmp_path / "cut.xlsx", INSTRUMENT, min_respondents=0)


# --- missing by design, declared missing codes, no default NA strings ------------------------------------

SKIP_ROWS = [["A1", 300, 1, 5, -3, 2, 4, 4, 5, 1],      # PQ2 skipped by jump logic (问卷星 -3)
             ["A2", 250, 2, 3, 3, -2, 4, 3, "", 3],     # PQ3 not shown (-2), LY2 not answered
             ["A3", 410, 2, 4, 4, 2, 4, 4, 4, 2]]


def _kinds(survey: SurveyData, column: str) -> list[int]:
    return survey.missing_kinds[column].tolist()


def _write_table(path: Path, rows: list[list], header: list[str] = HEADER) -> None:
    """``rows`` under ``header`` as a CSV (by :func:`_csv_text`) or an XLSX sheet (empty strings as empty cells)."""
    if path.suffix == ".csv":
        path.write_text(_csv_text(rows=rows, header=header), encoding="utf-8")
        return
    book = openpyxl.Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append([None if v == "" else v for v in row])
    book.save(path)


def _assert_skips(survey: SurveyData) -> None:
    assert np.isnan(survey.responses.loc["A1", "PQ2"]) and np.isnan(survey.responses.loc["A2", "PQ3"])
    assert _kinds(survey, "PQ2") == [2, 0, 0] and _kinds(survey, "PQ3") == [0, 2, 0]
    assert _kinds(survey, "LY2") == [0, 1, 0]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".sav", ".dta"])
def test_wenjuanxing_skip_codes_are_missing_by_design_in_every_format(tmp_path, suffix):
    path = tmp_path / f"data{suffix}"
    frame = pd.DataFrame([[np.nan if v == "" else v for v in r] for r in SKIP_ROWS], columns=HEADER)
    if suffix in (".csv", ".xlsx"):
        _write_table(path, SKIP_ROWS)
    elif suffix == ".sav":
        pyreadstat.write_sav(frame, str(path))
    else:
        pyreadstat.write_dta(frame, str(path))
    survey = read_survey(path, INSTRUMENT, min_respondents=0)
    _assert_skips(survey)


def test_sav_skip_code_is_read_before_the_value_label_shift(tmp_path):
    frame = pd.DataFrame([[v - 1 if isinstance(v, int) and j >= 3 and v > 0 else v for j, v in enumerate(r)]
                          for r in SKIP_ROWS], columns=HEADER).replace("", np.nan)
    labels = {0: "Strongly disagree", 1: "Disagree", 2: "Neutral", 3: "Agree", 4: "Strongly agree"}
    path = tmp_path / "data.sav"
    pyreadstat.write_sav(frame, str(path), variable_value_labels={c: labels for c in [*ITEMS, "AC1"]})
    survey = read_survey(path, INSTRUMENT, min_respondents=0)
    _assert_skips(survey)
    assert survey.responses.loc["A1", "PQ1"] == 5.0


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_wenjuanxing_text_markers_are_missing_by_design(tmp_path, suffix):
    rows = [[*r[:3], *("(跳过)" if v == -3 else "（空）" if v == -2 else v for v in r[3:])] for r in SKIP_ROWS]
    rows[0][-1] = "(跳过)"  # also in a reverse-worded item
    path = tmp_path / f"data{suffix}"
    _write_table(path, rows)
    survey = read_survey(path, INSTRUMENT, min_respondents=0)
    _assert_skips(survey)
    assert _kinds(survey, "LY3") == [2, 0, 0]


def test_skip_marker_in_text_question_is_no_open_answer(tmp_path):
    header = [*HEADER, "suggestion"]
    rows = [[*ROWS[0], "(跳过)"], [*ROWS[1], "None"], [*ROWS[2], "N/A"]]
    path = tmp_path / "data.csv"
    path.write_text(_csv_text(rows=rows, header=header), encoding="utf-8")
    survey = read_survey(path, INSTRUMENT, min_respondents=0)
    assert survey.responses["suggestion"].tolist()[1:] == ["None", "N/A"]
    assert pd.isna(survey.responses["suggestion"].iloc[0])


@pytest.mark.parametrize("label", ["None", "N/A", "NA", "无", "null", "NaN"])
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_option_labelled_like_a_pandas_na_string_is_an_answer(tmp_path, instrument_doc, label, suffix):
    from questionnaire.loader import parse_instrument

    doc = instrument_doc
    doc["questions"][0]["options"].append({"code": 3, "label": {"zh": label, "en": label}})
    instrument = parse_instrument(doc)
    rows = [[*r[:2], label if k == 0 else {1: "Male", 2: "Female"}[r[2]], *r[3:]] for k, r in enumerate(ROWS)]
    path = tmp_path / f"data{suffix}"
    _write_table(path, rows)
    survey = read_survey(path, instrument, min_respondents=0)
    assert survey.responses["gender"].tolist() == [3.0, 2.0, 2.0]
    assert _kinds(survey, "gender") == [0, 0, 0]


def test_na_string_that_is_no_label_is_an_error_with_row_column_value(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[1][4] = "NA"
    path = tmp_path / "data.csv"
    path.write_text(_csv_text(rows=rows), encoding="utf-8")
    with pytest.raises(InputError, match=r"data.csv, row 3, column PQ2: value 'NA' is not an answer code or label"):
        read_survey(path, INSTRUMENT, min_respondents=0)


@pytest.fixture
def instrument_doc():
    import yaml

    return yaml.safe_load((DATA / "small_instrument.yaml").read_text(encoding="utf-8"))


def test_declared_missing_codes_study_and_item_level(tmp_path, instrument_doc):
    from questionnaire.loader import parse_instrument

    instrument_doc["missing_codes"] = [-99, 999]
    instrument_doc["constructs"][1]["items"][0]["missing_codes"] = [9]   # LY1: own codes replace the study's
    instrument = parse_instrument(instrument_doc)
    rows = [list(r) for r in ROWS]
    rows[0][3], rows[1][7], rows[2][4] = -99, 9, 999
    path = tmp_path / "data.csv"
    path.write_text(_csv_text(rows=rows), encoding="utf-8")
    survey = read_survey(path, instrument, min_respondents=0)
    assert _kinds(survey, "PQ1") == [3, 0, 0] and _kinds(survey, "LY1") == [0, 3, 0] and _kinds(survey, "PQ2") == [0, 0, 3]
    assert survey.responses[["PQ1", "LY1", "PQ2"]].isna().sum().tolist() == [1, 1, 1]
    rows[0][7] = -99   # LY1 declares only 9: -99 there is not missing but an error
    path.write_text(_csv_text(rows=rows), encoding="utf-8")
    with pytest.raises(InputError, match=r"data.csv, row 2, column LY1: value '-99' is not allowed; allowed: 1–5"):
        read_survey(path, instrument, min_respondents=0)


def test_undeclared_code_is_an_error_even_next_to_a_declared_one(tmp_path, instrument_doc):
    from questionnaire.loader import parse_instrument

    instrument_doc["missing_codes"] = [-99]
    instrument = parse_instrument(instrument_doc)
    rows = [list(r) for r in ROWS]
    rows[0][3], rows[1][3] = -99, 99
    path = tmp_path / "data.csv"
    path.write_text(_csv_text(rows=rows), encoding="utf-8")
    with pytest.raises(InputError, match=r"^\S*data.csv, row 3, column PQ1: value '99' is not allowed; allowed: 1–5"):
        read_survey(path, instrument, min_respondents=0)


def test_skip_code_inside_the_scale_stays_an_answer(tmp_path, instrument_doc):
    from questionnaire.loader import parse_instrument

    instrument_doc["scale"] = {"min": -3, "max": 3, "labels": {lang: [str(v) for v in range(-3, 4)]
                                                              for lang in ("zh", "en")}}
    instrument_doc["attention_checks"][0]["expected"] = 1
    instrument = parse_instrument(instrument_doc)
    rows = [[*r[:3], *(v - 3 for v in r[3:])] for r in ROWS]
    path = tmp_path / "data.csv"
    path.write_text(_csv_text(rows=rows), encoding="utf-8")
    survey = read_survey(path, instrument, min_respondents=0)
    assert survey.responses.loc["A1", "LY3"] == -2.0 and _kinds(survey, "LY3") == [0, 0, 0]


def test_qualtrics_minus_99_is_seen_but_unanswered(tmp_path):
    header = ["ResponseId", *HEADER[1:]]
    rows = [list(r) for r in ROWS]
    rows[0][4] = -99
    path = tmp_path / "data.csv"
    path.write_text(_csv_text(rows=rows, header=header), encoding="utf-8")
    survey = read_survey(path, INSTRUMENT, min_respondents=0)
    assert np.isnan(survey.responses.loc["A1", "PQ2"]) and _kinds(survey, "PQ2") == [1, 0, 0]
    path.write_text(_csv_text(rows=rows), encoding="utf-8")   # not a Qualtrics export: -99 is an error
    with pytest.raises(InputError, match=r"row 2, column PQ2: value '-99' is not allowed"):
        read_survey(path, INSTRUMENT, min_respondents=0)


def test_declared_text_code_such_as_r_na(tmp_path, instrument_doc):
    from questionnaire.loader import parse_instrument

    rows = [list(r) for r in ROWS]
    rows[1][4], rows[2][1] = "NA", 410
    path = tmp_path / "data.csv"
    path.write_text(_csv_text(rows=rows), encoding="utf-8")
    instrument_doc["missing_codes"] = ["NA", -99]
    survey = read_survey(path, parse_instrument(instrument_doc), min_respondents=0)
    assert _kinds(survey, "PQ2") == [0, 3, 0] and np.isnan(survey.responses.loc["A2", "PQ2"])


def test_spss_user_missing_values_are_declared_missing(tmp_path):
    frame = pd.DataFrame(ROWS, columns=HEADER)
    frame.loc[1, "PQ2"], frame.loc[2, "duration_s"] = -9, -1
    path = tmp_path / "data.sav"
    pyreadstat.write_sav(frame, str(path), missing_ranges={"PQ2": [-9], "duration_s": [{"lo": -5, "hi": -1}]})
    survey = read_survey(path, INSTRUMENT, min_respondents=0)
    assert _kinds(survey, "PQ2") == [0, 3, 0] and np.isnan(survey.responses.loc["A2", "PQ2"])
    assert np.isnan(survey.responses.loc["A3", "duration_s"])   # missing, not a negative completion time


def test_stata_extended_missing_values_are_declared_missing(tmp_path):
    frame = pd.DataFrame(ROWS, columns=HEADER).astype({"PQ2": object})
    frame.loc[0, "PQ2"] = "a"
    path = tmp_path / "data.dta"
    pyreadstat.write_dta(frame, str(path), missing_user_values={"PQ2": ["a"]})
    survey = read_survey(path, INSTRUMENT, min_respondents=0)
    assert _kinds(survey, "PQ2") == [3, 0, 0] and survey.responses["PQ2"].tolist()[1:] == [3.0, 4.0]
