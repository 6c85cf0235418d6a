"""Item descriptives as SPSS prints them, construct mean scores and the sample profile.

Every item statistic is computed on the item's own non-missing values (available-case analysis,
as SPSS *Descriptives/Frequencies* and ``psych::describe`` do).
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.diagnostics import Diagnostic, warn
from analysis.numbers import numeric_column, plain_scalar
from analysis.results import plain_fields
from questionnaire.errors import input_error

#: Kline (2016, p. 76): |skewness| below 3 and |kurtosis| below 10 are close enough to normal for ML estimation.
SKEW_LIMIT, KURTOSIS_LIMIT = 3.0, 10.0


# --------------------------------------------------------------------------- univariate moments

def skewness_g1(x: Sequence[float] | np.ndarray) -> float:
    """Adjusted Fisher–Pearson skewness G1, the figure SPSS prints as *Skewness*.

    G1 = sqrt(n(n-1))/(n-2) · m3/m2^(3/2), with central moments m_k = Σ(x-x̄)^k/n.
    Joanes & Gill (1998), "Comparing measures of sample skewness and kurtosis", *The Statistician* 47, 183–189.
    NaN when n < 3 or the values are constant.
    R: ``psych::skew(x, type = 2)`` or ``e1071::skewness(x, type = 2)``.
    """
    x = np.asarray(x, dtype=float)
    n = x.size
    if n < 3:
        return float("nan")
    d = x - x.mean()
    m2 = np.mean(d**2)
    if m2 == 0:
        return float("nan")
    g1 = np.mean(d**3) / m2**1.5
    return float(math.sqrt(n * (n - 1)) / (n - 2) * g1)


def kurtosis_g2(x: Sequence[float] | np.ndarray) -> float:
    """Adjusted excess kurtosis G2, the figure SPSS prints as *Kurtosis*.

    G2 = (n-1)/((n-2)(n-3)) · ((n+1)·g2 + 6), with g2 = m4/m2² − 3.
    Joanes & Gill (1998). NaN when n < 4 or the values are constant.
    R: ``psych::kurtosi(x, type = 2)`` or ``e1071::kurtosis(x, type = 2)``.
    """
    x = np.asarray(x, dtype=float)
    n = x.size
    if n < 4:
        return float("nan")
    d = x - x.mean()
    m2 = np.mean(d**2)
    if m2 == 0:
        return float("nan")
    g2 = np.mean(d**4) / m2**2 - 3.0
    return float((n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * g2 + 6.0))


def se_skewness(n: int) -> float:
    """Standard error of G1 as SPSS prints it: SES = sqrt(6n(n-1) / ((n-2)(n+1)(n+3))).

    The exact SE of G1 under normality (Cramér 1946; IBM SPSS Statistics Algorithms, DESCRIPTIVES).
    NaN when n < 3.  R: ``sqrt(6*n*(n-1)/((n-2)*(n+1)*(n+3)))``.
    """
    if n < 3:
        return float("nan")
    return math.sqrt(6.0 * n * (n - 1) / ((n - 2) * (n + 1) * (n + 3)))


def se_kurtosis(n: int) -> float:
    """Standard error of G2 as SPSS prints it: SEK = 2·SES·sqrt((n²-1) / ((n-3)(n+5))).

    IBM SPSS Statistics Algorithms, DESCRIPTIVES. NaN when n < 4.
    R: ``2*ses*sqrt((n^2-1)/((n-3)*(n+5)))``.
    """
    if n < 4:
        return float("nan")
    return 2.0 * se_skewness(n) * math.sqrt((n * n - 1.0) / ((n - 3) * (n + 5)))


def scale_point_shares(x: Sequence[float] | np.ndarray, scale_min: int, scale_max: int) -> dict[int, float]:
    """Share of the non-missing answers at each scale point scale_min..scale_max (zero counts included).

    Values that are not a scale point are in the denominator but in no share, so the shares then sum
    to less than 1. R: ``prop.table(table(factor(x, levels = scale_min:scale_max)))``.
    """
    x = np.asarray(x, dtype=float)
    n = x.size
    return {k: (float(np.count_nonzero(x == k)) / n if n else float("nan"))
            for k in range(int(scale_min), int(scale_max) + 1)}


# --------------------------------------------------------------------------- item table

@dataclass(frozen=True)
class ItemDescriptives:
    """One row of the item table: SPSS *Descriptives* plus median, range and scale-point shares."""

    item: str
    n: int
    mean: float
    sd: float
    median: float
    skew: float
    se_skew: float
    kurtosis: float
    se_kurtosis: float
    min: float
    max: float
    shares: dict[int, float]


@dataclass(frozen=True)
class ConstructScore:
    """Mean score of a construct: per respondent the mean of the construct's answered items."""

    construct: str
    n: int
    mean: float
    sd: float


