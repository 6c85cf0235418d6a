"""Drop careless respondents by switchable rules, each exclusion logged with its reason; recode reverse items.

Rules (all evaluated on every respondent of the file, so one caught by several rules is listed under each):

``duplicate_id``       same respondent id as an earlier row → the later rows are excluded, the first kept.
``duplicate_answers``  identical on every answer (Likert items, attention checks, background questions;
                       id and completion time ignored) to an earlier row → the later rows are excluded.
``speeder``            completion time below ``min_duration`` seconds; default one third of the median
                       completion time of the file (Greszki, Meyer & Schoen 2015 flag speeders relative to
                       the median; a third of it is a common cut-off in platform screening).
``straight_lining``    the same raw answer on every answered Likert item, with at least half the items
                       answered (fewer answers are the missing rule's business).
``long_string``        off by default; ``long_string = L`` flags a run of at least L identical consecutive
                       raw answers in questionnaire order (Johnson 2005; Curran 2016), missing answers
                       breaking a run.
``attention_check``    an attention check answered otherwise than expected, or not answered (one the
                       questionnaire's logic skipped, a platform skip marker, was not asked and does not fail).
``too_many_missing``   more than ``max_missing`` (default 20 %) of the Likert items asked left unanswered: an
                       item the platform marked as skipped by design (jump or display logic, see
                       :data:`~analysis.ingest.columns.SKIP_CODES`) was not asked, so it counts neither as
                       unanswered nor among the items asked; a declared missing code counts as unanswered.

A skipped item is no answer either: it neither forms nor breaks a straight line or a long string, and the
straight-lining rule still needs half of all the Likert items answered.

Straight-lining and long strings are judged on the raw answers; reverse-worded items are recoded
(min + max − x) afterwards, in the kept respondents only. ``CleaningOptions(no_clean=True)`` applies no rule.
Everything is vectorised over respondents: the only loops run over rules and item columns.
"""
from __future__ import annotations

import math
from fractions import Fraction
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.ingest.columns import ANSWERED, DURATION_COLUMN, SKIPPED
from analysis.ingest.readers import SurveyData
from analysis.ingest.validation import neutralise_formulas
from questionnaire.errors import input_error
from questionnaire.instrument import Instrument

RULES = ("duplicate_id", "duplicate_answers", "speeder", "straight_lining", "long_string", "attention_check",
         "too_many_missing")
LOG_COLUMNS = ("respondent", "row", "rule", "detail")


@dataclass(frozen=True)
class CleaningOptions:
    """Which rules run and their thresholds (defaults documented in the module docstring)."""

    duplicate_id: bool = True
    duplicate_answers: bool = True
    speeder: bool = True
    min_duration: float | None = None
    speeder_fraction: float = 1 / 3
    straight_lining: bool = True
    long_string: int | None = None
    attention_check: bool = True
    too_many_missing: bool = True
    max_missing: float = 0.20
    no_clean: bool = False

    def __post_init__(self):
        if self.min_duration is not None and not (math.isfinite(self.min_duration) and self.min_duration >= 0):
            raise input_error("option min_duration: value", value=self.min_duration, allowed="seconds ≥ 0")
        if not 0 < self.speeder_fraction <= 1:
            raise input_error("option speeder_fraction: value", value=self.speeder_fraction,
                              allowed="a fraction of the median in (0, 1]")
        if self.long_string is not None and (isinstance(self.long_string, bool) or self.long_string < 2):
            raise input_error("option long_string: value", value=self.long_string,
                              allowed="a whole number ≥ 2, or None (off)")
        if not 0 <= self.max_missing < 1:
            raise input_error("option max_missing: value", value=self.max_missing, allowed="a fraction in [0, 1)")

    def enabled(self, rule: str) -> bool:
        """Whether ``rule`` (one of :data:`RULES`) runs: never with ``no_clean`` (``--no-clean``)."""
        if self.no_clean:
            return False
        return self.long_string is not None if rule == "long_string" else bool(getattr(self, rule))


