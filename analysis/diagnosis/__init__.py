"""What the results say about the firms (chapter 3.10–3.11): the platforms as cases, and the problems traced
to item-level evidence with their causes."""
from analysis.diagnosis.cases import PlatformCase, PlatformCases, profile_platform_cases
from analysis.diagnosis.problems import (ANGLES, Cause, Diagnosis, GroupEvidence, IndicatorEvidence, ItemEvidence,
                                         PathReading, Problem, ThemeEvidence, diagnose_problems,
                                         theme_evidence)

__all__ = ["ANGLES", "Cause", "Diagnosis", "GroupEvidence", "IndicatorEvidence", "ItemEvidence", "PathReading",
           "PlatformCase", "PlatformCases", "Problem", "ThemeEvidence", "diagnose_problems", "profile_platform_cases",
           "theme_evidence"]
