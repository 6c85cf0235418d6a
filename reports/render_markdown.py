"""Markdown output: headings, paragraphs, pipe tables with their captions, figures linked from ``figures/``.

Text that could be read as raw HTML by a Markdown viewer (``<script>``, ``<img ...>``) is escaped; ``|``
inside table cells is escaped; statistical symbols are set in ``*italics*`` (:func:`reports.typeset.italic_spans`;
the stars of ``.327***`` follow a digit, so they can close but never open an emphasis).
"""
from __future__ import annotations

import re
from pathlib import Path

from reports import typeset as ts
from reports.document import Bullets, Document, FigureBlock, Heading, PageBreak, Paragraph, References, TableBlock, Toc

_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")


def _text(text: str) -> str:
    """Neutralise HTML tags and line breaks; keep comparisons such as ``p < .001`` as they are; statistical
    symbols in italics."""
    def plain(piece: str) -> str:
        return _TAG_START.sub("&lt;", piece)
    flat = " ".join(str(text).split())
    return "".join(f"*{plain(piece)}*" if italic else plain(piece) for piece, italic in ts.italic_spans(flat))


def _cell(text: str) -> str:
    return _text(text).replace("|", "\\|")


def _table(block: TableBlock, lang: str) -> list[str]:
    t = block.table
    lines = []
    if block.label:
        lines += [f"**{block.label}{'　' if lang == 'zh' else ' '}{_text(t.caption)}**", ""]
    lines.append("| " + " | ".join(_cell(h) or " " for h in t.header) + " |")
    lines.append("|" + "|".join(" --- " for _ in t.header) + "|")
    lines += ["| " + " | ".join(_cell(c.text) for c in row) + " |" for row in t.rows]
    lines.append("")
    lines += [_text(n) + "\n" for n in t.notes]
    return lines


def render_markdown(document: Document, images: dict[str, Path], image_prefix: str = "figures/") -> str:
    lang = document.lang
    lines = [f"# {_text(document.title)}", ""]
    if document.cover is not None:
        sep = "：" if lang == "zh" else ": "
        lines += [f"{_text(label)}{sep}{_text(value)}  " for label, value in document.cover.lines] + [""]
    headings = [b for b in document.blocks if isinstance(b, Heading)]
    for block in document.blocks:
        if isinstance(block, Heading):
            lines += ["#" * min(block.level + 1, 6) + " " + _text(block.text), ""]
        elif isinstance(block, Paragraph):
            lines += [_text(block.text), ""]
        elif isinstance(block, Bullets):
            lines += [f"- {_text(item)}" for item in block.items] + [""]
        elif isinstance(block, References):
            lines += [f"{_text(entry)}\n" for entry in block.entries]
        elif isinstance(block, TableBlock):
            lines += _table(block, lang)
        elif isinstance(block, FigureBlock):
            if block.spec.key in images:
                caption = f"{block.label}{'　' if lang == 'zh' else ' '}{_text(block.spec.caption)}"
                lines += [f"![{caption}]({image_prefix}{Path(images[block.spec.key]).name})", "", f"*{caption}*", ""]
        elif isinstance(block, Toc):
            lines += [f"**{block.title}**", ""]
            lines += ["  " * (h.level - 1) + f"- {_text(h.text)}" for h in headings if h.level <= 2] + [""]
        elif isinstance(block, PageBreak):
            lines += ["---", ""]
    return "\n".join(lines).rstrip() + "\n"


def write_markdown(document: Document, out_path: str | Path, images: dict[str, Path]) -> Path:
    out_path = Path(out_path)
    out_path.write_text(render_markdown(document, images), encoding="utf-8")
    return out_path
