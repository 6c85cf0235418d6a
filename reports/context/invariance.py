"""Chapter 3.8.5: measurement invariance across groups and the structural paths per group (multi-group SEM).

Shown only when the run had ``--groups`` (results.json ``invariance``); the steps' verdicts (``holds``) and
the paths' (``differs``) are analysis's.
"""
from __future__ import annotations

from analysis.results_view.invariance import InvarianceStep
from analysis.sem.invariance import (CONFIGURAL_CFI, CONFIGURAL_RMSEA, DELTA_CFI_LIMIT, DELTA_RMSEA_LIMIT,
                                     PATHS_MODELS, STEPS)

STEP_NAMES = tuple(name for name, _ in STEPS)
from reports import typeset as ts
from reports.context.base import BuilderBase
from reports.tables import cell, text_cell


class InvarianceSections(BuilderBase):
    """The invariance table, the path-equality table and their sentences."""

    def model_name(self, model: str | None) -> str:
        """The label of an invariance step (``configural`` … ``strict``), a dash for anything else."""
        return self.t(f"invariance_{model}") if model in STEP_NAMES else ts.DASH

    def step_row(self, step: InvarianceStep) -> list:
        t = self.t
        name = self.model_name(step.model)
        if step.freed:
            name = self.say("invariance_partial_model", model=name, freed=list(step.freed))
        return [text_cell(name), cell(ts.chisq(step.chisq, step.df), step.chisq),
                cell(ts.bounded(step.cfi), step.cfi), cell(ts.bounded(step.tli), step.tli),
                cell(ts.bounded(step.rmsea), step.rmsea), cell(ts.bounded(step.srmr), step.srmr),
                cell(ts.num(step.delta_chisq) if step.delta_chisq is None else
                     f"{ts.num(step.delta_chisq)} ({ts.integer(step.delta_df)})", step.delta_chisq),
                text_cell(ts.p_value(step.delta_pvalue)), cell(ts.bounded(step.delta_cfi), step.delta_cfi),
                cell(ts.bounded(step.delta_rmsea), step.delta_rmsea),
                text_cell(ts.DASH if step.holds is None else t("holds") if step.holds else t("does_not_hold"))]

    def invariance(self) -> None:
        inv = self.view.invariance
        if inv is None:
            self.v["invariance"] = {"shown": False}
            return
        t, say = self.t, self.say
        question = next((q for q in self.inst.questions if q.id == inv.group), None)
        asked = question.text.get(self.lang) if question else inv.group
        s = {"shown": True, "groups": say(
            "invariance_groups", question=asked,
            groups=[(g.label, ts.integer(g.n)) for g in inv.groups],
            left_out=[(g.label, ts.integer(g.n)) for g in inv.left_out], minimum=ts.integer(inv.min_group_n))}
        rows = [self.step_row(step) for step in (*inv.steps, *inv.partial)]
        self.add_table("invariance", t("invariance_caption"),
                       [t("model"), "χ²(df)", "CFI", "TLI", "RMSEA", "SRMR", "Δχ²(Δdf)", "p", "ΔCFI", "ΔRMSEA",
                        t("verdict")], rows,
                       notes=[say("invariance_note", d_cfi=ts.bounded(DELTA_CFI_LIMIT, 2),
                                  d_rmsea=ts.bounded(DELTA_RMSEA_LIMIT, 3), cfi=ts.bounded(CONFIGURAL_CFI, 2),
                                  rmsea=ts.bounded(CONFIGURAL_RMSEA, 2), scaled=inv.scaled_difference)],
                       missing=None if rows else say("invariance_too_few_groups", minimum=ts.integer(inv.min_group_n)))
        s["steps"] = say("invariance_steps", ref=self.ref("invariance"),
                         steps=[(self.model_name(x.model), x.holds, ts.bounded(x.delta_cfi),
                                 ts.bounded(x.delta_rmsea)) for x in inv.steps]) if rows else ""
        last = {x.model: x for x in inv.partial}  # the last partial model of each step
        s["partial"] = say("invariance_partial", steps=[(self.model_name(m), list(x.freed), x.holds)
                                                        for m, x in last.items()]) if last else ""
        groups = [g.label for g in inv.groups]
        rows = []
        for path in inv.paths:
            by_group = {g.group: g for g in path.per_group}
            row = [text_cell(f"{self.name(path.rhs)} → {self.name(path.lhs)}")]
            for label in groups:
                g = by_group.get(label)
                row += [cell(ts.num(g.est, 3) if g else ts.DASH, g.est if g else None),
                        cell(ts.coef(g.std_all, g.pvalue) if g else ts.DASH, g.std_all if g else None)]
            row += [cell(ts.num(path.delta_chisq), path.delta_chisq), text_cell(ts.p_value(path.delta_pvalue)),
                    text_cell(ts.DASH if path.differs is None else t("differs") if path.differs else t("equal"))]
            rows.append(row)
        if inv.paths:
            header = [t("path")] + [f"{label} {h}" for label in groups for h in ("B", "β")] + ["Δχ²", "p",
                                                                                             t("conclusion")]
            self.add_table("path_equality", t("path_equality_caption"), header, rows,
                           notes=[say("path_equality_note", model=t(f"paths_{inv.paths_model if inv.paths_model in PATHS_MODELS else 'metric'}"),
                                      df=ts.integer(inv.paths[0].delta_df)), ts.stars_legend(self.lang)])
            s["paths"] = say("invariance_paths", ref=self.ref("path_equality"), question=asked,
                             differing=[f"{self.name(p.rhs)} → {self.name(p.lhs)}" for p in inv.paths if p.differs])
        else:
            s["paths"] = ""
        self.v["invariance"] = s
