"""analysis.classical.correlations against R's ``cor.test`` (Pearson; Spearman with ``exact = FALSE``) on the
demo and psych's bfi (tests/fixtures/classical.R). Tolerance 1e-6."""
import numpy as np
import pandas as pd
import pytest

from analysis.classical.correlations import correlate_scores
from analysis.diagnostics import StatisticalWarning
from analysis.results import to_plain

TOL = 1e-6


@pytest.mark.parametrize("method", ["pearson", "spearman"])
def test_matrix_matches_cor_test(study, method):
    ref = study.ref["correlations"][method]
    got = to_plain(correlate_scores(study.scores, method))
    assert got["method"] == method and got["n"] == ref["n"]
    assert got["mean"] == pytest.approx(ref["mean"], abs=TOL) and got["sd"] == pytest.approx(ref["sd"], abs=TOL)
    for a in got["constructs"]:
        assert got["r"][a][a] == 1.0 and got["pvalue"][a][a] is None
        for b in got["constructs"]:
            if a != b:
                assert got["r"][a][b] == pytest.approx(ref["r"][a][b], abs=TOL), (a, b)
                assert got["pvalue"][a][b] == pytest.approx(ref["pvalue"][a][b], rel=TOL, abs=1e-12), (a, b)


def test_sqrt_ave_is_kept_for_the_diagonal(study):
    ave = {c: 0.49 for c in study.scores.columns}
    assert to_plain(correlate_scores(study.scores, ave=ave))["sqrt_ave"] == {c: pytest.approx(0.7) for c in ave}


def test_a_constant_score_gives_a_note_not_an_error():
    scores = pd.DataFrame({"A": np.arange(10.0), "B": np.full(10, 3.0), "C": np.arange(10.0) ** 2})
    with pytest.warns(StatisticalWarning, match="B does not vary"):
        result = to_plain(correlate_scores(scores))
    assert result["r"]["A"]["B"] is None and result["r"]["B"]["B"] is None and result["r"]["A"]["C"] is not None
    assert "B does not vary" in result["note"]


def test_an_unknown_method_is_a_programming_error():
    with pytest.raises(ValueError, match="method 'kendall' is not one of"):
        correlate_scores(pd.DataFrame({"A": [1.0, 2, 3]}), "kendall")
