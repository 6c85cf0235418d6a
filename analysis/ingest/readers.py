"""Read a survey export as it is: CSV (encoding and delimiter detected), XLSX, SPSS ``.sav``, Stata ``.dta``.

:func:`read_table` gives the raw table (headers exactly as written, cells untouched, file row numbers);
:func:`read_survey` matches it to an instrument (:mod:`analysis.columns`), validates it and returns a
:class:`SurveyData`, or raises one :class:`~analysis.ingest.validation.ValidationError` listing every problem.
The file is only ever opened for reading.

Row numbers are as a user sees them: in a CSV or XLSX file the header is row 1 and the first
respondent row 2 (a CSV "row" is a record, which is a line unless a quoted answer holds a line break);
in SPSS/Stata files cases are numbered from 1.
"""
from __future__ import annotations

import codecs
import csv
import io
import multiprocessing
import re
import warnings
import zipfile
import zlib
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import charset_normalizer
import numpy as np
import pandas as pd

from analysis.ingest.columns import QUALTRICS_UNANSWERED, PersonalColumn, convert_answers, match_columns
from analysis.ingest.validation import ProblemCollector, add_sample_size_problem, sample_size_rule
from questionnaire.instrument import Instrument

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
SPSS_SUFFIXES = (".sav", ".zsav")
STATA_SUFFIXES = (".dta",)
DELIMITERS = (",", ";", "\t", "|")
#: headers that only a Qualtrics export has (its -99 means "seen but unanswered")
QUALTRICS_HEADERS = frozenset({"responseid", "_recordid", "distributionchannel", "recipientlastname"})
_CHINESE_ENCODINGS = {"gb2312", "gbk", "gb18030", "hz", "cp936"}
_SNIFF_BYTES = 1 << 16
_SNIFF_LINES = 50
_IMPORT_ID = '{"ImportId"'
_NUMBER_TEXT = re.compile(r"[+-]?\d+(?:\.\d+)?")
_IMPORT_ID_VALUE = re.compile(r'"ImportId"\s*:\s*"([^"]+)"')
#: what SurveyMonkey's second header row says under a question answered in one column
SURVEYMONKEY_RESPONSE = ("response", "open-ended response", "回复", "开放式回复")


@dataclass(frozen=True, eq=False)
class RawTable:
    """A file's table before any interpretation: ``frame`` has positional columns 0…n−1 named by ``headers``.

    ``header_texts`` holds other descriptions of each column when the file has them (SPSS/Stata variable
    labels; a Qualtrics export's question-text row and import id such as ``QID7_1``), else ``None``. A SurveyMonkey
    export's two header rows are merged into ``headers`` (``question - option``); ``platform`` is then
    ``"surveymonkey"``. ``value_labels`` maps a column
    position to its SPSS/Stata value labels ``{code: label}``. ``declared_cells`` maps a column position to
    the mask of its cells that the file itself declares missing (SPSS user-missing values, Stata ``.a``–``.z``);
    those cells are already empty in ``frame``. ``platform`` is ``"qualtrics"`` for a Qualtrics export.
    """

    file: str
    format: str
    headers: tuple[str, ...]
    frame: pd.DataFrame
    row_numbers: np.ndarray
    header_texts: tuple[str | tuple[str, ...] | None, ...] | None = None
    value_labels: dict[int, dict] = field(default_factory=dict)
    declared_cells: dict[int, np.ndarray] = field(default_factory=dict)
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    platform: str | None = None


