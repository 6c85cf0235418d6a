"""The thesis' front-matter facts (``--thesis FILE``): title, author, student id, school, major, supervisor, date;
and the author's own case material for 3.11 (``--case-notes FILE``, or ``case_notes: FILE`` in the thesis file,
a path relative to it; the option wins).

The file is YAML with a ``thesis:`` mapping (or the mapping itself)::

    thesis:
      title: 电商企业客户忠诚度培养策略研究
      author: 张三
      student_id: "2021123456"
      school: 经济管理学院
      major: 市场营销
      supervisor: 李四 教授
      date: 2025年5月
      case_notes: cases.md      # optional: Markdown or plain paragraphs, merged into 3.11

A field left out prints as a placeholder on the cover only (``labels`` ``cover_placeholders`` of
``phrases.j2``); the title's default is the thesis title of the language, never the questionnaire's title.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path

import yaml

from questionnaire.errors import input_error

COVER_FIELDS = ("title", "author", "student_id", "school", "major", "supervisor", "date")
FIELDS = (*COVER_FIELDS, "case_notes")


@dataclass(frozen=True)
class ThesisInfo:
    """What the cover prints; ``None`` = not given (the cover shows a placeholder)."""

    title: str | None = None
    author: str | None = None
    student_id: str | None = None
    school: str | None = None
    major: str | None = None
    supervisor: str | None = None
    date: str | None = None
    #: the text of the author's case notes (not a cover field)
    case_notes: str | None = None


def read_thesis_info(path: str | Path) -> ThesisInfo:
    """The ``thesis:`` block of a YAML file; unknown keys and non-text values are input errors (exit 2)."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise input_error(f"cannot read the thesis file ({err.__class__.__name__})", file=str(path),
                          allowed="a UTF-8 YAML file with a thesis: mapping") from None
    block = raw.get("thesis", raw) if isinstance(raw, dict) else None
    if not isinstance(block, dict):
        raise input_error("no thesis: mapping in", value=str(path), allowed=f"a mapping with {', '.join(FIELDS)}")
    values = {}
    for key, value in block.items():
        if key not in FIELDS:
            raise input_error("unknown thesis field", file=str(path), value=key, allowed=", ".join(FIELDS))
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise input_error(f"thesis.{key} must be text, got", file=str(path), value=value, allowed="text")
        values[key] = str(value).strip() or None
    if values.get("case_notes"):
        values["case_notes"] = read_case_notes(path.parent / values["case_notes"])
    return ThesisInfo(**values)


def read_case_notes(path: str | Path) -> str | None:
    """The text of a case-notes file (UTF-8, with or without BOM); None when it holds only white space."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise input_error(f"cannot read the case notes ({err.__class__.__name__})", file=str(path),
                          allowed="a UTF-8 text or Markdown file") from None
    return text if text.strip() else None


def with_case_notes(info: ThesisInfo | None, path: str | Path | None) -> ThesisInfo | None:
    """``info`` with the notes of ``--case-notes`` (which win over the thesis file's ``case_notes``)."""
    if path is None:
        return info
    return replace(info or ThesisInfo(), case_notes=read_case_notes(path))


def cover_lines(info: ThesisInfo, labels: dict, placeholders: dict) -> tuple[tuple[str, str], ...]:
    """(label, value) for every field but the title, a placeholder where a field was not given."""
    return tuple((labels[f.name], getattr(info, f.name) or placeholders[f.name])
                 for f in fields(info) if f.name in COVER_FIELDS and f.name != "title")
