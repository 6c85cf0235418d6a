"""Regenerate the bad-input corpus of this folder (deterministic): ``python tests/data/bad/make_corpus.py``.

Every case starts from ``good.csv`` — 130 respondents drawn with :func:`analysis.simulate.simulate_study`
from ``instrument.yaml``, which `loyalty run` analyses without complaint — and breaks exactly one thing,
so each file gets the one message listed for it in ``MANIFEST.yaml``. The instrument cases break one
thing in ``instrument.yaml``. The files are committed; this script documents how they were made.
"""
from __future__ import annotations

import io
import random
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd
import pyreadstat

from analysis.simulate import simulate_study
from questionnaire.loader import load_instrument

HERE = Path(__file__).parent
SEED = 7
N = 130


def _csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n")


def _xlsx(rows: list[list], merge: list[str] = ()) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cells in merge:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def data_files(good: pd.DataFrame) -> dict[str, bytes | str]:
    """File name → content of every bad data file."""
    header = ",".join(good.columns) + "\n"
    rows = [good.columns.tolist(), *good.astype(object).values.tolist()]
    noise = random.Random(SEED)
    files: dict[str, bytes | str] = {
        "empty.csv": b"",
        "blank_lines.csv": "\n  \r\n\t\n\n",
        "header_only.csv": header,
        "header_only.xlsx": _xlsx(rows[:1]),
        "empty_sheet.xlsx": _xlsx([]),
        "binary_garbage.csv": bytes(noise.randrange(256) for _ in range(2048)),
        "binary_garbage.xlsx": bytes(noise.randrange(256) for _ in range(2048)),
        "truncated.xlsx": _xlsx(rows)[:3000],
        "csv_renamed.xlsx": _csv(good),
        "old_excel.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
        # Excel saves a workbook with a password to open as an OLE2 compound file, whatever its suffix
        "password_protected.xlsx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
        "corrupt.sav": b"$FL2@(#) IBM SPSS STATISTICS 64-bit" + bytes(noise.randrange(256) for _ in range(200)),
        "corrupt.dta": b"<stata_dta><header><release>118</release>" + bytes(200),
        "export.pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
    }
    # UTF-8 byte-order mark, then text saved in GBK (a Chinese header)
    gbk = good.rename(columns={"gender": "性别"})
    files["bom_then_gbk.csv"] = b"\xef\xbb\xbf" + _csv(gbk).encode("gbk")
    lines = _csv(good).splitlines(keepends=True)
    files["mixed_delimiters.csv"] = lines[0] + "".join(line.replace(",", ";") for line in lines[1:])
    files["extra_fields.csv"] = "".join(lines[:40]) + lines[40].rstrip("\n") + ",5,5,5\n" + "".join(lines[41:])
    files["nul_bytes.csv"] = _csv(good).encode("utf-8").replace(b"\n", b"\n\x00", 3)
    twice = good.copy()
    twice.insert(4, "PQ1", twice["PQ1"], allow_duplicates=True)
    files["duplicate_header.csv"] = _csv(twice)
    both = good.copy()
    both.insert(4, "商品质量可靠", both["PQ1"])
    files["two_headers_one_item.csv"] = _csv(both)
    top = ["resp_id", "duration_s", "gender", "产品质量", "", "", "顾客满意度", "", "", "顾客忠诚度", "", ""]
    second = ["", "", "", "PQ1", "PQ2", "PQ3", "CS1", "CS2", "CS3", "LY1", "LY2", "LY3"]
    files["merged_header.csv"] = ",".join(top) + "\n" + ",".join(second) + "\n" + "".join(lines[1:])
    files["merged_header.xlsx"] = _xlsx([top, second, *rows[1:]], merge=["D1:F1", "G1:I1", "J1:L1"])
    files["missing_item.csv"] = _csv(good.drop(columns="LY3"))
    files["other_survey.csv"] = _csv(good[["resp_id", "duration_s", "gender"]].assign(
        Q1=good["PQ1"], Q2=good["PQ2"], Q3=good["CS1"]))
    files["out_of_range.csv"] = _csv(_set(good, 57, "CS2", 7))
    files["not_whole_code.csv"] = _csv(_set(good, 11, "PQ2", 3.5))
    files["text_in_item.csv"] = _csv(_set(good, 23, "LY1", "very good"))
    files["unknown_option.csv"] = _csv(_set(good, 5, "gender", 3))
    files["bad_duration.csv"] = _csv(_set(good, 99, "duration_s", "about five minutes"))
    files["timestamp_as_duration.csv"] = _csv(_set(good, 20, "duration_s", "2026-11-27 10:23:45"))
    files["other_without_option.csv"] = _csv(_set(good, 30, "gender", "男〖保密〗"))
    # run with instrument_missing_codes.yaml (missing_codes: [-99]): -99 is missing, 99 beside it an error
    files["undeclared_missing_code.csv"] = _csv(_set(_set(good, 9, "PQ1", -99), 14, "PQ1", 99))
    files["all_answers_missing.csv"] = _csv(good.assign(**{c: "" for c in _items(good)}))
    files["one_respondent.csv"] = _csv(good.head(1))
    files["too_few_respondents.csv"] = _csv(good.head(60))
    lazy = good.copy()
    lazy.loc[lazy.index[:40], _items(good)] = 3
    files["too_few_after_cleaning.csv"] = _csv(lazy)
    files["good.xlsx"] = _xlsx(rows)
    files["damaged.sav"] = _damaged_sav(good)
    return files


