"""analysis.psychometrics.validity against semTools on lavaan::HolzingerSwineford1939 (3-factor CFA).

Reference: tests/fixtures/validity_hs.R -> validity_hs.json / validity_hs.csv:
semTools::htmt(htmt2 = FALSE / TRUE); CR/AVE from lavaan's standardized loadings compared with
semTools::compRelSEM / AVE of the model fitted with std.ov = TRUE (the metric on which the
Fornell–Larcker formulas are defined). Tolerance 1e-3.
"""
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.diagnostics import StatisticalWarning
from analysis.psychometrics.validity import (assess_validity, average_variance_extracted, composite_reliability,
                                             fornell_larcker, htmt, item_correlations)
from analysis.results import to_plain
from questionnaire.errors import InputError

FIX = Path(__file__).parents[2] / "fixtures"
TOL = 1e-3


@pytest.fixture(scope="module")
def hs():
    return pd.read_csv(FIX / "validity_hs.csv"), json.loads((FIX / "validity_hs.json").read_text())


def _assert_nested(got, ref):
    for a, row in ref.items():
        for b, value in row.items():
            assert got[a][b] == pytest.approx(value, abs=TOL), (a, b)


def test_htmt_and_htmt2_match_semtools(hs):
    data, ref = hs
    with pytest.warns(StatisticalWarning, match="htmt_negative_correlation"):  # x2-x7 is -.08
        res = htmt(item_correlations(data, [f"x{i}" for i in range(1, 10)]), ref["measurement"])
    _assert_nested(res.htmt, ref["htmt"])
    _assert_nested(res.htmt2, ref["htmt2"])


def test_cr_and_ave_match_semtools_on_standardized_items(hs):
    _, ref = hs
    for construct, loadings in ref["std_loadings"].items():
        lam = list(loadings.values())
        assert composite_reliability(lam) == pytest.approx(ref["cr_std_ov"][construct], abs=TOL)
        assert average_variance_extracted(lam) == pytest.approx(ref["ave_std_ov"][construct], abs=TOL)


def test_assess_validity_shape_and_flags(hs):
    data, ref = hs
    with pytest.warns(StatisticalWarning):
        res = assess_validity(data, ref["measurement"], ref["std_loadings"], ref["latent_cor"])
    d = to_plain(res)
    assert set(d) == {"htmt", "htmt2", "fornell_larcker", "cr", "ave", "flags"}
    _assert_nested(d["htmt"], ref["htmt"])
    for c in ref["measurement"]:
        assert d["fornell_larcker"][c][c] == pytest.approx(math.sqrt(ref["ave_std_ov"][c]), abs=TOL)
    assert d["fornell_larcker"]["visual"]["speed"] == pytest.approx(ref["latent_cor"]["visual"]["speed"])
    codes = {(f["code"], f["lhs"], f["rhs"]) for f in d["flags"]}
    assert codes == {("loading_below_050", "visual", "x2"), ("ave_below_050", "visual", None),
                     ("cr_below_070", "visual", None), ("ave_below_050", "speed", None),
                     ("cr_below_070", "speed", None)}
    assert json.loads(json.dumps(d)) == d


def test_fornell_larcker_and_htmt_violations():
    ave = {"A": 0.5, "B": 0.8}
    table, flags = fornell_larcker(ave, {"A": {"A": 1, "B": -0.75}, "B": {"A": -0.75, "B": 1}})
    assert table["B"]["B"] == pytest.approx(math.sqrt(0.8))
    assert [(f.code, f.lhs, f.rhs) for f in flags] == [("fornell_larcker", "A", "B")]
    assert flags[0].threshold == pytest.approx(math.sqrt(0.5))
    rng = np.random.default_rng(7)
    f = rng.normal(size=400)
    data = pd.DataFrame({f"a{i}": f + 0.5 * rng.normal(size=400) for i in range(3)}
                        | {f"b{i}": f + 0.5 * rng.normal(size=400) for i in range(3)})
    loadings = {"A": {f"a{i}": 0.9 for i in range(3)}, "B": {f"b{i}": 0.9 for i in range(3)}}
    res = assess_validity(data, {"A": ["a0", "a1", "a2"], "B": ["b0", "b1", "b2"]}, loadings,
                          pd.DataFrame([[1, 0.97], [0.97, 1]], index=["A", "B"], columns=["A", "B"]))
    codes = {f.code for f in res.flags}
    assert {"htmt_above_090", "htmt2_above_090", "fornell_larcker"} <= codes


def test_degenerate_constant_item_and_single_item_construct():
    rng = np.random.default_rng(3)
    f = rng.normal(size=100)
    data = pd.DataFrame({"a1": f + rng.normal(size=100), "a2": f + rng.normal(size=100),
                         "a3": np.ones(100), "b1": f + rng.normal(size=100), "c1": rng.normal(size=100),
                         "c2": rng.normal(size=100)})
    measurement = {"A": ["a1", "a2", "a3"], "B": ["b1"], "C": ["c1", "c2"]}
    loadings = {"A": {"a1": 0.7, "a2": 0.7, "a3": 0.1}, "B": {"b1": 1.0}, "C": {"c1": 0.6, "c2": 0.6}}
    phi = pd.DataFrame(np.eye(3) * 0.5 + 0.5, index=list("ABC"), columns=list("ABC"))
    with pytest.warns(StatisticalWarning):
        res = assess_validity(data, measurement, loadings, phi)
    codes = {d.code for d in res.diagnostics}
    assert {"htmt_undefined_correlation", "htmt_single_item", "validity_single_item"} <= codes
    assert "validity_loading_ge_1" not in codes  # a single indicator loads 1 by construction: no Heywood case
    loadings["C"]["c1"] = 1.02
    with pytest.warns(StatisticalWarning, match="validity_loading_ge_1"):
        assess_validity(data, measurement, loadings, phi)
    assert math.isnan(res.htmt["A"]["C"]) and math.isnan(res.htmt2["B"]["C"]) and math.isnan(res.cr["B"])
    assert to_plain(res)["ave"]["B"] is None
    assert not math.isnan(res.fornell_larcker["C"]["C"])


def test_htmt2_zero_correlation_and_too_few_rows():
    corr = pd.DataFrame(np.eye(4), index=list("abcd"), columns=list("abcd"))
    corr.loc["a", "b"] = corr.loc["b", "a"] = 0.5
    corr.loc["c", "d"] = corr.loc["d", "c"] = 0.5
    res = htmt(corr, {"A": ["a", "b"], "B": ["c", "d"]})
    assert res.htmt["A"]["B"] == 0 and res.htmt2["A"]["B"] == 0
    r = item_correlations(pd.DataFrame({"a": [1.0, np.nan], "b": [2.0, 3.0]}), ["a", "b"])
    assert np.isnan(r.loc["a", "b"]) and r.loc["a", "a"] == 1


def test_bad_input_raises(hs):
    data, ref = hs
    with pytest.raises(InputError, match="column x99: item not in the data"):
        item_correlations(data, ["x1", "x99"])
    with pytest.raises(InputError, match="column x99: item not in the correlation matrix"):
        htmt(data.corr(), {"A": ["x1", "x99"]})
    with pytest.raises(InputError, match="column visual: construct has no standardized loadings"):
        assess_validity(data, ref["measurement"], {}, ref["latent_cor"])
    with pytest.raises(InputError, match="column Z: construct not in the latent correlation matrix"):
        fornell_larcker({"Z": 0.5}, ref["latent_cor"])
