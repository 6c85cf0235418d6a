"""Regression (回归分析) of a construct score on its predictors' scores, with control variables entered first.

Ordinary least squares (``statsmodels`` OLS = R ``lm``): B, SE, t, p and the 95 % CI of each term; β = B·s_x/s_y
(SPSS *Beta*); VIF_j = 1/(1 − R²_j) and tolerance = 1/VIF (``variance_inflation_factor`` = ``car::vif`` for
numeric terms); R², adjusted R², the overall F; the Durbin–Watson statistic Σ(e_t − e_{t−1})²/Σe_t² of the
residuals in data order (= ``lmtest::dwtest``'s DW). With control variables the model is hierarchical, as
SPSS *Linear Regression* with two blocks: step 1 the controls, step 2 the controls and the predictors, each
with ΔR², ΔF = (ΔR²/Δk)/((1 − R²₂)/(n − k₂ − 1)) and its p (R ``anova(step1, step2)``). A control question
with options is dummy-coded, its first option (in the instrument's order) that anyone chose being the
reference (R ``factor`` + ``droplevels``); a numeric one enters as it is.

A term that is a linear combination of the terms before it is left out, as R's ``lm`` reports it ``NA``;
a constant outcome or too few respondents give a note instead of a model. A predictor's VIF above
:data:`VIF_MAX` (Hair et al. 2019; 10 is the lenient cut-off of Kutner et al. 2005) is flagged; the VIFs of
dummy-coded controls are shown but not flagged, as they grow with a small reference group (Allison 2012).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.stats.outliers_influence import variance_inflation_factor
from statsmodels.stats.stattools import durbin_watson

from analysis.diagnostics import Diagnostic, warn
from analysis.numbers import numeric_column
from questionnaire.instrument import Question

#: VIF above which a term is flagged for multicollinearity (Hair et al. 2019)
VIF_MAX = 5.0
INTERCEPT = "(Intercept)"


@dataclass(frozen=True)
class ControlTerm:
    """A column of the control block: ``question`` and, for a dummy, the option ``code`` it marks."""

    term: str
    question: str
    code: int | None


@dataclass(frozen=True)
class Coefficient:
    term: str
    b: float
    se: float
    beta: float | None
    t: float
    pvalue: float
    ci_lower: float
    ci_upper: float
    vif: float | None
    tolerance: float | None


@dataclass(frozen=True)
class Step:
    """One block of the hierarchical regression: the terms of the model after the block, R² and its change."""

    terms: tuple[str, ...]
    r2: float
    delta_r2: float
    delta_f: float
    delta_df1: int
    delta_df2: int
    delta_pvalue: float


@dataclass(frozen=True)
class RegressionResult:
    """One element of ``results.json`` ``regression``; the statistics of the final model, ``None`` with a note
    when it cannot be fitted."""

    outcome: str
    predictors: tuple[str, ...]
    controls: tuple[str, ...]
    control_terms: tuple[ControlTerm, ...]
    n: int
    r2: float | None = None
    adj_r2: float | None = None
    f: float | None = None
    df1: int | None = None
    df2: int | None = None
    pvalue: float | None = None
    durbin_watson: float | None = None
    coefficients: tuple[Coefficient, ...] = ()
    steps: tuple[Step, ...] = ()
    vif_max: float = VIF_MAX
    flags: tuple[dict, ...] = ()
    note: str | None = None
    diagnostics: tuple[Diagnostic, ...] = ()

    def plain_form(self) -> dict:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "diagnostics"}
        out["control_terms"] = {c.term: {"question": c.question, "code": c.code} for c in self.control_terms}
        return out


def control_design(background: pd.DataFrame,
                   questions: Sequence[Question]) -> tuple[pd.DataFrame, tuple[ControlTerm, ...]]:
    """The control block: a dummy column ``<question>_<code>`` per chosen option but the reference (the first
    chosen option) of a question with options, the column itself for a numeric one; rows as ``background``."""
    columns, terms = {}, []
    for q in questions:
        x = pd.Series(numeric_column(background[q.id], q.id), index=background.index)
        if not q.options:
            columns[q.id] = x
            terms.append(ControlTerm(q.id, q.id, None))
            continue
        present = [o.code for o in q.options if (x == o.code).any()]
        for code in present[1:]:
            term = f"{q.id}_{code}"
            columns[term] = (x == code).astype(float).where(x.notna())
            terms.append(ControlTerm(term, q.id, code))
    return pd.DataFrame(columns, index=background.index), tuple(terms)


def _independent(design: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(kept, aliased): each column kept unless it lies in the span of the intercept and the columns kept before it."""
    kept, aliased = [], []
    base = np.ones((len(design), 1))
    for column in design.columns:
        candidate = np.column_stack([base, design[column].to_numpy()])
        if np.linalg.matrix_rank(candidate) > base.shape[1]:
            kept.append(column)
            base = candidate
        else:
            aliased.append(column)
    return kept, aliased


