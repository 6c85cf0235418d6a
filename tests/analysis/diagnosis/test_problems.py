"""Problems traced to evidence: the priority drivers, their lowest items, the groups that differ, the causes by
angle, the open-answer hook, and non-significant paths read as fully mediated where they are."""
from types import SimpleNamespace as NS

from analysis.describe.open_answers import OpenAnswerThemes, ThemeCount
from analysis.diagnosis import ThemeEvidence, diagnose_problems, theme_evidence
from analysis.diagnosis.problems import lowest_items
from questionnaire.instrument import Text


def _entry(construct, priority, quadrant="low_priority"):
    return NS(construct=construct, priority=priority, quadrant=quadrant)


def _comparison(question, construct, p, means):
    return NS(question=question, construct=construct, test="anova", pvalue=p,
              groups=tuple(NS(code=k + 1, mean=m) for k, m in enumerate(means)))


def _indicator(**overall):
    return NS(overall=NS(**overall), test=NS(pvalue=0.4))


MEASUREMENT = {"A": ["A1", "A2", "A3", "A4"], "B": ["B1", "B2"], "C": ["C1", "C2", "C3"], "LY": ["L1", "L2"]}
ITEM_MEANS = {"A1": 3.5, "A2": 3.1, "A3": 3.1, "A4": 3.9, "B1": 3.0, "B2": 2.8, "C1": 4, "C2": 4, "C3": 4,
              "L1": 3.3, "L2": 3.1}
CONSTRUCT_MEANS = {"A": 3.4, "B": 2.9, "C": 4.0, "LY": 3.2}


def _diagnose(comparisons=(), nps=-20.0, share=0.6, themes=(), paths=(), indirect=()):
    priorities = [_entry("A", 1), _entry("C", 2), _entry("B", 3, "concentrate_here")]
    indicators = {"nps": _indicator(nps=nps), "repeat_purchase": _indicator(proportion=0.9),
                  "paid_membership": _indicator(proportion=share)}
    return diagnose_problems(priorities, MEASUREMENT, ITEM_MEANS, CONSTRUCT_MEANS, comparisons, "platform",
                             "membership", indicators, "LY", paths, indirect, themes)


def test_priority_drivers_are_the_top_two_and_concentrate_here():
    d = _diagnose()
    assert d.priority_drivers == ("A", "C", "B")
    assert [p.kind for p in d.problems] == ["driver_performance"] * 3 + ["weak_advocacy"]


def test_lowest_items_at_most_two_and_half_the_construct_ties_in_order():
    assert [e.item for e in lowest_items("A", MEASUREMENT["A"], ITEM_MEANS, 3.4)] == ["A2", "A3"]
    assert [e.item for e in lowest_items("B", MEASUREMENT["B"], ITEM_MEANS, 2.9)] == ["B2"]


def test_causes_follow_the_groups_that_differ():
    comparisons = [_comparison("platform", "A", 0.01, [3.1, 3.6]), _comparison("age", "A", 0.03, [3.2, 3.5]),
                   _comparison("gender", "A", 0.30, [3.3, 3.4]), _comparison("membership", "C", 0.001, [4.2, 3.8]),
                   _comparison("gender", "C", 0.50, [4.0, 4.0])]
    a, c, b = _diagnose(comparisons).problems[:3]
    causes = {x.angle: x for x in a.causes}
    assert (causes["operations"].shown, causes["operations"].basis) == (True, "lowest_items")
    assert (causes["competition"].shown, causes["competition"].basis) == (True, "platforms_differ")
    assert (causes["customer_needs"].shown, causes["customer_needs"].questions) == (True, ("age",))
    groups = [e for e in a.evidence if e.kind == "group_difference"]
    assert [(g.question, g.high_code, g.low_code) for g in groups] == [("platform", 2, 1), ("age", 2, 1)]
    causes = {x.angle: x for x in c.causes}   # the membership question is the programme, not a segment
    assert causes["competition"].basis == "platforms_alike" and causes["customer_needs"].shown is False
    needs = next(x for x in b.causes if x.angle == "customer_needs")   # no background question compared on B
    assert (needs.shown, needs.basis) == (None, "no_segments")


def test_indicator_problems_and_membership_reach():
    members = [_comparison("membership", "LY", 0.001, [3.6, 3.1])]
    problems = {p.kind: p for p in _diagnose(members, nps=35.0, share=0.3).problems}
    assert "weak_advocacy" not in problems
    low = problems["low_membership"]
    assert [e.kind for e in low.evidence] == ["indicator", "group_difference"]
    assert [(x.angle, x.shown, x.basis) for x in low.causes] == [
        ("operations", True, "members_differ"), ("competition", False, "platforms_alike"),
        ("customer_needs", None, "not_measured")]


def test_open_answer_themes_join_the_problems_of_their_constructs():
    theme = ThemeEvidence("returns", {"zh": "退换货", "en": "returns"}, 12, 0.18, ("B",))
    d = _diagnose(themes=[theme])
    assert d.open_answer_themes
    b = next(p for p in d.problems if p.construct == "B")
    assert theme in b.evidence and all(theme not in p.evidence for p in d.problems if p.construct != "B")


def test_a_fully_mediated_driver_is_not_called_not_significant():
    paths = [NS(lhs="LY", rhs="A", pvalue=0.47, std_all=0.04), NS(lhs="CS", rhs="C", pvalue=0.26, std_all=0.06),
             NS(lhs="LY", rhs="B", pvalue=0.01, std_all=0.3)]
    indirect = [NS(source="A", via=("CS",), target="LY", mediation="full"),
                NS(source="C", via=("CS",), target="LY", mediation="none")]
    readings = _diagnose(paths=paths, indirect=indirect).paths
    assert [(r.rhs, r.reading, r.via) for r in readings] == [("A", "fully_mediated", ("CS",)),
                                                             ("C", "not_significant", ())]


def test_open_answer_themes_are_evidence_only_for_their_wishes_and_complaints():
    label = Text({"zh": "物流", "en": "logistics"})
    coded = OpenAnswerThemes("Q", 40, 30, (
        ThemeCount("logistics", label, 10, 0.25, 4, (), ("SQ",)),          # 6 wishes or complaints, 4 praise
        ThemeCount("quality", label, 5, 0.125, 5, (), ("PQ",))))            # praise only: no evidence
    assert theme_evidence(coded) == (ThemeEvidence("logistics", {"zh": "物流", "en": "logistics"}, 6, 6 / 40,
                                                   ("SQ",)),)
    assert theme_evidence(None) == ()
