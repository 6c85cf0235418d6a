"""The typed view of results.json: sections read from the keys the pipeline writes, decisions from analysis."""
import pytest

from analysis.results_view import results_view
from analysis.sem.effects import f2_size
from analysis.sem.fit_indices import FIT_THRESHOLDS, fit_verdict


@pytest.mark.parametrize("f2, size", [(0.01, "negligible"), (0.02, "small"), (0.149, "small"), (0.15, "medium"),
                                      (0.35, "large")])
def test_f2_bands_follow_cohen(f2, size):
    assert f2_size(f2) == size


def test_fit_verdict_reads_the_cutoffs():
    rmsea = next(t for t in FIT_THRESHOLDS if t.index == "rmsea")
    assert [fit_verdict(v, rmsea) for v in (0.04, 0.06, 0.09, float("nan"))] == ["good", "acceptable", "poor", "n/a"]


def test_missing_and_malformed_sections_read_as_absent():
    view = results_view({"sem": {"paths": [{"lhs": "CS"}, 5], "r2": None}, "ipma": [{"construct": "X"}],
                         "reliability": {"A": 5}}, ("A",))
    assert view.cfa is None and view.ipma is None and view.efa is None and view.baseline is None
    assert view.reliability == {} and view.sem.r2 == {} and view.sem.fit is None
    (path,) = view.sem.paths
    assert path.lhs == "CS" and path.rhs is None and path.supported is None and not path.significant


def test_decisions_come_from_the_results():
    results = {
        "sem": {"paths": [{"lhs": "CS", "rhs": "PQ", "std_all": 0.3, "pvalue": 0.001, "hypothesis": "H1", "supported": True},
                          {"lhs": "CS", "rhs": "PR", "std_all": 0.02, "pvalue": 0.6, "hypothesis": "H2",
                           "supported": False}],
                "indirect": [{"from": "PQ", "via": "CS", "to": "LY", "ci_lower": 0.1, "ci_upper": 0.2,
                              "mediation_type": "indirect-only", "hypothesis": "H3", "supported": True}],
                "f2": [{"lhs": "CS", "rhs": "PQ", "f2": 0.2}],
                "fit": {"rmsea": 0.09, "cfi": 0.97},
                "fit_verdicts": [{"index": "rmsea", "threshold": {"op": "<", "acceptable": 0.08, "good": 0.05},
                                  "verdict": "poor"}]},
        "ipma": [{"construct": "PQ", "importance": 0.3, "performance": 60.0, "quadrant": "concentrate_here",
                  "priority": 1}]}
    view = results_view(results, ("PQ", "CS", "LY"))
    assert view.sem.supported == ["H1", "H3"] and view.sem.rejected == ["H2"]
    assert view.sem.indirect[0].chain == ("PQ", "CS", "LY") and view.sem.indirect[0].significant
    assert view.sem.f2_of("CS")[0].size == "medium"
    assert list(view.sem.fit.checks) == ["rmsea"] and not view.sem.fit.checks["rmsea"].passed
    assert view.ipma.priorities[0].improve_first


def test_fit_verdicts_are_computed_by_analysis_when_the_results_carry_none():
    view = results_view({"cfa": {"fit": {"rmsea": 0.04, "cfi": 0.85}}}, ())
    checks = view.cfa.fit.checks
    assert set(checks) == {"rmsea", "cfi"}
    assert checks["rmsea"].verdict == "good" and checks["cfi"].verdict == "poor" and not checks["cfi"].passed


def test_missing_answers_by_kind_are_read_typed():
    from analysis.results_view.survey import read_sample

    missing = {"n_respondents": 10, "n_listwise": 7, "n_dropped_listwise": 3, "pct_dropped_listwise": 30.0,
               "n_not_answered": 1, "n_skipped_by_design": 2, "n_declared_missing": 1,
               "items": {"PQ1": {"n_missing": 3, "pct_missing": 30.0, "n_available": 7, "n_not_answered": 1,
                                 "n_skipped_by_design": 1, "n_declared_missing": 1},
                         "PQ2": {"n_missing": 0, "pct_missing": 0.0, "n_available": 10, "n_not_answered": 0,
                                 "n_skipped_by_design": 0, "n_declared_missing": 0}}}
    m = read_sample({"missing": missing}).missing
    assert (m.n_not_answered, m.n_skipped_by_design, m.n_declared_missing) == (1, 2, 1)
    assert m.has_kinds_beyond_nonresponse and [i.item for i in m.items_with_missing] == ["PQ1"]
    old = read_sample({"missing": {"n_dropped_listwise": 3}}).missing   # written before the kinds were counted
    assert not old.has_kinds_beyond_nonresponse and old.n_skipped_by_design is None and old.items == ()


def test_malformed_classical_sections_read_as_absent_values():
    view = results_view({"item_analysis": {"items": {"A1": {"cr_t": "x", "flags": 3}, "A2": 4}, "n": True},
                         "correlations": {"constructs": ["A", 2], "r": {"A": {"A": "1"}}, "sqrt_ave": [1]},
                         "regression": [{"outcome": "B", "coefficients": [{"term": "A", "b": None}, 3],
                                         "flags": [{"code": "vif_above_max", "term": "A"}], "steps": "no"}, 7]}, ("A",))
    (item,) = view.item_analysis.items
    assert item.item == "A1" and item.cr_t is None and item.flags == () and view.item_analysis.n is None
    assert view.correlations.constructs == ("A",) and view.correlations.r == {"A": {"A": None}}
    assert view.correlations.sqrt_ave is None and view.correlations.range_of_r() is None
    (reg,) = view.regression
    assert reg.coefficients[0].b is None and not reg.coefficients[0].significant and reg.steps == ()
    assert reg.high_vif == ("A",) and reg.r2 is None and not reg.significant
    assert results_view({}, ("A",)).regression is None