def _fit(y: pd.Series, design: pd.DataFrame):
    return sm.OLS(y, sm.add_constant(design, has_constant="add")).fit()


def _coefficients(fit, y: pd.Series, design: pd.DataFrame) -> tuple[Coefficient, ...]:
    exog = fit.model.exog
    ci = fit.conf_int(0.05)
    rows = []
    for j, name in enumerate(fit.model.exog_names):
        if name == "const":
            beta = vif = tolerance = None
        else:
            beta = float(fit.params[name] * design[name].std(ddof=1) / y.std(ddof=1))
            vif = float(variance_inflation_factor(exog, j)) if exog.shape[1] > 2 else 1.0
            tolerance = 1.0 / vif
        rows.append(Coefficient(INTERCEPT if name == "const" else name, float(fit.params[name]), float(fit.bse[name]),
                                beta, float(fit.tvalues[name]), float(fit.pvalues[name]), float(ci.loc[name, 0]),
                                float(ci.loc[name, 1]), vif, tolerance))
    return tuple(rows)


def _steps(y: pd.Series, blocks: list[list[str]], design: pd.DataFrame) -> tuple[Step, ...]:
    """Each block added to the model of the blocks before it; the first compared with the intercept-only model."""
    steps, previous, terms = [], None, []
    for block in blocks:
        terms = terms + block
        fit = _fit(y, design[terms])
        if previous is None:
            delta_f, delta_p, delta_df1, delta_r2 = fit.fvalue, fit.f_pvalue, fit.df_model, fit.rsquared
        else:
            delta_f, delta_p, delta_df1 = fit.compare_f_test(previous)
            delta_r2 = fit.rsquared - previous.rsquared
        steps.append(Step(tuple(terms), float(fit.rsquared), float(delta_r2), float(delta_f), int(delta_df1),
                          int(fit.df_resid), float(delta_p)))
        previous = fit
    return tuple(steps)


def regress_scores(scores: pd.DataFrame, outcome: str, predictors: Sequence[str], controls: pd.DataFrame | None = None,
                   control_terms: tuple[ControlTerm, ...] = ()) -> RegressionResult:
    """OLS of ``scores[outcome]`` on the ``controls`` block (step 1, when given) and ``predictors`` (step 2), on
    the rows complete for all of them; see the module docstring."""
    controls = controls if controls is not None else pd.DataFrame(index=scores.index)
    questions = tuple(dict.fromkeys(t.question for t in control_terms))
    frame = pd.concat([scores[[outcome, *predictors]], controls], axis=1).dropna()
    y = frame[outcome]
    n = len(frame)
    head = dict(outcome=outcome, predictors=tuple(predictors), controls=questions, control_terms=control_terms, n=n)
    kept, aliased = _independent(frame[[*controls.columns, *predictors]])
    problem = None
    if n and np.ptp(y.to_numpy()) == 0:
        problem = f"regression of {outcome}: its score does not vary over the {n} respondents; no model is fitted"
    elif n <= len(kept) + 1:
        problem = f"regression of {outcome}: {n} respondents for {len(kept)} terms; no model is fitted"
    if problem:
        d = warn("regression_undefined", problem)
        return RegressionResult(**head, note=problem, diagnostics=(d,))
    diagnostics = []
    note = None
    if aliased:
        note = (f"regression of {outcome}: {', '.join(aliased)} is a linear combination of the terms before it "
                "and is left out (R's lm reports NA)")
        diagnostics.append(warn("regression_collinear", note))
    control_block = [c for c in controls.columns if c in kept]
    predictor_block = [p for p in predictors if p in kept]
    design = frame[kept]
    fit = _fit(y, design)
    coefficients = _coefficients(fit, y, design)
    flags = tuple({"code": "vif_above_max", "term": c.term, "value": c.vif, "threshold": VIF_MAX}
                  for c in coefficients if c.term in predictor_block and c.vif > VIF_MAX)
    for flag in flags:
        diagnostics.append(warn("regression_high_vif", f"regression of {outcome}: VIF of {flag['term']} is "
                                                       f"{flag['value']:.2f} (> {VIF_MAX:g}): multicollinearity"))
    blocks = [b for b in (control_block, predictor_block) if b]
    return RegressionResult(**head, r2=float(fit.rsquared), adj_r2=float(fit.rsquared_adj), f=float(fit.fvalue),
                            df1=int(fit.df_model), df2=int(fit.df_resid), pvalue=float(fit.f_pvalue),
                            durbin_watson=float(durbin_watson(fit.resid)), coefficients=coefficients,
                            steps=_steps(y, blocks, design), flags=flags, note=note, diagnostics=tuple(diagnostics))