@dataclass(frozen=True, eq=False)
class SurveyData:
    """A validated survey. ``responses`` is indexed by respondent id (str) and holds, in instrument order,
    the item and attention-check codes (float, NaN = missing), the background questions (codes, numbers
    or text; multiple choice as ``<id>_<code>`` 0/1 columns) and ``duration_s`` (seconds) when present.

    ``row_numbers`` (aligned with ``responses``) gives each respondent's row in the file; ``column_map``
    maps each used header to its instrument id; ``extra`` holds the columns the instrument does not
    know (listed in ``extra_columns``), minus the personal-data columns, which are dropped and listed
    in ``dropped_personal_columns``; ``masked_cells`` counts text answers in which a phone number,
    e-mail address or ID-card number was replaced by ``[removed]``; ``absent_columns`` lists optional
    instrument columns (respondent id, duration, attention checks, questions) the file lacks; ``duration_from``
    names the start and end timestamp columns the completion time was derived from (empty when the file has a
    duration column or no such pair).

    ``missing_kinds`` (aligned with ``responses``; one int8 column per item, attention check, question and
    option column) says why a cell is empty: :data:`~analysis.ingest.columns.ANSWERED` (0, not empty),
    ``NOT_ANSWERED`` (1), ``SKIPPED`` (2, a platform skip marker: not asked by design), ``DECLARED`` (3, a
    declared missing code).
    """

    file: str
    format: str
    responses: pd.DataFrame
    row_numbers: pd.Series
    column_map: dict[str, str]
    extra: pd.DataFrame
    extra_columns: tuple[str, ...]
    dropped_personal_columns: tuple[PersonalColumn, ...]
    absent_columns: tuple[str, ...]
    masked_cells: int = 0
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    missing_kinds: pd.DataFrame | None = None
    duration_from: tuple[str, ...] = ()

    @property
    def n_respondents(self) -> int:
        return len(self.responses)

    def plain_form(self) -> dict:
        """``results.json`` ``input``: what was read and matched (not the data)."""
        return {
            "file": self.file, "format": self.format, "n_respondents": self.n_respondents,
            "encoding": self.encoding, "delimiter": self.delimiter, "sheet": self.sheet,
            "column_map": self.column_map, "extra_columns": self.extra_columns,
            "dropped_personal_columns": self.dropped_personal_columns,
            "masked_cells": self.masked_cells, "absent_columns": self.absent_columns,
            "duration_from": self.duration_from,
        }


def read_survey(path: str | Path, instrument: Instrument, *, sheet: str | None = None,
                min_respondents: int | None = None) -> SurveyData:
    """Read, match and validate a survey export against ``instrument``.

    ``min_respondents``: fewer respondents in the file are a ``too_few_respondents`` problem; ``None``
    uses :func:`~analysis.ingest.validation.sample_size_rule` of the instrument (``required``), ``0`` checks nothing.
    Raises :class:`~analysis.ingest.validation.ValidationError` with every problem found.
    """
    raw = read_table(path, sheet=sheet)
    problems = ProblemCollector(raw.file)
    header_problems = ProblemCollector(raw.file)
    match = match_columns(raw.headers, raw.header_texts, instrument, header_problems)
    if not _header_below(raw, instrument, match, problems):
        problems.extend(header_problems)
    answers = convert_answers(raw.frame, raw.headers, raw.row_numbers, raw.value_labels, match, instrument,
                              problems, unanswered_codes=QUALTRICS_UNANSWERED if raw.platform == "qualtrics" else (),
                              declared_cells=raw.declared_cells)
    rule = sample_size_rule(instrument)
    if min_respondents is None:
        add_sample_size_problem(problems, len(answers.responses), rule, "in the file")
    elif len(answers.responses) < min_respondents:
        problems.add("too_few_respondents",
                     f"{len(answers.responses)} respondents in the file, but at least {min_respondents} are needed",
                     value=len(answers.responses), allowed=f"at least {min_respondents} respondents")
    problems.raise_if_any()
    return SurveyData(
        file=raw.file, format=raw.format, responses=answers.responses, row_numbers=answers.row_numbers,
        column_map=answers.column_map, extra=answers.extra, extra_columns=tuple(answers.extra.columns),
        dropped_personal_columns=answers.dropped_personal, absent_columns=answers.absent,
        masked_cells=answers.masked_cells, encoding=raw.encoding, delimiter=raw.delimiter, sheet=raw.sheet,
        missing_kinds=answers.missing_kinds, duration_from=answers.duration_from)


