"""From the analysis to action (chapters 4–6): the phased plan of the drivers, the indicator targets of the next
wave, and the pattern of attitudinal against behavioural loyalty."""
