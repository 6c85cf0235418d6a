"""Exploratory factor analysis as psych and SPSS do it.

Eigenvalues and retention rules (Kaiser, Horn's parallel analysis), extraction by principal
components (``psych::principal``), principal axis (``fm = "pa"``), minres and maximum
likelihood (``psych::fa``), rotation (:mod:`analysis.rotation`), the SPSS "Total variance
explained" table, the rotated loading matrix sorted by factor, and flags for cross-loading and
misplaced items.

Every step works on the listwise-complete rows of the items (the pipeline passes listwise data).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize

from analysis.diagnostics import Diagnostic, warn
from analysis.numbers import numeric_items
from analysis.psychometrics import rotation as rot
from analysis.psychometrics.factorability import correlation_matrix, usable_items
from questionnaire.errors import input_error

#: Extraction methods, named as in psych (``"pc"`` = ``psych::principal``, others ``fa(fm=)``).
METHODS = ("pc", "pa", "minres", "ml")
#: Rotations; ``"none"`` keeps the unrotated solution.
ROTATIONS = ("none", "varimax", "promax", "oblimin")
#: Loadings below this (in absolute value) are blanked for display and not counted as salient.
LOADING_CUTOFF = 0.40

_EPS = np.finfo(float).eps
_PSI_LOWER = 0.005  # psych's lower bound on uniquenesses in minres / ML


def _require(value: str, allowed: tuple[str, ...], what: str) -> None:
    """Raise an InputError naming the allowed choices when ``value`` is not one of them."""
    if value not in allowed:
        raise input_error(f"unknown EFA {what}", value=value, allowed=", ".join(allowed))


def _eigh_desc(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (descending) and eigenvectors of a symmetric matrix."""
    values, vectors = np.linalg.eigh(m)
    return values[::-1], vectors[:, ::-1]


def eigenvalues(corr: np.ndarray) -> np.ndarray:
    """Eigenvalues of the correlation matrix, largest first (SPSS "Initial Eigenvalues").

    R: ``eigen(cor(x))$values``.
    """
    return _eigh_desc(np.asarray(corr, dtype=float))[0]


def kaiser_n_factors(values: Sequence[float]) -> int:
    """Number of eigenvalues greater than 1 (Kaiser, 1960 / Guttman rule).

    R: ``sum(eigen(R)$values > 1)``.
    """
    return int(np.sum(np.asarray(values) > 1))


def smc(corr: np.ndarray) -> np.ndarray:
    """Squared multiple correlations ``1 - 1 / diag(R^+)``, clipped to [0, 1].

    Initial communalities of principal-axis factoring (SPSS "Initial" communalities).
    R: ``psych::smc(R)``.
    """
    values = 1 - 1 / np.diag(np.linalg.pinv(corr))
    return np.clip(values, 0, 1)


# --------------------------------------------------------------------------------- extraction

@dataclass(frozen=True)
class Extraction:
    """An unrotated solution: loadings (p x k), communalities, eigenvalues of the reduced matrix."""

    loadings: np.ndarray
    communalities: np.ndarray
    values: np.ndarray
    converged: bool


def _sign_columns(loadings: np.ndarray) -> np.ndarray:
    """Columns multiplied by the sign of their sum (psych's convention; 0 counts as +)."""
    signs = np.sign(loadings.sum(axis=0))
    signs[signs == 0] = 1
    return loadings * signs


def _reduced_values(corr: np.ndarray, loadings: np.ndarray) -> np.ndarray:
    """Eigenvalues of ``R`` with communalities on the diagonal (psych ``fa()$values``)."""
    reduced = corr.copy()
    np.fill_diagonal(reduced, (loadings ** 2).sum(axis=1))
    return _eigh_desc(reduced)[0]


def extract_principal_components(corr: np.ndarray, n_factors: int) -> Extraction:
    """Principal components: loadings ``v_j sqrt(lambda_j)`` of the first k eigenpairs of R.

    Eigenvalues below machine epsilon are set to epsilon; columns signed to a positive sum.
    SPSS *Factor, Extraction: Principal components*.
    R: ``psych::principal(R, nfactors = k, rotate = "none")``.
    """
    values, vectors = _eigh_desc(np.asarray(corr, dtype=float))
    floored = np.maximum(values, _EPS)
    loadings = _sign_columns(vectors[:, :n_factors] * np.sqrt(floored[:n_factors]))
    return Extraction(loadings, (loadings ** 2).sum(axis=1), values, True)


