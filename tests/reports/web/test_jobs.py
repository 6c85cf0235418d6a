"""Runs computed by the worker pool of a live server: ten users at once with separate, correct results and never
more runs computing than the pool's bound, re-rendering without refitting, and failures as one line (never a
traceback)."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import httpx
import openpyxl
import pytest

from analysis.classical.group_differences import levene_test
from analysis.simulate import simulate_study
from questionnaire.loader import load_instrument
from reports.web.jobs import JobPool, execute_task
from reports.web.storage import RunStore

TINY = Path(__file__).with_name("tiny_study.yaml")
USERS = 10


def cronbach_alpha(items) -> float:
    """α = k/(k−1)·(1 − Σ s²ᵢ / s²ₜ) of the columns of ``items`` (Cronbach 1951), computed here, apart from the app."""
    k = items.shape[1]
    return k / (k - 1) * (1 - items.var().sum() / items.sum(axis=1).var())


def levene_center_of(k: int) -> str:
    return ("mean", "median")[k % 2]


def one_user(url: str, k: int, web) -> dict:
    """User ``k`` in a browser of their own (own owner cookie): uploads a survey of their own (its size and seed
    differ per user) with the two-construct instrument and starts it (bootstrap 0, tables only, no exclusions,
    Levene's test centred on the mean or the median by turns)."""
    responses = simulate_study(load_instrument(TINY), n=120 + 10 * k, seed=11 + k, contaminate=False).responses
    buffer = io.StringIO()
    responses.to_csv(buffer, index=False)
    data = buffer.getvalue().encode("utf-8")
    client = httpx.Client(base_url=url, timeout=60)
    location = web.upload(client, (f"wave{k}.csv", data), ("tiny_study.yaml", TINY.read_bytes())).headers["location"]
    csrf = web.csrf_of(client.get(location).text)
    response = client.post(f"{location}/start", data={"csrf": csrf, "format": "xlsx", "bootstrap": "0",
                                                     "no_clean": "on", "lang": "en",
                                                     "levene_center": levene_center_of(k)})
    assert response.status_code == 303, response.text
    return {"client": client, "location": location, "data": data, "responses": responses}


@pytest.fixture(scope="module")
def ten_users(live_server, web):
    """Ten users uploading and starting their runs at once on the live server: per user the client, the run's
    address, the bytes uploaded and the responses they hold."""
    with ThreadPoolExecutor(USERS) as users:
        runs = list(users.map(lambda k: one_user(live_server.url, k, web), range(USERS)))
    for run in runs:
        run["status"] = web.wait_for(run["client"], run["location"])
    yield runs
    for run in runs:
        run["client"].close()


def test_ten_users_at_once_each_get_their_own_correct_results(ten_users):
    assert len({run["client"].cookies["loyalty_owner"] for run in ten_users}) == USERS
    for k, run in enumerate(ten_users):
        client, location = run["client"], run["location"]
        assert run["status"]["status"] == "done", client.get(location).text
        results = json.loads(client.get(f"{location}/run/files/results.json").content)
        assert results["meta"]["n_raw"] == results["meta"]["n_analyzed"] == len(run["responses"]) == 120 + 10 * k
        assert results["meta"]["data_sha256"] == hashlib.sha256(run["data"]).hexdigest()
        assert results["meta"]["data_file"] == results["input"]["file"] == f"wave{k}.csv"
        assert results["meta"]["instrument_id"] == "tiny-study"
        responses = run["responses"]
        for construct, comparison in zip(("SA", "LO"), results["group_differences"]):
            items = responses[[f"{construct}{i}" for i in (1, 2, 3)]]
            assert results["reliability"][construct]["alpha"] == pytest.approx(cronbach_alpha(items), abs=1e-12)
            groups = [items.mean(axis=1)[responses["tier"] == code].to_numpy() for code in (1, 2)]
            levene = levene_test(groups, levene_center_of(k))
            assert comparison["construct"] == construct and comparison["levene"]["center"] == levene.center
            assert comparison["levene"]["statistic"] == pytest.approx(levene.statistic, abs=1e-12)
        page = client.get(location).text
        assert "tables.xlsx" in page and f"wave{k}.csv" in page


def test_no_user_sees_or_downloads_another_users_run(ten_users):
    for k, run in enumerate(ten_users):
        other = ten_users[(k + 1) % USERS]["client"]
        location = run["location"]
        for address in (location, f"{location}/status.json", f"{location}/run/files/results.json",
                        f"{location}/run/report", f"{location}/run.zip", f"{location}/instrument.yaml"):
            assert other.get(address).status_code == 404, address
        assert location.rsplit("/", 1)[1] not in other.get("/").text


def test_the_pool_never_computed_more_runs_at_once_than_its_bound(ten_users, live_server):
    """From the start and end times the workers wrote (to the millisecond): at most ``workers`` runs at once,
    and more than one (the users were served in parallel)."""
    events = []
    for run in ten_users:
        task = json.loads((live_server.data_dir / "runs" / run["location"].rsplit("/", 1)[1] / "tasks"
                           / "run.json").read_text(encoding="utf-8"))
        events += [(dt.datetime.fromisoformat(task["started"]), 1), (dt.datetime.fromisoformat(task["finished"]), -1)]
    at_once = peak = 0
    for _, change in sorted(events):  # at equal times an end (-1) sorts before a start
        at_once += change
        peak = max(peak, at_once)
    assert 1 < peak <= live_server.pool.workers == 2


def test_rerendering_in_the_other_language_does_not_refit(ten_users, web):
    client, location = ten_users[0]["client"], ten_users[0]["location"]
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
    (live_server.data_dir / "runs" / location.rsplit("/", 1)[1] / "input" / "data.csv").unlink()
    csrf = web.csrf_of(live_client.get(location).text)
    live_client.post(f"{location}/start", data={"csrf": csrf, "format": "md", "bootstrap": "0"})
    status = web.wait_for(live_client, location)
    assert status["status"] == "failed" and status["error"] == "responses.csv: file not found"
    page = live_client.get(location).text
    assert 'id="run-error"' in page and "responses.csv: file not found" in page and "Traceback" not in page
    assert str(live_server.data_dir) not in page


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
