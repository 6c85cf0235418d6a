"""The open question coded into themes (``results.open_answers``): a sentence and a table of the themes with their
counts, shares and example quotes (chapter 3.10); the themes are cited again by the strategies of chapter 4."""
from __future__ import annotations

from reports import typeset as ts
from reports.context.base import BuilderBase, plain
from reports.tables import cell, text_cell


class OpenAnswerSections(BuilderBase):
    """The open-answer themes."""

    def theme_label(self, theme) -> str:
        return theme.label.get(self.lang) or next(iter(theme.label.values()), theme.id)

    def quote(self, text: str) -> str:
        return self.say("quote", text=plain(text))

    def open_answer_themes(self) -> None:
        t, say, coded = self.t, self.say, self.view.open_answers
        if coded is None or not coded.n_answers:
            self.v["open_themes"] = {"text": ""}
            return
        rows = [[text_cell(self.theme_label(th)), cell(ts.integer(th.count), th.count),
                 cell(ts.integer(th.n_praise), th.n_praise), cell(ts.share(th.share), th.share),
                 text_cell(say("quotes", quotes=[self.quote(e) for e in th.examples]))] for th in coded.themes]
        self.add_table("open_answer_themes", t("open_answer_themes"),
                       [t("theme"), t("mentions"), t("of_which_praise"), t("theme_share"), t("example_answers")], rows,
                       notes=[say("open_answer_themes_note")], missing=None if rows else say("no_theme_mentioned"))
        question = next((q.text.get(self.lang) for q in self.inst.questions if q.id == coded.question), coded.question)
        top = coded.themes[0] if coded.themes else None
        self.v["open_themes"] = {"text": say(
            "open_answer_themes", question=plain(question), n=ts.integer(coded.n_answers),
            coded=ts.integer(coded.n_coded), coded_share=ts.share(coded.n_coded / coded.n_answers),
            top=self.theme_label(top) if top else "", top_count=ts.integer(top.count) if top else "",
            top_share=ts.share(top.share) if top else "", ref=self.ref("open_answer_themes"))}