def extract_principal_axis(corr: np.ndarray, n_factors: int, min_err: float = 0.001,
                           max_iter: int = 50) -> Extraction:
    """Iterated principal-axis factoring, psych's stopping rule.

    Start with SMCs on the diagonal; repeat: ``L = V_k sqrt(Lambda_k)`` of the reduced matrix,
    put ``diag(LL')`` on the diagonal; stop when the total communality changes by less than
    ``min_err`` (.001) or after ``max_iter`` (50) rounds.  (SPSS's rule differs: a .001 change
    in each communality, at most 25 rounds, so its PAF figures can differ slightly.)  A negative
    eigenvalue among the first k (too many factors) gives a zero column where psych gives NaN.
    R: ``psych::fa(R, nfactors = k, fm = "pa", rotate = "none")``.
    """
    r = np.asarray(corr, dtype=float)
    reduced = r.copy()
    np.fill_diagonal(reduced, smc(r))
    comm = np.trace(reduced)
    err, i, converged = comm, 1, True
    loadings = np.zeros((r.shape[0], n_factors))
    while err > min_err:
        values, vectors = _eigh_desc(reduced)
        loadings = vectors[:, :n_factors] * np.sqrt(np.maximum(values[:n_factors], 0))
        new = (loadings ** 2).sum(axis=1)
        comm_new = new.sum()
        np.fill_diagonal(reduced, new)
        err = abs(comm - comm_new)
        comm = comm_new
        i += 1
        if i > max_iter:
            converged = err <= min_err
            break
    loadings = _sign_columns(loadings)
    return Extraction(loadings, (loadings ** 2).sum(axis=1), _reduced_values(r, loadings),
                      converged)


def _minres_objective(psi: np.ndarray, r: np.ndarray, k: int) -> float:
    """psych ``fit.residuals``: sum of squared off-diagonal residuals of the rank-k fit of R - Psi."""
    s = r.copy()
    np.fill_diagonal(s, 1 - psi)
    values, vectors = _eigh_desc(s)
    values = np.where(values < _EPS, 100 * _EPS, values)
    loadings = vectors[:, :k] * np.sqrt(values[:k])
    residual = r - loadings @ loadings.T
    return float((residual[np.tril_indices_from(residual, -1)] ** 2).sum())


def _minres_gradient(psi: np.ndarray, r: np.ndarray, k: int) -> np.ndarray:
    """psych ``FAgr.minres``: the diagonal residual ``diag(LL' + Psi - R)``."""
    values, vectors = _eigh_desc(r - np.diag(psi))
    loadings = vectors[:, :k] * np.sqrt(np.maximum(values[:k], 0))
    return (loadings ** 2).sum(axis=1) + psi - np.diag(r)


def _ml_objective(psi: np.ndarray, r: np.ndarray, k: int) -> float:
    """psych ``FAfn``: ``-sum_{j>k}(log e_j - e_j) + k - p`` for the eigenvalues of Psi^-1/2 R Psi^-1/2."""
    sc = 1 / np.sqrt(psi)
    e = np.linalg.eigvalsh(r * np.outer(sc, sc))[::-1][k:]
    return float(-(np.sum(np.log(e) - e) - k + r.shape[0]))


def _ml_loadings(psi: np.ndarray, r: np.ndarray, k: int) -> np.ndarray:
    """psych ``FAout``: ``Psi^1/2 V_k sqrt(max(Lambda_k - 1, 0))`` of Psi^-1/2 R Psi^-1/2."""
    sc = 1 / np.sqrt(psi)
    values, vectors = _eigh_desc(r * np.outer(sc, sc))
    return np.sqrt(psi)[:, None] * vectors[:, :k] * np.sqrt(np.maximum(values[:k] - 1, 0))


