"""The phased plan from the IPMA priorities: the phase rule, each driver's weakest items, linked themes and KPIs."""
from analysis.describe.open_answers import bundled_codebook, code_open_answers, praise_marker
from analysis.ipma import IpmaEntry
from analysis.planning.action_plan import driver_phase, plan_actions
from analysis.results import to_plain


def _entry(construct, quadrant, priority):
    return IpmaEntry(construct, 0.2, 0.2, 60.0, quadrant, priority)


def test_phase_rule():
    assert driver_phase(_entry("A", "concentrate_here", 3)) == "short"
    assert driver_phase(_entry("A", "keep_up_the_good_work", 1)) == "short"     # priority 1 starts first
    assert driver_phase(_entry("A", "possible_overkill", 1)) == "short"
    assert driver_phase(_entry("A", "keep_up_the_good_work", 2)) == "medium"
    assert driver_phase(_entry("A", "low_priority", 4)) == "medium"
    assert driver_phase(_entry("A", "possible_overkill", 5)) == "long"


def test_weakest_items_themes_and_kpis():
    entries = [_entry("EX", "possible_overkill", 2), _entry("SQ", "concentrate_here", 1)]
    means = {"SQ1": 3.5, "SQ2": 3.1, "SQ3": 3.4, "EX1": 3.9, "EX2": 3.8}
    themes = code_open_answers("q", ["客服太慢", "物流很满意", "退货麻烦"], bundled_codebook(), praise_marker())
    plan = plan_actions(entries, means, {"SQ": ["SQ1", "SQ2", "SQ3"], "EX": ["EX1", "EX2"]}, "LY", themes, "nps")
    sq, ex = plan.drivers
    assert (sq.construct, sq.phase, ex.phase) == ("SQ", "short", "long")
    assert [(i.item, i.mean) for i in sq.weakest_items] == [("SQ2", 3.1), ("SQ3", 3.4)]
    assert set(sq.themes) == {"customer_service", "returns"} and sq.praised_themes == ("logistics",)
    assert [(k.indicator, k.construct) for k in sq.kpis] == [("index", "SQ"), ("nps", None)]
    assert [(k.indicator, k.construct) for k in ex.kpis] == [("index", "EX")]
    plain = to_plain(plan)
    assert plain["phase_months"] == {"short": [0, 6], "medium": [6, 18], "long": [18, None]}
    assert plain["outcome_kpi"] == {"indicator": "index", "construct": "LY"}
