"""The phased action plan of chapter 5, derived from the IPMA priorities, with each driver's weakest items and
the open-answer themes that speak to it (chapter 4).

Phase rule (stated in the report): short term (0–6 months) — the drivers in the "concentrate here" quadrant
of the importance–performance map and the driver of priority 1; medium term (6–18 months) — the other drivers
of above-mean importance or below-mean performance (quadrants "keep up the good work" and "low priority");
long term (18 months and more) — the drivers of below-mean importance and above-mean performance ("possible
overkill"), which are maintained rather than raised (Martilla & James 1977; Ringle & Sarstedt 2016).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from analysis.describe.open_answers import OpenAnswerThemes
from analysis.ipma import IpmaEntry

PHASES = ("short", "medium", "long")
#: months at which each phase starts and ends (None: open-ended)
PHASE_MONTHS = {"short": (0, 6), "medium": (6, 18), "long": (18, None)}
#: lowest-scoring items cited per driver
WEAKEST_ITEMS = 2


def driver_phase(entry: IpmaEntry) -> str:
    """The phase of a driver by the rule of the module docstring."""
    if entry.quadrant == "concentrate_here" or entry.priority == 1:
        return "short"
    return "long" if entry.quadrant == "possible_overkill" else "medium"


@dataclass(frozen=True)
class ItemMean:
    item: str
    mean: float


@dataclass(frozen=True)
class Kpi:
    """An indicator of ``results.indicator_targets`` (``construct`` for a 0–100 index, else None)."""

    indicator: str
    construct: str | None = None


@dataclass(frozen=True)
class DriverAction:
    """One driver's place in the plan: its IPMA rank and quadrant, phase, weakest items (lowest item means,
    reverse-worded items recoded), the open-answer themes linked to it that call for action (some answer is not
    praise) and those mentioned only in praise, and the KPIs that track it."""

    construct: str
    priority: int
    quadrant: str
    phase: str
    weakest_items: tuple[ItemMean, ...]
    themes: tuple[str, ...]
    praised_themes: tuple[str, ...]
    kpis: tuple[Kpi, ...]


@dataclass(frozen=True)
class ActionPlan:
    """``results.action_plan``: the drivers in priority order, the phases' months and the KPI every phase shares
    (the outcome's index)."""

    drivers: tuple[DriverAction, ...]
    phase_months: dict
    outcome_kpi: Kpi

    def plain_form(self) -> dict:
        return {"phase_rule": "short: quadrant concentrate_here or priority 1; long: quadrant possible_overkill; "
                              "medium: the others",
                "phase_months": {p: list(m) for p, m in self.phase_months.items()}, "outcome_kpi": self.outcome_kpi,
                "drivers": list(self.drivers)}


def plan_actions(ipma: Sequence[IpmaEntry], item_means: Mapping[str, float], measurement: Mapping[str, Sequence[str]],
                 outcome: str, themes: OpenAnswerThemes | None = None, lead_kpi: str | None = None) -> ActionPlan:
    """The plan of every IPMA driver. KPIs of a driver: its own index, and for the drivers of the short term
    ``lead_kpi``; the outcome's index is the KPI of every phase (``outcome_kpi``). ``lead_kpi``: (the indicator the loyalty pattern says is lagging,
    :func:`analysis.planning.loyalty_pattern.lagging_indicator`)."""
    mentioned = themes.themes if themes else ()
    drivers = []
    for entry in sorted(ipma, key=lambda e: e.priority):
        items = sorted((i for i in measurement.get(entry.construct, ()) if i in item_means),
                       key=lambda i: (item_means[i], i))[:WEAKEST_ITEMS]
        phase = driver_phase(entry)
        kpis = [Kpi("index", entry.construct)]
        if phase == "short" and lead_kpi:
            kpis.append(Kpi(lead_kpi))
        linked = [t for t in mentioned if entry.construct in t.constructs]
        drivers.append(DriverAction(entry.construct, entry.priority, entry.quadrant, phase,
                                    tuple(ItemMean(i, float(item_means[i])) for i in items),
                                    tuple(t.id for t in linked if t.calls_for_action),
                                    tuple(t.id for t in linked if not t.calls_for_action), tuple(kpis)))
    return ActionPlan(tuple(drivers), dict(PHASE_MONTHS), Kpi("index", outcome))
