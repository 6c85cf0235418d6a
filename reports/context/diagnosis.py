"""Chapter 3.10–3.11: the problems with their evidence and causes, and the platform cases, as analysis decided
them (:mod:`analysis.diagnosis`, read through ``self.view.problems`` and ``self.view.cases``); the author's own
case material (``--case-notes``) is merged into 3.11, delimited, as plain paragraphs and bullets.
"""
from __future__ import annotations

import re

from analysis.diagnosis import ANGLES
from reports import typeset as ts
from reports.context.base import BuilderBase, plain
from reports.tables import cell, text_cell

_BULLET = re.compile(r"^(?:[-*+•]|\d+[.)、])\s+")
_HEADING = re.compile(r"^#+\s*")


def note_blocks(text: str | None, lang: str) -> list[dict]:
    """The author's notes as blocks ``{"text": …, "bullets": []}`` (a paragraph) or ``{"text": "", "bullets": […]}``:
    paragraphs are separated
    by blank lines, ``-``/``*``/``1.`` lines are bullets, Markdown headings become paragraphs of their own and
    emphasis marks are dropped; every text is one line with the report's markers defused (:func:`plain`)."""
    blocks: list[dict] = []
    glue = "" if lang == "zh" else " "
    for chunk in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n")):
        paragraph: list[str] = []
        for raw in chunk.splitlines():
            line = re.sub(r"\*\*|__", "", raw).strip()
            if not line:
                continue
            if _HEADING.match(line) or _BULLET.match(line):
                if paragraph:
                    blocks.append({"text": plain(glue.join(paragraph)), "bullets": []})
                    paragraph = []
            if _HEADING.match(line):
                blocks.append({"text": plain(_HEADING.sub("", line)), "bullets": []})
            elif _BULLET.match(line):
                item = plain(_BULLET.sub("", line))
                if blocks and blocks[-1]["bullets"] and not paragraph:
                    blocks[-1]["bullets"].append(item)
                else:
                    blocks.append({"text": "", "bullets": [item]})
            else:
                paragraph.append(line)
        if paragraph:
            blocks.append({"text": plain(glue.join(paragraph)), "bullets": []})
    return [b for b in blocks if b["text"] or b["bullets"]]


