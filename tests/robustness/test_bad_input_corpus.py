"""Issue 7.1: every file of the bad-input corpus (tests/data/bad/MANIFEST.yaml) gets exit code 2, one clear
message naming what and where, no traceback, and nothing written to --out."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from robustness_support import CORPUS, ERROR_PREFIX, snapshot

MANIFEST = yaml.safe_load((CORPUS / "MANIFEST.yaml").read_text(encoding="utf-8"))
CASES = MANIFEST["cases"]
LOYALTY_SCRIPT = Path(sys.executable).with_name("loyalty")


DEFAULTS = {"--instrument": "instrument.yaml", "--data": "good.csv", "--out": "{out}", "--bootstrap": "0",
            "--format": "md"}


def _case_id(case: dict) -> str:
    """The corpus file, else the options that differ from the usual ones."""
    options = dict(zip(case["args"][1::2], case["args"][2::2]))
    return case["file"] or " ".join(f"{k} {v}" for k, v in options.items() if DEFAULTS.get(k) != v)


@pytest.fixture(scope="module")
def corpus_copy(tmp_path_factory) -> Path:
    """A private copy of the corpus, so no case can write into the repository."""
    folder = tmp_path_factory.mktemp("corpus") / "bad"
    shutil.copytree(CORPUS, folder)
    return folder


def _args(case: dict, out: Path) -> list[str]:
    return [str(out) if a == "{out}" else a for a in case["args"]]


def test_the_corpus_has_30_files_each_with_a_case():
    files = {p.name for p in CORPUS.iterdir()}
    named = {c["file"] for c in CASES if c["file"]}
    assert named <= files
    assert files - set(MANIFEST["support"]) <= named, "a corpus file without a case in MANIFEST.yaml"
    assert len(named - set(MANIFEST["support"])) >= 30
    assert all(c["exit"] == 2 for c in CASES)


def test_the_good_files_the_corpus_is_made_from_are_valid(loyalty, corpus_copy, monkeypatch, tmp_path):
    monkeypatch.chdir(corpus_copy)
    for data in ("good.csv", "good.xlsx"):
        outcome = loyalty("validate", "--instrument", "instrument.yaml", "--data", data, "--out", tmp_path)
        assert outcome.code == 0, outcome.err
        assert f"{data}: 130 respondents, every answer valid" in outcome.out


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_bad_input_exits_2_with_one_message_and_writes_nothing(case, loyalty, corpus_copy, monkeypatch, tmp_path):
    monkeypatch.chdir(corpus_copy)
    before = snapshot(corpus_copy)
    out = tmp_path / "out"
    outcome = loyalty(*_args(case, out))
    assert outcome.code == case["exit"], outcome.err
    assert outcome.out == ""
    assert "Traceback" not in outcome.err
    assert outcome.err.count(ERROR_PREFIX) == 1
    progress = outcome.err[:outcome.err.index(ERROR_PREFIX)].splitlines()
    assert all(line.startswith("· ") for line in progress if line.strip()), progress
    assert re.fullmatch(case["message"], outcome.message), outcome.message
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [], "a staging folder was left behind"
    assert snapshot(corpus_copy) == before


def test_bad_input_leaves_earlier_outputs_untouched(loyalty, corpus_copy, monkeypatch, tmp_path):
    monkeypatch.chdir(corpus_copy)
    out = tmp_path / "out"
    (out / "figures").mkdir(parents=True)
    (out / "results.json").write_text('{"meta": {}}', encoding="utf-8")
    (out / "figures" / "scree.png").write_bytes(b"\x89PNG earlier run")
    before = snapshot(out)
    late = ("too_few_after_cleaning.csv", "instrument_cycle.yaml", "export.pdf", None)
    for case in [c for c in CASES if c["file"] in late]:
        outcome = loyalty(*_args(case, out))
        assert outcome.code == 2, outcome.err
        assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode; the unreadable cases for "
                                              "root are the folders given as --data and --instrument in the corpus")
def test_a_file_that_cannot_be_read(loyalty, corpus_copy, tmp_path):
    locked = tmp_path / "locked.csv"
    shutil.copy(corpus_copy / "good.csv", locked)
    locked.chmod(0)
    outcome = loyalty("run", "--instrument", corpus_copy / "instrument.yaml", "--data", locked,
                      "--out", tmp_path / "out", "--bootstrap", "0", "--format", "md")
    assert outcome.code == 2
    assert outcome.message == f"{locked}: cannot open the file (Permission denied)"
    assert not (tmp_path / "out").exists()


def test_the_installed_script_prints_the_message_and_no_traceback(corpus_copy, tmp_path):
    """The real `loyalty` executable, for one case that fails while reading and one that fails mid-run."""
    assert LOYALTY_SCRIPT.exists()
    for name in ("binary_garbage.xlsx", "too_few_after_cleaning.csv"):
        case = next(c for c in CASES if c["file"] == name)
        out = tmp_path / name
        done = subprocess.run([str(LOYALTY_SCRIPT), *_args(case, out)], cwd=corpus_copy, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 2
        assert done.stdout == ""
        assert "Traceback" not in done.stderr
        lines = [line for line in done.stderr.splitlines() if not line.startswith("· ") and line.strip()]
        assert len(lines) == 1 and lines[0].startswith(ERROR_PREFIX)
        assert re.fullmatch(case["message"], lines[0][len(ERROR_PREFIX):])
        assert not out.exists()
