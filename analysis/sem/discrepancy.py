"""The discrepancy-function interface the optimiser minimises: F(θ), its derivatives, stacks of samples.

A discrepancy binds a :class:`~analysis.sem.structure.ModelStructure` to sample data: one sample, or a
stack of b samples (bootstrap resamples) minimised together. ML (:mod:`analysis.sem.ml`) is the one
implementation today; each further estimator is a new implementation beside it (lavaan
``R/lav_model_objective.R``): FIML holds the raw data and sums casewise log-likelihoods with a mean
structure; multi-group sums N_g/N-weighted discrepancies of its groups; robust ML (MLR / MLM) keeps
the ML discrepancy and adds sandwich standard errors and a scaled χ² after the fit.
"""
from __future__ import annotations

from typing import NamedTuple, Protocol

import numpy as np

from analysis.sem.structure import ModelStructure


class Derivatives(NamedTuple):
    """∂F/∂θ, the unit expected information I (F ≈ quadratic with Hessian 2I), the exact Hessian ∂²F/∂θ²
    (each None when not requested) and whether F is defined at θ (Σ(θ) positive definite);
    per sample for a stack."""

    gradient: np.ndarray
    information: np.ndarray | None
    hessian: np.ndarray | None
    positive_definite: np.ndarray | bool


class Discrepancy(Protocol):
    """A fit function F(θ) ≥ 0 of one sample (θ (q,)) or of a stack of samples (θ (b, q))."""

    structure: ModelStructure

    @property
    def n_samples(self) -> int:
        """b for a stack, 1 for one sample."""

    def value(self, theta: np.ndarray) -> np.ndarray:
        """F(θ); inf where it is not defined."""

    def derivatives(self, theta: np.ndarray, hessian: bool = False, information: bool = True) -> Derivatives:
        """Gradient, and the information and exact Hessian if asked for."""

    def subset(self, rows: np.ndarray) -> Discrepancy:
        """The same discrepancy for samples ``rows`` of a stack."""

    def as_stack(self) -> Discrepancy:
        """A one-sample discrepancy as a stack of one."""
