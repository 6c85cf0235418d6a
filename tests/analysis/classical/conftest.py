"""The studies of the R references: tests/fixtures/classical.R (classical_demo.json, classical_bfi.json: analysed
items, construct scores, structural model and control block, each beside R's values) and group_differences.R /
moderation.R (construct scores by the project's definition,
:func:`analysis.describe.descriptives.construct_mean_score`, and background answers)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from analysis.classical.regression import ControlTerm, control_design
from analysis.describe.descriptives import construct_mean_score
from questionnaire.instrument import Instrument, bundled_instrument_path
from questionnaire.loader import load_instrument

ROOT = Path(__file__).parents[3]
FIX = ROOT / "tests" / "fixtures"


@dataclass(frozen=True)
class Study:
    items: pd.DataFrame
    instrument: Instrument
    scores: pd.DataFrame
    controls: pd.DataFrame | None
    control_terms: tuple[ControlTerm, ...]
    ref: dict


def _study(items: pd.DataFrame, instrument: Instrument, background: pd.DataFrame | None, ref: str) -> Study:
    scores = pd.DataFrame({c: construct_mean_score(items, its) for c, its in instrument.measurement.items()})
    questions = [q for q in instrument.questions if q.id in instrument.controls]
    block, terms = control_design(background, questions) if background is not None else (None, ())
    return Study(items, instrument, scores, block, terms, json.loads((FIX / ref).read_text(encoding="utf-8")))


@pytest.fixture(scope="session", params=["demo", "bfi"])
def study(request) -> Study:
    if request.param == "demo":
        items = pd.read_csv(FIX / "demo_items.csv", dtype={"resp_id": str}).set_index("resp_id")
        responses = pd.read_csv(ROOT / "data" / "demo" / "responses.csv", dtype={"resp_id": str}).set_index("resp_id")
        instrument = load_instrument(bundled_instrument_path())
        return _study(items, instrument, responses.loc[items.index], "classical_demo.json")
    items = pd.read_csv(FIX / "psych_bfi.csv")
    return _study(items, load_instrument(ROOT / "benchmarks" / "golden" / "bfi.yaml"), None, "classical_bfi.json")


@cache
def _reference_study(name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    if name == "demo":
        items = pd.read_csv(FIX / "demo_items.csv", dtype={"resp_id": str})
        background = pd.read_csv(ROOT / "data/demo/responses.csv", dtype={"resp_id": str})
        answers = items[["resp_id"]].merge(background, on="resp_id", how="left")
        mapping = json.loads((FIX / "demo_mapping.json").read_text())
    else:
        items = pd.read_csv(FIX / "psych_bfi.csv")
        answers = pd.read_csv(FIX / "groups_bfi.csv")
        mapping = {c: [f"{c}{k}" for k in range(1, 6)] for c in "ACENO"}
    scores = pd.DataFrame({c: construct_mean_score(items, its) for c, its in mapping.items()})
    return scores, answers


@pytest.fixture(scope="session")
def reference_study():
    """``reference_study('demo' | 'bfi')`` → (construct scores, background answers), row by row."""
    return _reference_study
