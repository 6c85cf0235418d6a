"""Self-contained HTML output: one file, figures inline as base64 PNG, print CSS, three-line tables.

Every piece of text, including respondents' answers and instrument labels, is HTML-escaped here; statistical
symbols are set in ``<i>`` (:func:`reports.typeset.italic_spans`).
"""
from __future__ import annotations

import base64
import html
from pathlib import Path

from reports import typeset as ts
from reports.document import Bullets, Document, FigureBlock, Heading, PageBreak, Paragraph, References, TableBlock, Toc

CSS = """
body { font-family: "Times New Roman", "SimSun", "Songti SC", "Noto Serif CJK SC", serif; max-width: 52em;
       margin: 2em auto; padding: 0 1em; line-height: 1.7; color: #111; }
h1 { text-align: center; font-size: 1.6em; margin-top: 2em; }
h2 { font-size: 1.3em; } h3 { font-size: 1.12em; } h4 { font-size: 1em; }
p.body-zh { text-indent: 2em; }
.title { text-align: center; font-size: 2em; font-weight: bold; margin: 2em 0 1em; }
.cover { text-align: center; margin-bottom: 3em; } .cover p { margin: 0.3em 0; }
.references p { padding-left: 2em; text-indent: -2em; margin: 0.3em 0; }
table.three-line { border-collapse: collapse; margin: 0.4em auto 0.2em; font-size: 0.85em;
                   border-top: 1.5pt solid #000; border-bottom: 1.5pt solid #000; }
table.three-line th { border-bottom: 0.75pt solid #000; padding: 0.25em 0.6em; font-weight: bold; }
table.three-line td { padding: 0.2em 0.6em; text-align: center; }
table.three-line td.long { text-align: left; }
.caption { text-align: center; font-weight: bold; margin: 1em 0 0.2em; font-size: 0.95em; }
.note { font-size: 0.8em; margin: 0.2em auto 1em; }
figure { margin: 1em 0; text-align: center; } figure img { max-width: 100%; }
figcaption { font-weight: bold; font-size: 0.95em; }
nav.toc ul { list-style: none; } nav.toc li.l2 { margin-left: 1.5em; }
@media print {
  body { max-width: none; margin: 0; font-size: 11pt; }
  h1 { page-break-before: always; } h1:first-of-type { page-break-before: avoid; }
  table, figure { page-break-inside: avoid; } .caption, h2, h3 { page-break-after: avoid; }
  nav.toc a { color: #000; text-decoration: none; }
  @page { size: A4; margin: 2.5cm; }
}
"""


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)


def _t(text: str) -> str:
    """Escaped text with the statistical symbols in italics."""
    return "".join(f"<i>{_e(piece)}</i>" if italic else _e(piece) for piece, italic in ts.italic_spans(text))


def _table(block: TableBlock, lang: str) -> str:
    t = block.table
    parts = []
    if block.label:
        parts.append(f'<p class="caption">{_e(block.label)}{"　" if lang == "zh" else " "}{_t(t.caption)}</p>')
    parts.append('<table class="three-line"><thead><tr>' + "".join(f"<th>{_t(h)}</th>" for h in t.header)
                 + "</tr></thead><tbody>")
    long_columns = {j for row in t.rows for j, c in enumerate(row) if len(c.text) > 14}
    for row in t.rows:
        cells = [f'<td class="long">{_t(c.text)}</td>' if j in long_columns else f"<td>{_t(c.text)}</td>"
                 for j, c in enumerate(row)]
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    parts += [f'<p class="note">{_t(n)}</p>' for n in t.notes]
    return "\n".join(parts)


def _figure(block: FigureBlock, lang: str, images: dict[str, Path]) -> str:
    path = images.get(block.spec.key)
    if path is None:
        return ""
    data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    caption = f'{_e(block.label)}{"　" if lang == "zh" else " "}{_t(block.spec.caption)}'
    return (f'<figure><img alt="{_e(block.spec.caption)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{caption}</figcaption></figure>")


def render_html(document: Document, images: dict[str, Path], title_page: bool = True) -> str:
    """The whole document as one HTML string."""
    lang = document.lang
    headings = [(i, b) for i, b in enumerate(document.blocks) if isinstance(b, Heading)]
    anchors = {i: f"s{n}" for n, (i, _) in enumerate(headings)}
    body = []
    if title_page and document.cover is not None:
        lines = "".join(f"<p>{_e(label)}{'：' if lang == 'zh' else ': '}{_e(value)}</p>" for label, value in document.cover.lines)
        body.append(f'<section class="cover"><div class="title">{_e(document.cover.title)}</div>{lines}</section>')
    for i, block in enumerate(document.blocks):
        if isinstance(block, Heading):
            level = min(block.level, 4)
            body.append(f'<h{level} id="{anchors[i]}">{_t(block.text)}</h{level}>')
        elif isinstance(block, Paragraph):
            cls = ' class="body-zh"' if lang == "zh" else ""
            body.append(f"<p{cls}>{_t(block.text)}</p>")
        elif isinstance(block, Bullets):
            body.append("<ul>" + "".join(f"<li>{_t(item)}</li>" for item in block.items) + "</ul>")
        elif isinstance(block, References):
            body.append('<div class="references">' + "".join(f"<p>{_t(e)}</p>" for e in block.entries) + "</div>")
        elif isinstance(block, TableBlock):
            body.append(_table(block, lang))
        elif isinstance(block, FigureBlock):
            body.append(_figure(block, lang, images))
        elif isinstance(block, Toc):
            items = "".join(f'<li class="l{b.level}"><a href="#{anchors[i]}">{_e(b.text)}</a></li>'
                            for i, b in headings if b.level <= 2)
            body.append(f'<nav class="toc"><h2>{_e(block.title)}</h2><ul>{items}</ul></nav>')
        elif isinstance(block, PageBreak):
            body.append('<div style="page-break-after: always"></div>')
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{_e(document.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def write_html(document: Document, out_path: str | Path, images: dict[str, Path], title_page: bool = True) -> Path:
    out_path = Path(out_path)
    out_path.write_text(render_html(document, images, title_page), encoding="utf-8")
    return out_path
