"""Structural equation models (CB-SEM, lavaan 0.6 conventions): the public API.

``specification`` parses lavaan syntax into a parameter table; ``structure`` turns it into the
model matrices, Σ(θ) and its derivatives; ``discrepancy`` is the fit-function interface and ``ml``
its maximum-likelihood implementation; ``optimizer`` minimises a discrepancy; ``estimation``
orchestrates them into a fitted model with standard errors; ``robust`` the robust-ML (MLR, MLM)
sandwich SEs and scaled χ² and the estimator choice; ``fit_indices`` the fit table;
``diagnostics`` modification indices and admissibility; ``effects`` R², f² and
direct/indirect/total effects; ``bootstrap`` resampling and the Bollen–Stine test; ``models`` turns them into the CFA and
SEM results the pipeline reports; ``linalg`` holds matrix helpers for stacks of matrices;
``multigroup`` fits one model in several groups with a mean structure and ``invariance`` runs the
measurement-invariance sequence and the path-equality tests on it.
"""
from analysis.sem.invariance import InvarianceResult, assess_invariance
from analysis.sem.models import CfaResult, SemResult, fit_cfa, fit_model, fit_sem, parse_hypothesis

__all__ = ["CfaResult", "InvarianceResult", "SemResult", "assess_invariance", "fit_cfa", "fit_model", "fit_sem",
           "parse_hypothesis"]
