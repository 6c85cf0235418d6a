"""Chapter 3.10–3.11 words what analysis decided: the case tables carry the results.json values, the best and
the weakest case are the ones analysis chose, each problem cites its evidence with the results.json numbers, a
fully mediated driver is never "not significant", and the author's case notes are delimited and escaped (never a
placeholder without them). Reads the session's demo run."""

import pytest

from reports import typeset as ts
from reports.context import build_context
from reports.context.diagnosis import note_blocks
from reports.document import Heading, Paragraph
from reports.render_html import render_html
from reports.report import build_report_document
from reports.thesis import ThesisInfo


def _label(instrument, lang, code):
    question = instrument.question_by_role("platform")
    return next(o.label.get(lang) for o in question.options if o.code == code)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_case_table_shows_the_results_values_in_rank_order(demo, contexts, lang):
    results, instrument, _ = demo
    cases, table = results["cases"], contexts[lang].tables["case_profiles"]
    assert list(table.header[1:-1]) == [_label(instrument, lang, c["code"]) for c in cases["cases"]]
    rows = {r[0].text: r[1:] for r in table.rows}
    assert [c.value for c in rows["n"]] == [c["n"] for c in cases["cases"]] + [cases["sample"]["n"]]
    for cid in cases["sample"]["construct_means"]:
        name = instrument.construct(cid).name.get(lang)
        expected = [c["construct_means"][cid] for c in cases["cases"]] + [cases["sample"]["construct_means"][cid]]
        assert [c.value for c in rows[name]] == expected
        assert [c.text for c in rows[name]] == [ts.num(v) for v in expected]
    nps = [c["nps"] for c in cases["cases"]] + [cases["sample"]["nps"]]
    assert [c.text for c in next(v for k, v in rows.items() if "NPS" in k)] == [ts.num(v, 1) for v in nps]
    assert [c.value for c in table.rows[-1][1:-1]] == [c["rank"] for c in cases["cases"]] == \
        list(range(1, len(cases["cases"]) + 1))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_best_and_weakest_case_are_the_ones_analysis_chose(demo, contexts, lang):
    results, instrument, _ = demo
    cases = results["cases"]
    ranked = sorted(cases["cases"], key=lambda c: (-round(c["construct_means"][cases["ranked_by"]], 2), -c["nps"]))
    assert (cases["best"], cases["weakest"]) == (ranked[0]["code"], ranked[-1]["code"])
    text = contexts[lang].values["cases"]["comparison"]
    best, weakest = (_label(instrument, lang, cases[k]) for k in ("best", "weakest"))
    assert text.index(best) < text.index(weakest)
    for code in (cases["best"], cases["weakest"]):
        case = next(c for c in cases["cases"] if c["code"] == code)
        assert ts.num(case["construct_means"][cases["ranked_by"]]) in text
    assert ts.p_text(cases["difference_pvalue"]) in text
    assert ("不是偶然" in text or "not chance" in text) == cases["difference_significant"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_problem_cites_its_evidence(demo, contexts, lang):
    results, instrument, _ = demo
    problems = results["problems"]
    values = contexts[lang].values["problems"]
    assert len(values["entries"]) == len(problems["problems"]) == len(contexts[lang].tables["problems"].rows)
    for entry, problem in zip(values["entries"], problems["problems"]):
        for e in problem["evidence"]:
            if e["kind"] == "lowest_item":
                assert e["item"] in entry["evidence"] and ts.num(e["mean"]) in entry["evidence"]
            elif e["kind"] == "group_difference":
                assert ts.p_text(e["pvalue"]) in entry["evidence"] and ts.num(e["high_mean"]) in entry["evidence"]
        assert entry["causes"].count("（" if lang == "zh" else "(") >= len(problem["causes"])
    for c in problems["priority_drivers"]:
        assert instrument.construct(c).name.get(lang) in values["intro"]


@pytest.mark.parametrize("lang, full, not_significant", [("zh", "完全经由", "驱动作用不显著"),
                                                         ("en", "runs entirely through", "Weak drivers")])
def test_a_fully_mediated_driver_works_through_the_mediator(demo, contexts, lang, full, not_significant):
    results, instrument, _ = demo
    readings = results["problems"]["paths"]
    text = contexts[lang].values["problems"]["paths"]
    assert text.count(full) == sum(r["reading"] == "fully_mediated" for r in readings)
    assert not_significant not in text
    mediated = {i["from"] for i in results["sem"]["indirect"] if i["mediation"] == "full"}
    assert {r["rhs"] for r in readings if r["reading"] == "fully_mediated"} <= mediated


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_borderline_mediation_is_said_so(demo, contexts, lang):
    results, instrument, _ = demo
    borderline = [i for i in results["sem"]["indirect"] if i["borderline"]]
    text = contexts[lang].values["sem"]["mediation"]
    assert ("临界" in text or "borderline" in text) == bool(borderline)
    for i in borderline:
        assert ts.ci(i["ci_lower"], i["ci_upper"], 3, False) in text


def test_no_case_notes_no_placeholder(demo_run):
    report = (demo_run.out / "report.md").read_text(encoding="utf-8")
    chapter = report[report.index("3.11 "):report.index("第四章")]
    assert "作者补充" not in chapter and "本节由作者" not in chapter and "3.11.3" not in chapter


NOTES = "# 京东案例\n\n京东自建物流，**次日达**。<script>alert(1)</script>\n\n- 配送快\n- [[table:fit]] 售后\n\n第二段\n第二行。\n"


def test_case_notes_are_delimited_and_escaped(demo):
    results, instrument, _ = demo
    doc = build_report_document(results, instrument, "zh", chapter=3, thesis=ThesisInfo(case_notes=NOTES))
    start = next(k for k, b in enumerate(doc.blocks) if isinstance(b, Heading) and b.text.startswith("3.11.3"))
    body = doc.blocks[start + 1:]
    assert body[0] == Paragraph("以下为作者补充的案例材料，来自作者提供的文件，未经本研究数据分析：")
    assert body[-1] == Paragraph("（作者补充的案例材料至此结束。）")
    assert [getattr(b, "text", None) or list(b.items) for b in body[1:-1]] == [
        "京东案例", "京东自建物流，次日达。<script>alert(1)</script>", ["配送快", "[\u200b[table:fit]\u200b] 售后"],
        "第二段第二行。"]
    html = render_html(doc, {}, title_page=False)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html


def test_note_blocks_in_english():
    assert note_blocks("1. first\n2) second\n\nA paragraph\non two lines.\n\n   \n", "en") == [
        {"text": "", "bullets": ["first", "second"]}, {"text": "A paragraph on two lines.", "bullets": []}]
    assert note_blocks(None, "zh") == []


@pytest.mark.parametrize("lang, none_found", [("zh", "未发现需要追溯的问题"), ("en", "no problem to trace")])
def test_no_problem_found_is_said_without_a_table(demo, lang, none_found):
    results, instrument, _ = demo
    quiet = {**results, "problems": {**results["problems"], "problems": [], "priority_drivers": [], "paths": []}}
    ctx = build_context(quiet, instrument, lang)
    assert none_found in ctx.values["problems"]["intro"] and "[[ref:" not in ctx.values["problems"]["intro"]
    assert "problems" not in ctx.tables and ctx.values["problems"]["entries"] == []
