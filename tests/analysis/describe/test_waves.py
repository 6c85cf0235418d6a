"""analysis.describe.waves: before/after comparison of two waves from their results.json dicts.

Reference: tests/fixtures/baseline_waves.R -> baseline_waves.json (t.test(var.equal = FALSE) on simulated
construct scores, Cohen's d / Hedges' g by formula and psych::cohen.d, prop.test(correct = FALSE),
the NPS-change Wald formula by hand). Tolerance 1e-6 against R and scipy (every figure is closed-form;
NPS in points), 1e-3 where noted.
"""
import copy
import json
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from analysis.describe.descriptives import construct_mean_score, describe_items
from analysis.describe.indicators import net_promoter_score, paid_membership_share, repeat_purchase_rate
from analysis.describe.waves import compare_waves, nps_difference
from analysis.diagnostics import StatisticalWarning
from analysis.results import to_plain
from analysis.simulate import DEFAULT_POPULATION, simulate_study
from questionnaire.errors import InputError
from questionnaire.instrument import bundled_instrument_path
from questionnaire.loader import load_instrument

FIX = Path(__file__).parents[2] / "fixtures"
TOL = 1e-6

REF = json.loads((FIX / "baseline_waves.json").read_text())


def _summary(wave):
    return wave["mean"], wave["sd"], wave["n"]


def test_nps_difference_matches_r():
    ref = REF["nps"]
    b, a = ref["before_wave"], ref["after_wave"]
    got = to_plain(nps_difference(b["promoters"], b["detractors"], b["n"], a["promoters"], a["detractors"], a["n"]))
    for key in ("before", "after", "diff", "se", "z", "pvalue", "ci_lower", "ci_upper"):
        assert got[key] == pytest.approx(ref[key], abs=TOL), key


def test_degenerate_nps_difference_is_nan():
    assert np.isnan(nps_difference(10, 0, 10, 20, 0, 20).z)
    assert np.isnan(nps_difference(0, 0, 0, 20, 0, 20).diff)


def test_bad_nps_counts_raise():
    with pytest.raises(InputError, match="NPS before detractors .with the promoters.: count must lie"):
        nps_difference(6, 5, 10, 1, 1, 10)


# --------------------------------------------------------------------------- compare_waves on dicts

def _results(instrument_id="ecommerce-loyalty", constructs=None, rates=None, nps=None):
    """A minimal results.json dict; ``rates`` maps name -> (count, n), ``nps`` is (promoters, detractors, n)."""
    out = {"meta": {"instrument_id": instrument_id, "data_file": "wave.csv", "n_analyzed": 300}}
    if constructs is not None:
        out["descriptives"] = {"items": {}, "constructs": {c: {"n": n, "mean": m, "sd": s}
                                                           for c, (m, s, n) in constructs.items()}}
    indicators = {name: {"overall": {"n": n, "count": k, "proportion": k / n if n else None}}
                  for name, (k, n) in (rates or {}).items()}
    if nps is not None:
        p, d, n = nps
        indicators["nps"] = {"overall": {"n": n, "promoters": p, "detractors": d, "passives": n - p - d}}
    if indicators:
        out["indicators"] = indicators
    return out


def _fixture_waves():
    rates = {r["indicator"]: r for r in REF["rates"]}
    nps = REF["nps"]
    waves = []
    for when in ("before", "after"):
        waves.append(_results(constructs={c["construct"]: _summary(c[when]) for c in REF["welch"]},
                              rates={k: (r[when]["count"], r[when]["n"]) for k, r in rates.items()},
                              nps=tuple(nps[f"{when}_wave"][k] for k in ("promoters", "detractors", "n"))))
    return waves


