"""Chapter 3's item analysis, correlation and regression sections show the numbers of results.json: every
table cell carries the results.json value and prints it typeset, in zh and en; the sections stand in the
thesis order and each table has its sheet in tables.xlsx. Reads the session's demo run."""
import copy

import pytest
from openpyxl import load_workbook

from reports import typeset as ts
from reports.context import build_context


@pytest.fixture(scope="module")
def contexts(demo):
    """The report context of the demo run in each language, built once; the English one from results whose
    correlations carry √AVE (as ``loyalty run --sqrt-ave`` writes them)."""
    results, instrument, _ = demo
    with_sqrt_ave = copy.deepcopy(results)
    with_sqrt_ave["correlations"]["sqrt_ave"] = {c: v ** 0.5 for c, v in results["validity"]["ave"].items()}
    return {"zh": build_context(results, instrument, "zh"), "en": build_context(with_sqrt_ave, instrument, "en")}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_item_analysis_table_and_sentence(demo, contexts, lang):
    results, _, _ = demo
    ia = results["item_analysis"]
    ctx = contexts[lang]
    rows = ctx.tables["item_analysis"].rows
    assert [r[0].text for r in rows] == list(ia["items"])
    for row in rows:
        got = ia["items"][row[0].text]
        assert [c.value for c in row[1:5]] == [got[k] for k in ("mean_high", "mean_low", "cr_t", "cr_df")]
        assert row[3].text == ts.num(got["cr_t"], 3) and row[5].text == ts.p_value(got["cr_pvalue"])
        assert row[6].value == got["item_total_r"] and row[6].text == ts.bounded(got["item_total_r"])
    text = ctx.values["item_analysis"]["text"]
    crs = [r["cr_t"] for r in ia["items"].values()]
    for shown in (ts.num(ia["cut_low"]), ts.num(ia["cut_high"]), ts.integer(ia["n_low"]), ts.integer(ia["n_high"]),
                  ts.num(min(crs), 3), ts.num(max(crs), 3)):
        assert shown in text
    assert all(item in text for item, r in ia["items"].items() if r["flags"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_correlation_table_is_the_lower_triangle_with_stars(demo, contexts, lang):
    results, _, _ = demo
    co = results["correlations"]
    ctx = contexts[lang]
    table = ctx.tables["correlations"]
    assert list(table.header[3:]) == co["constructs"]
    for i, (row, a) in enumerate(zip(table.rows, co["constructs"])):
        assert (row[1].value, row[2].value) == (co["mean"][a], co["sd"][a])
        for j, b in enumerate(co["constructs"]):
            shown = row[3 + j]
            if j < i:
                assert shown.value == co["r"][a][b] and shown.text == ts.coef(co["r"][a][b], co["pvalue"][a][b])
            elif j > i:
                assert shown.text == ""
    diagonal = [row[3 + i] for i, row in enumerate(table.rows)]
    if lang == "en":
        ave = results["validity"]["ave"]
        assert [c.text for c in diagonal] == [ts.bounded(ave[a] ** 0.5) for a in co["constructs"]]
        assert "Diagonal: square root of AVE" in " ".join(table.notes)
    else:
        assert {c.text for c in diagonal} == {"1"}
    assert ts.integer(co["n"]) in " ".join(table.notes)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_regression_tables_show_every_coefficient_and_the_steps(demo, contexts, lang):
    results, _, _ = demo
    ctx = contexts[lang]
    keys = ("b", "se", "beta", "t")
    for k, reg in enumerate(results["regression"]):
        table = ctx.tables[f"regression_{reg['outcome']}"]
        for row, c in zip(table.rows, reg["coefficients"], strict=True):
            assert [cell.value for cell in row[1:5]] == [c[key] for key in keys]
            assert row[5].text == ts.p_value(c["pvalue"])
            assert row[6].text == ts.ci(c["ci_lower"], c["ci_upper"], 3, False)
            assert (row[7].value, row[8].value) == (c["vif"], c["tolerance"])
        text = ctx.values["regression"]["texts"][k]
        for shown in (ts.bounded(reg["r2"]), ts.bounded(reg["adj_r2"]), ts.num(reg["f"]),
                      ts.num(reg["durbin_watson"], 3), f"F({reg['df1']}, {reg['df2']})"):
            assert shown in text and shown in " ".join(table.notes)
        assert ts.bounded(reg["steps"][-1]["delta_r2"]) in text
    steps = [s for reg in results["regression"] for s in reg["steps"]]
    rows = ctx.tables["regression_steps"].rows
    assert [(r[2].value, r[3].value, r[4].value) for r in rows] == [(s["r2"], s["delta_r2"], s["delta_f"])
                                                                    for s in steps]
    assert [r[6].text for r in rows] == [ts.p_value(s["delta_pvalue"]) for s in steps]


def test_sections_follow_the_thesis_order_and_have_their_sheets(demo_run):
    report = (demo_run.out / "report.md").read_text(encoding="utf-8")
    headings = ["3.1 问卷设计与样本", "3.3 项目分析", "3.4 信度与效度检验", "3.5 描述性统计", "3.6 相关分析", "3.7 回归分析",
                "3.8 结构方程模型与假设检验"]
    positions = [report.index(h) for h in headings]
    assert positions == sorted(positions)
    contents = load_workbook(demo_run.out / "tables.xlsx")["目录"]
    captions = [row[1] for row in contents.iter_rows(min_row=3, values_only=True)]
    assert {"项目分析（临界比值法）", "各构念的均值、标准差与相关系数", "回归分析结果（顾客满意度）", "分层回归模型汇总"} <= set(captions)


def test_a_run_without_these_sections_says_not_computed(demo, results_builder):
    _, instrument, _ = demo
    ctx = build_context(results_builder(instrument), instrument, "en")
    for key in ("item_analysis", "correlations", "regression"):
        assert ctx.tables[key].is_missing
    assert ctx.values["item_analysis"]["text"].startswith("(not computed")
