"""The tables workbook (openpyxl): a contents sheet, then one sheet per numbered table, numbers stored as
numbers. Text cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) are
neutralised with a leading apostrophe (OWASP "CSV injection").
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from reports.document import Document

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_INVALID_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def neutralise(value):
    """A cell value safe from formula injection: text starting with = + - @ (or tab/CR) gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


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
        ws.append([neutralise(h) for h in t.header])
        for c in ws[2]:
            c.font = Font(bold=True)
            c.border = Border(top=thick, bottom=thin)
        for row in t.rows:
            ws.append([neutralise(c.workbook_value) for c in row])
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
