"""Targets of the next wave: a fixed share of the gap to the best value closed, rounded as the report prints."""
from analysis.planning.targets import GAP_CLOSED, NEXT_MEASUREMENT_MONTHS, indicator_targets, target_value
from analysis.results import to_plain


def test_the_rule_and_its_rounding():
    assert GAP_CLOSED == 0.2
    assert target_value(0.902, "share") == 0.922          # 0.902 + 0.2 · 0.098 = 0.9216
    assert target_value(-30.0, "nps") == -4.0             # −30 + 0.2 · 130
    assert target_value(60.14583, "index") == 68.1        # 60.146 + 0.2 · 39.854 = 68.117
    assert target_value(100.0, "index") == 100.0


def test_targets_in_order_with_maintained_drivers_kept_at_their_level():
    found = indicator_targets({"repeat_purchase": 0.5, "nps": 10.0}, {"LY": 50.0, "EX": 71.04}, maintained={"EX"})
    plain = to_plain(found)
    assert plain["gap_closed"] == GAP_CLOSED and plain["next_measurement_months"] == NEXT_MEASUREMENT_MONTHS
    assert [(t["indicator"], t["construct"], t["kind"], t["target"]) for t in plain["targets"]] == [
        ("repeat_purchase", None, "share", 0.6), ("nps", None, "nps", 28.0), ("index", "LY", "index", 60.0),
        ("index", "EX", "index", 71.0)]
