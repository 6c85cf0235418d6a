"""Chapter 6: the loyalty indicator system with this wave's values, and the before/after comparison with a
previous wave (``results.baseline``).
"""
from __future__ import annotations

from analysis.ipma import performance_score
from reports import typeset as ts
from reports.context.base import BuilderBase, plain
from reports.tables import cell, text_cell


class EvaluationSections(BuilderBase):
    """Chapter 6 sections."""

    # ------------------------------------------------------------------ chapter 6: indicator system
    def indicator_system(self, indicator_values: dict[str, str]) -> None:
        t, say = self.t, self.say
        perf = {p.construct: p.performance for p in self.view.ipma.priorities} if self.view.ipma else {}
        mediator = next((reg.lhs for reg in self.inst.structural if reg.lhs != self.outcome), None)

        def performance(cid):
            if cid in perf:
                return perf[cid]
            m = self.construct_means().get(cid) if cid else None
            scale = self.inst.construct(cid).scale if cid in self.constructs else self.inst.scale
            return performance_score(m, scale.min, scale.max) if ts.is_number(m) else None

        values = {"satisfaction": performance(mediator), "loyalty": performance(self.outcome)}
        rows = []
        for name, definition, formula, source in say.data("indicator_system"):
            raw = values.get(source)
            text = indicator_values.get(source)
            value = text if text else (ts.num(raw, 1) if ts.is_number(raw) else
                                       say("needs_previous_wave") if source == "retention" else ts.DASH)
            rows.append([text_cell(name), text_cell(definition), text_cell(formula), cell(value, raw)])
        self.add_table("indicator_system", t("loyalty_indicator_system"),
                       [t("indicator"), t("definition"), t("formula"), t("current_value")],
                       rows)
        self.v["indicator_system"] = {"text": say("indicator_system_text", ref=self.ref("indicator_system")),
                                      "evaluation": self.baseline()}

    def baseline(self) -> str:
        """Chapter 6.2: the before/after tables from ``results.baseline`` (analysis.describe.waves.WaveComparison)."""
        t, say, b = self.t, self.say, self.view.baseline
        ci_name = f"{ts.integer(100 * b.level) if b and b.level is not None else 95}% CI"
        constructs, rates = (b.constructs, b.rates) if b else ((), ())
        crow = [[text_cell(self.name_id(c.construct)), cell(ts.num(c.mean_before), c.mean_before),
                 cell(ts.num(c.mean_after), c.mean_after), cell(ts.num(c.diff, 3), c.diff),
                 text_cell(ts.ci(c.ci_lower, c.ci_upper, 3, False)), text_cell(f"t({ts.num(c.df, 1)}) = {ts.num(c.t)}"),
                 text_cell(ts.p_value(c.pvalue)), cell(ts.num(c.cohens_d), c.cohens_d)] for c in constructs]
        self.add_table("baseline_constructs", t("construct_means_before_and_after"),
                       [t("construct"), t("before_m"), t("after_m"), t("difference"),
                        ci_name, "Welch t", "p", "Cohen's d"], crow, notes=[say("baseline_constructs_note")],
                       missing=None if crow else (say("no_previous_wave") if b is None
                                                  else self.missing_reason("baseline.constructs")))
        names = say.data("indicator_names")
        rrow = [[text_cell(names.get(r.indicator, plain(r.indicator))), cell(ts.share(r.before), r.before),
                 cell(ts.share(r.after), r.after), cell(ts.share(r.diff), r.diff),
                 text_cell(ts.ci_percent(r.ci_lower, r.ci_upper)), cell(ts.num(r.z), r.z), text_cell(ts.p_value(r.pvalue))]
                for r in rates]
        nps = b.nps if b else None
        if nps:
            rrow.append([text_cell("NPS"), cell(ts.num(nps.before, 1), nps.before), cell(ts.num(nps.after, 1), nps.after),
                         cell(ts.num(nps.diff, 1), nps.diff), text_cell(ts.ci(nps.ci_lower, nps.ci_upper, 1, False)),
                         cell(ts.num(nps.z), nps.z), text_cell(ts.p_value(nps.pvalue))])
        self.add_table("baseline_rates", t("loyalty_indicators_before_and_after"),
                       [t("indicator"), t("before"), t("after"), t("change"), ci_name, "z", "p"],
                       rrow, notes=[say("baseline_rates_note")],
                       missing=None if rrow else (say("no_previous_wave") if b is None
                                                  else self.missing_reason("baseline.rates")))
        self.v["baseline"] = b is not None
        if b is None:
            return say("first_wave")
        changed = [{"construct": self.name(c.construct), "up": (c.diff or 0) > 0, "change": ts.num(abs(c.diff or 0), 2),
                    "p": ts.p_text(c.pvalue), "d": ts.num(c.cohens_d)} for c in constructs if c.significant]
        return say("baseline", data_file=plain(b.previous_data_file) or ts.DASH, n=ts.integer(b.previous_n),
                   ref_constructs=self.ref("baseline_constructs"), ref_rates=self.ref("baseline_rates"),
                   has_constructs=bool(constructs), changed=changed,
                   nps={"before": ts.num(nps.before, 1), "after": ts.num(nps.after, 1), "diff": ts.num(nps.diff, 1),
                        "ci_name": ci_name, "ci": ts.ci(nps.ci_lower, nps.ci_upper, 1, False),
                        "significant": nps.significant} if nps else None)
