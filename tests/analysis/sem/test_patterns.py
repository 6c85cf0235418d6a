"""analysis.sem.patterns: missing-data patterns (lavaan's count on bfi) and the pattern-wise normal log-likelihood
(equal to the sum of the casewise densities, scipy.stats.multivariate_normal)."""
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.sem.patterns import missing_patterns, pattern_loglik

FIXTURES = Path(__file__).parents[2] / "fixtures"


def test_patterns_count_as_lavaan_and_leave_out_empty_rows():
    reference = json.loads((FIXTURES / "lavaan_fiml.json").read_text())["cases"][0]
    x = pd.read_csv(FIXTURES / "missing_bfi.csv")[reference["observed"]].to_numpy(float)
    patterns = missing_patterns(np.vstack([x, np.full((1, x.shape[1]), np.nan)]))
    assert (len(patterns), patterns.n, patterns.n_complete) == (reference["n_patterns"], reference["n"],
                                                                reference["n_listwise"])
    assert patterns.n_empty == 1 and patterns.observed[0].all()  # the complete pattern is the most frequent


def test_pattern_loglik_is_the_sum_of_casewise_normal_densities():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(40, 3)) @ np.array([[1.0, 0.3, 0.2], [0.0, 1.0, 0.5], [0.0, 0.0, 1.0]])
    x[rng.random(x.shape) < 0.2] = np.nan
    x = x[~np.isnan(x).all(axis=1)]
    mean, sigma = np.array([0.1, -0.2, 0.3]), np.array([[1.2, 0.3, 0.2], [0.3, 1.4, 0.5], [0.2, 0.5, 1.3]])
    expected = sum(stats.multivariate_normal(mean[o], sigma[np.ix_(o, o)]).logpdf(row[o])
                   for row in x for o in [np.flatnonzero(~np.isnan(row))])
    assert pattern_loglik(missing_patterns(x), mean, sigma) == pytest.approx(expected, rel=1e-12)
    assert pattern_loglik(missing_patterns(x), mean, -sigma) == -np.inf
