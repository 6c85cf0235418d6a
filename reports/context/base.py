"""What every section of the report context shares: the typed view of the results, the sentences of the
language, the label switch and the table/figure registration.

A section builder (one mixin per part of the report, see the sibling modules) reads the results through
``self.view`` (:func:`analysis.results_view.results_view`, built once), words them with ``self.say`` (the
macros of ``templates/<lang>/phrases.j2``), writes the strings into ``self.v`` and registers its tables and
figures with :meth:`BuilderBase.add_table` / :meth:`BuilderBase.add_figure`. Findings that later sections reuse
(failed checks, indicator values, strategy sections, conclusions) are returned by the builder that makes them
and passed on by ``reports.context._Builder.build``; ``self.t(key)`` is a short label (caption, header, cell)
from the ``labels`` of ``phrases.j2``.
"""
from __future__ import annotations

from analysis.results_view import results_view
from questionnaire.instrument import Instrument
from reports import typeset as ts
from reports.context.phrases import Phrases
from reports.figures import FigureSpec
from reports.tables import Cell, TableSet, make_table, missing_table

# What the analysis' diagnostic codes mean, for the diagnostics table (zh, en); unknown codes print as they are.
DIAGNOSTIC_NAMES = {
    "chisq_small_expected": ("卡方检验的期望频数过小", "small expected counts in a χ² test"),
    "chisq_degenerate": ("卡方检验无法进行", "χ² test not possible"),
    "n_factors_disagree": ("因子数判断准则不一致", "factor-retention rules disagree"),
    "n_factors_capped": ("因子数被截断", "number of factors capped"),
    "heywood_case": ("Heywood 个案（负方差）", "Heywood case (negative variance)"),
    "std_loading_above_one": ("标准化载荷大于 1", "standardized loading above 1"),
    "negative_loading": ("负载荷", "negative loading"),
    "not_converged": ("模型未收敛", "model did not converge"),
    "one_factor_not_converged": ("单因子模型未收敛", "one-factor model did not converge"),
    "efa_not_converged": ("因子分析未收敛", "EFA did not converge"),
    "rotation_not_converged": ("因子旋转未收敛", "rotation did not converge"),
    "sample_cov_not_pd": ("样本协方差矩阵非正定", "sample covariance not positive definite"),
    "latent_cov_not_pd": ("潜变量协方差矩阵非正定", "latent covariance not positive definite"),
    "latent_cor_near_one": ("潜变量相关接近 1", "latent correlation near 1"),
    "information_singular": ("信息矩阵奇异，标准误不可靠", "singular information matrix"),
    "robust_unavailable": ("稳健标准误无法计算", "robust standard errors not available"),
    "singular_correlation": ("相关矩阵奇异", "singular correlation matrix"),
    "collinear_items": ("题项共线", "collinear items"),
    "bootstrap_failed": ("部分 Bootstrap 样本未收敛", "failed bootstrap samples"),
    "bootstrap_inadmissible": ("部分 Bootstrap 解不可接受", "inadmissible bootstrap solutions"),
    "low_kmo": ("KMO 偏低", "low KMO"),
    "small_sample": ("样本量偏小", "small sample"),
    "listwise_deletion": ("按列表删除缺失值", "listwise deletion"),
    "mardia_listwise": ("Mardia 检验按列表删除", "Mardia test on complete cases"),
    "mardia_singular": ("Mardia 检验无法计算", "Mardia test not possible"),
    "common_method_bias": ("共同方法偏差", "common-method bias"),
    "constant_item": ("题项无变异", "constant item"),
    "duplicate_item": ("题项重复", "duplicate item"),
    "two_item_construct": ("构念只有两个题项", "two-item construct"),
    "reliability_undefined": ("信度无法计算", "reliability undefined"),
    "htmt_negative_correlation": ("HTMT 中出现负相关", "negative correlation in HTMT"),
    "membership_no_none": ("会员题没有“未开通”选项", "membership question has no 'none' option"),
    "instrument_incomplete": ("问卷文件中有题项缺少措辞", "items without wording in the instrument"),
    "indicator_no_data": ("指标没有数据", "indicator has no data"),
    "baseline_indicator_missing": ("上一期缺少该指标", "indicator missing in one wave"),
    "baseline_construct_unmatched": ("两期构念不匹配", "construct not in both waves"),
    "baseline_instrument_mismatch": ("两期问卷不一致", "different instruments in the two waves"),
    "baseline_scale_mismatch": ("两期量表不一致", "different scales in the two waves"),
    "baseline_degenerate": ("对比检验无法进行", "comparison not possible"),
    "baseline_no_constructs": ("两期没有共同构念", "no construct in both waves"),
    "bootstrap_too_few": ("Bootstrap 次数过少，改用 Sobel 区间", "too few bootstrap resamples: Sobel intervals"),
    "bootstrap_skipped": ("未进行 Bootstrap（模型未收敛）", "bootstrap skipped (model did not converge)"),
    "constant_item_left_out": ("无变异题项未纳入 CFA/SEM", "item without variance left out of CFA/SEM"),
    "desc_constant_item": ("题项无变异", "item without variance"),
    "desc_no_data": ("题项无有效作答", "item without answers"),
    "desc_off_scale": ("作答超出量表范围", "answers outside the scale"),
    "desc_single_item_construct": ("单题项构念", "single-item construct"),
    "item_analysis_no_data": ("项目分析无完整作答", "item analysis without complete answers"),
    "item_analysis_small_groups": ("项目分析高低分组人数不足", "item analysis: extreme groups too small"),
    "item_analysis_constant_item": ("项目分析中题项无变异", "item analysis: item without variance"),
    "correlation_constant_score": ("构念得分无变异，相关无定义", "construct score without variance: no correlation"),
    "regression_undefined": ("回归模型无法估计", "regression not possible"),
    "regression_collinear": ("回归自变量完全共线", "perfectly collinear regression terms"),
    "regression_high_vif": ("回归中存在多重共线性（VIF 偏高）", "multicollinearity in a regression (high VIF)"),
    "efa_undefined": ("无法进行探索性因子分析", "EFA not possible"),
    "factorability_undefined": ("无法计算 KMO/Bartlett", "KMO/Bartlett not possible"),
    "harman_undefined": ("无法进行 Harman 检验", "Harman's test not possible"),
    "htmt_single_item": ("单题项构念的 HTMT 无定义", "HTMT undefined for a single-item construct"),
    "htmt_undefined_correlation": ("HTMT 中相关系数无定义", "undefined correlation in HTMT"),
    "listwise_loss": ("成列删除损失较多样本", "listwise deletion loses many respondents"),
    "validity_single_item": ("单题项构念的 CR/AVE 无定义", "CR/AVE undefined for a single-item construct"),
    "group_fewer_than_two_groups": ("差异分析不足两组，未检验", "group differences: fewer than two groups, not tested"),
    "group_no_variance": ("差异分析中构念得分无变异，未检验", "group differences: construct score without variance, not tested"),
    "moderation_no_variance": ("调节效应模型中的变量无变异", "moderation: a variable without variance"),
    "moderation_too_few_respondents": ("调节效应模型的样本过少", "moderation: too few respondents"),
    "moderation_fewer_than_two_levels": ("调节变量不足两个类别", "moderation: fewer than two moderator levels"),
    "validity_loading_ge_1": ("标准化载荷不小于 1，CR/AVE 不可解释", "standardized loading ≥ 1: CR/AVE not interpretable"),
    "invariance_group_left_out": ("样本量不足的群组未纳入多群组分析", "group too small for the multi-group analysis"),
    "multigroup_not_converged": ("多群组模型未收敛", "multi-group model did not converge"),
    "multigroup_information_singular": ("多群组模型信息矩阵奇异", "singular information matrix of a multi-group model"),
    "bootstrap_listwise": ("FIML 下 Bootstrap 仍按列表删除", "bootstrap on complete respondents under FIML"),
    "em_not_converged": ("饱和模型的 EM 估计未收敛", "EM estimate of the saturated model did not converge"),
    "scaled_difference_undefined": ("校正卡方差异检验无法计算", "scaled χ² difference test undefined"),
}


