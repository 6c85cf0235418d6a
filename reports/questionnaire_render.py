"""The questionnaire as a respondent sees it: intro, part 1 background questions with ○ options, part 2
one Likert grid per construct (questionnaire order, attention checks after their ``after`` item).

:func:`questionnaire_blocks` gives document blocks (used as the report's appendix);
:func:`render_questionnaire` writes them alone as DOCX or HTML.
"""
from __future__ import annotations

from pathlib import Path

from questionnaire.errors import input_error
from questionnaire.instrument import Instrument
from reports.document import Document, Heading, Paragraph, TableBlock
from reports.tables import Cell, make_table

CIRCLE = "○"


def _t(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _question_lines(q, number: int, lang: str) -> list:
    text = f"{number}. {q.text.get(lang)}"
    if q.type == "multiple":
        text += _t(lang, "（可多选）", " (tick all that apply)")
    blocks: list = [Paragraph(text)]
    if q.type in ("single", "multiple"):
        mark = CIRCLE if q.type == "single" else "□"
        blocks.append(Paragraph("　".join(f"{mark} {o.label.get(lang)}" for o in q.options)))
    elif q.type == "nps":
        blocks.append(Paragraph("　".join(f"{CIRCLE} {k}" for k in range(0, 11))))
    elif q.type == "numeric":
        blocks.append(Paragraph("________" + _t(lang, "（请填写数字）", " (a number)")))
    else:
        blocks.append(Paragraph("_" * 40))
    return blocks


def questionnaire_blocks(instrument: Instrument, lang: str, title_level: int = 2) -> list:
    """The printable questionnaire as blocks; headings start at ``title_level``."""
    inst = instrument
    blocks: list = [Heading(title_level, inst.title.get(lang))]
    if inst.intro is not None:
        blocks.append(Paragraph(inst.intro.get(lang)))
    number = 0
    if inst.questions:
        blocks.append(Heading(title_level + 1, _t(lang, "第一部分　基本情况", "Part 1 About you")))
        for q in inst.questions:
            number += 1
            blocks.extend(_question_lines(q, number, lang))
    blocks.append(Heading(title_level + 1, _t(lang, "第二部分　购物体验与看法", "Part 2 Your experience and views")))
    blocks.append(Paragraph(_t(lang, "请根据您的真实感受，在每个题项最符合的选项下打“○”。",
                               "For each statement, mark the answer that fits your view best.")))
    checks_after: dict[str, list] = {}
    for check in inst.attention_checks:
        checks_after.setdefault(check.after or "", []).append(check)
    if inst.unworded_items:
        blocks.append(Paragraph(_t(lang, f"注：以下题项在问卷文件中没有措辞，暂以题项编号代替，印发前需补充："
                                         f"{'、'.join(inst.unworded_items)}。",
                                   f"Note: these items have no wording in the instrument file; their ids stand in "
                                   f"for it, and the wording must be added before the questionnaire is used: "
                                   f"{', '.join(inst.unworded_items)}.")))
    for k, c in enumerate(inst.constructs):
        labels = list(c.scale.point_captions(lang))
        rows = []
        entries = [(it.id, it.text.get(lang)) for it in c.items]
        if k == 0:
            entries = [(ch.id, ch.text.get(lang)) for ch in checks_after.get("", [])] + entries
        ordered = []
        for item_id, text in entries:
            ordered.append((item_id, text))
            ordered += [(ch.id, ch.text.get(lang)) for ch in checks_after.get(item_id, [])]
        for _, text in ordered:
            number += 1
            rows.append([Cell(f"{number}. {text}")] + [Cell(CIRCLE) for _ in labels])
        header = [_t(lang, "题项", "Statement")] + labels
        table = make_table(f"questionnaire_{c.id}", c.name.get(lang), header, rows)
        blocks.append(Heading(title_level + 2, f"{_t(lang, '（', '')}{_roman(k, lang)}{_t(lang, '）', '.')} {c.name.get(lang)}"))
        blocks.append(TableBlock(table, ""))
    blocks.append(Paragraph(_t(lang, "问卷到此结束，感谢您的参与！", "This is the end of the questionnaire. Thank you!")))
    return blocks


def _roman(k: int, lang: str) -> str:
    zh = "一二三四五六七八九十"
    return zh[k] if lang == "zh" and k < len(zh) else str(k + 1)


def render_questionnaire(instrument: Instrument, lang: str, fmt: str, out_path: str | Path) -> Path:
    """Write the questionnaire alone as ``fmt`` 'docx' or 'html' to ``out_path``; returns the path."""
    if lang not in instrument.languages:
        raise input_error("questionnaire language not in the instrument", value=lang,
                          allowed=", ".join(instrument.languages))
    if fmt not in ("docx", "html"):
        raise input_error("unknown questionnaire format", value=fmt, allowed="docx, html")
    doc = Document(instrument.title.get(lang), lang, questionnaire_blocks(instrument, lang, title_level=1))
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "docx":
        from reports.render_docx import write_docx
        write_docx(doc, out_path, {}, title_page=False)
    else:
        from reports.render_html import write_html
        write_html(doc, out_path, {}, title_page=False)
    return out_path
