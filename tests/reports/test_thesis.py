"""The demo report as a thesis a student can hand in (issue 14): cover, page numbers, contents, references, no
machine artifacts in the Chinese body, mediation types, italic p, one IPMA priority in text, table and figure.

The documents are built from the session's demo run (``demo_run``); the DOCX is written without figures."""
import json
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from docx import Document as read_docx

from analysis.results_view import results_view
from questionnaire.errors import InputError
from questionnaire.instrument import bundled_instrument_path
from questionnaire.loader import load_instrument, parse_instrument
from reports.bibliography import CITATION, bibliography
from reports.document import Bullets, Heading, MainMatter, Paragraph, References, TableBlock
from reports.render_docx import write_docx
from reports.report import build_report_document
from reports.thesis import FIELDS, ThesisInfo, cover_lines, read_case_notes, read_thesis_info, with_case_notes

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Latin words a Chinese thesis body may contain: abbreviations, symbols, method names and the authors it cites.
ALLOWED_LATIN = {"CFA", "SEM", "EFA", "AVE", "CR", "KMO", "NPS", "HTMT", "CFI", "TLI", "RMSEA", "SRMR", "GFI", "AGFI",
                 "NFI", "RFI", "IFI", "PNFI", "PGFI", "PCLOSE", "IPMA", "CI", "SD", "SE", "CITC", "Bootstrap",
                 "Cronbach's", "McDonald's", "Harman", "Mardia", "Bartlett", "Heywood", "Fornell–Larcker", "Wilson",
                 "Feldt", "Welch", "VIP", "PLUS", "df", "p", "M", "n", "t", "z", "d", "R", "f", "F", "H", "a", "b",
                 "c", "d", "e", "B", "D-W", "VIF", "HSD", "LSD", "Tukey", "Games–Howell", "Levene", "Student",
                 "Pearson", "Spearman", "Mann–Whitney", "Kruskal–Wallis", "U", "Johnson–Neyman", "PROCESS", "SMC", "FIML"}
TEMPLATES = Path(__file__).parents[2] / "reports" / "templates"
# works cited only by sections the default demo run does not write (multi-group analysis: --groups; the scaled
# difference test: --estimator MLR or MLM)
CONDITIONAL_ONLY = {"cheung2002", "chen2007", "satorra2001"}


@pytest.fixture(scope="module")
def demo(demo_run):
    results = json.loads((demo_run.out / "results.json").read_text(encoding="utf-8"))
    instrument = parse_instrument(results["instrument"], "results.json (instrument section)")
    return results, instrument


@pytest.fixture(scope="module")
def zh(demo):
    return build_report_document(*demo, "zh")


@pytest.fixture(scope="module")
def en(demo):
    return build_report_document(*demo, "en")


@pytest.fixture(scope="module")
def zh_docx(zh, tmp_path_factory):
    """The zh thesis as DOCX with its first three tables only (python-docx is slow at tables), without figures."""
    tables = [b for b in zh.blocks if isinstance(b, TableBlock)][:3]
    short = replace(zh, blocks=[b for b in zh.blocks if not isinstance(b, TableBlock) or b in tables])
    path = write_docx(short, tmp_path_factory.mktemp("thesis") / "report.docx", {}, toc_note="（目录说明）")
    return read_docx(str(path)), zipfile.ZipFile(path)


def _texts(blocks) -> list[str]:
    out = []
    for b in blocks:
        if isinstance(b, (Paragraph, Heading)):
            out.append(b.text)
        elif isinstance(b, Bullets):
            out += list(b.items)
        elif isinstance(b, TableBlock):
            out += [b.table.caption, *b.table.header, *b.table.notes, *(c.text for row in b.table.rows for c in row)]
        elif isinstance(b, References):
            out += list(b.entries)
    return out


def _body(doc) -> list:
    """The blocks from chapter 1 to the reference list (the main matter)."""
    start = next(i for i, b in enumerate(doc.blocks) if isinstance(b, MainMatter))
    end = next(i for i, b in enumerate(doc.blocks) if isinstance(b, References))
    return doc.blocks[start:end]


