"""Attitudinal against behavioural loyalty: Dick & Basu's (1994) four patterns from relative attitude (here the
NPS) and repeat patronage (the repeat-purchase rate).

Attitude is high when promoters outnumber detractors (NPS > 0); patronage is high when most customers buy
again (repeat-purchase rate ≥ 50 %). High patronage with a low attitude is spurious (inertial) loyalty — customers
who stay out of habit, convenience or lack of alternatives and leave when a competitor offers a reason; a high
attitude with low patronage is latent loyalty. The two measures diverge in these two patterns.
"""
from __future__ import annotations

from dataclasses import dataclass

#: NPS above this: promoters outnumber detractors (a high relative attitude)
ATTITUDE_HIGH_ABOVE = 0.0
#: repeat-purchase rate at or above this: most customers buy again (high repeat patronage)
REPEAT_HIGH_FROM = 0.5
PATTERNS = {(True, True): "true_loyalty", (False, True): "spurious_loyalty", (True, False): "latent_loyalty",
            (False, False): "no_loyalty"}


@dataclass(frozen=True)
class LoyaltyPattern:
    """``results.loyalty_pattern``: the two measures, the pattern, and whether attitude and behaviour diverge."""

    nps: float
    repeat_purchase: float
    attitude_high: bool
    repeat_high: bool
    pattern: str
    diverges: bool

    def plain_form(self) -> dict:
        return {"nps": self.nps, "repeat_purchase": self.repeat_purchase, "attitude_high": self.attitude_high,
                "repeat_high": self.repeat_high, "pattern": self.pattern, "diverges": self.diverges,
                "rule": {"attitude_high_above_nps": ATTITUDE_HIGH_ABOVE, "repeat_high_from": REPEAT_HIGH_FROM}}


def classify_loyalty(nps: float, repeat_purchase: float) -> LoyaltyPattern:
    """Dick & Basu's pattern of an NPS (points, −100…100) and a repeat-purchase rate (proportion)."""
    attitude, repeat = nps > ATTITUDE_HIGH_ABOVE, repeat_purchase >= REPEAT_HIGH_FROM
    pattern = PATTERNS[(attitude, repeat)]
    return LoyaltyPattern(float(nps), float(repeat_purchase), attitude, repeat, pattern,
                          pattern in ("spurious_loyalty", "latent_loyalty"))


def lagging_indicator(pattern: LoyaltyPattern | None) -> str | None:
    """The indicator a diverging pattern says to lead with: the NPS under spurious loyalty (the attitude lags),
    the repeat-purchase rate under latent loyalty (the behaviour lags); None otherwise."""
    if pattern is None or not pattern.diverges:
        return None
    return "nps" if pattern.pattern == "spurious_loyalty" else "repeat_purchase"
