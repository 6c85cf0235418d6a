"""The parts that frame the analysis: abstract, chapter 1's research framework, chapter 2's constructs,
hypotheses and model figures, chapter 7's conclusions and limitations (the reference list is
:mod:`reports.bibliography`).
"""
from __future__ import annotations

from reports import typeset as ts
from reports.context.base import DIAGNOSTIC_NAMES, BuilderBase
from reports.tables import cell, text_cell


class FramingSections(BuilderBase):
    """Abstract, chapters 1, 2 and 7."""

    # ------------------------------------------------------------------ chapter 7
    def limitations(self) -> None:
        say, view = self.say, self.view
        items = [say("limitation_cross_sectional")]
        n = view.meta.n_analyzed
        if view.cfa is not None and view.cfa.loadings and n is not None:
            free = len(self.inst.item_ids)
            items.append(say("limitation_sample_size", n=ts.integer(n), items=free, ratio=ts.num(n / free, 1),
                             enough=view.meta.enough_cases(free)))
        if view.normality and view.normality.rejected:
            robust = view.estimator.estimator if view.estimator and view.estimator.robust else None
            items.append(say("limitation_non_normal", robust=robust))
        if view.common_method:
            items.append(say("limitation_common_method", share=ts.percent(view.common_method.harman_pct)))
        if view.warnings:
            meanings = list(dict.fromkeys(DIAGNOSTIC_NAMES[w.code][0 if self.lang == "zh" else 1]
                                          for w in view.warnings if w.code in DIAGNOSTIC_NAMES))
            items.append(say("limitation_diagnostics", count=len(view.warnings), ref=self.ref("diagnostics"),
                             meanings=meanings))
        items.append(say("limitation_convenience_sample"))
        self.v["limitations"] = {"points": items, "future": list(say.data("future_research"))}

    def framework(self) -> None:
        """Chapter 1's research framework: the study's steps from the literature to the conclusions."""
        say, meta, sem = self.say, self.view.meta, self.view.sem
        details = {"survey": say("framework_survey", constructs=len(self.constructs), items=len(self.inst.item_ids),
                                 returned=ts.integer(meta.n_raw),
                                 valid=ts.integer(meta.n_valid) if meta.n_valid is not None else None),
                   "sem": say("framework_sem", bootstrap=ts.integer((sem and sem.bootstrap.B) or meta.bootstrap)
                              if ((sem and sem.bootstrap.B) or meta.bootstrap) is not None else None)}
        steps = [{"stage": stage, "label": label, "detail": details.get(detail, detail)}
                 for stage, label, detail in say.data("framework_steps")]
        self.add_figure("framework", "framework", self.t("research_framework"), {"steps": steps})

    def model_figures(self) -> None:
        t = self.t
        self.framework()
        cons = [c for c in self.constructs if any(c == r.lhs or c in r.rhs for r in self.inst.structural)]
        if not self.inst.structural:
            reason = t("the_instrument_has_no_structural_model")
            self.add_figure("research_model", "research_model", t("research_model"), None, missing=reason)
            self.add_figure("path_diagram", "path_diagram", t("path_diagram"), None, missing=reason)
            return
        hyp = {h.path: h.label for h in self.inst.hypotheses}
        nodes = [{"id": c, "label": self.name(c)} for c in cons]
        edges = [{"from": x, "to": reg.lhs, "label": hyp.get((x, reg.lhs), "")} for reg in self.inst.structural for x in reg.rhs]
        self.add_figure("research_model", "research_model", t("research_model"), {"nodes": nodes, "edges": edges})
        paths = self.view.sem.paths if self.view.sem else ()
        r2 = self.view.sem.r2 if self.view.sem else {}
        est = {(p.rhs, p.lhs): p for p in paths}
        if not est:
            self.add_figure("path_diagram", "path_diagram", t("path_diagram"), None,
                            missing=self.missing_reason("sem.paths"))
            return
        pnodes = [{"id": c, "label": self.name(c),
                   "note": f"R² = {ts.bounded(r2[c])}" if ts.is_number(r2.get(c)) else ""} for c in cons]
        pedges = []
        for e in edges:
            p = est.get((e["from"], e["to"]))
            pedges.append({"from": e["from"], "to": e["to"], "label": ts.coef(p and p.std_all, p and p.pvalue, 2),
                           "significant": p is not None and p.significant})
        self.add_figure("path_diagram", "path_diagram", t("path_diagram_standardized_coefficients"),
                        {"nodes": pnodes, "edges": pedges,
                         "legend": ts.stars_legend(self.lang) + t("dashed_not_significant")})

    def conclusions(self, indicator_values: dict[str, str]) -> list[str]:
        """Chapter 7's findings, one sentence each; returned for the abstract."""
        say, sem, outcome = self.say, self.view.sem, self.name(self.outcome)
        items = []
        if sem and (sem.supported or sem.rejected):
            items.append(say("conclusion_hypotheses", supported=sem.supported, rejected=sem.rejected))
        strongest = max((p for p in sem.paths if p.std_all is not None and p.lhs == self.outcome),
                        key=lambda p: p.std_all, default=None) if sem else None
        if strongest is not None:
            explained = sem.r2.get(self.outcome)
            items.append(say("conclusion_strongest", outcome=outcome, driver=self.name(strongest.rhs),
                             beta=ts.bounded(strongest.std_all),
                             explained=ts.percent(100 * explained) if ts.is_number(explained) else None))
        if self.significant_mediation():
            items.append(say("conclusion_mediation", chains=self.significant_mediation(), outcome=outcome))
        if self.view.ipma:
            top = self.view.ipma.priorities[0]
            items.append(say("conclusion_priority", construct=self.name(top.construct),
                             importance=ts.num(top.importance, 3), performance=ts.num(top.performance, 1),
                             quadrant=self.quadrant_name(top.quadrant)))
        if indicator_values:
            items.append(say("conclusion_loyalty", nps=indicator_values.get("nps"),
                             repeat_purchase=indicator_values.get("repeat_purchase"),
                             membership=indicator_values.get("paid_membership")))
        if not items:
            items.append(ts.not_computed(say("no_conclusions"), self.lang))
        self.v["conclusions"] = {"points": items}
        return items

    def abstract(self, fit_failures: list[str], conclusions: list[str], strategy_headings: list[str]) -> None:
        say, view = self.say, self.view
        parts = []
        if view.meta.n_valid is not None:
            parts.append(say("abstract_sample", constructs=len(self.constructs), items=len(self.inst.item_ids),
                             valid=ts.integer(view.meta.n_valid)))
        alphas = self.alpha_range()
        if alphas:
            parts.append(say("abstract_alpha", low=ts.bounded(alphas[0]), high=ts.bounded(alphas[1])))
        if view.cfa and view.cfa.fit:
            f = view.cfa.fit.values
            parts.append(say("abstract_cfa", fits_well=not fit_failures, cfi=ts.bounded(f["cfi"]),
                             rmsea=ts.bounded(f["rmsea"]), srmr=ts.bounded(f["srmr"])))
        self.v["abstract"] = {
            "background": say("abstract_background"),
            "method": self._method_sentence(),
            "numbers": say("sentences_joined", parts=parts) if parts else "",
            "findings": say("paragraph", sentences=conclusions),
            "strategies": say("abstract_strategies", headings=strategy_headings),
            "keywords": say("abstract_keywords")}

    def _method_sentence(self) -> str:
        """What was modelled and how, from the instrument and the sections that were computed."""
        inst = self.inst
        drivers = inst.exogenous
        names = ts.join([self.name(c) for c in drivers], self.lang)
        if not inst.structural:
            return self.say("method_measurement", drivers=names, n_drivers=len(drivers))
        mediators = [self.name(c) for c in dict.fromkeys(r.lhs for r in inst.structural) if c != self.outcome]
        return self.say("method_structural", drivers=names, mediators=mediators, outcome=self.name(self.outcome),
                        ipma=self.view.ipma is not None)

    def theory(self) -> None:
        t = self.t
        rows = []
        for c in self.inst.constructs:
            rows.append([text_cell(self.name_id(c.id)), text_cell(c.definition.get(self.lang) if c.definition else ts.DASH),
                         cell(ts.integer(len(c.items)), len(c.items)), text_cell(self.scale_source(c))])
        self.add_table("constructs", t("constructs_definitions_and_scale_sources"),
                       [t("construct"), t("definition"), t("items"), t("source")], rows)
        hrows = []
        for h in self.inst.hypotheses:
            path = " → ".join(self.name(x) for x in h.path)
            kind = t("indirect") if h.is_indirect else t("direct")
            claim = self.say("hypothesis_claim", source=self.name(h.path[0]), target=self.name(h.path[-1]),
                             via=[self.name(x) for x in h.path[1:-1]], positive=h.sign == "+")
            hrows.append([text_cell(h.label), text_cell(path), text_cell(kind), text_cell(claim)])
        self.add_table("hypotheses", t("hypotheses"),
                       [t("label"), t("path"), t("type"), t("statement")], hrows,
                       missing=None if hrows else t("the_instrument_states_no_hypothesis"))
        drivers = [{"name": self.name(c), "definition": self.inst.construct(c).definition.get(self.lang)
                    if self.inst.construct(c).definition else ts.DASH, "source": self.scale_source(self.inst.construct(c), "")}
                   for c in self.inst.drivers]
        moderators = [self.say("theory_moderator", moderator=self.name(m.m), x=self.name(m.x), y=self.name(m.y),
                               definition=self.inst.construct(m.m).definition.get(self.lang)
                               if self.inst.construct(m.m).definition else "",
                               source=self.scale_source(self.inst.construct(m.m), ""),
                               in_model=m.m in self.inst.structural_constructs)
                      for m in self.inst.moderation if m.m in self.constructs]
        self.v["theory"] = {"drivers": drivers, "moderators": moderators,
                            "model": self.say("theory_model", ref_model=self.ref("research_model"),
                                              ref_hypotheses=self.ref("hypotheses"), ref_constructs=self.ref("constructs")),
                            "structural": self.inst.structural_syntax()}

    @staticmethod
    def scale_source(construct, unknown: str = ts.DASH) -> str:
        """Where the construct's items come from: citations of its ``references`` (resolved in reading order by
        :mod:`reports.bibliography`), else the instrument's ``source`` text, else ``unknown``."""
        if construct.references:
            return f"[[citet:{','.join(construct.references)}]]"
        return construct.source or unknown
