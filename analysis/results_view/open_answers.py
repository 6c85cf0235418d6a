"""The open answers coded into themes (``results.open_answers``, analysis.describe.open_answers)."""
from __future__ import annotations

from dataclasses import dataclass

from analysis.results_view.reading import mapping, number, records, text


@dataclass(frozen=True)
class ThemeCount:
    """A theme: its label by language, the answers mentioning it, their share, example quotes, linked constructs."""

    id: str
    label: dict[str, str]
    count: int
    share: float | None
    n_praise: int | None
    examples: tuple[str, ...]
    constructs: tuple[str, ...]


@dataclass(frozen=True)
class OpenAnswers:
    question: str | None
    n_answers: int | None
    n_coded: int | None
    themes: tuple[ThemeCount, ...]

    def theme(self, theme_id: str) -> ThemeCount | None:
        return next((t for t in self.themes if t.id == theme_id), None)


def _strings(x) -> tuple[str, ...]:
    return tuple(v for v in x if isinstance(v, str) and v) if isinstance(x, list) else ()


def read_open_answers(d: dict) -> OpenAnswers:
    themes = tuple(ThemeCount(t["id"], {str(k): str(v) for k, v in mapping(t.get("label")).items()}, t["count"],
                              number(t.get("share")), number(t.get("n_praise")), _strings(t.get("examples")), _strings(t.get("constructs")))
                   for t in records(d.get("themes")) if text(t.get("id")) and number(t.get("count")) is not None)
    return OpenAnswers(text(d.get("question")), number(d.get("n_answers")), number(d.get("n_coded")), themes)