def test_compare_waves_matches_the_fixture():
    previous, current = _fixture_waves()
    res = compare_waves(previous, current)
    assert res.diagnostics == ()
    out = to_plain(res)
    assert out["previous"] == {"data_file": "wave.csv", "n_analyzed": 300, "instrument_id": "ecommerce-loyalty"}
    assert [c["construct"] for c in out["constructs"]] == [c["construct"] for c in REF["welch"]]
    for got, ref in zip(out["constructs"], REF["welch"]):
        assert got["mean_before"] == pytest.approx(ref["before"]["mean"], abs=TOL)
        for key in ("diff", "ci_lower", "ci_upper", "t", "df", "pvalue", "cohens_d", "hedges_g"):
            assert got[key] == pytest.approx(ref[key], abs=TOL), (ref["construct"], key)
    assert [r["indicator"] for r in out["rates"]] == [r["indicator"] for r in REF["rates"]]
    for got, ref in zip(out["rates"], REF["rates"]):
        for key in ("diff", "ci_lower", "ci_upper", "z", "pvalue"):
            assert got[key] == pytest.approx(ref[key], abs=TOL), (ref["indicator"], key)
    for key in ("before", "after", "diff", "ci_lower", "ci_upper", "z", "pvalue"):
        assert out["nps"][key] == pytest.approx(REF["nps"][key], abs=TOL), key
    json.dumps(out, allow_nan=False)


def _codes(result):
    return [d.code for d in result.diagnostics]


def test_unmatched_constructs_and_missing_indicators_are_diagnostics():
    previous = _results(constructs={"CS": (3.5, 0.8, 300), "OLD": (3.0, 0.7, 300)},
                        rates={"repeat_purchase": (150, 300)}, nps=(100, 80, 300))
    current = _results(constructs={"CS": (3.7, 0.8, 280), "NEW": (3.1, 0.7, 280)},
                       rates={"paid_membership": (90, 280)})
    with pytest.warns(StatisticalWarning):
        res = compare_waves(previous, current)
    assert [c.construct for c in res.constructs] == ["CS"]
    assert res.rates == () and res.nps is None
    assert _codes(res).count("baseline_construct_unmatched") == 2
    assert _codes(res).count("baseline_indicator_missing") == 3  # repeat_purchase, paid_membership, nps
    messages = " ".join(d.message for d in res.diagnostics)
    assert "OLD is only in the previous wave" in messages and "NEW is only in the current wave" in messages
    assert to_plain(res)["nps"] is None


def test_sections_absent_give_diagnostics_not_errors():
    with pytest.warns(StatisticalWarning):
        res = compare_waves({"meta": {}}, _results(constructs={"CS": (3.5, 0.8, 10)}, nps=(3, 3, 10)))
    assert res.constructs == () and res.nps is None
    assert "baseline_no_constructs" in _codes(res) and "baseline_indicator_missing" in _codes(res)
    assert "baseline_instrument_mismatch" in _codes(res)


def test_instrument_mismatch_still_compares_what_matches():
    previous = _results("survey-2024", constructs={"CS": (3.5, 0.8, 300)})
    current = _results("survey-2025", constructs={"CS": (3.7, 0.9, 280)})
    with pytest.warns(StatisticalWarning, match="survey-2024"):
        res = compare_waves(previous, current)
    assert _codes(res)[0] == "baseline_instrument_mismatch"
    assert [c.construct for c in res.constructs] == ["CS"]


def test_scale_change_skips_the_construct():
    previous = _results(constructs={"CS": (3.5, 0.8, 300), "LY": (3.4, 0.8, 300)})
    current = _results(constructs={"CS": (5.1, 1.2, 280), "LY": (3.6, 0.8, 280)})
    previous["instrument"] = {"scale": {"min": 1, "max": 5}, "constructs": [{"id": "CS"}, {"id": "LY"}]}
    current["instrument"] = {"scale": {"min": 1, "max": 5},
                             "constructs": [{"id": "CS", "scale": {"min": 1, "max": 7}}, {"id": "LY"}]}
    with pytest.warns(StatisticalWarning, match="scale"):
        res = compare_waves(previous, current)
    assert [c.construct for c in res.constructs] == ["LY"]
    assert _codes(res) == ["baseline_scale_mismatch"]


def test_degenerate_inputs_are_skipped_with_diagnostics():
    previous = _results(constructs={"A": (3.0, None, 1), "B": (3.0, 0.0, 50), "C": (None, None, 0)},
                        rates={"repeat_purchase": (0, 40), "paid_membership": (0, 0)}, nps=(40, 0, 40))
    current = _results(constructs={"A": (3.5, 0.5, 30), "B": (3.0, 0.0, 60), "C": (3.0, 0.5, 20)},
                       rates={"repeat_purchase": (0, 50), "paid_membership": (4, 30)}, nps=(50, 0, 50))
    with pytest.warns(StatisticalWarning):
        res = compare_waves(previous, current)
    assert res.constructs == () and res.rates == () and res.nps is None
    assert _codes(res) == ["baseline_degenerate"] * 6
    messages = [d.message for d in res.diagnostics]
    assert "share is 0 in both waves" in messages[3] and "n = 0 in a wave" in messages[4]
    out = to_plain(res)
    assert out["constructs"] == [] and out["rates"] == [] and out["nps"] is None


