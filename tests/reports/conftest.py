"""Results dicts for the report tests.

``results``: the real pipeline run on the bundled demo (200 bootstrap resamples), as `loyalty run`
writes it. ``results_builder``: a hand-made dict of plausible size (Contract 3 plus the pipeline's
extra keys) for variants a real run cannot produce, e.g. hostile free text or missing sections.
"""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from analysis.describe.open_answers import code_open_answers, praise_marker, study_codebook
from analysis.ipma import importance_performance
from analysis.planning.action_plan import plan_actions
from analysis.planning.loyalty_pattern import classify_loyalty, lagging_indicator
from analysis.planning.targets import indicator_targets
from analysis.pipeline import RunOptions, run_study
from analysis.results import to_plain
from analysis.sem.effects import mediation_type
from questionnaire.instrument import bundled_instrument_path
from questionnaire.loader import load_instrument

def _fit(chisq: float, df: int, n: int) -> dict:
    return {"chisq": chisq, "df": df, "pvalue": 1e-6, "chisq_df": chisq / df, "cfi": 0.962, "tli": 0.956,
            "nfi": 0.931, "ifi": 0.963, "rmsea": 0.041, "rmsea_ci_lower": 0.036, "rmsea_ci_upper": 0.046,
            "pclose": 0.998, "srmr": 0.038, "gfi": 0.912, "agfi": 0.893, "aic": 31234.5, "bic": 31598.2,
            "n": n}


