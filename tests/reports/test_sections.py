"""Sections built from the newer results keys: baseline (two real waves), privacy, warnings, free text;
and the column widths of Word tables."""
import copy
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.results import to_plain
from analysis.sem.fit_indices import fit_verdicts
from analysis.sem.models import estimate_with
from analysis.sem.specification import specify_model
from reports import typeset as ts
from reports.context import OPEN_ANSWERS_SHOWN, build_context
from reports.context.phrases import Phrases, bundled_environment
from reports.context.sample import SampleSections
from reports.document import Bullets, TableBlock
from reports.render_docx import column_widths
from reports.report import build_report_document, render_report


def _texts(doc) -> str:
    parts = []
    for b in doc.blocks:
        if isinstance(b, Bullets):
            parts += list(b.items)
        elif isinstance(b, TableBlock):
            parts += [c.text for r in b.table.rows for c in r]
        elif hasattr(b, "text"):
            parts.append(b.text)
    return "\n".join(parts)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_second_wave_gets_the_before_after_tables(instrument, two_waves, lang):
    base = two_waves["baseline"]
    ctx = build_context(two_waves, instrument, lang)
    constructs = ctx.tables["baseline_constructs"]
    assert not constructs.is_missing and len(constructs.rows) == len(base["constructs"])
    for row, c in zip(constructs.rows, base["constructs"]):
        assert row[0].text.endswith(("（" + c["construct"] + "）", "(" + c["construct"] + ")"))
        assert [row[1].value, row[2].value, row[3].value, row[7].value] == \
            [c["mean_before"], c["mean_after"], c["diff"], c["cohens_d"]]
        assert row[4].text == ts.ci(c["ci_lower"], c["ci_upper"], 3, False)
        assert row[5].text == f"t({ts.num(c['df'], 1)}) = {ts.num(c['t'])}" and row[6].text == ts.p_value(c["pvalue"])
    rates = ctx.tables["baseline_rates"]
    assert len(rates.rows) == len(base["rates"]) + 1
    nps = rates.rows[-1]
    assert nps[0].text == "NPS" and nps[3].value == base["nps"]["diff"]
    assert nps[4].text == ts.ci(base["nps"]["ci_lower"], base["nps"]["ci_upper"], 1, False)
    assert rates.rows[0][1].value == base["rates"][0]["before"] and rates.rows[0][6].text == ts.p_value(base["rates"][0]["pvalue"])
    doc = build_report_document(two_waves, instrument, lang, chapter=6)
    labels = [b.label for b in doc.tables()]
    # the indicator system, the two before/after tables, then the targets of the next wave (cited by chapter 5)
    assert labels == (["表6-1", "表6-2", "表6-3", "表6-4"] if lang == "zh" else
                      ["Table 6-1", "Table 6-2", "Table 6-3", "Table 6-4"])
    assert doc.tables()[-1].table.caption == ctx.tables["indicator_targets"].caption
    text = _texts(doc)
    assert ts.ci(base["nps"]["ci_lower"], base["nps"]["ci_upper"], 1, False) in text


def test_without_a_previous_wave_chapter_6_says_how_to_get_one(instrument, results):
    doc = build_report_document(results, instrument, "zh", chapter=6)
    assert [b.table.key for b in doc.tables()] == ["indicator_system", "indicator_targets"]   # targets, no comparison
    text = _texts(doc)
    assert "首次测量" in text and "基线" in text
    assert "--baseline" not in text and "loyalty" not in text and "`" not in text   # no command line in the thesis


def test_dropped_personal_columns_are_stated_and_escaped(instrument, results_builder, tmp_path):
    res = results_builder(instrument)
    text = build_context(res, instrument, "zh").values["sample"]["privacy"]
    assert "2个含个人信息的列" in text and "“手机号”（手机号）" in text and "从未被复制到任何输出中" in text
    assert "3个单元格" in text
    en = build_context(res, instrument, "en").values["sample"]["privacy"]
    assert en.startswith("To protect respondents, 2 column(s) with personal data were removed") and "never copied" in en
    html = render_report(res, instrument, tmp_path, "zh", formats=("html",))["html"].read_text(encoding="utf-8")
    assert "&lt;b&gt;mail&lt;/b&gt;" in html and "<b>mail</b>" not in html


def test_every_warning_is_in_the_diagnostics_table_and_in_the_limitations(instrument, results_builder):
    res = results_builder(instrument)
    doc = build_report_document(res, instrument, "zh")
    table = next(b for b in doc.tables() if b.table.key == "diagnostics")
    assert table.label.startswith("表A-")   # the appendix
    cells = [c.text for r in table.table.rows for c in r]
    assert len(table.table.rows) == len(res["warnings"])
    for w in res["warnings"]:   # plain Chinese sentences: no code, no English message
        assert all(w["code"] not in c and w["message"] not in c for c in cells)
    limitations = [i for b in doc.blocks if isinstance(b, Bullets) for i in b.items if "诊断提示" in i]
    assert len(limitations) == 1 and table.label in limitations[0]


def test_no_warning_means_no_diagnostics_table(instrument, results_builder):
    res = results_builder(instrument)
    res["warnings"] = []
    doc = build_report_document(res, instrument, "en", chapter=3)
    assert all(b.table.key != "diagnostics" for b in doc.tables())
    assert "raised no diagnostic" in _texts(doc)


