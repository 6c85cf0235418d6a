"""Measurement quality: reliability, factorability, EFA, Harman's test, normality, CFA loadings, validity."""
from __future__ import annotations

import math
from dataclasses import dataclass

from analysis.psychometrics.common_method import HARMAN_THRESHOLDS
from analysis.psychometrics.efa import LOADING_CUTOFF
from analysis.psychometrics.factorability import KMO_MIN, SPHERICITY_ALPHA
from analysis.psychometrics.validity import LOADING_MIN
from analysis.results_view.fit import ModelFit, read_fit
from analysis.results_view.reading import is_significant, mapping, number, records, text


@dataclass(frozen=True)
class Flag:
    """A check analysis flagged: ``code`` (e.g. 'low_citc'), the item it concerns and the value."""

    code: str | None
    item: str | None
    value: float | None


@dataclass(frozen=True)
class ItemReliability:
    item: str
    citc: float | None
    alpha_if_deleted: float | None


@dataclass(frozen=True)
class ConstructReliability:
    alpha: float | None
    alpha_ci: tuple[float | None, float | None]
    omega: float | None
    cr: float | None
    ave: float | None
    n_items: int
    items: tuple[ItemReliability, ...]
    flags: tuple[Flag, ...]

    @property
    def low_alpha(self) -> bool:
        """Analysis flagged α below .70."""
        return any(f.code == "low_alpha" for f in self.flags)


def read_reliability(d: dict) -> ConstructReliability:
    ci = d.get("alpha_ci") if isinstance(d.get("alpha_ci"), list) and len(d["alpha_ci"]) == 2 else [None, None]
    items = mapping(d.get("items"))
    return ConstructReliability(
        number(d.get("alpha")), (number(ci[0]), number(ci[1])), number(d.get("omega")), number(d.get("cr")),
        number(d.get("ave")), len(items),
        tuple(ItemReliability(k, number(v.get("citc")), number(v.get("alpha_if_deleted")))
              for k, v in items.items() if isinstance(v, dict)),
        tuple(Flag(text(f.get("code")), text(f.get("item")), number(f.get("value"))) for f in records(d.get("flags"))))


# ---------------------------------------------------------------------------------------------- factor analysis
@dataclass(frozen=True)
class Factorability:
    kmo: float
    chisq: float | None
    df: int | None
    pvalue: float | None

    @property
    def kmo_adequate(self) -> bool:
        return self.kmo >= KMO_MIN

    @property
    def suitable(self) -> bool:
        """KMO adequate and sphericity rejected."""
        return self.kmo_adequate and self.pvalue is not None and self.pvalue < SPHERICITY_ALPHA


def read_factorability(d: dict) -> Factorability | None:
    if number(d.get("kmo")) is None:
        return None
    b = mapping(d.get("bartlett"))
    return Factorability(d["kmo"], number(b.get("chisq")), number(b.get("df")), number(b.get("pvalue")))


@dataclass(frozen=True)
class FactorVariance:
    """One row of SPSS's 'total variance explained': initial eigenvalue and the rotated sums of squares."""

    factor: int | None
    eigenvalue: float | None
    pct_variance: float | None
    cum_pct: float | None
    ss_loadings: float | None
    rotated_pct_variance: float | None


@dataclass(frozen=True)
class Efa:
    eigenvalues: tuple[float, ...]
    parallel_eigenvalues: tuple[float, ...]
    parallel_n_factors: int | None
    n_factors: int | None
    method: str | None
    rotation: str | None
    variance_explained: float | None
    variance: tuple[FactorVariance, ...]
    loadings: dict[str, list]
    kaiser_n_factors: int | None = None
    n_factors_rule: str | None = None   # analysis' reason for n_factors: constructs, requested, capped

    @staticmethod
    def shown(loading) -> bool:
        """Whether a rotated loading is large enough to be listed."""
        return number(loading) is not None and abs(loading) >= LOADING_CUTOFF


def read_efa(d: dict) -> Efa:
    n_factors = d.get("n_factors") if isinstance(d.get("n_factors"), int) else None
    components = d.get("method") == "pc"
    parallel = mapping(d.get("parallel")).get("simulated_pc" if components else "simulated_fa")
    cum = d.get("variance_explained_cum")
    cum = cum[-1] if isinstance(cum, list) and cum else cum
    variance = tuple(FactorVariance(*(number(row.get(k)) for k in ("component", "initial_total", "initial_pct",
                                                                    "initial_cum_pct", "rotation_total", "rotation_pct")))
                     for row in records(d.get("variance_table"))[:n_factors])
    return Efa(tuple(e for e in d.get("eigenvalues") or [] if number(e) is not None),
               tuple(e for e in parallel or [] if number(e) is not None), number(d.get("parallel_n_factors")),
               n_factors, text(d.get("method")), text(d.get("rotation")), number(cum), variance,
               mapping(d.get("loadings")), number(d.get("kaiser_n_factors")), text(d.get("n_factors_rule")))


@dataclass(frozen=True)
class CommonMethod:
    """Harman's single-factor test: the first unrotated factor's share of the variance (%) and the thresholds
    analysis found it above."""

    harman_pct: float
    above: tuple[float, ...]

    @property
    def concern(self) -> bool:
        """Above the highest threshold (50%, Podsakoff et al. 2003)."""
        return HARMAN_THRESHOLDS[-1] in self.above


