"""The rows the R scripts of tests/fixtures/group_differences.R and moderation.R analysed: construct scores (the
project's definition, :func:`analysis.describe.descriptives.construct_mean_score`) and background answers."""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from analysis.describe.descriptives import construct_mean_score

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
ROOT = FIXTURES.parents[1]


@cache
def _study(name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    if name == "demo":
        items = pd.read_csv(FIXTURES / "demo_items.csv", dtype={"resp_id": str})
        background = pd.read_csv(ROOT / "data/demo/responses.csv", dtype={"resp_id": str})
        answers = items[["resp_id"]].merge(background, on="resp_id", how="left")
        mapping = json.loads((FIXTURES / "demo_mapping.json").read_text())
    else:
        items = pd.read_csv(FIXTURES / "psych_bfi.csv")
        answers = pd.read_csv(FIXTURES / "groups_bfi.csv")
        mapping = {c: [f"{c}{k}" for k in range(1, 6)] for c in "ACENO"}
    scores = pd.DataFrame({c: construct_mean_score(items, its) for c, its in mapping.items()})
    return scores, answers


@pytest.fixture(scope="session")
def reference_study():
    """``reference_study('demo' | 'bfi')`` → (construct scores, background answers), row by row."""
    return _study
