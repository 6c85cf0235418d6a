"""analysis.pipeline: the ``--groups`` question is checked before any data is read; the instrument's warnings are
recorded with the run's."""
import pandas as pd
import pytest

from analysis.pipeline import RunOptions, demo_data_path, run_study
from analysis.results import to_plain
from questionnaire.errors import InputError
from questionnaire.instrument import bundled_instrument_path
from questionnaire.loader import load_instrument, parse_instrument


def test_groups_must_name_a_single_choice_question(tmp_path):
    with pytest.raises(InputError, match=r"--groups: not a single-choice question of the instrument 'orders_6m'; "
                                         r"allowed: gender, age, .*platform"):
        run_study(load_instrument(bundled_instrument_path()),
                  RunOptions(data=tmp_path / "never_read.csv", groups="orders_6m"))


def test_items_without_wording_are_a_recorded_warning(tmp_path):
    """A minimal instrument (items by id) analyses an existing data set; results.json records the warning."""
    data = tmp_path / "data.csv"
    pd.read_csv(demo_data_path(), usecols=["resp_id", "CS1", "CS2", "CS3"]).head(120).to_csv(data, index=False)
    instrument = parse_instrument({"id": "m", "title": "调查", "languages": ["zh"],
                                   "scale": {"min": 1, "max": 5, "labels": {1: "非常不同意", 5: "非常同意"}},
                                   "constructs": [{"id": "CS", "name": "满意", "items": ["CS1", "CS2", "CS3"]}]})
    with pytest.warns(UserWarning, match="instrument_incomplete"):
        results = to_plain(run_study(instrument, RunOptions(data=data, bootstrap=0, workers=1, no_clean=True)))
    assert results["warnings"][0] == {"code": "instrument_incomplete", "message": instrument.warnings()[0]}
    assert results["reliability"]["CS"]["alpha"] > 0
