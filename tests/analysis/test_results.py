"""analysis.results: the one serialiser of result types (to_plain) and the aggregate results."""
import json
import math
from dataclasses import dataclass, field

import numpy as np

from analysis.diagnostics import Diagnostic
from analysis.results import StudyResults, plain_fields, to_plain


@dataclass(frozen=True)
class Inner:
    b: float
    a: int


@dataclass(frozen=True)
class Outer:
    name: str
    values: np.ndarray
    pair: tuple[float, float]
    by_code: dict
    inner: Inner
    flag: np.bool_
    diagnostics: tuple[Diagnostic, ...] = field(default=())


@dataclass(frozen=True)
class Shaped:
    source: str
    x: float
    hidden: object = None

    def plain_form(self) -> dict:
        return {"from": self.source, **plain_fields(self, without=("source", "hidden"))}


def test_dataclass_fields_in_declaration_order_recursively():
    value = Outer("o", np.array([1.5, np.nan]), (np.float64(0.25), math.inf), {1: np.int64(2)}, Inner(math.nan, 3),
                  np.bool_(True), (Diagnostic("c", "m"),))
    got = to_plain(value)
    assert got == {"name": "o", "values": [1.5, None], "pair": [0.25, None], "by_code": {"1": 2},
                   "inner": {"b": None, "a": 3}, "flag": True, "diagnostics": [{"code": "c", "message": "m"}]}
    assert list(got) == ["name", "values", "pair", "by_code", "inner", "flag", "diagnostics"]
    assert type(got["by_code"]["1"]) is int and type(got["flag"]) is bool
    json.dumps(got, allow_nan=False)


def test_plain_form_shapes_and_floats_are_cleaned_afterwards():
    assert to_plain(Shaped("PQ", np.float64(math.nan), object())) == {"from": "PQ", "x": None}
    assert to_plain([Shaped("A", 1.0)]) == [{"from": "A", "x": 1.0}]


def test_study_results_orders_sections_and_adds_skipped():
    study = StudyResults({"extra": 1, "sem": Inner(0.5, 1), "meta": {"n": 2}}, {"ipma": "no outcome"})
    assert list(to_plain(study)) == ["meta", "sem", "extra", "skipped"]
    assert to_plain(study)["sem"] == {"b": 0.5, "a": 1}
