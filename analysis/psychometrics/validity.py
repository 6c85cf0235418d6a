"""Convergent and discriminant validity: CR, AVE, the Fornell–Larcker table, HTMT and HTMT2."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.diagnostics import Diagnostic, warn
from analysis.numbers import numeric_column
from analysis.results import plain_fields
from questionnaire.errors import input_error

AVE_MIN = 0.50
CR_MIN = 0.70
LOADING_MIN = 0.50
HTMT_STRICT = 0.85
HTMT_LIBERAL = 0.90


def composite_reliability(loadings: Sequence[float]) -> float:
    """Composite (construct) reliability from standardized loadings λ of one construct.

    CR = (Σλ)² / ((Σλ)² + Σ(1 − λ²)), errors uncorrelated (Fornell & Larcker 1981, *JMR* 18, 39–50).
    This equals semTools' model-based ω for the same congeneric CFA fitted to standardized items:
    ``semTools::compRelSEM(cfa(model, data, std.ov = TRUE), obs.var = FALSE)``. On the raw metric
    semTools weights items by their variances and differs: on HolzingerSwineford1939 by up to
    1.4e-2 (``compRelSEM(fit)``, observed variances) and 3.6e-3 (``obs.var = FALSE``); see
    tests/fixtures/validity_hs.R.
    NaN for fewer than two loadings (semTools ``dropSingle = TRUE``).
    """
    lam = np.asarray(loadings, dtype=float)
    if lam.size < 2:
        return float("nan")
    common = lam.sum() ** 2
    return float(common / (common + np.sum(1.0 - lam**2)))


def average_variance_extracted(loadings: Sequence[float]) -> float:
    """Average variance extracted from standardized loadings λ of one construct: AVE = Σλ² / k.

    Fornell & Larcker (1981). Equals ``semTools::AVE(cfa(model, data, std.ov = TRUE), obs.var = FALSE)``;
    ``semTools::AVE(fit)`` on the raw metric is Σλ_raw²ψ / Σ var(x) and differs slightly (up to 5e-3
    on HolzingerSwineford1939, either ``obs.var``). NaN for fewer than two loadings (semTools ``dropSingle = TRUE``).
    """
    lam = np.asarray(loadings, dtype=float)
    if lam.size < 2:
        return float("nan")
    return float(np.mean(lam**2))


def item_correlations(data: pd.DataFrame, items: Sequence[str]) -> pd.DataFrame:
    """Pearson correlations of ``items`` on the rows complete for all of them (listwise).

    R: ``lavaan::lavCor(data[, items], missing = "listwise")`` (what ``semTools::htmt`` uses).
    A constant item, or fewer than two complete rows, gives NaN correlations (the diagonal stays 1).
    """
    absent = [i for i in items if i not in data.columns]
    if absent:
        raise input_error("item not in the data", column=absent[0], allowed=", ".join(map(str, data.columns)))
    x = np.column_stack([numeric_column(data[i], i) for i in items])
    x = x[~np.isnan(x).any(axis=1)]
    if x.shape[0] < 2:
        r = np.full((len(items), len(items)), np.nan)
    else:
        xc = x - x.mean(axis=0)
        ss = np.sqrt(np.sum(xc**2, axis=0))
        with np.errstate(invalid="ignore", divide="ignore"):
            r = (xc.T @ xc) / np.outer(ss, ss)
    np.fill_diagonal(r, 1.0)
    return pd.DataFrame(r, index=list(items), columns=list(items))


def _mean(values: np.ndarray, geometric: bool) -> float:
    """Arithmetic or geometric mean of absolute correlations; NaN if empty or any is NaN."""
    if values.size == 0 or np.isnan(values).any():
        return float("nan")
    if geometric:
        return 0.0 if np.any(values == 0) else float(np.exp(np.mean(np.log(values))))
    return float(np.mean(values))


def _htmt_matrix(r: np.ndarray, pos: dict[str, np.ndarray], geometric: bool) -> dict[str, dict[str, float]]:
    mono = {c: _mean(r[np.ix_(ix, ix)][np.triu_indices(ix.size, 1)], geometric) for c, ix in pos.items()}
    out: dict[str, dict[str, float]] = {}
    for a, ia in pos.items():
        out[a] = {}
        for b, ib in pos.items():
            denom = math.sqrt(mono[a] * mono[b])
            hetero = denom if a == b else _mean(r[np.ix_(ia, ib)].ravel(), geometric)
            out[a][b] = hetero / denom if denom > 0 else float("nan")
    return out


@dataclass(frozen=True)
class HtmtResult:
    """HTMT and HTMT2 matrices {A: {B: v}} (diagonal 1) and the reasons for any NaN."""

    htmt: dict[str, dict[str, float]]
    htmt2: dict[str, dict[str, float]]
    diagnostics: tuple[Diagnostic, ...] = ()


def htmt(corr: pd.DataFrame, measurement: Mapping[str, Sequence[str]]) -> HtmtResult:
    """Heterotrait–monotrait ratios HTMT and HTMT2 for every pair of constructs, from item correlations.

    HTMT_ij = mean|r| over the heterotrait–heteromethod block (items of i × items of j) divided by
    sqrt(mean|r| within i × mean|r| within j), the monotrait means taken over the off-diagonal
    pairs (Henseler, Ringle & Sarstedt 2015, *JAMS* 43, 115–135). HTMT2 uses geometric means
    throughout (Roemer, Schuberth & Henseler 2021, *IMDS* 121, 2637–2650).
    Absolute correlations are used, as ``semTools::htmt`` does by default (``absolute = TRUE``;
    for HTMT2 always); negative correlations are reported as a Diagnostic (a reverse-keyed item
    not recoded?). Single-item constructs, and items with an undefined correlation (a constant
    item), give NaN with a Diagnostic.
    R: ``semTools::htmt(model, data, htmt2 = FALSE)`` (HTMT) / ``htmt2 = TRUE`` (HTMT2).
    """
    items = [i for its in measurement.values() for i in its]
    absent = [i for i in items if i not in corr.index]
    if absent:
        raise input_error("item not in the correlation matrix", column=absent[0],
                          allowed=", ".join(map(str, corr.index)))
    r = corr.loc[items, items].to_numpy(dtype=float)
    upper = np.triu_indices(len(items), 1)
    diags: list[Diagnostic] = []
    neg = [f"{items[i]}-{items[j]}" for i, j in zip(*upper) if r[i, j] < 0]
    if neg:
        shown = ", ".join(neg[:5]) + (" ..." if len(neg) > 5 else "")
        diags.append(warn("htmt_negative_correlation",
                          f"HTMT: {len(neg)} negative item correlation(s) ({shown}); absolute values used, "
                          f"as semTools does; check that reverse-keyed items were recoded"))
    undefined = sorted({items[k] for i, j in zip(*upper) if np.isnan(r[i, j]) for k in (i, j)})
    if undefined:
        diags.append(warn("htmt_undefined_correlation",
                          f"HTMT: correlations of {', '.join(undefined)} are undefined (constant item?); "
                          f"ratios involving their constructs are NaN"))
    single = [c for c, its in measurement.items() if len(its) < 2]
    if single:
        diags.append(warn("htmt_single_item",
                          f"HTMT: construct(s) {', '.join(single)} have one item, hence no monotrait "
                          f"correlation; their ratios are NaN"))
    pos, start = {}, 0
    for c, its in measurement.items():
        pos[c] = np.arange(start, start + len(its))
        start += len(its)
    r = np.abs(r)
    return HtmtResult(_htmt_matrix(r, pos, False), _htmt_matrix(r, pos, True), tuple(diags))


@dataclass(frozen=True)
class ValidityFlag:
    """A validity criterion not met: ``code`` names it, ``lhs``/``rhs`` the construct(s) or item."""

    code: str
    lhs: str
    rhs: str | None
    value: float
    threshold: float


def fornell_larcker(ave: Mapping[str, float], latent_cor: pd.DataFrame | Mapping[str, Mapping[str, float]]
                    ) -> tuple[dict[str, dict[str, float]], list[ValidityFlag]]:
    """Fornell–Larcker table: √AVE on the diagonal, latent correlations off it, and the violations.

    Discriminant validity requires √AVE_i > |φ_ij| for every j (Fornell & Larcker 1981); a pair is
    flagged ``fornell_larcker`` (lhs, rhs) when |φ_ij| exceeds √AVE of either construct.
    """
    phi = latent_cor if isinstance(latent_cor, pd.DataFrame) else pd.DataFrame(latent_cor).T
    cons = list(ave)
    absent = [c for c in cons if c not in phi.index or c not in phi.columns]
    if absent:
        raise input_error("construct not in the latent correlation matrix", column=absent[0],
                          allowed=", ".join(map(str, phi.index)))
    root = {c: math.sqrt(ave[c]) for c in cons}
    table = {a: {b: root[a] if a == b else float(phi.loc[a, b]) for b in cons} for a in cons}
    flags = []
    for ia, a in enumerate(cons):
        for b in cons[ia + 1:]:
            v = abs(float(phi.loc[a, b]))
            bounds = [x for x in (root[a], root[b]) if not math.isnan(x)]
            if bounds and v > min(bounds):
                flags.append(ValidityFlag("fornell_larcker", a, b, v, min(bounds)))
    return table, flags


@dataclass(frozen=True)
class ValidityResult:
    """Everything of ``results.json`` ``validity`` except ``latent_cor`` (added from the CFA)."""

    htmt: dict[str, dict[str, float]]
    htmt2: dict[str, dict[str, float]]
    fornell_larcker: dict[str, dict[str, float]]
    cr: dict[str, float]
    ave: dict[str, float]
    flags: tuple[ValidityFlag, ...]
    diagnostics: tuple[Diagnostic, ...] = ()

    def plain_form(self) -> dict:
        """``results.json`` ``validity`` less ``latent_cor``; diagnostics go to ``results.warnings``."""
        return plain_fields(self, without=("diagnostics",))


def _htmt_flags(matrix: dict[str, dict[str, float]], name: str) -> list[ValidityFlag]:
    flags = []
    cons = list(matrix)
    for ia, a in enumerate(cons):
        for b in cons[ia + 1:]:
            v = matrix[a][b]
            if v > HTMT_LIBERAL:
                flags.append(ValidityFlag(f"{name}_above_090", a, b, v, HTMT_LIBERAL))
            elif v > HTMT_STRICT:
                flags.append(ValidityFlag(f"{name}_above_085", a, b, v, HTMT_STRICT))
    return flags


def assess_validity(data: pd.DataFrame, measurement: Mapping[str, Sequence[str]],
                    std_loadings: Mapping[str, Mapping[str, float]],
                    latent_cor: pd.DataFrame | Mapping[str, Mapping[str, float]]) -> ValidityResult:
    """CR, AVE, Fornell–Larcker, HTMT and HTMT2 with their flags.

    ``data`` holds the item answers (reverse-keyed items already recoded), ``measurement`` maps
    construct -> item ids, ``std_loadings`` construct -> {item: standardized loading (lavaan std_all)},
    ``latent_cor`` the CFA's latent correlation matrix. Flags: ``ave_below_050`` (AVE < .50),
    ``cr_below_070`` (CR < .70), ``loading_below_050`` (std loading < .50, lhs construct, rhs item),
    ``fornell_larcker``, ``htmt_above_085`` / ``htmt_above_090`` and the same for ``htmt2``
    (Henseler et al. 2015: .85 strict, .90 liberal). HTMT uses the listwise item correlations
    (:func:`item_correlations`), as ``semTools::htmt`` does by default.
    """
    missing = [c for c in measurement if c not in std_loadings]
    if missing:
        raise input_error("construct has no standardized loadings", column=missing[0],
                          allowed=", ".join(map(str, std_loadings)))
    diags: list[Diagnostic] = []
    flags: list[ValidityFlag] = []
    cr, ave = {}, {}
    for c in measurement:
        lam = std_loadings[c]
        cr[c] = composite_reliability(list(lam.values()))
        ave[c] = average_variance_extracted(list(lam.values()))
        if len(lam) < 2:
            diags.append(warn("validity_single_item",
                              f"construct {c} has {len(lam)} indicator(s): CR and AVE are not defined (NaN)"))
        for item, v in lam.items():
            if abs(v) >= 1 and len(lam) > 1:  # a single indicator's loading is 1 by construction
                diags.append(warn("validity_loading_ge_1",
                                  f"standardized loading of {item} on {c} is {v:.3f} (|λ| ≥ 1, Heywood case); "
                                  f"CR and AVE of {c} are not interpretable"))
            if v < LOADING_MIN:
                flags.append(ValidityFlag("loading_below_050", c, item, v, LOADING_MIN))
        if ave[c] < AVE_MIN:
            flags.append(ValidityFlag("ave_below_050", c, None, ave[c], AVE_MIN))
        if cr[c] < CR_MIN:
            flags.append(ValidityFlag("cr_below_070", c, None, cr[c], CR_MIN))
    fl_table, fl_flags = fornell_larcker(ave, latent_cor)
    flags.extend(fl_flags)
    corr = item_correlations(data, [i for its in measurement.values() for i in its])
    ratios = htmt(corr, measurement)
    diags.extend(ratios.diagnostics)
    flags.extend(_htmt_flags(ratios.htmt, "htmt"))
    flags.extend(_htmt_flags(ratios.htmt2, "htmt2"))
    return ValidityResult(ratios.htmt, ratios.htmt2, fl_table, cr, ave, tuple(flags), tuple(diags))
