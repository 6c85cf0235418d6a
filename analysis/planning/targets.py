"""Targets of the loyalty indicators for the next survey wave (chapter 6 without a baseline).

Rule: the target closes :data:`GAP_CLOSED` of the distance between the current value and the best possible one
(100 % for a share, +100 for the NPS, 100 for a 0–100 index), rounded to the precision the report prints
(0.1 percentage point, 0.1 point). It is measured again with the same questionnaire at the end of the short-term
phase (:data:`NEXT_MEASUREMENT_MONTHS`), so the first phase can be judged before the second begins. A driver the
plan only maintains (low importance, high performance) keeps its current value as the target.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

GAP_CLOSED = 0.2
NEXT_MEASUREMENT_MONTHS = 6
#: the best possible value of each kind of indicator
BEST = {"share": 1.0, "nps": 100.0, "index": 100.0}


@dataclass(frozen=True)
class IndicatorTarget:
    """One indicator: ``kind`` share (proportion), nps (points) or index (0–100, of ``construct``)."""

    indicator: str
    construct: str | None
    kind: str
    current: float
    target: float


def target_value(current: float, kind: str) -> float:
    """current + GAP_CLOSED · (best − current), rounded to 0.001 for a share and 0.1 otherwise."""
    raw = current + GAP_CLOSED * (BEST[kind] - current)
    return round(raw, 3 if kind == "share" else 1)


@dataclass(frozen=True)
class IndicatorTargets:
    """``results.indicator_targets``: the rule (share of the gap closed, months to the next measurement) and the
    targets."""

    gap_closed: float
    next_measurement_months: int
    targets: tuple[IndicatorTarget, ...]


def indicator_targets(indicators: Mapping[str, float], indices: Mapping[str, float],
                      maintained: Collection[str] = ()) -> IndicatorTargets:
    """Targets of the survey ``indicators`` (``nps`` in points, the others proportions) and of the constructs'
    0–100 ``indices`` (construct → value), in the order given; the index of a ``maintained`` construct (a driver
    the plan keeps at its level, :data:`analysis.planning.action_plan.PHASES` "long") keeps its current value."""
    rows = [IndicatorTarget(name, None, kind, float(v), target_value(v, kind))
            for name, v in indicators.items() for kind in ["nps" if name == "nps" else "share"]]
    rows += [IndicatorTarget("index", c, "index", float(v), round(v, 1) if c in maintained else target_value(v, "index"))
             for c, v in indices.items()]
    return IndicatorTargets(GAP_CLOSED, NEXT_MEASUREMENT_MONTHS, tuple(rows))
