"""Chapter 6: the loyalty indicator system with this wave's values, the pattern of attitudinal against behavioural
loyalty (``results.loyalty_pattern``), the targets of the next wave (``results.indicator_targets``) and the
before/after comparison with a previous wave (``results.baseline``).
"""
from __future__ import annotations

from analysis.ipma import performance_score
from reports import typeset as ts
from reports.context.base import BuilderBase, plain
from reports.tables import cell, text_cell


def value_text(kind: str, value) -> str:
    """An indicator value as the report prints it: a share as %, the NPS and a 0–100 index with one decimal."""
    return ts.share(value) if kind == "share" else ts.num(value, 1)


def indicator_name(builder: BuilderBase, indicator: str, construct: str | None) -> str:
    if indicator == "index":
        return builder.say("index_name", construct=builder.name(construct))
    return builder.say.data("indicator_names").get(indicator, plain(indicator))


def kpi_text(builder: BuilderBase, indicator: str, construct: str | None) -> str:
    """A KPI with its current value and target (``results.indicator_targets``)."""
    targets = builder.view.indicator_targets
    row = targets.of(indicator, construct) if targets else None
    name = indicator_name(builder, indicator, construct)
    if row is None:
        return name
    return builder.say("kpi", name=name, current=value_text(row.kind, row.current), target=value_text(row.kind, row.target))


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
                                      "pattern": self.loyalty_pattern(), "evaluation": self.baseline(),
                                      "targets": self.targets()}

    def loyalty_pattern(self) -> str:
        """Dick & Basu's pattern of the NPS against the repeat-purchase rate, discussed when the two diverge."""
        pattern = self.view.loyalty_pattern
        if pattern is None:
            return ""
        return self.say("loyalty_pattern", pattern=pattern.pattern, diverges=pattern.diverges,
                        nps=ts.num(pattern.nps, 1), repeat_purchase=ts.share(pattern.repeat_purchase),
                        nps_above=ts.num(pattern.attitude_high_above_nps, 0),
                        repeat_from=ts.share(pattern.repeat_high_from, 0))

    def targets(self) -> str:
        """Chapter 6.2 without a previous wave: the target of each indicator for the next measurement."""
        t, say = self.t, self.say
        methods = say.data("indicator_methods")
        rows = []
        targets = self.view.indicator_targets
        for r in targets.targets if targets else ():
            method = (say("method_index", construct=self.name(r.construct),
                          items=len(self.inst.construct(r.construct).items)) if r.indicator == "index"
                      else methods.get(r.indicator, ts.DASH))
            rows.append([text_cell(indicator_name(self, r.indicator, r.construct)),
                         cell(value_text(r.kind, r.current), r.current), cell(value_text(r.kind, r.target), r.target),
                         text_cell(method), text_cell(say("next_measurement", months=targets.next_measurement_months))])
        self.add_table("indicator_targets", t("indicator_targets"),
                       [t("indicator"), t("current_value"), t("target"), t("measurement_method"), t("next_measurement")],
                       rows, notes=[say("indicator_targets_note", gap=ts.share(targets.gap_closed, 0))] if rows else None,
                       missing=None if rows else self.missing_reason("indicator_targets"))
        return say("indicator_targets", ref=self.ref("indicator_targets"), gap=ts.share(targets.gap_closed, 0),
                   months=targets.next_measurement_months) if rows else ""

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
