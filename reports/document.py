"""The document model every renderer reads: a list of blocks parsed from the rendered templates.

Templates write a small Markdown subset: ``#`` headings, paragraphs separated by blank lines,
``- `` bullet lines, and markers alone on a line: ``[[table:key]]``, ``[[figure:key]]``, ``[[toc]]``,
``[[pagebreak]]``, ``[[questionnaire]]``, ``[[bibliography]]`` (the reference list). ``[[ref:key]]`` inside text
becomes the number of that table or figure (表3-1 / Table 3-1). Tables are numbered above, figures below, by
chapter: chapter ``n`` of the report numbers its tables ``n-1, n-2 …``; unnumbered parts (abstract, references,
appendix) use a letter. ``[[cite:key]]`` and ``[[citet:key]]`` are citations (:mod:`reports.bibliography`),
resolved in reading order, tables and notes included. Parts before the first numbered chapter are the front
matter; a :class:`MainMatter` block marks where the body begins (page numbering restarts there).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from reports.bibliography import Citations
from reports.figures import FigureSpec
from reports.tables import Cell, Table

_MARKER = re.compile(r"^\[\[(table|figure|toc|pagebreak|questionnaire|bibliography)(?::([A-Za-z0-9_]+))?\]\]$")
_REF = re.compile(r"\[\[ref:([A-Za-z0-9_]+)\]\]")
_HEADING = re.compile(r"^(#{1,4})\s+(.*)$")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class TableBlock:
    table: Table
    label: str          # "表3-1" / "Table 3-1"; empty for unnumbered tables


@dataclass(frozen=True)
class FigureBlock:
    spec: FigureSpec
    label: str


@dataclass(frozen=True)
class Toc:
    title: str


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class MainMatter:
    """The body begins here: what comes before is front matter (abstracts, contents)."""


@dataclass(frozen=True)
class References:
    """The reference list, each entry complete (zh entries carry their number)."""

    entries: tuple[str, ...]


@dataclass(frozen=True)
class Cover:
    """The title page: the thesis title and the (label, value) lines under it."""

    title: str
    lines: tuple[tuple[str, str], ...] = ()


@dataclass
class Document:
    title: str
    lang: str
    blocks: list = field(default_factory=list)
    cover: Cover | None = None

    def tables(self) -> list[TableBlock]:
        return [b for b in self.blocks if isinstance(b, TableBlock)]

    def figures(self) -> list[FigureBlock]:
        return [b for b in self.blocks if isinstance(b, FigureBlock)]


def table_label(lang: str, part: str, number: int) -> str:
    return f"表{part}-{number}" if lang == "zh" else f"Table {part}-{number}"


def figure_label(lang: str, part: str, number: int) -> str:
    return f"图{part}-{number}" if lang == "zh" else f"Figure {part}-{number}"


@dataclass(frozen=True)
class Part:
    """The text one template rendered and the part name used in numbers ("3", or "A" for the appendix)."""

    text: str
    number: str | None


def build_document(parts: list[Part], title: str, lang: str, tables: dict[str, Table],
                   figures: dict[str, FigureSpec], questionnaire_blocks: list | None = None,
                   cover: Cover | None = None) -> Document:
    """Parse the rendered parts into blocks, number tables and figures, resolve ``[[ref:key]]`` and citations."""
    labels: dict[str, str] = {}
    for part in parts:
        counts = {"table": 0, "figure": 0}
        for line in part.text.splitlines():
            m = _MARKER.match(line.strip())
            if not m or m.group(1) not in ("table", "figure") or part.number is None:
                continue
            kind, key = m.group(1), m.group(2)
            present = not (tables[key].is_missing if kind == "table" else figures[key].is_missing)
            if present:
                counts[kind] += 1
                make = table_label if kind == "table" else figure_label
                labels[key] = make(lang, part.number, counts[kind])
    doc = Document(title, lang, cover=cover)
    front = True
    for part in parts:
        if front and part.number is not None and part.number != "A":
            front = False
            if doc.blocks:
                doc.blocks.append(MainMatter())
        _parse_part(part.text, doc, tables, figures, labels, questionnaire_blocks or [])
    doc.blocks = _resolve_citations(doc.blocks, Citations(lang))
    return doc


def _cite_table(table: Table, cite) -> Table:
    rows = tuple(tuple(Cell(cite(c.text), c.value) for c in row) for row in table.rows)
    return replace(table, caption=cite(table.caption), header=tuple(cite(h) for h in table.header), rows=rows,
                   notes=tuple(cite(n) for n in table.notes))


def _resolve_citations(blocks: list, citations: Citations) -> list:
    """Citation markers replaced in reading order; the reference list filled with the works cited."""
    cite = citations.resolve
    out = []
    for block in blocks:
        if isinstance(block, Paragraph):
            block = Paragraph(cite(block.text))
        elif isinstance(block, Bullets):
            block = Bullets(tuple(cite(item) for item in block.items))
        elif isinstance(block, Heading):
            block = Heading(block.level, cite(block.text))
        elif isinstance(block, TableBlock):
            block = TableBlock(_cite_table(block.table, cite), block.label)
        elif isinstance(block, FigureBlock):
            block = FigureBlock(replace(block.spec, caption=cite(block.spec.caption)), block.label)
        out.append(block)
    return [References(tuple(citations.entries())) if isinstance(b, References) else b for b in out]


def _resolve(text: str, labels: dict[str, str]) -> str:
    return _REF.sub(lambda m: labels.get(m.group(1), ""), text)


def _parse_part(text: str, doc: Document, tables: dict, figures: dict, labels: dict, questionnaire: list) -> None:
    paragraph: list[str] = []
    bullets: list[str] = []

    def flush() -> None:
        if paragraph:
            glue = "" if doc.lang == "zh" else " "
            doc.blocks.append(Paragraph(_resolve(glue.join(paragraph), labels)))
            paragraph.clear()
        if bullets:
            doc.blocks.append(Bullets(tuple(_resolve(b, labels) for b in bullets)))
            bullets.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        marker = _MARKER.match(line)
        heading = _HEADING.match(line)
        if marker:
            flush()
            kind, key = marker.group(1), marker.group(2)
            if kind == "table":
                table = tables[key]
                if table.is_missing:
                    doc.blocks.append(Paragraph(f"{table.caption}{table.missing}"))
                else:
                    doc.blocks.append(TableBlock(table, labels.get(key, "")))
            elif kind == "figure":
                spec = figures[key]
                if spec.is_missing:
                    doc.blocks.append(Paragraph(f"{spec.caption}{spec.missing}"))
                else:
                    doc.blocks.append(FigureBlock(spec, labels.get(key, "")))
            elif kind == "toc":
                doc.blocks.append(Toc("目录" if doc.lang == "zh" else "Contents"))
            elif kind == "pagebreak":
                doc.blocks.append(PageBreak())
            elif kind == "bibliography":
                doc.blocks.append(References(()))
            else:
                doc.blocks.extend(questionnaire)
        elif heading:
            flush()
            doc.blocks.append(Heading(len(heading.group(1)), _resolve(heading.group(2).strip(), labels)))
        elif line.startswith("- "):
            if paragraph:
                flush()
            bullets.append(line[2:].strip())
        else:
            if bullets:
                flush()
            paragraph.append(line)
    flush()
