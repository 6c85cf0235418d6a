"""A typed, read-only view of ``results.json`` (Contract 3): what the report reads.

:func:`results_view` builds it once from the plain results dict — the one written by ``loyalty run`` and
read back by ``loyalty report`` — so the report never walks the dict itself. Each section is a frozen
dataclass with explicit fields, or ``None`` when the run did not produce it (results.json lists such sections
in ``skipped`` with the reason). The keys read are the ones the current pipeline writes. A record that is
not a mapping, or a value that is not a finite number, reads as absent (``None``), never as an error: the
report says "not computed" instead.

Decisions are made here only by reading what analysis wrote (``supported``, ``mediation_type``,
``verdict``, ``quadrant``, ``priority``, ``flags``) or, where results.json does not carry the decision, by
calling the analysis function that owns the rule (fit verdicts, f² bands, validity cut-offs).
"""
from __future__ import annotations

from dataclasses import dataclass

from analysis.results_view.classical import (Correlations, ItemAnalysis, Regression, read_correlations,
                                             read_item_analysis, read_regression)
from analysis.results_view.diagnosis import Cases, Problems, read_cases, read_problems
from analysis.results_view.differences import (GroupComparison, GroupDifferences, Moderation,
                                               read_group_differences, read_moderation)
from analysis.results_view.fit import FitCheck, ModelFit
from analysis.results_view.invariance import Invariance, read_invariance
from analysis.results_view.measurement import (Cfa, CommonMethod, ConstructReliability, Efa, Factorability, Flag,
                                               Normality, Validity, read_cfa, read_efa, read_factorability,
                                               read_reliability, read_validity)
from analysis.results_view.open_answers import OpenAnswers, read_open_answers
from analysis.results_view.planning import (ActionPlan, IndicatorTargets, LoyaltyPattern, read_action_plan,
                                            read_indicator_targets, read_loyalty_pattern)
from analysis.results_view.reading import mapping, number, records, text
from analysis.results_view.structural import Ipma, Sem, read_ipma, read_sem
from analysis.sem.robust import ROBUST_ESTIMATORS
from analysis.results_view.survey import (INDICATORS, Baseline, Descriptives, Indicators, Meta, Sample,
                                          WarningRecord, read_baseline, read_descriptives, read_indicators,
                                          read_meta, read_sample)


@dataclass(frozen=True)
class EstimatorChoice:
    """``results.estimator``: the CFA/SEM estimator and why analysis chose it (analysis.sem.robust.choose_estimator)."""

    estimator: str | None
    requested: str | None
    reason: str | None

    @property
    def robust(self) -> bool:
        """MLR or MLM: robust SEs and a scaled χ² were used."""
        return self.estimator in ROBUST_ESTIMATORS


@dataclass(frozen=True)
class ResultsView:
    """Every section the report reads; ``None`` where results.json has no such section."""

    meta: Meta
    reliability: dict[str, ConstructReliability] | None
    factorability: Factorability | None
    efa: Efa | None
    common_method: CommonMethod | None
    validity: Validity
    normality: Normality | None
    warnings: tuple[WarningRecord, ...]
    cfa: Cfa | None
    sem: Sem | None
    ipma: Ipma | None
    indicators: Indicators | None
    descriptives: Descriptives
    sample: Sample
    baseline: Baseline | None
    estimator: EstimatorChoice | None = None
    invariance: Invariance | None = None
    item_analysis: ItemAnalysis | None = None
    correlations: Correlations | None = None
    regression: tuple[Regression, ...] | None = None
    moderation: tuple[Moderation, ...]  | None = None
    group_differences: GroupDifferences  | None = None
    open_answers: OpenAnswers | None = None
    action_plan: ActionPlan | None = None
    indicator_targets: IndicatorTargets | None = None
    loyalty_pattern: LoyaltyPattern | None = None
    cases: Cases | None = None
    problems: Problems | None = None


