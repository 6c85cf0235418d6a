"""Chapters 4–5 from the model to action: the importance–performance map (IPMA) and its priorities, the four
strategy areas ordered by priority, and the phased implementation plan.
"""
from __future__ import annotations

from reports import typeset as ts
from reports.context.base import BuilderBase
from reports.tables import cell, text_cell

# The four strategy headings of the outline (chapter 4) and the constructs each one acts on.
STRATEGY_AREAS = ("product_service", "programme", "brand", "personal")
AREA_OF_CONSTRUCT = {"PQ": "product_service", "SQ": "product_service", "PR": "programme", "CS": "programme",
                     "BI": "brand", "EX": "personal"}


class StrategySections(BuilderBase):
    """IPMA, problem, strategy and plan sections."""

    def quadrant_name(self, quadrant: str) -> str:
        return self.say.data("quadrants")[quadrant]

    # ------------------------------------------------------------------ chapter 4: IPMA
    def ipma(self) -> None:
        t, ipma = self.t, self.view.ipma
        if ipma is None:
            reason = self.missing_reason("ipma")
            self.add_table("ipma", t("ipma_analysis"), [], [], missing=reason)
            self.add_figure("ipma_map", "ipma", t("importance_performance_map"), None, missing=reason)
            self.v["ipma"] = {"text": ts.not_computed(reason, self.lang)}
            return
        mi, mp = ipma.mean_importance, ipma.mean_performance
        outcome = self.name(self.outcome) if self.outcome else None
        rows = [[cell(ts.integer(k + 1), k + 1), text_cell(self.name_id(p.construct)),
                 cell(ts.num(p.importance, 3), p.importance), cell(ts.num(p.performance, 1), p.performance),
                 text_cell(self.quadrant_name(p.quadrant))] for k, p in enumerate(ipma.priorities)]
        self.add_table("ipma", t("ipma_priorities"),
                       [t("priority"), t("construct"), t("importance_total_effect"),
                        t("performance_0_100"), t("quadrant")], rows,
                       notes=[self.say("ipma_note", outcome=outcome, mean_importance=ts.num(mi, 3),
                                       mean_performance=ts.num(mp, 1))])
        points = [{"label": self.say("ipma_point", name=self.name(p.construct), rank=p.priority),
                   "importance": p.importance, "performance": p.performance, "priority": p.improve_first}
                  for p in ipma.priorities]
        first = [self.name(p.construct) for p in ipma.priorities if p.improve_first]
        self.add_figure("ipma_map", "ipma", t("ipma_map_figure"),
                        {"points": points, "mean_importance": mi, "mean_performance": mp,
                         "xlabel": t("importance_total_effect_on_loyalty"),
                         "ylabel": t("performance_0_100"),
                         "quadrant_note": t("lower_right_improve_first") if first else ""})
        top = ipma.priorities[0]
        self.v["ipma"] = {"text": self.say("ipma", outcome=outcome, improve_first=ts.join(first, self.lang) if first else "",
                                           top=self.name(top.construct), top_quadrant=self.quadrant_name(top.quadrant),
                                           ref_map=self.ref("ipma_map"), ref_table=self.ref("ipma"))}

    # ------------------------------------------------------------------ chapter 4: strategies
    def strategies(self, indicator_values: dict[str, str]) -> list[dict]:
        """The four strategy areas in the order of the IPMA priorities; returned for the plan and the abstract."""
        say = self.say
        headings, measures = say.data("strategy_headings"), say.data("strategy_measures")
        priorities = self.view.ipma.priorities if self.view.ipma else ()
        areas = {a: [] for a in STRATEGY_AREAS}
        for rank, p in enumerate(priorities):
            areas[AREA_OF_CONSTRUCT.get(p.construct, "personal")].append((rank, p))
        order = sorted(STRATEGY_AREAS, key=lambda a: (min((r for r, _ in areas[a]), default=99), STRATEGY_AREAS.index(a)))
        sections = []
        for k, area in enumerate(order):
            evidence = [say("evidence_priority", construct=self.name(p.construct), importance=ts.num(p.importance, 3),
                            rank=rank + 1, performance=ts.num(p.performance, 1), quadrant=self.quadrant_name(p.quadrant))
                        for rank, p in areas[area]]
            if area == "programme":
                rp = indicator_values.get("repeat_purchase")
                mb = indicator_values.get("paid_membership")
                if rp or mb:
                    evidence.append(say("evidence_programme", repeat_purchase=rp or ts.DASH, membership=mb or ts.DASH))
            if area == "brand" and indicator_values.get("nps"):
                evidence.append(say("evidence_brand", nps=indicator_values["nps"]))
            sections.append({"heading": f"4.{k + 2} " + headings[area], "text": say("strategy_evidence", evidence=evidence),
                             "measures": list(measures[area]), "area": area})
        self.v["strategies"] = {"sections": sections,
                                "order": say("strategy_order", headings=[s["heading"].split(" ", 1)[1] for s in sections])}
        return sections

    # ------------------------------------------------------------------ chapter 5: plan
    def plan(self, sections: list[dict]) -> None:
        t, say = self.t, self.say
        phases, owners, kpis = say.data("plan_phases"), say.data("plan_owners"), say.data("plan_kpis")
        priorities = self.view.ipma.priorities if self.view.ipma else ()
        rows = []
        for k, sec in enumerate(sections):
            constructs = [self.name(p.construct) for p in priorities
                          if AREA_OF_CONSTRUCT.get(p.construct, "personal") == sec["area"]]
            rows.append([text_cell(phases[min(k, 2)]), text_cell(sec["heading"].split(" ", 1)[1]),
                         text_cell(say("names", names=constructs)),
                         text_cell(sec["measures"][0]), text_cell(owners[sec["area"]]), text_cell(kpis[sec["area"]])])
        self.add_table("plan", t("implementation_plan"),
                       [t("phase"), t("strategy"), t("constructs"), t("key_task"),
                        t("owner"), t("kpi")], rows,
                       notes=[say("plan_note")], missing=None if rows else self.missing_reason("ipma"))
        self.v["plan"] = {"text": say("plan", ref=self.ref("plan")) if rows else
                          ts.not_computed(self.missing_reason("ipma"), self.lang)}
