"""Chapter 3.10–3.11 as analysis decided them: the platform cases (best and weakest) and the problems with
their evidence and causes (``results.json`` ``cases`` and ``problems``, :mod:`analysis.diagnosis`)."""
from __future__ import annotations

from dataclasses import dataclass

from analysis.results_view.reading import mapping, number, records, text


@dataclass(frozen=True)
class Contrast:
    """An item's or construct's mean in a case beside the whole sample's."""

    id: str
    mean: float
    sample_mean: float
    difference: float


@dataclass(frozen=True)
class Case:
    code: object
    n: int | None
    rank: int | None
    construct_means: dict[str, float | None]
    nps: float | None
    repeat_purchase: float | None
    paid_membership: float | None
    strongest_item: Contrast | None
    weakest_item: Contrast | None
    strongest_construct: Contrast | None
    weakest_construct: Contrast | None


@dataclass(frozen=True)
class LeftOut:
    code: object
    n: int | None
    reason: str | None


@dataclass(frozen=True)
class Cases:
    """The platform cases in rank order; ``best``/``weakest`` are codes (None with fewer than two cases)."""

    question: str | None
    min_n: int | None
    ranked_by: str | None
    sample_n: int | None
    sample_means: dict[str, float | None]
    sample_indicators: dict[str, float | None]
    cases: tuple[Case, ...]
    left_out: tuple[LeftOut, ...]
    best: object | None
    weakest: object | None
    difference_test: str | None
    difference_pvalue: float | None
    difference_significant: bool | None

    def case(self, code) -> Case | None:
        return next((c for c in self.cases if c.code == code), None)


def _contrast(d) -> Contrast | None:
    d = mapping(d)
    values = [number(d.get(k)) for k in ("mean", "sample_mean", "difference")]
    return Contrast(d["id"], *values) if text(d.get("id")) and None not in values else None


def _bool(x) -> bool | None:
    return x if isinstance(x, bool) else None


def read_cases(d: dict) -> Cases:
    sample = mapping(d.get("sample"))
    cases = tuple(Case(c.get("code"), number(c.get("n")), number(c.get("rank")),
                       {k: number(v) for k, v in mapping(c.get("construct_means")).items()},
                       *(number(c.get(k)) for k in ("nps", "repeat_purchase", "paid_membership")),
                       *(_contrast(c.get(k)) for k in ("strongest_item", "weakest_item", "strongest_construct",
                                                       "weakest_construct")))
                  for c in records(d.get("cases")))
    return Cases(text(d.get("question")), number(d.get("min_n")), text(d.get("ranked_by")), number(sample.get("n")),
                 {k: number(v) for k, v in mapping(sample.get("construct_means")).items()},
                 {k: number(sample.get(k)) for k in ("nps", "repeat_purchase", "paid_membership")},
                 cases, tuple(LeftOut(r.get("code"), number(r.get("n")), text(r.get("reason")))
                              for r in records(d.get("left_out"))),
                 d.get("best"), d.get("weakest"), text(d.get("difference_test")), number(d.get("difference_pvalue")),
                 _bool(d.get("difference_significant")))


@dataclass(frozen=True)
class Evidence:
    """One piece of a problem's evidence; ``kind`` lowest_item, group_difference, indicator or
    open_answer_theme, with the fields of that kind (others None)."""

    kind: str
    construct: str | None = None
    item: str | None = None
    mean: float | None = None
    construct_mean: float | None = None
    question: str | None = None
    test: str | None = None
    pvalue: float | None = None
    high_code: object = None
    high_mean: float | None = None
    low_code: object = None
    low_mean: float | None = None
    indicator: str | None = None
    value: float | None = None
    threshold: float | None = None
    platform_pvalue: float | None = None
    theme: str | None = None
    label: dict | None = None
    count: int | None = None
    share: float | None = None


@dataclass(frozen=True)
class Cause:
    angle: str
    shown: bool | None
    basis: str | None
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Problem:
    kind: str
    construct: str | None
    priority: int | None
    evidence: tuple[Evidence, ...]
    causes: tuple[Cause, ...]

    def of_kind(self, kind: str) -> tuple[Evidence, ...]:
        return tuple(e for e in self.evidence if e.kind == kind)


@dataclass(frozen=True)
class PathReading:
    lhs: str
    rhs: str
    std_all: float | None
    pvalue: float | None
    reading: str
    via: tuple[str, ...]


@dataclass(frozen=True)
class Problems:
    priority_drivers: tuple[str, ...]
    problems: tuple[Problem, ...]
    paths: tuple[PathReading, ...]
    open_answer_themes: bool
    priority_count: int | None
    lowest_items: int | None


_NUMBERS = ("mean", "construct_mean", "pvalue", "high_mean", "low_mean", "value", "threshold", "platform_pvalue", "count",
            "share")
_TEXTS = ("construct", "item", "question", "test", "indicator", "theme")


def _evidence(e: dict) -> Evidence:
    return Evidence(e["kind"], **{k: text(e.get(k)) for k in _TEXTS}, **{k: number(e.get(k)) for k in _NUMBERS},
                    high_code=e.get("high_code"), low_code=e.get("low_code"),
                    label=mapping(e.get("label")) or None)


def read_problems(d: dict) -> Problems:
    problems = tuple(
        Problem(p["kind"], text(p.get("construct")), number(p.get("priority")),
                tuple(_evidence(e) for e in records(p.get("evidence")) if text(e.get("kind"))),
                tuple(Cause(c["angle"], _bool(c.get("shown")), text(c.get("basis")),
                            tuple(q for q in c.get("questions") or () if isinstance(q, str)))
                      for c in records(p.get("causes")) if text(c.get("angle"))))
        for p in records(d.get("problems")) if text(p.get("kind")))
    paths = tuple(PathReading(r["lhs"], r["rhs"], number(r.get("std_all")), number(r.get("pvalue")), r["reading"],
                              tuple(v for v in r.get("via") or () if isinstance(v, str)))
                  for r in records(d.get("paths")) if text(r.get("lhs")) and text(r.get("rhs")) and text(r.get("reading")))
    rules = mapping(d.get("rules"))
    return Problems(tuple(c for c in d.get("priority_drivers") or () if isinstance(c, str)), problems, paths,
                    d.get("open_answer_themes") is True, number(rules.get("priority_drivers")),
                    number(rules.get("lowest_items")))
