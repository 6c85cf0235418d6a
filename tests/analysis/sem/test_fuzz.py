"""Random identified models (issue 13): every draw gives a result, or a result with named warnings — never
an exception; a fit that did not converge never gets a 'good' or 'acceptable' fit verdict, and an
inadmissible solution (negative variance, standardized loading above 1, non-positive-definite latent
covariances) always carries its warning.

Each batch of :data:`BATCH` consecutive seeds holds every hard family (:func:`family`): a 9 × 5-item CFA
with N = 80 (non-positive-definite start values), the two-indicator endogenous factor (a singular
information matrix at the start), N just above the number of items, two factors correlating .97–.995,
Heywood-prone two-indicator factors with loadings near 1; the rest are CFAs or recursive SEMs of 2–5
factors with 2–5 items, N up to 500, continuous or 5-point items. The draws are seeded: a failure names
its seed, and ``python tests/analysis/sem/test_fuzz.py [draws]`` prints models per second and the count of
non-converged fits and of warning codes.
"""
import sys
import time
import warnings
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from analysis.diagnostics import StatisticalWarning
from analysis.sem.fit_indices import NOT_INTERPRETABLE
from analysis.sem.models import fit_cfa, fit_sem
from reports.context.base import DIAGNOSTIC_NAMES


BATCH = 50
BATCHES = 10  # 500 models in the suite


#: the hard families by position in a batch (the rest are generic): one 9 × 5 CFA, two with N just above the
#: number of items (the slowest: they seldom converge), three of each of the others
FAMILIES = ("many_items_small_n", *["n_near_items"] * 2, *["two_indicator_endogenous"] * 3,
            *["near_singular_latent"] * 3, *["heywood_prone"] * 3)


def family(seed: int) -> str:
    """The kind of model drawn for ``seed`` (by its position in its batch, :data:`FAMILIES`)."""
    position = seed % BATCH
    return FAMILIES[position] if position < len(FAMILIES) else "generic"


def random_study(seed: int) -> dict:
    """One random model of :func:`family` ``seed`` and data drawn from it: ``measurement`` (factor -> items),
    ``structural`` (lavaan regressions, '' for a CFA) and ``data``."""
    rng = np.random.default_rng(seed)
    kind = family(seed)
    n_factors = int(rng.integers(2, 6))
    n_items = rng.integers(2, 6, size=n_factors)
    paths = np.tril(rng.random((n_factors, n_factors)) < 0.4, -1) * rng.uniform(0.2, 0.6, (n_factors, n_factors))
    loading_range = (0.4, 0.9)
    if kind == "many_items_small_n":
        n_factors, n_items, paths = 9, np.full(9, 5), np.zeros((9, 9))
    elif kind == "two_indicator_endogenous":
        n_factors, n_items, paths = 3, np.array([3, 2, 3]), np.array([[0, 0, 0], [0.5, 0, 0], [0, 0.5, 0]])
    elif kind == "n_near_items":
        n_items = rng.integers(2, 4, size=n_factors)
    elif kind == "heywood_prone":
        n_items, loading_range = np.full(n_factors, 2), (0.85, 0.99)
    p = int(n_items.sum())
    n = {"many_items_small_n": 80, "n_near_items": p + int(rng.integers(1, 6))}.get(
        kind, int(np.exp(rng.uniform(np.log(max(p + 10, 40)), np.log(500)))))
    names = [f"F{j}" for j in range(n_factors)]
    sem = kind == "two_indicator_endogenous" or (rng.random() < 0.5 and paths.any())
    if not sem:
        paths[:] = 0
    a = rng.normal(size=(n_factors, n_factors))
    psi = np.corrcoef(a @ a.T + n_factors * np.eye(n_factors))
    if kind == "near_singular_latent":
        psi[0, 1] = psi[1, 0] = rng.uniform(0.97, 0.995)
        psi[0, 2:] = psi[1, 2:] = psi[2:, 0] = psi[2:, 1] = 0.3
        psi[2:, 2:] = 0.3 + 0.7 * np.eye(n_factors - 2)
    eta = rng.multivariate_normal(np.zeros(n_factors), psi, size=n) @ np.linalg.inv(np.eye(n_factors) - paths).T
    eta /= eta.std(axis=0)
    likert = rng.random() < 0.5
    cols, measurement = {}, {}
    for j, name in enumerate(names):
        for i in range(n_items[j]):
            lam = rng.uniform(*loading_range) * (1 if rng.random() > 0.1 else -1)
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


def check_random_study(seed: int) -> None:
    """The assertions of the test for one seed (the message names the seed and the family)."""
    where = f"seed {seed} ({family(seed)})"
    result, raised = fit_random_study(seed)
    codes = {d.code for d in result.diagnostics}
    assert codes <= set(DIAGNOSTIC_NAMES) and raised <= set(DIAGNOSTIC_NAMES), where
    assert result.converged or "not_converged" in codes, where
    assert np.isfinite(result.fit.chisq) or codes & {"not_converged", "sample_cov_not_pd"}, where
    if not result.converged:
        assert all(v.verdict == NOT_INTERPRETABLE for v in result.fit_verdicts), where
    fit = result.result
    variances = [p.est for p in fit.parameters if p.op == "~~" and p.lhs == p.rhs]
    assert min(variances) >= 0 or "heywood_case" in codes, where
    assert all(abs(p.std_all) <= 1 for p in fit.parameters if p.op == "=~" and np.isfinite(p.std_all)) \
        or "std_loading_above_one" in codes, where
    assert np.linalg.eigvalsh(fit.latent_cov().to_numpy())[0] > 0 or "latent_cov_not_pd" in codes, where


@pytest.mark.parametrize("batch", range(BATCHES))
def test_random_identified_models_give_a_result_or_named_warnings(batch):
    for seed in range(batch * BATCH, (batch + 1) * BATCH):
        check_random_study(seed)


if __name__ == "__main__":
    draws = int(sys.argv[1]) if len(sys.argv) > 1 else BATCH * BATCHES
    tally: Counter = Counter()
    slowest: list = []
    start = time.perf_counter()
    for s in range(draws):
        t = time.perf_counter()
        fitted, _ = fit_random_study(s)
        slowest.append((time.perf_counter() - t, s, family(s)))
        tally["converged" if fitted.converged else "not converged"] += 1
        tally.update(d.code for d in fitted.diagnostics)
    elapsed = time.perf_counter() - start
    print(f"{draws} models in {elapsed:.1f} s ({draws / elapsed:.0f} models/s):", dict(tally))
    print("slowest:", [(round(t, 3), s, f) for t, s, f in sorted(slowest)[-8:]])
