"""FIML (analysis.sem.fiml, estimate_fiml, fiml_fit_indices, modification indices under FIML) against lavaan 0.6
``sem(model, data, missing = "ml")`` on psych's bfi with its real missing values (tests/fixtures/lavaan_fiml.R):
a three-factor CFA (44 missing-data patterns) and a four-factor SEM with regressions (33 patterns), N = 2800.

Tolerances (the issue's): χ² relative 1e-6, estimates and SEs (incl. the intercepts) absolute 1e-5, fit indices
and logL 1e-6 (relative where above 1), modification indices and EPCs 1e-5 relative. Measured: χ² ≤ 1e-13 relative,
estimates ≤ 1.9e-7, SEs ≤ 4.5e-8, fit indices ≤ 5.3e-10 (logL, AIC, BIC ≤ 2e-15 relative), MIs ≤ 1.3e-6 relative.
"""
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.results import to_plain
from analysis.sem.diagnostics import modification_indices
from analysis.sem.estimation import estimate_fiml
from analysis.sem.fiml import FIMLDiscrepancy
from analysis.sem.fit_indices import fit_indices
from analysis.sem.models import estimate_with, fit_sem
from analysis.sem.specification import specify_model
from analysis.sem.structure import GroupStructure, MultiGroupStructure
from questionnaire.errors import InputError

FIXTURES = Path(__file__).parents[2] / "fixtures"
REFERENCE = json.loads((FIXTURES / "lavaan_fiml.json").read_text())
CASES = {c["name"]: c for c in REFERENCE["cases"]}
BFI = pd.read_csv(FIXTURES / "missing_bfi.csv")
LAVAAN_NAME = {"pclose": "rmsea.pvalue"}
NOT_IN_LAVAAN = {"chisq_df", "aic_amos"}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request):
    ref = CASES[request.param]
    return ref, estimate_fiml(specify_model(ref["model"]), BFI)


def test_fiml_uses_every_respondent_and_matches_lavaan_estimates_and_observed_information_se(case):
    ref, fit = case
    assert ref["options"]["information"][0] == "observed" and ref["options"]["observed.information"][0] == "hessian"
    assert fit.converged and fit.missing == "fiml"
    assert (fit.n, len(fit.patterns), fit.patterns.n_complete) == (ref["n"], ref["n_patterns"], ref["n_listwise"])
    assert fit.chisq == pytest.approx(ref["fit"]["chisq"], rel=1e-6)
    ours = {(p.lhs, p.op, p.rhs): p for p in fit.parameters}
    assert len(ours) == len(ref["parameters"])
    for row in ref["parameters"]:
        p = ours[(row["lhs"], row["op"], row["rhs"])]
        assert p.est == pytest.approx(row["est"], abs=1e-5), row
        assert p.se == pytest.approx(row["se"], abs=1e-5), row


def test_fiml_fit_measures_match_lavaan(case):
    ref, fit = case
    measures = to_plain(fit_indices(fit))
    compared = 0
    for name, value in measures.items():
        if name in NOT_IN_LAVAAN:
            continue
        expected = ref["fit"][LAVAAN_NAME.get(name, name.replace("_", "."))]
        assert value == pytest.approx(expected, rel=1e-6, abs=1e-6), name
        compared += 1
    assert compared >= 20


@pytest.mark.parametrize("case", ["bfi_sem"], indirect=True)  # the CFA case's MIs take twice as long
def test_fiml_modification_indices_match_lavaan(case):
    ref, fit = case
    ours = {(m.lhs, m.op, m.rhs): m for m in modification_indices(fit, top=None)}
    for row in ref["modindices"]:
        m = ours[(row["lhs"], row["op"], row["rhs"])]
        assert m.mi == pytest.approx(row["mi"], rel=1e-5) and m.epc == pytest.approx(row["epc"], rel=1e-5, abs=1e-6)


def test_fiml_gradient_and_hessian_are_the_derivatives_of_f():
    """A small incomplete sample: the analytic gradient and exact Hessian equal central differences of F."""
    ref = CASES["bfi_sem"]
    fit = estimate_fiml(specify_model(ref["model"]), BFI.iloc[:120])
    discrepancy = FIMLDiscrepancy(MultiGroupStructure((GroupStructure(fit.structure, fit.means),), fit.npar),
                                  fit.patterns, fit.h1.logl)
    theta = fit.theta + 0.01
    derivatives = discrepancy.derivatives(theta, hessian=True)
    h = 1e-6
    steps = np.eye(len(theta)) * h
    numeric = np.array([(discrepancy.value(theta + e) - discrepancy.value(theta - e)) / (2 * h) for e in steps])
    assert derivatives.gradient == pytest.approx(numeric, abs=1e-6)
    columns = np.random.default_rng(1).choice(len(theta), 8, replace=False)  # loadings, variances, paths, intercepts
    numeric_hessian = np.array([(discrepancy.derivatives(theta + steps[k]).gradient
                                 - discrepancy.derivatives(theta - steps[k]).gradient) / (2 * h) for k in columns])
    assert derivatives.hessian[columns] == pytest.approx(numeric_hessian, abs=1e-5)


def test_fiml_with_a_robust_estimator_or_an_unknown_method_is_refused():
    spec = specify_model(CASES["bfi_cfa"]["model"])
    with pytest.raises(InputError, match="estimator: not available with missing = fiml"):
        estimate_with(spec, BFI, "MLR", "fiml")
    with pytest.raises(InputError, match="missing: unknown"):
        estimate_with(spec, BFI, "ML", "pairwise")


def test_fiml_sem_bootstraps_the_complete_rows_and_says_so():
    data = BFI.iloc[:200]
    measurement = {"agree": ["A2", "A3", "A5"], "extra": ["E1", "E2", "E3"], "consc": ["C1", "C2", "C3"]}
    result = fit_sem(data, measurement, "extra ~ agree\nconsc ~ extra", bootstrap=40, seed=3, missing="fiml")
    complete = int(data[[i for items in measurement.values() for i in items]].notna().all(axis=1).sum())
    assert result.missing == "fiml" and result.n == 200 > complete
    warning = next(d for d in result.diagnostics if d.code == "bootstrap_listwise")
    assert f"the {complete} respondents" in warning.message
    assert result.bootstrap["B"] == 40 and result.indirect[0].method.startswith("bootstrap percentile")
    assert 'missing = "ml"' in result.model
