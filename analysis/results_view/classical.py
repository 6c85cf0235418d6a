"""The observed-score analyses of chapter 3: item analysis, correlations of the construct scores, regressions."""
from __future__ import annotations

from dataclasses import dataclass

from analysis.classical.item_analysis import ITEM_FLAGS, ITEM_TOTAL_R_MIN, ItemCriticalRatio
from analysis.results_view.reading import is_significant, mapping, number, records, text


def _strings(x) -> tuple[str, ...]:
    """The strings of ``x`` when it is a list, else none."""
    return tuple(v for v in x if isinstance(v, str)) if isinstance(x, list) else ()


@dataclass(frozen=True)
class ItemAnalysis:
    """The critical-ratio item analysis (rows as analysis made them); ``flagged`` are the items analysis flagged."""

    groups_pct: float | None
    n: int | None
    cut_low: float | None
    cut_high: float | None
    n_low: int | None
    n_high: int | None
    items: tuple[ItemCriticalRatio, ...]
    note: str | None
    item_total_r_min: float = ITEM_TOTAL_R_MIN

    @property
    def flagged(self) -> tuple[ItemCriticalRatio, ...]:
        return tuple(i for i in self.items if i.flags)


def read_item_analysis(d: dict) -> ItemAnalysis:
    return ItemAnalysis(
        number(d.get("groups_pct")), *(number(d.get(k)) for k in ("n", "cut_low", "cut_high", "n_low", "n_high")),
        tuple(ItemCriticalRatio(k, number(v.get("mean_high")), number(v.get("mean_low")), text(v.get("test")),
                                *(number(v.get(f)) for f in ("levene_pvalue", "cr_t", "cr_df", "cr_pvalue",
                                                             "item_total_r")),
                                tuple(f for f in _strings(v.get("flags")) if f in ITEM_FLAGS))
              for k, v in mapping(d.get("items")).items() if isinstance(v, dict)),
        text(d.get("note")))


@dataclass(frozen=True)
class Correlations:
    """Construct-score correlations (full symmetric matrices) and √AVE when the run asked for it."""

    method: str | None
    n: int | None
    constructs: tuple[str, ...]
    mean: dict[str, float | None]
    sd: dict[str, float | None]
    r: dict[str, dict[str, float | None]]
    pvalue: dict[str, dict[str, float | None]]
    sqrt_ave: dict[str, float | None] | None
    note: str | None

    @property
    def significant_pairs(self) -> tuple[tuple[str, str], ...]:
        """Pairs (lower triangle, instrument order) whose correlation is significant."""
        return tuple((a, b) for i, a in enumerate(self.constructs) for b in self.constructs[:i]
                     if is_significant(self.pvalue.get(a, {}).get(b)))

    def range_of_r(self) -> tuple[float, float] | None:
        values = [self.r[a][b] for i, a in enumerate(self.constructs) for b in self.constructs[:i]
                  if self.r.get(a, {}).get(b) is not None]
        return (min(values), max(values)) if values else None


def _matrix(d: dict) -> dict[str, dict[str, float | None]]:
    return {a: {b: number(v) for b, v in mapping(row).items()} for a, row in mapping(d).items()}


def read_correlations(d: dict) -> Correlations:
    constructs = _strings(d.get("constructs"))
    sqrt_ave = d.get("sqrt_ave")
    return Correlations(text(d.get("method")), number(d.get("n")), constructs,
                        {c: number(v) for c, v in mapping(d.get("mean")).items()},
                        {c: number(v) for c, v in mapping(d.get("sd")).items()},
                        _matrix(d.get("r")), _matrix(d.get("pvalue")),
                        {c: number(v) for c, v in sqrt_ave.items()} if isinstance(sqrt_ave, dict) else None,
                        text(d.get("note")))


@dataclass(frozen=True)
class Coefficient:
    term: str
    b: float | None
    se: float | None
    beta: float | None
    t: float | None
    pvalue: float | None
    ci_lower: float | None
    ci_upper: float | None
    vif: float | None
    tolerance: float | None

    @property
    def significant(self) -> bool:
        return is_significant(self.pvalue)


@dataclass(frozen=True)
class Step:
    terms: tuple[str, ...]
    r2: float | None
    delta_r2: float | None
    delta_f: float | None
    delta_df1: int | None
    delta_df2: int | None
    delta_pvalue: float | None


@dataclass(frozen=True)
class Regression:
    """One regression of a construct score; ``control_terms`` maps a control column to (question, option code)."""

    outcome: str
    predictors: tuple[str, ...]
    control_terms: dict[str, tuple[str, object]]
    n: int | None
    r2: float | None
    adj_r2: float | None
    f: float | None
    df1: int | None
    df2: int | None
    pvalue: float | None
    durbin_watson: float | None
    coefficients: tuple[Coefficient, ...]
    steps: tuple[Step, ...]
    vif_max: float | None
    high_vif: tuple[str, ...]
    note: str | None

    @property
    def significant(self) -> bool:
        return is_significant(self.pvalue)

    @property
    def significant_predictors(self) -> tuple[Coefficient, ...]:
        return tuple(c for c in self.coefficients if c.term in self.predictors and c.significant)

    @property
    def nonsignificant_predictors(self) -> tuple[Coefficient, ...]:
        return tuple(c for c in self.coefficients if c.term in self.predictors and not c.significant)


def read_regression(d: dict) -> Regression:
    return Regression(
        str(d.get("outcome")), _strings(d.get("predictors")),
        {t: (str(v.get("question")), v.get("code")) for t, v in mapping(d.get("control_terms")).items()
         if isinstance(v, dict)},
        *(number(d.get(k)) for k in ("n", "r2", "adj_r2", "f", "df1", "df2", "pvalue", "durbin_watson")),
        tuple(Coefficient(str(c.get("term")), *(number(c.get(k)) for k in ("b", "se", "beta", "t", "pvalue", "ci_lower",
                                                                              "ci_upper", "vif", "tolerance")))
              for c in records(d.get("coefficients"))),
        tuple(Step(_strings(s.get("terms")), *(number(s.get(k)) for k in ("r2", "delta_r2", "delta_f", "delta_df1",
                                                                            "delta_df2", "delta_pvalue")))
              for s in records(d.get("steps"))),
        number(d.get("vif_max")), tuple(str(f.get("term")) for f in records(d.get("flags"))
                                         if f.get("code") == "vif_above_max"),
        text(d.get("note")))
