"""A data-entry workbook for typing in paper questionnaires: one column per data column of the instrument
(header = the column id), Excel data validation restricting each cell to its allowed codes, and a
second sheet with the codebook.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from questionnaire.instrument import Instrument

ENTRY_ROWS = 2000


@dataclass(frozen=True)
class EntryColumn:
    """One data column: its id, the question text, the kind of validation and the allowed values."""

    id: str
    text: str
    kind: str                     # "list", "whole", "decimal" or "text"
    codes: tuple[str, ...] = ()   # for "list": the allowed codes
    low: float | None = None      # for "whole"/"decimal": the range
    high: float | None = None
    labels: str = ""              # codebook: code = label; …


def entry_columns(instrument: Instrument, lang: str = "zh") -> list[EntryColumn]:
    """The columns of the entry sheet, in questionnaire order: id, background questions, Likert items with
    attention checks after their ``after`` item, completion time."""
    inst = instrument
    cols: list[EntryColumn] = []
    if inst.id_column:
        cols.append(EntryColumn(inst.id_column, "respondent id" if lang == "en" else "问卷编号", "text"))
    for q in inst.questions:
        text = q.text.get(lang)
        if q.type == "single":
            cols.append(EntryColumn(q.id, text, "list", tuple(str(o.code) for o in q.options),
                                    labels="; ".join(f"{o.code} = {o.label.get(lang)}" for o in q.options)))
        elif q.type == "multiple":
            for o, column in zip(q.options, q.option_columns()):
                cols.append(EntryColumn(column, f"{text}: {o.label.get(lang)}", "list", ("0", "1"),
                                        labels="0 = no; 1 = yes" if lang == "en" else "0 = 未选; 1 = 选中"))
        elif q.type == "nps":
            cols.append(EntryColumn(q.id, text, "whole", low=0, high=10, labels="0–10"))
        elif q.type == "numeric":
            integer = all(v is None or float(v).is_integer() for v in (q.min, q.max))
            low, high = ((None if v is None else int(v)) for v in (q.min, q.max)) if integer else (q.min, q.max)
            cols.append(EntryColumn(q.id, text, "whole" if integer else "decimal", low=low, high=high,
                                    labels=f"{'' if low is None else low}–{'' if high is None else high}"))
        else:
            cols.append(EntryColumn(q.id, text, "text"))
    checks_after: dict[str | None, list] = {}
    for check in inst.attention_checks:
        checks_after.setdefault(check.after, []).append(check)

    def likert(item_id: str, text: str, scale) -> EntryColumn:
        labels = scale.labels.get(lang) or ()
        return EntryColumn(item_id, text, "whole", low=scale.min, high=scale.max,
                           labels="; ".join(f"{p} = {label}" for p, label in zip(scale.points, labels) if label))

    for check in checks_after.get(None, []):
        cols.append(likert(check.id, check.text.get(lang), inst.scale))
    for c in inst.constructs:
        for it in c.items:
            cols.append(likert(it.id, it.text.get(lang), c.scale))
            for check in checks_after.get(it.id, []):
                cols.append(likert(check.id, check.text.get(lang), c.scale))
    if inst.duration_column:
        cols.append(EntryColumn(inst.duration_column, "completion time (s)" if lang == "en" else "作答时长（秒）",
                                "whole", low=0, high=None, labels="≥ 0"))
    return cols


def _as_text(value: str) -> str:
    """Text that Excel must not run as a formula (leading = + - @ get an apostrophe)."""
    return "'" + value if value.startswith(("=", "+", "-", "@")) else value


def _validation(col: EntryColumn, lang: str) -> DataValidation | None:
    error_title = "Not allowed" if lang == "en" else "输入无效"
    if col.kind == "list":
        dv = DataValidation(type="list", formula1=f'"{",".join(col.codes)}"', allow_blank=True)
        allowed = ", ".join(col.codes)
    elif col.kind in ("whole", "decimal"):
        def bound(x) -> str:
            x = 0 if x is None else x
            return str(int(x)) if col.kind == "whole" else str(float(x))
        if col.high is None:
            dv = DataValidation(type=col.kind, operator="greaterThanOrEqual", formula1=bound(col.low), allow_blank=True)
            allowed = f"≥ {bound(col.low)}"
        else:
            dv = DataValidation(type=col.kind, operator="between", formula1=bound(col.low), formula2=bound(col.high),
                                allow_blank=True)
            allowed = f"{bound(col.low)}–{bound(col.high)}"
    else:
        return None
    dv.error = (f"{col.id}: allowed {allowed}" if lang == "en" else f"{col.id}：只能填写 {allowed}")
    dv.errorTitle = error_title
    dv.showErrorMessage = True
    return dv


def write_entry_template(instrument: Instrument, out_xlsx: str | Path, lang: str = "zh") -> Path:
    """Write the data-entry workbook: sheet 1 'data' (headers + validated empty rows), sheet 2 'codebook'."""
    cols = entry_columns(instrument, lang)
    wb = Workbook()
    ws = wb.active
    ws.title = "data"
    ws.append([c.id for c in cols])
    for k, col in enumerate(cols, start=1):
        letter = get_column_letter(k)
        ws[f"{letter}1"].font = Font(bold=True)
        ws.column_dimensions[letter].width = max(8, len(col.id) + 2)
        dv = _validation(col, lang)
        if dv is not None:
            dv.add(f"{letter}2:{letter}{ENTRY_ROWS + 1}")
            ws.add_data_validation(dv)
    ws.freeze_panes = "B2"
    book = wb.create_sheet("codebook")
    book.append(["column", "question", "type", "allowed"] if lang == "en" else ["列名", "题目", "类型", "允许的取值"])
    for c in book[1]:
        c.font = Font(bold=True)
    for col in cols:
        book.append([_as_text(v) for v in (col.id, col.text, col.kind, col.labels)])
    for letter, width in (("A", 14), ("B", 60), ("C", 10), ("D", 60)):
        book.column_dimensions[letter].width = width
    out = Path(out_xlsx)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(str(out))
    return out