class DiagnosisSections(BuilderBase):
    """3.10 problems and 3.11 cases."""

    def question_name(self, question: str | None) -> str:
        q = next((q for q in self.inst.questions if q.id == question), None)
        return (q.name or q.text).get(self.lang) if q else str(question)

    def item_name(self, item: str) -> str:
        it = next((i for c in self.inst.constructs for i in c.items if i.id == item), None)
        return self.say("item_named", id=item, text=it.text.get(self.lang) if it and it.worded else "")

    # ------------------------------------------------------------------ 3.10 problems
    def evidence_text(self, e) -> str:
        say = self.say
        if e.kind == "group_difference":
            return say("evidence_group", question=self.question_name(e.question), construct=self.name(e.construct),
                       p=ts.p_text(e.pvalue), high=self.question_label(e.question, e.high_code),
                       high_mean=ts.num(e.high_mean), low=self.question_label(e.question, e.low_code),
                       low_mean=ts.num(e.low_mean))
        if e.kind == "indicator":
            nps = e.indicator == "nps"
            return say("evidence_indicator", indicator=e.indicator, value=ts.num(e.value, 1) if nps else ts.share(e.value),
                       threshold=(ts.num(e.threshold, 0) if nps else ts.share(e.threshold, 0)) if e.threshold is not None
                       else None, platform_p=ts.p_text(e.platform_pvalue) if e.platform_pvalue is not None else None)
        label = (e.label or {}).get(self.lang) or e.theme
        return say("evidence_theme", theme=plain(label), count=ts.integer(e.count), share=ts.share(e.share))

    def evidence_texts(self, problem) -> list[str]:
        """The lowest items in one sentence, then the other evidence, one sentence each."""
        lows = problem.of_kind("lowest_item")
        first = [self.say("evidence_lowest_items", construct=self.name(problem.construct),
                          construct_mean=ts.num(lows[0].construct_mean),
                          items=[{"item": self.item_name(e.item), "mean": ts.num(e.mean)} for e in lows])] if lows else []
        return first + [self.evidence_text(e) for e in problem.evidence if e.kind != "lowest_item"]

    def cause_text(self, problem, cause) -> str:
        lows = [self.item_name(e.item) for e in problem.of_kind("lowest_item")]
        groups = problem.of_kind("group_difference")
        members = [g for g in groups if g.question in cause.questions]
        indicator = next((e.indicator for e in problem.of_kind("indicator")), None)
        return self.say("cause", angle=cause.angle, basis=cause.basis, construct=self.name(problem.construct),
                        items=lows, questions=[self.question_name(q) for q in cause.questions],
                        high=self.question_label(members[0].question, members[0].high_code) if members else "",
                        low=self.question_label(members[0].question, members[0].low_code) if members else "",
                        indicator=indicator if problem.kind != "driver_performance" else None,
                        drivers=[self.name(c) for c in self.view.problems.priority_drivers])

    def problems(self, check_failures: list[str]) -> None:
        """3.10: the path readings, one subsection per problem (evidence, causes by angle) and a summary table;
        ``check_failures``: the reliability, validity and fit checks missed (a caveat, not a problem)."""
        t, say, diag = self.t, self.say, self.view.problems
        s = {"paths": "", "entries": [], "limits": "", "checks": say("problem_checks", checks=check_failures)
             if check_failures else ""}
        if diag is None:
            reason = say("problems_need_ipma") if self.view.ipma is None else self.missing_reason("problems")
            s["intro"] = ts.not_computed(reason, self.lang)
            self.v["problems"] = s
            return
        if diag.paths:
            s["paths"] = say("path_readings", paths=[
                {"driver": self.name(r.rhs), "outcome": self.name(r.lhs), "beta": ts.bounded(r.std_all),
                 "p": ts.p_text(r.pvalue), "full": r.reading == "fully_mediated",
                 "via": [self.name(v) for v in r.via]} for r in diag.paths])
        verdicts = say.data("cause_verdicts")
        rows = []
        for k, problem in enumerate(diag.problems):
            title = say("problem_title", kind=problem.kind, construct=self.name(problem.construct),
                        priority=ts.integer(problem.priority))
            evidence = self.evidence_texts(problem)
            causes = {c.angle: c for c in problem.causes}
            s["entries"].append({"heading": f"3.10.{k + 1} {title}",
                               "evidence": say("problem_evidence", evidence=evidence),
                               "causes": say("problem_causes", causes=[self.cause_text(problem, causes[a])
                                                                       for a in ANGLES if a in causes])})
            rows.append([text_cell(title), text_cell(say(
                "evidence_cell", items=[e.item for e in problem.of_kind("lowest_item")],
                questions=[self.question_name(e.question) for e in problem.of_kind("group_difference")],
                indicators=[say.data("indicator_names")[e.indicator] for e in problem.of_kind("indicator")],
                themes=[plain((e.label or {}).get(self.lang) or e.theme) for e in problem.of_kind("open_answer_theme")]))]
                        + [text_cell(verdicts[str(causes[a].shown) if a in causes else "None"]) for a in ANGLES])
        s["intro"] = say("problems_intro", drivers=[self.name(c) for c in diag.priority_drivers],
                         count=ts.integer(diag.priority_count), lowest=ts.integer(diag.lowest_items),
                         themes=diag.open_answer_themes, ref=self.ref("problems") if rows else None)
        if rows:
            self.add_table("problems", t("problems_caption"),
                           [t("problem"), t("evidence"), *(t(f"angle_{a}") for a in ANGLES)], rows,
                           notes=[say("problems_note")])
        else:
            s["intro"] += say("no_problems")
        s["limits"] = say("problems_limits", any_problem=bool(rows))
        self.v["problems"] = s

    # ------------------------------------------------------------------ 3.11 cases
    def cases(self, case_notes: str | None) -> None:
        """3.11: the cases against the whole sample (two tables), the best and the weakest case, the author's
        own material."""
        t, say, cases = self.t, self.say, self.view.cases
        notes = note_blocks(case_notes, self.lang)
        s = {"notes": notes, "notes_intro": say("case_notes_intro") if notes else "",
             "notes_end": say("case_notes_end") if notes else "", "selection": "", "comparison": "", "profiles": []}
        if cases is None or not cases.cases:
            if cases is not None:
                reason = say("no_cases", min_n=ts.integer(cases.min_n))
            elif self.inst.question_by_role("platform") is None or self.outcome is None:
                reason = say("cases_need_platform")
            else:
                reason = self.missing_reason("cases")
            s["selection"] = ts.not_computed(reason, self.lang)
            self.add_table("case_profiles", t("case_profiles_caption"), [], [], missing=reason)
            self.add_table("case_items", t("case_items_caption"), [], [], missing=reason)
            self.v["cases"] = s
            return
        q = cases.question

        def label(code) -> str:
            return self.question_label(q, code)

        s["selection"] = say("case_selection", question=self.question_name(q), min_n=ts.integer(cases.min_n),
                             cases=[label(c.code) for c in cases.cases],
                             other=[label(x.code) for x in cases.left_out if x.reason == "other"],
                             too_few=[(label(x.code), ts.integer(x.n)) for x in cases.left_out if x.reason == "too_few"],
                             ref=self.ref("case_profiles"))
        header = [t("measure"), *(label(c.code) for c in cases.cases), t("whole_sample")]

        def row(name, values, fmt):
            return [text_cell(name), *(cell(fmt(v), v) for v in values)]

        rows = [row("n", [c.n for c in cases.cases] + [cases.sample_n], ts.integer)]
        for cid in self.constructs:
            if cid in cases.sample_means:
                rows.append(row(self.name(cid), [c.construct_means.get(cid) for c in cases.cases]
                                + [cases.sample_means[cid]], ts.num))
        names = say.data("indicator_names")
        for key in ("nps", "repeat_purchase", "paid_membership"):
            values = [getattr(c, key) for c in cases.cases] + [cases.sample_indicators.get(key)]
            if any(v is not None for v in values):
                rows.append(row(names[key], values, (lambda v: ts.num(v, 1)) if key == "nps" else ts.share))
        rows.append([text_cell(t("rank")), *(cell(ts.integer(c.rank), c.rank) for c in cases.cases), text_cell(ts.DASH)])
        self.add_table("case_profiles", t("case_profiles_caption"), header, rows,
                       notes=[say("case_profiles_note", outcome=self.name(cases.ranked_by))])
        item_rows = []
        for c in cases.cases:
            item_rows.append([text_cell(label(c.code)),
                              *(text_cell(self.contrast_text(x, item, short=True)) for x, item in
                                ((c.strongest_item, True), (c.weakest_item, True),
                                 (c.strongest_construct, False), (c.weakest_construct, False)))])
        self.add_table("case_items", t("case_items_caption"),
                       [t("platform"), t("strongest_item"), t("weakest_item"), t("strongest_construct"),
                        t("weakest_construct")], item_rows, notes=[say("case_items_note")])
        for c in cases.cases:
            s["profiles"].append(say(
                "case_profile", platform=label(c.code), n=ts.integer(c.n), outcome=self.name(cases.ranked_by),
                mean=ts.num(c.construct_means.get(cases.ranked_by)),
                sample_mean=ts.num(cases.sample_means.get(cases.ranked_by)),
                nps=ts.num(c.nps, 1) if c.nps is not None else None,
                sample_nps=ts.num(cases.sample_indicators.get("nps"), 1),
                strongest=self.contrast_text(c.strongest_item, True) if c.strongest_item else None,
                weakest=self.contrast_text(c.weakest_item, True) if c.weakest_item else None))
        best, weakest = cases.case(cases.best), cases.case(cases.weakest)
        s["comparison"] = say(
            "case_comparison", outcome=self.name(cases.ranked_by), ref=self.ref("case_items"),
            best=label(best.code) if best else None, weakest=label(weakest.code) if weakest else None,
            best_mean=ts.num(best.construct_means.get(cases.ranked_by)) if best else None,
            weakest_mean=ts.num(weakest.construct_means.get(cases.ranked_by)) if weakest else None,
            best_strength=self.name(best.strongest_construct.id) if best and best.strongest_construct else None,
            weakest_gap=self.name(weakest.weakest_construct.id) if weakest and weakest.weakest_construct else None,
            significant=cases.difference_significant,
            p=ts.p_text(cases.difference_pvalue) if cases.difference_pvalue is not None else None)
        self.v["cases"] = s

    def contrast_text(self, x, item: bool, short: bool = False) -> str:
        """``BI4“…”（4.06 / 3.76）``: an item (its id alone when ``short``) or a construct, case mean / sample mean."""
        if x is None:
            return ts.DASH
        name = (x.id if short else self.item_name(x.id)) if item else self.name(x.id)
        return self.say("contrast", name=name, mean=ts.num(x.mean),
                        sample_mean=ts.num(x.sample_mean))
