"""Chapter 3: the moderation tests (3.8.4: hierarchical steps, simple slopes, Johnson–Neyman, the simple-slopes
figure) and the group differences (3.6: one table and one paragraph per background question).
"""
from __future__ import annotations

from analysis.results_view import GroupComparison, Moderation
from reports import typeset as ts
from reports.context.base import BuilderBase
from reports.tables import cell, text_cell

#: how each test's statistic is named in tables and sentences
STATISTIC = {"t": "t", "welch_t": "t", "anova": "F", "welch_anova": "F", "mann_whitney": "U", "kruskal": "H"}


class DifferenceSections(BuilderBase):
    """Moderation and group-difference sections."""

    # ------------------------------------------------------------------ names
    def variable_name(self, variable: str) -> str:
        """A construct's name, or a background question's short name."""
        if variable in self.constructs:
            return self.name(variable)
        question = next((q for q in self.inst.questions if q.id == variable), None)
        if question is None:
            return variable
        return (question.name or question.text).get(self.lang)

    def group_label(self, question: str, group) -> str:
        return self.question_label(question, group.code) if group.code is not None else (group.label or ts.DASH)

    # ------------------------------------------------------------------ 3.8.4 moderation
    def moderation(self) -> None:
        t, say = self.t, self.say
        models = self.view.moderation
        s: dict = {"figures": []}
        if models is None:
            reason = self.missing_reason("moderation")
            self.add_table("moderation", t("moderation_caption"), [], [], missing=reason)
            self.add_table("simple_slopes", t("simple_slopes_caption"), [], [], missing=reason)
            s["text"] = ts.not_computed(reason, self.lang)
            self.v["moderation"] = s
            return
        rows, slope_rows, texts = [], [], []
        for k, m in enumerate(models):
            path = say("moderation_path", x=self.name(m.x), m=self.variable_name(m.m), y=self.name(m.y))
            i = m.interaction
            rows.append([text_cell(path), cell(ts.integer(m.n), m.n), cell(ts.bounded(m.r2), m.r2),
                         cell(ts.bounded(m.delta_r2), m.delta_r2),
                         cell(self.f_text(m.delta_f, m.delta_df1, m.delta_df2), m.delta_f),
                         text_cell(ts.p_value(m.delta_pvalue)),
                         cell(ts.num(i.b, 3), i.b) if i else text_cell(ts.DASH),
                         cell(ts.num(i.se, 3), i.se) if i else text_cell(ts.DASH),
                         cell(ts.num(i.t, 2), i.t) if i else text_cell(ts.DASH),
                         text_cell(ts.p_value(i.pvalue) if i else ts.DASH),
                         text_cell(ts.ci(i.ci_lower, i.ci_upper, 3, False) if i else ts.DASH)])
            for slope in m.slopes:
                slope_rows.append([text_cell(path), text_cell(self.slope_at(m, slope)),
                                   cell(ts.num(slope.slope, 3), slope.slope), cell(ts.num(slope.se, 3), slope.se),
                                   cell(ts.num(slope.t, 2), slope.t), text_cell(ts.p_value(slope.pvalue))])
            texts.append(self.moderation_sentence(m))
            s["figures"].append(self.slopes_figure(k, m, path))
        self.add_table("moderation", t("moderation_caption"),
                       [t("moderation_path"), "n", "R²", "ΔR²", "ΔF", "p", t("interaction_b"), "SE", "t", "p", "95% CI"],
                       rows, notes=[say("moderation_note")])
        self.add_table("simple_slopes", t("simple_slopes_caption"),
                       [t("moderation_path"), t("moderator_value"), t("simple_slope"), "SE", "t", "p"], slope_rows,
                       notes=[say("simple_slopes_note")])
        s["text"] = say("moderation_intro", ref=self.ref("moderation"), ref_slopes=self.ref("simple_slopes")) + "".join(texts)
        self.v["moderation"] = s

    @staticmethod
    def f_text(value, df1, df2) -> str:
        return f"{ts.num(value, 2)}" if df1 is None else f"F({ts.integer(df1)}, {ts.integer(df2)}) = {ts.num(value, 2)}"

    def slope_at(self, m: Moderation, slope) -> str:
        """``M − 1 SD (3.03)`` or a level's label."""
        if m.m_type == "question":
            return self.question_label(m.m, slope.at)
        return self.say("moderator_level", at=slope.at, value=ts.num(slope.m_value, 2))

    def moderation_sentence(self, m: Moderation) -> str:
        say = self.say
        names = {"x": self.name(m.x), "m": self.variable_name(m.m), "y": self.name(m.y)}
        if m.note:
            return say("moderation_not_estimated", **names, reason=self.t(f"note_{m.note}"))
        i = m.interaction
        slopes = [{"at": self.slope_at(m, s), "b": ts.num(s.slope, 3), "p": ts.p_text(s.pvalue),
                   "significant": s.significant} for s in m.slopes]
        regions = m.johnson_neyman.regions if m.johnson_neyman else None
        jn = None if regions is None else {
            "regions": [(ts.num(a, 2), ts.num(b, 2)) for a, b in regions],
            "observed": (ts.num(m.johnson_neyman.observed[0], 2), ts.num(m.johnson_neyman.observed[1], 2)),
            "everywhere": regions == [tuple(m.johnson_neyman.observed)]}
        return say("moderation_result", **names, significant=m.significant, delta_r2=ts.bounded(m.delta_r2),
                   f=self.f_text(m.delta_f, m.delta_df1, m.delta_df2), p=ts.p_text(m.delta_pvalue),
                   b=ts.num(i.b, 3) if i else None, ci=ts.ci(i.ci_lower, i.ci_upper, 3, False) if i else None,
                   slopes=slopes, jn=jn, categorical=m.m_type == "question")

    def slopes_figure(self, k: int, m: Moderation, path: str) -> str:
        """The simple-slopes figure: predicted Y over X̄ ± 1 SD at each moderator value."""
        ready = m.note is None and m.x_mean is not None and m.x_sd is not None and m.slopes
        data = {"x_mean": m.x_mean, "x_sd": m.x_sd, "xlabel": self.name(m.x), "ylabel": self.name(m.y),
                "title": self.variable_name(m.m),
                "lines": [{"label": self.slope_at(m, s), "slope": s.slope, "intercept": s.intercept}
                          for s in m.slopes]} if ready else None
        return self.add_figure(f"simple_slopes_{k + 1}", "simple_slopes", self.say("simple_slopes_figure", path=path),
                               data, missing=None if ready else self.t(f"note_{m.note}") if m.note else None)

    # ------------------------------------------------------------------ 3.9 group differences
    def group_differences(self) -> None:
        say = self.say
        differences = self.view.group_differences
        if differences is None:
            self.v["differences"] = {"intro": ts.not_computed(self.missing_reason("group_differences"), self.lang),
                                     "questions": []}
            return
        by_question: dict[str, list[GroupComparison]] = {}
        for c in differences.comparisons:
            by_question.setdefault(c.question, []).append(c)
        sections = [self.question_differences(question, found) for question, found in by_question.items()]
        nonparametric = any(c.test in ("mann_whitney", "kruskal") for c in differences.comparisons)
        self.v["differences"] = {"intro": say("differences_intro", nonparametric=nonparametric), "questions": sections}

    def question_differences(self, question: str, found: list[GroupComparison]) -> dict:
        t, say = self.t, self.say
        labels = [self.group_label(question, g) for g in found[0].groups]
        same_n = all([g.n for g in c.groups] == [g.n for g in found[0].groups] for c in found)
        header = [t("construct")] + [say("group_header", label=label, n=ts.integer(g.n) if same_n else None)
                                     for label, g in zip(labels, found[0].groups)] + [t("difference_test"), t("statistic"), "p"]
        rows = []
        for c in found:
            cells = [text_cell(self.name(c.construct))]
            by_code = {g.code: g for g in c.groups}
            for g in found[0].groups:
                mine = by_code.get(g.code)
                cells.append(text_cell(say("mean_sd", mean=ts.num(mine.mean, 2), sd=ts.num(mine.sd, 2),
                                           n=None if same_n else ts.integer(mine.n)) if mine else ts.DASH))
            cells += [text_cell(t(f"test_{c.test}") if c.test else t(f"note_{c.note}")),
                      cell(ts.num(c.statistic, 2) + ts.stars(c.pvalue), c.statistic) if c.test else text_cell(ts.DASH),
                      text_cell(ts.p_value(c.pvalue))]
            rows.append(cells)
        excluded = {(g.code, g.n) for c in found for g in c.excluded}
        notes = [say("differences_note", median=any(c.levene_center == "median" for c in found))]
        if excluded:
            notes.append(say("excluded_groups", groups=[(self.question_label(question, code), ts.integer(n))
                                                        for code, n in sorted(excluded, key=str)],
                             minimum=ts.integer(self.view.group_differences.min_group)))
        notes.append(ts.stars_legend(self.lang))
        key = f"differences_{question}"
        name = self.variable_name(question)
        marker = self.add_table(key, say("differences_caption", question=name), header, rows, notes=notes)
        significant = [self.difference_finding(question, c) for c in found if c.significant]
        untested = [self.name(c.construct) for c in found if c.test is None]
        text = say("differences_question", question=name, ref=self.ref(key), significant=significant,
                   not_significant=[self.name(c.construct) for c in found if c.test and not c.significant],
                   untested=untested)
        return {"text": text, "table": marker}

    def difference_finding(self, question: str, c: GroupComparison) -> dict:
        """A significant difference: its statistic, df (F and H only), p and direction (the higher group first)."""
        if len(c.groups) == 2:
            ranked = c.ranked
            pairs = [(self.group_label(question, ranked[0]), self.group_label(question, ranked[-1]))]
        else:
            by_code = {g.code: g for g in c.groups}
            pairs = []
            for p in c.significant_pairs:
                high, low = (p.a, p.b) if (p.diff or 0) > 0 else (p.b, p.a)
                pairs.append((self.group_label(question, by_code[high]), self.group_label(question, by_code[low])))
        return {"construct": self.name(c.construct), "statistic": STATISTIC[c.test], "value": ts.num(c.statistic, 2),
                "df": self.df_text(c), "p": ts.p_text(c.pvalue), "pairs": pairs,
                "posthoc": c.test in ("anova", "welch_anova")}

    @staticmethod
    def df_text(c: GroupComparison) -> str | None:
        """``5, 494`` for F (Welch's df2 with two decimals), ``3`` for H; none for t and U."""
        if c.test in ("anova", "welch_anova"):
            df2 = ts.num(c.df2, 2) if c.test == "welch_anova" else ts.integer(c.df2)
            return f"{ts.integer(c.df1)}, {df2}"
        return ts.integer(c.df1) if c.test == "kruskal" else None
