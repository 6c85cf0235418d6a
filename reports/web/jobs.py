"""Runs and re-renderings as tasks in a bounded pool of worker processes.

The server process only queues a task (``tasks/<task>.json`` says ``queued``) and returns; a worker process
runs it with the command line's own machinery (:func:`reports.commands.run_into_folder`,
:func:`reports.commands.render_into_folder`), writes its progress into the same file, and ends it ``done`` or
``failed`` with a one-line error (bad input as `loyalty` prints it, anything else as "internal error: …"; never
a traceback). A worker that dies fails its task and the pool is replaced; the server keeps serving.
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import threading
import time
import warnings
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from questionnaire.errors import InputError
from reports.web.storage import Run, read_json

PROGRESS_INTERVAL = 0.25  # seconds between progress writes within a stage
#: imported once by the fork server; each worker is forked from it with the pipeline and the renderers loaded
PRELOAD = ["reports.web.jobs", "reports.commands", "analysis.pipeline", "reports.report", "reports.figures"]


def now() -> str:
    """UTC time to the millisecond: when tasks were submitted, started and finished (how many ran at once)."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


class JobPool:
    """At most ``workers`` tasks compute at once; at most ``max_queued`` wait or compute (else :meth:`submit`
    refuses, and the page says the server is busy)."""

    def __init__(self, workers: int, max_queued: int):
        self.workers = max(1, workers)
        self.max_queued = max_queued
        self._lock = threading.Lock()
        self._pending = 0
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(self.workers, mp_context=_context(), initializer=_quiet_worker)
        return self._executor

    def warm(self) -> None:
        """Start the worker processes now, in the background: the first run need not wait for the imports."""
        def start() -> None:
            with self._lock:
                pool = self._pool()
            for _ in range(self.workers):
                pool.submit(_quiet_worker)

        threading.Thread(target=start, daemon=True).start()

    def submit(self, run: Run, task: str, request: dict) -> bool:
        """Queue ``task`` of ``run`` with ``request`` (its options); ``False`` when the queue is full."""
        with self._lock:
            if self._pending >= self.max_queued:
                return False
            self._pending += 1
            run.set_task(task, status="queued", error=None, progress=None, request=request, submitted=now())
            try:
                future = self._pool().submit(execute_task, str(run.folder), task)
            except (BrokenProcessPool, RuntimeError):
                self._executor = None
                future = self._pool().submit(execute_task, str(run.folder), task)
        future.add_done_callback(lambda done: self._finished(done, run, task))
        return True

    def _finished(self, future: Future, run: Run, task: str) -> None:
        with self._lock:
            self._pending -= 1
        error = None if future.cancelled() else future.exception()
        if error is not None:  # the worker itself failed (killed, out of memory): the task did not end itself
            if isinstance(error, BrokenProcessPool):
                with self._lock:
                    self._executor = None
            run.set_task(task, status="failed", finished=now(),
                         error=one_line(f"internal error: the worker process stopped ({error.__class__.__name__})"))

    def shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None


def _context():
    """A fork server where there is one (a worker starts in milliseconds, never forked from the threads of
    the server process), else fresh interpreters."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def _quiet_worker() -> None:
    warnings.simplefilter("ignore")  # statistical warnings are recorded in results.json and the report


def one_line(message: str, replace: dict[str, str] | None = None) -> str:
    """The first line of ``message``, with server paths replaced by the names the user knows."""
    line = (str(message).strip().splitlines() or [""])[0]
    for path, name in (replace or {}).items():
        line = line.replace(path, name)
    return line


def execute_task(folder: str, task: str) -> None:
    """Worker entry: run ``task`` (``run`` or ``render-<lang>[-chapter<N>]``) of the run in ``folder``."""
    run = Run(Path(folder), read_json(Path(folder) / "state.json") or {})
    request = (run.task(task) or {}).get("request") or {}
    run.set_task(task, status="running", started=now())
    try:
        if task == "run":
            _run_study(run, request)
        else:
            _render(run, task, request)
    except InputError as err:
        error = one_line(err, _known_names(run))
    except Exception as err:  # noqa: BLE001 - a task fails with one line; the worker and the server go on
        error = one_line(f"internal error: {err.__class__.__name__}: {err}", _known_names(run))
    else:
        run.set_task(task, status="done", finished=now())
        return
    run.set_task(task, status="failed", finished=now(), error=error)


def _known_names(run: Run) -> dict[str, str]:
    names = {str(run.input_dir / "instrument.yaml"): run.state.get("instrument_name") or "instrument.yaml"}
    if run.state.get("data_file"):
        names[str(run.data_path)] = run.state.get("data_name") or run.state["data_file"]
    names[str(run.folder)] = "(run folder)"
    return names


def _run_study(run: Run, request: dict) -> None:
    from questionnaire.instrument import bundled_instrument_path
    from questionnaire.loader import load_instrument
    from reports.commands import run_into_folder, run_options

    instrument = load_instrument(run.instrument_path or bundled_instrument_path())
    options = run_options(request, data=run.data_path, data_name=run.state.get("data_name"),
                          sheet=run.state.get("sheet"))
    baseline = Path(request["baseline"]) if request.get("baseline") else None
    run_into_folder(instrument, options, run.output("run"), request["lang"], request["formats"], baseline,
                    _progress_writer(run, "run"))


def _render(run: Run, task: str, request: dict) -> None:
    from reports.commands import render_into_folder

    render_into_folder(run.output("run") / "results.json", run.output(task), request["lang"], request["formats"],
                       request.get("chapter"))


def _progress_writer(run: Run, task: str):
    """The pipeline's ``progress(stage, done, total)`` callback: the stages reached, written to the task file
    (at most every :data:`PROGRESS_INTERVAL` seconds within a stage)."""
    reached: list[str] = []
    last = [0.0]

    def report(stage: str, done: int, total: int) -> None:
        new_stage = stage not in reached
        if new_stage:
            reached.append(stage)
        if new_stage or done >= total or time.monotonic() - last[0] >= PROGRESS_INTERVAL:
            last[0] = time.monotonic()
            run.set_task(task, progress={"stages": list(reached), "stage": stage, "done": done, "total": total})

    return report
