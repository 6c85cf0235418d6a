"""Helpers of the robustness tests (issue 7): the corpus location, what `loyalty` printed, what a run left behind."""
from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).parents[1] / "data" / "bad"
CORPUS_INSTRUMENT = CORPUS / "instrument.yaml"
ERROR_PREFIX = "loyalty: error: "


@dataclass(frozen=True)
class Outcome:
    """Exit code and the text `loyalty` printed on stdout and stderr."""

    code: int
    out: str
    err: str

    @property
    def message(self) -> str:
        """The error message: what follows ``loyalty: error: `` up to the end of stderr."""
        return self.err[self.err.index(ERROR_PREFIX) + len(ERROR_PREFIX):].rstrip("\n")


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry under ``folder``: files by content, symlinks by target, folders as ``<dir>``."""
    entries: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            entries[key] = f"-> {path.readlink()}"
        elif path.is_dir():
            entries[key] = "<dir>"
        else:
            entries[key] = path.read_bytes()
    return entries


def output_text(folder: Path) -> str:
    """All text a run wrote into ``folder``: text files as they are, DOCX/XLSX as their XML parts."""
    parts = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(path) as archive:
                parts += [archive.read(name).decode("utf-8") for name in archive.namelist()
                          if name.endswith((".xml", ".rels"))]
        elif path.suffix != ".png":
            parts.append(path.read_text(encoding="utf-8-sig"))
    return "\n".join(parts)
