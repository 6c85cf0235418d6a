"""The interface's words in zh and en: one table, ``templates/labels.yaml`` (``key: {zh: …, en: …}``)."""
from __future__ import annotations

from functools import cached_property
from pathlib import Path

import yaml

LABELS_FILE = Path(__file__).parent / "templates" / "labels.yaml"


class Labels:
    """``translator(lang)(key, **values)``: the label ``key`` in ``lang``, ``{name}`` fields filled in."""

    def __init__(self, path: Path = LABELS_FILE):
        self.path = path

    @cached_property
    def table(self) -> dict[str, dict[str, str]]:
        return yaml.safe_load(self.path.read_text(encoding="utf-8"))

    def translator(self, lang: str):
        def t(key: str, **values) -> str:
            text = self.table[key][lang]  # an unknown key is a bug in a template: fail loudly
            return text.format(**values) if values else text
        return t
