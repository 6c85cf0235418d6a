"""The thesis' front-matter facts (``--thesis FILE``): title, author, student id, school, major, supervisor, date.

The file is YAML with a ``thesis:`` mapping (or the mapping itself)::

    thesis:
      title: 电商企业客户忠诚度培养策略研究
      author: 张三
      student_id: "2021123456"
      school: 经济管理学院
      major: 市场营销
      supervisor: 李四 教授
      date: 2025年5月

A field left out prints as a placeholder on the cover only (``labels`` ``cover_placeholders`` of
``phrases.j2``); the title's default is the thesis title of the language, never the questionnaire's title.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

import yaml

from questionnaire.errors import input_error

FIELDS = ("title", "author", "student_id", "school", "major", "supervisor", "date")


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
    return ThesisInfo(**values)


def cover_lines(info: ThesisInfo, labels: dict, placeholders: dict) -> tuple[tuple[str, str], ...]:
    """(label, value) for every field but the title, a placeholder where a field was not given."""
    return tuple((labels[f.name], getattr(info, f.name) or placeholders[f.name])
                 for f in fields(info) if f.name != "title")