def _number(x):
    """``x`` as a float when it is a number or a numeric string ("1.0"), else None."""
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def plain(x) -> str:
    """Respondent-supplied text on one line, with the template markers ``[[...]]`` defused."""
    if x is None:
        return ""
    return " ".join(str(x).split()).replace("[[", "[\u200b[").replace("]]", "]\u200b]")


class BuilderBase:
    """What the section builders share (the view, the language, the registered tables and figures) and the
    helpers they use to name and register."""

    def __init__(self, results: dict, instrument: Instrument, lang: str, phrases: Phrases):
        self.inst = instrument
        self.lang = lang
        self.t = phrases.label
        self.say = phrases
        self.view = results_view(results, tuple(c.id for c in instrument.constructs))
        self.tables = TableSet()
        self.figures: dict[str, FigureSpec] = {}
        self.v: dict = {"lang": lang}
    # ------------------------------------------------------------------ helpers
    def missing_reason(self, key: str) -> str:
        return self.say("missing_reason", key=key)

    def name(self, cid: str) -> str:
        if cid is None:
            return ts.DASH
        try:
            return self.inst.construct(cid).name.get(self.lang)
        except StopIteration:
            return str(cid)

    def name_id(self, cid: str) -> str:
        return f"{self.name(cid)}（{cid}）" if self.lang == "zh" else f"{self.name(cid)} ({cid})"

    def add_table(self, key: str, caption: str, header: list[str], rows: list[list[Cell]],
                  notes: list[str] | None = None, missing: str | None = None) -> str:
        if missing is not None or not rows:
            reason = missing or self.say("no_rows")
            return self.tables.add(missing_table(key, caption, ts.not_computed(reason, self.lang)))
        return self.tables.add(make_table(key, caption, header, rows, notes))

    def add_figure(self, key: str, kind: str, caption: str, data: dict | None, missing: str | None = None) -> str:
        if missing is not None or data is None:
            reason = missing or self.say("nothing_to_draw")
            self.figures[key] = FigureSpec(key, kind, caption, {}, ts.not_computed(reason, self.lang))
        else:
            self.figures[key] = FigureSpec(key, kind, caption, data)
        return f"[[figure:{key}]]"

    def ref(self, key: str) -> str:
        return f"[[ref:{key}]]"

    @property
    def constructs(self) -> list[str]:
        return [c.id for c in self.inst.constructs]

    @property
    def outcome(self) -> str | None:
        return self.inst.outcome_construct

    def question_label(self, question_id: str, code) -> str:
        q = next((q for q in self.inst.questions if q.id == question_id), None)
        if q is None:
            return str(code)
        option = next((o for o in q.options if str(o.code) == str(code) or
                       (ts.is_number(_number(code)) and o.code == _number(code))), None)
        return option.label.get(self.lang) if option else str(code)
