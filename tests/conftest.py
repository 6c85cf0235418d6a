"""Test-session settings and the one demo run the session shares.

One BLAS thread, as `loyalty run` uses (small matrices; see analysis.pipeline).
"""
from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

import numpy  # noqa: F401  (loaded before the limit below: threadpoolctl limits only libraries already loaded)
import pytest
from threadpoolctl import threadpool_limits

from reports.cli import main

_BLAS_LIMIT = threadpool_limits(limits=1)

@dataclass(frozen=True)
class DemoRun:
    """``loyalty run --bootstrap 2000 --seed 1 --format md,xlsx`` on the bundled demo, from an empty folder
    (2000 resamples as lavaan's reference, tests/fixtures/lavaan_demo.json)."""

    bootstrap: int
    folder: Path        # the current folder of the run
    out: Path           # the default output folder it wrote
    exit_code: int
    printed: str        # what it printed on stdout


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> DemoRun:
    """The demo study run once per session; tests read its outputs and never write into them."""
    bootstrap = 2000
    folder = tmp_path_factory.mktemp("demo")
    printed = io.StringIO()
    previous = Path.cwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(printed):
            exit_code = main(["run", "--bootstrap", str(bootstrap), "--seed", "1", "--format", "md,xlsx"])
    finally:
        os.chdir(previous)
    return DemoRun(bootstrap, folder, folder / "loyalty-output", exit_code, printed.getvalue())
