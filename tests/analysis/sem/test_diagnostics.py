"""analysis.sem.diagnostics: modification indices vs lavaan::modindices(); troubled data finish with warnings."""
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.diagnostics import StatisticalWarning
from analysis.results import to_plain
from analysis.sem.diagnostics import fit_diagnostics, modification_indices
from analysis.sem.models import fit_cfa, fit_model, fit_sem

FIXTURES = Path(__file__).parents[2] / "fixtures"
ROOT = Path(__file__).parents[3]


@pytest.mark.parametrize("name", ["hs", "pd", "sim7", "demo_med"])
def test_modification_indices_match_lavaan(name):
    """Every candidate lavaan lists — cross-loadings, residual covariances and, for an SEM whose structural
    part is not saturated (demo_med), latent regressions and covariances — to 1e-3."""
    ref = json.loads((FIXTURES / f"lavaan_{name}.json").read_text())
    data = pd.read_csv(FIXTURES / {"hs": "lavaan_hs.csv", "pd": "lavaan_pd.csv", "sim7": "lavaan_sim7.csv",
                                   "demo_med": "demo_items.csv"}[name])
    ours = modification_indices(fit_model(data, ref["model"]), top=None)
    theirs = {(r["lhs"], r["op"], r["rhs"]): r for r in ref["modindices"]}
    assert {(m.lhs, m.op, m.rhs) for m in ours} == set(theirs)
    for m in ours:
        r = theirs[(m.lhs, m.op, m.rhs)]
        assert abs(m.mi - r["mi"]) < 1e-3 and abs(m.epc - r["epc"]) < 1e-3 and abs(m.sepc_all - r["sepc.all"]) < 1e-3
    top = modification_indices(fit_model(data, ref["model"]))
    assert len(top) == 10 and [m.mi for m in top] == sorted((m.mi for m in top), reverse=True)
    first = ref["modindices"][0]
    assert (top[0].lhs, top[0].op, top[0].rhs) == (first["lhs"], first["op"], first["rhs"])
    if name == "demo_med":
        assert {m.op for m in ours if m.lhs in ("LY", "CS")} >= {"~"}



@pytest.mark.parametrize("name, fixed_rows", [("hs_fixed_cov", {("visual", "~~", "speed")}),
                                              ("pd_fixed_variances", {("x1", "~~", "x1")})])
def test_modification_indices_of_fixed_parameters_match_lavaan(name, fixed_rows):
    """lavaan tests the rows the model fixes too (``F1 ~~ 0*F2``, a residual variance fixed at 0.1); a fixed
    row that is not identified when freed (a marker loading, y5's variance beside dem65's) is left out.
    MI relative 1e-4, EPC and sepc.all 1e-3 (tests/fixtures/sem_hard_models.R)."""
    ref = next(c for c in json.loads((FIXTURES / "sem_hard_models.json").read_text()) if c["name"] == name)
    ours = modification_indices(fit_model(pd.read_csv(ROOT / ref["data_file"]), ref["model"]), top=None)
    theirs = {(r["lhs"], r["op"], r["rhs"]): r for r in ref["modindices"]}
    assert {(m.lhs, m.op, m.rhs) for m in ours} == set(theirs) and fixed_rows <= set(theirs)
    for m in ours:
        r = theirs[(m.lhs, m.op, m.rhs)]
        assert abs(m.mi - r["mi"]) < 1e-4 * max(1.0, r["mi"])
        assert abs(m.epc - r["epc"]) < 1e-3 and abs(m.sepc_all - r["sepc.all"]) < 1e-3

def simulate(n, loadings, latent_cor, seed):
    """Items x = λ·f + e with N(0,1) factors of correlation ``latent_cor`` and unit item variances."""
    rng = np.random.default_rng(seed)
    k = len(loadings)
    phi = np.full((k, k), latent_cor) + (1 - latent_cor) * np.eye(k)
    f = rng.multivariate_normal(np.zeros(k), phi, size=n)
    cols = {}
    for j, lams in enumerate(loadings):
        for i, lam in enumerate(lams):
            cols[f"F{j + 1}_{i + 1}"] = lam * f[:, j] + np.sqrt(max(1 - lam ** 2, 0.0)) * rng.normal(size=n)
    return pd.DataFrame(cols)


def measurement(data):
    out = {}
    for c in data.columns:
        out.setdefault(c.split("_")[0], []).append(c)
    return out


def test_latent_correlation_near_one_finishes_with_warning():
    data = simulate(150, [[0.8, 0.75, 0.7], [0.8, 0.75, 0.7], [0.7, 0.7, 0.7]], 0.995, seed=3)
    with pytest.warns(StatisticalWarning):
        cfa = fit_cfa(data, measurement(data))
    codes = {d.code for d in cfa.diagnostics}
    assert codes & {"latent_cor_near_one", "latent_cov_not_pd"}
    assert abs(cfa.latent_cor["F1"]["F2"]) > 0.95
    json.dumps(to_plain(cfa))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StatisticalWarning)
        sem = fit_sem(data, measurement(data), "F3 ~ F1 + F2", bootstrap=20, seed=2)
    assert sem.indirect == () and sem.bootstrap["B"] == 0
    json.dumps(to_plain(sem))


def heywood_data(n=300, seed=5):
    """Correlations r12 = r13 = .8, r23 = .5 imply λ1² = .8·.8/.5 = 1.28: a negative residual variance."""
    rng = np.random.default_rng(seed)
    r = np.array([[1, .8, .8], [.8, 1, .5], [.8, .5, 1]])
    x = rng.multivariate_normal(np.zeros(3), r, size=n)
    other = simulate(n, [[0.8, 0.7, 0.7]], 0.0, seed=seed + 1)
    other.columns = ["G_1", "G_2", "G_3"]
    return pd.concat([pd.DataFrame(x, columns=["H_1", "H_2", "H_3"]), other], axis=1)


def test_heywood_case_is_reported_not_bounded():
    data = heywood_data()
    with pytest.warns(StatisticalWarning) as record:
        cfa = fit_cfa(data, measurement(data))
    assert any("heywood_case" in str(w.message) for w in record)
    assert cfa.converged
    theta = {p.lhs: p.est for p in cfa.residual_variances}
    assert theta["H_1"] < 0  # not clipped at 0
    codes = [d.code for d in cfa.diagnostics]
    assert "heywood_case" in codes and "std_loading_above_one" in codes
    assert cfa.std_loadings["H"]["H_1"] > 1
    json.dumps(to_plain(cfa))


def test_singular_sample_covariance_and_collinear_items():
    data = simulate(200, [[0.8, 0.75, 0.7], [0.8, 0.75, 0.7]], 0.3, seed=7)
    data["F2_4"] = data["F2_1"] + data["F2_2"]        # exact linear combination
    data["F1_4"] = data["F1_1"] + 0.01 * np.random.default_rng(1).normal(size=200)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StatisticalWarning)
        fit = fit_model(data, "F1 =~ F1_1 + F1_2 + F1_3 + F1_4\nF2 =~ F2_1 + F2_2 + F2_3 + F2_4")
        codes = [d.code for d in fit_diagnostics(fit)]
    assert "sample_cov_not_pd" in codes and "collinear_items" in codes