def _header_below(raw: RawTable, instrument: Instrument, match, problems: ProblemCollector) -> bool:
    """Merged or stacked header rows: the first data row names items the header lacks (recorded as the
    one ``header_rows`` problem instead of a missing column per item)."""
    missing = [i for i in instrument.item_ids if i not in match.columns]
    if not missing or raw.format not in ("csv", "xlsx"):
        return False
    first = tuple("" if pd.isna(v) else str(v) for v in raw.frame.iloc[0])
    below = match_columns(first, None, instrument, ProblemCollector(raw.file))
    named = [i for i in missing if i in below.columns]
    if named:
        problems.add("header_rows", f"the header spans several rows: row {int(raw.row_numbers[0])} names "
                     f"{len(named)} item{'s' if len(named) > 1 else ''} missing from row {int(raw.row_numbers[0]) - 1} "
                     f"({', '.join(named[:5])}{', …' if len(named) > 5 else ''})",
                     allowed="one header row directly above the respondents")
    return bool(named)


def read_table(path: str | Path, *, sheet: str | None = None) -> RawTable:
    """The raw table of a CSV/TSV/TXT, XLSX, SAV or DTA file (the type follows the content, then the suffix)."""
    path = Path(path)
    file = str(path)
    problems = ProblemCollector(file)
    if not path.exists():
        problems.add("file_not_found", "file not found")
    elif path.is_dir():
        problems.add("file_not_found", "is a folder, not a data file")
    problems.raise_if_any()
    try:
        with path.open("rb") as handle:
            magic = handle.read(8)
    except OSError as err:
        problems.add("unreadable", f"cannot open the file ({err.strerror or err})")
        problems.raise_if_any()
    suffix = path.suffix.lower()
    if magic.startswith(b"\xd0\xcf\x11\xe0") and suffix in XLSX_SUFFIXES:
        problems.add("unreadable", "is a password-protected workbook (or an old .xls file renamed); remove the "
                     "password or save it again as .xlsx", allowed="an .xlsx file without a password, or CSV")
        table = None
    elif magic.startswith(b"\xd0\xcf\x11\xe0"):
        problems.add("unreadable", "is an old Excel 97–2003 (.xls) file; save it as .xlsx or CSV",
                     allowed=_allowed_types())
        table = None
    elif magic.startswith(b"PK\x03\x04") or (suffix in XLSX_SUFFIXES and magic):
        table = _read_xlsx(path, file, sheet, problems)
    elif suffix in SPSS_SUFFIXES or suffix in STATA_SUFFIXES:
        table = _read_stat(path, file, suffix, problems)
    elif suffix in CSV_SUFFIXES or (suffix in XLSX_SUFFIXES and not magic):
        table = _read_csv(path, file, problems)
    else:
        problems.add("unreadable", f"unsupported file type {suffix or '(no suffix)'!r}", allowed=_allowed_types())
        table = None
    problems.raise_if_any()
    return table


def _allowed_types() -> str:
    return ", ".join((*CSV_SUFFIXES, *XLSX_SUFFIXES, *SPSS_SUFFIXES, *STATA_SUFFIXES))


# --- CSV ---------------------------------------------------------------------------------------------------

