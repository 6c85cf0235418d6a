"""The one error type for bad input: every message names where the problem is and what was allowed."""
from __future__ import annotations


class InputError(ValueError):
    """Bad user input (data file, instrument, option). The CLI prints ``str(err)`` and exits 2.

    Build it with :func:`input_error` so every message has the same shape::

        responses.csv, row 12, column PQ3: value '7' is not allowed; allowed: 1-5
    """

    def __init__(self, message: str, problems: list[dict] | None = None):
        super().__init__(message)
        self.problems = problems or []


def locate(file: str | None = None, row: int | None = None, column: str | None = None) -> str:
    """The place of a problem as ``file, row R, column C`` (parts that are unknown are left out)."""
    parts = []
    if file:
        parts.append(str(file))
    if row is not None:
        parts.append(f"row {row}")
    if column is not None:
        parts.append(f"column {column}")
    return ", ".join(parts)


def input_error(problem: str, *, file: str | None = None, row: int | None = None,
                column: str | None = None, value: object = None, allowed: str | None = None) -> InputError:
    """An :class:`InputError` whose one-line message reads ``<place>: <problem> '<value>'; allowed: <allowed>``."""
    place = locate(file, row, column)
    text = problem if value is None else f"{problem} {value!r}"
    if allowed:
        text += f"; allowed: {allowed}"
    return InputError(f"{place}: {text}" if place else text)