def _ml_gradient(psi: np.ndarray, r: np.ndarray, k: int) -> np.ndarray:
    """psych ``FAgr``: ``diag(LL' + Psi - R) / Psi^2``."""
    loadings = _ml_loadings(psi, r, k)
    return ((loadings ** 2).sum(axis=1) + psi - np.diag(r)) / psi ** 2


def _minimize_uniquenesses(objective, gradient, r: np.ndarray, k: int) -> optimize.OptimizeResult:
    """L-BFGS-B over uniquenesses in [.005, 1] from ``1 - SMC``, with R ``optim``'s settings.

    R calls ``optim(method = "L-BFGS-B", control = list(parscale = rep(.01, p)))``: parameters
    scaled by .01, ``factr = 1e7`` (ftol 2.2e-9), ``pgtol = 0``, 5 corrections, 100 iterations.
    """
    scale = 0.01
    start = (1 - smc(r)) / scale
    p = r.shape[0]
    return optimize.minimize(
        lambda x: objective(x * scale, r, k), np.clip(start, _PSI_LOWER / scale, 1 / scale),
        jac=lambda x: gradient(x * scale, r, k) * scale, method="L-BFGS-B",
        bounds=[(_PSI_LOWER / scale, 1 / scale)] * p,
        options={"ftol": 1e7 * _EPS, "gtol": 0.0, "maxcor": 5, "maxiter": 100})


def extract_minres(corr: np.ndarray, n_factors: int) -> Extraction:
    """Minimum-residual (ULS) factoring: uniquenesses minimising the off-diagonal residuals.

    ``min_Psi sum_{i<j} (r_ij - [LL']_ij)^2`` with ``L`` the first k eigenpairs of ``R - Psi``
    (Harman & Jones, 1966), by L-BFGS-B with psych's gradient, start and bounds.
    R: ``psych::fa(R, nfactors = k, fm = "minres", rotate = "none")``.
    """
    r = np.asarray(corr, dtype=float)
    res = _minimize_uniquenesses(_minres_objective, _minres_gradient, r, n_factors)
    psi = res.x * 0.01
    values, vectors = _eigh_desc(r - np.diag(psi))
    loadings = _sign_columns(vectors[:, :n_factors] * np.sqrt(np.maximum(values[:n_factors], 0)))
    return Extraction(loadings, (loadings ** 2).sum(axis=1), _reduced_values(r, loadings),
                      bool(res.success))


def extract_ml(corr: np.ndarray, n_factors: int) -> Extraction:
    """Maximum-likelihood factoring (Jöreskog, 1967): minimise the ML discrepancy over Psi.

    ``F(Psi) = sum_{j>k} (e_j - log e_j - 1)`` for the eigenvalues ``e`` of
    ``Psi^-1/2 R Psi^-1/2``; ``L = Psi^1/2 V_k (E_k - I)^1/2``.  L-BFGS-B with psych's settings.
    R: ``psych::fa(R, nfactors = k, fm = "ml", rotate = "none")``; SPSS *Maximum likelihood*.
    """
    r = np.asarray(corr, dtype=float)
    res = _minimize_uniquenesses(_ml_objective, _ml_gradient, r, n_factors)
    loadings = _sign_columns(_ml_loadings(res.x * 0.01, r, n_factors))
    return Extraction(loadings, (loadings ** 2).sum(axis=1), _reduced_values(r, loadings),
                      bool(res.success))


_EXTRACTORS = {"pc": extract_principal_components, "pa": extract_principal_axis,
               "minres": extract_minres, "ml": extract_ml}


def extract_factors(corr: np.ndarray, n_factors: int, method: str) -> Extraction:
    """Unrotated solution by ``method`` (one of :data:`METHODS`); see the ``extract_*`` functions.

    R: ``psych::principal(R, k, rotate = "none")`` or ``psych::fa(R, k, fm = method, rotate = "none")``.
    """
    _require(method, METHODS, "extraction method")
    return _EXTRACTORS[method](np.asarray(corr, dtype=float), n_factors)


# --------------------------------------------------------------------------- parallel analysis

