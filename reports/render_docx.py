"""Word output (python-docx): Word heading styles (navigation pane, TOC), a TOC field, three-line tables
(三线表: top and bottom rules 1.5 pt, header rule 0.75 pt, no vertical lines), captions 表3-1 above tables
and 图3-1 below figures, 宋体 for East Asian body text and 黑体 for headings, Times New Roman for Latin text
(w:eastAsia rFonts); table columns get widths in proportion to their longest text (CJK characters count
double), capped so that a long wording column wraps instead of squeezing the numbers.
"""
from __future__ import annotations

from pathlib import Path

from docx import Document as new_docx
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from reports.document import Bullets, Document, FigureBlock, Heading, PageBreak, Paragraph, TableBlock, Toc

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
TOC_NOTE = {"zh": "目录尚未生成。Word：右键单击此处，选择“更新域”→“更新整个目录”（或按 F9）；"
                  "LibreOffice：选择菜单“工具”→“更新”→“全部更新”。",
            "en": "The table of contents has not been built yet. Word: right-click here and choose Update Field → "
                  "Update entire table (or press F9). LibreOffice: Tools → Update → Update All."}        # a column with a longer text is left-aligned


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


def _add_field(paragraph, instruction: str, placeholder: str) -> None:
    """A Word field (TOC ...) with placeholder text; Word fills it when fields are updated."""
    def char(kind: str):
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            el.set(qn("w:dirty"), "true")
        return el
    run = paragraph.add_run()
    run._r.append(char("begin"))
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = instruction
    run._r.append(instr)
    paragraph.add_run()._r.append(char("separate"))
    paragraph.add_run(placeholder)
    paragraph.add_run()._r.append(char("end"))


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


def _cell_text(cell, text: str, bold: bool = False, size: float = 9, align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.first_line_indent = None
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = 1.0
    paragraph.alignment = align
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold


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
        doc.add_paragraph(f"{block.label}{'　' if lang == 'zh' else ' '}{table_model.caption}", style="Caption")
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
    for note in table_model.notes:
        p = doc.add_paragraph(note)
        p.paragraph_format.first_line_indent = None
        for run in p.runs:
            run.font.size = Pt(9)


def _add_figure(doc, block: FigureBlock, lang: str, images: dict[str, Path]) -> None:
    path = images.get(block.spec.key)
    if path is None:
        return
    doc.add_picture(str(path), width=Cm(15))
    picture = doc.paragraphs[-1]
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.first_line_indent = None
    picture.paragraph_format.keep_with_next = True
    doc.add_paragraph(f"{block.label}{'　' if lang == 'zh' else ' '}{block.spec.caption}", style="Caption")


def write_docx(document: Document, out_path: str | Path, images: dict[str, Path], title_page: bool = True) -> Path:
    """Write ``document`` to ``out_path``; ``images`` maps figure keys to their PNG files."""
    doc = new_docx()
    lang = document.lang
    _setup_styles(doc, lang)
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.5)
    if title_page:
        title = doc.add_paragraph(document.title, style="Title")
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    first_chapter = True
    for block in document.blocks:
        if isinstance(block, Heading):
            if block.level == 1 and title_page and not first_chapter:
                doc.add_section(WD_SECTION.NEW_PAGE)
            first_chapter = False
            doc.add_heading(block.text, level=min(block.level, 4))
        elif isinstance(block, Paragraph):
            p = doc.add_paragraph(block.text)
            _first_line_indent(p, lang)
        elif isinstance(block, Bullets):
            for item in block.items:
                doc.add_paragraph(item, style="List Bullet")
        elif isinstance(block, TableBlock):
            _add_table(doc, block, lang)
        elif isinstance(block, FigureBlock):
            _add_figure(doc, block, lang, images)
        elif isinstance(block, Toc):
            heading = doc.add_paragraph(block.title, style="Title")
            heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
            heading.paragraph_format.page_break_before = True
            _add_field(doc.add_paragraph(), 'TOC \\o "1-3" \\h \\z \\u', TOC_NOTE[lang])
            _update_fields_on_open(doc)
        elif isinstance(block, PageBreak):
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    out_path = Path(out_path)
    doc.save(str(out_path))
    return out_path
