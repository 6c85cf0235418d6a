"""Atomic outputs: a run writes into a staging folder beside ``--out``; its files replace their namesakes in
``--out`` only when the run is complete.

``--out`` itself is never renamed, copied or deleted, so it may be the current folder or a folder that holds
the user's own files (the data, notes, a git repository): only the entries the run wrote are replaced.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

from questionnaire.errors import InputError


def check_output_dir(out: str | Path) -> Path:
    """The absolute ``out``, or :class:`InputError` when it cannot become a writable folder (checked before
    any work, so a run does not fail on its last step)."""
    out = Path(out).resolve()
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: --out must be a folder, but a file of that name exists")
    existing = next(p for p in (out, *out.parents) if p.exists())
    if not existing.is_dir():
        raise InputError(f"{out}: cannot create the output folder: {existing} is a file")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(f"{out}: cannot write the output folder (permission denied on {existing})")
    return out


@contextlib.contextmanager
def atomic_output_dir(out: str | Path) -> Iterator[Path]:
    """Yield an empty staging folder; on success its entries replace those of ``out``; on any failure (or
    Ctrl-C) the staging folder is removed and ``out`` is as it was.

    The staging folder is a hidden folder inside ``out`` when it exists (so only ``out`` need be writable),
    else beside it; either way every move is a rename on one file system. A new ``out`` is the staging folder
    renamed; in an existing one each entry the run rewrites is first renamed aside, then the new one renamed
    in — and all are renamed back if a move fails.
    """
    out = check_output_dir(out)
    tag = uuid.uuid4().hex[:12]
    staging = out / f".loyalty-partial-{tag}" if out.exists() else out.parent / f".{out.name}.partial-{tag}"
    try:
        staging.parent.mkdir(parents=True, exist_ok=True)
        staging.mkdir()
    except OSError as err:
        raise InputError(f"{out}: cannot create the output folder ({err.strerror or err})") from None
    try:
        yield staging
        if out.exists():
            _replace_entries(staging, out)
        else:
            os.replace(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _replace_entries(staging: Path, out: Path) -> None:
    """Move every entry of ``staging`` into ``out``, keeping the replaced ones aside until all have moved."""
    retired = out / f".loyalty-old-{uuid.uuid4().hex[:12]}"
    retired.mkdir()
    moved: list[str] = []
    try:
        for entry in sorted(staging.iterdir()):
            target = out / entry.name
            if target.exists() or target.is_symlink():
                os.replace(target, retired / entry.name)
            os.replace(entry, target)
            moved.append(entry.name)
    except BaseException:
        for name in reversed(moved):
            os.replace(out / name, staging / name)
        for old in retired.iterdir():
            os.replace(old, out / old.name)
        retired.rmdir()
        raise
    shutil.rmtree(retired, ignore_errors=True)
