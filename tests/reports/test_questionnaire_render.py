"""The printable questionnaire (DOCX/HTML) as a respondent sees it."""
import pytest
from docx import Document as read_docx

from questionnaire.errors import InputError
from reports.questionnaire_render import render_questionnaire


def test_docx_questionnaire_has_parts_questions_and_one_grid_per_construct(instrument, tmp_path):
    path = render_questionnaire(instrument, "zh", "docx", tmp_path / "q.docx")
    doc = read_docx(str(path))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == instrument.title["zh"]
    assert "第一部分　基本情况" in headings and "第二部分　购物体验与看法" in headings
    text = "\n".join(p.text for p in doc.paragraphs)
    assert instrument.intro["zh"] in text
    assert "1. 您的性别" in text and "○ 男　○ 女" in text
    assert len(doc.tables) == len(instrument.constructs)
    grid = doc.tables[0]
    assert [c.text for c in grid.rows[0].cells] == ["题项", *instrument.scale.labels["zh"]]
    assert grid.rows[1].cells[0].text == f"{len(instrument.questions) + 1}. {instrument.items[0].text['zh']}"
    # the attention check comes right after the item it follows
    rows = [r.cells[0].text for t in doc.tables for r in t.rows[1:]]
    check = instrument.attention_checks[0]
    after = next(i for i, r in enumerate(rows) if r.endswith(instrument.construct_of_item(check.after).items[
        instrument.construct_of_item(check.after).item_ids.index(check.after)].text["zh"]))
    assert rows[after + 1].endswith(check.text["zh"])
    assert len(rows) == len(instrument.items) + len(instrument.attention_checks)


def test_html_questionnaire_in_english_escapes_text(instrument, tmp_path):
    path = render_questionnaire(instrument, "en", "html", tmp_path / "q.html")
    html = path.read_text(encoding="utf-8")
    assert "<table" in html and "Part 2 Your experience and views" in html
    assert "&quot;Agree&quot;" in html          # the attention check text is escaped


def test_unknown_format_or_language_is_an_input_error(instrument, tmp_path):
    with pytest.raises(InputError, match="unknown questionnaire format 'pdf'"):
        render_questionnaire(instrument, "zh", "pdf", tmp_path / "q.pdf")
    with pytest.raises(InputError, match="questionnaire language not in the instrument 'fr'"):
        render_questionnaire(instrument, "fr", "docx", tmp_path / "q.docx")


def test_items_without_wording_are_noted_and_endpoint_labels_head_the_grid(tmp_path):
    """An instrument that gives items by id and labels the scale's endpoints only (issue 11, item 9)."""
    from questionnaire.loader import parse_instrument

    instrument = parse_instrument({"id": "m", "title": "调查", "languages": ["zh"],
                                   "scale": {"min": 0, "max": 10, "labels": {0: "完全不可能", 10: "非常可能"}},
                                   "constructs": [{"id": "LY", "name": "忠诚", "items": ["LY1", "LY2"]}]})
    doc = read_docx(str(render_questionnaire(instrument, "zh", "docx", tmp_path / "q.docx")))
    text = "\n".join(p.text for p in doc.paragraphs).replace("\u200b", "")   # break opportunities after 、
    assert "注：以下题项在问卷文件中没有措辞，暂以题项编号代替，印发前需补充：LY1、LY2。" in text
    header = [c.text for c in doc.tables[0].rows[0].cells]
    assert header == ["题项", "0 完全不可能", *map(str, range(1, 10)), "10 非常可能"]
    assert doc.tables[0].rows[1].cells[0].text == "1. LY1"
