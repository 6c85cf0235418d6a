"""Fixtures of the robustness tests (issue 7): run the real command line in-process."""
from __future__ import annotations

import warnings

import pytest
from robustness_support import Outcome

from reports.cli import main


@pytest.fixture
def loyalty(capsys):
    """``loyalty(*args)`` runs ``reports.cli.main`` as the installed script does (argparse exits included);
    the warning filters it sets are restored afterwards."""
    def run(*args) -> Outcome:
        capsys.readouterr()
        with warnings.catch_warnings():
            try:
                code = main([str(a) for a in args])
            except SystemExit as stop:
                code = stop.code
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    return run
