"""Problems and their causes (chapter 3.10): each problem traced to item-level evidence, its causes argued along
the outline's three angles — the firm's operations (运营), competition (竞争) and changing customer needs
(顾客需求变化) — each marked shown or not shown by the data.

Problems:

* ``driver_performance``: each *priority driver* — the drivers of IPMA priority 1 to :data:`PRIORITY_DRIVERS`
  (priority = importance × (100 − performance), :func:`analysis.ipma.importance_performance`) and any other
  driver in the "concentrate here" quadrant;
* ``weak_advocacy``: NPS below :data:`analysis.describe.indicators.NPS_WEAK_BELOW`;
* ``low_membership``: a paid-membership share below :data:`analysis.describe.indicators.MEMBERSHIP_LOW_BELOW`.

Evidence of a problem about construct C (a driver, or the outcome for the two indicator problems):
``lowest_item`` — C's :data:`LOWEST_ITEMS` lowest-scoring items (at most half of its items, at least one; ties:
instrument order); ``group_difference`` — every background question whose groups differ significantly on C
(p < .05, chapter 3.9), with its highest and lowest group; ``indicator`` — the indicator's value and its χ²
test across platforms; ``open_answer_theme`` — themes of the open answers coded to C (when the run has them).

Causes, by angle:

* operations — shown by the lowest items (processes the firm runs); for weak advocacy, by the priority
  drivers (recommendation follows from how the drivers perform); for membership, by members being
  significantly more loyal than non-members (the programme works where it reaches; its reach is the firm's
  design) or not shown when they are not;
* competition — shown when the platforms differ significantly on C (or, for an indicator, its χ² across
  platforms is significant): customers meet better and worse alternatives; not shown when they do not (a
  problem common to the platforms); unknown without a platform question;
* customer needs — shown when another background question's groups differ significantly on C (needs differ
  between segments); not shown when none does; unknown when no other background question was compared. A cross-sectional survey shows differences between segments,
  never change over time; the report says so.

Structural paths that are not significant are read apart (``paths``): a direct path whose driver's effect on
the same outcome is fully mediated (Zhao, Lynch & Chen 2010, indirect-only) works through the mediator, it is
not "not significant" in the sense of ineffective.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from analysis.describe.indicators import MEMBERSHIP_LOW_BELOW, NPS_WEAK_BELOW
from analysis.describe.open_answers import OpenAnswerThemes
from analysis.sem.models import ALPHA

#: the IPMA priorities 1…this are priority drivers (with any driver in "concentrate here")
PRIORITY_DRIVERS = 2
#: the lowest-scoring items cited per construct
LOWEST_ITEMS = 2
#: the angles of the causes, in the outline's order
ANGLES = ("operations", "competition", "customer_needs")


@dataclass(frozen=True)
class ItemEvidence:
    """One of a construct's lowest-scoring items: its mean beside the construct's mean."""

    construct: str
    item: str
    mean: float
    construct_mean: float
    kind: str = "lowest_item"


@dataclass(frozen=True)
class GroupEvidence:
    """A significant difference on ``construct`` between the groups of ``question``: the test, p, and the
    groups with the highest and the lowest mean."""

    question: str
    construct: str
    test: str
    pvalue: float
    high_code: object
    high_mean: float
    low_code: object
    low_mean: float
    kind: str = "group_difference"


@dataclass(frozen=True)
class IndicatorEvidence:
    """A loyalty indicator (nps, repeat_purchase, paid_membership), its threshold and the p of its χ² across
    platforms (None without one)."""

    indicator: str
    value: float
    threshold: float | None
    platform_pvalue: float | None
    kind: str = "indicator"


@dataclass(frozen=True)
class ThemeEvidence:
    """An open-answer theme: its id, label per language, the answers coded to it and the constructs it bears
    on (the open-answer codebook supplies these)."""

    theme: str
    label: dict[str, str]
    count: int
    share: float
    constructs: tuple[str, ...] = ()
    kind: str = "open_answer_theme"


@dataclass(frozen=True)
class Cause:
    """One angle of a problem's causes: ``shown`` True / False by the data, None when the data cannot tell;
    ``basis`` names the reading (lowest_items, priority_drivers, members_differ, members_alike, platforms_differ,
    platforms_alike, no_platform_question, segments_differ, segments_alike, no_segments, not_measured) and
    ``questions`` the background questions it rests on."""

    angle: str
    shown: bool | None
    basis: str
    questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    """A problem (``kind``) about ``construct`` with its evidence and its causes by angle (:data:`ANGLES`);
    ``priority`` is the driver's IPMA priority (None for the indicator problems)."""

    kind: str
    construct: str
    priority: int | None
    evidence: tuple
    causes: tuple[Cause, ...]