def test_open_answers_give_the_count_and_a_sample(instrument, results_builder):
    answers = [f"建议{k}" for k in range(20)] + ["建议1", "[[table:fit]] 注入"]
    res = results_builder(instrument, free_text=answers)
    (q,) = build_context(res, instrument, "zh").values["sample"]["open_answers"]
    assert "共收到22条回答（21条不重复）" in q["intro"]
    assert q["answers"] == [f"建议{k}" for k in range(OPEN_ANSWERS_SHOWN)]
    res = results_builder(instrument, free_text=["[[ref:fit]] x"])
    doc = build_report_document(res, instrument, "zh", chapter=3)
    assert "[\u200b[ref:fit]\u200b] x" in [i for b in doc.blocks if isinstance(b, Bullets) for i in b.items]


def test_column_widths_follow_the_text_and_fill_the_line():
    widths = column_widths(("题项", "内容", "M", "SD"), [["PQ1", "我在该平台购买的商品质量可靠，与描述一致", "3.67", "0.94"]])
    assert abs(sum(widths) - 16.0) < 1e-9
    assert widths[1] == max(widths) and widths[1] > 2.5 * widths[2]


@pytest.fixture(scope="module")
def robust_results(results):
    """The demo results as an ``--estimator auto`` run on non-normal data writes them: MLR chosen, the robust
    fit of the demo SEM (tests/fixtures/demo_items.csv) in ``cfa`` and ``sem``, a Bollen–Stine p."""
    fixtures = Path(__file__).parents[1] / "fixtures"
    spec = specify_model((fixtures / "demo_model.lav").read_text())
    _, indices = estimate_with(spec, pd.read_csv(fixtures / "demo_items.csv"), "MLR")
    robust = copy.deepcopy(results)
    robust["estimator"] = {"estimator": "MLR", "requested": "auto", "reason": "non_normal"}
    robust["normality"].update(p_skew=1e-9, p_kurt=1e-4)   # the non-normality that chose MLR
    for model in ("cfa", "sem"):
        robust[model].update(estimator="MLR", fit=to_plain(indices), fit_verdicts=to_plain(fit_verdicts(indices, True)))
    robust["sem"]["bollen_stine"] = {"B": 200, "succeeded": 200, "failed": 0, "chisq": 350.6, "pvalue": 0.02, "seed": 1}
    return robust


# lavaan's MLR fit of the demo SEM (tests/fixtures/lavaan_robust.R, case demo_mlr)
DEMO_MLR = next(c for c in json.loads((Path(__file__).parents[1] / "fixtures" / "lavaan_robust.json").read_text())["cases"]
                if c["name"] == "demo_mlr")["fit"]
SCALED = f"χ²({DEMO_MLR['df']:.0f}) = {ts.num(DEMO_MLR['chisq.scaled'], 2)}"
ROBUST_CFI = ts.bounded(DEMO_MLR["cfi.robust"])


@pytest.mark.parametrize("lang, said", [
    ("en", ["Mardia's test rejects multivariate normality (p < .05), so the CFA and SEM were estimated by robust "
            "maximum likelihood (MLR", f"Yuan–Bentler scaled {SCALED}", f"robust CFI = {ROBUST_CFI}",
            "Bollen–Stine bootstrap test of exact fit gives p = .020 (200 resamples)", "CFI (robust)",
            "χ²/df (scaled)", "robust standard errors and a scaled χ² (MLR) were used"]),
    ("zh", ["Mardia 检验拒绝多元正态假设（p < .05），因此验证性因子分析与结构方程模型采用稳健最大似然法（MLR",
            f"Yuan–Bentler 校正 {SCALED}", f"稳健 CFI = {ROBUST_CFI}", "Bollen–Stine 自助法精确拟合检验得 p = .020",
            "CFI（稳健）", "χ²/df（校正）", "校正 χ²(df)"]),
])
def test_a_robust_run_says_which_estimator_and_why_and_reports_robust_fit(instrument, robust_results, lang, said):
    doc = build_report_document(robust_results, instrument, lang)
    text = _texts(doc)
    for phrase in said:
        assert phrase in text, phrase
    assert any("SMC" in b.table.header for b in doc.blocks if isinstance(b, TableBlock))
    assert re.search(r"\bnan\b|\{\{|\[\[", text) is None


@pytest.mark.parametrize("lang, listwise, fiml", [
    ("en", "The answers show {p} missing-data pattern(s): listwise deletion keeps the {l} respondents who answered "
           "every item, full-information ML (FIML) would keep all {f} who answered any.",
     "The CFA and the SEM use all {f} respondents by full-information ML (FIML)"),
    ("zh", "作答共有{p}种缺失模式：按列表删除保留全部题项均作答的{l}名受访者，全信息最大似然法（FIML）则可保留至少作答一题的全部{f}名受访者。",
     "验证性因子分析与结构方程模型采用全信息最大似然法（FIML），利用已作答的全部信息，样本量为{f}；"),
])
def test_the_missing_data_sentence_gives_the_patterns_and_what_listwise_and_fiml_keep(instrument, results, lang,
                                                                                     listwise, fiml):
    m = results["missing"]
    assert m["method"] == "listwise" and m["n_dropped_listwise"] > 0
    numbers = {"p": ts.integer(m["n_patterns"]), "l": ts.integer(m["n_listwise"]), "f": ts.integer(m["n_fiml"])}
    phrases = Phrases(bundled_environment(lang))
    assert listwise.format(**numbers) in SampleSections(results, instrument, lang, phrases).missing_text()
    as_fiml = {**results, "missing": {**m, "method": "fiml"}}
    assert fiml.format(**numbers) in SampleSections(as_fiml, instrument, lang, phrases).missing_text()
