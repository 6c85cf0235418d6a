"""analysis.sem.specification: lavaan syntax subset and lavaan's default parameter table (fixtures: tests/fixtures/lavaan_sem.R)."""
import json
from pathlib import Path

import pytest

from analysis.sem.specification import measurement_syntax, specify_model
from questionnaire.errors import InputError

FIXTURES = Path(__file__).parents[2] / "fixtures"


def load(name):
    return json.loads((FIXTURES / f"lavaan_{name}.json").read_text())


def key(lhs, op, rhs):
    return (op, *sorted((lhs, rhs))) if op == "~~" else (lhs, op, rhs)


@pytest.mark.parametrize("name", ["hs", "pd", "pd_eq"])
def test_parameter_table_matches_lavaan(name):
    ref = load(name)
    spec = specify_model(ref["model"])
    ours = {key(p.lhs, p.op, p.rhs) for p in spec.parameters} | {(d.name, ":=") for d in spec.defined}
    theirs = {key(r["lhs"], r["op"], r["rhs"]) if r["op"] != ":=" else (r["lhs"], ":=") for r in ref["parameters"]}
    assert ours == theirs
    assert spec.n_free == ref["fit"]["npar"]


def test_defaults_marker_and_covariances():
    spec = specify_model("f1 =~ a + b + c\nf2 =~ d + e + f\nf3 =~ g + h + i\nf2 ~ f1\nf3 ~ f1")
    rows = {(p.lhs, p.op, p.rhs): p for p in spec.parameters}
    assert rows[("f1", "=~", "a")].free == 0 and rows[("f1", "=~", "a")].value == 1.0
    assert rows[("f2", "~~", "f3")].free  # lavaan auto.cov.y: pure dependents covary
    assert ("f2", "~~", "f3") not in {(p.lhs, p.op, p.rhs) for p in specify_model(
        "f1 =~ a + b + c\nf2 =~ d + e + f\nf3 =~ g + h + i\nf2 ~ f1\nf3 ~ f1", auto_cov_y=False).parameters}
    assert spec.endogenous == ("f2", "f3")


def test_modifiers_comments_continuation_and_single_indicator():
    spec = specify_model("""# comment
        f =~ NA*x1 + 0.5*x2 + lab*x3 +
             x4 ! another comment
        g =~ y1 ; f ~~ 1*f
        new := 2*lab""")
    rows = {(p.lhs, p.op, p.rhs): p for p in spec.parameters}
    assert rows[("f", "=~", "x1")].free and rows[("f", "=~", "x2")].value == 0.5
    assert rows[("f", "=~", "x3")].label == "lab" and rows[("f", "=~", "x4")].free
    assert rows[("y1", "~~", "y1")].free == 0 and rows[("y1", "~~", "y1")].value == 0.0  # auto.fix.single
    assert rows[("f", "~~", "f")].value == 1.0
    assert spec.defined[0].evaluate({"lab": 3.0}) == 6.0


def test_to_lavaan_round_trip():
    ref = load("pd_eq")
    spec = specify_model(ref["model"])
    for explicit in (False, True):
        again = specify_model(spec.to_lavaan(explicit=explicit))
        def rows(s):
            return {(p.lhs, p.op, p.rhs, bool(p.free), p.label, None if p.free else p.value) for p in s.parameters}

        assert rows(again) == rows(spec) and again.n_free == spec.n_free and again.defined == spec.defined


def test_measurement_syntax():
    assert measurement_syntax({"A": ["a1", "a2"], "B": ["b1"]}) == "A =~ a1 + a2\nB =~ b1"


@pytest.mark.parametrize("syntax, match", [
    ("f =~ x1 + x2\nx1 ~ 1", "intercepts are not supported"),
    ("f =~ x1 + x2\nf ~ 1", "intercepts are not supported"),
    ("f =~ x1 + x2\nx1 == x2", "unsupported or missing operator"),
    ("x1 ~~ x2", "no latent variable defined"),
    ("f =~ x1 + x2\nf ~ z", "neither a latent variable nor an indicator"),
    ("f =~ x1 + x2 + x3\ng =~ y1 + y2\ng ~ x1", "regressions must be between latent variables"),
    ("f =~ x1 + x2\nf ~~ x1", "between two latents or two indicators"),
    ("f =~ x1 + x2 + x2", "specified twice"),
    ("f =~ x1 + x2*x3 + 2x", "not a variable name"),
    ("f =~ x1 + start(1)*x2", "unsupported modifier"),
    ("f =~ x1 + x1*x2", "label is also a variable name"),
    ("f =~ x1 + a*x2\nd := a*b", "unknown label"),
    ("f =~ x1 + a*x2\nd := max(a)", "unsupported expression"),
    ("f =~ x1 + a*x2\nd := a*", "cannot parse"),
    ("f =~ x1 + a*x2\n1d := a", "not a name"),
    ("f =~", "nothing on the right"),
    ("f + = x1", "unsupported or missing operator"),
    ("f + 2 ~ g\nf =~ x1\ng =~ x2", "not a variable name"),
])
def test_bad_syntax_raises(syntax, match):
    with pytest.raises(InputError, match=match):
        specify_model(syntax)


def test_bad_measurement_and_without():
    with pytest.raises(InputError, match="no constructs"):
        measurement_syntax({})
    with pytest.raises(InputError, match="construct without items"):
        measurement_syntax({"A": []})
    spec = specify_model("f =~ x1 + x2\ng =~ y1 + y2\ng ~ f")
    with pytest.raises(InputError, match="has no path"):
        spec.without("f", "g")
    assert not spec.without("g", "f").regressions()
