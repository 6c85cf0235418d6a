"""The validation page's content: `loyalty validate`'s checks and messages on an upload, which instrument
column each header matched and what was not found; and the instrument corrected with the columns the user
assigned to items (as new ``aliases``)."""
from __future__ import annotations

from pathlib import Path

import yaml

from analysis.ingest.columns import match_columns
from analysis.ingest.readers import read_survey, read_table
from analysis.ingest.validation import ProblemCollector, ValidationError
from questionnaire.instrument import Instrument
from questionnaire.loader import parse_instrument
from reports.commands import valid_survey_summary

MAX_PROBLEMS_SHOWN = 200
ASSIGNABLE = ("item", "check", "question")  # instrument columns that take aliases


def validate_upload(path: Path, name: str, instrument: Instrument, sheet: str | None) -> dict:
    """``{valid, summary, columns, unmatched, problems, n_problems, unworded}`` for the data file at ``path`` shown as
    ``name``; ``unworded``: the items the instrument gives no text for (the id stands in).

    ``columns``: one row per instrument column (``id``, ``kind``, ``texts`` by language, matched ``header`` or
    ``None``); ``unmatched``: the headers no instrument column claimed, with their position.
    """
    def shown(message: str) -> str:
        return message.replace(str(path), name)

    view = {"valid": False, "summary": None, "columns": [], "unmatched": [], "problems": [], "n_problems": 0,
            "unworded": instrument.unworded_items}
    try:
        raw = read_table(path, sheet=sheet)
    except ValidationError as err:
        return {**view, **_problems(err, shown)}
    match = match_columns(raw.headers, raw.header_texts, instrument, ProblemCollector(name))
    texts = _texts(instrument)
    for target in match.targets.values():
        position = match.columns.get(target.id)
        if target.kind in ("id", "duration") and position is None:
            continue
        view["columns"].append({"id": target.id, "kind": target.kind, "texts": texts.get(target.id, {}),
                                "header": None if position is None else raw.headers[position]})
    view["unmatched"] = [{"position": p, "header": raw.headers[p]} for p in match.extra]
    try:
        survey = read_survey(path, instrument, sheet=sheet)
    except ValidationError as err:
        return {**view, **_problems(err, shown)}
    return {**view, "valid": True, "summary": f"{name}: {valid_survey_summary(survey)}"}


def _problems(err: ValidationError, shown) -> dict:
    rows = err.table.head(MAX_PROBLEMS_SHOWN).astype(object).where(err.table.notna(), None).to_dict("records")
    for row in rows:
        row["message"] = shown(row["message"])
        row["row"] = None if row["row"] is None else int(row["row"])
    return {"problems": rows, "n_problems": len(err.table), "headline": shown(str(err).splitlines()[0])}


def _texts(instrument: Instrument) -> dict[str, dict[str, str]]:
    texts = {item.id: item.text.by_lang for item in instrument.items}
    texts.update({check.id: check.text.by_lang for check in instrument.attention_checks})
    texts.update({question.id: question.text.by_lang for question in instrument.questions})
    return texts


def assignable_targets(view: dict) -> list[dict]:
    """The instrument columns with no matching header that an unmatched header may be assigned to."""
    return [c for c in view["columns"] if c["header"] is None and c["kind"] in ASSIGNABLE]


def with_aliases(instrument: Instrument, assigned: dict[str, list[str]], name: str) -> tuple[Instrument, str]:
    """The instrument with each header in ``assigned[id]`` added to the ``aliases`` of item, attention check
    or question ``id``; returned parsed (checked as any instrument file) and as YAML text."""
    document = yaml.safe_load(yaml.safe_dump(instrument.document, allow_unicode=True))
    entries = [item for construct in document.get("constructs", []) for item in construct.get("items", [])]
    entries += document.get("attention_checks", []) + document.get("questions", [])
    for entry in entries:
        headers = assigned.get(entry.get("id"), [])
        if headers:
            entry["aliases"] = list(dict.fromkeys([*(entry.get("aliases") or []), *headers]))
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=110)
    return parse_instrument(document, name), text
