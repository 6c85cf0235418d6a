"""Word output (python-docx): Word heading styles (navigation pane, TOC), three-line tables (三线表: top and
bottom rules 1.5 pt, header rule 0.75 pt, no vertical lines; the header row repeats on every page and never
stays behind alone), captions 表3-1 above tables and 图3-1 below figures, 宋体 for East Asian body text and 黑体
for headings, Times New Roman for Latin text (w:eastAsia rFonts); statistical symbols in italics
(:func:`reports.typeset.italic_spans`); table columns get widths in proportion to their longest text (CJK
characters count double), capped so that a long wording column wraps instead of squeezing the numbers.

Page furniture: the cover is a section without header or footer; the front matter (abstracts, contents) is
numbered i, ii, … and the body restarts at 1 (``w:pgNumType``); every page after the cover has the thesis title
as running header and a PAGE field in the footer. The contents are a TOC field whose cached result lists the
headings (viewers that do not update fields show them) and ``w:updateFields`` asks Word to refresh it on open.
"""
from __future__ import annotations

import re
from pathlib import Path

from docx import Document as new_docx
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from reports import typeset as ts
from reports.document import (Bullets, Cover, Document, FigureBlock, Heading, MainMatter, PageBreak, Paragraph,
                              References, TableBlock, Toc)

LATIN_FONT = "Times New Roman"
EAST_ASIAN_FONT = "宋体"
HEADING_EAST_ASIAN_FONT = "黑体"
TEXT_WIDTH_CM = 16.0  # A4 less 2.5 cm margins
COLUMN_CAP = 40       # a column never asks for more than this many half-width characters
COLUMN_MIN = 4
COLUMN_FLOOR = 10     # columns up to this many half-width characters keep their one-line width
CM_PER_CHAR = 0.17    # one half-width character at 9 pt
CELL_PADDING_CM = 0.45
RULE_OUTER = 12       # eighths of a point: 1.5 pt
RULE_HEADER = 6       # 0.75 pt
LONG_CELL = 14
SHORT_TABLE = 20      # tables up to this many rows are kept on one page
KEPT_ROWS = 3         # a longer table keeps its header and this many rows together
_BREAK_AFTER = re.compile(r"([、；，])(?=[A-Za-z0-9])")
TOC_LEVELS = 2        # headings down to this level are listed in the contents


def _set_fonts(style_or_run, size: float | None = None, bold: bool | None = None,
               east_asian: str = EAST_ASIAN_FONT) -> None:
    """Latin font Times New Roman, East Asian ``east_asian`` (宋体), black; theme fonts removed so they cannot override."""
    font = style_or_run.font
    font.name = LATIN_FONT
    font.color.rgb = RGBColor(0, 0, 0)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr, value in (("w:ascii", LATIN_FONT), ("w:hAnsi", LATIN_FONT), ("w:cs", LATIN_FONT),
                        ("w:eastAsia", east_asian)):
        fonts.set(qn(attr), value)


def _setup_styles(doc, lang: str) -> None:
    styles = doc.styles
    _set_fonts(styles["Normal"], 12 if lang == "zh" else 11)
    normal = styles["Normal"].paragraph_format
    normal.space_after = Pt(4)
    normal.line_spacing = 1.5
    sizes = {1: 16, 2: 14, 3: 12, 4: 12}
    for level, size in sizes.items():
        style = styles[f"Heading {level}"]
        _set_fonts(style, size, True, HEADING_EAST_ASIAN_FONT)
        style.font.italic = False
        style.paragraph_format.space_before = Pt(12 if level == 1 else 8)
        style.paragraph_format.space_after = Pt(6)
        if level == 1:
            style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_fonts(styles["Title"], 22, True, HEADING_EAST_ASIAN_FONT)
    caption = styles["Caption"]
    _set_fonts(caption, 10.5, True)
    caption.font.italic = False
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.space_before = Pt(10)
    _set_fonts(styles["List Bullet"], 12 if lang == "zh" else 11)


