"""Chapters 4–6 as analysis decided them: the phased action plan, the indicator targets and the loyalty pattern
(``results.action_plan``, ``indicator_targets``, ``loyalty_pattern``; analysis.planning)."""
from __future__ import annotations

from dataclasses import dataclass

from analysis.results_view.reading import mapping, number, records, text


@dataclass(frozen=True)
class Kpi:
    indicator: str
    construct: str | None


@dataclass(frozen=True)
class DriverAction:
    construct: str
    priority: int | None
    quadrant: str | None
    phase: str
    weakest_items: tuple[tuple[str, float], ...]
    themes: tuple[str, ...]
    praised_themes: tuple[str, ...]
    kpis: tuple[Kpi, ...]


@dataclass(frozen=True)
class ActionPlan:
    drivers: tuple[DriverAction, ...]
    phase_months: dict[str, tuple[int | None, int | None]]
    outcome_kpi: Kpi | None = None

    def driver(self, construct: str) -> DriverAction | None:
        return next((d for d in self.drivers if d.construct == construct), None)


@dataclass(frozen=True)
class IndicatorTarget:
    indicator: str
    construct: str | None
    kind: str
    current: float | None
    target: float | None


@dataclass(frozen=True)
class IndicatorTargets:
    """The targets of the next wave and the rule that set them (share of the gap to the best value closed)."""

    gap_closed: float | None
    next_measurement_months: int | None
    targets: tuple[IndicatorTarget, ...]

    def of(self, indicator: str, construct: str | None) -> IndicatorTarget | None:
        return next((r for r in self.targets if (r.indicator, r.construct) == (indicator, construct)), None)


@dataclass(frozen=True)
class LoyaltyPattern:
    nps: float | None
    repeat_purchase: float | None
    pattern: str
    diverges: bool
    attitude_high_above_nps: float | None = None
    repeat_high_from: float | None = None


def _kpi(k: dict) -> Kpi:
    return Kpi(k["indicator"], text(k.get("construct")))


def read_action_plan(d: dict) -> ActionPlan:
    drivers = tuple(DriverAction(
        r["construct"], number(r.get("priority")), text(r.get("quadrant")), r["phase"],
        tuple((i["item"], i["mean"]) for i in records(r.get("weakest_items"))
              if text(i.get("item")) and number(i.get("mean")) is not None),
        tuple(t for t in r.get("themes") or () if isinstance(t, str)),
        tuple(t for t in r.get("praised_themes") or () if isinstance(t, str)),
        tuple(_kpi(k) for k in records(r.get("kpis")) if text(k.get("indicator"))))
        for r in records(d.get("drivers")) if text(r.get("construct")) and text(r.get("phase")))
    months = {p: tuple(number(x) for x in m) for p, m in mapping(d.get("phase_months")).items()
              if isinstance(m, list) and len(m) == 2}
    outcome = mapping(d.get("outcome_kpi"))
    return ActionPlan(drivers, months, _kpi(outcome) if text(outcome.get("indicator")) else None)


def read_indicator_targets(d: dict) -> IndicatorTargets:
    return IndicatorTargets(number(d.get("gap_closed")), number(d.get("next_measurement_months")), tuple(
        IndicatorTarget(r["indicator"], text(r.get("construct")), r["kind"], number(r.get("current")),
                        number(r.get("target")))
        for r in records(d.get("targets")) if text(r.get("indicator")) and text(r.get("kind"))))


def read_loyalty_pattern(d: dict) -> LoyaltyPattern | None:
    if not text(d.get("pattern")):
        return None
    rule = mapping(d.get("rule"))
    return LoyaltyPattern(number(d.get("nps")), number(d.get("repeat_purchase")), d["pattern"], d.get("diverges") is True,
                          number(rule.get("attitude_high_above_nps")), number(rule.get("repeat_high_from")))
