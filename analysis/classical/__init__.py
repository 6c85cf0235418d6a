"""Classical survey analyses: item analysis, correlations, group differences, regression, moderation."""
