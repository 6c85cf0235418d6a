"""reports.context.invariance: section 3.5.4 words the invariance verdicts and the path-equality tests of
results.json ``invariance`` in both languages (a run without ``--groups`` has no such section: the golden
outputs of benchmarks/golden_outputs.py stay byte-identical)."""
import pytest

from reports.context import build_context


def step(model, holds, chisq, df, delta=None, freed=()):
    return {"model": model, "chisq": chisq, "df": df, "pvalue": 0.01, "cfi": 0.95, "tli": 0.94, "rmsea": 0.05,
            "srmr": 0.04, "delta_chisq": delta, "delta_df": 6 if delta else 0, "delta_pvalue": 0.2 if delta else None,
            "delta_cfi": -0.02 if delta else None, "delta_rmsea": 0.004 if delta else None, "holds": holds,
            "converged": True, "freed": [{"lhs": x, "op": "~1", "rhs": "", "score_chisq": 19.2, "score_pvalue": 1e-5}
                                         for x in freed]}


INVARIANCE = {
    "group": "platform", "min_group_n": 100,
    "groups": [{"code": 1, "label": "淘宝/天猫", "n": 205}, {"code": 2, "label": "京东", "n": 111}],
    "left_out": [{"code": 5, "label": "其他", "n": 25}],
    "steps": [step("configural", True, 690.2, 556), step("metric", True, 715.6, 575, 25.4),
              step("scalar", False, 764.1, 594, 48.5), step("strict", True, 781.5, 620, 17.4)],
    "partial": [step("scalar", False, 744.6, 593, 29.0, ["PQ2"]),
                step("scalar", True, 729.4, 592, 13.8, ["PQ2", "LY3"])],
    "paths": [{"lhs": "CS", "rhs": "PR", "delta_chisq": 4.12, "delta_df": 1, "delta_pvalue": 0.042, "differs": True,
               "per_group": [{"group": "淘宝/天猫", "est": -0.044, "se": 0.07, "pvalue": 0.5, "std_all": -0.048},
                             {"group": "京东", "est": 0.216, "se": 0.09, "pvalue": 0.02, "std_all": 0.243}]},
              {"lhs": "LY", "rhs": "CS", "delta_chisq": 0.5, "delta_df": 1, "delta_pvalue": 0.48, "differs": False,
               "per_group": [{"group": "淘宝/天猫", "est": 0.427, "se": 0.1, "pvalue": 1e-4, "std_all": 0.387},
                             {"group": "京东", "est": 0.295, "se": 0.12, "pvalue": 0.01, "std_all": 0.301}]}],
    "paths_model": "metric", "warnings": []}


@pytest.mark.parametrize("lang, words", [
    ("en", ["scalar invariance does not hold", "with PQ2 ~1, LY3 ~1 free, partial scalar invariance holds",
            "Perceived price → Customer satisfaction differs significantly", "fewer than 100"]),
    ("zh", ["强不变性（截距相等）不成立", "释放 PQ2 ~1、LY3 ~1 后，部分强不变性（截距相等）成立",
            "价格感知 → 顾客满意度在各组之间存在显著差异", "少于100"])])
def test_the_section_words_the_verdicts_of_analysis(instrument, results_builder, lang, words):
    context = build_context({**results_builder(instrument), "invariance": INVARIANCE}, instrument, lang)
    text = " ".join(context.values["invariance"][k] for k in ("groups", "steps", "partial", "paths"))
    for w in words:
        assert w in text
    steps = context.tables["invariance"]
    assert len(steps.rows) == 6 and steps.rows[2][-1].text == ("does not hold" if lang == "en" else "不成立")
    assert steps.rows[5][0].text.endswith(("(PQ2 ~1, LY3 ~1 free)", "（释放 PQ2 ~1、LY3 ~1）"))
    paths = context.tables["path_equality"]
    assert len(paths.header) == 8 and [r[-1].text for r in paths.rows] == (
        ["differs", "equal"] if lang == "en" else ["存在差异", "无差异"])
    assert paths.rows[0][4].text == ".243*"



@pytest.mark.parametrize("lang, plain, scaled", [("en", "(Δχ² test).", "Satorra–Bentler scaled difference"),
                                                 ("zh", "（Δχ² 检验）。", "Satorra–Bentler 校正的 Δχ² 差异检验")])
def test_the_note_names_the_scaled_difference_test_when_analysis_used_it(instrument, results_builder, lang, plain,
                                                                          scaled):
    def note(invariance):
        context = build_context({**results_builder(instrument), "invariance": invariance}, instrument, lang)
        return " ".join(context.tables["invariance"].notes)

    assert plain in note(INVARIANCE) and scaled not in note(INVARIANCE)
    assert scaled in note({**INVARIANCE, "delta_method": "satorra.bentler.2001"})
