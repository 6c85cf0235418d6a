"""Statistical trouble is reported, never raised: a warning class plus a record in ``results.warnings``."""
from __future__ import annotations

import warnings
from dataclasses import dataclass


class StatisticalWarning(UserWarning):
    """Non-convergence, Heywood case, non-positive-definite matrix, validity failure, degenerate item."""


@dataclass(frozen=True)
class Diagnostic:
    """One warning as stored in ``results.json``: a stable machine ``code`` and a human ``message``."""

    code: str
    message: str


def warn(code: str, message: str) -> Diagnostic:
    """Emit a :class:`StatisticalWarning` and return the record to keep in the results."""
    warnings.warn(f"[{code}] {message}", StatisticalWarning, stacklevel=2)
    return Diagnostic(code, message)
