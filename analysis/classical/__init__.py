"""Observed-score analyses a questionnaire thesis reports: item analysis, correlations, regression (and more)."""
