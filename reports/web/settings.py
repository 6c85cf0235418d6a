"""What `loyalty serve` was asked for, and the limits it enforces."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
MAX_UPLOAD_BYTES = 50 * 1024 * 1024      # one data file (the 50 MB)
MAX_INSTRUMENT_BYTES = 1024 * 1024       # one instrument YAML
MAX_FILES_PER_FORM = 2                   # the instrument and the data
MAX_FIELDS_PER_FORM = 500                # the mapping form has one field per unmatched column
MAX_QUEUED_PER_WORKER = 8                # tasks waiting or running per worker process before "busy"


@dataclass(frozen=True)
class ServeSettings:
    """``data_dir`` holding the runs, ``token`` (``None``: no token asked), ``workers`` processes computing runs
    at once, the upload limit."""

    data_dir: Path
    token: str | None = None
    workers: int = 2
    max_upload_bytes: int = MAX_UPLOAD_BYTES

    @property
    def max_queued(self) -> int:
        return MAX_QUEUED_PER_WORKER * self.workers