@dataclass(frozen=True)
class Exclusion:
    """One excluded respondent under one rule (``results.json`` ``exclusions``; also ``exclusions.csv``)."""

    respondent: str
    row: int
    rule: str
    detail: str


@dataclass(frozen=True, eq=False)
class CleaningResult:
    """Kept respondents (``analysed``, reverse items recoded) and the exclusion ``log``.

    ``log`` has one row per (respondent, rule) with columns :data:`LOG_COLUMNS`, ordered by rule then
    row; ``thresholds`` are the cut-offs actually applied; ``counts`` the respondents caught per rule;
    ``not_applied`` says why an enabled rule could not run (e.g. no completion-time column).
    """

    analysed: pd.DataFrame
    log: pd.DataFrame
    options: CleaningOptions
    thresholds: dict
    counts: dict[str, int]
    not_applied: dict[str, str]
    n_raw: int
    n_excluded: int
    #: ``SurveyData.missing_kinds`` of the kept respondents (aligned with ``analysed``), when the survey has it
    missing_kinds: pd.DataFrame | None = None

    @property
    def n_analysed(self) -> int:
        return len(self.analysed)

    @property
    def exclusions(self) -> list[Exclusion]:
        return [Exclusion(str(r), int(n), str(u), str(d)) for r, n, u, d in self.log.itertuples(index=False)]

    def plain_form(self) -> dict:
        """``results.json`` ``cleaning``: the counts, options and thresholds (not the data nor the log)."""
        return {"n_raw": self.n_raw, "n_excluded": self.n_excluded, "n_analyzed": self.n_analysed,
                "options": self.options, "thresholds": self.thresholds, "counts": self.counts,
                "not_applied": self.not_applied}


@dataclass
class _Rules:
    """Accumulates the masks and details of each rule while :func:`clean_responses` runs."""

    masks: dict[str, np.ndarray] = field(default_factory=dict)
    details: dict[str, np.ndarray] = field(default_factory=dict)
    thresholds: dict = field(default_factory=dict)
    not_applied: dict[str, str] = field(default_factory=dict)


def clean_responses(survey: SurveyData, instrument: Instrument,
                    options: CleaningOptions | None = None) -> CleaningResult:
    """Apply the enabled rules to ``survey.responses``; return kept respondents and the exclusion log."""
    options = options or CleaningOptions()
    frame = survey.responses
    items = [i for i in instrument.item_ids if i in frame.columns]
    raw = frame[items].to_numpy(dtype=float)
    rows = survey.row_numbers.to_numpy()
    kinds = survey.missing_kinds
    skipped = (kinds.reindex(columns=items, fill_value=ANSWERED).to_numpy() == SKIPPED) if kinds is not None \
        else np.zeros(raw.shape, dtype=bool)
    rules = _Rules()
    if options.enabled("duplicate_id"):
        _duplicate_ids(frame, rows, rules)
    if options.enabled("duplicate_answers"):
        _duplicate_answers(frame[[c for c in frame.columns if c != DURATION_COLUMN]], rows, rules)
    if options.enabled("speeder"):
        _speeders(frame, options, rules)
    if options.enabled("straight_lining"):
        _straight_lining(raw, rules)
    if options.enabled("long_string"):
        _long_strings(raw, options.long_string, rules)
    if options.enabled("attention_check"):
        _attention_checks(frame, instrument, rules, kinds)
    if options.enabled("too_many_missing"):
        _too_many_missing(raw, skipped, options.max_missing, rules)
    excluded = np.zeros(len(frame), dtype=bool)
    for mask in rules.masks.values():
        excluded |= mask
    analysed = frame.loc[~excluded].copy()
    for construct in instrument.constructs:
        for item in construct.items:
            if item.reverse and item.id in analysed:
                analysed[item.id] = construct.scale.min + construct.scale.max - analysed[item.id]
    return CleaningResult(
        analysed=analysed, log=_log(frame.index, rows, rules), options=options,
        thresholds=rules.thresholds, counts={rule: int(m.sum()) for rule, m in rules.masks.items()},
        not_applied=rules.not_applied, n_raw=len(frame), n_excluded=int(excluded.sum()),
        missing_kinds=None if kinds is None else kinds.iloc[np.flatnonzero(~excluded)])


