"""Atomic output folders: a run writes into a temporary sibling folder that replaces ``--out`` only when complete."""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from questionnaire.errors import InputError


@contextlib.contextmanager
def atomic_output_dir(out: Path) -> Iterator[Path]:
    """Yield an empty staging folder; on success it replaces ``out``, on failure it is removed.

    Files of the old ``out`` that the run did not write are carried over, so a user's own files survive.
    The swap is two renames on one file system (staging sits beside ``out``); until the first of them the
    previous outputs are untouched, whatever happens to the run.
    """
    out = Path(out).resolve()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.exists() and not out.is_dir():
            raise InputError(f"{out}: --out must be a folder, but a file of that name exists")
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    except PermissionError:
        raise InputError(f"{out}: cannot write the output folder (permission denied)") from None
    try:
        yield staging
        _carry_over(out, staging)
        _swap(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _carry_over(old: Path, staging: Path) -> None:
    """Copy into ``staging`` every file of ``old`` that the new run did not write."""
    if not old.is_dir():
        return
    for source in sorted(old.rglob("*")):
        target = staging / source.relative_to(old)
        if source.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def _swap(staging: Path, out: Path) -> None:
    """Put ``staging`` in place of ``out``: rename the old folder aside, rename staging in, delete the old one."""
    retired = None
    if out.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.replace(out, retired / out.name)
    os.replace(staging, out)
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)