def test_compare_waves_bad_level_raises():
    with pytest.raises(InputError, match="confidence level"):
        compare_waves({}, {}, level=0)


# --------------------------------------------------------------------------- two simulated waves

@pytest.fixture(scope="module")
def simulated_waves():
    instrument = load_instrument(bundled_instrument_path())
    improved = copy.deepcopy(DEFAULT_POPULATION)
    improved["thresholds"]["CS"] = [c - 0.5 for c in improved["thresholds"]["CS"]]
    improved["orders_mean"] = 7.0
    waves = []
    for seed, population in ((11, DEFAULT_POPULATION), (12, improved)):
        data = simulate_study(instrument, n=250, seed=seed, population=population, contaminate=False).responses
        items = data[instrument.item_ids].astype(float)
        scales = {i: (1, 5) for i in instrument.item_ids}
        none_code = next(o.code for o in instrument.question_by_role("membership").options if o.none)
        results = {
            "meta": {"instrument_id": instrument.id, "data_file": f"wave{seed}.csv", "n_analyzed": len(data)},
            "instrument": instrument.document,
            "descriptives": describe_items(items, scales, instrument.measurement),
            "indicators": {"nps": net_promoter_score(data["nps"]),
                           "repeat_purchase": repeat_purchase_rate(data["orders_6m"]),
                           "paid_membership": paid_membership_share(data["membership"], none_value=none_code)},
        }
        waves.append((data, json.loads(json.dumps(to_plain(results)))))
    return instrument, waves


def test_full_compare_of_two_simulated_waves(simulated_waves):
    instrument, ((data1, previous), (data2, current)) = simulated_waves
    res = compare_waves(previous, current)
    assert res.diagnostics == ()
    out = to_plain(res)
    json.dumps(out, allow_nan=False)
    assert out["previous"]["data_file"] == "wave11.csv"
    assert [c["construct"] for c in out["constructs"]] == list(instrument.measurement)
    for row in out["constructs"]:
        items = instrument.measurement[row["construct"]]
        s1 = construct_mean_score(data1, items).dropna()
        s2 = construct_mean_score(data2, items).dropna()
        ref = stats.ttest_ind(s2, s1, equal_var=False)
        assert row["t"] == pytest.approx(ref.statistic, abs=TOL)
        assert row["pvalue"] == pytest.approx(ref.pvalue, abs=TOL)
        assert row["df"] == pytest.approx(ref.df, abs=TOL)
        ci = ref.confidence_interval(0.95)
        assert (row["ci_lower"], row["ci_upper"]) == pytest.approx((ci.low, ci.high), abs=TOL)
    cs = next(r for r in out["constructs"] if r["construct"] == "CS")
    assert cs["diff"] > 0 and cs["pvalue"] < 0.05 and 0.2 < cs["cohens_d"] < 1.5
    assert cs["hedges_g"] == pytest.approx(cs["cohens_d"], rel=2e-3)
    rates = {r["indicator"]: r for r in out["rates"]}
    assert set(rates) == {"repeat_purchase", "paid_membership"}
    for name, rate in rates.items():
        before, after = previous["indicators"][name]["overall"], current["indicators"][name]["overall"]
        assert (rate["before"], rate["after"]) == pytest.approx((before["proportion"], after["proportion"]))
    nps = out["nps"]
    before, after = previous["indicators"]["nps"]["overall"], current["indicators"]["nps"]["overall"]
    assert nps["diff"] == pytest.approx(after["nps"] - before["nps"], abs=TOL)
    assert nps["se"] == pytest.approx(np.hypot(before["se"], after["se"]), abs=TOL)
    assert -200 <= nps["ci_lower"] < nps["diff"] < nps["ci_upper"] <= 200
