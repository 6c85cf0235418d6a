"""Missing answers: the pattern per item, and what listwise deletion costs.

The model-based steps (EFA, CFA, SEM, reliability) use listwise deletion over the Likert items (a
respondent with any item unanswered is left out), unless the CFA and SEM use full-information ML
(``--missing fiml``: every respondent with an answer); descriptives use every available answer. This
module says how many respondents each choice keeps, why listwise deletion drops the others and how many
missing-data patterns the answers show.

A missing answer is one of three kinds (``SurveyData.missing_kinds``): *not answered*
(an empty cell, Qualtrics' -99 "seen but unanswered": item nonresponse), *skipped by design* (a platform
skip marker: the question was not asked) and *declared missing* (a code of the instrument's
``missing_codes``). ``n_missing`` counts all three; each is also counted on its own.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.ingest.columns import DECLARED, NOT_ANSWERED, SKIPPED
from analysis.results import plain_fields


@dataclass(frozen=True)
class ItemMissing:
    """One item: answers missing (count and percent of respondents) and answers available; the missing ones
    split into not answered (item nonresponse), skipped by design and declared missing."""

    item: str
    n_missing: int
    pct_missing: float
    n_available: int
    n_not_answered: int = 0
    n_skipped_by_design: int = 0
    n_declared_missing: int = 0


@dataclass(frozen=True)
class MissingReport:
    """Missingness over ``items`` for ``n_respondents`` respondents.

    ``n_listwise`` respondents answered every item (the sample of the model-based steps);
    ``n_dropped_listwise`` = ``n_respondents`` − ``n_listwise``; ``dropped_by_count`` maps the number of
    unanswered items to the respondents dropped with that many; ``min_pairwise_n`` is the smallest
    number of respondents who answered both items of a pair (the available-case n of a correlation).
    ``n_patterns`` distinct sets of answered items occur among the ``n_fiml`` respondents who answered at
    least one item (what FIML keeps); ``method`` is how the CFA and SEM treat missing answers.
    """

    n_respondents: int
    items: tuple[ItemMissing, ...]
    n_listwise: int
    n_dropped_listwise: int
    dropped_by_count: dict[int, int]
    min_pairwise_n: int
    n_patterns: int = 1
    n_fiml: int = 0
    method: str = "listwise"

    @property
    def n_not_answered(self) -> int:
        """Cells not answered (item nonresponse), over all items."""
        return sum(m.n_not_answered for m in self.items)

    @property
    def n_skipped_by_design(self) -> int:
        """Cells skipped by design (platform skip markers), over all items."""
        return sum(m.n_skipped_by_design for m in self.items)

    @property
    def n_declared_missing(self) -> int:
        """Cells holding a declared missing code, over all items."""
        return sum(m.n_declared_missing for m in self.items)

    @property
    def pct_dropped_listwise(self) -> float:
        return 100 * self.n_dropped_listwise / self.n_respondents if self.n_respondents else 0.0

    def plain_form(self) -> dict:
        """``results.json`` ``missing``: the items keyed by item id."""
        return {"n_respondents": self.n_respondents, "n_listwise": self.n_listwise,
                "n_dropped_listwise": self.n_dropped_listwise, "pct_dropped_listwise": self.pct_dropped_listwise,
                "dropped_by_count": self.dropped_by_count, "min_pairwise_n": self.min_pairwise_n,
                "n_not_answered": self.n_not_answered, "n_skipped_by_design": self.n_skipped_by_design,
                "n_declared_missing": self.n_declared_missing, "n_patterns": self.n_patterns, "n_fiml": self.n_fiml,
                "method": self.method, "items": {m.item: plain_fields(m, without=("item",)) for m in self.items}}


def summarise_missing(items: pd.DataFrame, kinds: pd.DataFrame | None = None, method: str = "listwise"
                      ) -> MissingReport:
    """Per-item missing counts, listwise and available-case sample sizes of the item columns ``items``.

    ``kinds`` (aligned with ``items``; ``SurveyData.missing_kinds``) says why each empty cell is empty; without
    it (or for a column it lacks) every empty cell counts as not answered.

    pct_missing_j = 100 · n_missing_j / n; pairwise n = Mᵀ M with M the 0/1 matrix of answered cells.
    R: ``colSums(is.na(d))``, ``sum(complete.cases(d))``, ``psych::pairwiseCount(d)``; patterns:
    ``nrow(unique(!is.na(d[rowSums(!is.na(d)) > 0, ])))`` (lavaan ``nrow(lavInspect(fit, "patterns"))``).
    """
    answered = items.notna().to_numpy()
    n = answered.shape[0]
    missing = n - answered.sum(axis=0)
    per_row = (~answered).sum(axis=1)
    counts = np.bincount(per_row[per_row > 0], minlength=0) if n else np.zeros(0, dtype=np.int64)
    pairwise = answered.T.astype(np.int64) @ answered.astype(np.int64)
    if kinds is None:
        kind = np.where(answered, 0, NOT_ANSWERED)
    else:
        kind = kinds.reindex(columns=items.columns, fill_value=NOT_ANSWERED).to_numpy()
        kind = np.where(answered, 0, np.where(np.isin(kind, (SKIPPED, DECLARED)), kind, NOT_ANSWERED))
    split = {k: (kind == k).sum(axis=0) for k in (NOT_ANSWERED, SKIPPED, DECLARED)}
    return MissingReport(
        n_respondents=n,
        items=tuple(ItemMissing(item, int(m), 100 * int(m) / n if n else 0.0, int(n - m),
                                int(split[NOT_ANSWERED][j]), int(split[SKIPPED][j]), int(split[DECLARED][j]))
                    for j, (item, m) in enumerate(zip(items.columns, missing))),
        n_listwise=int((per_row == 0).sum()),
        n_dropped_listwise=int((per_row > 0).sum()),
        dropped_by_count={k: int(c) for k, c in enumerate(counts) if k > 0 and c},
        min_pairwise_n=int(pairwise.min()) if pairwise.size else n,
        n_patterns=len(np.unique(answered[answered.any(axis=1)], axis=0)), n_fiml=int(answered.any(axis=1).sum()),
        method=method)

