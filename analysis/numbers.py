"""Small conversions every analysis module needs: numeric columns from user data, finiteness, JSON-safe floats."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from questionnaire.errors import input_error


def json_float(x: float | None) -> float | None:
    """``x`` as a JSON-safe float: NaN, infinities and ``None`` become ``None``."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def all_finite(*values: object) -> bool:
    """Whether every value is a finite number (False for None, text, NaN and ±inf)."""
    return all(isinstance(v, (int, float)) and math.isfinite(v) for v in values)


def plain_scalar(value: object) -> object:
    """A numpy scalar as the Python scalar it holds (for messages and JSON)."""
    return value.item() if isinstance(value, np.generic) else value


def numeric_column(values: pd.Series, label: str) -> np.ndarray:
    """The column as floats, missing cells as NaN; non-numeric content is bad input."""
    converted = pd.to_numeric(values, errors="coerce")
    bad = values.notna() & converted.isna()
    if bad.any():
        raise input_error("non-numeric value", column=label, value=plain_scalar(values[bad].iloc[0]),
                          allowed="numbers or empty cells")
    return converted.to_numpy(dtype=float)


def numeric_items(data: pd.DataFrame, items: list[str] | None = None) -> pd.DataFrame:
    """The item columns as floats (missing = NaN); an absent or non-numeric column is bad input."""
    items = list(data.columns) if items is None else list(items)
    missing = [item for item in items if item not in data.columns]
    if missing:
        raise input_error("item not found in the data:", column=missing[0], value=missing[0],
                          allowed="columns " + ", ".join(map(str, data.columns)))
    return pd.DataFrame({item: numeric_column(data[item], item) for item in items}, index=data.index)
