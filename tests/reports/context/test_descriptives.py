"""Item descriptives of an instrument whose items have no wording: the id stands once, the wording column
shows a dash (not the id a second time)."""
import pandas as pd
import pytest

from analysis.pipeline import RunOptions, demo_data_path, run_study
from analysis.results import to_plain
from questionnaire.loader import parse_instrument
from reports.context import build_context
from reports.typeset import DASH


def test_an_item_without_wording_is_not_printed_twice(tmp_path):
    data = tmp_path / "data.csv"
    pd.read_csv(demo_data_path(), usecols=["resp_id", "CS1", "CS2", "CS3"]).head(120).to_csv(data, index=False)
    instrument = parse_instrument({"id": "m", "title": "调查", "languages": ["zh"],
                                   "scale": {"min": 1, "max": 5, "labels": {1: "非常不同意", 5: "非常同意"}},
                                   "constructs": [{"id": "CS", "name": "满意", "items": ["CS1", "CS2",
                                                                                      {"id": "CS3", "text": "总体满意"}]}]})
    with pytest.warns(UserWarning, match="instrument_incomplete"):
        results = to_plain(run_study(instrument, RunOptions(data=data, bootstrap=0, workers=1, no_clean=True)))
    rows = build_context(results, instrument, "zh").tables["item_descriptives"].rows
    assert [(r[0].text, r[1].text) for r in rows] == [("CS1", DASH), ("CS2", DASH), ("CS3", "总体满意")]
