"""Case analysis (案例分析): each main platform with enough respondents as a case, profiled against the whole
sample, and the best and the weakest case chosen by the data.

A case is an option of the platform question (``role: platform``) that is not "other, please specify" and was
chosen by at least ``min_n`` kept respondents (``--min-group``, the same minimum as the group differences, so
the cases are the platform groups compared in chapter 3.9). Each case has its construct means (mean item
scores), NPS, repeat-purchase rate and paid-membership share, and the driver items and constructs where it
stands furthest above and below the whole sample (case mean − sample mean; ties: instrument order).

The cases are ranked by the mean of the outcome construct (loyalty), rounded to two decimals as printed;
equal means are ordered by NPS, then by the repeat-purchase rate, then by the instrument's order. The first
case is the best, the last the weakest (at least two cases are needed).
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import pandas as pd

from analysis.sem.models import ALPHA

#: decimals of a construct mean as the report prints it: means equal at this precision are a tie
MEAN_DECIMALS = 2


@dataclass(frozen=True)
class ItemContrast:
    """An item's (or construct's) mean in a case beside its mean in the whole sample."""

    id: str
    mean: float
    sample_mean: float
    difference: float   # mean − sample_mean


@dataclass(frozen=True)
class PlatformCase:
    """One platform: its respondents, construct means, indicators and its strongest and weakest driver item
    and construct relative to the whole sample; ``rank`` 1 is the best case."""

    code: object
    n: int
    rank: int
    construct_means: dict[str, float]
    nps: float | None
    repeat_purchase: float | None
    paid_membership: float | None
    strongest_item: ItemContrast | None
    weakest_item: ItemContrast | None
    strongest_construct: ItemContrast | None
    weakest_construct: ItemContrast | None


@dataclass(frozen=True)
class LeftOutPlatform:
    """A platform option that is not a case: ``reason`` 'other' ("other, please specify") or 'too_few'."""

    code: object
    n: int
    reason: str


@dataclass(frozen=True)
class PlatformCases:
    """``results.json`` ``cases``: the cases in rank order and how they were chosen and ranked.

    ``ranked_by`` is the construct whose mean ranks the cases; ``best`` and ``weakest`` are platform codes
    (None with fewer than two cases); ``difference_pvalue`` / ``difference_significant``: the group-difference
    test of the platforms on that construct (chapter 3.9), which says whether the ranking is more than chance.
    """

    question: str
    min_n: int
    ranked_by: str
    sample: dict
    cases: tuple[PlatformCase, ...]
    left_out: tuple[LeftOutPlatform, ...]
    best: object | None
    weakest: object | None
    difference_test: str | None
    difference_pvalue: float | None
    difference_significant: bool | None


def _finite(x) -> float | None:
    return float(x) if x is not None and math.isfinite(x) else None


def _extremes(case_means: Mapping[str, float], sample_means: Mapping[str, float], ids: Sequence[str]
              ) -> tuple[ItemContrast | None, ItemContrast | None]:
    """The id with the largest and the smallest case − sample difference (first in ``ids`` order on ties)."""
    contrasts = [ItemContrast(i, float(case_means[i]), float(sample_means[i]), float(case_means[i] - sample_means[i]))
                 for i in ids
                 if _finite(case_means.get(i)) is not None and _finite(sample_means.get(i)) is not None]
    if not contrasts:
        return None, None
    return (max(contrasts, key=lambda c: c.difference),     # max/min keep the first of equal keys
            min(contrasts, key=lambda c: c.difference))


def profile_platform_cases(question: str, platform: pd.Series, options: Sequence[tuple[object, bool]],
                           scores: pd.DataFrame, items: pd.DataFrame, driver_items: Mapping[str, Sequence[str]],
                           ranked_by: str, indicators: Mapping[str, tuple[float | None, Mapping[object, float]]],
                           min_n: int, difference: tuple[str | None, float | None] = (None, None)) -> PlatformCases:
    """The platform cases of the kept respondents.

    ``platform``: each respondent's answer (codes); ``options``: (code, is "other") in the instrument's order;
    ``scores``: construct mean scores; ``items``: item answers (reverse items recoded); ``driver_items``:
    driver construct → its items (the strongest/weakest items and constructs are chosen among these);
    ``indicators``: name (nps, repeat_purchase, paid_membership) → (whole-sample value, {code: value});
    ``difference``: (test, p) of the platforms on ``ranked_by`` from the group differences (p < .05: significant).
    """
    drivers = [c for c in driver_items if c in scores]
    driver_item_ids = [i for c in drivers for i in driver_items[c] if i in items]
    sample_constructs = {c: float(scores[c].mean()) for c in scores.columns}
    sample_items = {i: float(items[i].mean()) for i in driver_item_ids}
    sample = {"n": int(len(scores)), "construct_means": sample_constructs,
              **{name: _finite(overall) for name, (overall, _) in indicators.items()}}
    profiles, left_out = [], []
    answers = pd.to_numeric(platform, errors="coerce")
    for code, is_other in options:
        chosen = (answers == float(code)).to_numpy()
        n = int(chosen.sum())
        if is_other or n < min_n:
            if n:
                left_out.append(LeftOutPlatform(code, n, "other" if is_other else "too_few"))
            continue
        means = {c: float(scores.loc[chosen, c].mean()) for c in scores.columns}
        item_means = {i: float(items.loc[chosen, i].mean()) for i in driver_item_ids}
        values = {name: _finite(by_code.get(code)) for name, (_, by_code) in indicators.items()}
        profiles.append(PlatformCase(code, n, 0, means, values.get("nps"), values.get("repeat_purchase"),
                                     values.get("paid_membership"), *_extremes(item_means, sample_items, driver_item_ids),
                                     *_extremes(means, sample_constructs, drivers)))

    def rank_key(case: PlatformCase) -> tuple:
        """Descending: the outcome mean at two decimals, NPS, repeat purchase; sorted() keeps the instrument's
        order among cases still equal."""
        outcome = _finite(case.construct_means.get(ranked_by))
        return tuple(-(v if v is not None else -math.inf)
                     for v in (round(outcome, MEAN_DECIMALS) if outcome is not None else None, case.nps,
                               case.repeat_purchase))

    cases = tuple(replace(case, rank=k + 1) for k, case in enumerate(sorted(profiles, key=rank_key)))
    two = len(cases) >= 2
    test, pvalue = difference
    pvalue = _finite(pvalue)
    return PlatformCases(question, min_n, ranked_by, sample, cases, tuple(left_out),
                         cases[0].code if two else None, cases[-1].code if two else None, test, pvalue,
                         None if pvalue is None else pvalue < ALPHA)
