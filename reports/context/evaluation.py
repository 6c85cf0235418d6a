"""Chapter 6: the loyalty indicator system with this wave's values, and the before/after comparison with a
previous wave (``results.baseline``).
"""
from __future__ import annotations

from reports import typeset as ts
from reports.context.base import BuilderBase, _get, plain
from reports.tables import cell, text_cell


class EvaluationSections(BuilderBase):
    """Chapter 6 sections."""

    # ------------------------------------------------------------------ chapter 6: indicator system
    def indicator_system(self, indicator_values: dict[str, str]) -> None:
        t = self.t
        perf = {p.construct: p.performance for p in self.view.ipma.priorities} if self.view.ipma else {}
        mediator = next((reg.lhs for reg in self.inst.structural if reg.lhs != self.outcome), None)
        rows = []

        def rescaled(cid):
            if cid in perf:
                return perf[cid]
            m = self.construct_means().get(cid) if cid else None
            scale = self.inst.construct(cid).scale if cid in self.constructs else self.inst.scale
            return 100 * (m - scale.min) / (scale.max - scale.min) if ts.is_number(m) else None

        sat, loy = rescaled(mediator), rescaled(self.outcome)
        spec = [
            (t("重复购买率", "Repeat-purchase rate"), t("近6个月在该平台下单2次及以上的顾客比例", "share of customers with 2+ orders in 6 months"),
             t("下单 ≥ 2 次的人数 ÷ 回答人数 × 100%", "customers with ≥ 2 orders ÷ respondents × 100%"),
             indicator_values.get("repeat_purchase"), None),
            ("NPS", t("顾客推荐意愿的净值", "net willingness to recommend"),
             t("推荐者（9–10分）比例 − 贬损者（0–6分）比例", "% promoters (9–10) − % detractors (0–6)"),
             indicator_values.get("nps"), None),
            (t("付费会员比例", "Paid-membership share"), t("开通付费会员的顾客比例", "share of customers with a paid membership"),
             t("付费会员人数 ÷ 回答人数 × 100%", "members ÷ respondents × 100%"), indicator_values.get("paid_membership"), None),
            (t("顾客满意度指数", "Satisfaction index"), t("满意度构念均值换算为百分制", "satisfaction mean on a 0–100 scale"),
             t("(均值 − 量表最小值) ÷ (最大值 − 最小值) × 100", "(mean − scale min) ÷ (max − min) × 100"), None, sat),
            (t("忠诚度指数", "Loyalty index"), t("忠诚度构念均值换算为百分制", "loyalty mean on a 0–100 scale"),
             t("(均值 − 量表最小值) ÷ (最大值 − 最小值) × 100", "(mean − scale min) ÷ (max − min) × 100"), None, loy),
            (t("顾客保留率", "Retention rate"), t("上一期顾客在本期仍然购买的比例", "share of last wave's customers still buying"),
             t("本期仍购买的老顾客数 ÷ 上期顾客数 × 100%", "returning customers ÷ last wave's customers × 100%"),
             None, None)]
        for name, definition, formula, text, raw in spec:
            value = text if text else (ts.num(raw, 1) if ts.is_number(raw) else
                                       t("需要上一期数据", "needs a previous wave") if name in ("顾客保留率", "Retention rate")
                                       else ts.DASH)
            rows.append([text_cell(name), text_cell(definition), text_cell(formula), cell(value, raw)])
        self.add_table("indicator_system", t("客户忠诚度评估指标体系", "Loyalty indicator system"),
                       [t("指标", "Indicator"), t("定义", "Definition"), t("计算方法", "Formula"), t("本期数值", "Current value")],
                       rows)
        evaluation = self.baseline()
        self.v["indicator_system"] = {"text": t(f"评估指标的定义、计算方法和本期数值见{self.ref('indicator_system')}。",
                                                f"Definitions, formulas and current values are in {self.ref('indicator_system')}."),
                                      "evaluation": evaluation}

    def baseline(self) -> str:
        """Chapter 6.2: the before/after tables from ``results.baseline`` (analysis.describe.waves.WaveComparison)."""
        t = self.t
        b = _get(self.r, "baseline")
        constructs = [c for c in (_get(b, "constructs") or []) if isinstance(c, dict)]
        rates = [r for r in (_get(b, "rates") or []) if isinstance(r, dict)]
        nps = _get(b, "nps") if isinstance(_get(b, "nps"), dict) else None
        level = _get(b, "level")
        ci_name = f"{ts.integer(100 * level) if ts.is_number(level) else 95}% CI"
        no_wave = t("没有上一期数据（--baseline）", "no previous wave (--baseline) was given")
        crow = []
        for c in constructs:
            crow.append([text_cell(self.name_id(c.get("construct"))),
                         cell(ts.num(c.get("mean_before")), c.get("mean_before")), cell(ts.num(c.get("mean_after")), c.get("mean_after")),
                         cell(ts.num(c.get("diff"), 3), c.get("diff")), text_cell(ts.ci(c.get("ci_lower"), c.get("ci_upper"), 3, False)),
                         text_cell(f"t({ts.num(c.get('df'), 1)}) = {ts.num(c.get('t'))}"), text_cell(ts.p_value(c.get("pvalue"))),
                         cell(ts.num(c.get("cohens_d")), c.get("cohens_d"))])
        self.add_table("baseline_constructs", t("策略实施前后构念均值比较", "Construct means before and after"),
                       [t("构念", "Construct"), t("上一期 M", "Before M"), t("本期 M", "After M"), t("差值", "Difference"),
                        ci_name, "Welch t", "p", "Cohen's d"], crow,
                       notes=[t("注：Welch t 检验（不假定方差相等）；Cohen's d 以合并标准差计算，|d| ≥ 0.2、0.5、0.8 分别为小、中、大效应（Cohen, 1988）。",
                                "Note. Welch's t test (unequal variances); Cohen's d uses the pooled SD; |d| ≥ 0.2, 0.5 and 0.8 "
                                "are small, medium and large effects (Cohen, 1988).")],
                       missing=None if crow else (no_wave if b is None else self.missing_reason("baseline.constructs")))
        names = {"repeat_purchase": t("重复购买率", "Repeat-purchase rate"), "paid_membership": t("付费会员比例", "Paid-membership share"),
                 "membership": t("付费会员比例", "Paid-membership share")}
        rrow = []
        for r in rates:
            rrow.append([text_cell(names.get(r.get("indicator"), plain(r.get("indicator")))),
                         cell(ts.share(r.get("before")), r.get("before")), cell(ts.share(r.get("after")), r.get("after")),
                         cell(ts.share(r.get("diff")), r.get("diff")), text_cell(ts.ci_percent(r.get("ci_lower"), r.get("ci_upper"))),
                         cell(ts.num(r.get("z")), r.get("z")), text_cell(ts.p_value(r.get("pvalue")))])
        if nps:
            rrow.append([text_cell("NPS"), cell(ts.num(nps.get("before"), 1), nps.get("before")),
                         cell(ts.num(nps.get("after"), 1), nps.get("after")), cell(ts.num(nps.get("diff"), 1), nps.get("diff")),
                         text_cell(ts.ci(nps.get("ci_lower"), nps.get("ci_upper"), 1, False)),
                         cell(ts.num(nps.get("z")), nps.get("z")), text_cell(ts.p_value(nps.get("pvalue")))])
        self.add_table("baseline_rates", t("策略实施前后忠诚度指标比较", "Loyalty indicators before and after"),
                       [t("指标", "Indicator"), t("上一期", "Before"), t("本期", "After"), t("变化", "Change"), ci_name, "z", "p"], rrow,
                       notes=[t("注：比例的变化为双样本比例 z 检验（百分点）；NPS 的变化为分值差，标准误由两期推荐者与贬损者比例的多项分布方差求得。",
                                "Note. Shares: two-proportion z tests (change in percentage points); NPS: difference of scores, "
                                "SE from the multinomial variance of promoters and detractors in each wave.")],
                       missing=None if rrow else (no_wave if b is None else self.missing_reason("baseline.rates")))
        self.v["baseline"] = False
        if b is None:
            return t("本期为首次测量，尚无上一期数据可供比较。策略实施后再次调查时，运行“loyalty run --baseline 上一期/results.json”，"
                     "即可得到实施前后各项指标的对比与显著性检验（构念均值的 Welch t 检验与 Cohen's d、比例的双样本检验、NPS 变化的置信区间）。",
                     "This is the first wave, so there is nothing to compare with yet. After the strategies are in place, survey again "
                     "and run \"loyalty run --baseline PREVIOUS/results.json\" to get the before/after comparison with tests "
                     "(Welch t and Cohen's d on construct means, two-proportion tests on rates, a CI of the NPS change).")
        self.v["baseline"] = True
        prev = _get(b, "previous") or {}
        parts = [t(f"以上一期调查（{plain(prev.get('data_file')) or ts.DASH}，分析样本{ts.integer(prev.get('n_analyzed'))}份）为基线，"
                   f"本期与之对比的结果见{self.ref('baseline_constructs')}与{self.ref('baseline_rates')}。",
                   f"Against the previous wave ({plain(prev.get('data_file')) or ts.DASH}, n = {ts.integer(prev.get('n_analyzed'))}), "
                   f"the changes are in {self.ref('baseline_constructs')} and {self.ref('baseline_rates')}.")]
        sig = [c for c in constructs if ts.is_number(c.get("pvalue")) and c["pvalue"] < 0.05]
        if constructs:
            parts.append(t(("构念均值显著变化的有：" + "；".join(
                f"{self.name(c.get('construct'))}（{'上升' if (c.get('diff') or 0) > 0 else '下降'}{ts.num(abs(c.get('diff') or 0), 2)}，"
                f"{ts.p_text(c.get('pvalue'))}，d = {ts.num(c.get('cohens_d'))}）" for c in sig) + "。") if sig else
                "各构念均值的变化均不显著（p ≥ .05）。",
                ("Construct means that changed significantly: " + "; ".join(
                    f"{self.name(c.get('construct'))} ({'up' if (c.get('diff') or 0) > 0 else 'down'} {ts.num(abs(c.get('diff') or 0), 2)}, "
                    f"{ts.p_text(c.get('pvalue'))}, d = {ts.num(c.get('cohens_d'))})" for c in sig) + ".") if sig else
                "No construct mean changed significantly (p ≥ .05)."))
        if nps:
            moved = ts.is_number(nps.get("pvalue")) and nps["pvalue"] < 0.05
            parts.append(t(f"NPS 由{ts.num(nps.get('before'), 1)}变为{ts.num(nps.get('after'), 1)}（变化{ts.num(nps.get('diff'), 1)}，"
                           f"{ci_name} {ts.ci(nps.get('ci_lower'), nps.get('ci_upper'), 1, False)}），"
                           + ("变化显著。" if moved else "置信区间包含 0，变化不显著。"),
                           f"The NPS moved from {ts.num(nps.get('before'), 1)} to {ts.num(nps.get('after'), 1)} "
                           f"(change {ts.num(nps.get('diff'), 1)}, {ci_name} {ts.ci(nps.get('ci_lower'), nps.get('ci_upper'), 1, False)}); "
                           + ("the change is significant." if moved else "the interval includes 0, so the change is not significant.")))
        return "".join(parts) if self.lang == "zh" else " ".join(parts)
