"""Reading one value of the results dict: a finite number, a mapping, a list of records, a string."""
from __future__ import annotations

import math

from analysis.sem.models import ALPHA


def number(x) -> float | int | None:
    """``x`` when it is a finite int or float (bool excluded), else None."""
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        return None
    return x


def mapping(x) -> dict:
    """``x`` when it is a dict, else an empty one."""
    return x if isinstance(x, dict) else {}


def records(x) -> list[dict]:
    """The dicts of ``x`` when it is a list, else none."""
    return [r for r in x if isinstance(r, dict)] if isinstance(x, list) else []


def text(x) -> str | None:
    """``x`` when it is a non-empty string, else None."""
    return x if isinstance(x, str) and x else None


def is_significant(pvalue: float | None) -> bool:
    """A p-value below the significance level of the analysis (:data:`analysis.sem.models.ALPHA`)."""
    return pvalue is not None and pvalue < ALPHA