@dataclass(frozen=True)
class PathReading:
    """A structural path that is not significant: ``reading`` 'fully_mediated' (its driver's effect on
    ``lhs`` is indirect-only through ``via``) or 'not_significant'."""

    lhs: str
    rhs: str
    std_all: float
    pvalue: float
    reading: str
    via: tuple[str, ...] = ()


@dataclass(frozen=True)
class Diagnosis:
    """``results.json`` ``problems``: the priority drivers, the problems in order (priority drivers first), the
    readings of the non-significant paths and whether open-answer themes were available."""

    priority_drivers: tuple[str, ...]
    problems: tuple[Problem, ...]
    paths: tuple[PathReading, ...]
    open_answer_themes: bool = False
    rules: dict = field(default_factory=lambda: {"priority_drivers": PRIORITY_DRIVERS, "lowest_items": LOWEST_ITEMS,
                                                 "alpha": ALPHA, "nps_weak_below": NPS_WEAK_BELOW,
                                                 "membership_low_below": MEMBERSHIP_LOW_BELOW})


def _significant(p) -> bool:
    return p is not None and math.isfinite(p) and p < ALPHA


def lowest_items(construct: str, items: Sequence[str], item_means: Mapping[str, float],
                 construct_mean: float) -> tuple[ItemEvidence, ...]:
    """The construct's :data:`LOWEST_ITEMS` lowest-scoring items, at most half of them (at least one)."""
    scored = [(item_means[i], k, i) for k, i in enumerate(items) if i in item_means and math.isfinite(item_means[i])]
    keep = min(LOWEST_ITEMS, max(1, len(scored) // 2))
    return tuple(ItemEvidence(construct, i, float(m), float(construct_mean)) for m, _, i in sorted(scored)[:keep])


def group_evidence(comparisons: Sequence, construct: str) -> tuple[GroupEvidence, ...]:
    """The significant group differences on ``construct`` (records of
    :func:`analysis.classical.group_differences.group_differences`), in their order."""
    out = []
    for c in comparisons:
        if c.construct != construct or not _significant(c.pvalue) or len(c.groups) < 2:
            continue
        high = max(c.groups, key=lambda g: g.mean)
        low = min(c.groups, key=lambda g: g.mean)
        out.append(GroupEvidence(c.question, construct, c.test, float(c.pvalue), high.code, float(high.mean),
                                 low.code, float(low.mean)))
    return tuple(out)


def _competition(platform_question: str | None, groups: Sequence[GroupEvidence], indicator_pvalue=None) -> Cause:
    """Shown when the platforms differ significantly (on the construct, or in the indicator's χ²)."""
    if platform_question is None:
        return Cause("competition", None, "no_platform_question")
    if any(g.question == platform_question for g in groups) or _significant(indicator_pvalue):
        return Cause("competition", True, "platforms_differ", (platform_question,))
    return Cause("competition", False, "platforms_alike", (platform_question,))


def _needs(platform_question: str | None, groups: Sequence[GroupEvidence], membership_question: str | None,
           comparisons: Sequence, construct: str) -> Cause:
    """Shown when another background question's groups differ on ``construct``; cannot tell when none was compared."""
    segments = tuple(dict.fromkeys(g.question for g in groups
                                   if g.question not in (platform_question, membership_question)))
    if segments:
        return Cause("customer_needs", True, "segments_differ", segments)
    tested = [c for c in comparisons if c.construct == construct and c.pvalue is not None
              and c.question not in (platform_question, membership_question)]
    return (Cause("customer_needs", False, "segments_alike") if tested
            else Cause("customer_needs", None, "no_segments"))


def theme_evidence(coded: OpenAnswerThemes | None) -> tuple[ThemeEvidence, ...]:
    """The open-answer themes that call for action, as evidence: counted without the answers that praise
    (praise is no evidence of a problem), share of all answers; none without coded answers."""
    if coded is None:
        return ()
    return tuple(ThemeEvidence(t.id, dict(t.label.by_lang), t.n_concerns, t.n_concerns / coded.n_answers,
                               t.constructs) for t in coded.themes if t.calls_for_action)


def diagnose_problems(priorities: Sequence, measurement: Mapping[str, Sequence[str]],
                      item_means: Mapping[str, float], construct_means: Mapping[str, float],
                      comparisons: Sequence, platform_question: str | None, membership_question: str | None,
                      indicators: Mapping, outcome: str | None, paths: Sequence = (), indirect: Sequence = (),
                      themes: Sequence[ThemeEvidence] = ()) -> Diagnosis:
    """The problems and their causes (module docstring).

    ``priorities``: IPMA entries (construct, quadrant, priority); ``measurement``: construct → items;
    ``item_means``/``construct_means``: the whole sample's means; ``comparisons``: the group differences;
    ``indicators``: name → :class:`analysis.describe.indicators.IndicatorResult`; ``paths``/``indirect``: the
    SEM's structural paths and indirect effects; ``themes``: open-answer themes (none: no codebook ran).
    """
    chosen = [p for p in sorted(priorities, key=lambda p: p.priority)
              if p.priority <= PRIORITY_DRIVERS or p.quadrant == "concentrate_here"]

    def evidence_of(construct: str) -> tuple[tuple[ItemEvidence, ...], tuple[GroupEvidence, ...], tuple]:
        low = (lowest_items(construct, measurement.get(construct, ()), item_means, construct_means[construct])
               if construct in construct_means else ())
        return (low, group_evidence(comparisons, construct),
                tuple(t for t in themes if construct in t.constructs))

    problems = []
    for p in chosen:
        low, groups, theme = evidence_of(p.construct)
        operations = Cause("operations", bool(low), "lowest_items" if low else "not_measured")
        problems.append(Problem("driver_performance", p.construct, int(p.priority), (*low, *groups, *theme),
                                (operations, _competition(platform_question, groups),
                                 _needs(platform_question, groups, membership_question, comparisons, p.construct))))
    nps = indicators.get("nps")
    if outcome and nps is not None and math.isfinite(nps.overall.nps) and nps.overall.nps < NPS_WEAK_BELOW:
        low, groups, theme = evidence_of(outcome)
        test_p = nps.test.pvalue if nps.test else None
        evidence = [IndicatorEvidence("nps", float(nps.overall.nps), NPS_WEAK_BELOW, test_p)]
        repeat = indicators.get("repeat_purchase")
        if repeat is not None and math.isfinite(repeat.overall.proportion):
            evidence.append(IndicatorEvidence("repeat_purchase", float(repeat.overall.proportion), None,
                                              repeat.test.pvalue if repeat.test else None))
        problems.append(Problem("weak_advocacy", outcome, None, (*evidence, *low, *groups, *theme),
                                (Cause("operations", bool(chosen), "priority_drivers" if chosen else "not_measured"),
                                 _competition(platform_question, groups, test_p),
                                 _needs(platform_question, groups, membership_question, comparisons, outcome))))
    share = indicators.get("paid_membership")
    if (outcome and share is not None and math.isfinite(share.overall.proportion)
            and share.overall.proportion < MEMBERSHIP_LOW_BELOW):
        test_p = share.test.pvalue if share.test else None
        members = tuple(g for g in group_evidence(comparisons, outcome) if g.question == membership_question)
        problems.append(Problem("low_membership", outcome, None,
                                (IndicatorEvidence("paid_membership", float(share.overall.proportion),
                                                   MEMBERSHIP_LOW_BELOW, test_p), *members),
                                (Cause("operations", bool(members), "members_differ" if members else "members_alike",
                                       (membership_question,) if membership_question else ()),
                                 _competition(platform_question, (), test_p),
                                 Cause("customer_needs", None, "not_measured"))))
    return Diagnosis(tuple(p.construct for p in chosen), tuple(problems), read_paths(paths, indirect), bool(themes))


def read_paths(paths: Sequence, indirect: Sequence) -> tuple[PathReading, ...]:
    """The non-significant structural paths, each read as fully mediated or not significant."""
    full = {(i.source, i.target): i.via for i in indirect if i.mediation == "full"}
    out = []
    for p in paths:
        if _significant(p.pvalue) or p.pvalue is None or not math.isfinite(p.pvalue):
            continue
        via = full.get((p.rhs, p.lhs))
        out.append(PathReading(p.lhs, p.rhs, float(p.std_all), float(p.pvalue),
                               "fully_mediated" if via is not None else "not_significant", tuple(via or ())))
    return tuple(out)
