"""Chapters 3.2–3.3: the loyalty indicators (NPS, repeat purchase, paid membership; overall and by platform)
and the item and construct descriptives with their figures.
"""
from __future__ import annotations

from analysis.describe.descriptives import KURTOSIS_LIMIT, SKEW_LIMIT
from analysis.results_view import INDICATORS
from reports import typeset as ts
from reports.context.base import BuilderBase
from reports.tables import cell, text_cell


class DescriptiveSections(BuilderBase):
    """Chapter 3.2–3.3 sections."""

    # ------------------------------------------------------------------ chapter 3.2: loyalty indicators
    def indicators(self) -> dict[str, str]:
        """The indicator tables and sentences; returns the typeset overall values by indicator, for later chapters."""
        t, say, ind = self.t, self.say, self.view.indicators
        s = {}
        names = say.data("indicator_names")
        if ind is None:
            reason = self.missing_reason("indicators")
            s["overall"] = ts.not_computed(reason, self.lang)
            s["by_platform"] = ""
            self.add_table("indicators", t("loyalty_indicators"), [], [], missing=reason)
            self.add_table("indicators_by_platform", t("loyalty_indicators_by_platform"),
                           [], [], missing=reason)
            self.v["indicators"] = s
            return {}
        values: dict[str, str] = {}
        rows, texts = [], []
        for key in INDICATORS:
            ov = ind.results[key].overall if key in ind.results else None
            if ov is None:
                continue
            if key == "nps":
                value, interval = ts.num(ov.value, 1), ts.ci(ov.ci_lower, ov.ci_upper, 1, False)
                detail = say("nps_detail", promoters=ts.percent(ov.promoters_pct), detractors=ts.percent(ov.detractors_pct))
            else:
                value, interval = ts.share(ov.value), ts.ci_percent(ov.ci_lower, ov.ci_upper)
                detail = say("share_detail", count=ts.integer(ov.count), n=ts.integer(ov.n))
            values[key] = value
            rows.append([text_cell(names[key]), cell(value, ov.value), text_cell(interval), cell(ts.integer(ov.n), ov.n),
                         text_cell(detail)])
            texts.append(say("indicator_value", name=names[key], value=value, interval=interval))
        s["overall"] = (say("indicators", values=ts.join(texts, self.lang), ref=self.ref("indicators")) if texts else
                        ts.not_computed(say("indicators_empty"), self.lang))
        self.add_table("indicators", t("loyalty_indicators"),
                       [t("indicator"), t("value"), "95% CI", "n", t("detail")], rows,
                       notes=[say("indicators_note")])
        platform_q = self.inst.question_by_role("platform")
        by_rows, tests = [], []
        groups: list[str] = []
        for res in ind.results.values():
            groups += [g for g in res.by_group if g not in groups]
        for g in groups:
            row = [text_cell(self.question_label(platform_q.id, g) if platform_q else g)]
            n_group = None
            for key in INDICATORS:
                est = ind.results[key].by_group.get(g) if key in ind.results else None
                value = est.value if est else None
                row.append(cell(ts.num(value, 1) if key == "nps" else ts.share(value), value))
                n_group = n_group or (est.n if est else None)
            row.insert(1, cell(ts.integer(n_group), n_group))
            by_rows.append(row)
        test_row = [text_cell(t("test")), cell("")]
        for key in INDICATORS:
            test = ind.results[key].test if key in ind.results else None
            if test:
                text = f"{ts.chisq(test.statistic, test.df)}, {ts.p_text(test.pvalue)}"
                tests.append(say("construct_finding", construct=names[key], finding=text))
                test_row.append(text_cell(text))
            else:
                test_row.append(text_cell(ts.DASH))
        if by_rows:
            by_rows.append(test_row)
        s["by_platform"] = say("indicators_by_platform", ref=self.ref("indicators_by_platform"), tests=tests) if by_rows else ""
        self.add_table("indicators_by_platform", t("loyalty_indicators_by_platform"),
                       [t("platform"), "n", "NPS", t("repeat_purchase"),
                        t("paid_membership")], by_rows,
                       missing=None if by_rows else say("no_indicator_by_platform"))
        self.v["indicators"] = s
        return values

    # ------------------------------------------------------------------ chapter 3.3: descriptives
    def descriptives(self) -> None:
        t, say, desc = self.t, self.say, self.view.descriptives
        items = desc.items
        s = {}
        rows = []
        for c in self.inst.constructs if items is not None else ():
            for it in c.items:
                d = items.get(it.id)
                if d is None:
                    continue
                rows.append([text_cell(it.id), text_cell((it.text.get(self.lang) if it.worded else ts.DASH) + (t("r") if it.reverse else "")),
                             cell(ts.num(d.mean), d.mean), cell(ts.num(d.sd), d.sd),
                             cell(ts.num(d.skew), d.skew), cell(ts.num(d.kurtosis), d.kurtosis)])
        self.add_table("item_descriptives", t("item_descriptive_statistics"),
                       [t("item"), t("wording"), "M", "SD", t("skewness"), t("kurtosis")],
                       rows, notes=[say("item_descriptives_note")],
                       missing=None if rows else self.missing_reason("descriptives.items"))
        if desc.max_abs_skew is not None and desc.max_abs_kurtosis is not None:
            s["item_text"] = say("item_descriptives", ref=self.ref("item_descriptives"), skew=ts.num(desc.max_abs_skew),
                                 kurtosis=ts.num(desc.max_abs_kurtosis), near_normal=desc.near_normal,
                                 skew_limit=f"{SKEW_LIMIT:g}", kurtosis_limit=f"{KURTOSIS_LIMIT:g}")
        else:
            s["item_text"] = ts.not_computed(self.missing_reason("descriptives.items"), self.lang)
        # construct means
        rows, fig_rows = [], []
        means = self.construct_means()
        mid = (self.inst.scale.min + self.inst.scale.max) / 2
        for c in means:
            d = desc.constructs[c]
            m, sd, lo, hi = d.mean, d.sd, d.ci_lower, d.ci_upper
            rows.append([text_cell(self.name_id(c)), cell(ts.integer(d.n), d.n), cell(ts.num(m), m),
                         cell(ts.num(sd), sd), text_cell(ts.ci(lo, hi, 2, False))])
            has_ci = lo is not None and hi is not None
            if not has_ci and sd is not None:
                lo, hi = m - sd, m + sd
            on_main_scale = self.inst.construct(c).scale.points == self.inst.scale.points
            if lo is not None and hi is not None and on_main_scale:  # one axis: the instrument's scale
                fig_rows.append({"label": self.name(c), "mean": m, "lower": lo, "upper": hi, "text": ts.num(m),
                                 "ci": has_ci})
        header = [t("construct"), "n", "M", "SD", "95% CI"]
        if rows and all(r[4].text == ts.DASH for r in rows):
            header, rows = header[:4], [r[:4] for r in rows]
        self.add_table("construct_descriptives", t("construct_mean_scores"), header, rows,
                       missing=None if rows else self.missing_reason("descriptives.constructs"))
        if means:
            ranked = sorted(means, key=means.get)
            low, high = ranked[0], ranked[-1]
            s["constructs"] = say("construct_means", ref_table=self.ref("construct_descriptives"),
                                  ref_figure=self.ref("construct_means"), high=self.name(high), high_mean=ts.num(means[high]),
                                  low=self.name(low), low_mean=ts.num(means[low]), midpoint=ts.num(mid, 1))
        else:
            s["constructs"] = ts.not_computed(self.missing_reason("descriptives.constructs"), self.lang)
        all_ci = all(r["ci"] for r in fig_rows)
        self.add_figure("construct_means", "construct_means",
                        t("construct_means_with") + (t("95_cis") if all_ci else t("1_sd")),
                        {"rows": fig_rows, "scale_min": self.inst.scale.min, "scale_max": self.inst.scale.max,
                         "midpoint": mid, "xlabel": t("mean")} if fig_rows else None,
                        missing=None if fig_rows else self.missing_reason("descriptives.constructs"))
        # Likert figure
        groups = []
        for c in self.inst.constructs if items is not None else ():
            if c.scale.points != self.inst.scale.points:  # the legend shows the instrument's scale labels
                continue
            its = []
            for it in c.items:
                shares = items[it.id].shares if it.id in items else None
                if shares is not None:
                    vals = [shares.get(str(p)) for p in c.scale.points]
                    if all(ts.is_number(v) for v in vals):
                        its.append({"label": it.id, "shares": vals})
            if its:
                groups.append({"label": self.name(c.id), "items": its})
        labels = list(self.inst.scale.point_captions(self.lang))
        self.add_figure("likert", "likert", t("likert_caption"),
                        {"groups": groups, "scale_labels": labels, "xlabel": t("share_of_answers")}
                        if groups else None, missing=None if groups else self.missing_reason("descriptives.items.shares"))
        s["likert"] = say("likert", ref=self.ref("likert")) if groups else ""
        self.v["descriptives"] = s

    def construct_means(self) -> dict[str, float]:
        """The mean score of each construct the results describe, in instrument order."""
        constructs = self.view.descriptives.constructs or {}
        return {c: constructs[c].mean for c in self.constructs if c in constructs}
