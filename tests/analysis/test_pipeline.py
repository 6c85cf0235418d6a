"""analysis.pipeline: the ``--groups`` question is checked before any data is read."""
import pytest

from analysis.pipeline import RunOptions, run_study
from questionnaire.errors import InputError
from questionnaire.instrument import bundled_instrument_path
from questionnaire.loader import load_instrument


def test_groups_must_name_a_single_choice_question(tmp_path):
    with pytest.raises(InputError, match=r"--groups: not a single-choice question of the instrument 'orders_6m'; "
                                         r"allowed: gender, age, .*platform"):
        run_study(load_instrument(bundled_instrument_path()),
                  RunOptions(data=tmp_path / "never_read.csv", groups="orders_6m"))
