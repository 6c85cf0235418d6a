"""The report context: every section survives a missing or malformed key and says why it is empty."""
import copy
import re

import pytest

from reports.context import build_context
from reports.document import Bullets, Heading, Paragraph, TableBlock
from reports.report import build_report_document

BAD = re.compile(r"\bnan\b|\bNone\b|\bNaN\b|\{\{|\{%|\[\[|built-in method|object at 0x")
OPTION_NONE = re.compile(r"(○ |\n|“)None(?=\n|　|$|”| \(n = )")   # the membership option labelled "None" in English


def _all_text(doc) -> str:
    parts = []
    for b in doc.blocks:
        if isinstance(b, (Heading, Paragraph)):
            parts.append(b.text)
        elif isinstance(b, Bullets):
            parts += list(b.items)
        elif isinstance(b, TableBlock):
            parts += [b.table.caption, *b.table.header, *b.table.notes] + [c.text for r in b.table.rows for c in r]
    return OPTION_NONE.sub("", "\n".join(parts))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_empty_results_dict_renders_with_reasons(instrument, lang):
    doc = build_report_document({}, instrument, lang)
    text = _all_text(doc)
    assert BAD.search(text) is None
    reason = "未计算" if lang == "zh" else "not computed"
    assert text.count(reason) >= 15


@pytest.mark.parametrize("key", ["meta", "exclusions", "reliability", "factorability", "efa", "common_method", "cfa",
                                 "validity", "sem", "ipma", "warnings", "descriptives", "indicators", "missing",
                                 "privacy", "normality", "text_answers"])
def test_each_section_may_be_missing(instrument, results, key):
    partial = copy.deepcopy(results)
    partial.pop(key, None)
    doc = build_report_document(partial, instrument, "zh")
    assert BAD.search(_all_text(doc)) is None


def test_malformed_values_do_not_raise(instrument, results):
    broken = copy.deepcopy(results)
    broken["sem"]["paths"][0] = {"lhs": "CS"}
    broken["sem"]["r2"] = None
    broken["reliability"]["PQ"] = 5
    broken["cfa"]["fit"] = {"cfi": None, "rmsea": float("nan")}
    broken["ipma"] = [{"construct": "XX", "importance": None}]
    broken["indicators"]["nps"] = "oops"
    broken["efa"]["loadings"] = {"PQ1": [0.5]}
    doc = build_report_document(broken, instrument, "en")
    assert BAD.search(_all_text(doc)) is None


@pytest.fixture(scope="module")
def synthetic(instrument, results_builder):
    """The built results (known weak drivers, a failed HTMT, a driver in the improve-first quadrant)."""
    return results_builder(instrument)


def test_strategies_follow_the_ipma_priorities(instrument, synthetic):
    ctx = build_context(synthetic, instrument, "zh")
    priorities = ctx.tables["ipma"].rows
    first = priorities[0][1].text
    assert priorities[0][4].text == "优先改进"
    # the first strategy section is the one that acts on the first-priority construct
    sections = ctx.values["strategies"]["sections"]
    assert first.split("（")[0] in sections[0]["text"]
    assert [s["heading"][:3] for s in sections] == ["4.2", "4.3", "4.4", "4.5"]
    plan = ctx.tables["plan"].rows
    assert plan[0][0].text.startswith("短期") and plan[0][1].text == first.split("（")[0] + "（1）"


def test_failed_checks_are_a_caveat_of_the_problems(instrument, synthetic):
    checks = build_context(synthetic, instrument, "en").values["problems"]["checks"]
    assert "HTMT of LY–CS is .870" in checks                              # a failed discriminant-validity check


def test_fit_verdicts_use_published_cutoffs(instrument, synthetic):
    bad = copy.deepcopy(synthetic)
    bad["sem"]["fit"]["rmsea"] = 0.095
    ctx = build_context(bad, instrument, "en")
    row = next(r for r in ctx.tables["fit"].rows if r[0].text == "RMSEA")
    assert [row[3].text, row[4].text, row[5].text] == ["good", ".095", "poor"]
    assert "SEM RMSEA = .095" in ctx.values["problems"]["checks"]


