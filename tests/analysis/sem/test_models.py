"""analysis.sem.models public API: fit_cfa / fit_sem results and their JSON form (values vs lavaan fixtures)."""
import json
import warnings
from pathlib import Path

import pandas as pd
import pytest

from analysis.diagnostics import StatisticalWarning
from analysis.results import to_plain
from analysis.sem.models import fit_cfa, fit_model, fit_sem, parse_hypothesis
from questionnaire.errors import InputError

FIXTURES = Path(__file__).parents[2] / "fixtures"
HS = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}
PD = {"ind60": ["x1", "x2", "x3"], "dem60": ["y1", "y2", "y3", "y4"], "dem65": ["y5", "y6", "y7", "y8"]}
PD_STRUCTURAL = """dem60 ~ ind60
dem65 ~ ind60 + dem60
y1 ~~ y5
y2 ~~ y4 + y6
y3 ~~ y7
y4 ~~ y8
y6 ~~ y8"""


def load(name):
    return json.loads((FIXTURES / f"lavaan_{name}.json").read_text())


@pytest.fixture(scope="module")
def pd_sem():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StatisticalWarning)
        return fit_sem(pd.read_csv(FIXTURES / "lavaan_pd.csv"), PD, PD_STRUCTURAL,
                       hypotheses={"H1": "ind60 -> dem60", "H2": "dem60 -> dem65", "H3": "ind60 -> dem60 -> dem65"},
                       signs={"H2": "-"}, bootstrap=200, seed=11, bca=True)


def test_fit_cfa_matches_lavaan_cfa():
    ref = load("hs")
    cfa = fit_cfa(pd.read_csv(FIXTURES / "lavaan_hs.csv"), HS)
    assert cfa.converged and cfa.n == 301
    assert abs(cfa.fit.chisq - ref["fit"]["chisq"]) < 1e-3 * ref["fit"]["chisq"]
    std = {(r["lhs"], r["rhs"]): r for r in ref["std"] if r["op"] == "=~"}
    for p in cfa.loadings:
        assert abs(cfa.std_loadings[p.lhs][p.rhs] - std[(p.lhs, p.rhs)]["est.std"]) < 1e-3
        assert abs(p.std_se - std[(p.lhs, p.rhs)]["se"]) < 1e-3
    assert abs(cfa.latent_cor["visual"]["speed"] - ref["cor_lv"]["visual"]["speed"]) < 1e-3
    assert len(cfa.residual_variances) == 9 and len(cfa.modification_indices) == 10
    d = json.loads(json.dumps(to_plain(cfa), allow_nan=False))
    assert set(d["fit"]) >= {"chisq", "df", "pvalue", "chisq_df", "cfi", "tli", "nfi", "ifi", "rmsea",
                             "rmsea_ci_lower", "rmsea_ci_upper", "pclose", "srmr", "gfi", "agfi", "aic", "bic"}
    assert set(d["loadings"][0]) >= {"lhs", "op", "rhs", "est", "se", "z", "pvalue", "std_all"}
    assert d["loadings"][0]["z"] is None  # fixed marker loading, as lavaan's NA
    assert d["model"].startswith("# lavaan model")


def test_fit_sem_paths_r2_and_hypotheses(pd_sem):
    ref = load("pd")
    est = {(r["lhs"], r["rhs"]): r for r in ref["parameters"] if r["op"] == "~"}
    std = {(r["lhs"], r["rhs"]): r for r in ref["std"] if r["op"] == "~"}
    for p in pd_sem.paths:
        assert abs(p.est - est[(p.lhs, p.rhs)]["est"]) < 1e-3 and abs(p.se - est[(p.lhs, p.rhs)]["se"]) < 1e-3
        assert abs(p.std_all - std[(p.lhs, p.rhs)]["est.std"]) < 1e-3
        assert abs(p.std_se - std[(p.lhs, p.rhs)]["se"]) < 1e-3
    paths = {p.hypothesis: p for p in pd_sem.paths}
    assert paths["H1"].supported is True
    assert paths["H2"].supported is False  # significant but positive, hypothesised negative
    assert paths[None].supported is None
    assert all(abs(pd_sem.r2[k] - ref["r2"][k]) < 1e-3 for k in pd_sem.r2)
    assert abs(pd_sem.fit.rmsea - ref["fit"]["rmsea"]) < 1e-3


def test_fit_sem_indirect_effects_and_json(pd_sem):
    ref = load("pd")
    (ind,) = pd_sem.indirect
    lav = next(r for r in ref["parameters"] if r["lhs"] == "ind")
    assert abs(ind.est - lav["est"]) < 1e-3
    assert ind.ci_lower < ind.est < ind.ci_upper and ind.ci_lower_bca is not None
    assert ind.hypothesis == "H3" and ind.supported is True
    assert (ind.mediation_type, ind.mediation) == ("complementary", "partial")
    assert pd_sem.bootstrap["B"] == 200 and pd_sem.bootstrap["succeeded"] == 200
    assert "bootstrap_inadmissible" in {d.code for d in pd_sem.diagnostics}
    d = json.loads(json.dumps(to_plain(pd_sem), allow_nan=False))
    assert d["indirect"][0]["via"] == "dem60" and d["indirect"][0]["from"] == "ind60"
    assert set(d["paths"][0]) >= {"lhs", "rhs", "est", "se", "z", "pvalue", "std_all", "hypothesis", "supported"}
    assert {e["from"] + e["to"] for e in d["effects"]} == {"ind60dem60", "ind60dem65", "dem60dem65"}
    assert len(d["f2"]) == 3


