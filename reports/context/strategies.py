"""Chapters 3–5 from the model to action: the importance–performance map (IPMA) and its priorities, the problems
the results expose, the four strategy areas ordered by priority, and the phased implementation plan.
"""
from __future__ import annotations

from reports import typeset as ts
from reports.context.base import BuilderBase, _get
from reports.tables import cell, text_cell

# IPMA quadrants as the pipeline names them → our order (0 = improve first)
QUADRANTS = {"concentrate_here": 0, "improve_first": 0, "keep_up_the_good_work": 1, "low_priority": 2,
             "possible_overkill": 3}
# The four strategy headings of the outline (chapter 4) and the constructs each one acts on.
STRATEGY_AREAS = ("product_service", "programme", "brand", "personal")
AREA_OF_CONSTRUCT = {"PQ": "product_service", "SQ": "product_service", "PR": "programme", "CS": "programme",
                     "BI": "brand", "EX": "personal"}


class StrategySections(BuilderBase):
    """IPMA, problem, strategy and plan sections."""

    # ------------------------------------------------------------------ chapter 4: IPMA
    def ipma(self) -> None:
        t = self.t
        entries = [e for e in (_get(self.r, "ipma") or []) if isinstance(e, dict)
                   and ts.is_number(e.get("importance")) and ts.is_number(e.get("performance"))]
        self.priorities: list[dict] = []
        if not entries:
            reason = self.missing_reason("ipma")
            self.add_table("ipma", t("重要性–绩效分析（IPMA）", "Importance–performance map (IPMA)"), [], [], missing=reason)
            self.add_figure("ipma_map", "ipma", t("重要性–绩效矩阵", "Importance–performance map"), None, missing=reason)
            self.v["ipma"] = {"text": ts.not_computed(reason, self.lang)}
            return
        mi = sum(e["importance"] for e in entries) / len(entries)
        mp = sum(e["performance"] for e in entries) / len(entries)
        quadrant_names = {0: t("优先改进", "improve first"), 1: t("继续保持", "keep up the good work"),
                          2: t("次要改进", "low priority"), 3: t("可能过度投入", "possible overkill")}
        for e in entries:
            hi_imp, hi_perf = e["importance"] >= mi, e["performance"] >= mp
            q = QUADRANTS.get(e.get("quadrant"), 0 if hi_imp and not hi_perf else 1 if hi_imp else 2 if not hi_perf else 3)
            self.priorities.append({"construct": e["construct"], "importance": e["importance"],
                                    "performance": e["performance"], "quadrant": q, "quadrant_name": quadrant_names[q]})
        self.priorities.sort(key=lambda p: (p["quadrant"], -p["importance"]))
        given = {e["construct"]: e.get("priority") for e in entries}
        if all(ts.is_number(v) for v in given.values()):
            self.priorities.sort(key=lambda p: given[p["construct"]])
        rows = [[cell(ts.integer(k + 1), k + 1), text_cell(self.name_id(p["construct"])),
                 cell(ts.num(p["importance"], 3), p["importance"]), cell(ts.num(p["performance"], 1), p["performance"]),
                 text_cell(p["quadrant_name"])] for k, p in enumerate(self.priorities)]
        self.add_table("ipma", t("重要性–绩效分析（IPMA）与改进优先级", "Importance–performance analysis (IPMA) and priorities"),
                       [t("优先级", "Priority"), t("构念", "Construct"), t("重要性（总效应）", "Importance (total effect)"),
                        t("绩效（0–100）", "Performance (0–100)"), t("象限", "Quadrant")], rows,
                       notes=[t(f"注：重要性为对{self.name(self.outcome) if self.outcome else '结果变量'}的总效应；绩效为构念均值换算到 0–100；"
                                f"象限以平均重要性（{ts.num(mi, 3)}）与平均绩效（{ts.num(mp, 1)}）划分（Ringle & Sarstedt, 2016）。",
                                f"Note. Importance is the total effect on {self.name(self.outcome) if self.outcome else 'the outcome'}; "
                                f"performance the construct mean rescaled to 0–100; quadrants split at the mean importance "
                                f"({ts.num(mi, 3)}) and mean performance ({ts.num(mp, 1)}) (Ringle & Sarstedt, 2016).")])
        points = [{"label": self.name(p["construct"]), "importance": p["importance"], "performance": p["performance"],
                   "priority": p["quadrant"] == 0} for p in self.priorities]
        self.add_figure("ipma_map", "ipma", t("重要性–绩效矩阵（IPMA）", "Importance–performance map (IPMA)"),
                        {"points": points, "mean_importance": mi, "mean_performance": mp,
                         "xlabel": t("重要性（对忠诚度的总效应）", "Importance (total effect on loyalty)"),
                         "ylabel": t("绩效（0–100）", "Performance (0–100)"),
                         "quadrant_note": t("右下象限：优先改进", "lower right: improve first")})
        first = [p for p in self.priorities if p["quadrant"] == 0]
        self.v["ipma"] = {"text": t(
            f"以对{self.name(self.outcome) if self.outcome else '忠诚度'}的总效应为重要性、以构念均值换算的 0–100 分为绩效，"
            f"得到重要性–绩效矩阵（{self.ref('ipma_map')}、{self.ref('ipma')}）。"
            + (f"{ts.join([self.name(p['construct']) for p in first], 'zh')}重要性高而绩效低，是最需要优先改进的领域；"
               if first else "没有构念同时处于高重要性、低绩效的象限；")
            + "以下策略按此优先级排列。",
            f"Taking the total effect on {self.name(self.outcome) if self.outcome else 'loyalty'} as importance and the construct "
            f"mean rescaled to 0–100 as performance gives the importance–performance map ({self.ref('ipma_map')}, {self.ref('ipma')}). "
            + (f"{ts.join([self.name(p['construct']) for p in first], 'en')} combine(s) high importance with low performance and come(s) first; "
               if first else "No construct combines high importance with low performance; ")
            + "the strategies below follow this order.")}

    # ------------------------------------------------------------------ chapter 3: problems
    def problems(self) -> None:
        t = self.t
        items = []
        weak = [p for p in self.paths if p.get("supported") is False]
        if weak:
            items.append(t(
                "驱动作用不显著：" + "；".join(f"{self.name(p.get('rhs'))}对{self.name(p.get('lhs'))}的影响不显著"
                                         f"（β = {ts.bounded(p.get('std_all'))}，{ts.p_text(p.get('pvalue'))}）" for p in weak) + "。",
                "Weak drivers: " + "; ".join(f"{self.name(p.get('rhs'))} has no significant effect on {self.name(p.get('lhs'))} "
                                             f"(β = {ts.bounded(p.get('std_all'))}, {ts.p_text(p.get('pvalue'))})" for p in weak) + "."))
        low = [p for p in self.priorities if p["quadrant"] in (0, 2)]
        if low:
            items.append(t(
                "绩效偏低：" + "、".join(f"{self.name(p['construct'])}（{ts.num(p['performance'], 1)}分）" for p in low)
                + "的顾客评价低于各驱动因素的平均水平" + ("，其中" + "、".join(self.name(p["construct"]) for p in low if p["quadrant"] == 0)
                                                   + "对忠诚度的影响又较大，问题最为突出" if any(p["quadrant"] == 0 for p in low) else "") + "。",
                "Low performance: " + ", ".join(f"{self.name(p['construct'])} ({ts.num(p['performance'], 1)})" for p in low)
                + " score below the average driver" + ("; " + ", ".join(self.name(p["construct"]) for p in low if p["quadrant"] == 0)
                                                      + " also matter(s) most for loyalty" if any(p["quadrant"] == 0 for p in low) else "") + "."))
        nps = _get(self.r, "indicators", "nps", "overall", "nps")
        if ts.is_number(nps) and nps < 30:
            items.append(t(f"推荐意愿不足：NPS 仅为{ts.num(nps, 1)}，推荐者相对贬损者的优势有限，口碑传播动力不足。",
                           f"Weak advocacy: the NPS is only {ts.num(nps, 1)}; promoters barely outnumber detractors."))
        member = _get(self.r, "indicators", "membership", "overall", "proportion") or \
            _get(self.r, "indicators", "paid_membership", "overall", "proportion")
        if ts.is_number(member) and member < 0.5:
            items.append(t(f"会员计划渗透率低：仅{ts.share(member)}的受访者开通了付费会员，忠诚度计划的覆盖面有限。",
                           f"Low take-up of the loyalty programme: only {ts.share(member)} hold a paid membership."))
        checks = self.rel_failures + self.validity_failures + self.fit_failures
        if checks:
            items.append(t("测量与模型检验中的不足：" + "；".join(checks) + "。",
                           "Weaknesses found by the checks: " + "; ".join(checks) + "."))
        if not items:
            items.append(t("数据中未发现突出的问题：各驱动因素作用显著、绩效接近，各项检验均达标。",
                           "The data show no pronounced problem: every driver matters, performances are close and all checks pass."))
        self.v["problems"] = {"points": items, "intro": t(
            "根据调查数据，可归纳出以下问题（均由上述结果直接得出）：",
            "The survey data point to the following problems (each follows directly from the results above):")}

    # ------------------------------------------------------------------ chapter 4: strategies
    def strategies(self) -> None:
        t = self.t
        headings = {
            "product_service": t("优化产品质量与客户服务", "Improve product quality and customer service"),
            "programme": t("建立完善的客户忠诚度计划", "Build a complete customer loyalty programme"),
            "brand": t("打造良好的品牌形象与口碑", "Build brand image and word of mouth"),
            "personal": t("提供个性化营销与精准服务", "Offer personalised marketing and precise service")}
        measures = {
            "product_service": [t("加强供应商准入与质量抽检管理，确保商品质量稳定、与页面描述一致。",
                                  "Tighten supplier admission and quality sampling so goods are reliable and match their description."),
                                t("注重产品创新，依据评价与退货原因数据改进商品。", "Innovate products using review and return-reason data."),
                                t("提高客服人员的专业素质，缩短首次响应时间，完善售后与退换货流程。",
                                  "Train customer-service staff, shorten first response times, simplify after-sales and returns."),
                                t("建立客户反馈闭环机制，及时处理投诉并回访。", "Close the feedback loop: handle complaints promptly and follow up.")],
            "programme": [t("以客户价值为导向，按消费行为与贡献度设计分层的忠诚度奖励方案；规则简单易懂。",
                            "Design tiered rewards by customer value and behaviour, with simple, transparent rules."),
                          t("积分奖励系统：消费、评价、签到均可积分，积分可抵现或兑换权益。",
                            "Points: earn by buying, reviewing and checking in; redeem for discounts or benefits."),
                          t("会员专属权益：折扣优惠、优先配送、专属客服通道。",
                            "Member benefits: discounts, priority delivery, a dedicated service channel."),
                          t("会员等级升级机制：设置清晰的升级门槛与升级奖励，激励持续购买。",
                            "Tier upgrades: clear thresholds and upgrade rewards that encourage continued buying.")],
            "brand": [t("明确品牌定位与核心价值，塑造鲜明、可信的品牌形象。", "Sharpen the brand's positioning and core values."),
                      t("通过社交媒体、内容平台等多渠道传播，提高品牌知名度与美誉度。",
                        "Communicate across social and content platforms to raise awareness and esteem."),
                      t("鼓励满意顾客分享与推荐（推荐有礼），让顾客自愿为品牌代言。",
                        "Encourage satisfied customers to share and refer (referral rewards)."),
                      t("积极管理线上口碑，及时回应并处理负面评价。", "Manage online reputation: answer and resolve negative reviews quickly.")],
            "personal": [t("利用大数据构建客户画像，了解偏好、需求与购买行为。",
                           "Build customer profiles from data on preferences, needs and purchases."),
                         t("基于客户画像进行精准营销，向不同群体推送个性化推荐与促销。",
                           "Target marketing by profile: personalised recommendations and promotions per segment."),
                         t("开发定制化产品与服务，满足个性化需求。", "Develop customised products and services."),
                         t("优化智能推荐系统与购物流程，提高找到心仪商品的效率。",
                           "Improve the recommender and the shopping flow so customers find what they want faster.")]}
        areas = {a: [] for a in STRATEGY_AREAS}
        for rank, p in enumerate(self.priorities):
            areas[AREA_OF_CONSTRUCT.get(p["construct"], "personal")].append((rank, p))
        order = sorted(STRATEGY_AREAS, key=lambda a: (min((r for r, _ in areas[a]), default=99), STRATEGY_AREAS.index(a)))
        sections = []
        numerals = ["一", "二", "三", "四"]
        for k, area in enumerate(order):
            evidence = []
            for rank, p in areas[area]:
                evidence.append(t(
                    f"{self.name(p['construct'])}对忠诚度的总效应为{ts.num(p['importance'], 3)}（优先级第{rank + 1}位），"
                    f"绩效为{ts.num(p['performance'], 1)}分，属于“{p['quadrant_name']}”象限",
                    f"{self.name(p['construct'])} has a total effect of {ts.num(p['importance'], 3)} on loyalty (priority {rank + 1}) "
                    f"and a performance of {ts.num(p['performance'], 1)}, in the \"{p['quadrant_name']}\" quadrant"))
            if area == "programme":
                rp = self.indicator_values.get("repeat_purchase")
                mb = self.indicator_values.get("membership")
                if rp or mb:
                    evidence.append(t(f"当前重复购买率为{rp or ts.DASH}，付费会员比例为{mb or ts.DASH}",
                                      f"the repeat-purchase rate is {rp or ts.DASH} and the paid-membership share {mb or ts.DASH}"))
            if area == "brand" and self.indicator_values.get("nps"):
                evidence.append(t(f"当前 NPS 为{self.indicator_values['nps']}", f"the NPS is {self.indicator_values['nps']}"))
            text = (t("数据依据：", "Evidence: ") + t("；", "; ").join(evidence) + t("。", ".")) if evidence else \
                t("本研究的模型未直接测量这一领域，以下建议依据文献提出。",
                  "The model does not measure this area directly; the measures below follow the literature.")
            heading = (f"4.{k + 2} " if self.lang == "zh" else f"4.{k + 2} ") + headings[area]
            sections.append({"heading": heading, "numeral": numerals[k], "text": text, "measures": measures[area],
                             "area": area})
        self.strategy_sections = sections
        self.v["strategies"] = {"sections": sections, "order": t(
            "各策略按重要性–绩效分析确定的优先级排序：", "The strategies are ordered by the priorities of the importance–performance analysis: ")
            + t("、", ", ").join(s["heading"].split(" ", 1)[1] for s in sections) + t("。", ".")}

    # ------------------------------------------------------------------ chapter 5: plan
    def plan(self) -> None:
        t = self.t
        phases = [(t("短期（0–6个月）", "Short term (0–6 months)"), 0), (t("中期（6–18个月）", "Medium term (6–18 months)"), 1),
                  (t("长期（18–36个月）", "Long term (18–36 months)"), 2)]
        owners = {"product_service": t("商品与供应链部、客服中心", "Merchandising & supply chain; customer service"),
                  "programme": t("会员运营部", "Membership operations"), "brand": t("品牌市场部", "Brand & marketing"),
                  "personal": t("数据与技术部", "Data & technology")}
        kpis = {"product_service": t("满意度指数、差评率、首次响应时长", "satisfaction index, negative-review rate, first response time"),
                "programme": t("重复购买率、付费会员比例", "repeat-purchase rate, paid-membership share"),
                "brand": t("NPS、口碑评分", "NPS, review score"),
                "personal": t("推荐点击率、转化率、忠诚度指数", "recommendation click-through, conversion, loyalty index")}
        rows = []
        for k, sec in enumerate(self.strategy_sections):
            phase_name, _ = phases[min(k, 2)] if k < 2 else phases[2]
            constructs = [self.name(p["construct"]) for p in self.priorities
                          if AREA_OF_CONSTRUCT.get(p["construct"], "personal") == sec["area"]]
            rows.append([text_cell(phase_name), text_cell(sec["heading"].split(" ", 1)[1]),
                         text_cell("、".join(constructs) if self.lang == "zh" else ", ".join(constructs) or ts.DASH),
                         text_cell(sec["measures"][0]), text_cell(owners[sec["area"]]), text_cell(kpis[sec["area"]])])
        self.add_table("plan", t("策略实施计划", "Implementation plan"),
                       [t("阶段", "Phase"), t("策略", "Strategy"), t("相关构念", "Constructs"), t("重点任务", "Key task"),
                        t("责任部门", "Owner"), t("考核指标", "KPI")], rows,
                       notes=[t("注：阶段按重要性–绩效分析的优先级安排，优先级最高的策略最先实施。",
                                "Note. Phases follow the IPMA priorities: the highest-priority strategy starts first.")],
                       missing=None if rows else self.missing_reason("ipma"))
        self.v["plan"] = {"text": t(f"依据优先级制定的分阶段实施计划见{self.ref('plan')}。",
                                    f"The phased plan, keyed to the priorities, is in {self.ref('plan')}.") if rows else
                          ts.not_computed(self.missing_reason("ipma"), self.lang)}
