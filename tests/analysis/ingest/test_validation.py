"""Validation: one test per problem with its exact message, the problem table, validation.csv, sample size."""
from __future__ import annotations

import re
import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis.diagnostics import StatisticalWarning
from analysis.ingest.readers import read_survey
from analysis.ingest.validation import (PROBLEM_COLUMNS, ValidationError, free_parameters, minimum_respondents,
                                        require_sample_size, sample_size_rule, write_validation_csv)
from analysis.results import to_plain
from questionnaire.errors import InputError
from questionnaire.instrument import bundled_instrument_path
from questionnaire.loader import load_instrument

DATA = Path(__file__).parents[2] / "data"
INSTRUMENT = load_instrument(DATA / "small_instrument.yaml")
HEADER = "resp_id,duration_s,PQ1,PQ2,PQ3,LY1,LY2,LY3\n"
SCALE = "1–5 (非常不同意 … 非常同意)"


def _fails(tmp_path, name: str, content: str | bytes, message: str, **options) -> ValidationError:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    options.setdefault("min_respondents", 0)
    with pytest.raises(ValidationError, match=f"^{re.escape(f'{path}{message}')}$") as caught:
        read_survey(path, INSTRUMENT, **options)
    return caught.value


def test_empty_file(tmp_path):
    _fails(tmp_path, "r.csv", "\n \n", ": the file is empty; allowed: a header row and one row per respondent")


def test_header_only(tmp_path):
    error = _fails(tmp_path, "r.csv", HEADER, ": the file has a header row but no respondents; "
                                              "allowed: one row per respondent below the header")
    assert error.table["code"].tolist() == ["header_only"]


def test_file_not_found(tmp_path):
    with pytest.raises(ValidationError, match=re.escape(f"{tmp_path / 'gone.csv'}: file not found")):
        read_survey(tmp_path / "gone.csv", INSTRUMENT)


def test_folder_instead_of_a_file(tmp_path):
    with pytest.raises(ValidationError, match=re.escape(f"{tmp_path}: is a folder, not a data file")):
        read_survey(tmp_path, INSTRUMENT)


def test_unreadable_binary_named_csv(tmp_path):
    _fails(tmp_path, "r.csv", b"\x00\x01\x02garbage\xff", ": cannot read the file as text: it holds binary data, "
                                                         "not text; allowed: CSV text in UTF-8 or GB18030, XLSX, SAV or DTA")


def test_unreadable_garbage_named_xlsx(tmp_path):
    _fails(tmp_path, "r.xlsx", b"not a zip file", ": is not a readable XLSX workbook (BadZipFile: File is not a "
                                                  "zip file); allowed: an .xlsx file saved by Excel, WPS or LibreOffice")


def test_unreadable_corrupt_sav(tmp_path):
    error = _fails(tmp_path, "r.sav", b"$FL2 this is no SPSS file",
                   ": is not an SPSS .sav file that can be read (Unable to read from file); "
                   "allowed: an SPSS .sav file")
    assert error.table["code"].tolist() == ["unreadable"]


def test_old_xls_and_unsupported_suffix(tmp_path):
    _fails(tmp_path, "r.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", ": is an old Excel 97–2003 (.xls) file; save it "
           "as .xlsx or CSV; allowed: .csv, .tsv, .txt, .xlsx, .xlsm, .sav, .zsav, .dta")
    _fails(tmp_path, "r.json", "{}", ": unsupported file type '.json'; "
                                     "allowed: .csv, .tsv, .txt, .xlsx, .xlsm, .sav, .zsav, .dta")


