"""Issue 7.6: random malformed input to the readers and to the instrument loader yields our InputError or a valid
result — never another exception (and never a crash of the process)."""
from __future__ import annotations

import copy
import csv
import io
import json
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd
import pyreadstat
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from robustness_support import CORPUS, CORPUS_INSTRUMENT

from analysis.ingest.readers import SurveyData, read_survey
from analysis.results import to_plain
from questionnaire.errors import InputError
from questionnaire.instrument import Instrument, bundled_instrument_path
from questionnaire.loader import load_instrument, parse_instrument

INSTRUMENT = load_instrument(CORPUS_INSTRUMENT)
FAST = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


# --- readers -----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def originals(tmp_path_factory) -> dict[str, bytes]:
    """good.csv of the corpus in every format the readers take."""
    folder = tmp_path_factory.mktemp("originals")
    good = pd.read_csv(CORPUS / "good.csv")
    pyreadstat.write_sav(good, str(folder / "good.sav"), variable_value_labels={"gender": {1: "男", 2: "女"}})
    pyreadstat.write_dta(good, str(folder / "good.dta"))
    return {".csv": (CORPUS / "good.csv").read_bytes(), ".xlsx": (CORPUS / "good.xlsx").read_bytes(),
            ".sav": (folder / "good.sav").read_bytes(), ".dta": (folder / "good.dta").read_bytes()}


def _read(data: bytes, suffix: str) -> None:
    """Our error, or a survey whose description is JSON-safe."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(data)
        try:
            survey = read_survey(path, INSTRUMENT, min_respondents=0)
        except InputError:
            return
    assert isinstance(survey, SurveyData)
    json.dumps(to_plain(survey), allow_nan=False)


_EDITS = st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.sampled_from(["set", "delete", "insert", "cut"]),
                            st.binary(min_size=1, max_size=8)), min_size=1, max_size=6)


def _edit(data: bytes, edits) -> bytes:
    out = bytearray(data)
    for where, how, chunk in edits:
        if not out:
            break
        at = int(where * len(out))
        if how == "set":
            out[at:at + len(chunk)] = chunk
        elif how == "delete":
            del out[at:at + 8 * len(chunk)]
        elif how == "insert":
            out[at:at] = chunk
        else:
            del out[at:]
    return bytes(out)


@FAST
@given(suffix=st.sampled_from([".csv", ".xlsx", ".sav", ".dta"]), edits=_EDITS)
def test_damaged_files_give_a_survey_or_an_input_error(originals, suffix, edits):
    _read(_edit(originals[suffix], edits), suffix)


_HEADERS = st.one_of(st.sampled_from(["resp_id", "duration_s", "gender", "PQ1", "PQ2", "PQ3", "CS1", "CS2", "CS3", "LY1",
                                      "LY2", "LY3", "商品质量可靠", "7、(商品质量可靠)", "所用时间", "IP地址", "", "PQ1"]),
                     st.text(max_size=6))
_CELLS = st.one_of(
    st.sampled_from(["", "1", "5", "0", "6", "3.5", "-1", "非常同意", "Agree", "男", "=1+1", "(跳过)", "4分16秒",
                     "1e400", "nan", "inf", "\"", "a\nb", "13812345678", "x@y.cn", "1.2.3.4", ";", "\t", "\x00"]),
    st.text(max_size=6), st.integers(-10, 10), st.floats(allow_nan=True, allow_infinity=True), st.none())
_TABLES = st.tuples(st.lists(_HEADERS, min_size=1, max_size=14),
                    st.lists(st.lists(_CELLS, max_size=15), max_size=8))


@FAST
@given(table=_TABLES, delimiter=st.sampled_from([",", ";", "\t", "|"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
def test_random_tables_as_csv_give_a_survey_or_an_input_error(table, delimiter, encoding):
    header, rows = table
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\n").writerows([header, *rows])
    _read(text.getvalue().encode(encoding, errors="replace"), ".csv")


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=_TABLES)
def test_random_tables_as_xlsx_give_a_survey_or_an_input_error(table):
    header, rows = table
    book = openpyxl.Workbook()
    for row in [header, *rows]:
        book.active.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    _read(buffer.getvalue(), ".xlsx")


# --- instrument loader -------------------------------------------------------------------------------------

BUNDLED_TEXT = bundled_instrument_path().read_text(encoding="utf-8")
BUNDLED = yaml.safe_load(BUNDLED_TEXT)
_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-3, 12), st.floats(allow_nan=True, allow_infinity=True),
              st.text(max_size=8), st.sampled_from(["PQ", "PQ1", "CS", "LY", "PQ -> CS", "CS ~ PQ", "CS ~ LY\nLY ~ CS",
                                                    "zh", "single", "nps", "driver"])),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6)


def _places(node):
    """Every (container, key) pair of the document, depth first."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        yield node, key
        yield from _places(value)


def _check(instrument) -> None:
    assert isinstance(instrument, Instrument)
    assert all(isinstance(i, str) for i in instrument.item_ids)
    assert isinstance(instrument.structural_syntax(), str)
    json.dumps(to_plain(instrument.document), allow_nan=False)


@FAST
@given(data=st.data())
def test_mutated_instruments_give_an_instrument_or_an_input_error(data):
    """Delete keys, change types, duplicate entries (so ids repeat), put random values anywhere."""
    document = copy.deepcopy(BUNDLED)
    for _ in range(data.draw(st.integers(1, 4))):
        places = list(_places(document))
        container, key = data.draw(st.sampled_from(places))
        how = data.draw(st.sampled_from(["delete", "replace", "duplicate"]))
        if how == "delete":
            del container[key]
        elif how == "replace":
            container[key] = data.draw(_VALUES)
        elif isinstance(container, list):
            container.append(copy.deepcopy(container[key]))
        else:
            container[f"{key}_copy"] = copy.deepcopy(container[key])
    try:
        instrument = parse_instrument(document, "fuzz.yaml")
    except InputError:
        return
    _check(instrument)


_YAML_TEXT = st.text(alphabet=st.sampled_from(list("abPQCS1 :-[]{}!&*|>'\"#%@`,?\n\t.~=") + ["中", "\ufeff", "\x85"]),
                     max_size=80)


@FAST
@given(text=st.one_of(_YAML_TEXT, st.binary(max_size=200)), at=st.floats(0, 1), whole=st.booleans())
def test_random_instrument_text_gives_an_instrument_or_an_input_error(text, at, whole, tmp_path_factory):
    """Random text on its own, or spliced into the bundled instrument; also bytes that are no UTF-8."""
    if isinstance(text, bytes):
        data = text
    elif whole:
        data = text.encode("utf-8")
    else:
        cut = int(at * len(BUNDLED_TEXT))
        data = (BUNDLED_TEXT[:cut] + text + BUNDLED_TEXT[cut:]).encode("utf-8")
    path = tmp_path_factory.mktemp("instrument") / "fuzz.yaml"
    path.write_bytes(data)
    try:
        instrument = load_instrument(path)
    except InputError:
        return
    _check(instrument)


def test_yaml_values_that_json_cannot_hold_are_made_plain(tmp_path):
    """Dates, sets and binary values in an instrument become text and lists, so results.json can hold them."""
    path = tmp_path / "instrument.yaml"
    path.write_text(CORPUS_INSTRUMENT.read_text(encoding="utf-8")
                    + "date: 2024-05-01\nreviewers: !!set {Li: null, Wang: null}\nlogo: !!binary aGk=\n", encoding="utf-8")
    document = load_instrument(path).document
    assert (document["date"], document["reviewers"], document["logo"]) == ("2024-05-01", ["Li", "Wang"], "b'hi'")