def results_view(results: dict, constructs: tuple[str, ...]) -> ResultsView:
    """The typed view of a results.json dict (see the module docstring); ``constructs`` in instrument order."""
    r = mapping(results)
    reliability = mapping(r.get("reliability"))
    common_method = mapping(r.get("common_method"))
    harman = number(common_method.get("harman_first_factor_pct"))
    mardia = number(mapping(r.get("normality")).get("p_kurt"))
    return ResultsView(
        meta=read_meta(mapping(r.get("meta"))),
        reliability={c: read_reliability(d) for c, d in reliability.items() if isinstance(d, dict)}
        if isinstance(r.get("reliability"), dict) else None,
        factorability=read_factorability(mapping(r.get("factorability"))),
        efa=read_efa(r["efa"]) if isinstance(r.get("efa"), dict) else None,
        common_method=CommonMethod(harman, tuple(f.get("threshold") for f in records(common_method.get("flags"))))
        if harman is not None else None,
        validity=read_validity(constructs, reliability, mapping(r.get("validity")), mapping(r.get("cfa"))),
        normality=Normality(mardia) if mardia is not None else None,
        warnings=tuple(WarningRecord(text(w.get("code")), w["message"]) for w in records(r.get("warnings")) if w.get("message")),
        cfa=read_cfa(r["cfa"]) if isinstance(r.get("cfa"), dict) else None,
        sem=read_sem(r["sem"]) if isinstance(r.get("sem"), dict) else None,
        ipma=read_ipma(records(r.get("ipma"))),
        indicators=read_indicators(r["indicators"]) if isinstance(r.get("indicators"), dict) else None,
        descriptives=read_descriptives(mapping(r.get("descriptives"))),
        sample=read_sample(r),
        baseline=read_baseline(r["baseline"]) if isinstance(r.get("baseline"), dict) else None,
        estimator=EstimatorChoice(*(text(mapping(r["estimator"]).get(k)) for k in ("estimator", "requested", "reason")))
        if isinstance(r.get("estimator"), dict) else None,
        invariance=read_invariance(r["invariance"]) if isinstance(r.get("invariance"), dict) else None,
        item_analysis=read_item_analysis(r["item_analysis"]) if isinstance(r.get("item_analysis"), dict) else None,
        correlations=read_correlations(r["correlations"]) if isinstance(r.get("correlations"), dict) else None,
        regression=tuple(read_regression(d) for d in records(r["regression"]))
        if isinstance(r.get("regression"), list) else None,
        moderation=read_moderation(r["moderation"]) if isinstance(r.get("moderation"), list) else None,
        group_differences=read_group_differences(r["group_differences"],
                                                 mapping(mapping(r.get("meta")).get("options")))
        if isinstance(r.get("group_differences"), list) else None,
        open_answers=read_open_answers(r["open_answers"]) if isinstance(r.get("open_answers"), dict) else None,
        action_plan=read_action_plan(r["action_plan"]) if isinstance(r.get("action_plan"), dict) else None,
        indicator_targets=read_indicator_targets(r["indicator_targets"])
        if isinstance(r.get("indicator_targets"), dict) else None,
        loyalty_pattern=read_loyalty_pattern(mapping(r.get("loyalty_pattern"))),
        cases=read_cases(r["cases"]) if isinstance(r.get("cases"), dict) else None,
        problems=read_problems(r["problems"]) if isinstance(r.get("problems"), dict) else None,
    )


__all__ = ["INDICATORS", "ActionPlan", "Baseline", "Cases", "Cfa", "CommonMethod", "ConstructReliability", "Correlations",
           "Descriptives", "Efa", "EstimatorChoice", "Factorability", "FitCheck", "Flag", "GroupComparison",
           "GroupDifferences", "IndicatorTargets", "Indicators", "Invariance", "Ipma", "ItemAnalysis", "LoyaltyPattern",
           "Meta", "ModelFit", "Moderation", "Normality", "OpenAnswers", "Problems", "Regression", "ResultsView",
           "Sample", "Sem", "Validity", "WarningRecord", "results_view"]