@dataclass(frozen=True)
class ParallelAnalysis:
    """Horn's parallel analysis for components and for (minres) common factors."""

    n_components: int
    n_factors: int
    observed_pc: np.ndarray
    simulated_pc: np.ndarray
    observed_fa: np.ndarray
    simulated_fa: np.ndarray
    n_iter: int
    quantile: float
    seed: int


def _count_above(observed: np.ndarray, threshold: np.ndarray) -> int:
    """Leading eigenvalues above their threshold (psych: ``which(!(obs > sim))[1] - 1``)."""
    below = np.flatnonzero(~(observed > threshold))
    return int(below[0]) if below.size else len(observed)


def parallel_analysis(data: pd.DataFrame, n_iter: int = 100, quantile: float = 0.95,
                      seed: int = 12345) -> ParallelAnalysis:
    """Horn's (1965) parallel analysis on the listwise-complete rows of ``data``.

    ``n_iter`` samples of ``n x p`` independent standard-normal data; a component (factor) is
    retained while the observed eigenvalue exceeds the ``quantile`` (default .95, type-7
    quantile as R's ``quantile``) of the simulated ones — psych's rule with its ``quant = .95``
    default.  Components use eigenvalues of R; factors the eigenvalues of R with one-factor
    minres communalities on the diagonal (``fa(R, 1, fm = "minres")$values``), as psych.
    The count is the number of leading eigenvalues above the threshold.  Random numbers come
    from ``numpy.random.default_rng(seed)``, so results are reproducible but not R's draws;
    the default 100 iterations (psych: 20) make the count stable.

    R: ``psych::fa.parallel(x, fa = "pc")$ncomp`` and ``psych::fa.parallel(x, fa = "fa")$nfact``.
    """
    x = data.dropna().to_numpy(dtype=float)
    n, p = x.shape
    corr = np.corrcoef(x, rowvar=False)
    observed_pc = eigenvalues(corr)
    observed_fa = extract_minres(corr, 1).values
    rng = np.random.default_rng(seed)
    sim_pc = np.empty((n_iter, p))
    sim_fa = np.empty((n_iter, p))
    for i in range(n_iter):
        sim_corr = np.corrcoef(rng.standard_normal((n, p)), rowvar=False)
        sim_pc[i] = eigenvalues(sim_corr)
        sim_fa[i] = extract_minres(sim_corr, 1).values
    threshold_pc = np.quantile(sim_pc, quantile, axis=0)
    threshold_fa = np.quantile(sim_fa, quantile, axis=0)
    return ParallelAnalysis(_count_above(observed_pc, threshold_pc),
                            _count_above(observed_fa, threshold_fa), observed_pc, threshold_pc,
                            observed_fa, threshold_fa, n_iter, quantile, seed)


# ----------------------------------------------------------------------------------- rotation

def rotate_loadings(loadings: np.ndarray, rotation: str, method: str) -> rot.Rotation:
    """Rotate as psych does for the extraction ``method``, then sign and order the factors.

    ``promax`` is ``stats::promax`` for principal components and Kaiser-normalised
    ``psych::Promax`` for common factors, as ``psych::principal`` and ``psych::fa`` differ.
    Columns are signed to a positive sum and ordered by decreasing rotated sum of squares
    (``diag(Phi L'L)`` for factors, ``diag(L'L)`` for components, as psych).
    """
    _require(rotation, ROTATIONS, "rotation")
    _require(method, METHODS, "extraction method")
    if loadings.shape[1] < 2 or rotation == "none":
        rotated = rot.Rotation(loadings.copy(), np.eye(loadings.shape[1]), None, True)
    elif rotation == "varimax":
        rotated = rot.varimax(loadings)
    elif rotation == "promax":
        rotated = rot.promax(loadings, kaiser_normalize=method != "pc")
    else:
        rotated = rot.oblimin(loadings)
    signs = np.sign(rotated.loadings.sum(axis=0))
    signs[signs == 0] = 1
    pattern = rotated.loadings * signs
    phi = None if rotated.phi is None else rotated.phi * np.outer(signs, signs)
    if phi is None or method == "pc":
        ss = (pattern ** 2).sum(axis=0)
    else:
        ss = np.diag(phi @ pattern.T @ pattern)
    order = np.argsort(-ss, kind="stable")
    return rot.Rotation(pattern[:, order], (rotated.rotmat * signs)[:, order],
                        None if phi is None else phi[np.ix_(order, order)], rotated.converged)


