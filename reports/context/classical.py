"""Chapter 3's observed-score analyses as a questionnaire thesis reports them: item analysis (项目分析),
correlations of the construct scores (相关分析) and regressions (回归分析), each with its three-line table."""
from __future__ import annotations

from analysis.results_view import Regression
from reports import typeset as ts
from reports.context.base import BuilderBase
from reports.tables import cell, text_cell


class ClassicalSections(BuilderBase):
    """Item analysis, correlation and regression sections."""

    # ------------------------------------------------------------------ item analysis
    def item_analysis(self) -> None:
        t, say, ia = self.t, self.say, self.view.item_analysis
        if ia is None or not ia.items:
            reason = (ia.note if ia is not None and ia.note else None) or self.missing_reason("item_analysis")
            self.add_table("item_analysis", t("item_analysis"), [], [], missing=reason)
            self.v["item_analysis"] = {"text": ts.not_computed(reason, self.lang)}
            return
        rows = []
        for i in ia.items:
            verdict = ts.join([t(f"flag_{f}") for f in i.flags], self.lang) or t("item_kept")
            rows.append([text_cell(i.item), cell(ts.num(i.mean_high), i.mean_high),
                         cell(ts.num(i.mean_low), i.mean_low), cell(ts.num(i.cr_t, 3), i.cr_t),
                         cell(ts.num(i.cr_df, 2), i.cr_df), text_cell(ts.p_value(i.cr_pvalue)),
                         cell(ts.bounded(i.item_total_r), i.item_total_r), text_cell(verdict)])
        crs = [i.cr_t for i in ia.items if i.cr_t is not None]
        rs = [i.item_total_r for i in ia.items if i.item_total_r is not None]
        text = say("item_analysis", ref=self.ref("item_analysis"), pct=ts.num(ia.groups_pct, 0),
                   cut_low=ts.num(ia.cut_low), cut_high=ts.num(ia.cut_high), n_low=ts.integer(ia.n_low),
                   n_high=ts.integer(ia.n_high), cr_low=ts.num(min(crs, default=None), 3),
                   cr_high=ts.num(max(crs, default=None), 3), r_low=ts.bounded(min(rs, default=None)),
                   r_high=ts.bounded(max(rs, default=None)), r_min=ts.bounded(ia.item_total_r_min, 2),
                   flagged=ts.join([i.item for i in ia.flagged], self.lang), n_flagged=len(ia.flagged),
                   note=ia.note or "")
        self.add_table("item_analysis", t("item_analysis"),
                       [t("item"), t("high_group_m"), t("low_group_m"), t("cr_value"), "df", "p", t("item_total_r"),
                        t("verdict")], rows,
                       notes=[say("item_analysis_note", r_min=ts.bounded(ia.item_total_r_min, 2))])
        self.v["item_analysis"] = {"text": text}

    # ------------------------------------------------------------------ correlations
    def correlations(self) -> None:
        t, say, co = self.t, self.say, self.view.correlations
        if co is None or not co.constructs:
            reason = self.missing_reason("correlations")
            self.add_table("correlations", t("correlations"), [], [], missing=reason)
            self.v["correlations"] = {"text": ts.not_computed(reason, self.lang)}
            return
        names = co.constructs
        rows = []
        for i, a in enumerate(names):
            row = [text_cell(self.name(a)), cell(ts.num(co.mean.get(a)), co.mean.get(a)),
                   cell(ts.num(co.sd.get(a)), co.sd.get(a))]
            for j, b in enumerate(names):
                if j < i:
                    r, p = co.r.get(a, {}).get(b), co.pvalue.get(a, {}).get(b)
                    row.append(cell(ts.coef(r, p), r))
                elif j == i:
                    diagonal = co.sqrt_ave.get(a) if co.sqrt_ave is not None else co.r.get(a, {}).get(a)
                    row.append(cell(ts.bounded(diagonal) if co.sqrt_ave is not None else ts.num(diagonal, 0),
                                    diagonal))
                else:
                    row.append(cell(""))
            rows.append(row)
        notes = [ts.stars_legend(self.lang), say("correlations_note", method=co.method, n=ts.integer(co.n),
                                                 sqrt_ave=co.sqrt_ave is not None)]
        if co.note:
            notes.append(co.note)
        self.add_table("correlations", t("correlations"), [t("construct"), "M", "SD", *names], rows, notes=notes)
        bounds = co.range_of_r()
        n_pairs = len(names) * (len(names) - 1) // 2
        self.v["correlations"] = {"text": say(
            "correlations", ref=self.ref("correlations"), method=co.method,
            low=ts.bounded(bounds[0]) if bounds else ts.DASH, high=ts.bounded(bounds[1]) if bounds else ts.DASH,
            n_significant=len(co.significant_pairs), n_pairs=n_pairs,
            positive=bounds is not None and bounds[0] > 0, sqrt_ave=co.sqrt_ave is not None)}

    # ------------------------------------------------------------------ regression
    def question_text(self, question_id: str) -> str:
        q = next((q for q in self.inst.questions if q.id == question_id), None)
        return q.text.get(self.lang) if q else question_id

    def term_name(self, reg: Regression, term: str) -> str:
        """A coefficient's row label: the intercept, a control (question: option) or a construct name."""
        if term == "(Intercept)":
            return self.t("intercept")
        if term in reg.control_terms:
            question, code = reg.control_terms[term]
            if code is None:
                return self.question_text(question)
            separator = "：" if self.lang == "zh" else ": "
            return f"{self.question_text(question)}{separator}{self.question_label(question, code)}"
        return self.name(term)

    def regression(self) -> None:
        t, say, regressions = self.t, self.say, self.view.regression
        if not regressions:
            reason = self.missing_reason("regression")
            marker = self.add_table("regression", t("regression"), [], [], missing=reason)
            self.v["regression"] = {"texts": [ts.not_computed(reason, self.lang)], "tables": [marker],
                                    "steps_table": "", "steps_text": ""}
            return
        texts, tables, step_rows = [], [], []
        for reg in regressions:
            key = f"regression_{reg.outcome}"
            caption = f"{t('regression')}（{self.name(reg.outcome)}）" if self.lang == "zh" \
                else f"{t('regression')} ({self.name(reg.outcome)})"
            rows = [[text_cell(self.term_name(reg, c.term)), cell(ts.num(c.b, 3), c.b), cell(ts.num(c.se, 3), c.se),
                     cell(ts.bounded(c.beta), c.beta), cell(ts.num(c.t, 3), c.t), text_cell(ts.p_value(c.pvalue)),
                     text_cell(ts.ci(c.ci_lower, c.ci_upper, 3, False)), cell(ts.num(c.vif, 3), c.vif),
                     cell(ts.bounded(c.tolerance), c.tolerance)] for c in reg.coefficients]
            fit = say("regression_fit", r2=ts.bounded(reg.r2), adj_r2=ts.bounded(reg.adj_r2),
                      f=ts.num(reg.f), df1=ts.integer(reg.df1), df2=ts.integer(reg.df2), p=ts.p_text(reg.pvalue),
                      dw=ts.num(reg.durbin_watson, 3), n=ts.integer(reg.n))
            tables.append(self.add_table(key, caption, [t("term"), "B", "SE", "β", "t", "p", "95% CI", "VIF",
                                                        t("tolerance")], rows,
                                         notes=[say("regression_note", outcome=self.name(reg.outcome), fit=fit,
                                                    vif_max=ts.num(reg.vif_max, 0)), reg.note or ""],
                                         missing=reg.note if not rows else None))
            for k, step in enumerate(reg.steps if len(reg.steps) > 1 else ()):
                step_rows.append([cell(self.name(reg.outcome) if k == 0 else ""),
                                  text_cell(t("step_controls") if k == 0 else t("step_predictors")),
                                  cell(ts.bounded(step.r2), step.r2), cell(ts.bounded(step.delta_r2), step.delta_r2),
                                  cell(ts.num(step.delta_f), step.delta_f),
                                  text_cell(f"{ts.integer(step.delta_df1)}, {ts.integer(step.delta_df2)}"),
                                  text_cell(ts.p_value(step.delta_pvalue))])
            if not rows:
                texts.append(ts.not_computed(reg.note or self.missing_reason("regression"), self.lang))
                continue
            steps = reg.steps
            controls = [self.question_text(q) for q in dict.fromkeys(q for q, _ in reg.control_terms.values())]
            texts.append(say(
                "regression", ref=self.ref(key), outcome=self.name(reg.outcome),
                predictors=ts.join([self.name(p) for p in reg.predictors], self.lang), fit=fit,
                significant_model=reg.significant,
                significant=[(self.name(c.term), ts.bounded(c.beta), ts.p_text(c.pvalue),
                              c.beta is not None and c.beta > 0) for c in reg.significant_predictors],
                nonsignificant=[self.name(c.term) for c in reg.nonsignificant_predictors],
                controls=ts.join(controls, self.lang),
                delta_r2=ts.bounded(steps[-1].delta_r2) if len(steps) > 1 else "",
                delta_f=ts.num(steps[-1].delta_f) if len(steps) > 1 else "",
                delta_p=ts.p_text(steps[-1].delta_pvalue) if len(steps) > 1 else "",
                high_vif=[self.name(v) for v in reg.high_vif], vif_max=ts.num(reg.vif_max, 0)))
        steps_table = self.add_table("regression_steps", t("regression_steps"),
                                     [t("outcome"), t("step"), "R²", "ΔR²", "ΔF", "df", "p"], step_rows) \
            if step_rows else ""
        steps_text = say("regression_steps", ref=self.ref("regression_steps")) if step_rows else ""
        self.v["regression"] = {"texts": texts, "tables": tables, "steps_table": steps_table, "steps_text": steps_text}
