"""Chapter 3.5.4 (moderation) and 3.6 (group differences): every number the zh and en reports show equals
results.json, the sentences word what analysis decided, and the sections sit where the thesis order puts them."""
from __future__ import annotations

import copy
import json
from functools import cache

import pytest
from openpyxl import load_workbook

from reports import typeset as ts
from reports.context.differences import STATISTIC, DifferenceSections
from reports.context.phrases import Phrases, bundled_environment


@cache
def phrases(lang: str) -> Phrases:
    return Phrases(bundled_environment(lang))


class Sections:
    """The two sections alone (a whole report context takes a second to build)."""

    def __init__(self, results: dict, instrument, lang: str):
        builder = DifferenceSections(results, instrument, lang, phrases(lang))
        builder.moderation()
        builder.group_differences()
        self.tables, self.values, self.figures = builder.tables.tables, builder.v, builder.figures


def build_context(results: dict, instrument, lang: str) -> Sections:
    return Sections(results, instrument, lang)


@pytest.fixture(scope="module")
def demo(demo_run) -> dict:
    return json.loads((demo_run.out / "results.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def contexts(demo, instrument) -> dict:
    return {lang: build_context(demo, instrument, lang) for lang in ("zh", "en")}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_group_difference_tables_equal_results_json(demo, contexts, lang):
    ctx = contexts[lang]
    for question in dict.fromkeys(r["question"] for r in demo["group_differences"]):
        records = [r for r in demo["group_differences"] if r["question"] == question]
        table = ctx.tables[f"differences_{question}"]
        assert len(table.rows) == len(records)
        for record, row in zip(records, table.rows):
            texts = [c.text for c in row]
            means = [f"{ts.num(g['mean'], 2)} ± {ts.num(g['sd'], 2)}" for g in record["groups"]]
            assert [t.split("（")[0].split(" (")[0] for t in texts[1:1 + len(means)]] == means
            assert texts[-2] == ts.num(record["statistic"], 2) + ts.stars(record["pvalue"])
            assert row[-2].value == pytest.approx(record["statistic"])
            assert texts[-1] == ts.p_value(record["pvalue"])
        assert [h.split("（n = ")[-1].split(" (n = ")[-1].rstrip("）)") for h in table.header[1:-3]] == \
            [str(g["n"]) for g in records[0]["groups"]]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_significant_differences_are_worded_with_their_statistic_and_direction(demo, contexts, instrument, lang):
    ctx = contexts[lang]
    texts = {q["table"]: q["text"] for q in ctx.values["differences"]["questions"]}
    significant = [r for r in demo["group_differences"] if r["test"] and r["pvalue"] < 0.05]
    assert significant, "the demo has significant group differences"
    for r in significant:
        text = texts[f"[[table:differences_{r['question']}]]"]
        assert f" = {ts.num(r['statistic'], 2)}, {ts.p_text(r['pvalue'])}" in text
        assert STATISTIC[r["test"]] in text
        name = instrument.construct(r["construct"]).name.get(lang)
        assert name in text


def test_the_two_group_sentence_names_the_higher_group(demo, instrument):
    """"不同性别的顾客在品牌形象上存在显著差异（t = …, p = …），女高于男" — built on a significant gender difference."""
    results = copy.deepcopy(demo)
    record = next(r for r in results["group_differences"] if r["question"] == "gender" and r["construct"] == "BI")
    record.update(test="welch_t", statistic=-2.5, df1=480.3, pvalue=0.0128)
    record["groups"][0]["mean"], record["groups"][1]["mean"] = 3.61, 3.84
    zh = build_context(results, instrument, "zh").values["differences"]["questions"][0]["text"]
    assert "不同性别的顾客在品牌形象上存在显著差异（t = −2.50, p = .013），女高于男" in zh
    en = build_context(results, instrument, "en").values["differences"]["questions"][0]["text"]
    assert "customers of different gender differ significantly in Brand image (t = −2.50, p = .013), “Female” higher than “Male”" in en


def test_untested_comparisons_and_small_groups_are_stated(demo, instrument):
    results = copy.deepcopy(demo)
    record = next(r for r in results["group_differences"] if r["question"] == "age" and r["construct"] == "PQ")
    excluded = record["groups"].pop()
    record.update(test=None, statistic=None, df1=None, df2=None, pvalue=None, note="no_variance", posthoc=[],
                  excluded_groups=[excluded])
    ctx = build_context(results, instrument, "zh")
    table = ctx.tables["differences_age"]
    assert [c.text for c in table.rows[0][-3:]] == ["得分无变异", ts.DASH, ts.DASH]
    assert any(f"“50岁以上”（n = {excluded['n']}）人数少于 10，未纳入检验" in n for n in table.notes)
    text = next(q["text"] for q in ctx.values["differences"]["questions"] if q["table"] == "[[table:differences_age]]")
    assert "产品质量未能检验" in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_moderation_tables_equal_results_json(demo, contexts, lang):
    ctx = contexts[lang]
    rows = ctx.tables["moderation"].rows
    slope_rows = iter(ctx.tables["simple_slopes"].rows)
    for m, row in zip(demo["moderation"], rows, strict=True):
        texts = [c.text for c in row]
        assert texts[1:4] == [str(m["n"]), ts.bounded(m["r2"]), ts.bounded(m["delta_r2"])]
        assert texts[4] == f"F({m['delta_df1']}, {m['delta_df2']}) = {ts.num(m['delta_f'], 2)}"
        assert texts[5] == ts.p_value(m["delta_pvalue"])
        i = m["interaction"]
        assert texts[6:] == ([ts.num(i["b"], 3), ts.num(i["se"], 3), ts.num(i["t"], 2), ts.p_value(i["pvalue"]),
                              ts.ci(i["ci_lower"], i["ci_upper"], 3, False)] if i else [ts.DASH] * 5)
        for slope in m["simple_slopes"]:
            cells = [c.text for c in next(slope_rows)]
            assert cells[2:] == [ts.num(slope["slope"], 3), ts.num(slope["se"], 3), ts.num(slope["t"], 2),
                                 ts.p_value(slope["pvalue"])]
        text = ctx.values["moderation"]["text"]
        assert f"ΔR² = {ts.bounded(m['delta_r2'])}, {texts[4]}, {ts.p_text(m['delta_pvalue'])}" in text
    assert len(ctx.figures) and all(ctx.figures[f"simple_slopes_{k + 1}"].data["lines"]
                                    for k in range(len(demo["moderation"])))


def test_johnson_neyman_region_is_worded(demo, instrument):
    results = copy.deepcopy(demo)
    construct_moderator = next(m for m in results["moderation"] if m["m_type"] == "construct")
    construct_moderator["johnson_neyman"] = {"bounds": [2.4, 9.0], "inside_significant": True, "observed": [1.0, 5.0]}
    name = instrument.construct(construct_moderator["m"]).name
    zh = build_context(results, instrument, "zh").values["moderation"]["text"]
    assert (f"在{name.get('zh')}的观测范围（1.00–5.00）内，当{name.get('zh')}介于2.40与5.00之间时，"
            "顾客满意度对顾客忠诚度的影响显著") in zh
    en = build_context(results, instrument, "en").values["moderation"]["text"]
    assert f"significant where {name.get('en')} lies between 2.40 and 5.00" in en


def test_sections_follow_the_thesis_order_and_have_sheets(demo_run):
    report = (demo_run.out / "report.md").read_text(encoding="utf-8")
    headings = [line.lstrip("# ") for line in report.splitlines() if line.startswith("#")]
    order = ["3.8.3 中介效应检验", "3.8.4 调节效应检验", "3.9 差异分析", "3.10 电商企业客户忠诚度存在的问题"]
    positions = [headings.index(h) for h in order]
    assert positions == sorted(positions)
    assert "不同学历的顾客在" in report
    workbook = load_workbook(demo_run.out / "tables.xlsx", read_only=True)
    captions = [row[1] for row in workbook.worksheets[0].iter_rows(min_row=3, values_only=True)]
    assert {"调节效应检验（层次回归）", "简单斜率分析", "不同性别的顾客在各构念上的差异"} <= set(captions)


def test_nonparametric_tests_are_named(demo, instrument):
    results = copy.deepcopy(demo)
    for r in results["group_differences"]:
        if r["question"] == "education" and r["construct"] == "BI":
            r.update(test="kruskal", statistic=9.87, df1=3, df2=None, pvalue=0.0197, posthoc=[])
        elif r["test"] in ("anova", "welch_anova"):
            r.update(test="kruskal", df2=None, posthoc=[])
        elif r["test"]:
            r.update(test="mann_whitney", df1=None)
    sections = build_context(results, instrument, "zh")
    assert sections.values["differences"]["intro"].startswith("以 Mann–Whitney U 检验（两组）或 Kruskal–Wallis H 检验")
    assert sections.tables["differences_education"].rows[3][-3].text == "Kruskal–Wallis H"
    text = next(q["text"] for q in sections.values["differences"]["questions"]
                if q["table"] == "[[table:differences_education]]")
    assert "不同学历的顾客在品牌形象上存在显著差异（H(3) = 9.87, p = .020）；" in text


def test_the_table_note_names_the_centre_of_levenes_test(demo, instrument):
    """`--levene-center median`: the note under each group-differences table says Brown–Forsythe."""
    def notes(results, lang):
        return build_context(results, instrument, lang).tables["differences_education"].notes[0]

    assert "均值中心化" in notes(demo, "zh") and "(mean-centred)" in notes(demo, "en")
    median = copy.deepcopy(demo)
    for r in median["group_differences"]:
        if r["levene"]:
            r["levene"]["center"] = "median"
    assert "中位数中心化，即 Brown–Forsythe 检验" in notes(median, "zh")
    assert "(median-centred, Brown–Forsythe)" in notes(median, "en")