def detect_encoding(data: bytes) -> str:
    """The text encoding of ``data``: UTF-8 (with or without BOM), UTF-16 with BOM, else charset-normalizer's guess
    (any GB2312/GBK guess is read as its superset GB18030). Raises ``ValueError`` for binary data."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            codecs.decode(data[len(codecs.BOM_UTF8):], "utf-8")
        except UnicodeDecodeError as err:
            offset = err.start + len(codecs.BOM_UTF8)
            raise ValueError(f"starts with a UTF-8 byte-order mark but is not UTF-8 text "
                             f"(byte 0x{data[offset]:02x} at offset {offset})") from None
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise ValueError("holds binary data, not text")
    try:
        codecs.decode(data, "utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if _reads_as_chinese(data[:200_000]):
        return "gb18030"
    best = charset_normalizer.from_bytes(data[:200_000]).best()
    if best is None:
        raise ValueError("holds binary data or text in an unknown encoding")
    encoding = best.encoding.lower().replace("-", "").replace("_", "")
    return "gb18030" if encoding in _CHINESE_ENCODINGS else best.encoding


def _reads_as_chinese(data: bytes) -> bool:
    """``data`` decodes as GB18030 and most of its non-ASCII characters are CJK ideographs or Chinese punctuation
    (charset-normalizer mistakes a short GB18030 file full of ``┋`` for a Thai code page)."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as err:
        if err.start < len(data) - 4:  # only a character cut at the end of the sample is allowed
            return False
        text = data[:err.start].decode("gb18030")
    wide = [c for c in text if ord(c) > 127]
    chinese = sum(1 for c in wide if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef"
                  or c in "┋〖〗")
    return bool(wide) and chinese / len(wide) > 0.5


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter among ``, ; TAB |`` that splits the header into most fields while the other lines
    have as many; a comma when nothing splits the header."""
    best, best_score = ",", (-1, 1)
    for delimiter in DELIMITERS:
        counts = [len(fields) for fields in csv.reader(lines, delimiter=delimiter)]
        if not counts or counts[0] < 2:
            continue
        score = (sum(c == counts[0] for c in counts[1:]), counts[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(path: Path, file: str, problems: ProblemCollector) -> RawTable | None:
    try:
        data = path.read_bytes()
    except OSError as err:
        problems.add("unreadable", f"cannot read the file ({err.strerror or err})")
        return None
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        problems.add("empty_file", "the file is empty", allowed="a header row and one row per respondent")
        return None
    try:
        encoding = detect_encoding(data)
        sample = data[:_SNIFF_BYTES].decode(encoding, errors="ignore")
    except (ValueError, LookupError) as err:
        problems.add("unreadable", f"cannot read the file as text: it {err}",
                     allowed="CSV text in UTF-8 or GB18030, XLSX, SAV or DTA")
        return None
    lines = sample.splitlines()
    if len(data) > _SNIFF_BYTES:
        lines = lines[:-1]
    skip = next((i for i, line in enumerate(lines) if line.strip()), 0)
    lines = [line for line in lines[skip:skip + _SNIFF_LINES] if line.strip()]
    try:
        delimiter = sniff_delimiter(lines)
        header = next(csv.reader(lines[:1], delimiter=delimiter), [])
        _check_field_counts(lines, header, delimiter, problems)
    except csv.Error as err:
        problems.add("unreadable", f"is not a well-formed CSV file ({err})")
    if problems:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(io.BytesIO(data), sep=delimiter, encoding=encoding, header=0, skiprows=skip,
                                index_col=False, skip_blank_lines=False, keep_default_na=False, na_values=[""],
                                low_memory=False, encoding_errors="strict")
    except pd.errors.EmptyDataError:
        problems.add("empty_file", "the file is empty", allowed="a header row and one row per respondent")
        return None
    except (pd.errors.ParserError, pd.errors.ParserWarning) as err:
        try:
            long_row = _first_long_row(data.decode(encoding, errors="replace"), delimiter, skip)
        except csv.Error:
            long_row = None
        if long_row:
            row, seen, expected = long_row
            problems.add("unreadable", f"has {seen} fields but the header has {expected} (delimiter "
                         f"{_delimiter_name(delimiter)})", row=row, allowed=f"{expected} fields per row")
        else:
            problems.add("unreadable", f"is not a well-formed CSV file ({str(err).strip().splitlines()[-1]})")
        return None
    except (UnicodeError, ValueError, OverflowError) as err:
        problems.add("unreadable", f"cannot read the file as {encoding} text ({err.__class__.__name__})",
                     allowed="CSV text in UTF-8 or GB18030")
        return None
    headers = tuple(header) if len(header) == frame.shape[1] else tuple(str(c) for c in frame.columns)
    frame.columns = range(frame.shape[1])
    rows = np.arange(frame.shape[0], dtype=np.int64) + skip + 2
    return _finish(file, "csv", headers, frame, rows, problems, encoding=encoding, delimiter=delimiter)


def _first_long_row(text: str, delimiter: str, skip: int) -> tuple[int, int, int] | None:
    """(row, fields, header fields) of the first record with more non-empty fields than the header."""
    records = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = None
    for number, fields in enumerate(records, start=1):
        if number <= skip:
            continue
        if header is None:
            header = len(fields)
            continue
        while len(fields) > header and not fields[-1].strip():
            fields.pop()
        if len(fields) > header:
            return number, len(fields), header
    return None


def _delimiter_name(delimiter: str) -> str:
    return {"\t": "tab", ",": "comma", ";": "semicolon", "|": "bar"}[delimiter]


def _check_field_counts(lines: list[str], header: list[str], delimiter: str, problems: ProblemCollector) -> None:
    """Mixed delimiters: the sampled rows split into a different number of fields than the header."""
    if len(lines) < 2 or len(header) < 2:
        return
    counts = [len(fields) for fields in csv.reader(lines[1:], delimiter=delimiter)]
    short = [i for i, count in enumerate(counts) if count < len(header)]
    if len(short) > len(counts) / 2:
        others = [d for d in DELIMITERS if d != delimiter and d in lines[1 + short[0]]]
        hint = f"; the rows seem to use {_delimiter_name(others[0])}s" if others else ""
        problems.add("unreadable", f"the header has {len(header)} fields separated by {_delimiter_name(delimiter)}s "
                     f"but most rows have fewer{hint} (mixed delimiters?)",
                     allowed="one delimiter throughout the file")


# --- XLSX --------------------------------------------------------------------------------------------------

#: what a damaged workbook raises while it is opened or read: zip and deflate errors, XML parse errors
#: (SyntaxError), parts missing or malformed, a compression method zipfile does not know (NotImplementedError)
_BROKEN_ARCHIVE = (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, EOFError, zlib.error, ValueError,
                   SyntaxError, TypeError, IndexError, NotImplementedError, RuntimeError)


def _read_xlsx(path: Path, file: str, sheet: str | None, problems: ProblemCollector) -> RawTable | None:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, *_BROKEN_ARCHIVE) as err:
        problems.add("unreadable", f"is not a readable XLSX workbook ({err.__class__.__name__}: {err})",
                     allowed="an .xlsx file saved by Excel, WPS or LibreOffice")
        return None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            problems.add("unreadable", f"sheet {sheet!r} not found", allowed=", ".join(book.sheetnames))
            return None
        worksheet = book[sheet] if sheet is not None else book.worksheets[0]
        rows = list(worksheet.iter_rows(min_row=1, values_only=True))
    except _BROKEN_ARCHIVE as err:
        problems.add("unreadable", f"is not a readable XLSX workbook ({err.__class__.__name__}: {err})",
                     allowed="an .xlsx file saved by Excel, WPS or LibreOffice")
        return None
    finally:
        book.close()
    filled = [i for i, row in enumerate(rows) if any(v is not None and str(v).strip() for v in row)]
    if not filled:
        problems.add("empty_file", f"sheet {worksheet.title!r} is empty",
                     allowed="a header row and one row per respondent")
        return None
    start, width = filled[0], max(len(row) for row in rows)
    body = [tuple(row) + (None,) * (width - len(row)) for row in rows[start + 1:filled[-1] + 1]]
    headers = tuple("" if v is None else str(v).strip() for v in rows[start]) + ("",) * (width - len(rows[start]))
    frame = pd.DataFrame(body, columns=range(width), dtype=object).infer_objects()
    row_numbers = np.arange(len(body), dtype=np.int64) + start + 2
    return _finish(file, "xlsx", headers, frame, row_numbers, problems, sheet=worksheet.title)


# --- SPSS / Stata ------------------------------------------------------------------------------------------

def _read_stat(path: Path, file: str, suffix: str, problems: ProblemCollector) -> RawTable | None:
    """An SPSS/Stata file, read by pyreadstat in a child process: ReadStat (C) can crash the process on a
    damaged file (a segmentation fault), which then ends only the child and becomes an ``unreadable`` problem."""
    import pyreadstat

    kind = "sav" if suffix in SPSS_SUFFIXES else "dta"
    name = "an SPSS .sav" if kind == "sav" else "a Stata .dta"
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    try:
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            frame, column_labels, variable_value_labels, declared = pool.submit(_stat_file, str(path), kind).result()
    except BrokenProcessPool:
        problems.add("unreadable", f"is not {name} file that can be read (the reader crashed: the file is damaged)",
                     allowed=f"{name} file")
        return None
    except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError, OSError, UnicodeError, ValueError) as err:
        problems.add("unreadable", f"is not {name} file that can be read ({err})", allowed=f"{name} file")
        return None
    headers = tuple(str(c) for c in frame.columns)
    labels = tuple(column_labels) if column_labels else None
    value_labels = {j: dict(variable_value_labels[name]) for j, name in enumerate(headers)
                    if name in variable_value_labels}
    declared_cells = {j: declared[name] for j, name in enumerate(headers) if name in declared}
    frame.columns = range(frame.shape[1])
    rows = np.arange(frame.shape[0], dtype=np.int64) + 1
    return _finish(file, kind, headers, frame, rows, problems, header_texts=labels, value_labels=value_labels,
                   declared_cells=declared_cells)


def _stat_file(path: str, kind: str) -> tuple[pd.DataFrame, list | None, dict, dict[str, np.ndarray]]:
    """(In the child process.) The table, the variable labels, the value labels of a .sav/.dta file and, per
    variable, the mask of cells the file declares missing (SPSS user-missing values and ranges, Stata extended
    missing ``.a``–``.z``), which are made empty in the table.
    A crash is reported by the parent as one message, so the child prints no fault traceback of its own."""
    import faulthandler

    import pyreadstat

    faulthandler.disable()

    reader = pyreadstat.read_sav if kind == "sav" else pyreadstat.read_dta
    frame, meta = reader(path, apply_value_formats=False, user_missing=True)
    declared: dict[str, np.ndarray] = {}
    if kind == "sav":
        for name, ranges in (meta.missing_ranges or {}).items():
            values = frame[name]
            mask = np.zeros(len(values), dtype=bool)
            for bounds in ranges:
                low, high = bounds.get("lo"), bounds.get("hi")
                if isinstance(low, str) or isinstance(high, str):
                    mask |= values.astype(object).isin([low, high]).to_numpy(dtype=bool)
                elif _is_number_column(values):
                    mask |= ((values >= low) & (values <= high)).fillna(False).to_numpy(dtype=bool)
            if mask.any():
                declared[name] = mask
                frame[name] = values.where(~mask)
    else:
        for name, kind_of in (meta.readstat_variable_types or {}).items():
            values = frame[name]
            if kind_of != "string" and values.dtype == object:
                mask = values.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
                if mask.any():
                    declared[name] = mask
                    frame[name] = pd.to_numeric(values.where(~mask), errors="coerce")
    return frame, meta.column_labels, meta.variable_value_labels, declared


def _is_number_column(values: pd.Series) -> bool:
    return values.dtype.kind in "iuf"


# --- shared ------------------------------------------------------------------------------------------------

def _finish(file: str, kind: str, headers: tuple[str, ...], frame: pd.DataFrame, rows: np.ndarray,
            problems: ProblemCollector, **details) -> RawTable | None:
    """Drop the rows with no value at all, take Qualtrics' extra header rows out, refuse a header-only file."""
    header_texts = details.pop("header_texts", None)
    declared_cells = details.pop("declared_cells", {})
    qualtrics = any(str(h).strip().casefold() in QUALTRICS_HEADERS for h in headers)
    platform = "qualtrics" if qualtrics else None
    if kind in ("csv", "xlsx"):
        before = len(frame)
        frame, rows, header_texts = _extra_header_rows(frame, rows)
        platform = "qualtrics" if qualtrics or len(frame) < before else None
        if platform is None and _is_surveymonkey(headers, frame):
            headers, frame, rows, platform = _surveymonkey_headers(headers, frame), frame.iloc[1:], rows[1:], "surveymonkey"
            frame = frame.reset_index(drop=True)
    filled = frame.notna().any(axis=1).to_numpy()
    if not filled.all():
        frame, rows = frame.loc[filled].reset_index(drop=True), rows[filled]
        declared_cells = {j: mask[filled] for j, mask in declared_cells.items()}
    if frame.empty:
        where = f"sheet {details['sheet']!r}" if details.get("sheet") else "the file"
        problems.add("header_only", f"{where} has a header row but no respondents",
                     allowed="one row per respondent below the header")
        return None
    return RawTable(file, kind, headers, frame, rows, header_texts=header_texts, declared_cells=declared_cells,
                    platform=platform, **details)


