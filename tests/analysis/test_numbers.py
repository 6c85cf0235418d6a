"""The shared numeric conversions."""
import math

import numpy as np
import pandas as pd
import pytest

from analysis.numbers import all_finite, json_float, numeric_column, numeric_items, plain_scalar
from questionnaire.errors import InputError


def test_json_float():
    assert json_float(math.nan) is None and json_float(math.inf) is None and json_float(None) is None
    assert json_float(np.float64(0.5)) == 0.5


def test_all_finite():
    assert all_finite(1, 2.5, np.float64(3)) and all_finite()
    assert not all_finite(1, math.nan) and not all_finite(math.inf) and not all_finite(None) and not all_finite("1")


def test_plain_scalar_unwraps_numpy():
    assert type(plain_scalar(np.int64(3))) is int and plain_scalar("x") == "x"


def test_numeric_column_keeps_missing_and_refuses_text():
    assert np.isnan(numeric_column(pd.Series([1, None, "3"]), "a")).tolist() == [False, True, False]
    with pytest.raises(InputError, match=r"column q: non-numeric value 'abc'; allowed: numbers or empty cells"):
        numeric_column(pd.Series([1, "abc"]), "q")


def test_numeric_items_names_an_absent_column():
    with pytest.raises(InputError, match=r"column PQ9: item not found in the data: 'PQ9'; allowed: columns a"):
        numeric_items(pd.DataFrame({"a": [1]}), ["PQ9"])
