"""Progress on stderr while a run works: one line per stage, a bar for the bootstrap."""
from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

STAGE_NAMES = {
    "read": "reading and validating the data", "clean": "cleaning", "missing": "missing data",
    "descriptives": "descriptive statistics", "psychometrics": "reliability, KMO, EFA",
    "cfa": "confirmatory factor analysis and validity",
    "classical": "item analysis, correlations, regression", "sem": "structural model",
    "bootstrap": "bootstrap resamples",
}


@contextlib.contextmanager
def progress_reporter(enabled: bool = True) -> Iterator:
    """Yield ``report(stage, done, total)``; stages print a line, the bootstrap drives a bar (stderr only)."""
    console = Console(file=sys.stderr, highlight=False)
    if not enabled:
        yield None
        return
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   console=console, transient=True)
    tasks: dict[str, int] = {}

    def report(stage: str, done: int, total: int) -> None:
        if stage != "bootstrap":
            console.print(f"· {STAGE_NAMES.get(stage, stage)}")
            return
        if stage not in tasks:
            bar.start()
            tasks[stage] = bar.add_task(STAGE_NAMES["bootstrap"], total=total)
        bar.update(tasks[stage], completed=done)

    try:
        yield report
    finally:
        bar.stop()
