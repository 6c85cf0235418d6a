"""Models that used to break the estimator (issue 13, bugs 1 and 2) against lavaan 0.6
(tests/fixtures/sem_hard_models.R -> sem_hard_models.json).

Tolerances: χ² relative 1e-6, estimates and SEs 1e-3 absolute (the measured differences are below 1e-5:
our optimum is the tighter one).
"""
import json
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis.sem.estimation import start_values, without_latent_covariances_unless_positive_definite
from analysis.sem.fit_indices import rmsea_ci
from analysis.sem.ml import MLDiscrepancy
from analysis.sem.models import fit_cfa, fit_model
from analysis.sem.optimizer import bfgs_fallback
from analysis.sem.specification import measurement_syntax, specify_model
from analysis.sem.structure import ModelStructure
from reports.cli import main

FIXTURES = Path(__file__).parents[2] / "fixtures"
ROOT = Path(__file__).parents[3]
REFERENCE = {case["name"]: case for case in json.loads((FIXTURES / "sem_hard_models.json").read_text())}
TWO_INDICATOR = "X =~ x1+x2+x3\nM =~ m1+m2\nY =~ y1+y2+y3\nM ~ X\nY ~ M"
BFI_REVERSED = ["A1", "C4", "C5", "E1", "E2", "O2", "O5"]


def two_indicator_data(seed: int, n: int = 300) -> pd.DataFrame:
    """X → M → Y, M measured by two items; draw 0 is tests/fixtures/two_indicator_factor.csv."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    m = rng.uniform(.2, .8) * x + rng.normal(size=n) * .8
    y = rng.uniform(.2, .8) * m + rng.normal(size=n) * .8
    cols = {}
    for name, factor, k in (("x", x, 3), ("m", m, 2), ("y", y, 3)):
        for i in range(1, k + 1):
            cols[f"{name}{i}"] = rng.uniform(.5, 1.2) * factor + rng.normal(size=n) * rng.uniform(.4, 1)
    return pd.DataFrame(cols)


def cfa_data(seed: int, n_factors: int, n_items: int, n: int) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Correlated factors (some correlations near 1), loadings .4–.9, about one item in seven reversed."""
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n_factors, n_factors)) * 0.5 + 1.0
    cov = a @ a.T
    sd = np.sqrt(np.diag(cov))
    eta = rng.multivariate_normal(np.zeros(n_factors), cov / np.outer(sd, sd), size=n)
    cols, measurement = {}, {}
    for f in range(n_factors):
        for i in range(n_items):
            lam = rng.uniform(0.4, 0.9) * (1 if rng.random() > 0.15 else -1)
            cols[f"F{f}_{i}"] = lam * eta[:, f] + rng.normal(size=n) * np.sqrt(1 - lam ** 2)
            measurement.setdefault(f"F{f}", []).append(f"F{f}_{i}")
    return pd.DataFrame(cols), measurement


def bfi_reverse_recoded() -> pd.DataFrame:
    data = pd.read_csv(FIXTURES / "psych_bfi.csv")
    data[BFI_REVERSED] = 7 - data[BFI_REVERSED]
    return data


def assert_matches_lavaan(fit, ref):
    assert fit.converged and ref["converged"]
    assert abs(fit.chisq - ref["chisq"]) <= 1e-6 * ref["chisq"] and fit.df == ref["df"]
    ours = {(p.lhs, p.op, p.rhs): p for p in fit.parameters}
    for row in ref["parameters"]:
        p = ours[(row["lhs"], row["op"], row["rhs"])]
        assert abs(p.est - row["est"]) < 1e-3 and abs(p.se - row["se"]) < 1e-3


