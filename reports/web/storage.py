"""The runs on disk: one folder per run under ``<data-dir>/runs/<id>`` with a random id.

A run folder holds ``state.json`` (who uploaded what), ``input/`` (the data as ``data.<suffix>`` and the
instrument as ``instrument.yaml``: never under the name they were uploaded with), ``validation.json``,
``tasks/<task>.json`` (status of the run and of each re-rendering, with their progress) and the outputs:
``out/`` for the run, ``renders/<lang>`` or ``renders/<lang>-chapter<N>`` for a re-rendering.
Files are served only from inside their run's folder (:func:`file_in`).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path

RUN_ID = re.compile(r"[0-9a-f]{16}")
TASK_NAME = re.compile(r"run|render-(zh|en)(-chapter[0-7])?")
UNFINISHED = ("queued", "running")
INTERRUPTED = "interrupted: the server stopped before this task finished; start it again"


def write_json(path: Path, data: dict) -> None:
    """Write ``data`` as JSON atomically (readers never see half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}")
    temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)


def read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def owner_key(owner: str) -> str:
    """What a run stores of its owner's browser cookie (a hash, never the cookie itself)."""
    return hashlib.sha256(owner.encode()).hexdigest()


def output_folder(folder: Path, task: str) -> Path:
    """Where ``task`` writes: ``out`` for the run, ``renders/<lang>[-chapter<N>]`` for a re-rendering."""
    return folder / "out" if task == "run" else folder / "renders" / task.removeprefix("render-")


@dataclass(frozen=True)
class Run:
    """One run folder and its ``state.json``."""

    folder: Path
    state: dict

    @property
    def id(self) -> str:
        return self.folder.name

    @property
    def input_dir(self) -> Path:
        return self.folder / "input"

    @property
    def data_path(self) -> Path:
        return self.input_dir / self.state["data_file"]

    @property
    def instrument_path(self) -> Path | None:
        """The uploaded or corrected instrument; ``None`` means the bundled one."""
        path = self.input_dir / "instrument.yaml"
        return path if path.exists() else None

    def task(self, name: str) -> dict | None:
        """The status of a task (``status``: queued, running, done, failed; ``error``; ``progress``)."""
        return read_json(self.folder / "tasks" / f"{name}.json")

    def tasks(self) -> dict[str, dict]:
        found = {}
        for path in sorted((self.folder / "tasks").glob("*.json")):
            status = read_json(path)
            if status is not None and TASK_NAME.fullmatch(path.stem):
                found[path.stem] = status
        return found

    def set_task(self, name: str, **status) -> None:
        write_json(self.folder / "tasks" / f"{name}.json", {**(self.task(name) or {}), **status})

    def save_state(self, **changes) -> Run:
        state = {**self.state, **changes}
        write_json(self.folder / "state.json", state)
        return Run(self.folder, state)

    def output(self, task: str) -> Path:
        return output_folder(self.folder, task)


class RunStore:
    """Creates, finds and lists the runs under ``<data_dir>/runs``."""

    def __init__(self, data_dir: Path):
        self.root = Path(data_dir).resolve() / "runs"
        self.root.mkdir(parents=True, exist_ok=True)

    def create(self, owner: str, **state) -> Run:
        while True:
            run_id = secrets.token_hex(8)
            folder = self.root / run_id
            try:
                folder.mkdir()
                break
            except FileExistsError:
                continue
        (folder / "input").mkdir()
        created = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        return Run(folder, {}).save_state(owner=owner_key(owner), created=created, **state)

    def open(self, run_id: str, owner: str) -> Run | None:
        """The run ``run_id`` when it exists and belongs to ``owner``; else ``None`` (as if it did not exist)."""
        if not RUN_ID.fullmatch(run_id):
            return None
        state = read_json(self.root / run_id / "state.json")
        if state is None or not secrets.compare_digest(state.get("owner", ""), owner_key(owner)):
            return None
        return Run(self.root / run_id, state)

    def list(self, owner: str) -> list[Run]:
        """``owner``'s runs, newest first."""
        runs = [self.open(folder.name, owner) for folder in self.root.iterdir() if folder.is_dir()]
        return sorted((r for r in runs if r is not None), key=lambda r: r.state.get("created", ""), reverse=True)

    def mark_interrupted(self) -> None:
        """Tasks left queued or running by a server that stopped are failed (called at start-up)."""
        for path in self.root.glob("*/tasks/*.json"):
            status = read_json(path)
            if status and status.get("status") in UNFINISHED:
                write_json(path, {**status, "status": "failed", "error": INTERRUPTED})


def file_in(folder: Path, name: str) -> Path | None:
    """``folder/name`` when it is a file inside ``folder`` (no ``..``, absolute path or link leading out)."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return None
    root = folder.resolve()
    target = (root / name).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        return None
    return target