# ----------------------------------------------------------------------- tables and flags

def variance_table(values: np.ndarray, extracted: np.ndarray, rotated: np.ndarray,
                   phi: np.ndarray | None) -> list[dict]:
    """SPSS "Total Variance Explained": one row per component of R.

    ``initial_*``: eigenvalues of R, their % of p and cumulative %; ``extraction_*``: column sums
    of squared unrotated loadings (for components the first k eigenvalues); ``rotation_*``:
    column sums of squared rotated loadings.  For oblique rotations the rotation sums are
    ``diag(Phi L'L)`` (psych's ``Vaccounted``) and, as SPSS, no % is given because they
    overlap.  Rows beyond k have ``None`` in the extraction and rotation columns.
    R: ``eigen(R)$values``; ``psych::principal(...)$Vaccounted``.
    """
    p = len(values)
    k = extracted.shape[1]
    extraction_ss = (extracted ** 2).sum(axis=0)
    rotation_ss = (rotated ** 2).sum(axis=0) if phi is None else np.diag(phi @ rotated.T @ rotated)
    rows = []
    for j in range(p):
        row = {"component": j + 1, "initial_total": float(values[j]),
               "initial_pct": float(100 * values[j] / p),
               "initial_cum_pct": float(100 * values[: j + 1].sum() / p)}
        inside = j < k
        row["extraction_total"] = float(extraction_ss[j]) if inside else None
        row["extraction_pct"] = float(100 * extraction_ss[j] / p) if inside else None
        row["extraction_cum_pct"] = (float(100 * extraction_ss[: j + 1].sum() / p)
                                     if inside else None)
        row["rotation_total"] = float(rotation_ss[j]) if inside else None
        orthogonal = inside and phi is None
        row["rotation_pct"] = float(100 * rotation_ss[j] / p) if orthogonal else None
        row["rotation_cum_pct"] = (float(100 * rotation_ss[: j + 1].sum() / p)
                                   if orthogonal else None)
        rows.append(row)
    return rows


def sort_loadings(loadings: pd.DataFrame) -> pd.DataFrame:
    """Rows grouped by the factor of their largest |loading|, largest first within a factor.

    SPSS *Options: Sorted by size*; R: ``psych::fa.sort(f)``.
    """
    values = loadings.to_numpy()
    primary = np.abs(values).argmax(axis=1)
    size = np.abs(values).max(axis=1)
    order = np.lexsort((-size, primary))
    return loadings.iloc[order]


def cross_loading_items(loadings: pd.DataFrame, cutoff: float = LOADING_CUTOFF) -> dict[str, list[int]]:
    """Items with |loading| >= ``cutoff`` on two or more factors -> those factors (1-based)."""
    out = {}
    for item, row in loadings.iterrows():
        salient = [j + 1 for j, v in enumerate(row.to_numpy()) if abs(v) >= cutoff]
        if len(salient) >= 2:
            out[item] = salient
    return out


def misplaced_items(loadings: pd.DataFrame, mapping: Mapping[str, Sequence[str]]) -> list[dict]:
    """Items whose main factor (largest |loading|) differs from their construct's majority.

    A construct's factor is the main factor of most of its items (ties: the factor with the
    larger sum of |loading| over the construct's items).  Returns
    ``{item, construct, factor, construct_factor}`` with 1-based factor numbers.
    """
    primary = {item: int(np.abs(row.to_numpy()).argmax()) for item, row in loadings.iterrows()}
    out = []
    for construct, items in mapping.items():
        present = [item for item in items if item in primary]
        if not present:
            continue
        counts = Counter(primary[item] for item in present)
        top = max(counts.values())
        tied = [f for f, c in counts.items() if c == top]
        majority = max(tied, key=lambda f: loadings.loc[present].iloc[:, f].abs().sum())
        out.extend({"item": item, "construct": construct, "factor": primary[item] + 1,
                    "construct_factor": majority + 1}
                   for item in present if primary[item] != majority)
    return out