def test_the_cover_carries_the_thesis_title_and_placeholders_only_where_nothing_was_given(demo, zh, en, tmp_path):
    results, instrument = demo
    assert zh.cover.title == "电商企业客户忠诚度的影响因素与培养策略研究" != instrument.title.get("zh")
    assert en.cover.title != instrument.title.get("en")
    assert dict(zh.cover.lines)["指导教师"] == "（指导教师）"
    (tmp_path / "t.yaml").write_text("thesis:\n  title: 我的论文\n  author: 张三\n  student_id: 2021001\n", encoding="utf-8")
    info = read_thesis_info(tmp_path / "t.yaml")
    assert info == ThesisInfo(title="我的论文", author="张三", student_id="2021001")
    labels = {f: f.upper() for f in FIELDS}
    lines = cover_lines(info, labels, {f: f"({f})" for f in FIELDS})
    assert lines[:3] == (("AUTHOR", "张三"), ("STUDENT_ID", "2021001"), ("SCHOOL", "(school)"))
    (tmp_path / "bad.yaml").write_text("thesis:\n  tutor: 李四\n", encoding="utf-8")
    with pytest.raises(InputError, match="bad.yaml: unknown thesis field 'tutor'; allowed: title, author"):
        read_thesis_info(tmp_path / "bad.yaml")