def test_sheet_not_found(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    book.save(tmp_path / "r.xlsx")
    with pytest.raises(ValidationError, match=re.escape(f"{tmp_path / 'r.xlsx'}: sheet 'Data' not found; "
                                                        "allowed: Sheet1")):
        read_survey(tmp_path / "r.xlsx", INSTRUMENT, sheet="Data")


def test_row_with_too_many_fields(tmp_path):
    _fails(tmp_path, "r.csv", HEADER + "a,300,1,2,3,4,5,1\nb,300,1,2,3,4,5,1,9\n",
           ", row 3: has 9 fields but the header has 8 (delimiter comma); allowed: 8 fields per row")


def test_mixed_delimiters(tmp_path):
    _fails(tmp_path, "r.csv", HEADER + "a;300;1;2;3;4;5;1\nb;300;1;2;3;4;5;1\n",
           ": the header has 8 fields separated by commas but most rows have fewer; the rows seem to use "
           "semicolons (mixed delimiters?); allowed: one delimiter throughout the file")


def test_missing_item_column(tmp_path):
    error = _fails(tmp_path, "r.csv", "resp_id,PQ1,PQ2,LY1,LY2,LY3\na,1,2,3,4,5\n",
                   ", column PQ3: no column for item PQ3: looked for the header 'PQ3', its aliases 'Q7_3' and the "
                   "item text '商品做工粗糙'; allowed: one column per item")
    assert error.table.loc[0, ["column", "code"]].tolist() == ["PQ3", "missing_column"]


def test_duplicate_header(tmp_path):
    _fails(tmp_path, "r.csv", "resp_id,PQ1,PQ1,PQ2,PQ3,LY1,LY2,LY3\na,1,2,3,4,5,1,1\n",
           ", row 1, column PQ1: header 'PQ1' appears 2 times (columns 2, 3); allowed: each header once")


def test_two_headers_naming_one_item(tmp_path):
    _fails(tmp_path, "r.csv", "resp_id,PQ1,Q7_1,PQ2,PQ3,LY1,LY2,LY3\na,1,2,3,4,5,1,1\n",
           ", row 1, column Q7_1: headers 'PQ1' (column 2) and 'Q7_1' (column 3) both name PQ1; "
           "allowed: one column for PQ1")


def test_out_of_range_code(tmp_path):
    error = _fails(tmp_path, "r.csv", HEADER + "a,300,7,2,3,4,5,1\n",
                   f", row 2, column PQ1: value '7' is not allowed; allowed: {SCALE}")
    assert error.table.iloc[0][["row", "respondent", "column", "value", "allowed", "code"]].tolist() == \
        [2, "a", "PQ1", "7", SCALE, "out_of_range"]


def test_text_where_a_code_is_expected(tmp_path):
    _fails(tmp_path, "r.csv", HEADER + "a,300,1,2,maybe,4,5,1\n",
           f", row 2, column PQ3: value 'maybe' is not an answer code or label; allowed: {SCALE}")


def test_background_question_values(tmp_path):
    error = _fails(tmp_path, "r.csv", "resp_id,gender,orders,nps,PQ1,PQ2,PQ3,LY1,LY2,LY3\na,3,101,10.5,1,2,3,4,5,1\n",
                   ": 3 problems in the data\n"
                   f"{tmp_path / 'r.csv'}, row 2, column gender: value '3' is not allowed; allowed: 1 男, 2 女\n"
                   f"{tmp_path / 'r.csv'}, row 2, column orders: value '101' is not allowed; allowed: numbers 0–100\n"
                   f"{tmp_path / 'r.csv'}, row 2, column nps: value '10.5' is not allowed; allowed: whole numbers 0–10")
    assert len(error.problems) == 3


def test_unreadable_completion_time(tmp_path):
    _fails(tmp_path, "r.csv", HEADER + "a,soon,1,2,3,4,5,1\n", ", row 2, column duration_s: value 'soon' is not a "
           "completion time; allowed: seconds such as 256, 256秒, 4分16秒 or 00:04:16")


def test_no_answers_at_all(tmp_path):
    _fails(tmp_path, "r.csv", HEADER + "a,300,,,,,,\n",
           ": not one answer in any item column; allowed: answer codes in the item columns")


def test_too_few_respondents_for_the_model(tmp_path):
    _fails(tmp_path, "r.csv", HEADER + "a,300,1,2,3,4,5,1\n",
           ": 1 respondent in the file, but at least 100 are needed: maximum-likelihood CFA/SEM on 6 items needs at "
           "least max(100, items + 1) = 100 respondents (Boomsma 1982; Kline 2016), and 5 per free parameter "
           "(5 × 13 = 65) are recommended (Bentler & Chou 1987); allowed: at least 100 respondents",
           min_respondents=None)


def test_too_few_respondents_explicit_minimum(tmp_path):
    _fails(tmp_path, "r.csv", HEADER + "a,300,1,2,3,4,5,1\n",
           ": 1 respondents in the file, but at least 3 are needed; allowed: at least 3 respondents", min_respondents=3)


def test_every_problem_in_one_table_first_20_in_the_message(tmp_path):
    rows = "".join(f"r{i},300,9,2,3,4,5,1\n" for i in range(25))
    path = tmp_path / "r.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        read_survey(path, INSTRUMENT, min_respondents=0)
    error = caught.value
    lines = str(error).splitlines()
    assert lines[0] == f"{path}: 25 problems in the data (the first 20 below; all of them in validation.csv)"
    assert len(lines) == 21 and lines[1].startswith(f"{path}, row 2, column PQ1: value '9'")
    assert isinstance(error, InputError)
    assert list(error.table.columns) == list(PROBLEM_COLUMNS) and len(error.table) == 25


def test_validation_csv_holds_every_problem_with_formulas_neutralised(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(HEADER + "=cmd|' /C calc'!A0,300,1,2,@3,4,5,1\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        read_survey(path, INSTRUMENT, min_respondents=0)
    written = pd.read_csv(write_validation_csv(caught.value, tmp_path / "validation.csv"), encoding="utf-8-sig",
                          dtype=str)
    assert list(written.columns) == list(PROBLEM_COLUMNS)
    assert written.loc[0, "respondent"] == "'=cmd|' /C calc'!A0"
    assert written.loc[0, "value"] == "'@3"


def test_minimum_respondents_rule():
    rule = minimum_respondents(n_free_parameters=73, n_items=26)
    assert (rule.required, rule.recommended) == (100, 365)
    assert minimum_respondents(10, 150).required == 151
    assert to_plain(rule)["reason"] == rule.reason()


def test_free_parameters_of_the_bundled_cfa():
    instrument = load_instrument(bundled_instrument_path())
    # 29 items, 8 constructs: 21 loadings + 29 residual variances + 36 latent (co)variances (lavaan npar)
    assert free_parameters(instrument) == 86
    assert sample_size_rule(instrument).recommended == 430


def test_require_sample_size_raises_below_required_and_warns_below_recommended():
    instrument = load_instrument(bundled_instrument_path())
    with pytest.raises(ValidationError, match=re.escape("data.csv: 99 respondents after cleaning and listwise "
                                                        "deletion, but at least 100 are needed")):
        require_sample_size(pd.DataFrame(index=range(99)), instrument, file="data.csv")
    with pytest.warns(StatisticalWarning, match="small_sample"):
        diagnostics = require_sample_size(pd.DataFrame(index=range(200)), instrument, file="data.csv")
    assert diagnostics[0].code == "small_sample"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert require_sample_size(pd.DataFrame(index=range(430)), instrument, file="data.csv") == []


def test_header_spanning_two_rows(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["编号", "产品质量", None, None, "忠诚度", None, None])
    sheet.merge_cells("B1:D1")
    sheet.merge_cells("E1:G1")
    sheet.append(["resp_id", "PQ1", "PQ2", "PQ3", "LY1", "LY2", "LY3"])
    sheet.append(["a", 1, 2, 3, 4, 5, 1])
    book.save(tmp_path / "r.xlsx")
    with pytest.raises(ValidationError, match=f"^{re.escape(str(tmp_path / 'r.xlsx'))}: the header spans several "
                       r"rows: row 2 names 6 items missing from row 1 \(PQ1, PQ2, PQ3, LY1, LY2, …\); "
                       "allowed: one header row directly above the respondents$"):
        read_survey(tmp_path / "r.xlsx", INSTRUMENT, min_respondents=0)


def test_byte_order_mark_on_text_that_is_not_utf8(tmp_path):
    _fails(tmp_path, "r.csv", b"\xef\xbb\xbf" + "resp_id,PQ1\n1,非常同意\n".encode("gb18030"),
           ": cannot read the file as text: it starts with a UTF-8 byte-order mark but is not UTF-8 text (byte 0xb7 "
           "at offset 17); allowed: CSV text in UTF-8 or GB18030, XLSX, SAV or DTA")