# ----------------------------------------------------------------------------------- the EFA

@dataclass(frozen=True)
class EFAResult:
    """One EFA: retention counts, the rotated solution and the SPSS variance table."""

    items: tuple[str, ...]
    n: int
    eigenvalues: np.ndarray
    kaiser_n_factors: int
    parallel: ParallelAnalysis | None
    n_factors: int
    method: str
    rotation: str
    unrotated: pd.DataFrame
    loadings: pd.DataFrame
    communalities: pd.Series
    factor_correlations: pd.DataFrame | None
    variance_table: list[dict]
    flags: tuple[dict, ...]
    diagnostics: tuple[Diagnostic, ...] = ()
    n_factors_rule: str = "constructs"   # what set n_factors: "constructs", "requested" or "capped"

    @property
    def parallel_n_factors(self) -> int | None:
        """The parallel-analysis count of the kind extracted: components for ``pc``, else factors."""
        if self.parallel is None:
            return None
        return self.parallel.n_components if self.method == "pc" else self.parallel.n_factors

    @property
    def variance_explained_cum(self) -> list[float]:
        """Cumulative proportion of total variance after rotation (psych ``Cumulative Var``).

        For oblique rotations the rotated sums of squares overlap; this is psych's figure
        ``cumsum(diag(Phi L'L)) / p`` all the same.
        """
        totals = [row["rotation_total"] for row in self.variance_table[: self.n_factors]]
        return [float(v) for v in np.cumsum(totals) / len(self.items)] if totals else []

    def plain_form(self) -> dict:
        """``results.json`` ``efa``; loadings sorted by factor; diagnostics go to ``warnings``."""
        return {
            "n": self.n,
            "eigenvalues": self.eigenvalues,
            "kaiser_n_factors": self.kaiser_n_factors,
            "parallel_n_factors": self.parallel_n_factors,
            "parallel": self.parallel,
            "n_factors": self.n_factors,
            "n_factors_rule": self.n_factors_rule,
            "method": self.method,
            "rotation": self.rotation,
            "variance_explained_cum": self.variance_explained_cum,
            "variance_table": self.variance_table,
            "loadings": dict(zip(self.loadings.index, self.loadings.to_numpy())),
            "communalities": dict(self.communalities),
            "factor_correlations": None if self.factor_correlations is None else self.factor_correlations.to_numpy(),
            "flags": self.flags,
        }


def _max_factors(p: int, method: str) -> int:
    """Most factors that can be extracted: p components, or the Ledermann bound for factors."""
    if method == "pc":
        return p
    return max(k for k in range(p) if (p - k) ** 2 >= p + k) if p >= 3 else 0


def _empty_efa(items: list[str], n: int, method: str, rotation: str,
               diagnostics: list[Diagnostic]) -> EFAResult:
    """The result when no factor can be extracted: counts 0, empty matrices, the diagnostics."""
    empty = pd.DataFrame(index=items, columns=[], dtype=float)
    return EFAResult(items=tuple(items), n=n, eigenvalues=np.empty(0), kaiser_n_factors=0,
                     parallel=None, n_factors=0, method=method, rotation=rotation,
                     unrotated=empty, loadings=empty, communalities=pd.Series(dtype=float),
                     factor_correlations=None, variance_table=[], flags=(),
                     diagnostics=tuple(diagnostics))


