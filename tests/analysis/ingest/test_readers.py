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