def _log(ids: pd.Index, rows: np.ndarray, rules: _Rules) -> pd.DataFrame:
    parts = [pd.DataFrame({"respondent": ids.to_numpy(dtype=object)[mask], "row": rows[mask], "rule": rule,
                           "detail": rules.details[rule]})
             for rule in RULES if rule in rules.masks for mask in [rules.masks[rule]] if mask.any()]
    if not parts:
        return pd.DataFrame({c: pd.Series([], dtype=object if c != "row" else np.int64) for c in LOG_COLUMNS})
    return pd.concat(parts, ignore_index=True)


def _number_text(values: np.ndarray) -> pd.Series:
    """Numbers as short text: ``45`` for 45.0, ``45.5`` for 45.5, empty for NaN."""
    return pd.Series(np.round(values, 1)).astype(str).str.removesuffix(".0").fillna("")


def _first_position(keys: np.ndarray) -> np.ndarray:
    """For each row, the position of the first row with the same key."""
    return pd.Series(np.arange(len(keys))).groupby(keys, sort=False).transform("first").to_numpy()


def _duplicate_ids(frame: pd.DataFrame, rows: np.ndarray, rules: _Rules) -> None:
    """Later rows with an id seen before; detail names the row that is kept."""
    mask = frame.index.duplicated(keep="first")
    first = _first_position(frame.index.to_numpy(dtype=object))[mask] if mask.any() else np.zeros(0, np.int64)
    rules.masks["duplicate_id"] = mask
    rules.details["duplicate_id"] = ("same respondent id as row " + _number_text(rows[first]) + " (kept)").to_numpy()


def _duplicate_answers(answers: pd.DataFrame, rows: np.ndarray, rules: _Rules) -> None:
    """Later rows identical on every answer to an earlier one (missing equals missing)."""
    mask = answers.duplicated(keep="first").to_numpy()
    first = _first_position(pd.util.hash_pandas_object(answers, index=False).to_numpy())[mask] if mask.any() \
        else np.zeros(0, np.int64)
    kept = pd.Series(answers.index.to_numpy(dtype=object)[first], dtype=object)
    rules.masks["duplicate_answers"] = mask
    rules.details["duplicate_answers"] = ("identical answers to row " + _number_text(rows[first]) + " (respondent "
                                          + kept + ", kept)").to_numpy()


def _speeders(frame: pd.DataFrame, options: CleaningOptions, rules: _Rules) -> None:
    """Completion time below the cut-off (given, or ``speeder_fraction`` × median)."""
    if DURATION_COLUMN not in frame or frame[DURATION_COLUMN].isna().all():
        rules.not_applied["speeder"] = ("the file has no completion times (no duration column and no pair of "
                                        "start and end times; a submission time alone gives none)")
        return
    seconds = frame[DURATION_COLUMN].to_numpy(dtype=float)
    median = float(np.nanmedian(seconds))
    if options.min_duration is not None:
        cutoff, basis = float(options.min_duration), "given"
    else:
        cutoff = options.speeder_fraction * median
        share = Fraction(options.speeder_fraction).limit_denominator(100)
        basis = f"{share} of the median {median:g} s"
    mask = seconds < cutoff
    rules.masks["speeder"] = mask
    rules.thresholds["speeder"] = {"min_duration_s": cutoff, "median_duration_s": median, "basis": basis}
    rules.details["speeder"] = ("completed in " + _number_text(seconds[mask]) + f" s; minimum {cutoff:.1f} s ("
                                + basis + ")").to_numpy()


