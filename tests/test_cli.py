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
    (["run", "--missing", "pairwise"], r"argument --missing: invalid choice: 'pairwise' \(choose from .*listwise.*fiml"),
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

    def run(server, sockets):
        started.update(app=server.config.app, address=sockets[0].getsockname())
        sockets[0].close()

    monkeypatch.setattr(uvicorn.Server, "run", run)
    assert main(["serve", "--host", "0.0.0.0", "--port", "0", "--data-dir", str(tmp_path), "--no-browser"]) == 0
    port = started["address"][1]
    token = re.search(rf"http://0\.0\.0\.0:{port}/\?token=(\S+)", capsys.readouterr().out).group(1)
    assert started["address"][0] == "0.0.0.0" and started["app"].state.web.settings.token == token
    assert main(["serve", "--port", "0", "--data-dir", str(tmp_path), "--no-browser"]) == 0
    assert f"open http://127.0.0.1:{started['address'][1]}/  (runs stored in" in capsys.readouterr().out
    assert started["address"][0] == "127.0.0.1" and started["app"].state.web.settings.token is None
    assert main(["serve", "--port", "0", "--token", "mine", "--data-dir", str(tmp_path), "--no-browser"]) == 0
    assert "/?token=mine" in capsys.readouterr().out

    def interrupted(server, sockets):  # Ctrl-C: uvicorn shuts down, then raises the signal again
        sockets[0].close()
        raise KeyboardInterrupt

    monkeypatch.setattr(uvicorn.Server, "run", interrupted)
    assert main(["serve", "--port", "0", "--data-dir", str(tmp_path), "--no-browser"]) == 0
    assert capsys.readouterr().out.endswith("Ctrl-C stops)\nloyalty serve: stopped\n")
    for wrong in (["--port", "http"], ["--port", "65536"], ["--workers", "0"]):
        with pytest.raises(SystemExit) as exit_info:
            main(["serve", *wrong])
        assert exit_info.value.code == 2


def test_serve_on_a_taken_port_is_one_line_and_exit_2(tmp_path, capsys):
    import errno
    import os
    import socket

    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port), "--data-dir", str(tmp_path), "--no-browser"]) == 2
    error = capsys.readouterr().err
    assert error == (f"loyalty: error: --host 127.0.0.1 --port {port}: cannot listen there "
                     f"({os.strerror(errno.EADDRINUSE)}); choose another --port\n")


def test_run_options_maps_every_option_of_loyalty_run():
    from reports.commands import run_options

    args = build_parser().parse_args(["run", "--levene-center", "median", "--nonparametric", "--min-group", "5"])
    options = run_options(vars(args))
    assert (options.levene_center, options.nonparametric, options.min_group) == ("median", True, 5)
    assert run_options(vars(build_parser().parse_args(["run"]))).levene_center == "mean"
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "--levene-center", "mode"])
    assert exit_info.value.code == 2


def test_a_minimal_instrument_reads_an_existing_labelled_data_set(tmp_path, capsys):
    """Items given by id alone, options as a mapping, a scale labelled at its endpoints (issue 11, item 9):
    `validate` reads label cells through them and shows the instrument's warning; a label the scale does not
    have is still an error naming its place."""
    instrument = tmp_path / "minimal.yaml"
    instrument.write_text("id: my-study\ntitle: 调查\nlanguages: [zh]\n"
                          "scale: {min: 1, max: 5, labels: {1: 非常不同意, 5: 非常同意}}\n"
                          "constructs: [{id: CS, name: 顾客满意, items: [CS1, CS2, CS3]}]\n"
                          "questions: [{id: gender, type: single, text: 性别, options: {1: 男, 2: 女}}]\n",
                          encoding="utf-8")
    data = pd.read_csv(demo_data_path(), usecols=["resp_id", "gender", "CS1", "CS2", "CS3"]).head(100).astype(object)
    data["gender"] = data["gender"].map({1: "男", 2: "女"})
    data.loc[data["CS1"] == 5, "CS1"] = "非常同意"
    data.to_csv(tmp_path / "data.csv", index=False)
    argv = ["validate", "--data", str(tmp_path / "data.csv"), "--instrument", str(instrument), "--out", str(tmp_path)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "minimal.yaml: warning: 3 item(s) have no text in the instrument (CS1, CS2, CS3)" in out
    assert "data.csv: 100 respondents, every answer valid" in out
    data.loc[3, "CS2"] = "同意"
    data.to_csv(tmp_path / "data.csv", index=False)
    assert main(argv) == 2
    assert "data.csv, row 5, column CS2: value '同意' is not an answer code or label; allowed: 1–5 (非常不同意 … 非常同意)" \
        in capsys.readouterr().err
    instrument.write_text(instrument.read_text(encoding="utf-8").replace("{1: 男", "{male: 男"), encoding="utf-8")
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "minimal.yaml: 1 problem in the instrument: questions[0].options.male: option code " \
        "'male' is not an integer; allowed: a mapping of integer codes to labels such as {1: 男, 2: 女}" in err
