"""The interface's words: every label in both languages, and every label a page asks for exists."""
from __future__ import annotations

import re
from pathlib import Path

from analysis.ingest.columns import column_targets
from questionnaire.instrument import bundled_instrument_path
from questionnaire.loader import load_instrument
from reports.web.labels import Labels
from reports.web.routes import STAGES
from reports.web.validation import ASSIGNABLE

TEMPLATES = Path(__file__).resolve().parents[3] / "reports" / "web" / "templates"


def test_every_label_is_given_in_chinese_and_english():
    for key, texts in Labels().table.items():
        assert set(texts) == {"zh", "en"} and all(isinstance(v, str) and v for v in texts.values()), key


def test_every_label_the_pages_use_exists():
    table = Labels().table
    used = {m for path in TEMPLATES.glob("*.html.j2")
            for m in re.findall(r"""(?<![\w.])t\('([a-z_0-9-]+)'\s*[,)]""", path.read_text(encoding="utf-8"))}
    dynamic = ({f"status_{s}" for s in ("not_started", "queued", "running", "done", "failed")}
               | {f"stage_{s}" for s in STAGES} | {f"kind_{k}" for k in (*ASSIGNABLE, "id", "duration", "option", "multiple")}
               | {f"kind_{t.kind}" for t in column_targets(load_instrument(bundled_instrument_path()))}
               | {f"language_{c}" for c in ("zh", "en")} | {"output_run", "output_render-zh", "output_render-en"})
    assert sorted((used | dynamic) - set(table)) == []
    assert Labels().translator("en")("data_too_large", limit=50) == "The data file is too large: at most 50 MB."