def _first_line_indent(paragraph, lang: str) -> None:
    if lang == "zh":
        paragraph.paragraph_format.first_line_indent = Pt(24)


def _field_char(paragraph, kind: str, dirty: bool = False) -> None:
    el = OxmlElement("w:fldChar")
    el.set(qn("w:fldCharType"), kind)
    if dirty:
        el.set(qn("w:dirty"), "true")
    paragraph.add_run()._r.append(el)


def _field_start(paragraph, instruction: str, dirty: bool = False) -> None:
    """The begin, instruction and separate parts of a Word field; the result and the end follow."""
    _field_char(paragraph, "begin", dirty)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    _field_char(paragraph, "separate")


def add_text(paragraph, text: str, size: float | None = None, bold: bool | None = None) -> None:
    """``text`` as runs, statistical symbols in italics; a zero-width space after 、；， before Latin text lets
    lists such as "H1a、H2a、H4a" break across lines (Word and LibreOffice do not break there by themselves)."""
    for piece, italic in ts.italic_spans(_BREAK_AFTER.sub("\\1\u200b", text)):
        run = paragraph.add_run(piece)
        if italic:
            run.italic = True
        if size is not None:
            run.font.size = Pt(size)
        if bold is not None:
            run.bold = bold


def _add_toc(doc, block: Toc, headings: list[Heading], note: str) -> None:
    """The contents: a TOC field whose cached result lists the headings (updated by Word on open)."""
    title = doc.add_paragraph(block.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.page_break_before = True
    entries = [h for h in headings if h.level <= TOC_LEVELS] or [Heading(1, "")]
    for k, heading in enumerate(entries):
        p = doc.add_paragraph()
        p.paragraph_format.first_line_indent = None
        p.paragraph_format.left_indent = Pt(24 * (heading.level - 1))
        p.paragraph_format.space_after = Pt(2)
        if k == 0:
            _field_start(p, 'TOC \\o "1-3" \\h \\z \\u', dirty=True)
        p.add_run(heading.text)
        if k == len(entries) - 1:
            _field_char(p, "end")
    hint = doc.add_paragraph(note)
    hint.paragraph_format.first_line_indent = None
    for run in hint.runs:
        run.font.size = Pt(9)
    _update_fields_on_open(doc)


def _page_numbers(section, fmt: str, restart: bool) -> None:
    """``w:pgNumType``: the number format of ``section`` (lowerRoman, decimal), restarting at 1 or continuing."""
    sect_pr = section._sectPr
    for old in sect_pr.findall(qn("w:pgNumType")):
        sect_pr.remove(old)
    el = OxmlElement("w:pgNumType")
    el.set(qn("w:fmt"), fmt)
    if restart:
        el.set(qn("w:start"), "1")
    sect_pr.insert_element_before(el, "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg",
                                  "w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings",
                                  "w:sectPrChange")


def _furniture(section, running_header: str) -> None:
    """The running header (the thesis title) and a centred PAGE field in the footer of ``section`` and the
    sections after it (they stay linked to this one)."""
    header = section.header
    header.is_linked_to_previous = False
    p = header.paragraphs[0]
    p.text = ""
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(running_header)
    run.font.size = Pt(9)
    footer = section.footer
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field_start(p, "PAGE")
    p.add_run("1").font.size = Pt(9)
    _field_char(p, "end")


def _add_cover(doc, cover: Cover, lang: str) -> None:
    for _ in range(4):
        doc.add_paragraph()
    title = doc.add_paragraph(cover.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for _ in range(5):
        doc.add_paragraph()
    for label, value in cover.lines:
        p = doc.add_paragraph()
        p.paragraph_format.first_line_indent = None
        p.paragraph_format.left_indent = Cm(4.5)
        p.add_run(f"{label}：" if lang == "zh" else f"{label}: ").bold = True
        p.add_run(value)


def _add_references(doc, block: References) -> None:
    """One paragraph per entry, hanging indent."""
    for entry in block.entries:
        p = doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(-21)
        p.paragraph_format.left_indent = Pt(21)
        p.paragraph_format.line_spacing = 1.25
        add_text(p, entry, size=10.5)


def _update_fields_on_open(doc) -> None:
    settings = doc.settings.element
    el = settings.find(qn("w:updateFields"))
    if el is None:
        el = OxmlElement("w:updateFields")
        settings.append(el)
    el.set(qn("w:val"), "true")


def _border(tag: str, size: int | None):
    el = OxmlElement(f"w:{tag}")
    if size is None:
        el.set(qn("w:val"), "nil")
    else:
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), str(size))
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
    return el