def test_two_indicator_endogenous_factor_converges_as_lavaan():
    """Bug 1: every regression starts at 0, so the information is exactly singular at the start; draw 0
    raised LinAlgError from the Newton step."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_matches_lavaan(fit_model(two_indicator_data(0), TWO_INDICATOR), REFERENCE["two_indicator"])
        assert all(fit_model(two_indicator_data(seed), TWO_INDICATOR).converged for seed in range(1, 8))


def test_start_values_with_an_indefinite_latent_covariance_start_at_lavaans():
    """Bug 2: marker covariances clipped one at a time gave an indefinite Ψ₀ (Σ(θ₀) not positive definite,
    F undefined): then the latent covariances start at 0; a positive-definite start is kept as it is."""
    data, measurement = cfa_data(1, 9, 5, 80)
    structure = ModelStructure(specify_model(measurement_syntax(measurement)))
    s = data.cov(ddof=0).to_numpy()
    start = start_values(structure, s)
    assert np.linalg.eigvalsh(structure.implied(start))[0] > 0
    covariances = [p.free - 1 for p in structure.spec.parameters
                   if p.free and p.op == "~~" and p.lhs != p.rhs]
    assert not start[covariances].any()
    hs = pd.read_csv(FIXTURES / "lavaan_hs.csv")
    hs_structure = ModelStructure(specify_model(REFERENCE["hs_fixed_cov"]["model"].replace("visual ~~ 0*speed", "")))
    hs_start = start_values(hs_structure, hs.cov(ddof=0).to_numpy())
    assert np.array_equal(without_latent_covariances_unless_positive_definite(hs_structure, hs_start), hs_start)


@pytest.mark.parametrize("n_factors, n_items, n, seeds", [(5, 4, 100, [3, 14]), (9, 5, 80, [1, 2])])
def test_small_samples_with_many_factors_converge(n_factors, n_items, n, seeds):
    """Bug 2: these draws failed (χ² = N·1e10 with the start values as estimates, then rmsea_ci raised)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for seed in seeds:
            result = fit_cfa(*cfa_data(seed, n_factors, n_items, n))
            assert result.converged and result.fit.chisq < 1e4 and np.isfinite(result.fit.rmsea_ci_upper)


def test_bfi_with_reverse_keyed_markers_matches_lavaan():
    """Bug 2 on real data: psych's bfi with the reverse-keyed A1 and E1 as marker items."""
    fit = fit_model(bfi_reverse_recoded(), REFERENCE["bfi_reversed_markers"]["model"])
    assert_matches_lavaan(fit, REFERENCE["bfi_reversed_markers"])


def test_loyalty_run_on_bfi_with_reverse_keyed_markers(tmp_path, capsys):
    """The command line on benchmarks/golden/bfi.yaml with A1 and E1 moved first: it used to exit 1."""
    instrument = yaml.safe_load((ROOT / "benchmarks" / "golden" / "bfi.yaml").read_text(encoding="utf-8"))
    for construct in instrument["constructs"]:
        items = construct["items"]
        construct["items"] = [i for i in items if i["id"] in ("A1", "E1")] + [i for i in items
                                                                             if i["id"] not in ("A1", "E1")]
    path = tmp_path / "bfi_markers.yaml"
    path.write_text(yaml.safe_dump(instrument, allow_unicode=True), encoding="utf-8")
    shutil.copy(FIXTURES / "psych_bfi.csv", tmp_path / "bfi.csv")
    with warnings.catch_warnings():
        code = main(["run", "--data", str(tmp_path / "bfi.csv"), "--instrument", str(path), "--bootstrap", "0",
                     "--format", "md", "--lang", "en", "--out", str(tmp_path / "out")])
    assert code == 0
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert results["cfa"]["converged"] and results["sem"]["converged"]


def test_a_failed_fit_is_not_reported_with_the_bfgs_sentinel():
    """Where Σ(θ) is not positive definite BFGS sees 1e10; the optimum it returns there has F = inf."""
    structure = ModelStructure(specify_model(TWO_INDICATOR))
    s = two_indicator_data(0).cov(ddof=0).to_numpy()
    start = start_values(structure, s)
    variances = [p.free - 1 for p in structure.spec.parameters if p.free and p.op == "~~" and p.lhs in structure.observed]
    start[variances] = -10.0
    opt = bfgs_fallback(MLDiscrepancy.of_sample(structure, s), start)
    assert opt.fmin == np.inf and not opt.converged


@pytest.mark.parametrize("chisq, df, n", [(1e12, 160, 100), (np.inf, 10, 100), (np.nan, 10, 100), (-1.0, 10, 100),
                                          (10.0, 10, 0), (1e300, 3, 5)])
def test_rmsea_ci_never_raises(chisq, df, n):
    lower, upper = rmsea_ci(chisq, df, n)
    assert np.isnan(lower) or lower >= 0
    assert np.isnan(upper) or upper >= 0
