"""analysis.sem.fit_indices: every index of the fit table against lavaan::fitMeasures() (tests/fixtures/lavaan_sem.R).

Tolerance 1e-3 absolute; chisq, AIC, BIC, logL relative 1e-3 (as the issue states). Measured: < 1e-6.
"""
import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.results import to_plain
from analysis.sem.fit_indices import (FIT_THRESHOLDS, NOT_INTERPRETABLE, FitThreshold, cfi, fit_indices, fit_verdicts,
                                      ifi, nfi, pnfi, rfi, rmsea, rmsea_ci, tli)
from analysis.sem.models import fit_model

FIXTURES = Path(__file__).parents[2] / "fixtures"
ROOT = Path(__file__).parents[3]
#: hs, pd, pd_eq, and any fixture made with ``lavaan_sem.R --data ... --out tests/fixtures/lavaan_<name>.json``
CASES = ["hs", "pd", "pd_eq"] + sorted(p.stem[len("lavaan_"):] for p in FIXTURES.glob("lavaan_*.json")
                                       if "data_file" in json.loads(p.read_text()))


def data_for(name, ref):
    if "data_file" in ref:
        return pd.read_csv(ROOT / ref["data_file"])
    return pd.read_csv(FIXTURES / ("lavaan_hs.csv" if name == "hs" else "lavaan_pd.csv"))
NAMES = {"chisq": "chisq", "df": "df", "pvalue": "pvalue", "cfi": "cfi", "tli": "tli", "nfi": "nfi", "rfi": "rfi",
         "ifi": "ifi", "pnfi": "pnfi", "pgfi": "pgfi", "rmsea": "rmsea", "rmsea_ci_lower": "rmsea.ci.lower",
         "rmsea_ci_upper": "rmsea.ci.upper", "pclose": "rmsea.pvalue", "srmr": "srmr", "rmr": "rmr", "gfi": "gfi",
         "agfi": "agfi", "aic": "aic", "bic": "bic", "logl": "logl", "unrestricted_logl": "unrestricted.logl",
         "baseline_chisq": "baseline.chisq", "baseline_df": "baseline.df", "npar": "npar", "ntotal": "ntotal"}
RELATIVE = {"chisq", "aic", "bic", "logl", "unrestricted_logl", "baseline_chisq"}


@pytest.mark.parametrize("name", CASES)
def test_fit_measures_match_lavaan(name):
    ref = json.loads((FIXTURES / f"lavaan_{name}.json").read_text())
    data = data_for(name, ref)
    fit = fit_indices(fit_model(data, ref["model"]))
    for ours, theirs in NAMES.items():
        a, b = getattr(fit, ours), ref["fit"][theirs]
        diff = abs(a - b) / abs(b) if ours in RELATIVE else abs(a - b)
        assert diff < 1e-3, (ours, a, b)
    assert fit.chisq_df == pytest.approx(ref["fit"]["chisq"] / ref["fit"]["df"], rel=1e-6)
    assert fit.aic_amos == pytest.approx(ref["fit"]["chisq"] + 2 * ref["fit"]["npar"], rel=1e-6)
    d = to_plain(fit)
    assert d["df"] == ref["fit"]["df"] and isinstance(d["df"], int)


def test_edge_cases_follow_lavaan():
    # perfect fit: CFI/TLI/RFI 1, RMSEA 0 with CI [0, 0]
    assert cfi(10.0, 12, 500.0, 36) == 1.0
    assert tli(10.0, 0, 500.0, 36) == 1.0
    assert rfi(10.0, 0, 500.0, 36) == 1.0 and rfi(600.0, 12, 500.0, 36) == 1.0
    assert nfi(10.0, 0, 500.0, 36) == 1.0 and nfi(10.0, 40, 500.0, 36) != nfi(10.0, 40, 500.0, 36)
    assert ifi(10.0, 600, 500.0, 36) == 1.0
    assert pnfi(10.0, 12, 0.0, 36) != pnfi(10.0, 12, 0.0, 36)
    assert rmsea(5.0, 12, 300) == 0.0 and rmsea(5.0, 0, 300) == 0.0
    assert rmsea_ci(5.0, 12, 300) == (0.0, 0.0)
    assert rmsea_ci(5.0, 0, 300) == (0.0, 0.0)


def test_verdicts():
    ref = json.loads((FIXTURES / "lavaan_hs.json").read_text())
    fit = fit_indices(fit_model(pd.read_csv(FIXTURES / "lavaan_hs.csv"), ref["model"]))
    verdicts = {v.index: v for v in fit_verdicts(fit, converged=True)}
    assert set(verdicts) == {t.index for t in FIT_THRESHOLDS}
    assert verdicts["cfi"].verdict == "acceptable"      # .931
    assert verdicts["rmsea"].verdict == "poor"          # .092
    assert verdicts["srmr"].verdict == "acceptable"     # .065
    assert verdicts["gfi"].verdict == "acceptable"      # .943
    assert verdicts["agfi"].verdict == "poor"           # .894
    assert verdicts["chisq_df"].verdict == "poor"       # 3.55
    cfi = to_plain(verdicts["cfi"])
    assert cfi["threshold"] == {"op": ">", "acceptable": 0.9, "good": 0.95}  # numbers, typeset by the report
    assert cfi["source"] == "Hu & Bentler (1999)" and to_plain(verdicts["srmr"])["threshold"]["op"] == "<"
    nan_fit = fit.__class__(**{**fit.__dict__, "pclose": float("nan")})
    assert fit_verdicts(nan_fit, True, (FitThreshold("pclose", ">", .05, .05, "x"),))[0].verdict == "n/a"


def test_a_fit_that_did_not_converge_gets_no_verdict():
    """Issue 13, bug 5: the indices of a non-converged fit are not interpretable, however good they look."""
    ref = json.loads((FIXTURES / "lavaan_hs.json").read_text())
    fit = fit_indices(fit_model(pd.read_csv(FIXTURES / "lavaan_hs.csv"), ref["model"]))
    assert {v.verdict for v in fit_verdicts(fit, converged=False)} == {NOT_INTERPRETABLE}