def _three_line(table) -> None:
    """Top and bottom rules on the table, a rule under the header row, nothing else."""
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblBorders")):
        tbl_pr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for tag, size in (("top", RULE_OUTER), ("left", None), ("bottom", RULE_OUTER), ("right", None),
                      ("insideH", None), ("insideV", None)):
        borders.append(_border(tag, size))
    tbl_pr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                 "w:tblCaption", "w:tblDescription", "w:tblPrChange")
    for c in table.rows[0].cells:
        tc_pr = c._tc.get_or_add_tcPr()
        tc_borders = OxmlElement("w:tcBorders")
        tc_borders.append(_border("top", RULE_OUTER))
        tc_borders.append(_border("bottom", RULE_HEADER))
        tc_pr.append(tc_borders)
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)


def _keep_rows_together(table, whole: bool) -> None:
    """No row breaks across pages; the header row and the first rows (for a short table, every row) keep with
    the next, so a header never stands alone at the foot of a page."""
    for k, row in enumerate(table.rows):
        row._tr.get_or_add_trPr().insert(0, OxmlElement("w:cantSplit"))
        if k < len(table.rows) - 1 and (whole or k < KEPT_ROWS):
            for c in row.cells:
                for p in c.paragraphs:
                    p.paragraph_format.keep_with_next = True


