"""The web app under test: an ASGI test client on a fresh data folder (no worker process is started until a
test submits a task), and one live server with two workers that the task tests and the browser test share."""
from __future__ import annotations

import re
import socket
import threading
import time
import warnings
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
import uvicorn

from reports.web.app import create_app
from reports.web.settings import ServeSettings

with warnings.catch_warnings():  # starlette's note that a future TestClient will use httpx2
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

DEMO_CSV = Path(__file__).resolve().parents[3] / "data" / "demo" / "responses.csv"


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


def upload(client, data: tuple[str, bytes], instrument: tuple[str, bytes] | None = None, **fields):
    """POST the start page's form (data file, optional instrument) as the browser would."""
    csrf = csrf_of(client.get("/").text)
    files = {"data": (data[0], data[1], "application/octet-stream")}
    if instrument:
        files["instrument"] = (instrument[0], instrument[1], "application/x-yaml")
    form = {"csrf": csrf, "instrument_choice": "upload" if instrument else "bundled", **fields}
    return client.post("/runs", data=form, files=files, follow_redirects=False)


@pytest.fixture(scope="session")
def web():
    """The helpers of these tests: ``csrf_of``, ``upload``, ``wait_for``, ``demo_csv``."""
    return SimpleNamespace(csrf_of=csrf_of, upload=upload, wait_for=wait_for, demo_csv=DEMO_CSV)


@pytest.fixture
def app(tmp_path):
    return create_app(ServeSettings(data_dir=tmp_path / "data", workers=1))


@pytest.fixture
def client(app):
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def demo_upload(client):
    """The demo export uploaded and validated: the run's address."""
    response = upload(client, ("responses.csv", DEMO_CSV.read_bytes()))
    assert response.status_code == 303
    return response.headers["location"]


def wait_for(client, run_url: str, task: str = "run", timeout: float = 120) -> dict:
    """Poll ``status.json`` until ``task`` has ended; its status."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.get(f"{run_url}/status.json").json().get(task, {})
        if status.get("status") in ("done", "failed"):
            return status
        time.sleep(0.2)
    raise AssertionError(f"{run_url} {task} did not end within {timeout} s")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """`loyalty serve` in a thread (uvicorn on a socket it is handed, two worker processes, as `loyalty serve`
    starts it): its ``url``, ``data_dir`` and job ``pool``."""
    data_dir = tmp_path_factory.mktemp("serve")
    listening = socket.create_server(("127.0.0.1", 0))
    port = listening.getsockname()[1]
    app = create_app(ServeSettings(data_dir=data_dir, workers=2))
    app.state.web.pool.warm()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield SimpleNamespace(url=f"http://127.0.0.1:{port}", data_dir=data_dir, pool=app.state.web.pool)
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def live_client(live_server):
    with httpx.Client(base_url=live_server.url, timeout=30) as http:
        yield http
