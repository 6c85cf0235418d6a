"""The command line (Contract 2): help everywhere, exit codes, the demo run, a measurement-only study."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pandas as pd
import pytest
import yaml

from analysis.pipeline import demo_data_path
from analysis.sem.models import fit_model
from questionnaire.instrument import bundled_instrument_path
from reports.cli import build_parser, main

COMMANDS = [["run"], ["validate"], ["report"], ["questionnaire"], ["questionnaire", "render"],
            ["questionnaire", "template"], ["simulate"]]


@pytest.mark.parametrize("command", [[], *COMMANDS], ids=lambda c: " ".join(c) or "loyalty")
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    assert "usage: loyalty" in capsys.readouterr().out


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().out


@pytest.mark.parametrize("argv,message", [
    (["run", "--bootstrap", "-1"], r"argument --bootstrap: '-1' must be 0 or more"),
    (["run", "--format", "pdf"], r"argument --format: unknown format 'pdf'; allowed: docx,html,md,xlsx"),
    (["run", "--max-missing", "2"], r"argument --max-missing: '2' must be between 0 and 1"),
    (["run", "--min-duration", "soon"], r"argument --min-duration: 'soon' is not a number of seconds"),
    (["run", "--correlation", "kendall"], r"argument --correlation: invalid choice: 'kendall'"),
    (["run", "--min-group", "1"], r"argument --min-group: '1' must be 2 or more"),
    (["report"], r"the following arguments are required: --results"),
    (["frobnicate"], r"invalid choice: 'frobnicate'"),
    (["run", "--estimator", "WLSMV"], r"argument --estimator: invalid choice: 'WLSMV' \(choose from .*MLR.*auto"),
])
def test_usage_errors_are_one_line_with_exit_2(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert __import__("re").search(message, err)


def test_bad_input_exits_2_with_one_line_and_no_traceback(tmp_path, capsys):
    code = main(["run", "--data", str(tmp_path / "nowhere.csv"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert "nowhere.csv" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_internal_error_exits_1_with_one_line(monkeypatch, tmp_path, capsys):
    import analysis.pipeline

    def broken(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(analysis.pipeline, "run_study", broken)
    assert main(["run", "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.strip() == ("loyalty: internal error: RuntimeError: simulated bug "
                           "(rerun with --debug for details)")


def test_demo_run_writes_every_output_and_says_where(demo_run):
    assert demo_run.exit_code == 0
    out = demo_run.out
    assert f"outputs in {out}" in demo_run.printed
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["meta"]["n_raw"] == 540 and results["meta"]["n_excluded"] == 40
    assert results["meta"]["bootstrap"] == demo_run.bootstrap
    exclusions = (out / "exclusions.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(exclusions) - 1 == len(results["exclusions"])
    model = (out / "model.lav").read_text(encoding="utf-8")
    assert "\nPQ =~ 1*PQ1 + PQ2 + PQ3 + PQ4\n" in model
    assert "CS ~ b_CS_PQ*PQ + b_CS_SQ*SQ + b_CS_PR*PR + b_CS_BI*BI + b_CS_EX*EX" in model
    assert f"bootstrap = {demo_run.bootstrap}" in model
    model_data = pd.read_csv(out / "model_data.csv")
    assert len(model_data) == results["meta"]["n_analyzed"] and model_data["PQ1"].dtype.kind == "i"
    refit = fit_model(model_data, model)
    assert refit.chisq == pytest.approx(results["sem"]["fit"]["chisq"], rel=1e-9)
    assert str(results["meta"]["n_analyzed"]) in (out / "report.md").read_text(encoding="utf-8")
    assert not (out / "report.docx").exists()


def test_measurement_only_study_runs_up_to_validity(tmp_path, capsys):
    """An instrument without a structural model: everything up to CFA and validity, no SEM (issue 4)."""
    document = yaml.safe_load(bundled_instrument_path().read_text(encoding="utf-8"))
    for key in ("structural", "hypotheses", "outcome"):
        document.pop(key)
    instrument = tmp_path / "measurement.yaml"
    instrument.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", "--instrument", str(instrument), "--out", str(out), "--format", "md",
                 "--correlation", "spearman", "--sqrt-ave"]) == 0
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    for section in ("descriptives", "item_analysis", "reliability", "factorability", "efa", "common_method", "cfa",
                    "validity", "correlations"):
        assert results[section], section
    assert results["correlations"]["method"] == "spearman"
    assert results["correlations"]["sqrt_ave"]["PQ"] == pytest.approx(results["validity"]["ave"]["PQ"] ** 0.5)
    assert "regression" not in results and results["skipped"]["regression"].startswith("the instrument has no")
    assert results["reliability"]["PQ"]["alpha"] > 0.7
    items, constructs = sum(len(c["items"]) for c in document["constructs"]), len(document["constructs"])
    assert results["efa"]["n_factors"] == constructs
    # moments − (loadings + residual variances + latent (co)variances)
    assert results["cfa"]["fit"]["df"] == items * (items + 1) // 2 - (2 * items - constructs + constructs * (constructs + 1) // 2)
    assert "sem" not in results and "ipma" not in results
    assert results["skipped"]["sem"] == "the instrument has no structural model (measurement study)"
    assert "CS ~" not in (out / "model.lav").read_text(encoding="utf-8")


def test_report_rerenders_one_chapter_without_refitting(demo_run, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    shutil.copy(demo_run.out / "results.json", out / "results.json")
    import analysis.pipeline

    monkeypatch.setattr(analysis.pipeline, "run_study", None)  # any refit would crash
    assert main(["report", "--results", str(out / "results.json"), "--chapter", "3", "--lang", "en",
                 "--format", "md"]) == 0
    chapter = (out / "chapter3.md").read_text(encoding="utf-8")
    chapters = [line for line in chapter.splitlines() if line.startswith("## ")]
    assert chapters == ["## Chapter 3 The state of customer loyalty in e-commerce"]


def test_questionnaire_commands(tmp_path, capsys):
    target = tmp_path / "q.html"
    assert main(["questionnaire", "render", "--lang", "zh", "--format", "html", "--out", str(target)]) == 0
    assert "本题请选择" in target.read_text(encoding="utf-8")
    assert main(["questionnaire", "template", str(tmp_path / "entry.txt")]) == 2
    assert "must be an .xlsx file" in capsys.readouterr().err


def test_simulate_writes_data_and_truth(tmp_path, capsys):
    assert main(["simulate", "--n", "120", "--seed", "4", "--out", str(tmp_path)]) == 0
    truth = yaml.safe_load((tmp_path / "truth.yaml").read_text(encoding="utf-8"))
    assert truth["seed"] == 4 and truth["n_usable"] == 120
    assert "wrote" in capsys.readouterr().out


def test_installed_script_runs_help():
    result = subprocess.run([sys.executable, "-m", "reports.cli", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "simulate" in result.stdout
    assert build_parser().prog == "loyalty"


def test_an_item_nobody_answered_is_named(tmp_path, capsys):
    responses = pd.read_csv(demo_data_path())
    responses["PQ2"] = None
    data = tmp_path / "responses.csv"
    responses.to_csv(data, index=False)
    assert main(["run", "--data", str(data), "--out", str(tmp_path / "out")]) == 2
    assert ("responses.csv, column PQ2: no kept respondent answered item PQ2; allowed: answers in every item "
            "column, or the item removed from the instrument") in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_control_question_missing_from_the_data_is_named(tmp_path, capsys):
    data = tmp_path / "responses.csv"
    pd.read_csv(demo_data_path()).drop(columns=["education"]).head(120).to_csv(data, index=False)
    assert main(["run", "--data", str(data), "--out", str(tmp_path / "out")]) == 2
    assert ("responses.csv, column education: control question not in the data; allowed: a column for every "
            "question listed in the instrument's controls") in capsys.readouterr().err


def test_a_construct_on_a_seven_point_scale_runs_to_the_report(tmp_path, capsys):
    document = yaml.safe_load(bundled_instrument_path().read_text(encoding="utf-8"))
    points = [str(i) for i in range(1, 8)]
    document["constructs"][6]["scale"] = {"min": 1, "max": 7, "labels": {"zh": points, "en": points}}
    instrument = tmp_path / "seven.yaml"
    instrument.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    assert main(["simulate", "--instrument", str(instrument), "--n", "400", "--out", str(tmp_path)]) == 0
    out = tmp_path / "out"
    assert main(["run", "--instrument", str(instrument), "--data", str(tmp_path / "responses.csv"),
                 "--out", str(out), "--bootstrap", "50", "--format", "md"]) == 0
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["descriptives"]["items"]["LY1"]["max"] == 7
    assert len(results["ipma"]) == 5 and (out / "figures" / "likert.png").exists()


def test_bca_intervals_on_request(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", "--bootstrap", "200", "--bca", "--out", str(out), "--format", "md"]) == 0
    indirect = json.loads((out / "results.json").read_text(encoding="utf-8"))["sem"]["indirect"]
    assert len(indirect) == 5
    for effect in indirect:
        assert effect["ci_lower_bca"] < effect["est"] < effect["ci_upper_bca"]


def test_validate_lists_the_optional_columns_not_found(tmp_path, capsys):
    data = tmp_path / "data.csv"
    pd.read_csv(demo_data_path()).head(120).drop(columns=["duration_s", "income", "suggestion"]).to_csv(data, index=False)
    assert main(["validate", "--data", str(data), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "every answer valid" in out and "optional columns not found, not analysed: duration_s, income, suggestion" in out
    listed = pd.read_csv(tmp_path / "out" / "validation.csv", encoding="utf-8-sig")
    assert listed["column"].tolist() == ["duration_s", "income", "suggestion"]
    assert set(listed["code"]) == {"optional_column_not_found"}


def test_serve_asks_a_token_off_this_computer_and_prints_the_address(monkeypatch, tmp_path, capsys):
    import uvicorn

    from reports.web.jobs import JobPool

    started = {}
    monkeypatch.setattr(JobPool, "warm", lambda pool: None)  # no worker processes for this test
    monkeypatch.setattr(uvicorn, "run", lambda app, host, port, log_level: started.update(app=app, host=host))
    assert main(["serve", "--host", "0.0.0.0", "--port", "9000", "--data-dir", str(tmp_path), "--no-browser"]) == 0
    token = re.search(r"http://0\.0\.0\.0:9000/\?token=(\S+)", capsys.readouterr().out).group(1)
    assert started["host"] == "0.0.0.0" and started["app"].state.web.settings.token == token
    assert main(["serve", "--data-dir", str(tmp_path), "--no-browser"]) == 0
    assert "open http://127.0.0.1:8765/  (runs stored in" in capsys.readouterr().out
    assert started["app"].state.web.settings.token is None
    assert main(["serve", "--token", "mine", "--data-dir", str(tmp_path), "--no-browser"]) == 0
    assert "/?token=mine" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        main(["serve", "--port", "http"])
    assert exit_info.value.code == 2
