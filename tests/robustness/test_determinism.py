"""Issue 7.3: the same input and seed give a byte-identical results.json — across runs, wherever the data file
lies, and with 1 or 2 worker processes.

The one field allowed to differ is ``meta.timings`` (seconds per stage); the comparison cuts that block out
of the file text and compares the rest byte for byte. Nothing else in results.json depends on the clock, the
machine or the folder: ``input.file`` and ``meta.data_file`` hold the file name only.
"""
from __future__ import annotations

import json
import re
import shutil

from analysis.pipeline import demo_data_path

TIMINGS = re.compile(r'\n  "timings": \{[^{}]*\}')


def _results(loyalty, out, *options) -> bytes:
    outcome = loyalty("run", "--out", out, "--bootstrap", "50", "--format", "xlsx", *options)
    assert outcome.code == 0, outcome.err
    return (out / "results.json").read_bytes()


def _without_timings(raw: bytes) -> bytes:
    text = raw.decode("utf-8")
    assert len(TIMINGS.findall(text)) == 1
    assert json.loads(text)["meta"]["timings"]
    return TIMINGS.sub("", text).encode("utf-8")


def test_same_input_and_seed_give_identical_results_json(loyalty, tmp_path):
    elsewhere = tmp_path / "copy" / "responses.csv"
    elsewhere.parent.mkdir()
    shutil.copy(demo_data_path(), elsewhere)
    first = _results(loyalty, tmp_path / "a", "--workers", "1")   # the default uses every core
    again = _results(loyalty, tmp_path / "b", "--data", elsewhere)
    parallel = _results(loyalty, tmp_path / "c", "--workers", "2")
    assert _without_timings(again) == _without_timings(first)
    assert _without_timings(parallel) == _without_timings(first)
    other_seed = _results(loyalty, tmp_path / "d", "--seed", "2")
    assert _without_timings(other_seed) != _without_timings(first), "the seed must matter (bootstrap, EFA)"
    results = json.loads(first)
    assert results["input"]["file"] == results["meta"]["data_file"] == "responses.csv"