def test_fit_verdicts_of_the_pipeline_are_used_when_present(instrument, results):
    verdicts = {v["index"]: v for v in results["cfa"].get("fit_verdicts", [])}
    if not verdicts:
        pytest.skip("the results carry no fit_verdicts")
    ctx = build_context(results, instrument, "en")
    row = next(r for r in ctx.tables["fit"].rows if r[0].text == "CFI")
    assert row[1].text == "> .90 (good > .95)" and row[3].text == verdicts["cfi"]["verdict"]


@pytest.mark.parametrize("lang, word, sentence, problem", [
    ("en", "not interpretable", "The CFA model did not converge", "the CFA model did not converge"),
    ("zh", "不可解释", "CFA模型未收敛", "CFA 模型未收敛")])
def test_a_fit_that_did_not_converge_is_not_interpretable(instrument, results, lang, word, sentence, problem):
    """Issue 13, bug 5: no 'good' verdict and no 'every index is acceptable' for a fit that did not converge."""
    res = copy.deepcopy(results)
    res["cfa"]["converged"] = False
    res["cfa"]["fit_verdicts"] = [{**v, "verdict": "not_interpretable"} for v in res["cfa"]["fit_verdicts"]]
    ctx = build_context(res, instrument, lang)
    cfi = next(r for r in ctx.tables["fit"].rows if r[0].text == "CFI")
    assert cfi[3].text == word and cfi[5].text != word
    assert sentence in ctx.values["fit"]["verdict"]
    assert problem in ctx.values["problems"]["checks"]


@pytest.mark.parametrize("lang, word, sentence", [("en", "not interpretable", "lies outside 0–1"),
                                                   ("zh", "不可解释", "超出 0–1 范围")])
def test_an_r2_above_one_is_not_interpretable(instrument, results, lang, word, sentence):
    """Issue 13, bug 5: an R² above 1 (negative disturbance variance) is not printed as a number."""
    res = copy.deepcopy(results)
    construct = next(iter(res["sem"]["r2"]))
    res["sem"]["r2"][construct] = 1.07
    ctx = build_context(res, instrument, lang)
    cells = [c.text for row in ctx.tables["r2_f2"].rows for c in row]
    assert word in cells and "1.07" not in " ".join(cells)
    assert sentence in ctx.values["sem"]["r2"] and "1.07" not in ctx.values["sem"]["r2"]


@pytest.mark.parametrize("threshold", [{"op": ">", "acceptable": 0.9, "good": 0.95}, "> 0.9 (good > 0.95)"])
@pytest.mark.parametrize("lang, expected_cfi, expected_chisq_df",
                         [("en", "> .90 (good > .95)", "< 3 (good < 2)"), ("zh", "> .90（良好 > .95）", "< 3（良好 < 2）")])
def test_fit_thresholds_are_typeset_apa_in_both_forms(instrument, synthetic, threshold, lang, expected_cfi,
                                                      expected_chisq_df):
    chisq_df = {"op": "<", "acceptable": 3.0, "good": 2.0} if isinstance(threshold, dict) else "< 3 (good < 2)"
    res = copy.deepcopy(synthetic)
    for model in ("cfa", "sem"):
        res[model]["fit_verdicts"] = [{"index": "chisq_df", "value": 1.8, "threshold": chisq_df, "verdict": "good"},
                                      {"index": "cfi", "value": 0.962, "threshold": threshold, "verdict": "good"}]
    rows = {r[0].text: r for r in build_context(res, instrument, lang).tables["fit"].rows}
    assert rows["CFI"][1].text == expected_cfi
    assert rows["χ²/df"][1].text == expected_chisq_df


def test_missing_exclusion_count_reads_not_computed(instrument, results):
    broken = {**results, "meta": {**results["meta"], "n_excluded": None}}
    context = build_context(broken, instrument, "en")
    assert "sample sizes (meta) are missing" in str(context.values)


def test_every_warning_code_has_a_meaning_in_both_languages():
    """Each ``warn("code", ...)`` in analysis/ is explained in the report's diagnostics table."""
    import re
    from pathlib import Path

    from reports.context.base import DIAGNOSTIC_NAMES

    source = "\n".join(p.read_text(encoding="utf-8") for p in (Path(__file__).parents[2] / "analysis").rglob("*.py"))
    codes = set(re.findall(r'\bwarn\(\s*"([a-z0-9_]+)"', source))
    assert len(codes) > 40
    assert sorted(codes - set(DIAGNOSTIC_NAMES)) == []
    assert all(zh and en for zh, en in DIAGNOSTIC_NAMES.values())


