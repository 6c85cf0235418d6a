"""analysis.sem.saturated: the EM estimate of the unrestricted model and the independence baseline under missing
data against lavaan 0.6 ``missing = "ml"`` (tests/fixtures/lavaan_fiml.R): ``lavInspect(fit, "sampstat.h1")``,
``unrestricted.logl`` and ``baseline.chisq``. Tolerances: moments 1e-10 (measured 2e-14, same EM iterates and
stopping rule), logL 1e-8 relative, baseline χ² 1e-8 relative (measured 4e-12)."""
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.sem.patterns import missing_patterns
from analysis.sem.saturated import independence_moments, saturated_moments

FIXTURES = Path(__file__).parents[2] / "fixtures"
REFERENCE = json.loads((FIXTURES / "lavaan_fiml.json").read_text())
BFI = pd.read_csv(FIXTURES / "missing_bfi.csv")


@pytest.mark.parametrize("case", REFERENCE["cases"], ids=lambda c: c["name"])
def test_em_moments_logl_and_baseline_match_lavaan(case):
    patterns = missing_patterns(BFI[case["observed"]].to_numpy(float))
    h1 = saturated_moments(patterns)
    assert h1.converged
    assert h1.mean == pytest.approx(np.array(case["h1_mean"]), abs=1e-10)
    assert h1.cov == pytest.approx(np.array(case["h1_cov"]), abs=1e-10)
    assert h1.logl == pytest.approx(case["fit"]["unrestricted.logl"], rel=1e-8)
    baseline = 2.0 * (h1.logl - independence_moments(patterns).logl)
    assert baseline == pytest.approx(case["fit"]["baseline.chisq"], rel=1e-8)


def test_em_on_complete_data_is_the_sample_moments_at_once():
    x = np.random.default_rng(2).normal(size=(50, 3))
    h1 = saturated_moments(missing_patterns(x), tol=1e-12)
    assert h1.cov == pytest.approx(np.cov(x.T, bias=True), abs=1e-10) and h1.mean == pytest.approx(x.mean(axis=0))


def test_em_that_runs_out_of_iterations_says_so():
    x = np.random.default_rng(3).normal(size=(30, 3))
    x[::3, 0] = np.nan
    assert not saturated_moments(missing_patterns(x), tol=0.0, max_iter=2).converged
