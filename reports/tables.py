"""The table model shared by every renderer: a caption, a header, rows of typeset strings with the raw
numbers behind them (for the XLSX workbook), and notes under the table.

A table whose results are missing carries ``missing`` (the stated reason) and no rows; renderers print
the reason in place of the table.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from reports import typeset as ts


@dataclass(frozen=True)
class Cell:
    """One cell: ``text`` as printed in the report; ``value`` the raw number (or None) for the workbook."""

    text: str
    value: float | int | None = None

    @property
    def workbook_value(self) -> float | int | str:
        """What goes into the XLSX cell: the raw number when there is one, else the text."""
        return self.value if ts.is_number(self.value) else self.text


def cell(text: object, value: object = None) -> Cell:
    """A cell from any text and an optional raw number (non-finite numbers are dropped)."""
    raw = value if ts.is_number(value) else None
    return Cell(str(text), raw)


def text_cell(text: object) -> Cell:
    return Cell(str(text) if text is not None and text != "" else ts.DASH)


@dataclass(frozen=True)
class Table:
    """A numbered table of the report; ``key`` names it in templates (``[[table:key]]``)."""

    key: str
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...] = ()
    notes: tuple[str, ...] = ()
    missing: str | None = None

    @property
    def is_missing(self) -> bool:
        return self.missing is not None

    def text_rows(self) -> list[list[str]]:
        return [[c.text for c in row] for row in self.rows]


def make_table(key: str, caption: str, header: list[str], rows: list[list[Cell]],
               notes: list[str] | None = None) -> Table:
    """A table; every row must have one cell per header column."""
    width = len(header)
    for number, row in enumerate(rows, start=1):
        if len(row) != width:
            raise ValueError(f"table {key!r}: row {number} has {len(row)} cells, the header {width}")
    return Table(key, caption, tuple(header), tuple(tuple(r) for r in rows), tuple(n for n in (notes or []) if n))


def missing_table(key: str, caption: str, reason: str) -> Table:
    """The stand-in for a table whose results are not in ``results.json``."""
    return Table(key, caption, (), (), (), reason)


@dataclass
class TableSet:
    """The tables of one report, in the order they were made."""

    tables: dict[str, Table] = field(default_factory=dict)

    def add(self, table: Table) -> str:
        """Keep the table and return its marker for the templates."""
        self.tables[table.key] = table
        return f"[[table:{table.key}]]"
