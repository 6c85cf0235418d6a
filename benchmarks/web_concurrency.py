"""Ten users at once on `loyalty serve`: each uploads a different survey and starts a run; all must end with
correct, separate results while the bounded worker pool computes at most ``--workers`` at a time.

A live server (uvicorn, as `loyalty serve` starts it) in this process; one thread per user driving it over
HTTP with its own cookies. Checks per run: ``meta.n_raw``, ``meta.data_sha256`` and ``meta.data_file`` are those
of the user's own upload, and no user can open another user's run. The demo-size load figure; the test suite
checks the same at a small size (tests/reports/web/test_jobs.py).

    python benchmarks/web_concurrency.py [--users 10] [--workers 2] [--bootstrap 20] [--format xlsx]
"""
from __future__ import annotations

import argparse
import hashlib
import io
import re
import socket
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import uvicorn

from analysis.simulate import simulate_study
from questionnaire.instrument import bundled_instrument_path
from questionnaire.loader import load_instrument
from reports.web.app import create_app
from reports.web.settings import ServeSettings


def one_user(base: str, k: int, n: int, args) -> dict:
    """Upload a survey of ``n`` respondents, start it, wait; what the server returned and what was sent."""
    instrument = load_instrument(bundled_instrument_path())
    buffer = io.StringIO()
    simulate_study(instrument, n=n, seed=100 + k, contaminate=False).responses.to_csv(buffer, index=False)
    data = buffer.getvalue().encode("utf-8")
    started = time.perf_counter()
    with httpx.Client(base_url=base, timeout=120) as client:
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get("/").text).group(1)
        response = client.post("/runs", data={"csrf": csrf, "instrument_choice": "bundled"},
                               files={"data": (f"user{k}.csv", data, "text/csv")}, follow_redirects=False)
        location = response.headers["location"]
        client.post(f"{location}/start", data={"csrf": csrf, "bootstrap": str(args.bootstrap),
                                               "format": args.format.split(","), "lang": "en"})
        while (status := client.get(f"{location}/status.json").json()["run"])["status"] in ("queued", "running"):
            time.sleep(0.5)
        results = client.get(f"{location}/run/files/results.json").json() if status["status"] == "done" else None
    return {"k": k, "n": n, "sha": hashlib.sha256(data).hexdigest(), "location": location, "status": status,
            "results": results, "seconds": time.perf_counter() - started}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--bootstrap", type=int, default=20)
    parser.add_argument("--format", default="xlsx")
    args = parser.parse_args()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    data_dir = Path(tempfile.mkdtemp(prefix="loyalty-serve-bench-"))
    app = create_app(ServeSettings(data_dir=data_dir, workers=args.workers))
    app.state.web.pool.warm()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    with ThreadPoolExecutor(args.users) as users:
        done = list(users.map(lambda k: one_user(base, k, 150 + 10 * k, args), range(args.users)))
    wall = time.perf_counter() - started
    failures = []
    for run in done:
        meta = (run["results"] or {}).get("meta", {})
        ok = (run["status"]["status"] == "done" and meta.get("n_raw") == run["n"]
              and meta.get("data_sha256") == run["sha"] and meta.get("data_file") == f"user{run['k']}.csv")
        print(f"user {run['k']}: n = {run['n']}, {run['status']['status']}, {run['seconds']:.1f} s, "
              f"results {'correct and its own' if ok else 'WRONG'}")
        failures += [] if ok else [run]
    with httpx.Client(base_url=base) as stranger:  # another browser: no run of anyone else opens
        private = all(stranger.get(run["location"]).status_code == 404 for run in done)
    print(f"{args.users} users, {args.workers} workers, bootstrap {args.bootstrap}: all ended in {wall:.1f} s; "
          f"{len(failures)} wrong; runs private to their browser: {private}")
    server.should_exit = True
    return 1 if failures or not private else 0


if __name__ == "__main__":
    raise SystemExit(main())