def _straight_lining(raw: np.ndarray, rules: _Rules) -> None:
    """All answered Likert items equal, with at least half of them answered."""
    answered = ~np.isnan(raw)
    count = answered.sum(axis=1)
    high = np.where(answered, raw, -np.inf).max(axis=1, initial=-np.inf)
    low = np.where(answered, raw, np.inf).min(axis=1, initial=np.inf)
    least = math.ceil(raw.shape[1] / 2)
    mask = (count >= max(least, 2)) & (high == low)
    rules.masks["straight_lining"] = mask
    rules.thresholds["straight_lining"] = {"min_answered_items": max(least, 2)}
    rules.details["straight_lining"] = ("all " + _number_text(count[mask]) + " answered Likert items are "
                                        + _number_text(high[mask])).to_numpy()


def longest_run(raw: np.ndarray) -> np.ndarray:
    """Per row, the longest run of identical consecutive non-missing values (0 for an all-missing row)."""
    if raw.shape[1] == 0:
        return np.zeros(raw.shape[0], dtype=np.int64)
    run = (~np.isnan(raw[:, 0])).astype(np.int64)
    best = run.copy()
    for j in range(1, raw.shape[1]):
        same = raw[:, j] == raw[:, j - 1]
        run = np.where(same, run + 1, (~np.isnan(raw[:, j])).astype(np.int64))
        np.maximum(best, run, out=best)
    return best


def _long_strings(raw: np.ndarray, length: int, rules: _Rules) -> None:
    run = longest_run(raw)
    mask = run >= length
    rules.masks["long_string"] = mask
    rules.thresholds["long_string"] = {"min_run": length}
    rules.details["long_string"] = (_number_text(run[mask]) + f" identical answers in a row; the limit is "
                                    f"{length - 1}").to_numpy()


def _attention_checks(frame: pd.DataFrame, instrument: Instrument, rules: _Rules,
                      kinds: pd.DataFrame | None = None) -> None:
    """Any attention check not answered with its expected code (a missing answer fails too, one skipped by
    design does not)."""
    checks = [c for c in instrument.attention_checks if c.id in frame.columns]
    if not checks:
        rules.not_applied["attention_check"] = ("the instrument has no attention check" if not instrument.attention_checks
                                                else "the file has no attention-check column")
        return
    mask = np.zeros(len(frame), dtype=bool)
    notes = np.full(len(frame), "", dtype=object)
    for check in checks:
        answer = frame[check.id].to_numpy(dtype=float)
        failed = answer != check.expected
        if kinds is not None and check.id in kinds:
            failed &= kinds[check.id].to_numpy() != SKIPPED
        said = np.where(np.isnan(answer), "not answered", "= " + _number_text(answer).to_numpy(dtype=object))
        note = np.where(failed, f"{check.id} " + said + f"; expected {check.expected}", "")
        notes = np.where((notes != "") & failed, notes + "; " + note, notes + note)
        mask |= failed
    rules.masks["attention_check"] = mask
    rules.details["attention_check"] = notes[mask]


def _too_many_missing(raw: np.ndarray, skipped: np.ndarray, max_missing: float, rules: _Rules) -> None:
    """More than ``max_missing`` of the items asked unanswered; items skipped by design were not asked."""
    missing = (np.isnan(raw) & ~skipped).sum(axis=1)
    items = raw.shape[1]
    asked = items - skipped.sum(axis=1)
    mask = missing > max_missing * asked
    rules.masks["too_many_missing"] = mask
    rules.thresholds["too_many_missing"] = {"max_missing": max_missing,
                                            "max_missing_items": math.floor(max_missing * items)}
    rules.details["too_many_missing"] = (_number_text(missing[mask]) + " of " + _number_text(asked[mask])
                                         + " Likert items unanswered ("
                                         + _number_text(100 * missing[mask] / np.maximum(asked[mask], 1))
                                         + f"%); the limit is {max_missing:.0%}").to_numpy()


def write_exclusions_csv(result: CleaningResult, path: str | Path) -> Path:
    """``exclusions.csv``: respondent, row, rule, detail (UTF-8 with BOM for Excel; formulas neutralised)."""
    path = Path(path)
    neutralise_formulas(result.log).to_csv(path, index=False, encoding="utf-8-sig")
    return path