def fit_efa(data: pd.DataFrame, mapping: Mapping[str, Sequence[str]],
            n_factors: int | None = None, method: str = "pc", rotation: str = "varimax",
            n_iter: int = 100, seed: int = 12345) -> EFAResult:
    """EFA of the mapped items on listwise-complete rows: retention, extraction, rotation, flags.

    ``n_factors`` defaults to the number of constructs in ``mapping`` (the structure the
    questionnaire was built for; ``n_factors_rule`` "constructs", "requested" when given, "capped"
    when cut to the maximum); the Kaiser and parallel-analysis counts are reported beside
    it and a Diagnostic notes when they disagree.  Constant and duplicated items are left out
    (:func:`analysis.psychometrics.factorability.usable_items`); ``n_factors`` is capped at p components or
    at the Ledermann bound ``(p - k)^2 >= p + k`` for common factors.  Flags: ``cross_loading``
    (>= 2 loadings >= .40), ``no_salient_loading`` (none >= .40), ``misplaced_item`` (main
    factor differs from the construct's majority).

    R: ``psych::principal(R, nfactors = k, rotate = "varimax")`` or
    ``psych::fa(R, nfactors = k, fm = method, rotate = rotation)``.
    """
    _require(method, METHODS, "extraction method")
    _require(rotation, ROTATIONS, "rotation")
    all_items = [item for items in mapping.values() for item in items]
    items, diagnostics = usable_items(numeric_items(data, all_items))
    diagnostics = list(diagnostics)
    complete = numeric_items(data, items).dropna()
    n, p = complete.shape
    wanted = len(mapping) if n_factors is None else int(n_factors)
    k = min(wanted, _max_factors(p, method))
    if k < 1 or p < 2 or n <= p:
        diagnostics.append(warn("efa_undefined", f"no EFA: {p} usable items and {n} complete "
                                f"rows (method {method} needs 2 items or more, more rows than "
                                "items and room for one factor)"))
        return _empty_efa(items, n, method, rotation, diagnostics)
    if k != wanted:
        diagnostics.append(warn("n_factors_capped", f"{wanted} factors requested but {p} usable "
                                f"items allow at most {k} with method {method}"))
    corr = correlation_matrix(complete).to_numpy()
    values = eigenvalues(corr)
    parallel = parallel_analysis(complete, n_iter=n_iter, seed=seed)
    extraction = extract_factors(corr, k, method)
    if not extraction.converged:
        diagnostics.append(warn("efa_not_converged", f"{method} extraction of {k} factors did "
                                "not converge; loadings are from the last iteration"))
    if method != "pc" and np.any(extraction.communalities >= 1 - _PSI_LOWER):
        heywood = [items[i] for i in np.flatnonzero(extraction.communalities >= 1 - _PSI_LOWER)]
        diagnostics.append(warn("heywood_case", f"communality at or above 1 for "
                                f"{', '.join(heywood)} ({method}, {k} factors)"))
    rotated = rotate_loadings(extraction.loadings, rotation, method)
    if not rotated.converged:
        diagnostics.append(warn("rotation_not_converged", f"{rotation} rotation did not converge"))
    kaiser = kaiser_n_factors(values)
    retained = parallel.n_components if method == "pc" else parallel.n_factors
    if kaiser != k or retained != k:
        diagnostics.append(warn("n_factors_disagree", f"{k} factors extracted; Kaiser's rule "
                                f"suggests {kaiser}, parallel analysis {retained}"))
    names = [f"{'PC' if method == 'pc' else 'F'}{j + 1}" for j in range(k)]
    loadings = sort_loadings(pd.DataFrame(rotated.loadings, index=items, columns=names))
    flags = [{"code": "cross_loading", "item": item, "factors": factors}
             for item, factors in cross_loading_items(loadings).items()]
    flags += [{"code": "no_salient_loading", "item": item}
              for item, row in loadings.iterrows() if row.abs().max() < LOADING_CUTOFF]
    flags += [{"code": "misplaced_item", **entry} for entry in misplaced_items(loadings, mapping)]
    phi = (None if rotated.phi is None else
           pd.DataFrame(rotated.phi, index=names, columns=names))
    return EFAResult(
        items=tuple(items), n=n, eigenvalues=values, kaiser_n_factors=kaiser, parallel=parallel,
        n_factors=k, n_factors_rule="capped" if k != wanted else "constructs" if n_factors is None else "requested",
        method=method, rotation=rotation,
        unrotated=pd.DataFrame(extraction.loadings, index=items, columns=names),
        loadings=loadings, communalities=pd.Series(extraction.communalities, index=items),
        factor_correlations=phi,
        variance_table=variance_table(values, extraction.loadings, rotated.loadings, rotated.phi),
        flags=tuple(flags), diagnostics=tuple(diagnostics))