@dataclass(frozen=True)
class DescriptivesResult:
    """Item table and construct mean scores; ``diagnostics`` go to ``results.warnings``."""

    items: tuple[ItemDescriptives, ...]
    constructs: tuple[ConstructScore, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()

    def plain_form(self) -> dict:
        """``results.json`` ``descriptives``: rows keyed by item and by construct."""
        return {"items": {r.item: plain_fields(r, without=("item",)) for r in self.items},
                "constructs": {c.construct: plain_fields(c, without=("construct",)) for c in self.constructs}}


def _scale_of(item: str, scale: tuple[int, int] | Mapping[str, tuple[int, int]]) -> tuple[int, int]:
    if isinstance(scale, Mapping):
        if item not in scale:
            raise input_error("no scale given for item", column=item, allowed="an entry in `scale`")
        lo, hi = scale[item]
    else:
        lo, hi = scale
    if not lo < hi:
        raise input_error("scale minimum must be below maximum", column=item, value=(lo, hi))
    return int(lo), int(hi)


def describe_item(values: pd.Series, scale: tuple[int, int] | Mapping[str, tuple[int, int]],
                  item: str | None = None) -> tuple[ItemDescriptives, list[Diagnostic]]:
    """Descriptives of one item on its non-missing values, and the diagnostics they raise.

    mean; SD with n-1; median; G1 / G2 (:func:`skewness_g1`, :func:`kurtosis_g2`) with SPSS's SEs;
    min, max; :func:`scale_point_shares`.
    R: ``psych::describe(x, type = 2)`` (n, mean, sd, median, skew, kurtosis, min, max).
    """
    name = item or str(values.name)
    lo, hi = _scale_of(name, scale)
    x = numeric_column(values, name)
    x = x[~np.isnan(x)]
    n = x.size
    diags: list[Diagnostic] = []
    if n == 0:
        diags.append(warn("desc_no_data", f"item {name}: no non-missing values; statistics are NaN"))
    elif np.ptp(x) == 0:
        diags.append(warn("desc_constant_item",
                          f"item {name}: every answer is {x[0]:g}; SD is 0, skewness and kurtosis are NaN"))
    outside = x[(x < lo) | (x > hi) | (x != np.round(x))]
    if outside.size:
        diags.append(warn("desc_off_scale",
                          f"item {name}: {outside.size} value(s) are not points of the {lo}-{hi} scale "
                          f"(e.g. {outside[0]:g}); scale-point shares sum to less than 1"))
    nan = float("nan")
    row = ItemDescriptives(
        item=name, n=int(n),
        mean=float(x.mean()) if n else nan,
        sd=float(x.std(ddof=1)) if n > 1 else nan,
        median=float(np.median(x)) if n else nan,
        skew=skewness_g1(x), se_skew=se_skewness(n),
        kurtosis=kurtosis_g2(x), se_kurtosis=se_kurtosis(n),
        min=float(x.min()) if n else nan, max=float(x.max()) if n else nan,
        shares=scale_point_shares(x, lo, hi))
    return row, diags


def construct_mean_score(data: pd.DataFrame, items: Sequence[str]) -> pd.Series:
    """Per respondent the mean of the construct's answered items (NaN if none answered).

    R: ``rowMeans(data[, items], na.rm = TRUE)``.
    """
    missing = [i for i in items if i not in data.columns]
    if missing:
        raise input_error("item not in the data", column=missing[0], allowed=", ".join(map(str, data.columns)))
    block = pd.DataFrame({i: numeric_column(data[i], i) for i in items}, index=data.index)
    return block.mean(axis=1, skipna=True)


def describe_items(data: pd.DataFrame, scale: tuple[int, int] | Mapping[str, tuple[int, int]],
                   measurement: Mapping[str, Sequence[str]] | None = None) -> DescriptivesResult:
    """Item table (:func:`describe_item` per item) and, given ``measurement``, construct mean scores.

    ``scale`` is one (min, max) for all items or a mapping item -> (min, max). ``measurement`` maps
    construct -> item ids; without it every column of ``data`` is described and no score is formed.
    Construct score SD uses n-1 over respondents with at least one answered item.
    R: ``psych::describe(data, type = 2)``; scores ``rowMeans(data[, items], na.rm = TRUE)``.
    """
    if measurement is None:
        item_ids = list(data.columns)
    else:
        item_ids = list(dict.fromkeys(i for its in measurement.values() for i in its))
    absent = [i for i in item_ids if i not in data.columns]
    if absent:
        raise input_error("item not in the data", column=absent[0], allowed=", ".join(map(str, data.columns)))
    rows, diags = [], []
    for item in item_ids:
        row, d = describe_item(data[item], scale, str(item))
        rows.append(row)
        diags.extend(d)
    scores = []
    for construct, its in (measurement or {}).items():
        s = construct_mean_score(data, its).dropna().to_numpy()
        if len(its) == 1:
            diags.append(warn("desc_single_item_construct",
                              f"construct {construct} has one item; its mean score is that item"))
        scores.append(ConstructScore(construct, int(s.size),
                                     float(s.mean()) if s.size else float("nan"),
                                     float(s.std(ddof=1)) if s.size > 1 else float("nan")))
    return DescriptivesResult(tuple(rows), tuple(scores), tuple(diags))


# --------------------------------------------------------------------------- sample profile

@dataclass(frozen=True)
class CategoryCount:
    """One answer option: count, % of all respondents, % of respondents who answered the question."""

    code: object
    label: str
    count: int
    percent: float
    valid_percent: float


@dataclass(frozen=True)
class FrequencyTable:
    """SPSS-style frequency table of one categorical question; missing answers counted separately.

    For a multiple-choice question (``kind == "multiple"``) percentages are of respondents (cases),
    so they may sum to more than 100.
    """

    question: str
    kind: str
    n_total: int
    n_valid: int
    n_missing: int
    categories: tuple[CategoryCount, ...]

    def plain_form(self) -> dict:
        """The fields with ``missing_percent`` (% of all respondents) before the categories."""
        missing_percent = 100.0 * self.n_missing / self.n_total if self.n_total else float("nan")
        return {**plain_fields(self, without=("categories",)), "missing_percent": missing_percent,
                "categories": self.categories}


def _pct(count: int, base: int) -> float:
    return 100.0 * count / base if base else float("nan")


def frequency_table(values: pd.Series, options: Sequence[tuple[object, str]],
                    question: str | None = None) -> FrequencyTable:
    """Counts and percentages of a single-choice question, in the order of ``options``.

    ``options`` is the ordered list of (code, label); options nobody chose are listed with 0.
    percent = count / all respondents; valid_percent = count / respondents who answered.
    A value that is not one of the codes is bad input (raises InputError).
    R: ``table(factor(x, levels = codes), useNA = "ifany")``; SPSS FREQUENCIES (Percent, Valid Percent).
    """
    name = question or str(values.name)
    codes = [c for c, _ in options]
    present = values.dropna()
    unknown = present[~present.isin(codes)]
    if len(unknown):
        raise input_error("answer code not among the options", column=name, value=plain_scalar(unknown.iloc[0]),
                          allowed=", ".join(map(str, codes)))
    n_total, n_valid = int(values.size), int(present.size)
    cats = tuple(CategoryCount(code, label, int((present == code).sum()),
                               _pct(int((present == code).sum()), n_total),
                               _pct(int((present == code).sum()), n_valid))
                 for code, label in options)
    return FrequencyTable(name, "single", n_total, n_valid, n_total - n_valid, cats)


def multiple_response_table(columns: pd.DataFrame, options: Sequence[tuple[object, str]],
                            question: str) -> FrequencyTable:
    """Counts of a multiple-choice question stored as one 0/1 column per option (same order as ``options``).

    A respondent with every column missing did not answer; percentages are of respondents
    (SPSS MULT RESPONSE "Percent of Cases"): percent over all, valid_percent over those who answered.
    R: ``colSums(columns == 1, na.rm = TRUE)``.
    """
    if columns.shape[1] != len(options):
        raise input_error(f"{columns.shape[1]} columns for {len(options)} options", column=question,
                          allowed="one 0/1 column per option")
    block = columns.apply(pd.to_numeric, errors="coerce")
    bad = (columns.notna() & ~block.isin([0, 1]))
    if bad.to_numpy().any():
        col = bad.any(axis=0).idxmax()
        raise input_error("multiple-choice cell is not 0/1", column=str(col),
                          value=plain_scalar(columns.loc[bad[col], col].iloc[0]), allowed="0, 1 or empty")
    answered = block.notna().any(axis=1)
    n_total, n_valid = int(len(block)), int(answered.sum())
    cats = []
    for (code, label), col in zip(options, block.columns):
        k = int((block[col] == 1).sum())
        cats.append(CategoryCount(code, label, k, _pct(k, n_total), _pct(k, n_valid)))
    return FrequencyTable(question, "multiple", n_total, n_valid, n_total - n_valid, tuple(cats))