def _is_surveymonkey(headers: tuple[str, ...], frame: pd.DataFrame) -> bool:
    """A SurveyMonkey export: its fixed columns (``Respondent ID``, ``Collector ID``) or a second header row that
    says ``Response`` / ``Open-Ended Response`` under single-column questions and holds no number (a respondent's
    row holds answer codes)."""
    folded = {str(h).strip().casefold() for h in headers}
    if {"respondent id", "collector id"} <= folded:
        return True
    if frame.empty:
        return False
    second = [v for v in frame.iloc[0] if not pd.isna(v)]
    texts = {str(v).strip().casefold() for v in second}
    numbers = any(not isinstance(v, str) or _NUMBER_TEXT.fullmatch(v.strip()) for v in second)
    return bool(texts & set(SURVEYMONKEY_RESPONSE)) and not numbers


def _surveymonkey_headers(headers: tuple[str, ...], frame: pd.DataFrame) -> tuple[str, ...]:
    """SurveyMonkey's two header rows as one: the question text (written over the first column of its block) and,
    below, ``Response`` (kept: the question alone), an option or a matrix row (``question - option``)."""
    merged, question = [], ""
    for header, below in zip(headers, frame.iloc[0]):
        question = str(header).strip() or question
        sub = "" if pd.isna(below) else str(below).strip()
        merged.append(question if not sub or sub.casefold() in SURVEYMONKEY_RESPONSE else
                      f"{question} - {sub}" if question else sub)
    return tuple(merged)


def _extra_header_rows(frame: pd.DataFrame, rows: np.ndarray):
    """Qualtrics exports put the question texts in row 2 and ``{"ImportId": …}`` in row 3: keep row 2 and the
    import ids (``QID7_1``, which an item's ``aliases`` may name) as ``header_texts`` and drop both from the data."""
    marks = np.array([any(isinstance(v, str) and v.startswith(_IMPORT_ID) for v in row)
                      for row in frame.head(2).itertuples(index=False)], dtype=bool)
    if not marks.any():
        return frame, rows, None
    last = int(np.flatnonzero(marks)[-1])
    texts = [() if pd.isna(v) or last < 1 else (str(v),) for v in frame.iloc[0]]
    ids = [_IMPORT_ID_VALUE.search(str(v)) for v in frame.iloc[last]]
    texts = tuple((*t, found.group(1)) if found else t for t, found in zip(texts, ids))
    return frame.iloc[last + 1:].reset_index(drop=True), rows[last + 1:], texts
