"""Chapters 3.2–3.3: the loyalty indicators (NPS, repeat purchase, paid membership; overall and by platform)
and the item and construct descriptives with their figures.
"""
from __future__ import annotations

from reports import typeset as ts
from reports.context.base import BuilderBase, _get
from reports.tables import cell, text_cell


class DescriptiveSections(BuilderBase):
    """Chapter 3.2–3.3 sections."""

    # ------------------------------------------------------------------ chapter 3.2: loyalty indicators
    def indicators(self) -> None:
        t = self.t
        ind = _get(self.r, "indicators")
        s = {}
        names = {"nps": t("净推荐值（NPS）", "Net Promoter Score (NPS)"),
                 "repeat_purchase": t("重复购买率", "Repeat-purchase rate"),
                 "membership": t("付费会员比例", "Paid-membership share")}
        self.indicator_values: dict[str, str] = {}
        if not isinstance(ind, dict):
            reason = self.missing_reason("indicators")
            s["overall"] = ts.not_computed(reason, self.lang)
            s["by_platform"] = ""
            self.add_table("indicators", t("顾客忠诚度总体指标", "Loyalty indicators"), [], [], missing=reason)
            self.add_table("indicators_by_platform", t("各平台忠诚度指标比较", "Loyalty indicators by platform"),
                           [], [], missing=reason)
            self.v["indicators"] = s
            return
        rows, texts = [], []
        for key in ("nps", "repeat_purchase", "membership"):
            res = ind.get(key) or (ind.get("paid_membership") if key == "membership" else None)
            ov = _get(res, "overall")
            if not isinstance(ov, dict):
                continue
            if key == "nps":
                value, interval = ts.num(ov.get("nps"), 1), ts.ci(ov.get("ci_lower"), ov.get("ci_upper"), 1, False)
                raw = ov.get("nps")
                detail = t(f"推荐者{ts.percent(ov.get('promoters_pct'))}，贬损者{ts.percent(ov.get('detractors_pct'))}",
                           f"promoters {ts.percent(ov.get('promoters_pct'))}, detractors {ts.percent(ov.get('detractors_pct'))}")
            else:
                value, interval = ts.share(ov.get("proportion")), ts.ci_percent(ov.get("ci_lower"), ov.get("ci_upper"))
                raw = ov.get("proportion")
                detail = t(f"{ts.integer(ov.get('count'))}/{ts.integer(ov.get('n'))}人",
                           f"{ts.integer(ov.get('count'))} of {ts.integer(ov.get('n'))}")
            self.indicator_values[key] = value
            rows.append([text_cell(names[key]), cell(value, raw), text_cell(interval), cell(ts.integer(ov.get("n")),
                                                                                             ov.get("n")),
                         text_cell(detail)])
            texts.append(t(f"{names[key]}为{value}（95% CI {interval}）", f"the {names[key]} is {value} (95% CI {interval})"))
        s["overall"] = (t("样本的", "In the sample, ") + ts.join(texts, self.lang)
                        + t("，详见", "; see ") + self.ref("indicators") + t("。", ".")) if texts else \
            self.na("指标结果为空", "the indicator results are empty")
        self.add_table("indicators", t("顾客忠诚度总体指标", "Loyalty indicators"),
                       [t("指标", "Indicator"), t("数值", "Value"), "95% CI", "n", t("说明", "Detail")], rows,
                       notes=[t("注：NPS = 推荐者（9–10分）比例 − 贬损者（0–6分）比例；比例的置信区间为 Wilson 区间。",
                                "Note. NPS = % promoters (9–10) − % detractors (0–6); CIs of shares are Wilson intervals.")])
        platform_q = self.inst.question_by_role("platform")
        by_rows, tests = [], []
        groups: list[str] = []
        for key in ("nps", "repeat_purchase", "membership"):
            res = ind.get(key) or (ind.get("paid_membership") if key == "membership" else None)
            for g in (_get(res, "by_group") or {}):
                if g not in groups:
                    groups.append(g)
        for g in groups:
            row = [text_cell(self.question_label(platform_q.id, g) if platform_q else g)]
            n_group = None
            for key in ("nps", "repeat_purchase", "membership"):
                res = ind.get(key) or (ind.get("paid_membership") if key == "membership" else None)
                est = _get(res, "by_group", g)
                if key == "nps":
                    row.append(cell(ts.num(_get(est, "nps"), 1), _get(est, "nps")))
                else:
                    row.append(cell(ts.share(_get(est, "proportion")), _get(est, "proportion")))
                n_group = n_group or _get(est, "n")
            row.insert(1, cell(ts.integer(n_group), n_group))
            by_rows.append(row)
        test_row = [text_cell(t("χ² 检验", "χ² test")), cell("")]
        for key in ("nps", "repeat_purchase", "membership"):
            res = ind.get(key) or (ind.get("paid_membership") if key == "membership" else None)
            test = _get(res, "test")
            if isinstance(test, dict):
                text = f"{ts.chisq(test.get('statistic'), test.get('df'))}, {ts.p_text(test.get('pvalue'))}"
                tests.append(t(f"{names[key]}：{text}", f"{names[key]}: {text}"))
                test_row.append(text_cell(text))
            else:
                test_row.append(text_cell(ts.DASH))
        if by_rows:
            by_rows.append(test_row)
        s["by_platform"] = (t("按最常用平台分组的结果见", "Results by main platform are in ") + self.ref("indicators_by_platform")
                            + t("；平台间差异的卡方检验结果为：", "; χ² tests of the differences between platforms: ")
                            + t("；", "; ").join(tests) + t("。", ".")) if by_rows else ""
        self.add_table("indicators_by_platform", t("各平台忠诚度指标比较", "Loyalty indicators by platform"),
                       [t("平台", "Platform"), "n", "NPS", t("重复购买率", "Repeat purchase"),
                        t("付费会员比例", "Paid membership")], by_rows,
                       missing=None if by_rows else t("结果中没有按平台分组的指标", "no indicator by platform in the results"))
        self.v["indicators"] = s

    # ------------------------------------------------------------------ chapter 3.3: descriptives
    def descriptives(self) -> None:
        t = self.t
        items = _get(self.r, "descriptives", "items")
        constructs = _get(self.r, "descriptives", "constructs")
        s = {}
        rows = []
        if isinstance(items, dict):
            for c in self.inst.constructs:
                for it in c.items:
                    d = items.get(it.id)
                    if not isinstance(d, dict):
                        continue
                    rows.append([text_cell(it.id), text_cell(it.text.get(self.lang) + (t("（反向）", " (R)") if it.reverse else "")),
                                 cell(ts.num(d.get("mean")), d.get("mean")), cell(ts.num(d.get("sd")), d.get("sd")),
                                 cell(ts.num(d.get("skew")), d.get("skew")), cell(ts.num(d.get("kurtosis")), d.get("kurtosis"))])
        self.add_table("item_descriptives", t("测量题项的描述性统计", "Item descriptive statistics"),
                       [t("题项", "Item"), t("内容", "Wording"), "M", "SD", t("偏度", "Skewness"), t("峰度", "Kurtosis")],
                       rows, notes=[t("注：反向题已重新编码。", "Note. Reverse-worded items (R) were recoded.")],
                       missing=None if rows else self.missing_reason("descriptives.items"))
        skews = [abs(d.get("skew")) for d in (items or {}).values() if isinstance(d, dict) and ts.is_number(d.get("skew"))]
        kurts = [abs(d.get("kurtosis")) for d in (items or {}).values() if isinstance(d, dict) and ts.is_number(d.get("kurtosis"))]
        if skews and kurts:
            s["item_text"] = t(f"各题项的描述性统计见{self.ref('item_descriptives')}。偏度绝对值最大为{ts.num(max(skews))}，"
                           f"峰度绝对值最大为{ts.num(max(kurts))}，"
                           + ("均在 Kline（2016）建议的|偏度| < 3、|峰度| < 10 范围内，可视为近似正态。"
                              if max(skews) < 3 and max(kurts) < 10 else "超出 Kline（2016）建议的范围，数据偏离正态。"),
                           f"Item statistics are in {self.ref('item_descriptives')}. The largest absolute skewness is "
                           f"{ts.num(max(skews))} and the largest absolute kurtosis {ts.num(max(kurts))}; "
                           + ("both within Kline's (2016) limits of 3 and 10, so the items are close enough to normal."
                              if max(skews) < 3 and max(kurts) < 10 else "beyond Kline's (2016) limits: the data are not normal."))
        else:
            s["item_text"] = ts.not_computed(self.missing_reason("descriptives.items"), self.lang)
        # construct means
        rows, fig_rows = [], []
        self.construct_means: dict[str, float] = {}
        mid = (self.inst.scale.min + self.inst.scale.max) / 2
        if isinstance(constructs, dict):
            for c in self.constructs:
                d = constructs.get(c)
                if not isinstance(d, dict) or not ts.is_number(d.get("mean")):
                    continue
                m, sd = d.get("mean"), d.get("sd")
                self.construct_means[c] = m
                lo, hi = d.get("ci_lower"), d.get("ci_upper")
                rows.append([text_cell(self.name_id(c)), cell(ts.integer(d.get("n")), d.get("n")), cell(ts.num(m), m),
                             cell(ts.num(sd), sd), text_cell(ts.ci(lo, hi, 2, False))])
                has_ci = ts.is_number(lo) and ts.is_number(hi)
                if not has_ci and ts.is_number(sd):
                    lo, hi = m - sd, m + sd
                on_main_scale = self.inst.construct(c).scale.points == self.inst.scale.points
                if ts.is_number(lo) and ts.is_number(hi) and on_main_scale:  # one axis: the instrument's scale
                    fig_rows.append({"label": self.name(c), "mean": m, "lower": lo, "upper": hi, "text": ts.num(m),
                                     "ci": has_ci})
        header = [t("构念", "Construct"), "n", "M", "SD", "95% CI"]
        if rows and all(r[4].text == ts.DASH for r in rows):
            header, rows = header[:4], [r[:4] for r in rows]
        self.add_table("construct_descriptives", t("各构念得分的描述性统计", "Construct mean scores"), header, rows,
                       missing=None if rows else self.missing_reason("descriptives.constructs"))
        if self.construct_means:
            ranked = sorted(self.construct_means, key=self.construct_means.get)
            low, high = ranked[0], ranked[-1]
            s["constructs"] = t(
                f"各构念均值见{self.ref('construct_descriptives')}与{self.ref('construct_means')}：得分最高的是{self.name(high)}"
                f"（M = {ts.num(self.construct_means[high])}），最低的是{self.name(low)}（M = {ts.num(self.construct_means[low])}），"
                f"量表中点为{ts.num(mid, 1)}。",
                f"Construct means are in {self.ref('construct_descriptives')} and {self.ref('construct_means')}: "
                f"{self.name(high)} scores highest (M = {ts.num(self.construct_means[high])}) and {self.name(low)} lowest "
                f"(M = {ts.num(self.construct_means[low])}); the scale midpoint is {ts.num(mid, 1)}.")
        else:
            s["constructs"] = ts.not_computed(self.missing_reason("descriptives.constructs"), self.lang)
        all_ci = all(r["ci"] for r in fig_rows)
        self.add_figure("construct_means", "construct_means",
                        t("各构念均值及其", "Construct means with ") + (t("95%置信区间", "95% CIs") if all_ci else t("±1个标准差", "±1 SD")),
                        {"rows": fig_rows, "scale_min": self.inst.scale.min, "scale_max": self.inst.scale.max,
                         "midpoint": mid, "xlabel": t("均值", "Mean")} if fig_rows else None,
                        missing=None if fig_rows else self.missing_reason("descriptives.constructs"))
        # Likert figure
        groups = []
        if isinstance(items, dict):
            for c in self.inst.constructs:
                if c.scale.points != self.inst.scale.points:  # the legend shows the instrument's scale labels
                    continue
                its = []
                for it in c.items:
                    shares = _get(items, it.id, "shares")
                    if isinstance(shares, dict):
                        vals = [shares.get(str(p)) for p in c.scale.points]
                        if all(ts.is_number(v) for v in vals):
                            its.append({"label": it.id, "shares": vals})
                if its:
                    groups.append({"label": self.name(c.id), "items": its})
        labels = list(self.inst.scale.labels.get(self.lang) or self.inst.scale.labels.get("zh") or
                      [str(p) for p in self.inst.scale.points])
        self.add_figure("likert", "likert", t("各题项回答分布（发散堆积条形图）", "Answer distribution per item (diverging bars)"),
                        {"groups": groups, "scale_labels": labels, "xlabel": t("回答比例（%）", "Share of answers (%)")}
                        if groups else None, missing=None if groups else self.missing_reason("descriptives.items.shares"))
        s["likert"] = t(f"各题项的回答分布见{self.ref('likert')}。", f"The distribution of answers per item is shown in {self.ref('likert')}.") \
            if groups else ""
        self.v["descriptives"] = s
