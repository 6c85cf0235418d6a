"""Structural equation models (CB-SEM, lavaan 0.6 conventions): the public API.

``specification`` parses lavaan syntax into a parameter table; ``estimation`` computes Σ(θ), the ML
discrepancy and its optimum; ``fit_indices`` the fit table; ``diagnostics`` modification indices and
admissibility; ``effects`` R², f² and direct/indirect/total effects; ``bootstrap`` resampling;
``models`` turns them into the CFA and SEM results the pipeline reports.
"""
from analysis.sem.models import CfaResult, SemResult, fit_cfa, fit_model, fit_sem, parse_hypothesis

__all__ = ["CfaResult", "SemResult", "fit_cfa", "fit_model", "fit_sem", "parse_hypothesis"]
