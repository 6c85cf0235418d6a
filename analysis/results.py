"""The aggregate results of one run (Contract 3) and its deterministic JSON form."""
from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.numbers import json_float
from questionnaire.errors import InputError

#: sections of results.json in the order they are written
SECTIONS = ("meta", "instrument", "input", "privacy", "exclusions", "cleaning", "missing", "sample", "descriptives",
            "indicators", "text_answers", "open_answers", "normality", "estimator", "item_analysis", "reliability", "factorability",
            "efa", "common_method", "common_method_cfa", "cfa", "validity", "correlations", "regression", "sem",
            "invariance", "ipma", "moderation", "group_differences", "loyalty_pattern", "indicator_targets", "action_plan",
            "baseline", "warnings")


def to_plain(value):
    """``value`` as JSON-safe plain Python; the one serialiser of every result type.

    A dataclass becomes a dict of its fields in declaration order, or of what its ``plain_form()`` returns
    where results.json shapes it differently (renamed keys, derived values, fields left out); then,
    recursively: dict keys become str, tuples, lists and numpy arrays lists, numpy scalars Python scalars,
    and floats go through :func:`~analysis.numbers.json_float` (NaN and ±inf → None).
    """
    if hasattr(value, "plain_form"):
        return to_plain(value.plain_form())
    if is_dataclass(value) and not isinstance(value, type):
        return to_plain(plain_fields(value))
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [to_plain(v) for v in value.tolist()]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return json_float(value)
    return value


def plain_fields(result, without: tuple[str, ...] = ()) -> dict:
    """The fields of the dataclass instance ``result`` by name, in declaration order, less those ``without``
    (values as they are: :func:`to_plain` cleans them)."""
    return {f.name: getattr(result, f.name) for f in fields(result) if f.name not in without}


@dataclass(frozen=True)
class StudyResults:
    """Every section of one run; absent sections (e.g. ``sem`` in a measurement-only study) are left out
    and listed in ``skipped`` with the reason. ``model_data`` holds the rows the model-based steps
    analysed (respondent id and recoded items: the listwise complete ones, or with FIML every kept respondent,
    missing answers empty); it is written beside, not into, results.json."""

    sections: dict = field(default_factory=dict)
    skipped: dict = field(default_factory=dict)
    model_data: pd.DataFrame | None = field(default=None, compare=False, repr=False)

    def plain_form(self) -> dict:
        """Sections in the order of :data:`SECTIONS`, then any other, then ``skipped``."""
        out = {name: self.sections[name] for name in SECTIONS if name in self.sections}
        out.update({name: v for name, v in self.sections.items() if name not in SECTIONS})
        return {**out, "skipped": self.skipped}


def write_results_json(results: dict, path: Path) -> None:
    """Write ``results`` as UTF-8 JSON, keys in insertion order, no NaN (byte-identical for identical input)."""
    text = json.dumps(to_plain(results), ensure_ascii=False, indent=1, allow_nan=False)
    Path(path).write_text(text + "\n", encoding="utf-8")


def read_results_json(path: Path) -> dict:
    """Read a results.json written by :func:`write_results_json`."""
    try:
        results = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: results file not found (run 'loyalty run' first)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"{path}: not a readable results.json ({err})") from None
    if not isinstance(results, dict) or "meta" not in results:
        raise InputError(f"{path}: not a results.json written by loyalty (no 'meta' section)")
    return results
