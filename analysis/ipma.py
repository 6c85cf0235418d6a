"""Importance–performance map analysis (IPMA) of the drivers of the outcome construct."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


def construct_performance(scores: pd.Series, scale_min: float, scale_max: float) -> float:
    """Performance on 0–100: 100·(mean score − min)/(max − min) (Ringle & Sarstedt 2016, rescaled scores).

    ``scores`` are respondents' construct mean scores (mean of the construct's items). Equal item weights
    are used, as in CB-SEM theses; SmartPLS would weight items by PLS outer weights.
    """
    values = pd.to_numeric(scores, errors="coerce").dropna()
    if values.empty:
        return float("nan")
    return performance_score(values.mean(), scale_min, scale_max)


def performance_score(mean: float, scale_min: float, scale_max: float) -> float:
    """A mean score on the 0–100 performance scale: 100·(mean − min)/(max − min)."""
    return float(100 * (mean - scale_min) / (scale_max - scale_min))


def rescaled_effect(total_effect: float, driver_range: float, outcome_range: float) -> float:
    """A total effect in 0–100 performance units: b · range(driver) / range(outcome).

    With marker-variable scaling a latent's unit is one point of its marker item, so ``b`` is the
    outcome's change in its scale points per scale point of the driver; on scores rescaled to 0–100
    (100/range per point) it becomes b · range(driver)/range(outcome) (Ringle & Sarstedt 2016). When
    every construct shares one scale this is ``b`` itself.
    """
    return float(total_effect * driver_range / outcome_range)


@dataclass(frozen=True)
class IpmaEntry:
    """One driver: ``importance`` = total effect on the outcome in 0–100 units, ``performance`` on 0–100."""

    construct: str
    importance: float
    importance_std: float
    performance: float
    quadrant: str
    priority: int


def importance_performance(total_effects: dict[str, float], total_effects_std: dict[str, float],
                           performance: dict[str, float]) -> list[IpmaEntry]:
    """Place each driver in the importance–performance map and rank the priorities.

    Drivers are the exogenous constructs with an effect on the outcome; mediators (e.g. satisfaction)
    are outcomes of the drivers, not levers a manager pulls, and are left to the path analysis.
    Importance is the total effect on the outcome (direct + all indirect) on rescaled scores
    (:func:`rescaled_effect`), SmartPLS's importance; the standardized total effect is kept beside it. Quadrants split at the mean importance and
    mean performance of the drivers (Martilla & James 1977). Priority 1 is the driver with the largest
    importance × (100 − performance): high importance and low performance come first.
    """
    drivers = [c for c in total_effects if c in performance and np.isfinite(performance[c])]
    if not drivers:
        return []
    mean_importance = float(np.mean([total_effects[c] for c in drivers]))
    mean_performance = float(np.mean([performance[c] for c in drivers]))
    gap = {c: total_effects[c] * (100 - performance[c]) for c in drivers}
    ranked = sorted(drivers, key=lambda c: (-gap[c], c))
    entries = []
    for construct in drivers:
        important = total_effects[construct] >= mean_importance
        performing = performance[construct] >= mean_performance
        quadrant = {(True, False): "concentrate_here", (True, True): "keep_up_the_good_work",
                    (False, False): "low_priority", (False, True): "possible_overkill"}[(important, performing)]
        entries.append(IpmaEntry(construct, float(total_effects[construct]),
                                 float(total_effects_std.get(construct, float("nan"))),
                                 float(performance[construct]), quadrant, ranked.index(construct) + 1))
    return sorted(entries, key=lambda e: e.priority)
