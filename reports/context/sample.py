"""Chapter 3.1: questionnaire design, sample and exclusions, privacy screen, missing data, sample profile, open answers,
and the table of diagnostics raised by the analysis.
"""
from __future__ import annotations

from reports import typeset as ts
from reports.context.base import DIAGNOSTIC_NAMES, BuilderBase, plain
from reports.tables import cell, text_cell

OPEN_ANSWERS_SHOWN = 8


class SampleSections(BuilderBase):
    """Chapter 3.1 sections."""

    # ------------------------------------------------------------------ chapter 3.1: sample
    def sample(self) -> None:
        t, say, meta, sample = self.t, self.say, self.view.meta, self.view.sample
        inst = self.inst
        s = {"design": say("design", title=inst.title.get(self.lang), questions=len(inst.questions),
                           points=inst.scale.max - inst.scale.min + 1, constructs=len(self.constructs),
                           items=len(inst.item_ids), attention_checks=len(inst.attention_checks),
                           names=ts.join([self.name_id(c) for c in self.constructs], self.lang))}
        if None not in (meta.n_raw, meta.n_analyzed, meta.n_excluded):
            s["sample"] = say("sample", returned=ts.integer(meta.n_raw), excluded=ts.integer(meta.n_excluded),
                              share=ts.share(meta.excluded_share), valid=ts.integer(meta.n_valid))
        else:
            s["sample"] = ts.not_computed(say("sample_sizes_missing"), self.lang)
        caption = t("exclusions_by_reason")
        if sample.exclusion_rules is not None:
            names = say.data("exclusion_rules")
            rows = [[text_cell(names.get(k, k)), cell(ts.integer(v), v),
                     cell(ts.share(v / meta.n_raw if meta.n_raw else None), None)]
                    for k, v in sample.exclusions_by_rule]
            s["exclusions"] = say("exclusions", ref=self.ref("exclusions") if rows else "")
            self.add_table("exclusions", caption,
                           [t("reason"), t("n"), t("of_returned")], rows,
                           missing=None if rows else say("no_exclusion"))
        else:
            s["exclusions"] = ts.not_computed(say("exclusion_log_missing"), self.lang)
            self.add_table("exclusions", caption, [], [], missing=self.missing_reason("exclusions"))
        if "speeder" in sample.rules_not_applied:
            s["exclusions"] += " " + say("speeder_not_applied")
        s["privacy"] = self.privacy_text()
        m = sample.missing
        s["missing"] = self.missing_text() if m else ""
        s["missing_table"] = bool(m and m.has_kinds_beyond_nonresponse)
        s["missing_kinds"] = self.missing_kinds() if s["missing_table"] else ""
        rows = []
        for q in self.inst.questions:
            for k, c in enumerate(sample.profile.get(q.id, ())):
                rows.append([cell(q.text.get(self.lang) if k == 0 else ""),
                             text_cell(self.question_label(q.id, c.code) if c.code is not None else c.label),
                             cell(ts.integer(c.count), c.count), cell(ts.percent(c.valid_percent), c.valid_percent)])
        s["profile"] = say("profile", ref=self.ref("sample_profile")) if rows else ""
        self.add_table("sample_profile", t("sample_profile"),
                       [t("variable"), t("category"), t("n_respondents"), t("percent")], rows,
                       missing=None if rows else self.missing_reason("descriptives.profile"))
        s["open_answers"] = self.open_answers()
        self.v["sample"] = s

    def missing_text(self) -> str:
        """Who the models use: listwise (and, when answers are missing, the patterns and what FIML would keep),
        or FIML for the CFA and SEM with the rest listwise."""
        say, m = self.say, self.view.sample.missing
        dropped, share = ts.integer(m.n_dropped_listwise), ts.percent(m.pct_dropped_listwise)
        if m.fiml:
            return say("missing_fiml", dropped=dropped, share=share, patterns=ts.integer(m.n_patterns),
                       n_fiml=ts.integer(m.n_fiml), n_listwise=ts.integer(m.n_listwise))
        text = say("missing_listwise", dropped=dropped, share=share, n=ts.integer(m.n_listwise))
        if m.n_dropped_listwise and m.n_patterns is not None and m.n_fiml is not None:
            text += say("missing_patterns", patterns=ts.integer(m.n_patterns), n_listwise=ts.integer(m.n_listwise),
                              n_fiml=ts.integer(m.n_fiml))
        return text

    def missing_kinds(self) -> str:
        """Missing answers by kind (not answered, skipped by design, declared missing): a sentence and a table
        with one row per item that has any."""
        t, say, m = self.t, self.say, self.view.sample.missing
        rows = [[text_cell(plain(i.item)), cell(ts.integer(i.n_not_answered), i.n_not_answered),
                 cell(ts.integer(i.n_skipped_by_design), i.n_skipped_by_design),
                 cell(ts.integer(i.n_declared_missing), i.n_declared_missing),
                 cell(ts.percent(i.pct_missing), i.pct_missing)] for i in m.items_with_missing]
        self.add_table("missing_by_kind", t("missing_by_kind"),
                       [t("item"), t("not_answered"), t("skipped_by_design"), t("declared_missing"), t("missing_percent")],
                       rows, notes=[say("missing_by_kind_note")])
        return say("missing_by_kind", not_answered=ts.integer(m.n_not_answered),
                   skipped=ts.integer(m.n_skipped_by_design), declared=ts.integer(m.n_declared_missing),
                   ref=self.ref("missing_by_kind"))

    def privacy_text(self) -> str:
        """What the privacy screen removed: the personal-data columns (by header and kind) and masked cells."""
        say, privacy = self.say, self.view.sample.privacy
        kinds = say.data("personal_data_kinds")
        described = [say("personal_column", header=plain(col.header), kind=kinds.get(col.kind, plain(col.kind)))
                     for col in privacy.dropped_columns]
        masked = privacy.masked_cells
        return say("privacy", columns=described,
                   masked=ts.integer(masked) if masked is not None and masked > 0 else None)

    def open_answers(self) -> list[dict]:
        """Per free-text question: its wording, the number of answers and a sample of them (escaped at render)."""
        out = []
        themes = self.view.open_answers
        # a question whose every answer mentions a theme is shown by theme (reports.context.open_answers)
        coded = themes.question if themes and themes.n_answers and themes.n_coded == themes.n_answers else None
        for qid, values in self.view.sample.text_answers.items():
            if qid == coded:
                continue
            texts = [plain(a) for a in values if plain(a)]
            if not texts:
                continue
            unique = list(dict.fromkeys(texts))
            q = next((q for q in self.inst.questions if qid in (q.id, q.other_column)), None)
            label = (plain(qid) if q is None else q.text.get(self.lang) if qid == q.id or q.other_option is None
                     else f"{q.text.get(self.lang)} — {q.other_option.label.get(self.lang)}")
            shown = unique[:OPEN_ANSWERS_SHOWN]
            out.append({"question": label, "count": ts.integer(len(texts)), "answers": shown,
                        "intro": self.say("open_answers", question=label, count=ts.integer(len(texts)),
                                          distinct=ts.integer(len(unique)), shown=len(shown),
                                          all_shown=len(shown) == len(unique))})
        return out

    def diagnostics(self) -> None:
        """Every record of ``results.warnings`` in one table, in plain words of the report language (no codes):
        what it is and what it means for the results."""
        t, say, records = self.t, self.say, self.view.warnings
        notes = say.data("diagnostic_notes")
        rows = [[cell(ts.integer(k + 1), k + 1),
                 text_cell(DIAGNOSTIC_NAMES.get(w.code, (t("diagnostic"),) * 2)[0 if self.lang == "zh" else 1]),
                 text_cell(notes.get(w.code) or (plain(w.message) if self.lang == "en" else say("diagnostic_unexplained")))]
                for k, w in enumerate(records)]
        self.add_table("diagnostics", t("diagnostics_raised_by_the_analysis"),
                       [t("no"), t("diagnostic"), t("explanation")], rows,
                       notes=[say("diagnostics_note")], missing=None if rows else say("no_diagnostics_reason"))
        self.v["diagnostics"] = {"count": len(records), "text": say("diagnostics", count=len(records),
                                                                    ref=self.ref("diagnostics"))}
