"""Issue 7.4: a run writes into a staging folder and its outputs replace the earlier ones only when it is
complete; a failed or interrupted run leaves --out byte-identical and no staging folder behind."""
from __future__ import annotations

import json
import os
import shutil
import warnings
from pathlib import Path

import pytest
from robustness_support import CORPUS, snapshot

import analysis.pipeline
import reports.outputs
import reports.report
from reports.cli import main

RUN = ["run", "--instrument", str(CORPUS / "instrument.yaml"), "--data", str(CORPUS / "good.csv"),
       "--bootstrap", "0", "--format", "md,xlsx"]


@pytest.fixture(scope="module")
def earlier_run(tmp_path_factory) -> Path:
    """The outputs of one complete run (results.json, exclusions.csv, model.lav, report.md, tables.xlsx, figures/)."""
    out = tmp_path_factory.mktemp("earlier") / "out"
    with warnings.catch_warnings():
        assert main([*RUN, "--out", str(out)]) == 0
    return out


@pytest.fixture
def out(earlier_run, tmp_path) -> Path:
    """A copy of the earlier outputs plus the user's own things: a note, an empty folder and a symlink."""
    folder = tmp_path / "out"
    shutil.copytree(earlier_run, folder)
    (folder / "notes.txt").write_text("my notes", encoding="utf-8")
    (folder / "drafts").mkdir()
    (folder / "latest").symlink_to("report.md")
    return folder


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.parent.iterdir() if p.name != folder.name]


def _fail_while_rendering(exception: BaseException):
    def render_report(results, instrument, out_dir, **options):
        (Path(out_dir) / "report.md").write_text("half a report", encoding="utf-8")
        (Path(out_dir) / "figures").mkdir()
        raise exception

    return render_report


def _interrupt_the_structural_model(*args, **kwargs):
    raise KeyboardInterrupt


@pytest.mark.parametrize("target,replacement,message", [
    (reports.report, ("render_report", _fail_while_rendering(RuntimeError("disk full"))),
     "loyalty: internal error: RuntimeError: disk full (rerun with --debug for details)"),
    (reports.report, ("render_report", _fail_while_rendering(KeyboardInterrupt())),
     "loyalty: interrupted; earlier outputs are untouched"),
    (analysis.pipeline, ("_structural", _interrupt_the_structural_model),
     "loyalty: interrupted; earlier outputs are untouched"),
], ids=["error while rendering", "Ctrl-C while rendering", "Ctrl-C while fitting the SEM"])
def test_a_failed_run_leaves_the_earlier_outputs_untouched(target, replacement, message, out, loyalty, monkeypatch):
    before = snapshot(out)
    monkeypatch.setattr(target, *replacement)
    outcome = loyalty(*RUN, "--out", out)
    assert outcome.code == 1
    assert outcome.err.splitlines()[-1] == message
    assert snapshot(out) == before
    assert _leftovers(out) == []


def test_a_failure_while_moving_the_outputs_in_is_rolled_back(out, loyalty, monkeypatch):
    """The 4th rename (the new report.md going in, after results.json's old one went aside) fails."""
    before = snapshot(out)
    rename = os.replace
    calls = []

    def flaky_replace(source, target):
        calls.append(Path(target).name)
        if len(calls) == 4:
            raise OSError(28, "No space left on device")
        rename(source, target)

    monkeypatch.setattr(reports.outputs.os, "replace", flaky_replace)
    outcome = loyalty(*RUN, "--out", out)
    assert outcome.code == 1 and "No space left on device" in outcome.err
    assert len(calls) > 4, "the rollback renames"
    assert snapshot(out) == before
    assert _leftovers(out) == []


def test_a_complete_run_replaces_its_outputs_and_keeps_the_users_files(out, loyalty):
    before = snapshot(out)
    outcome = loyalty(*RUN, "--out", out, "--seed", "2")
    assert outcome.code == 0, outcome.err
    after = snapshot(out)
    assert json.loads(after["results.json"])["meta"]["seed"] == 2
    assert after["results.json"] != before["results.json"]
    for mine in ("notes.txt", "drafts", "latest"):
        assert after[mine] == before[mine]
    assert (out / "latest").is_symlink()
    assert set(after) == set(before)
    assert _leftovers(out) == []


def test_the_current_folder_holding_the_data_can_be_the_output_folder(loyalty, tmp_path, monkeypatch):
    """`--out .` next to the data: the folder is never renamed away, the data file is never touched."""
    shutil.copy(CORPUS / "good.csv", tmp_path / "survey.csv")
    shutil.copy(CORPUS / "instrument.yaml", tmp_path / "instrument.yaml")
    monkeypatch.chdir(tmp_path)
    inode = os.stat(tmp_path).st_ino, os.stat(tmp_path / "survey.csv").st_ino
    outcome = loyalty("run", "--instrument", "instrument.yaml", "--data", "survey.csv", "--out", ".",
                      "--bootstrap", "0", "--format", "md")
    assert outcome.code == 0, outcome.err
    assert (os.stat(tmp_path).st_ino, os.stat(tmp_path / "survey.csv").st_ino) == inode
    assert (tmp_path / "survey.csv").read_bytes() == (CORPUS / "good.csv").read_bytes()
    assert {"results.json", "report.md", "figures"} <= {p.name for p in tmp_path.iterdir()}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
