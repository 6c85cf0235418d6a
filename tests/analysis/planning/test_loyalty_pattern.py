"""Dick & Basu's patterns from the NPS and the repeat-purchase rate: the divergence rule and its boundaries."""
import pytest

from analysis.planning.loyalty_pattern import classify_loyalty, lagging_indicator
from analysis.results import to_plain


@pytest.mark.parametrize("nps, repeat, pattern, diverges, lead", [
    (-30.0, 0.90, "spurious_loyalty", True, "nps"),        # the demo's picture: habit without advocacy
    (0.0, 0.50, "spurious_loyalty", True, "nps"),          # NPS 0: promoters do not outnumber detractors; 50 % is high
    (0.1, 0.90, "true_loyalty", False, None),
    (45.0, 0.30, "latent_loyalty", True, "repeat_purchase"),
    (-10.0, 0.499, "no_loyalty", False, None),
])
def test_attitude_against_behaviour(nps, repeat, pattern, diverges, lead):
    found = classify_loyalty(nps, repeat)
    assert (found.pattern, found.diverges) == (pattern, diverges)
    assert lagging_indicator(found) == lead
    assert to_plain(found)["rule"] == {"attitude_high_above_nps": 0.0, "repeat_high_from": 0.5}


def test_no_pattern_leads_no_indicator():
    assert lagging_indicator(None) is None
