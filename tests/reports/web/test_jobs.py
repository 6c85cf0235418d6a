"""Runs computed by the worker pool of a live server: several at once with separate results, re-rendering
without refitting, and failures as one line (never a traceback)."""
from __future__ import annotations

import hashlib
import io
import json
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import openpyxl
import pytest

from analysis.simulate import simulate_study
from questionnaire.loader import load_instrument
from reports.web.jobs import JobPool, execute_task
from reports.web.storage import RunStore

TINY = Path(__file__).with_name("tiny_study.yaml")
SIZES = (120, 130, 140)


@pytest.fixture(scope="module")
def three_runs(live_server, web):
    """Three different small surveys of a two-construct instrument (uploaded with them), started at once
    (bootstrap 0, tables only): the client, and per run its address and the bytes uploaded."""
    import httpx

    client = httpx.Client(base_url=live_server[0], timeout=60)
    instrument = load_instrument(TINY)
    runs = []
    for k, n in enumerate(SIZES):
        buffer = io.StringIO()
        simulate_study(instrument, n=n, seed=11 + k, contaminate=False).responses.to_csv(buffer, index=False)
        data = buffer.getvalue().encode("utf-8")
        response = web.upload(client, (f"wave{k}.csv", data), ("tiny_study.yaml", TINY.read_bytes()))
        location = response.headers["location"]
        runs.append((location, data))
    for location, _ in runs:
        csrf = web.csrf_of(client.get(location).text)
        response = client.post(f"{location}/start", data={"csrf": csrf, "format": "xlsx", "bootstrap": "0",
                                                         "lang": "en"})
        assert response.status_code == 303, response.text
    yield client, runs
    client.close()


def test_three_runs_at_once_each_get_their_own_correct_results(three_runs, web):
    client, runs = three_runs
    for k, (location, data) in enumerate(runs):
        assert web.wait_for(client, location)["status"] == "done", client.get(location).text
        results = json.loads(client.get(f"{location}/run/files/results.json").content)
        assert results["meta"]["n_raw"] == SIZES[k]
        assert results["meta"]["data_sha256"] == hashlib.sha256(data).hexdigest()
        assert results["meta"]["data_file"] == results["input"]["file"] == f"wave{k}.csv"
        assert results["meta"]["instrument_id"] == "tiny-study"
        page = client.get(location).text
        assert "tables.xlsx" in page and f"wave{k}.csv" in page


def test_rerendering_in_the_other_language_does_not_refit(three_runs, web):
    client, runs = three_runs
    location = runs[0][0]
    web.wait_for(client, location)
    before = client.get(f"{location}/run/files/results.json").content
    csrf = web.csrf_of(client.get(location).text)
    response = client.post(f"{location}/render", data={"csrf": csrf, "lang": "zh"})
    assert response.status_code == 303 and response.headers["location"].endswith("?view=render-zh")
    assert web.wait_for(client, location, "render-zh")["status"] == "done"
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"{location}/render-zh/files/tables.xlsx").content))
    assert any("\u4e00" <= ch <= "\u9fff" for name in workbook.sheetnames for ch in name)
    assert client.get(f"{location}/render-zh/files/results.json").status_code == 404  # nothing was refitted
    assert client.get(f"{location}/run/files/results.json").content == before


def test_a_failed_run_shows_its_one_line_error(live_server, live_client, web):
    location = web.upload(live_client, ("responses.csv", web.demo_csv.read_bytes())).headers["location"]
    (live_server[1] / "runs" / location.rsplit("/", 1)[1] / "input" / "data.csv").unlink()
    csrf = web.csrf_of(live_client.get(location).text)
    live_client.post(f"{location}/start", data={"csrf": csrf, "format": "md", "bootstrap": "0"})
    status = web.wait_for(live_client, location)
    assert status["status"] == "failed" and status["error"] == "responses.csv: file not found"
    page = live_client.get(location).text
    assert 'id="run-error"' in page and "responses.csv: file not found" in page and "Traceback" not in page
    assert str(live_server[1]) not in page


def test_an_internal_error_is_one_line_too(tmp_path):
    run = RunStore(tmp_path).create("owner-a" * 3, data_name="a.csv", data_file="data.csv")
    run.set_task("run", status="queued", request={"lang": "zh"})
    execute_task(str(run.folder), "run")
    assert run.task("run")["status"] == "failed"
    assert run.task("run")["error"] == "internal error: KeyError: 'bootstrap'"


def test_a_dead_worker_fails_its_task_and_the_pool_is_replaced(tmp_path):
    run = RunStore(tmp_path).create("owner-a" * 3)
    pool = JobPool(workers=1, max_queued=1)
    pool._pending = 1  # noqa: SLF001 - as after submit
    future = Future()
    future.set_exception(BrokenProcessPool("killed"))
    pool._finished(future, run, "run")  # noqa: SLF001
    assert run.task("run")["error"] == "internal error: the worker process stopped (BrokenProcessPool)"
    assert pool._pending == 0 and pool._executor is None  # noqa: SLF001
