"""Validation of a survey file: every problem collected into one table, raised together as one error.

The table has one row per problem — ``row`` (as numbered in the file: the header is row 1 of a CSV
or XLSX file; SPSS/Stata cases are numbered from 1), ``respondent``, ``column`` (the header as written
in the file), ``value``, ``allowed``, a reason ``code`` and the one-line ``message``. Reason codes:

=====================  ==================================================================
``file_not_found``     the path does not exist (or is a folder)
``unreadable``         the file cannot be opened or decoded (binary, corrupt, wrong type)
``empty_file``         no header and no data
``header_only``        a header row but no respondents
``duplicate_header``   the same header written twice
``duplicate_column``   two different headers naming the same instrument column
``missing_column``     no column for an item of the instrument
``header_rows``        the header spans several rows (merged cells): a row below it names the items
``out_of_range``       a number outside the answer codes / the allowed range
``not_a_code``         text where an answer code (or a label of one) is expected
``bad_duration``       a completion time that cannot be read as seconds
``no_answers``         not one answer in any item column
``too_few_respondents`` fewer respondents than the model needs (see :func:`minimum_respondents`)
``unknown_option``     a column of a multiple-choice question that names none of its options
``fill_in_not_allowed`` an "other" fill-in (``男〖…〗``) on an option that is not "other, please specify"
``bad_timestamp``      a start or end time that cannot be read as a date and time
=====================  ==================================================================

A valid file's ``validation.csv`` (``loyalty validate``) lists the optional columns not found
(``optional_column_not_found``, :func:`absent_columns_table`).

:class:`ValidationError` (an :class:`~questionnaire.errors.InputError`) carries the table; its
message is the first 20 lines; :func:`write_validation_csv` writes all of them.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.diagnostics import Diagnostic, warn
from analysis.results import plain_fields
from questionnaire.errors import InputError, locate
from questionnaire.instrument import Instrument

PROBLEM_COLUMNS = ("row", "respondent", "column", "value", "allowed", "code", "message")
MESSAGE_LINES = 20
FORMULA_PREFIXES = ("=", "+", "-", "@")


class ValidationError(InputError):
    """Bad data in a survey file; ``table`` holds every problem (columns :data:`PROBLEM_COLUMNS`)."""

    def __init__(self, file: str, table: pd.DataFrame):
        self.file = file
        self.table = table
        super().__init__(validation_message(file, table), problems=table.to_dict("records"))


def validation_message(file: str, table: pd.DataFrame) -> str:
    """One line for one problem; otherwise a count followed by the first :data:`MESSAGE_LINES` lines."""
    messages = table["message"].tolist()
    if len(messages) == 1:
        return messages[0]
    head = f"{file}: {len(messages)} problems in the data"
    if len(messages) > MESSAGE_LINES:
        head += f" (the first {MESSAGE_LINES} below; all of them in validation.csv)"
    return "\n".join([head, *messages[:MESSAGE_LINES]])


def format_value(value: object) -> str:
    """A cell as the user typed it: ``7`` rather than ``7.0``, text unchanged."""
    if isinstance(value, (float, np.floating)) and np.isfinite(value) and float(value).is_integer():
        return str(int(value))
    return str(value)


class ProblemCollector:
    """Collects problems while a file is read; :meth:`raise_if_any` raises them as one :class:`ValidationError`."""

    def __init__(self, file: str):
        self.file = file
        self._parts: list[pd.DataFrame] = []
        self._order = 0

    def __bool__(self) -> bool:
        return bool(self._parts)

    def add(self, code: str, problem: str, *, row: int | None = None, respondent: str | None = None,
            column: str | None = None, value: object = None, allowed: str | None = None) -> None:
        """One problem; the message reads ``file, row R, column C: <problem>[; allowed: <allowed>]``."""
        text = problem + (f"; allowed: {allowed}" if allowed else "")
        message = f"{locate(self.file, row, column)}: {text}"
        self._append(pd.DataFrame({
            "row": pd.array([row], dtype="Int64"), "respondent": [respondent], "column": [column],
            "value": [None if value is None else format_value(value)], "allowed": [allowed],
            "code": [code], "message": [message]}))

    def add_cells(self, code: str, *, rows: np.ndarray, respondents: np.ndarray, column: str,
                  values: np.ndarray, allowed: str, problem: str) -> None:
        """Many bad cells of one column; each message reads ``…, column C: value 'v' <problem>; allowed: …``."""
        shown = [format_value(v) for v in values]
        messages = [f"{locate(self.file, int(r), column)}: value {v!r} {problem}; allowed: {allowed}"
                    for r, v in zip(rows, shown)]
        self._append(pd.DataFrame({
            "row": pd.array(rows, dtype="Int64"), "respondent": respondents, "column": column, "value": shown,
            "allowed": allowed, "code": code, "message": messages}))

    def _append(self, frame: pd.DataFrame) -> None:
        frame["_order"] = self._order
        self._order += 1
        self._parts.append(frame)

    def extend(self, other: ProblemCollector) -> None:
        """Take over the problems collected by ``other``."""
        for part in other._parts:
            self._append(part.drop(columns="_order"))

    def table(self) -> pd.DataFrame:
        """All problems, file-level ones first, then by row, then in the order they were found."""
        if not self._parts:
            return pd.DataFrame({c: [] for c in PROBLEM_COLUMNS})
        table = pd.concat(self._parts, ignore_index=True)
        table = table.sort_values(["row", "_order"], na_position="first", kind="stable")
        return table.drop(columns="_order").reset_index(drop=True)[list(PROBLEM_COLUMNS)]

    def raise_if_any(self) -> None:
        if self._parts:
            raise ValidationError(self.file, self.table())


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix ``'`` to text cells starting with ``= + - @`` so spreadsheets do not run them (OWASP CSV injection)."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype.kind in "biuf":
            continue
        text = values.astype("string")
        risky = text.str.startswith(FORMULA_PREFIXES).fillna(False).to_numpy(dtype=bool)
        if risky.any():
            out[column] = values.astype(object).where(~risky, "'" + text.astype(object))
    return out


def write_validation_csv(error: ValidationError | pd.DataFrame, path: str | Path) -> Path:
    """Write every problem of ``error`` (or a table of :data:`PROBLEM_COLUMNS`) to ``path`` (UTF-8 with BOM so
    Excel shows Chinese), formulas neutralised."""
    path = Path(path)
    table = error.table if isinstance(error, ValidationError) else error
    neutralise_formulas(table).to_csv(path, index=False, encoding="utf-8-sig")
    return path


def absent_columns_table(file: str, absent: tuple[str, ...]) -> pd.DataFrame:
    """The optional columns (respondent id, duration, attention checks, background questions) a valid file lacks,
    one ``optional_column_not_found`` row each: what will not be analysed."""
    notes = ProblemCollector(file)
    for column in absent:
        notes.add("optional_column_not_found", f"no column for {column}: it will not be analysed", column=column,
                  allowed="an optional column")
    return notes.table()


# --- sample size -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SampleSizeRule:
    """How many respondents a CFA/SEM with ``n_free_parameters`` on ``n_items`` items needs.

    ``required`` (an error below it) = max(100, n_items + 1):
      * n ≥ p + 1 is the least for the p × p sample covariance matrix (rank ≤ n − 1) to be positive
        definite, without which maximum likelihood is undefined;
      * n ≥ 100: below it ML estimation of CFA/SEM often fails to converge or gives improper solutions
        (Boomsma 1982; Anderson & Gerbing 1984), and Kline (2016, ch. 1) calls it untenably small.
    ``recommended`` (a warning below it) = max(required, 5 × free parameters): the 5 : 1 ratio of
    respondents to free parameters of Bentler & Chou (1987).
    """

    n_free_parameters: int
    n_items: int
    required: int
    recommended: int

    def reason(self) -> str:
        return (f"maximum-likelihood CFA/SEM on {self.n_items} items needs at least max(100, items + 1) = "
                f"{self.required} respondents (Boomsma 1982; Kline 2016), and 5 per free parameter "
                f"(5 × {self.n_free_parameters} = {5 * self.n_free_parameters}) are recommended (Bentler & Chou 1987)")

    def plain_form(self) -> dict:
        """The fields and the :meth:`reason` in words."""
        return {**plain_fields(self), "reason": self.reason()}


def minimum_respondents(n_free_parameters: int, n_items: int) -> SampleSizeRule:
    """The sample-size rule for a model with ``n_free_parameters`` on ``n_items`` observed items.

    required = max(100, p + 1); recommended = max(required, 5·q) (see :class:`SampleSizeRule`).
    R: ``lavaan::fitMeasures(fit, "npar")`` gives q for a fitted model.
    """
    required = max(100, n_items + 1)
    return SampleSizeRule(n_free_parameters, n_items, required, max(required, 5 * n_free_parameters))


def free_parameters(instrument: Instrument) -> int:
    """Free parameters q of the CFA of ``instrument`` with every latent covariance free (lavaan defaults).

    q = (p − k) loadings (first loading fixed to 1) + p residual variances + k(k + 1)/2 latent
    (co)variances, for p items and k constructs. A recursive structural model on the same constructs
    is nested in this CFA, so it never has more. R: ``fitMeasures(cfa(model, data), "npar")``.
    """
    p, k = len(instrument.item_ids), len(instrument.constructs)
    return (p - k) + p + k * (k + 1) // 2


def sample_size_rule(instrument: Instrument) -> SampleSizeRule:
    """:func:`minimum_respondents` for the CFA of ``instrument``."""
    return minimum_respondents(free_parameters(instrument), len(instrument.item_ids))


def add_sample_size_problem(problems: ProblemCollector, n: int, rule: SampleSizeRule, stage: str) -> None:
    """Record ``too_few_respondents`` when ``n`` (counted at ``stage``) is below ``rule.required``."""
    if n < rule.required:
        problems.add("too_few_respondents",
                     f"{n} respondent{'s' if n != 1 else ''} {stage}, but at least {rule.required} are needed: "
                     f"{rule.reason()}", value=n, allowed=f"at least {rule.required} respondents")


def require_sample_size(responses: pd.DataFrame, instrument: Instrument, *, file: str,
                        stage: str = "after cleaning and listwise deletion") -> list[Diagnostic]:
    """Raise :class:`ValidationError` when ``responses`` has fewer rows than :func:`sample_size_rule` requires;
    return a ``small_sample`` warning when it has fewer than it recommends."""
    rule = sample_size_rule(instrument)
    n = len(responses)
    problems = ProblemCollector(file)
    add_sample_size_problem(problems, n, rule, stage)
    problems.raise_if_any()
    if n < rule.recommended:
        return [warn("small_sample", f"{n} respondents {stage}; {rule.recommended} are recommended: {rule.reason()}")]
    return []
