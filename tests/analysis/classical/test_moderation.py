"""Moderation (PROCESS model 1) against R's lm (tests/fixtures/moderation.R) at 1e-6, on the demo and bfi, with
construct and background-question moderators (bfi's age groups with one level too small)."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.classical.moderation import (NOTE_FEWER_THAN_TWO_LEVELS, NOTE_NO_VARIANCE, NOTE_TOO_FEW_RESPONDENTS,
                                           moderate, significant_regions)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
TOL = 1e-6
REFERENCE = json.loads((FIXTURES / "moderation.json").read_text())


@pytest.fixture(scope="module")
def study(reference_study):
    """Construct scores and background answers side by side."""
    return lambda name: pd.concat(reference_study(name), axis=1)


def close(a, b) -> bool:
    return abs(a - b) <= TOL


@pytest.mark.parametrize("ref", REFERENCE["models"], ids=lambda r: f"{r['study']}-{r['x']}x{r['m']}-{r['y']}")
def test_moderation_equals_r(ref, study):
    data = study(ref["study"])
    categorical = "levels" in ref
    levels = [(code, str(code)) for code in range(1, 7)] if categorical else None
    result = moderate(data[ref["x"]], data[ref["m"]], data[ref["y"]], (ref["x"], ref["m"], ref["y"]), levels)
    assert result.note is None and result.n == ref["n"]
    assert (result.delta_df1, result.delta_df2) == (ref["delta_df1"], ref["delta_df2"])
    for key in ("r2", "delta_r2", "delta_f", "delta_pvalue"):
        assert close(getattr(result, key), ref[key]), key
    if "interaction" in ref:
        for key, want in ref["interaction"].items():
            assert close(getattr(result.interaction, key), want), key
    else:
        assert result.interaction is None
    assert len(result.simple_slopes) == len(ref["simple_slopes"])
    for got, want in zip(result.simple_slopes, ref["simple_slopes"]):
        for key in ("slope", "se", "t", "pvalue", "intercept"):
            assert close(getattr(got, key), want[key]), key
        assert got.at == want["at"] if categorical else close(got.m_value, want["m_value"])
    if categorical:
        assert result.m_type == "question" and result.johnson_neyman is None
    else:
        jn = result.johnson_neyman
        assert jn.inside_significant == ref["johnson_neyman"]["inside_significant"]
        assert len(jn.bounds) == len(ref["johnson_neyman"]["bounds"])
        assert all(close(a, b) for a, b in zip(jn.bounds, ref["johnson_neyman"]["bounds"]))


def test_levels_too_small_are_left_out(study):
    ref = next(r for r in REFERENCE["models"] if r["m"] == "age_group")
    assert ref["levels"] == [1, 2, 3, 4, 5]        # the 8 respondents over 64 are left out
    data = study("bfi")
    result = moderate(data["E"], data["age_group"], data["A"], ("E", "age_group", "A"),
                      [(code, str(code)) for code in range(1, 7)])
    assert [s.at for s in result.simple_slopes] == ["1", "2", "3", "4", "5"]


@pytest.mark.parametrize("x, m, y, levels, note", [
    ([1.0, 2, 3, 4, 5, 6], [2.0, 2, 2, 2, 2, 2], [1.0, 3, 2, 5, 4, 6], None, NOTE_NO_VARIANCE),    # constant M
    ([1.0, 2, 3, 4, 5, 6], [1.0, 3, 2, 5, 4, 6], [3.0] * 6, None, NOTE_NO_VARIANCE),              # constant Y
    ([1.0, 2, 3, 4], [1.0, 3, 2, 5], [1.0, 3, 2, 5], None, NOTE_TOO_FEW_RESPONDENTS),
    ([1.0, 2, 3, 4, 5, 6], [1, 1, 1, 1, 1, 2], [1.0, 3, 2, 5, 4, 6], [(1, "a"), (2, "b")], NOTE_FEWER_THAN_TWO_LEVELS),
])
def test_degenerate_models_are_notes(x, m, y, levels, note):
    result = moderate(pd.Series(x), pd.Series(m), pd.Series(y), ("X", "M", "Y"), levels, min_group=2)
    assert result.note == note and result.interaction is None and result.simple_slopes == ()


@pytest.mark.parametrize("bounds, inside, regions", [
    ((), True, [(1.0, 5.0)]), ((), False, []),
    ((-3.0, 8.0), True, [(1.0, 5.0)]), ((-3.0, 8.0), False, []),
    ((2.0, 8.0), False, [(1.0, 2.0)]), ((2.0, 4.0), True, [(2.0, 4.0)]), ((2.0, 4.0), False, [(1.0, 2.0), (4.0, 5.0)]),
])
def test_significant_regions_within_the_observed_range(bounds, inside, regions):
    assert significant_regions(bounds, inside, (1.0, 5.0)) == regions
