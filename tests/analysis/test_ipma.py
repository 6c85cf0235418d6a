"""IPMA: performance rescaling, quadrants and the priority order."""
import math

import pandas as pd
import pytest

from analysis.ipma import construct_performance, importance_performance
from analysis.results import to_plain


def test_performance_rescales_the_mean_to_0_100():
    assert construct_performance(pd.Series([1, 5, 3, None]), 1, 5) == pytest.approx(50.0)
    assert construct_performance(pd.Series([4.0, 4.0]), 1, 5) == pytest.approx(75.0)
    assert math.isnan(construct_performance(pd.Series([None, None], dtype=float), 1, 5))


def test_high_importance_low_performance_comes_first():
    importance = {"PQ": 0.30, "SQ": 0.10, "PR": 0.28, "BI": 0.05}
    performance = {"PQ": 80.0, "SQ": 40.0, "PR": 50.0, "BI": 90.0}
    entries = importance_performance(importance, {k: v / 2 for k, v in importance.items()}, performance)
    assert [e.construct for e in entries] == ["PR", "PQ", "SQ", "BI"]  # gap = importance × (100 − performance)
    quadrants = {e.construct: e.quadrant for e in entries}
    # mean importance .1825 and mean performance 65 split the map
    assert quadrants == {"PR": "concentrate_here", "PQ": "keep_up_the_good_work", "SQ": "low_priority",
                         "BI": "possible_overkill"}
    assert to_plain(entries[0]) == {"construct": "PR", "importance": 0.28, "importance_std": 0.14,
                                    "performance": 50.0, "quadrant": "concentrate_here", "priority": 1}


def test_drivers_without_performance_are_left_out():
    entries = importance_performance({"PQ": 0.3, "XX": 0.2}, {}, {"PQ": 60.0, "XX": float("nan")})
    assert [e.construct for e in entries] == ["PQ"] and math.isnan(entries[0].importance_std)
    assert importance_performance({}, {}, {}) == []


def test_effects_are_rescaled_to_performance_units():
    from analysis.ipma import rescaled_effect

    assert rescaled_effect(0.3, 4, 4) == pytest.approx(0.3)
    # a driver on 1–5 and an outcome on 1–7: one driver point is 25 units, one outcome point 16.7
    assert rescaled_effect(0.3, 4, 6) == pytest.approx(0.2)
