"""Open answers coded into themes with a keyword codebook (the bundled ``open_answer_codebook.yaml``, extended or
replaced by the instrument's ``open_answers``): how many answers mention each theme, with example quotes.

Coding is dictionary-based content analysis (Krippendorff 2018, ch. 12): an answer mentions a theme when one
of the theme's keywords or patterns occurs in it; an answer may mention several themes. The answers are the
run's free-text cells, personal data already masked by the reader; no respondent id is attached.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from questionnaire.instrument import Instrument, Text, Theme
from questionnaire.loader import parse_codebook

#: example quotes kept per theme, and the length (characters) a quote is cut to
EXAMPLES_PER_THEME = 3
QUOTE_MAX_CHARS = 60


@cache
def _bundled() -> tuple[tuple[Theme, ...], Theme]:
    path = resources.files("analysis.describe") / "open_answer_codebook.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return parse_codebook(document, str(path)), parse_codebook({"themes": [document["praise"]]}, str(path))[0]


def bundled_codebook() -> tuple[Theme, ...]:
    """The bundled themes (package data ``analysis/describe/open_answer_codebook.yaml``)."""
    return _bundled()[0]


def praise_marker() -> Theme:
    """The bundled markers of praise (``praise`` in the codebook file): an answer that matches them praises the
    themes it mentions."""
    return _bundled()[1]


def study_codebook(instrument: Instrument) -> tuple[Theme, ...]:
    """The bundled themes (unless ``bundled_codebook: false``) with the instrument's own: a theme of a bundled
    id replaces the bundled one in its place, new ones follow in the instrument's order."""
    own = {t.id: t for t in instrument.open_answers.themes}
    bundled = bundled_codebook() if instrument.open_answers.bundled_codebook else ()
    return (*(own.pop(t.id, t) for t in bundled), *own.values())


def _matcher(theme: Theme) -> re.Pattern:
    """One case-insensitive regex for a theme: its keywords (a Latin-script keyword only at the start of a word)
    and its patterns."""
    parts = [(r"(?<![a-z0-9])" if re.match(r"[a-z0-9]", w, re.IGNORECASE) else "") + re.escape(w)
             for words in theme.keywords.values() for w in words]
    return re.compile("|".join([*parts, *(f"(?:{p})" for p in theme.patterns)]), re.IGNORECASE)


def _quote(answer: str) -> str:
    return answer if len(answer) <= QUOTE_MAX_CHARS else answer[:QUOTE_MAX_CHARS - 1] + "…"


@dataclass(frozen=True)
class ThemeCount:
    """A theme with the answers that mention it: ``share`` = count / answers; ``n_praise`` of them praise (see
    :func:`praise_marker`); ``examples`` distinct answers that mention it — wishes and complaints before praise,
    then the most frequent first, ties in order of appearance —, quoted as written."""

    id: str
    label: Text
    count: int
    share: float
    n_praise: int
    examples: tuple[str, ...]
    constructs: tuple[str, ...]

    @property
    def n_concerns(self) -> int:
        """The answers mentioning the theme that are not praise (wishes and complaints)."""
        return self.count - self.n_praise

    @property
    def calls_for_action(self) -> bool:
        """Some answer mentioning the theme is not praise (a wish or a complaint)."""
        return self.n_concerns > 0

    def plain_form(self) -> dict:
        return {"id": self.id, "label": self.label.by_lang, "count": self.count, "share": self.share,
                "n_praise": self.n_praise, "examples": list(self.examples), "constructs": list(self.constructs)}


@dataclass(frozen=True)
class OpenAnswerThemes:
    """``results.open_answers``: the coded question, its answers, those mentioning at least one theme, and the
    themes mentioned, the most frequent first (themes nobody mentioned are left out)."""

    question: str
    n_answers: int
    n_coded: int
    themes: tuple[ThemeCount, ...]


def code_open_answers(question: str, answers: list[str], codebook: tuple[Theme, ...],
                      praise: Theme | None = None) -> OpenAnswerThemes:
    """Count, per theme of ``codebook``, the non-empty ``answers`` that mention it, and those of them that match
    ``praise`` (see the module docstring)."""
    texts = [a.strip() for a in answers if isinstance(a, str) and a.strip()]
    frequency = Counter(texts)
    praised = {a for a in frequency if praise is not None and _matcher(praise).search(a)}
    # stable sort: ties keep their first appearance
    ordered = sorted(frequency, key=lambda a: (a in praised, -frequency[a]))
    matchers = [(theme, _matcher(theme)) for theme in codebook]
    mentions = {a: {theme.id for theme, m in matchers if m.search(a)} for a in frequency}
    counts = []
    for theme, _ in matchers:
        count = sum(frequency[a] for a in frequency if theme.id in mentions[a])
        if count:
            examples = tuple(_quote(a) for a in ordered if theme.id in mentions[a])[:EXAMPLES_PER_THEME]
            counts.append(ThemeCount(theme.id, theme.label, count, count / len(texts),
                                     sum(frequency[a] for a in praised if theme.id in mentions[a]), examples,
                                     theme.constructs))
    counts.sort(key=lambda t: -t.count)
    return OpenAnswerThemes(question, len(texts), sum(frequency[a] for a in frequency if mentions[a]), tuple(counts))
