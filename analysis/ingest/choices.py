"""Multiple choice as survey platforms write it, and "other, please specify" fill-ins.

A multiple-choice question becomes one 0/1 column per option (``<id>_<code>``), whatever the layout of the file:

* **one column per option** — headed ``<id>_<code>``, a question alias with the option code (Qualtrics ``Q6_1``),
  the question text with the option label (腾讯问卷 ``6.您常用哪些平台:抖音``, Qualtrics' question-text row
  ``您常用哪些平台？ - 抖音``) or only the question number and the label (问卷星 "按选项序号" ``6、(抖音)``; the
  columns sharing a number are given to the one question whose options name them all). A cell holds 1/0, the
  option label (chosen) or nothing. Qualtrics and 腾讯问卷 leave an option that was not chosen empty, so an empty
  cell counts as "not chosen" (0) when the respondent chose another option of the question in that row, and as
  "not answered" only when every option cell of the row is empty;
* **one column for the question** (问卷星 "按选项文本" ``抖音┋快手``): the chosen labels or codes separated by
  ``┋`` or ``|``, or — where a part is no option — by ``,`` ``;`` ``、`` (Google Forms ``a, b``, MS Forms ``a;b;``).

Fill-ins: ``其他〖唯品会〗`` — the part before ``〖`` is read as the answer (a label or a code), the text inside is kept
in the question's ``<id>_other`` column; only an option marked ``other`` may carry one.
"""
from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from questionnaire.instrument import Question

#: 问卷星 writes the text typed into an "other, please specify" option in 〖〗 after the option
FILL_IN = re.compile(r"(.*?)\s*〖(.*)〗\s*", re.DOTALL)
#: separators of the chosen options in one cell (问卷星 ┋); when a part is no option, the separators of Google
#: Forms (``a, b``), MS Forms (``a;b;``) and hand-typed lists are tried within it
SEPARATORS = re.compile(r"\s*[┋|]\s*")
LIST_SEPARATORS = re.compile(r"\s*[,;，；、]\s*")
#: a header made of a question number and an option label in brackets: ``6、(抖音)``, ``6(抖音)``, ``Q6.（抖音）``
NUMBERED_OPTION = re.compile(r"\s*(?:q\s*)?(\d+)\s*[、.．:：]?\s*[(（](.+)[)）]\s*", re.IGNORECASE)


def split_fill_ins(values: pd.Series) -> tuple[pd.Series, pd.Series | None]:
    """(cells without their 〖fill-in〗, the fill-in texts or None when no cell has one)."""
    if values.dtype.kind in "biufcmM":
        return values, None
    positions, uniques = pd.factorize(values, use_na_sentinel=True)
    found = [FILL_IN.fullmatch(u) if isinstance(u, str) and "〖" in u else None for u in uniques]
    if not any(found):
        return values, None
    bases = np.array([m.group(1) if m else u for m, u in zip(found, uniques)], dtype=object)
    texts = np.array([(m.group(2).strip() or None) if m else None for m in found], dtype=object)
    present = positions >= 0
    base = values.astype(object).copy()
    base[present] = bases[positions[present]]
    fills = np.full(len(values), None, dtype=object)
    fills[present] = texts[positions[present]]
    return base, pd.Series(fills, index=values.index, dtype=object)


def numbered_option_columns(headers: dict[int, list[str]], questions: list[Question],
                            label_key: Callable[[object], str]) -> tuple[dict[int, str], dict[int, Question]]:
    """问卷星's ``6、(抖音)`` headers (or SPSS variable labels; ``headers``: position → the names of a column):
    (position → option column, position → question for a column whose label is
    none of the options of the question its siblings belong to). Columns sharing a number go to the one
    multiple-choice question whose options name at least one of them (none or several: left unmatched)."""
    groups: dict[str, dict[int, str]] = {}
    for position, names in headers.items():
        found = next((m for m in (NUMBERED_OPTION.fullmatch(str(n)) for n in names) if m), None)
        if found:
            groups.setdefault(found.group(1), {})[position] = label_key(found.group(2))
    labels = {q.id: {label_key(text): f"{q.id}_{o.code}" for o in q.options for text in o.label.by_lang.values()}
              for q in questions}
    assigned, unknown = {}, {}
    for members in groups.values():
        owners = [q for q in questions if any(label in labels[q.id] for label in members.values())]
        if len(owners) != 1:
            continue
        owner = owners[0]
        for position, label in members.items():
            if label in labels[owner.id]:
                assigned[position] = labels[owner.id][label]
            else:
                unknown[position] = owner
    return assigned, unknown


def chosen_options(values: pd.Series, question: Question, code_of_part: Callable[[str], float],
                   kinds: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A one-cell-per-respondent multiple-choice column (``抖音┋其他〖唯品会〗``) as 0/1 columns.

    ``code_of_part`` reads one chosen part (a label or a code; NaN when it is neither); ``kinds`` says which cells
    hold an answer (0) and why the others are missing (empty, platform marker, declared code). Returns
    (n × options 0/1 matrix, NaN where missing; unreadable mask; fill-in texts, None where there is none).
    A fill-in on an option that is not ``other`` makes the cell unreadable. Works on the distinct cells.
    """
    codes = [o.code for o in question.options]
    other = question.other_option

    def read(part):
        """(code, fill-in) of one chosen part; code None when it is no option (or a fill-in is not allowed)."""
        found = FILL_IN.fullmatch(part)
        code = code_of_part(found.group(1) if found else part)
        if np.isnan(code) or code not in codes or (found and (other is None or code != other.code)):
            return None, None
        return code, (found.group(2).strip() or None) if found else None

    def convert(value):
        """(0/1 per option or NaN when unreadable, fill-in)."""
        chosen, fill = set(), None
        for part in SEPARATORS.split(str(value).strip()):
            pieces = [read(part)]
            if pieces[0][0] is None:
                pieces = [read(piece) for piece in LIST_SEPARATORS.split(part) if piece]
            for code, typed in pieces:
                if code is None:
                    return [np.nan] * len(codes), None
                chosen.add(code)
                fill = typed or fill
        return [float(c in chosen) for c in codes], fill

    positions, uniques = pd.factorize(values.where(kinds == 0), use_na_sentinel=True)
    converted = [convert(u) for u in uniques]
    table = np.array([row for row, _ in converted], dtype=float).reshape(len(uniques), len(codes))
    typed = np.array([fill for _, fill in converted], dtype=object)
    present = positions >= 0
    matrix = np.full((len(values), len(codes)), np.nan)
    matrix[present] = table[positions[present]]
    fills = np.full(len(values), None, dtype=object)
    fills[present] = typed[positions[present]]
    return matrix, present & np.isnan(matrix).all(axis=1), fills


def unchosen_as_zero(columns: list[np.ndarray], kinds: list[np.ndarray], *, empty: int, answered: int) -> None:
    """In place: an empty option cell (kind ``empty``) of a row in which another option of the question was
    chosen (1) is "not chosen": 0, kind ``answered``."""
    if not columns:
        return
    chosen = np.any(np.column_stack([c == 1 for c in columns]), axis=1)
    for values, kind in zip(columns, kinds):
        blank = chosen & (kind == empty)
        values[blank] = 0.0
        kind[blank] = answered