def _damaged_sav(good: pd.DataFrame) -> bytes:
    """good.csv as SPSS .sav with the type of the third variable record (gender) set from numeric (0) to a
    string of width 4096 without its continuation records: pyreadstat 1.3.7 dies on it with a segmentation fault."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "good.sav"
        pyreadstat.write_sav(pd.read_csv(io.StringIO(_csv(good))), str(path),
                             variable_value_labels={"gender": {1: "男", 2: "女"}})
        data = bytearray(path.read_bytes())
    assert data[240:248] == b"\x02\x00\x00\x00\x00\x00\x00\x00"  # record type 2 (variable), type 0 (numeric)
    data[245] = 0x10
    return bytes(data)


def _items(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c[:2] in ("PQ", "CS", "LY")]


def _set(frame: pd.DataFrame, position: int, column: str, value) -> pd.DataFrame:
    out = frame.astype(object)
    out.iloc[position, out.columns.get_loc(column)] = value
    return out


def instrument_files(text: str) -> dict[str, bytes | str]:
    """File name → content of every bad instrument file (each a one-place edit of ``instrument.yaml``)."""
    def edit(old: str, new: str) -> str:
        assert text.count(old) == 1, old
        return text.replace(old, new)

    return {
        "instrument_syntax.yaml": edit("      - {id: CS2, text: {zh: 该平台达到了我的预期, en: This",
                                       "      - {id: CS2, text: {zh: 该平台达到了我的预期 en: [This"),
        "instrument_tab_indent.yaml": edit("  - id: CS\n", "\t- id: CS\n"),
        "instrument_empty.yaml": "# nothing here yet\n",
        "instrument_list.yaml": "- PQ1\n- PQ2\n",
        "instrument_not_utf8.yaml": text.encode("gbk"),
        "instrument_no_constructs.yaml": text.split("constructs:")[0],
        "instrument_bad_scale.yaml": edit("  min: 1\n  max: 5\n", "  min: 5\n  max: 1\n"),
        "instrument_scale_nan.yaml": edit("  max: 5\n", "  max: .nan\n"),
        "instrument_duplicate_item.yaml": edit("{id: LY3,", "{id: LY2,"),
        "instrument_unknown_construct.yaml": edit("  LY ~ PQ + CS\n", "  LY ~ PQ + CS + TR\n"),
        "instrument_cycle.yaml": edit("  CS ~ PQ\n", "  CS ~ PQ + LY\n"),
        "instrument_hypothesis_not_in_model.yaml": edit("  H2: CS -> LY\n", "  H2: LY -> PQ\n"),
        "instrument_hypothesis_unknown.yaml": edit("  H2: CS -> LY\n", "  H2: CS -> TRUST\n"),
        "instrument_outcome_unknown.yaml": edit("outcome: LY\n", "outcome: Loyalty\n"),
        "instrument_deep_nesting.yaml": text + "notes: " + "[" * 5000 + "]" * 5000 + "\n",
        "instrument_missing_codes.yaml": text + "missing_codes: [-99]\n",
        "instrument_missing_code_is_answer.yaml": text + "missing_codes: [-99, 3]\n",
    }


def main() -> None:
    instrument = load_instrument(HERE / "instrument.yaml")
    good = simulate_study(instrument, n=N, seed=SEED, contaminate=False).responses
    (HERE / "good.csv").write_text(_csv(good), encoding="utf-8")
    files = {**data_files(good), **instrument_files((HERE / "instrument.yaml").read_text(encoding="utf-8"))}
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (HERE / name).write_bytes(data)
    print(f"wrote good.csv and {len(files)} corpus files to {HERE}")


if __name__ == "__main__":
    main()
