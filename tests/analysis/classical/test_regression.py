"""analysis.classical.regression against ``lm`` + ``summary`` + ``confint``, ``car::vif``, ``lmtest::dwtest`` and
``anova`` of the steps (tests/fixtures/classical.R), on the demo (controls: gender, education, dummy-coded) and
psych's bfi (no controls). Tolerance 1e-6."""
import numpy as np
import pandas as pd
import pytest

from analysis.classical.regression import VIF_MAX, control_design, regress_scores
from analysis.diagnostics import StatisticalWarning
from analysis.results import to_plain
from questionnaire.instrument import Option, Question, Text

TOL = 1e-6


def test_every_equation_matches_lm(study):
    structural = study.instrument.structural
    assert [eq.lhs for eq in structural] == [r["outcome"] for r in study.ref["regression"]]
    for eq, ref in zip(structural, study.ref["regression"]):
        got = to_plain(regress_scores(study.scores, eq.lhs, eq.rhs, study.controls, study.control_terms))
        assert got["n"] == ref["n"] and got["df1"] == ref["df1"] and got["df2"] == ref["df2"]
        for key in ("r2", "adj_r2", "f", "pvalue", "durbin_watson"):
            assert got[key] == pytest.approx(ref[key], rel=TOL, abs=TOL), key
        assert [c["term"] for c in got["coefficients"]] == [c["term"] for c in ref["coefficients"]]
        for row, expected in zip(got["coefficients"], ref["coefficients"]):
            for key in ("b", "se", "t", "pvalue", "ci_lower", "ci_upper", "beta", "vif", "tolerance"):
                want = expected[key]
                assert row[key] == (None if want is None else pytest.approx(want, rel=TOL, abs=TOL)), (row["term"], key)
        assert len(got["steps"]) == len(ref["steps"]) == (2 if study.controls is not None else 1)
        for step, expected in zip(got["steps"], ref["steps"]):
            for key in ("r2", "delta_r2", "delta_f", "delta_df1", "delta_df2", "delta_pvalue"):
                assert step[key] == pytest.approx(expected[key], rel=TOL, abs=TOL), key
        assert {f["term"] for f in got["flags"]} == {c["term"] for c in ref["coefficients"]
                                                     if c["term"] in eq.rhs and c["vif"] > VIF_MAX}


def _scores(n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    x = rng.normal(size=(n, 2))
    return pd.DataFrame({"Y": x @ [0.5, 0.3] + rng.normal(size=n), "A": x[:, 0], "B": x[:, 1]})


def test_a_collinear_predictor_is_left_out_with_a_note():
    scores = _scores().assign(C=lambda d: d["A"] + d["B"])
    with pytest.warns(StatisticalWarning, match="C is a linear combination"):
        result = to_plain(regress_scores(scores, "Y", ["A", "B", "C"]))
    assert [c["term"] for c in result["coefficients"]] == ["(Intercept)", "A", "B"]
    assert "R's lm reports NA" in result["note"]


def test_a_constant_outcome_gives_a_note_not_a_model():
    with pytest.warns(StatisticalWarning, match="does not vary"):
        result = to_plain(regress_scores(_scores().assign(Y=2.0), "Y", ["A", "B"]))
    assert result["r2"] is None and result["coefficients"] == [] and "does not vary" in result["note"]


def test_too_few_respondents_give_a_note():
    with pytest.warns(StatisticalWarning, match="3 respondents for 2 terms"):
        result = to_plain(regress_scores(_scores(3), "Y", ["A", "B"]))
    assert result["note"].endswith("no model is fitted")


def test_control_design_dummy_codes_chosen_options_and_keeps_numbers():
    label = Text({"zh": "x", "en": "x"})
    city = Question("city", "single", label, tuple(Option(code, label) for code in (1, 2, 3, 4)))
    orders = Question("orders", "numeric", label)
    background = pd.DataFrame({"city": [2, 3, 4, 2, None], "orders": [1, 5, 2, None, 3]})
    block, terms = control_design(background, [city, orders])
    assert list(block.columns) == ["city_3", "city_4", "orders"]   # 1 chosen by nobody; 2 is the reference
    assert block["city_3"].tolist()[:4] == [0.0, 1.0, 0.0, 0.0] and np.isnan(block["city_3"].iloc[4])
    assert [(t.question, t.code) for t in terms] == [("city", 3), ("city", 4), ("orders", None)]