def _cell_text(cell, text: str, bold: bool = False, size: float = 9, align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.first_line_indent = None
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = 1.0
    paragraph.alignment = align
    add_text(paragraph, text, size=size, bold=bold)


def _display_width(text: str) -> int:
    """Width of ``text`` in half-width characters: CJK and full-width characters count two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def column_widths(header: tuple[str, ...], rows: list[list[str]], total_cm: float = TEXT_WIDTH_CM) -> list[float]:
    """Column widths (cm) summing to ``total_cm``.

    Each column first gets the width its longest text needs on one line (9 pt: about 0.17 cm per half-width
    character, plus the cell padding), capped at ``COLUMN_CAP`` characters. Spare room is shared in proportion;
    when the line is too short, only the columns wider than ``COLUMN_FLOOR`` characters give up room, so short
    columns (n, M, 类型) never wrap.
    """
    def natural(chars: float) -> float:
        return CM_PER_CHAR * chars + CELL_PADDING_CM

    need = []
    for j, head in enumerate(header):
        longest = max([_display_width(head)] + [_display_width(r[j]) for r in rows if j < len(r)])
        need.append(natural(min(max(longest, COLUMN_MIN), COLUMN_CAP)))
    if sum(need) <= total_cm:
        return [total_cm * w / sum(need) for w in need]
    floor = [min(w, natural(COLUMN_FLOOR)) for w in need]
    room = total_cm - sum(floor)
    extra = [w - f for w, f in zip(need, floor)]
    if room <= 0 or sum(extra) == 0:
        return [total_cm * f / sum(floor) for f in floor]
    return [f + room * e / sum(extra) for f, e in zip(floor, extra)]


def _set_widths(table, widths: list[float]) -> None:
    table.autofit = False   # w:tblLayout type="fixed": Word and LibreOffice keep the widths
    for j, width in enumerate(widths):
        table.columns[j].width = Cm(width)
        for c in table.columns[j].cells:
            c.width = Cm(width)


def _add_table(doc, block: TableBlock, lang: str) -> None:
    table_model = block.table
    if block.label:
        add_text(doc.add_paragraph(style="Caption"),
                 f"{block.label}{'　' if lang == 'zh' else ' '}{table_model.caption}")
        doc.paragraphs[-1].paragraph_format.keep_with_next = True
    width = len(table_model.header)
    table = doc.add_table(rows=1 + len(table_model.rows), cols=width)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    size = 9 if width <= 7 else 7.5
    rows = [row.cells for row in table.rows]     # .cells builds every cell of its row: once per row
    for j, head in enumerate(table_model.header):
        _cell_text(rows[0][j], head, bold=True, size=size)
    long_columns = {j for row in table_model.rows for j, c in enumerate(row) if len(c.text) > LONG_CELL}
    for i, row in enumerate(table_model.rows, start=1):
        for j, c in enumerate(row):
            _cell_text(rows[i][j], c.text, size=size,
                       align=WD_ALIGN_PARAGRAPH.LEFT if j in long_columns else WD_ALIGN_PARAGRAPH.CENTER)
    _set_widths(table, column_widths(table_model.header, table_model.text_rows()))
    _three_line(table)
    _keep_rows_together(table, whole=len(table_model.rows) <= SHORT_TABLE)
    for note in table_model.notes:
        p = doc.add_paragraph()
        p.paragraph_format.first_line_indent = None
        add_text(p, note, size=9)


def _add_figure(doc, block: FigureBlock, lang: str, images: dict[str, Path]) -> None:
    path = images.get(block.spec.key)
    if path is None:
        return
    doc.add_picture(str(path), width=Cm(15))
    picture = doc.paragraphs[-1]
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.first_line_indent = None
    picture.paragraph_format.keep_with_next = True
    add_text(doc.add_paragraph(style="Caption"), f"{block.label}{'　' if lang == 'zh' else ' '}{block.spec.caption}")


def write_docx(document: Document, out_path: str | Path, images: dict[str, Path], title_page: bool = True,
               toc_note: str = "") -> Path:
    """Write ``document`` to ``out_path``; ``images`` maps figure keys to their PNG files; ``toc_note`` is the
    line under the contents that says how to refresh them."""
    doc = new_docx()
    lang = document.lang
    doc.core_properties.language = "zh-CN" if lang == "zh" else "en-US"
    doc.core_properties.title = document.title
    _setup_styles(doc, lang)
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.5)
    headings = [b for b in document.blocks if isinstance(b, Heading)]
    cover = title_page and document.cover is not None
    if cover:
        _add_cover(doc, document.cover, lang)
        doc.add_section(WD_SECTION.NEW_PAGE)
        _page_numbers(doc.sections[-1], "lowerRoman", restart=True)
    _furniture(doc.sections[-1], document.title)
    body = not any(isinstance(b, MainMatter) for b in document.blocks)
    first_block = True
    for block in document.blocks:
        if isinstance(block, Heading):
            if block.level == 1 and not first_block:
                if body and cover:
                    doc.add_section(WD_SECTION.NEW_PAGE)
                    _page_numbers(doc.sections[-1], "decimal", restart=False)
                heading = doc.add_heading("", level=1)
                heading.paragraph_format.page_break_before = not (body and cover)
            else:
                heading = doc.add_heading("", level=min(block.level, 4))
            add_text(heading, block.text)
        elif isinstance(block, MainMatter):
            body = True
            doc.add_section(WD_SECTION.NEW_PAGE)
            _page_numbers(doc.sections[-1], "decimal", restart=True)
            first_block = True
            continue
        elif isinstance(block, Paragraph):
            p = doc.add_paragraph()
            add_text(p, block.text)
            _first_line_indent(p, lang)
        elif isinstance(block, Bullets):
            for item in block.items:
                add_text(doc.add_paragraph(style="List Bullet"), item)
        elif isinstance(block, TableBlock):
            _add_table(doc, block, lang)
        elif isinstance(block, FigureBlock):
            _add_figure(doc, block, lang, images)
        elif isinstance(block, Toc):
            _add_toc(doc, block, headings, toc_note)
        elif isinstance(block, References):
            _add_references(doc, block)
        elif isinstance(block, PageBreak):
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        first_block = False
    out_path = Path(out_path)
    doc.save(str(out_path))
    return out_path
