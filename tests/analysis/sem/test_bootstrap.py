"""analysis.sem.bootstrap: percentile / BC intervals against lavaan se = "bootstrap" (lavaan_pd.json, B = 2000).

Monte-Carlo tolerance: the two runs use different resamples, so interval ends differ by chance. For a
2.5 % quantile from B = 2000 draws the standard error is about √(.025·.975/B)/φ(1.96) ≈ 0.06 bootstrap SDs
(normal case), so two independent runs differ with SD ≈ 0.085 SD; skewed distributions (variances of
a model with 33 % inadmissible resamples) roughly double that. We accept |ours − lavaan| ≤ 0.4 bootstrap
SEs for every free and defined parameter (≈ 4.7 SD of the normal case); measured maximum: 0.26.
"""
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.results import to_plain
from analysis.sem.bootstrap import (bias_corrected_ci, bollen_stine, bollen_stine_data, bootstrap_draws,
                                    jackknife_acceleration, norm_inter, percentile_ci)
from analysis.sem.estimation import defined_values
from analysis.sem.models import fit_model
from analysis.sem.structure import row_values
from questionnaire.errors import InputError

FIXTURES = Path(__file__).parents[2] / "fixtures"
MC_TOL = 0.4


@pytest.fixture(scope="module")
def pd_case():
    ref = json.loads((FIXTURES / "lavaan_pd.json").read_text())
    data = pd.read_csv(FIXTURES / "lavaan_pd.csv")
    return ref, data, fit_model(data, ref["model"])


def values(fit, thetas):
    rows = [row_values(fit.structure, t) for t in thetas]
    return np.array([np.concatenate([r, defined_values(fit.spec, r)]) for r in rows])


def test_percentile_and_bc_intervals_within_monte_carlo_error_of_lavaan(pd_case):
    ref, data, fit = pd_case
    draws = bootstrap_draws(fit, data, B=2000, seed=7, workers=2)
    assert draws.succeeded == 2000 and draws.failed == 0
    assert 0 < draws.inadmissible < 2000  # lavaan reports about 1/3 nonadmissible here too
    vals = values(fit, draws.usable())
    perc = {(r["lhs"], r["op"]): r for r in ref["bootstrap"]["perc"] if r["op"] == ":="}
    perc |= {(r["lhs"], r["op"], r["rhs"]): r for r in ref["bootstrap"]["perc"] if r["op"] != ":="}
    bc = {(r["lhs"], r["rhs"]): r for r in ref["bootstrap"]["bc"]}
    checked = 0
    for i, p in enumerate(fit.parameters):
        r = perc[(p.lhs, p.op) if p.op == ":=" else (p.lhs, p.op, p.rhs)]
        if not p.free:
            continue
        lo, hi = percentile_ci(vals[:, i])
        assert abs(lo - r["ci.lower"]) <= MC_TOL * r["se"] and abs(hi - r["ci.upper"]) <= MC_TOL * r["se"], p
        assert abs(np.std(vals[:, i], ddof=1) - r["se"]) <= 0.1 * r["se"]
        b = bc[(p.lhs, r["rhs"])]
        lo, hi = bias_corrected_ci(vals[:, i], p.est)
        assert abs(lo - b["ci.lower"]) <= MC_TOL * r["se"] and abs(hi - b["ci.upper"]) <= MC_TOL * r["se"], p
        checked += 1
    assert checked == 33  # 31 free parameters + 2 defined


def test_same_result_for_one_or_two_workers_and_progress(pd_case):
    _, data, fit = pd_case
    seen = []
    one = bootstrap_draws(fit, data, B=120, seed=3, workers=1, progress=lambda d, b: seen.append((d, b)))
    two = bootstrap_draws(fit, data, B=120, seed=3, workers=2)
    np.testing.assert_array_equal(one.theta, two.theta)
    np.testing.assert_array_equal(one.status, two.status)
    assert seen[-1] == (120, 120) and len(seen) == 12
    assert to_plain(one) == {"B": 120, "succeeded": 120, "failed": 0, "inadmissible": one.inadmissible, "seed": 3}
    other = bootstrap_draws(fit, data, B=120, seed=4)
    assert not np.array_equal(one.theta, other.theta)
    assert len(one.usable(drop_inadmissible=True)) == 120 - one.inadmissible


def test_bad_arguments_raise(pd_case):
    _, data, fit = pd_case
    with pytest.raises(InputError, match="number of resamples must be positive"):
        bootstrap_draws(fit, data, B=0)
    with pytest.raises(InputError, match="number of workers must be positive"):
        bootstrap_draws(fit, data, B=10, workers=0)