def test_case_notes_from_the_thesis_file_or_the_option_which_wins(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.md").write_text("\ufeff案例甲\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("案例乙\n", encoding="utf-8")
    (tmp_path / "t.yaml").write_text("thesis:\n  author: 张三\n  case_notes: notes/a.md\n", encoding="utf-8")
    info = read_thesis_info(tmp_path / "t.yaml")
    assert info.case_notes == "案例甲\n" and info.author == "张三"
    assert "case_notes" not in dict(cover_lines(info, {f: f for f in FIELDS}, {f: "" for f in FIELDS}))
    assert with_case_notes(info, tmp_path / "b.md") == ThesisInfo(author="张三", case_notes="案例乙\n")
    assert with_case_notes(None, None) is None
    (tmp_path / "blank.md").write_text(" \n\n", encoding="utf-8")
    assert read_case_notes(tmp_path / "blank.md") is None
    with pytest.raises(InputError, match="missing.md: cannot read the case notes .FileNotFoundError.; allowed: a UTF-8"):
        read_case_notes(tmp_path / "missing.md")
    (tmp_path / "gbk.md").write_bytes("案例".encode("gb18030"))
    with pytest.raises(InputError, match="gbk.md: cannot read the case notes .UnicodeDecodeError."):
        read_case_notes(tmp_path / "gbk.md")


def test_docx_front_matter_is_numbered_in_roman_and_the_body_from_1_with_header_and_page_field(zh_docx):
    doc, package = zh_docx
    assert doc.paragraphs[4].text == "电商企业客户忠诚度的影响因素与培养策略研究"   # the cover
    formats = [(s._sectPr.find(f"{W}pgNumType").get(f"{W}fmt"), s._sectPr.find(f"{W}pgNumType").get(f"{W}start"))
               for s in doc.sections[1:]]
    assert formats[0] == ("lowerRoman", "1") and formats[1] == ("decimal", "1")
    assert all(f == ("decimal", None) for f in formats[2:])
    assert doc.sections[0].footer.is_linked_to_previous   # no footer on the cover
    footer = doc.sections[1].footer._element.xml
    assert "PAGE" in footer and 'w:fldCharType="begin"' in footer
    assert doc.sections[1].header.paragraphs[0].text == "电商企业客户忠诚度的影响因素与培养策略研究"
    assert all(s.footer.is_linked_to_previous for s in doc.sections[2:])


def test_docx_contents_list_the_headings_and_update_on_open(zh_docx):
    doc, package = zh_docx
    texts = [p.text for p in doc.paragraphs]
    start = texts.index("目录")
    for heading in ("摘要", "Abstract", "第一章 引言", "3.8 结构方程模型与假设检验", "参考文献"):
        assert heading in texts[start:start + 60]
    assert 'TOC \\o "1-3"' in package.read("word/document.xml").decode("utf-8")
    assert 'w:updateFields w:val="true"' in package.read("word/settings.xml").decode("utf-8")


def test_p_is_set_in_italics(zh_docx):
    doc, _ = zh_docx
    runs = [r for p in doc.paragraphs for r in p.runs] + \
           [r for t in doc.tables for c in t.rows[0].cells for p in c.paragraphs for r in p.runs]
    assert any(r.text == "p" and r.italic for r in runs)
    assert any(r.text == "β" and r.italic for r in runs)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_citation_resolves_and_every_work_is_cited(lang, zh, en):
    doc = zh if lang == "zh" else en
    texts = _texts(doc.blocks)
    assert not any(CITATION.search(t) or "[[" in t for t in texts)
    (refs,) = [b for b in doc.blocks if isinstance(b, References)]
    assert len(refs.entries) == len(bibliography()) - len(CONDITIONAL_ONLY)   # every work the report cites is listed
    if lang == "zh":
        assert [int(e[1:e.index("]")]) for e in refs.entries] == list(range(1, len(refs.entries) + 1))
        cited = {int(n) for t in _texts(_body(doc)) for group in re.findall(r"\[([\d,\-]+)\]", t)
                 for part in group.split(",") for n in range(int(part.split("-")[0]), int(part.split("-")[-1]) + 1)}
        assert cited == set(range(1, len(refs.entries) + 1))   # the body cites each numbered entry
        assert "[J]" in refs.entries[0] and any("[M]" in e for e in refs.entries)


def test_every_work_of_the_bibliography_is_cited_by_a_template_or_the_instrument():
    cited = {key for path in TEMPLATES.rglob("*.j2")
             for group in re.findall(r"\[\[citet?:([^\]]+)\]\]", path.read_text(encoding="utf-8"))
             for key in group.split(",")}
    cited |= {key for c in load_instrument(bundled_instrument_path()).constructs for key in c.references}
    assert cited == set(bibliography())


def test_the_chinese_body_has_no_code_command_line_placeholder_or_english(demo, zh):
    results, _ = demo
    text = "\n".join(_texts(_body(zh)) + _texts([b for b in zh.blocks if isinstance(b, TableBlock)]))
    text = re.sub(r"表A-\d+", "", text)   # appendix table numbers
    for w in results["warnings"]:
        assert w["code"] not in text and w["message"] not in text
    assert "loyalty run" not in text and "--" not in text and "本节由作者撰写" not in text and "pc" not in text.split()
    ids = {c.id for c in demo[1].constructs} | set(demo[1].item_ids)
    surnames = {f for w in bibliography().values() for f in w.families}
    words = set(re.findall(r"[A-Za-z][A-Za-z'’–\-]*", text))
    print("EXTRA", sorted(words - ALLOWED_LATIN - ids - surnames - {f"F{k}" for k in range(10)}))
    assert words - ALLOWED_LATIN - ids - surnames - {f"F{k}" for k in range(10)} == set()
    assert not re.search(r"[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}", text)   # no English phrase


def test_mediation_types_are_written_in_section_3_5_and_the_abstract(demo, zh):
    texts = _texts(zh.blocks)
    abstract = texts[:texts.index("Abstract")]
    mediation = next(t for t in texts if t.startswith("采用 Bootstrap 法"))
    names = {"full": "完全中介", "partial": "部分中介"}
    found = {names[e["mediation"]] for e in demo[0]["sem"]["indirect"] if e["mediation"] in names}
    assert found
    for words in found:
        assert words in mediation and any(words in t for t in abstract)


def test_ipma_priorities_agree_in_text_table_and_figure(demo, zh):
    results, instrument = demo
    ipma = results_view(results, tuple(c.id for c in instrument.constructs)).ipma
    names = {c.id: c.name.get("zh") for c in instrument.constructs}
    quadrants = {"concentrate_here": "优先改进", "keep_up_the_good_work": "继续保持", "low_priority": "次要改进",
                 "possible_overkill": "可能过度投入"}
    table = next(b.table for b in zh.blocks if isinstance(b, TableBlock) and b.table.key == "ipma")
    assert [(r[0].text, r[1].text.split("（")[0], r[4].text) for r in table.rows] == \
           [(str(p.priority), names[p.construct], quadrants[p.quadrant]) for p in ipma.priorities]
    figure = next(b.spec for b in zh.figures() if b.spec.key == "ipma_map")
    assert [(pt["label"], pt["priority"]) for pt in figure.data["points"]] == \
           [(f"{names[p.construct]}（{p.priority}）", p.quadrant == "concentrate_here") for p in ipma.priorities]
    assert bool(figure.data["quadrant_note"]) == any(p.quadrant == "concentrate_here" for p in ipma.priorities)
    top = ipma.priorities[0]
    said = [t for t in _texts(zh.blocks) if "优先级最高的是" in t]
    assert said and all(f"{names[top.construct]}（" in t and quadrants[top.quadrant] in t for t in said)
    if top.quadrant != "concentrate_here":
        assert not any(f"应优先改进{names[top.construct]}" in t for t in _texts(zh.blocks))


def test_hypothesis_lists_can_break_and_table_headers_never_stand_alone(zh_docx):
    doc, _ = zh_docx
    assert any("H1a、\u200bH2a" in p.text for p in doc.paragraphs)
    table = doc.tables[0]
    header = table.rows[0]._tr.trPr
    assert header.find(f"{W}tblHeader") is not None and header.find(f"{W}cantSplit") is not None
    assert all(p.paragraph_format.keep_with_next for c in table.rows[0].cells for p in c.paragraphs)
