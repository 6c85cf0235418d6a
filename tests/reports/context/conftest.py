"""Fixtures of the report-context tests: the session's demo run (its results.json, the instrument it used and its
report.md) and its report context in each language, built once per test process."""
import json

import pytest

from questionnaire.loader import parse_instrument
from reports.context import build_context


@pytest.fixture(scope="session")
def demo(demo_run):
    """(results, instrument, report.md text) of the session's demo run; tests read them and never change them."""
    results = json.loads((demo_run.out / "results.json").read_text(encoding="utf-8"))
    instrument = parse_instrument(results["instrument"], "results.json (instrument section)")
    return results, instrument, (demo_run.out / "report.md").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def contexts(demo):
    results, instrument, _ = demo
    return {lang: build_context(results, instrument, lang) for lang in ("zh", "en")}
