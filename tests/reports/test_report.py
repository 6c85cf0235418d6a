"""The whole report: chapters, tables, figures, the same numbers in every format, no residue, escaping,
template overrides and single chapters."""
import re
import zipfile

import pytest
from docx import Document as read_docx
from openpyxl import load_workbook

from questionnaire.errors import InputError
from reports import typeset as ts
from reports.report import render_report

CHAPTERS_ZH = ["摘要", "Abstract", "第一章 引言", "第二章 客户忠诚度相关理论与文献综述", "第三章 电商企业客户忠诚度的现状分析",
               "第四章 电商企业客户忠诚度培养的策略制定", "第五章 电商企业客户忠诚度培养策略的实施与保障",
               "第六章 策略实施效果评估与持续改进", "第七章 结论与展望", "参考文献", "附录：调查问卷",
               "附录：分析诊断提示"]
RESIDUE = re.compile(r"\{\{|\{%|\[\[|\bnan\b|\bNone\b|\bNaN\b|built-in method|object at 0x")


def docx_text(path) -> str:
    doc = read_docx(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def html_text(path) -> str:
    return re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def zh_report(tmp_path_factory, instrument, results_builder):
    results = results_builder(instrument, free_text=["<script>alert('x')</script>", "=HYPERLINK(\"http://evil\")"])
    out = tmp_path_factory.mktemp("zh")
    return results, render_report(results, instrument, out, lang="zh")


def test_docx_has_every_chapter_heading_tables_and_figures(zh_report):
    _, outputs = zh_report
    doc = read_docx(str(outputs["docx"]))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == CHAPTERS_ZH
    assert sum(1 for p in doc.paragraphs if p.style.name == "Caption" and p.text.startswith("表")) >= 12
    assert sum(1 for p in doc.paragraphs if p.style.name == "Caption" and p.text.startswith("图")) >= 6
    assert len(doc.inline_shapes) >= 6
    assert any(p.text.startswith("表3-1") for p in doc.paragraphs)
    assert any(p.text.startswith("图3-1") for p in doc.paragraphs)
    xml = zipfile.ZipFile(outputs["docx"]).read("word/document.xml").decode("utf-8")
    assert 'TOC \\o "1-3"' in xml


def test_docx_tables_are_three_line_and_fonts_are_set(zh_report):
    _, outputs = zh_report
    doc = read_docx(str(outputs["docx"]))
    table = doc.tables[0]._tbl
    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    borders = table.tblPr.find("w:tblBorders", ns)
    get = lambda tag, attr: borders.find(f"w:{tag}", ns).get(f"{{{ns['w']}}}{attr}")
    assert (get("top", "val"), get("top", "sz")) == ("single", "12")
    assert (get("bottom", "val"), get("bottom", "sz")) == ("single", "12")
    assert get("insideV", "val") == get("insideH", "val") == get("left", "val") == "nil"
    header_cell = table.findall(".//w:tr", ns)[0].find(".//w:tcBorders/w:bottom", ns)
    assert header_cell.get(f"{{{ns['w']}}}sz") == "6"
    fonts = doc.styles["Normal"].element.rPr.find("w:rFonts", ns)
    assert fonts.get(f"{{{ns['w']}}}eastAsia") == "宋体"
    assert fonts.get(f"{{{ns['w']}}}ascii") == "Times New Roman"


def test_no_template_residue_nan_or_none_in_any_output(zh_report):
    _, outputs = zh_report
    texts = {"docx": docx_text(outputs["docx"]), "html": html_text(outputs["html"]),
             "md": outputs["md"].read_text(encoding="utf-8")}
    wb = load_workbook(outputs["xlsx"])
    texts["xlsx"] = "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)
    for fmt, text in texts.items():
        assert RESIDUE.search(text) is None, (fmt, RESIDUE.search(text))


def _numbers(results):
    """Numbers from results.json as the report prints them."""
    rel = results["reliability"]["PQ"]
    path = next(p for p in results["sem"]["paths"] if p["lhs"] == "CS" and p["rhs"] == "BI")
    return [ts.bounded(rel["alpha"]), ts.bounded(rel["ave"]), ts.bounded(results["cfa"]["fit"]["cfi"]),
            ts.bounded(results["sem"]["fit"]["rmsea"]), ts.coef(path["std_all"], path["pvalue"]),
            ts.num(results["indicators"]["nps"]["overall"]["nps"], 1),
            ts.chisq(results["cfa"]["fit"]["chisq"], results["cfa"]["fit"]["df"]),
            ts.bounded(results["validity"]["htmt"]["LY"]["CS"])]


def test_the_same_numbers_appear_in_docx_html_md_and_xlsx(zh_report):
    results, outputs = zh_report
    texts = {"docx": docx_text(outputs["docx"]), "html": html_text(outputs["html"]),
             "md": outputs["md"].read_text(encoding="utf-8")}
    for number in _numbers(results):
        for fmt, text in texts.items():
            assert number in text, (fmt, number)
    wb = load_workbook(outputs["xlsx"])
    values = [c.value for ws in wb for row in ws.iter_rows() for c in row]
    numeric = [v for v in values if isinstance(v, (int, float))]
    for raw, digits in ((results["reliability"]["PQ"]["alpha"], 3), (results["cfa"]["fit"]["cfi"], 3),
                        (results["sem"]["fit"]["rmsea"], 3), (results["indicators"]["nps"]["overall"]["nps"], 1)):
        assert round(raw, digits) in numeric, raw   # stored at the report's precision
    caption_sheets = [ws.title for ws in wb][1:]
    assert len(caption_sheets) >= 12 and caption_sheets[0].startswith("表")


def test_respondent_text_is_escaped(zh_report):
    _, outputs = zh_report
    html = outputs["html"].read_text(encoding="utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<script>" not in outputs["md"].read_text(encoding="utf-8")
    assert "&lt;script>" in outputs["md"].read_text(encoding="utf-8")
    assert "<script>alert('x')</script>" in docx_text(outputs["docx"])


def test_figures_are_written_as_png_and_svg(zh_report):
    _, outputs = zh_report
    names = {p.name for p in outputs["figures"].iterdir()}
    for key in ("research_model", "path_diagram", "ipma_map", "likert", "scree", "construct_means"):
        assert {f"{key}.png", f"{key}.svg"} <= names


def test_chapter_3_alone_in_english(instrument, results, tmp_path):
    outputs = render_report(results, instrument, tmp_path, lang="en", formats=("docx", "md"), chapter=3)
    doc = read_docx(str(outputs["docx"]))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Chapter 3 The state of customer loyalty in e-commerce"]
    assert outputs["docx"].name == "chapter3.docx"
    md = outputs["md"].read_text(encoding="utf-8")
    assert "**Table 3-1 " in md and "Figure 3-1" in md and "第" not in md


def test_an_edited_template_changes_the_output_and_survives_a_rerun(instrument, results, tmp_path):
    user = tmp_path / "templates" / "zh"
    user.mkdir(parents=True)
    (user / "01_introduction.md.j2").write_text("# 第一章 引言\n\n我的修改：样本量 {{ meta.n_analyzed }}。\n",
                                                encoding="utf-8")
    for run in range(2):
        out = render_report(results, instrument, tmp_path / f"out{run}", lang="zh", formats=("md",), chapter=1,
                            templates_dir=tmp_path / "templates")
        md = out["md"].read_text(encoding="utf-8")
        assert f"我的修改：样本量 {results['meta']['n_analyzed']}。" in md
        assert "研究背景与意义" not in md
    bundled = render_report(results, instrument, tmp_path / "bundled", lang="zh", formats=("md",), chapter=1)
    assert "研究背景与意义" in bundled["md"].read_text(encoding="utf-8")


def test_an_edited_phrases_template_changes_the_sentences(instrument, results, tmp_path):
    from reports.report import bundled_templates_dir

    user = tmp_path / "templates" / "en"
    user.mkdir(parents=True)
    bundled = (bundled_templates_dir("en") / "phrases.j2").read_text(encoding="utf-8")
    edited = bundled.replace("Every fit index is at least acceptable.", "All fit indices pass.").replace(
        "Indices that miss the cut-off:", "Indices below their cut-off:")
    (user / "phrases.j2").write_text(edited, encoding="utf-8")
    out = render_report(results, instrument, tmp_path / "out", lang="en", formats=("md",), chapter=3,
                        templates_dir=tmp_path / "templates")
    md = out["md"].read_text(encoding="utf-8")
    assert "All fit indices pass." in md or "Indices below their cut-off:" in md
    (user / "phrases.j2").write_text("{% macro fit_model() %}{% endmacro %}", encoding="utf-8")
    with pytest.raises(InputError, match="phrases.j2: the phrases template has no 'design'"):
        render_report(results, instrument, tmp_path / "out2", lang="en", formats=("md",), chapter=3,
                      templates_dir=tmp_path / "templates")


def test_a_template_with_an_unknown_name_is_reported(instrument, results, tmp_path):
    (tmp_path / "01_introduction.md.j2").write_text("{{ no_such_name }}", encoding="utf-8")
    with pytest.raises(InputError, match="01_introduction.md.j2.*unknown name.*no_such_name"):
        render_report(results, instrument, tmp_path / "out", formats=("md",), chapter=1, templates_dir=tmp_path)


def test_a_template_with_a_syntax_error_is_reported(instrument, results, tmp_path):
    (tmp_path / "01_introduction.md.j2").write_text("{% for x in %}", encoding="utf-8")
    with pytest.raises(InputError, match="template syntax error at line 1"):
        render_report(results, instrument, tmp_path / "out", formats=("md",), chapter=1, templates_dir=tmp_path)


def test_bad_options_are_input_errors(instrument, results, tmp_path):
    with pytest.raises(InputError, match="no such chapter 12; allowed: 0, 1, 2"):
        render_report(results, instrument, tmp_path, chapter=12)
    with pytest.raises(InputError, match="unknown report format 'pdf'"):
        render_report(results, instrument, tmp_path, formats=("pdf",))
    with pytest.raises(InputError, match="unknown report language 'fr'"):
        render_report(results, instrument, tmp_path, lang="fr")
    with pytest.raises(InputError, match="templates folder not found"):
        render_report(results, instrument, tmp_path, templates_dir=tmp_path / "nope")


def test_docx_headings_use_heiti_and_the_toc_explains_how_to_update(zh_report):
    zh_docx = zh_report[1]["docx"]
    doc = read_docx(str(zh_docx))
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    heading = doc.styles["Heading 1"].element.rPr.find(f"{ns}rFonts")
    normal = doc.styles["Normal"].element.rPr.find(f"{ns}rFonts")
    assert heading.get(f"{ns}eastAsia") == "黑体" and normal.get(f"{ns}eastAsia") == "宋体"
    assert heading.get(f"{ns}ascii") == "Times New Roman"
    xml = zipfile.ZipFile(zh_docx).read("word/document.xml").decode("utf-8")
    assert "更新域" in xml and "LibreOffice" in xml
    item_table = next(t for t in doc.tables if t.rows[0].cells[1].text == "内容")
    widths = [c.width for c in item_table.rows[0].cells]
    assert widths[1] == max(widths)