def test_abstract_method_follows_the_instrument(instrument, results):
    """The method sentence names the instrument's own constructs; a measurement study gets no SEM claim."""
    import dataclasses

    sem_text = build_context(results, instrument, "en").values["abstract"]["method"]
    assert "Perceived price, Brand image and Shopping experience shape Customer loyalty through Customer satisfaction" in sem_text
    measurement_only = dataclasses.replace(instrument, structural=(), hypotheses=(), outcome=None)
    text = build_context({k: v for k, v in results.items() if k not in ("sem", "ipma")}, measurement_only,
                         "en").values["abstract"]["method"]
    assert "structural equation" not in text and "Customer satisfaction, Customer loyalty and Switching cost" in text


@pytest.mark.parametrize("lang, words", [
    ("zh", ("此外，本文把转换成本作为调节变量", "转换成本可能改变顾客满意度对顾客忠诚度影响的强弱", "但不进入结构方程模型")),
    ("en", ("In addition, Switching cost is studied as a moderator", "the effect of Customer satisfaction on Customer "
            "loyalty", "but not the structural equation model"))])
def test_chapter_2_introduces_the_moderator_construct_outside_the_drivers(instrument, results, lang, words):
    theory = build_context(results, instrument, lang).values["theory"]
    assert len(theory["drivers"]) == 5 and len(theory["moderators"]) == 1   # the question moderator is not one
    assert all(w in theory["moderators"][0] for w in words)
    assert "[[citet:jones2000,burnham2003]]" in theory["moderators"][0]


def test_negative_indirect_hypothesis_is_stated_as_lowering(instrument, results):
    import dataclasses

    from questionnaire.instrument import Hypothesis

    negative = dataclasses.replace(instrument, hypotheses=(Hypothesis("H9", ("PR", "CS", "LY"), "-"),))
    table = build_context(results, negative, "en").tables["hypotheses"]
    assert "Perceived price lowers Customer loyalty through Customer satisfaction" in str(table.rows)


@pytest.mark.parametrize("lang, words", [("en", ("Skipped by design", "2 question(s) were skipped by design")),
                                         ("zh", ("按设计跳过", "按设计跳过2个"))])
def test_missing_answers_by_kind_get_a_sentence_and_a_table(instrument, results, lang, words):
    with_kinds = copy.deepcopy(results)
    with_kinds["missing"].update(n_not_answered=3, n_skipped_by_design=2, n_declared_missing=1, items={
        "PQ1": {"n_missing": 3, "pct_missing": 0.6, "n_available": 497, "n_not_answered": 1,
                "n_skipped_by_design": 1, "n_declared_missing": 1},
        "LY2": {"n_missing": 3, "pct_missing": 0.6, "n_available": 497, "n_not_answered": 2,
                "n_skipped_by_design": 1, "n_declared_missing": 0}})
    context = build_context(with_kinds, instrument, lang)
    table = context.tables["missing_by_kind"]
    assert words[0] in table.header and [r[0].text for r in table.rows] == ["PQ1", "LY2"]
    assert [c.text for c in table.rows[1][1:4]] == ["2", "1", "0"]
    text = _all_text(build_report_document(with_kinds, instrument, lang))
    assert words[1] in text and BAD.search(text) is None
    assert "missing_by_kind" not in build_context(results, instrument, lang).tables   # only nonresponse: no table


@pytest.mark.parametrize("lang, words", [("en", "speeders) could not be applied"), ("zh", "“答题时间过短”剔除规则未能应用")])
def test_a_speeder_rule_that_could_not_be_applied_is_said(instrument, results, lang, words):
    without_times = copy.deepcopy(results)
    without_times["cleaning"]["not_applied"] = {"speeder": "the file has no completion times"}
    assert words in build_context(without_times, instrument, lang).values["sample"]["exclusions"]
    assert words not in build_context(results, instrument, lang).values["sample"]["exclusions"]


def test_other_fill_ins_are_shown_with_the_open_answers(instrument, results):
    with_other = copy.deepcopy(results)
    with_other["text_answers"]["platform_other"] = ["唯品会", "得物"]
    shown = {a["question"]: a["answers"] for a in build_context(with_other, instrument, "en").values["sample"]["open_answers"]}
    assert shown["The e-commerce platform you use most — Other"] == ["唯品会", "得物"]
