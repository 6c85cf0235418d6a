"""Chapters 4–5 from the model to action: the importance–performance map (IPMA) and its priorities, the four
strategy areas ordered by priority and argued from each driver's weakest items and open-answer themes, and the
phased implementation plan (``results.action_plan``).
"""
from __future__ import annotations

from reports import typeset as ts
from reports.context.base import plain
from reports.context.evaluation import kpi_text
from reports.context.open_answers import OpenAnswerSections
from reports.tables import cell, text_cell

# The four strategy headings of the outline (chapter 4) and the constructs each one acts on.
STRATEGY_AREAS = ("product_service", "programme", "brand", "personal")
AREA_OF_CONSTRUCT = {"PQ": "product_service", "SQ": "product_service", "PR": "programme", "CS": "programme",
                     "BI": "brand", "EX": "personal"}


class StrategySections(OpenAnswerSections):
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
    def item_text(self, item_id: str) -> str:
        item = next((i for i in self.inst.items if i.id == item_id), None)
        return plain(item.text.get(self.lang)) if item else plain(item_id)

    def driver_evidence(self, rank: int, p) -> tuple[str, list[str]]:
        """A driver's evidence (IPMA rank and quadrant, weakest items, open-answer themes linked to it) and the
        measures tied to that evidence (``results.action_plan``)."""
        say, action = self.say, self.view.action_plan.driver(p.construct) if self.view.action_plan else None
        items = [{"text": self.item_text(i), "mean": ts.num(m)} for i, m in action.weakest_items] if action else []
        themes = self.themes_of(action.themes) if action else []
        praised = self.themes_of(action.praised_themes) if action else []
        evidence = say("evidence_driver", construct=self.name(p.construct), importance=ts.num(p.importance, 3),
                       rank=rank + 1, performance=ts.num(p.performance, 1), quadrant=self.quadrant_name(p.quadrant),
                       items=items, themes=themes, praised=praised)
        actions = say.data("theme_actions")
        measures = [say("measure_items", construct=self.name(p.construct), items=items, phase=action.phase)] if items else []
        measures += [say("measure_theme", action=actions.get(th["id"]) or say("theme_action_default", label=th["label"]),
                         label=th["label"], count=th["concerns"]) for th in themes]
        pattern = self.view.loyalty_pattern
        if action and action.phase == "short" and pattern and pattern.diverges:
            measures.append(say("measure_loyalty_pattern", pattern=pattern.pattern))
        return evidence, measures

    def themes_of(self, theme_ids) -> list[dict]:
        """The open-answer themes of ``theme_ids`` as the sentences cite them: label, wishes or complaints (answers
        that are not praise), praise, and the first example quote."""
        coded = self.view.open_answers
        found = [th for th in (coded.theme(tid) for tid in theme_ids) if th] if coded else []
        return [{"id": th.id, "label": self.theme_label(th),
                 "concerns": ts.integer(th.count - (th.n_praise or 0)), "praise": ts.integer(th.n_praise or 0),
                 "quote": self.quote(th.examples[0]) if th.examples else ""} for th in found]

    def strategies(self, indicator_values: dict[str, str]) -> list[dict]:
        """The four strategy areas in the order of the IPMA priorities, each argued from its drivers' evidence;
        an area without evidence keeps the measures of the literature. Returned for the plan and the abstract."""
        say = self.say
        headings, general = say.data("strategy_headings"), say.data("strategy_measures")
        priorities = self.view.ipma.priorities if self.view.ipma else ()
        areas = {a: [] for a in STRATEGY_AREAS}
        for rank, p in enumerate(priorities):
            areas[AREA_OF_CONSTRUCT.get(p.construct, "personal")].append((rank, p))
        order = sorted(STRATEGY_AREAS, key=lambda a: (min((r for r, _ in areas[a]), default=99), STRATEGY_AREAS.index(a)))
        sections = []
        for k, area in enumerate(order):
            evidence, measures = [], []
            for rank, p in areas[area]:
                text, tied = self.driver_evidence(rank, p)
                evidence.append(text)
                measures += tied
            if area == "programme":
                rp = indicator_values.get("repeat_purchase")
                mb = indicator_values.get("paid_membership")
                if rp or mb:
                    evidence.append(say("evidence_programme", repeat_purchase=rp or ts.DASH, membership=mb or ts.DASH))
            if area == "brand" and indicator_values.get("nps"):
                evidence.append(say("evidence_brand", nps=indicator_values["nps"]))
            sections.append({"heading": f"4.{k + 2} " + headings[area],
                             "text": say("strategy_evidence", evidence=evidence, from_literature=not measures),
                             "measures": measures or list(general[area]), "area": area})
        self.v["strategies"] = {"sections": sections,
                                "order": say("strategy_order", headings=[s["heading"].split(" ", 1)[1] for s in sections])}
        return sections

    # ------------------------------------------------------------------ chapter 5: plan
    def plan(self) -> None:
        """The phased plan of ``results.action_plan``: one row per driver in priority order, with its tasks (weakest
        items, linked themes), the owner's role and the KPIs with their targets (chapter 6)."""
        t, say, plan = self.t, self.say, self.view.action_plan
        reason = self.missing_reason("ipma" if self.view.ipma is None else "action_plan")
        rows = []
        for d in plan.drivers if plan else ():
            themes = [th["label"] for th in self.themes_of(d.themes)]
            kpis = [kpi_text(self, k.indicator, k.construct) for k in d.kpis]
            rows.append([text_cell(self.phase_name(d.phase)),
                         text_cell(say("plan_driver", construct=self.name(d.construct), rank=d.priority)),
                         text_cell(say("plan_task", items=[self.item_text(i) for i, _ in d.weakest_items], themes=themes,
                                             phase=d.phase)),
                         text_cell(self.owner(d.construct)), text_cell(say("names", names=kpis))])
        self.add_table("plan", t("implementation_plan"),
                       [t("phase"), t("driver_priority"), t("key_task"), t("owner"), t("kpi_current_target")], rows,
                       notes=[say("plan_note", outcome_kpi=kpi_text(self, plan.outcome_kpi.indicator, plan.outcome_kpi.construct)
                                   if plan.outcome_kpi else "")] if rows else None,
                       missing=None if rows else reason)
        self.v["plan"] = {"text": say("plan", ref=self.ref("plan"), ref_targets=self.ref("indicator_targets"),
                                      short=self.phase_name("short"), medium=self.phase_name("medium"),
                                      long=self.phase_name("long")) if rows else
                          ts.not_computed(reason, self.lang)}

    def resources(self) -> None:
        """Chapter 5.2 from the plan: the roles that own its tasks and the KPIs they answer for (people), what the
        next measurement needs (technology), and the budget in the order of the phases (funds)."""
        say, plan, targets = self.say, self.view.action_plan, self.view.indicator_targets
        if not plan or not plan.drivers:
            self.v["resources"] = {"general": True}
            return
        roles: dict[str, list] = {}
        for d in plan.drivers:
            roles.setdefault(self.owner(d.construct), []).append(d)
        people = [{"role": role, "drivers": [self.name(d.construct) for d in ds],
                   "kpis": [kpi_text(self, k.indicator, k.construct) for d in ds for k in d.kpis],
                   "short": any(d.phase == "short" for d in ds)} for role, ds in roles.items()]
        by_phase = {phase: [self.name(d.construct) for d in plan.drivers if d.phase == phase]
                    for phase in ("short", "medium", "long")}
        self.v["resources"] = {
            "general": False,
            "people": say("resources_people", roles=people, ref=self.ref("plan"),
                          ref_targets=self.ref("indicator_targets"), short=self.phase_name("short")),
            "technology": say("resources_technology", months=targets.next_measurement_months if targets else None,
                              ref_system=self.ref("indicator_system"),
                              themes=bool(self.view.open_answers and self.view.open_answers.themes)),
            "funds": say("resources_funds", phases=[{"phase": self.phase_name(ph), "drivers": names, "kind": ph}
                                                    for ph, names in by_phase.items() if names],
                         ref_targets=self.ref("indicator_targets")),
        }

    def owner(self, construct: str) -> str:
        """The role that owns a driver's tasks (the plan's owner column, 5.2's staffing)."""
        owners = self.say.data("plan_owners")
        return owners.get(construct, owners["default"])

    def phase_name(self, phase: str) -> str:
        months = self.view.action_plan.phase_months.get(phase, (None, None)) if self.view.action_plan else (None, None)
        return self.say("phase_name", phase=phase, start=months[0], end=months[1])