def build_results(instrument=None, free_text: list[str] | None = None) -> dict:
    """The results dict of a plausible run of the bundled study (deterministic)."""
    inst = instrument or load_instrument(bundled_instrument_path())
    rng = np.random.default_rng(7)
    constructs = [c.id for c in inst.constructs]
    items = inst.item_ids
    n = 512
    means = {"PQ": 3.86, "SQ": 3.41, "PR": 3.62, "BI": 3.95, "EX": 3.74, "CS": 3.80, "LY": 3.55, "SW": 2.95}
    reliability, desc_items, desc_constructs = {}, {}, {}
    cfa_loadings = []
    for c in inst.constructs:
        loads = [0.72 + 0.03 * k for k in range(len(c.items))]
        ave = float(np.mean(np.square(loads)))
        cr = sum(loads) ** 2 / (sum(loads) ** 2 + sum(1 - x * x for x in loads))
        alpha = round(cr - 0.006, 4)
        reliability[c.id] = {
            "alpha": alpha, "alpha_ci": [alpha - 0.021, alpha + 0.018], "omega": cr + 0.002, "cr": cr,
            "ave": ave, "n": n, "flags": [],
            "items": {it.id: {"citc": 0.61 + 0.02 * k, "alpha_if_deleted": alpha - 0.02 + 0.005 * k,
                              "loading": loads[k]} for k, it in enumerate(c.items)}}
        for k, it in enumerate(c.items):
            m = means[c.id] + 0.05 * (k - 1)
            shares = rng.dirichlet([1, 2, 4, 7, 5])
            desc_items[it.id] = {"n": n - k, "mean": m, "sd": 0.92 + 0.02 * k, "median": 4.0,
                                 "skew": -0.61 + 0.03 * k, "se_skew": 0.108, "kurtosis": 0.12 - 0.05 * k,
                                 "se_kurtosis": 0.215, "min": 1.0, "max": 5.0,
                                 "shares": {str(p): float(s) for p, s in zip(range(1, 6), shares)}}
            cfa_loadings.append({"lhs": c.id, "op": "=~", "rhs": it.id, "est": 1.0 if k == 0 else 0.95 + 0.04 * k,
                                 "se": None if k == 0 else 0.05, "z": None if k == 0 else 19.0 + k,
                                 "pvalue": None if k == 0 else 0.0, "std_all": loads[k]})
        sd = 0.71
        half = 1.96 * sd / math.sqrt(n)
        desc_constructs[c.id] = {"n": n, "mean": means[c.id], "sd": sd, "ci_lower": means[c.id] - half,
                                 "ci_upper": means[c.id] + half}
    reliability["SQ"]["items"]["SQ4"]["alpha_if_deleted"] = reliability["SQ"]["alpha"] + 0.004
    reliability["SQ"]["flags"] = [{"code": "alpha_rises_if_deleted", "item": "SQ4",
                                   "value": reliability["SQ"]["items"]["SQ4"]["alpha_if_deleted"]}]

    cor = {a: {b: (1.0 if a == b else 0.42 + 0.03 * ((i + j) % 5)) for j, b in enumerate(constructs)}
           for i, a in enumerate(constructs)}
    htmt = {a: {b: (cor[a][b] + 0.04) for b in constructs[:i]} for i, a in enumerate(constructs)}
    htmt["LY"]["CS"] = 0.87
    fl = {a: {b: (math.sqrt(reliability[a]["ave"]) if a == b else cor[a][b]) for b in constructs[:i + 1]}
          for i, a in enumerate(constructs)}
    n_items = len(items)
    eig = [9.1, 2.1, 1.7, 1.4, 1.2, 1.1, 1.02] + [0.8 - 0.025 * k for k in range(n_items - 7)]
    parallel = [1.45 - 0.025 * k for k in range(n_items)]
    loadings = {}
    for it in items:
        f = constructs.index(inst.construct_of_item(it).id)
        loadings[it] = [round(0.68 + 0.01 * (hash(it) % 7), 3) if k == f else round(0.05 * ((k + f) % 3) - 0.04, 3)
                        for k in range(len(constructs))]
    cum = np.cumsum(eig[:7]) / n_items * 100
    variance_table = [{"component": k + 1, "initial_total": eig[k], "initial_pct": eig[k] / n_items * 100,
                       "initial_cum_pct": float(cum[k]), "rotation_total": eig[k] * 0.85,
                       "rotation_pct": eig[k] * 0.85 / n_items * 100} for k in range(7)]
    drivers = [c.id for c in inst.constructs if c.role == "driver"]
    cs_est = {"PQ": 0.21, "SQ": 0.18, "PR": 0.09, "BI": 0.27, "EX": 0.16}
    ly_est = {"PQ": 0.06, "SQ": 0.14, "PR": 0.03, "BI": 0.12, "EX": 0.05, "CS": 0.48}
    hyp = {h.path: h.label for h in inst.hypotheses}
    paths = []
    for lhs, table in (("CS", cs_est), ("LY", ly_est)):
        for rhs, b in table.items():
            p = 0.0004 if b > 0.15 else (0.012 if b > 0.1 else 0.31)
            se = 0.045
            paths.append({"lhs": lhs, "op": "~", "rhs": rhs, "est": b * 1.1, "se": se, "z": b * 1.1 / se,
                          "pvalue": p, "std_all": b, "ci_lower": b - 0.09, "ci_upper": b + 0.09,
                          "hypothesis": hyp.get((rhs, lhs)), "supported": p < 0.05 and b > 0})
    indirect = []
    effects = []
    for d in drivers:
        ind = cs_est[d] * ly_est["CS"]
        direct = next(p for p in paths if p["lhs"] == "LY" and p["rhs"] == d)
        indirect.append({"from": d, "via": "CS", "to": "LY", "est": ind * 1.1, "std_all": ind,
                         "ci_lower": ind - 0.04, "ci_upper": ind + 0.05, "method": "bootstrap percentile",
                         "mediation_type": mediation_type(ind - 0.04 > 0, direct["pvalue"] < 0.05, True)[0],
                         "hypothesis": hyp.get((d, "CS", "LY")), "supported": ind - 0.04 > 0})
        effects.append({"from": d, "to": "LY", "direct": ly_est[d], "indirect": ind, "total": ly_est[d] + ind})
    effects.append({"from": "CS", "to": "LY", "direct": 0.48, "indirect": 0.0, "total": 0.48})
    totals = {e["from"]: e["total"] * 1.05 for e in effects if e["from"] in drivers}
    ipma_entries = importance_performance(totals, totals, {d: (means[d] - 1) / 4 * 100 for d in drivers})
    ipma = [to_plain(e) for e in ipma_entries]
    platform_counts = {"1": 190, "2": 141, "3": 102, "4": 52, "5": 27}

    def prop(count, total):
        p = count / total
        h = 1.96 * math.sqrt(p * (1 - p) / total)
        return {"n": total, "count": count, "proportion": p, "ci_lower": p - h, "ci_upper": p + h}

    def nps_est(prom, det, total):
        v = 100 * (prom - det) / total
        return {"n": total, "promoters": prom, "passives": total - prom - det, "detractors": det,
                "promoters_pct": 100 * prom / total, "detractors_pct": 100 * det / total, "nps": v, "se": 3.9,
                "ci_lower": v - 7.6, "ci_upper": v + 7.6}

    indicators = {
        "nps": {"indicator": "nps", "level": 0.95, "overall": nps_est(168, 141, n),
                "by_group": {g: nps_est(int(c * 0.33), int(c * 0.27), c) for g, c in platform_counts.items()},
                "test": {"statistic": 14.2, "df": 8, "pvalue": 0.077, "n": n, "n_cells": 15,
                         "n_expected_below_5": 1, "min_expected": 4.4}},
        "repeat_purchase": {"indicator": "repeat_purchase", "level": 0.95, "overall": prop(371, n),
                            "by_group": {g: prop(int(c * 0.72), c) for g, c in platform_counts.items()},
                            "test": {"statistic": 9.8, "df": 4, "pvalue": 0.044, "n": n, "n_cells": 10,
                                     "n_expected_below_5": 0, "min_expected": 7.4}},
        "paid_membership": {"indicator": "paid_membership", "level": 0.95, "overall": prop(203, n),
                       "by_group": {g: prop(int(c * 0.4), c) for g, c in platform_counts.items()},
                       "test": {"statistic": 31.5, "df": 4, "pvalue": 0.00001, "n": n, "n_cells": 10,
                                "n_expected_below_5": 0, "min_expected": 10.7}},
    }
    answers = free_text if free_text is not None else ["希望物流更快", "会员权益再多一些", "客服回复太慢"]
    themes = code_open_answers("suggestion", answers, study_codebook(inst), praise_marker())
    pattern = classify_loyalty(indicators["nps"]["overall"]["nps"], indicators["repeat_purchase"]["overall"]["proportion"])
    plan = plan_actions(ipma_entries, {k: v["mean"] for k, v in desc_items.items()}, inst.measurement, "LY", themes,
                        lagging_indicator(pattern))
    targets = indicator_targets({k: indicators[k]["overall"]["nps" if k == "nps" else "proportion"]
                                 for k in ("repeat_purchase", "nps", "paid_membership")},
                                {c: (means[c] - 1) / 4 * 100 for c in ("CS", "LY", *drivers)},
                                {d.construct for d in plan.drivers if d.phase == "long"})
    profile = {}
    for q in inst.questions:
        if q.type != "single":
            continue
        weights = rng.dirichlet([3] * len(q.options))
        counts = [int(w * n) for w in weights]
        counts[0] += n - sum(counts)
        profile[q.id] = {"question": q.id, "kind": "single", "n_total": n, "n_valid": n, "n_missing": 0,
                         "missing_percent": 0.0,
                         "categories": [{"code": o.code, "label": o.label["zh"], "count": k, "percent": 100 * k / n,
                                         "valid_percent": 100 * k / n} for o, k in zip(q.options, counts)]}
    exclusions = ([{"respondent": f"R{100 + k}", "rule": "attention_check", "detail": "AC1 = 2, expected 4"}
                   for k in range(21)]
                  + [{"respondent": f"R{300 + k}", "rule": "speeder", "detail": "duration 61 s < 120 s"}
                     for k in range(14)]
                  + [{"respondent": f"R{400 + k}", "rule": "straightliner", "detail": "26 identical answers"}
                     for k in range(9)]
                  + [{"respondent": f"R{500 + k}", "rule": "duplicate", "detail": f"same answers as R{k}"}
                     for k in range(4)])
    return {
        "meta": {"n_raw": 560, "n_excluded": 48, "n_analyzed": n, "seed": 20250316, "bootstrap": 2000,
                 "instrument_id": inst.id, "data_sha256": "ab" * 32, "version": "0.1.0",
                 "timings": {"clean": 0.2, "cfa": 1.4, "sem": 2.1, "bootstrap": 35.0}},
        "exclusions": exclusions,
        "cleaning": {"rules": {"attention_check": 21, "speeder": 14, "straightliner": 9, "duplicate": 4},
                     "min_duration": 120},
        "missing": {"n_respondents": n, "n_listwise": n - 15, "n_dropped_listwise": 15,
                    "pct_dropped_listwise": 100 * 15 / n, "min_pairwise_n": n - 6},
        "privacy": {"dropped_personal_columns": [{"header": "手机号", "kind": "phone", "detected_by": "header"},
                                                 {"header": "<b>mail</b>", "kind": "email", "detected_by": "content"}],
                    "masked_cells": 3},
        "reliability": reliability,
        "factorability": {"kmo": 0.931, "kmo_items": {it: 0.9 + 0.001 * k for k, it in enumerate(items)},
                          "bartlett": {"chisq": 7421.6, "df": n_items * (n_items - 1) // 2, "pvalue": 0.0}},
        "efa": {"eigenvalues": eig, "parallel": {"n_factors": 7, "simulated_fa": parallel}, "parallel_n_factors": 7,
                "n_factors": 7, "method": "minres", "rotation": "oblimin",
                "variance_explained_cum": float(cum[-1]) / 100, "loadings": loadings,
                "variance_table": variance_table},
        "common_method": {"harman_first_factor_pct": 35.0},
        "cfa": {"converged": True, "fit": _fit(412.7, 278, n), "loadings": cfa_loadings},
        "validity": {"htmt": htmt, "htmt2": htmt, "fornell_larcker": fl, "latent_cor": cor,
                     "flags": [{"code": "htmt_above_085", "lhs": "CS", "rhs": "LY", "value": 0.87, "threshold": 0.85},
                               {"code": "htmt2_above_085", "lhs": "CS", "rhs": "LY", "value": 0.87, "threshold": 0.85}]},
        "sem": {"converged": True, "fit": _fit(431.2, 283, n), "paths": paths,
                "r2": {"CS": 0.58, "LY": 0.66}, "indirect": indirect, "effects": effects,
                "f2": [{"lhs": "CS", "rhs": d, "f2": cs_est[d] ** 2 / 0.42} for d in drivers]
                + [{"lhs": "LY", "rhs": k, "f2": v ** 2 / 0.34} for k, v in ly_est.items()],
                "bootstrap": {"B": 2000, "succeeded": 1997, "failed": 3, "inadmissible": 0, "seed": 1}},
        "ipma": ipma,
        "sample": list(profile.values()),
        "descriptives": {"items": desc_items, "constructs": desc_constructs},
        "indicators": indicators,
        "normality": {"kurtosis": 812.4, "p_kurt": 0.0},
        "text_answers": {"suggestion": answers},
        "open_answers": to_plain(themes), "loyalty_pattern": to_plain(pattern), "action_plan": to_plain(plan),
        "indicator_targets": to_plain(targets),
        "warnings": [{"code": "validity_htmt", "message": "HTMT of LY and CS is .870 (> .85)"},
                     {"code": "bootstrap_failed", "message": "3 of 2000 bootstrap samples did not converge"}],
    }


@pytest.fixture(scope="session")
def instrument():
    return load_instrument(bundled_instrument_path())


@pytest.fixture(scope="session")
def results_builder():
    """:func:`build_results` for tests that need their own variant (e.g. with hostile free text)."""
    return build_results


@pytest.fixture(scope="session")
def results(instrument):
    """The demo study's results.json content, through JSON as `loyalty report` reads it."""
    study = run_study(instrument, RunOptions(bootstrap=200, seed=1))
    return json.loads(json.dumps(to_plain(study), allow_nan=False))


@pytest.fixture(scope="session")
def two_waves(instrument, results, tmp_path_factory):
    """A second simulated wave run through the pipeline, with ``baseline`` = the demo run compared to it."""
    from analysis.describe.waves import compare_waves
    from analysis.simulate import simulate_study
    from reports.commands import write_simulated_study

    folder = tmp_path_factory.mktemp("wave2")
    write_simulated_study(simulate_study(instrument, n=300, seed=99), folder)
    current = to_plain(run_study(instrument, RunOptions(data=folder / "responses.csv", bootstrap=0, seed=1)))
    current["baseline"] = to_plain(compare_waves(results, current))
    return json.loads(json.dumps(current, allow_nan=False))


@pytest.fixture(scope="session", autouse=True)
def _font_cache(tmp_path_factory):
    """One CJK font cache for the whole test session."""
    import os
    os.environ.setdefault("LOYALTY_FONT_CACHE", str(tmp_path_factory.mktemp("fonts")))
