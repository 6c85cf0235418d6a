"""Random identified models (issue 13): a CFA or a recursive SEM of 2–9 factors with 2–5 items each, N
from just above the number of items to 500, continuous or 5-point items, with the two cases that used to
break the estimator (a two-indicator endogenous factor; many factors, small N). Every draw gives a
result, or a result with named warnings — never an exception.

``FUZZ_DRAWS`` models run in the suite (a few seconds); ``python tests/analysis/sem/test_fuzz.py 500``
runs more and prints the count of non-converged fits and of warning codes.
"""
import sys
import warnings
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from analysis.diagnostics import StatisticalWarning
from analysis.sem.models import fit_cfa, fit_sem
from reports.context.base import DIAGNOSTIC_NAMES

FUZZ_DRAWS = 12


def random_study(seed: int) -> dict:
    """One random model and data drawn from it: ``measurement`` (factor -> items), ``structural`` (lavaan
    regressions, '' for a CFA) and ``data``."""
    rng = np.random.default_rng(seed)
    n_factors = int(rng.integers(2, 10))
    n_items = rng.integers(2, 6, size=n_factors)
    if seed % 10 == 0:  # the two-indicator endogenous factor of bug 1
        n_factors, n_items = 3, np.array([3, 2, 3])
    if seed % 10 == 5:  # many factors, small N: the non-positive-definite start of bug 2
        n_factors, n_items = 9, np.full(9, 5)
    p = int(n_items.sum())
    n = 80 if seed % 10 == 5 else int(np.exp(rng.uniform(np.log(p + 2), np.log(500))))
    names = [f"F{j}" for j in range(n_factors)]
    paths = np.tril(rng.random((n_factors, n_factors)) < 0.4, -1) * rng.uniform(0.2, 0.9, (n_factors, n_factors))
    if seed % 10 == 0:
        paths = np.array([[0, 0, 0], [0.5, 0, 0], [0, 0.5, 0]])
    sem = seed % 2 == 0 and paths.any()
    if not sem:
        paths[:] = 0
    a = rng.normal(size=(n_factors, n_factors)) * rng.uniform(0, 0.8) + 1.0
    cov = a @ a.T
    psi = cov / np.sqrt(np.outer(np.diag(cov), np.diag(cov)))
    eta = rng.multivariate_normal(np.zeros(n_factors), psi, size=n) @ np.linalg.inv(np.eye(n_factors) - paths).T
    eta /= eta.std(axis=0)
    likert = rng.random() < 0.5
    cols, measurement = {}, {}
    for j, name in enumerate(names):
        for i in range(n_items[j]):
            lam = rng.uniform(0.3, 0.95) * (1 if rng.random() > 0.1 else -1)
            x = lam * eta[:, j] + np.sqrt(1 - lam ** 2) * rng.normal(size=n)
            cols[f"{name}_{i}"] = np.clip(np.round(3 + 1.2 * x), 1, 5) if likert else x
            measurement.setdefault(name, []).append(f"{name}_{i}")
    structural = "\n".join(f"{names[y]} ~ " + " + ".join(names[x] for x in np.flatnonzero(paths[y]))
                           for y in range(n_factors) if paths[y].any()) if sem else ""
    return {"measurement": measurement, "structural": structural, "data": pd.DataFrame(cols)}


def fit_random_study(seed: int):
    """The fitted CFA or SEM of :func:`random_study` ``seed`` and the warning codes it raised."""
    study = random_study(seed)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", StatisticalWarning)
        if study["structural"]:
            result = fit_sem(study["data"], study["measurement"], study["structural"], bootstrap=0)
        else:
            result = fit_cfa(study["data"], study["measurement"])
    raised = {str(w.message)[1:].split("]")[0] for w in caught if issubclass(w.category, StatisticalWarning)}
    return result, raised


@pytest.mark.parametrize("seed", range(FUZZ_DRAWS))
def test_random_identified_model_gives_a_result_or_named_warnings(seed):
    result, raised = fit_random_study(seed)
    codes = {d.code for d in result.diagnostics}
    assert codes <= set(DIAGNOSTIC_NAMES) and raised <= set(DIAGNOSTIC_NAMES)
    assert result.converged or "not_converged" in codes
    assert np.isfinite(result.fit.chisq) or codes & {"not_converged", "sample_cov_not_pd"}


if __name__ == "__main__":
    draws = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    tally: Counter = Counter()
    for s in range(draws):
        fitted, _ = fit_random_study(s)
        tally["converged" if fitted.converged else "not converged"] += 1
        tally.update(d.code for d in fitted.diagnostics)
    print(f"{draws} models:", dict(tally))