@dataclass(frozen=True)
class Normality:
    """Mardia's test of multivariate kurtosis."""

    kurtosis_pvalue: float

    @property
    def rejected(self) -> bool:
        return is_significant(self.kurtosis_pvalue)


# ---------------------------------------------------------------------------------------------- CFA
@dataclass(frozen=True)
class Loading:
    construct: str | None
    item: str | None
    est: float | None
    se: float | None
    z: float | None
    pvalue: float | None
    std_all: float | None

    @property
    def low(self) -> bool:
        return self.std_all is not None and self.std_all < LOADING_MIN


@dataclass(frozen=True)
class Cfa:
    converged: bool | None
    fit: ModelFit | None
    loadings: tuple[Loading, ...]
    #: squared multiple correlation of each item (``cfa.item_r2``)
    item_r2: dict[str, float | None]


def read_cfa(d: dict) -> Cfa:
    loadings = tuple(Loading(text(ld.get("lhs")), ld.get("rhs"), number(ld.get("est")), number(ld.get("se")),
                             number(ld.get("z")), number(ld.get("pvalue")), number(ld.get("std_all")))
                     for ld in records(d.get("loadings")) if ld.get("op", "=~") == "=~")
    return Cfa(d.get("converged") if isinstance(d.get("converged"), bool) else None, read_fit(d), loadings,
               {item: number(v) for item, v in mapping(d.get("item_r2")).items()})


# ---------------------------------------------------------------------------------------------- validity
def _pair(matrix: dict, a: str, b: str):
    """``matrix[a][b]``, or ``matrix[b][a]`` for the other triangle."""
    v = mapping(matrix.get(a)).get(b)
    return v if v is not None else mapping(matrix.get(b)).get(a)


@dataclass(frozen=True)
class ValidityFlag:
    """A validity check analysis flagged (analysis.psychometrics.validity.ValidityFlag)."""

    code: str | None
    lhs: str | None
    rhs: str | None


@dataclass(frozen=True)
class Validity:
    """Convergent and discriminant validity over the constructs (instrument order)."""

    constructs: tuple[str, ...]
    cr: dict[str, float | None]
    ave: dict[str, float | None]
    sqrt_ave: dict[str, float | None]
    latent_cor: dict
    htmt: dict
    flags: tuple[ValidityFlag, ...] | None  # None: analysis did not check validity

    @property
    def checked(self) -> bool:
        return self.flags is not None

    def correlation(self, a: str, b: str):
        return _pair(self.latent_cor, a, b)

    def htmt_of(self, a: str, b: str):
        return _pair(self.htmt, a, b)

    def _pairs(self):
        """Each pair once, the later construct first (the lower triangle of the matrices)."""
        return [(a, b) for i, a in enumerate(self.constructs) for b in self.constructs[:i]]

    def _flagged(self, *codes: str) -> set[frozenset]:
        return {frozenset((f.lhs, f.rhs)) for f in self.flags or () if f.code in codes}

    @property
    def fornell_larcker_failures(self) -> list[tuple[str, str]]:
        """Pairs analysis flagged: |latent correlation| above the square root of either AVE (Fornell & Larcker 1981)."""
        flagged = self._flagged("fornell_larcker")
        return [(a, b) for a, b in self._pairs() if frozenset((a, b)) in flagged]

    @property
    def htmt_failures(self) -> list[tuple[str, str, float]]:
        """Pairs analysis flagged above Henseler et al.'s (2015) strict .85, with their HTMT."""
        flagged = self._flagged("htmt_above_085", "htmt_above_090")
        return [(a, b, self.htmt_of(a, b)) for a, b in self._pairs() if frozenset((a, b)) in flagged]

    @property
    def low_ave(self) -> list[str]:
        """Constructs analysis flagged with an AVE below .50."""
        flagged = {f.lhs for f in self.flags or () if f.code == "ave_below_050"}
        return [c for c in self.constructs if c in flagged]

    @property
    def low_cr(self) -> list[str]:
        """Constructs analysis flagged with a CR below .70."""
        flagged = {f.lhs for f in self.flags or () if f.code == "cr_below_070"}
        return [c for c in self.constructs if c in flagged]


def read_validity(constructs: tuple[str, ...], reliability: dict, validity: dict, cfa: dict) -> Validity:
    def first(key: str, c: str):
        v = number(mapping(reliability.get(c)).get(key))
        return v if v is not None else number(mapping(validity.get(key)).get(c))

    cr = {c: first("cr", c) for c in constructs}
    ave = {c: first("ave", c) for c in constructs}
    fl = mapping(validity.get("fornell_larcker"))
    sqrt_ave = {c: number(_pair(fl, c, c)) if number(_pair(fl, c, c)) is not None else
                (math.sqrt(ave[c]) if ave[c] is not None and ave[c] >= 0 else None) for c in constructs}
    flags = (tuple(ValidityFlag(text(f.get("code")), text(f.get("lhs")), text(f.get("rhs")))
                   for f in records(validity["flags"])) if isinstance(validity.get("flags"), list) else None)
    return Validity(constructs, cr, ave, sqrt_ave, mapping(validity.get("latent_cor")) or mapping(cfa.get("latent_cor")),
                    mapping(validity.get("htmt")), flags)
