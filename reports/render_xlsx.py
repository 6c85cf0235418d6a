"""The tables workbook (openpyxl): a contents sheet, then one sheet per numbered table, numbers stored as
numbers at the report's precision (rounded as printed, with a number format showing those decimals; shares
printed as percentages are stored as fractions in a percent format); a confidence-interval column ``[lo, hi]``
becomes two numeric columns. Text cells that a spreadsheet would run as a formula (starting with = + - @, tab
or CR) are neutralised with a leading apostrophe (OWASP "CSV injection").
"""
from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from reports.document import Document
from reports.tables import Cell, Table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_INVALID_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})
_PRINTED_NUMBER = re.compile(r"[−-]?\d*\.?\d+")
_INTERVAL = re.compile(r"^\[([^,\[\]]+), ([^,\[\]]+)\]$")
INTERVAL_ENDS = {"zh": ("下限", "上限"), "en": ("lower", "upper")}


def neutralise(value):
    """A cell value safe from formula injection: text starting with = + - @ (or tab/CR) gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _printed(text: str) -> tuple[float, int] | None:
    """The first number printed in ``text`` and its decimals (``−.123`` → (−0.123, 3))."""
    m = _PRINTED_NUMBER.search(text.replace(",", ""))
    if not m:
        return None
    token = m.group(0).replace("−", "-")
    return float(token), len(token.split(".")[1]) if "." in token else 0


def _number_format(decimals: int, percent: bool) -> str:
    return ("0" + ("." + "0" * decimals if decimals else "")) + ("%" if percent else "")


def workbook_cell(c: Cell) -> tuple[object, str | None]:
    """What a report cell stores in the workbook: (value, number format). A number is rounded to the decimals
    it is printed with; a share printed as ``38.4%`` is stored as 0.384 in the format ``0.0%``."""
    value = c.workbook_value
    if isinstance(value, str):
        return value, None
    printed = _printed(c.text)
    if printed is None:
        return value, None
    if c.text.lstrip().startswith(("<", ">")):   # p < .001: the exact value, in scientific notation
        return value, "0.00E+00"
    shown, decimals = printed
    percent = c.text.rstrip().endswith("%")
    if percent and abs(shown - 100 * value) <= 0.5 * 10 ** -decimals + 1e-9:
        return round(value, decimals + 2), _number_format(decimals, True)
    return round(value, decimals), _number_format(decimals, False)


def _interval_ends(text: str) -> tuple[object, object, str | None]:
    """``[.818, .864]`` → (0.818, 0.864, "0.000"); ``[87.3%, 92.5%]`` → fractions in "0.0%"; else the text."""
    m = _INTERVAL.match(text.strip())
    ends = [_printed(g) for g in m.groups()] if m else []
    if not ends or None in ends:
        return text, "", None
    percent = text.rstrip("]").endswith("%")
    decimals = max(d for _, d in ends)
    values = [round(v / 100, decimals + 2) if percent else v for v, _ in ends]
    return values[0], values[1], _number_format(decimals, percent)


def _interval_columns(table: Table) -> set[int]:
    """Columns whose every filled cell is an interval ``[lo, hi]`` (at least one filled)."""
    columns = set()
    for j in range(len(table.header)):
        texts = [row[j].text for row in table.rows if row[j].text not in ("", "—")]
        if texts and all(_INTERVAL.match(t.strip()) for t in texts):
            columns.add(j)
    return columns


def _sheet_name(label: str, used: set[str]) -> str:
    base = label.translate(_INVALID_SHEET_CHARS)[:31] or "table"
    name, k = base, 2
    while name in used:
        name = f"{base[:28]}_{k}"
        k += 1
    used.add(name)
    return name


def write_xlsx(document: Document, out_path: str | Path) -> Path:
    """Write every numbered table of ``document`` to its own sheet of ``out_path``."""
    wb = Workbook()
    index = wb.active
    index.title = "目录" if document.lang == "zh" else "Contents"
    index.append([neutralise(document.title)])
    index["A1"].font = Font(bold=True, size=13)
    index.append(["表号" if document.lang == "zh" else "Table", "标题" if document.lang == "zh" else "Caption"])
    used = {index.title}
    thick, thin = Side(style="medium"), Side(style="thin")
    for block in document.tables():
        if not block.label:
            continue
        t = block.table
        ws = wb.create_sheet(_sheet_name(block.label, used))
        index.append([block.label, neutralise(t.caption)])
        ws.append([neutralise(f"{block.label} {t.caption}")])
        ws["A1"].font = Font(bold=True)
        intervals = _interval_columns(t)
        lower, upper = INTERVAL_ENDS.get(document.lang, INTERVAL_ENDS["en"])
        header = []
        for j, h in enumerate(t.header):
            header += [f"{h} {lower}", f"{h} {upper}"] if j in intervals else [h]
        ws.append([neutralise(h) for h in header])
        for c in ws[2]:
            c.font = Font(bold=True)
            c.border = Border(top=thick, bottom=thin)
        for row in t.rows:
            values, formats = [], []
            for j, c in enumerate(row):
                if j in intervals:
                    lo, hi, fmt = _interval_ends(c.text)
                    values += [lo, hi]
                    formats += [fmt, fmt]
                else:
                    value, fmt = workbook_cell(c)
                    values.append(value)
                    formats.append(fmt)
            ws.append([neutralise(v) for v in values])
            for cell_, fmt in zip(ws[ws.max_row], formats):
                if fmt:
                    cell_.number_format = fmt
        for c in ws[ws.max_row]:
            c.border = Border(bottom=thick)
        for note in t.notes:
            ws.append([neutralise(note)])
        for k, column in enumerate(ws.columns, start=1):
            width = max((len(str(c.value)) for c in column[1:] if c.value is not None), default=8)
            ws.column_dimensions[column[0].column_letter].width = min(max(8, width * 1.3), 60)
        for row in ws.iter_rows(min_row=3):
            for c in row:
                c.alignment = Alignment(vertical="top", wrap_text=isinstance(c.value, str) and len(c.value) > 40)
    index.column_dimensions["B"].width = 60
    out_path = Path(out_path)
    wb.save(str(out_path))
    return out_path