def test_norm_inter_matches_boot_package():
    """Reference: tests/fixtures/boot_norm_inter.R (boot:::norm.inter); draws given in reverse order."""
    ref = json.loads((FIXTURES / "boot_norm_inter.json").read_text())
    x = np.array(ref["x"])[::-1].copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = norm_inter(x, np.array(ref["alpha"]))
    np.testing.assert_allclose(got, ref["quantiles"], rtol=1e-12)
    assert np.isnan(norm_inter(np.array([np.nan]), np.array([0.5]))).all()


def test_bias_corrected_reduces_to_percentile_when_median_unbiased():
    x = np.linspace(-1, 1, 2000)  # half the draws below 0: z0 = 0
    assert bias_corrected_ci(x, 0.0) == pytest.approx(percentile_ci(x), abs=1e-9)
    assert np.isnan(bias_corrected_ci(x, 5.0)).all()
    assert jackknife_acceleration(np.ones(5)) == 0.0
    assert jackknife_acceleration(np.array([0.0, 0.0, 0.0, 1.0])) != 0.0


def collinear_latents(n: int, seed: int) -> pd.DataFrame:
    """Four factors correlating .98, three 1–10 items each (the near-collinear data of issue 13, bug 4)."""
    rng = np.random.default_rng(seed)
    eta = rng.multivariate_normal(np.zeros(4), np.full((4, 4), 0.98) + 0.02 * np.eye(4), size=n)
    return pd.DataFrame({f"{f}{i}": np.clip(np.round(5.5 + 2.2 * (0.8 * eta[:, j] + 0.45 * rng.normal(size=n))), 1, 10)
                         for j, f in enumerate("abcd") for i in (1, 2, 3)})


def test_a_resample_whose_line_search_makes_i_minus_b_singular_is_counted_not_raised(monkeypatch):
    """Bug 4: a quasi-Newton step that overflows sends a regression coefficient to ±inf, I − B is singular
    at the trial point and (I − B)⁻¹ raised LinAlgError. The overflow is forced here through the start
    inverse Hessian of the refits; F is now undefined (inf) there, the step is refused, the refit goes on
    from an exact Hessian, and every resample is counted as converged, inadmissible or failed."""
    from analysis.sem import bootstrap

    data = collinear_latents(40, 3)
    fit = fit_model(data, "A =~ a1+a2+a3\nB =~ b1+b2+b3\nC =~ c1+c2+c3\nD =~ d1+d2+d3\nC ~ A + B\nD ~ C + A + B")
    regression = [p.free - 1 for p in fit.spec.parameters if p.op == "~"][0]
    overflowing = np.eye(fit.structure.n_free)
    overflowing[regression, regression] = np.inf
    monkeypatch.setattr(bootstrap, "full_sample_inverse_hessian", lambda _: overflowing)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        draws = bootstrap_draws(fit, data, B=4, seed=5)
    assert draws.succeeded + draws.failed == 4 and draws.succeeded > 0
    assert np.isfinite(draws.usable()).all()


def test_bollen_stine_p_agrees_with_lavaan_within_monte_carlo_error():
    """lavaan ``bootstrapLavaan(type = "bollen.stine")`` on PoliticalDemocracy (B = 1000, lavaan_robust.json)
    against ours with B = 200: the two p-values are shares from independent resamples, so their difference has
    SD √(p(1 − p)(1/200 + 1/1000)) ≈ .038; we accept 4 SDs. The rotated data have covariance Σ̂ exactly."""
    ref = json.loads((FIXTURES / "lavaan_robust.json").read_text())
    case = next(c for c in ref["cases"] if c["name"] == "pd_mlr")
    data = pd.read_csv(FIXTURES.parents[1] / case["data_file"])
    fit = fit_model(data, case["model"])
    rotated = bollen_stine_data(fit, data).to_numpy()
    np.testing.assert_allclose(rotated.T @ rotated / len(rotated), fit.implied, atol=1e-10)
    result = bollen_stine(fit, data, B=200, seed=5)
    expected = ref["bollen_stine"]["pvalue"]
    assert result.chisq == pytest.approx(ref["bollen_stine"]["chisq"], rel=1e-6)
    assert abs(result.pvalue - expected) < 4 * np.sqrt(expected * (1 - expected) * (1 / 200 + 1 / 1000))
    assert to_plain(result) == {"B": 200, "succeeded": result.succeeded, "failed": 200 - result.succeeded,
                                "chisq": result.chisq, "pvalue": result.pvalue, "seed": 5}