def test_fit_sem_without_bootstrap_uses_delta_method():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StatisticalWarning)
        sem = fit_sem(pd.read_csv(FIXTURES / "lavaan_pd.csv"), PD, PD_STRUCTURAL, bootstrap=0)
    (ind,) = sem.indirect
    assert ind.method.startswith("delta") and ind.ci_lower == pytest.approx(ind.est - 1.959964 * ind.se, abs=1e-5)
    assert sem.bootstrap["B"] == 0


def test_fit_sem_bad_input_raises():
    data = pd.read_csv(FIXTURES / "lavaan_pd.csv")
    with pytest.raises(InputError, match="no regression between constructs"):
        fit_sem(data, PD, "y1 ~~ y5", bootstrap=0)
    with pytest.raises(InputError, match="H9: the structural model has no such path"):
        fit_sem(data, PD, PD_STRUCTURAL, hypotheses={"H9": "dem65 -> ind60"}, bootstrap=0)
    with pytest.raises(InputError, match="H9: the structural model has no such chain"):
        fit_sem(data, PD, PD_STRUCTURAL, hypotheses={"H9": "dem60 -> ind60 -> dem65"}, bootstrap=0)
    with pytest.raises(InputError, match="unknown sign"):
        fit_sem(data, PD, PD_STRUCTURAL, hypotheses={"H1": "ind60 -> dem60"}, signs={"H1": "up"}, bootstrap=0)
    with pytest.raises(InputError, match="not a path"):
        parse_hypothesis("ind60")
    assert parse_hypothesis("A -> M -> B") == ("A", "M", "B")


def test_fit_model_any_syntax():
    ref = load("pd_eq")
    fit = fit_model(pd.read_csv(FIXTURES / "lavaan_pd.csv"), ref["model"])
    assert abs(fit.chisq - ref["fit"]["chisq"]) < 1e-3 and to_plain(fit)["npar"] == 28


def test_exported_syntax_reproduces_paths_and_indirect_effects():
    """model.lav refitted (here by our own parser; by lavaan in R) gives the same paths and := effects."""
    data = pd.read_csv(FIXTURES / "demo_items.csv")
    measurement = json.loads((FIXTURES / "demo_mapping.json").read_text())
    structural = "CS ~ PQ + SQ + PR + BI + EX\nLY ~ PQ + SQ + PR + BI + EX + CS"
    fitted = fit_sem(data, measurement, structural, bootstrap=0)
    assert "ind_PQ_CS_LY := b_CS_PQ*b_LY_CS" in fitted.model
    refit = fit_model(data, fitted.model)
    regressions = {(p.lhs, p.rhs): p.est for p in refit.parameters if p.op == "~"}
    defined = {p.lhs: p.est for p in refit.parameters if p.op == ":="}
    for path in fitted.paths:
        assert regressions[(path.lhs, path.rhs)] == pytest.approx(path.est, abs=1e-6)
    assert len(defined) == len(fitted.indirect) == 5
    for effect in fitted.indirect:
        name = "ind_" + "_".join([effect.source, *effect.via, effect.target])
        assert defined[name] == pytest.approx(effect.est, abs=1e-6)


def test_too_few_resamples_fall_back_to_the_delta_method():
    data = pd.read_csv(FIXTURES / "demo_items.csv")
    measurement = json.loads((FIXTURES / "demo_mapping.json").read_text())
    with pytest.warns(StatisticalWarning, match="bootstrap_too_few"):
        fitted = fit_sem(data, measurement, "CS ~ PQ + SQ\nLY ~ CS + PQ", bootstrap=5, seed=2)
    effect = fitted.indirect[0]
    assert effect.method == "delta method (Sobel), no bootstrap"
    assert effect.ci_lower < effect.est < effect.ci_upper
    assert fitted.bootstrap["B"] == 5


def test_fit_sem_with_mlr_is_robust_throughout(pd_sem):
    """MLR: robust SEs in the paths (lavaan_robust.json), scaled/robust indices in ``fit``, verdicts read the
    robust ones, Bollen–Stine p from the bootstrap, the estimator in the JSON and in model.lav's R call."""
    ref = next(c for c in json.loads((FIXTURES / "lavaan_robust.json").read_text())["cases"] if c["name"] == "pd_mlr")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StatisticalWarning)
        sem = fit_sem(pd.read_csv(FIXTURES / "lavaan_pd.csv"), PD, PD_STRUCTURAL, bootstrap=20, seed=3,
                      estimator="MLR")
    se = {(p["lhs"], p["rhs"]): p["se"] for p in ref["parameters"] if p["op"] == "~"}
    for path in sem.paths:
        assert path.se == pytest.approx(se[(path.lhs, path.rhs)], abs=1e-5)
    d = to_plain(sem)
    assert d["estimator"] == "MLR" and d["fit"]["cfi_robust"] == pytest.approx(ref["fit"]["cfi.robust"], abs=1e-6)
    assert {v["index"] for v in d["fit_verdicts"]} >= {"chisq_df_scaled", "cfi_robust", "tli_robust", "rmsea_robust",
                                                        "rmsea_pvalue_robust", "srmr"}
    assert d["bollen_stine"]["B"] == 20 and 0 <= d["bollen_stine"]["pvalue"] <= 1
    assert d["item_r2"]["y1"] == pytest.approx(ref["r2"]["y1"], abs=1e-6)
    assert 'estimator = "MLR"' in d["model"]
    ml = to_plain(pd_sem)
    assert ml["estimator"] == "ML" and "bollen_stine" not in ml and "cfi_robust" not in ml["fit"]
