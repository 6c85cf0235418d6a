"""One run of the study: read → validate → clean → describe → psychometrics → CFA → validity → SEM → IPMA →
moderation → group differences.

Each stage is timed; statistical trouble becomes records in ``warnings``; a stage that cannot run is
listed in ``skipped`` with its reason, and every later stage that can still run does.
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path

import pandas as pd
from threadpoolctl import threadpool_limits

from analysis import diagnosis, ipma, sem
from analysis.classical import correlations, group_differences, item_analysis, moderation, regression
from analysis.describe import descriptives, indicators, normality, open_answers
from analysis.diagnostics import Diagnostic, warn
from analysis.ingest import cleaning, missing, readers, validation
from analysis.planning import action_plan, loyalty_pattern, targets
from analysis.psychometrics import common_method, efa, factorability, reliability, validity
from analysis.results import StudyResults, to_plain
from analysis.sem import robust
from questionnaire.errors import input_error
from questionnaire.instrument import Instrument, Question

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class RunOptions:
    """What `loyalty run` was asked to do (Contract 2)."""

    data: Path | None = None
    sheet: str | None = None
    bootstrap: int = 2000
    bca: bool = False
    seed: int = 1
    workers: int = 1
    min_duration: float | None = None
    max_missing: float | None = None
    no_clean: bool = False
    #: ML, MLR, MLM or auto; None: the instrument's ``estimator``, else ML
    estimator: str | None = None
    #: listwise or fiml; None: the instrument's ``missing``, else listwise
    missing: str | None = None
    groups: str | None = None
    correlation: str = "pearson"
    sqrt_ave: bool = False
    min_group: int = group_differences.MIN_GROUP
    nonparametric: bool = False
    #: what Levene's test of the group differences is centred on: 'mean' (SPSS) or 'median' (Brown–Forsythe)
    levene_center: str = "mean"
    #: the file name results.json records for ``data`` (default: its own name; the web app stores an upload
    #: under a name of its own and records the name it was uploaded with)
    data_name: str | None = None


def demo_data_path() -> Path:
    """The bundled demo responses (package data)."""
    return Path(str(resources.files("data.demo") / "responses.csv"))


@dataclass
class _Run:
    """Mutable state of a run while its stages execute (never leaves this module)."""

    instrument: Instrument
    options: RunOptions
    progress: Progress | None
    sections: dict = field(default_factory=dict)
    skipped: dict = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)
    timings: dict = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str):
        started = time.perf_counter()
        if self.progress:
            self.progress(name, 0, 1)
        yield
        self.timings[name] = round(time.perf_counter() - started, 3)

    def keep(self, name: str, result) -> None:
        """Store a section and collect the diagnostics it carries."""
        self.sections[name] = result
        self.warnings.extend(getattr(result, "diagnostics", ()) or ())


def run_study(instrument: Instrument, options: RunOptions, progress: Progress | None = None) -> StudyResults:
    """Run every stage of the analysis on ``options.data`` (default: the bundled demo).

    BLAS is held to one thread: the matrices are small (items × items), where a second thread costs
    more than it gives (parallel analysis: 0.3 s on one thread, 30 s on two under load);
    ``options.workers`` parallelises the bootstrap across processes instead.
    """
    with threadpool_limits(limits=1):
        return _run_stages(instrument, options, progress)


def _run_stages(instrument: Instrument, options: RunOptions, progress: Progress | None) -> StudyResults:
    run = _Run(instrument, options, progress)
    run.sections["instrument"] = instrument.document
    run.warnings.extend(warn("instrument_incomplete", message) for message in instrument.warnings())
    grouping = _grouping_question(instrument, options)
    data_path = Path(options.data) if options.data else demo_data_path()
    with run.stage("read"):
        survey = readers.read_survey(data_path, instrument, sheet=options.sheet)
    with run.stage("clean"):
        cleaned = cleaning.clean_responses(survey, instrument, _cleaning_options(options))
        run.keep("cleaning", cleaned)
        run.sections["exclusions"] = cleaned.exclusions
        # where the file lies is not a result
        run.sections["input"] = {**to_plain(survey), "file": options.data_name or data_path.name}
        run.sections["privacy"] = {"dropped_personal_columns": list(survey.dropped_personal_columns),
                                   "masked_cells": survey.masked_cells}
    analysed = cleaned.analysed
    items = analysed[instrument.item_ids].astype(float)
    missing_method = options.missing or instrument.missing or "listwise"
    with run.stage("missing"):
        kinds = cleaned.missing_kinds
        summary = missing.summarise_missing(items, None if kinds is None else kinds.set_axis(items.index),
                                            missing_method)
        run.keep("missing", summary)
    _require_answers(items, data_path)
    _require_controls(instrument, analysed, data_path)
    complete = items.dropna()
    model_data = items if missing_method == "fiml" else complete  # the CFA's and SEM's respondents
    _check_listwise_loss(run, len(items), len(complete), missing_method)
    run.warnings.extend(validation.require_sample_size(complete, instrument, file=str(data_path)))
    # construct scores of the kept respondents (the listwise sample's are its rows)
    scores = pd.DataFrame({c.id: descriptives.construct_mean_score(analysed, c.item_ids) for c in instrument.constructs})
    with run.stage("descriptives"):
        _describe(run, analysed, items)
    with run.stage("psychometrics"):
        _psychometrics(run, complete)
    measurement = _model_measurement(run, complete)
    if measurement is not None:
        mardia = run.sections["normality"]
        run.keep("estimator", robust.choose_estimator(options.estimator or instrument.estimator, mardia.p_skew,
                                                      mardia.p_kurt, missing_method))
        with run.stage("cfa"):
            cfa = sem.fit_cfa(model_data, measurement, estimator=run.sections["estimator"].estimator,
                              missing=missing_method)
            run.keep("cfa", cfa)
            _validity(run, complete, cfa, measurement)
            if len(measurement) > 1:
                run.keep("common_method_cfa", common_method.one_factor_cfa_comparison(model_data, measurement, cfa))
    with run.stage("classical"):
        _classical(run, complete, analysed, scores.loc[complete.index])
    # the constructs the SEM and the multi-group models hold: a moderator construct is measured, not modelled
    modelled = ({c: measurement[c] for c in instrument.structural_constructs}
                if measurement is not None and instrument.has_structural_model else measurement)
    if not instrument.has_structural_model:
        run.skipped["sem"] = "the instrument has no structural model (measurement study)"
        run.skipped["ipma"] = "IPMA needs a structural model"
    elif measurement is None:
        run.skipped["sem"] = run.skipped["ipma"] = run.skipped["cfa"]
    else:
        with run.stage("sem"):
            _structural(run, model_data, scores, modelled, missing_method)
    if grouping is not None and measurement is not None:
        with run.stage("invariance"):
            _invariance(run, complete, analysed, modelled, grouping)
    if instrument.moderation:
        with run.stage("moderation"):
            run.sections["moderation"] = _moderation(run, scores, analysed)
    else:
        run.skipped["moderation"] = "the instrument declares no moderation"
    with run.stage("group_differences"):
        _group_differences(run, scores, analysed)
    item_means = {d.item: d.mean for d in run.sections["descriptives"].items}  # kept respondents, as the scores
    _planning(run, scores, item_means)
    with run.stage("diagnosis"):
        _platform_cases(run, scores, items, analysed)
        _problems(run, scores, item_means)
    run.sections["meta"] = _meta(run, survey, cleaned, complete, data_path)
    run.sections["warnings"] = _unique(run.warnings)
    return StudyResults({"meta": run.sections.pop("meta"), **run.sections}, run.skipped, model_data)


LISTWISE_LOSS_WARNING = 0.10


def _require_controls(instrument: Instrument, analysed: pd.DataFrame, data_path: Path) -> None:
    """The instrument's control questions (step 1 of the regressions) must have their columns in the data."""
    absent = [q for q in instrument.controls if q not in analysed]
    if absent:
        raise input_error("control question not in the data", file=data_path.name, column=absent[0],
                          allowed="a column for every question listed in the instrument's controls")


def _require_answers(items: pd.DataFrame, data_path: Path) -> None:
    """An item nobody answered would empty the listwise sample: name it instead."""
    empty = [item for item in items.columns if len(items) and items[item].isna().all()]
    if empty:
        raise input_error(f"no kept respondent answered item {empty[0]}"
                          + (f" (nor {', '.join(empty[1:])})" if len(empty) > 1 else ""),
                          file=data_path.name, column=empty[0],
                          allowed="answers in every item column, or the item removed from the instrument")


def _check_listwise_loss(run: _Run, n_kept: int, n_complete: int, missing_method: str) -> None:
    """Warn when listwise deletion drops more than 10% of the kept respondents: the model-based
    steps then rest on a subsample that may differ from the sample (missing not at random). With FIML the
    CFA and SEM keep them; the other steps stay listwise."""
    lost = n_kept - n_complete
    steps = "reliability and EFA" if missing_method == "fiml" else "reliability, EFA, CFA and SEM"
    if n_kept and lost / n_kept > LISTWISE_LOSS_WARNING:
        run.warnings.append(warn("listwise_loss", f"listwise deletion drops {lost} of {n_kept} respondents "
                                                  f"({100 * lost / n_kept:.0f}%) from the {steps}; "
                                                  "their answers are incomplete"))


def _cleaning_options(options: RunOptions) -> cleaning.CleaningOptions:
    chosen = {"min_duration": options.min_duration, "max_missing": options.max_missing}
    return cleaning.CleaningOptions(no_clean=options.no_clean,
                                    **{k: v for k, v in chosen.items() if v is not None})


def _describe(run: _Run, analysed: pd.DataFrame, items: pd.DataFrame) -> None:
    instrument = run.instrument
    scales = {item.id: (c.scale.min, c.scale.max) for c in instrument.constructs for item in c.items}
    run.keep("descriptives", descriptives.describe_items(items, scales, instrument.measurement))
    run.sections["sample"] = _sample_profile(instrument, analysed)
    run.keep("normality", normality.mardia(items.dropna()))
    run.sections["indicators"] = _indicators(run, analysed)
    run.sections["text_answers"] = _text_answers(instrument, analysed)
    _open_answers(run)


def _open_answers(run: _Run) -> None:
    """The open question's answers coded into the themes of the study's codebook."""
    question = run.instrument.open_question
    answers = run.sections["text_answers"].get(question.id) if question else None
    if not answers:
        run.skipped["open_answers"] = ("the instrument has no free-text question" if question is None
                                       else f"nobody answered the open question {question.id}")
        return
    run.sections["open_answers"] = open_answers.code_open_answers(
        question.id, answers, open_answers.study_codebook(run.instrument), open_answers.praise_marker())


def _text_answers(instrument: Instrument, analysed: pd.DataFrame) -> dict[str, list[str]]:
    """Non-empty answers to the free-text questions and the texts typed into "other, please specify" options
    (``<question>_other``; personal data already masked by the reader)."""
    answers = {}
    for question in instrument.questions:
        for column in (question.id if question.type == "text" else None, question.other_column):
            if column in analysed:
                values = analysed[column].dropna().astype(str).str.strip()
                answers[column] = [v for v in values if v]
    return answers


def _sample_profile(instrument: Instrument, analysed: pd.DataFrame) -> list:
    """Counts and % of every categorical background question (labels in the first language)."""
    lang = instrument.languages[0]
    tables = []
    for question in instrument.questions:
        options = [(o.code, o.label.get(lang)) for o in question.options]
        if question.type == "single" and question.id in analysed:
            tables.append(descriptives.frequency_table(analysed[question.id], options, question.id))
        elif question.type == "multiple" and set(question.option_columns()) <= set(analysed.columns):
            tables.append(descriptives.multiple_response_table(analysed[question.option_columns()], options,
                                                               question.id))
    return tables


def _indicators(run: _Run, analysed: pd.DataFrame) -> dict:
    """NPS, repeat-purchase rate and paid-membership share, overall and by main platform."""
    instrument = run.instrument
    platform = instrument.question_by_role("platform")
    group = analysed[platform.id] if platform is not None and platform.id in analysed else None
    out = {}
    nps = instrument.question_by_role("nps")
    if nps is not None and nps.id in analysed:
        out["nps"] = indicators.net_promoter_score(analysed[nps.id], group)
    orders = instrument.question_by_role("orders")
    if orders is not None and orders.id in analysed:
        out["repeat_purchase"] = indicators.repeat_purchase_rate(analysed[orders.id], group)
    membership = instrument.question_by_role("membership")
    if membership is not None and membership.id in analysed:
        none_code = next((o.code for o in membership.options if o.none), None)
        out["paid_membership"] = indicators.paid_membership_share(analysed[membership.id], group, none_code)
    for result in out.values():
        run.warnings.extend(result.diagnostics)
    if not out:
        run.skipped["indicators"] = "no question has the role nps, orders or membership"
    return out


def _psychometrics(run: _Run, complete: pd.DataFrame) -> None:
    measurement = run.instrument.measurement
    rel = reliability.assess_reliability(complete, measurement)
    run.sections["reliability"] = rel
    for result in rel.values():
        run.warnings.extend(result.diagnostics)
    run.keep("factorability", factorability.assess_factorability(complete))
    run.keep("efa", efa.fit_efa(complete, measurement, seed=run.options.seed))
    run.keep("common_method", common_method.harman_test(complete))


def _model_measurement(run: _Run, complete: pd.DataFrame) -> dict[str, list[str]] | None:
    """The measurement model for CFA/SEM: items without variance are left out (their covariance row is
    zero, so the sample covariance is singular and ML is undefined), each with a warning; None, with the
    reason in ``skipped``, when a construct is left without items."""
    constant = [item for item in complete.columns if complete[item].nunique() <= 1]
    for item in constant:
        run.warnings.append(warn("constant_item_left_out", f"item {item} has the same answer for all "
                                                           f"{len(complete)} respondents; it is left out of the CFA and SEM"))
    measurement = {c: [i for i in items if i not in constant] for c, items in run.instrument.measurement.items()}
    empty = [c for c, items in measurement.items() if not items]
    if empty:
        run.skipped["cfa"] = f"construct(s) {', '.join(empty)} have no item with variance"
        return None
    return measurement


def _validity(run: _Run, complete: pd.DataFrame, cfa, measurement: dict[str, list[str]]) -> None:
    """Validity from the CFA; CR, AVE and the standardized loadings also join the reliability table."""
    result = validity.assess_validity(complete, measurement, cfa.std_loadings, cfa.latent_cor)
    run.warnings.extend(result.diagnostics)
    run.sections["validity"] = {**to_plain(result), "latent_cor": cfa.latent_cor}
    merged = {}
    for construct, rel in run.sections["reliability"].items():
        table = to_plain(rel)
        table["cr"], table["ave"] = result.cr.get(construct), result.ave.get(construct)
        for item, row in table["items"].items():
            row["loading"] = cfa.std_loadings.get(construct, {}).get(item)
        merged[construct] = table
    run.sections["reliability"] = merged


def _classical(run: _Run, complete: pd.DataFrame, analysed: pd.DataFrame, scores: pd.DataFrame) -> None:
    """Item analysis, correlations and regressions of the construct ``scores``, on the listwise sample."""
    instrument = run.instrument
    run.keep("item_analysis", item_analysis.analyse_items(complete, instrument.item_ids))
    ave = run.sections.get("validity", {}).get("ave", {}) if run.options.sqrt_ave else None
    run.keep("correlations", correlations.correlate_scores(scores, run.options.correlation, ave))
    if not instrument.has_structural_model:
        run.skipped["regression"] = "the instrument has no structural model (measurement study)"
        return
    questions = [q for q in instrument.questions if q.id in instrument.controls]
    block, terms = regression.control_design(analysed.loc[complete.index, [q.id for q in questions]], questions)
    results = [regression.regress_scores(scores, eq.lhs, eq.rhs, block, terms) for eq in instrument.structural]
    run.sections["regression"] = results
    for result in results:
        run.warnings.extend(result.diagnostics)


def _structural(run: _Run, model_data: pd.DataFrame, scores: pd.DataFrame, measurement: dict[str, list[str]],
                missing_method: str) -> None:
    """SEM of ``measurement`` (the structural model's constructs) on ``model_data`` (the complete respondents, or
    every kept one with FIML) with bootstrap mediation, and the IPMA of the drivers."""
    instrument = run.instrument
    options = run.options
    hypotheses = {h.label: str(h) for h in instrument.hypotheses}
    signs = {h.label: h.sign for h in instrument.hypotheses}

    def report(done: int, total: int) -> None:
        if run.progress:
            run.progress("bootstrap", done, total)

    fitted = sem.fit_sem(model_data, measurement, instrument.structural_syntax(), hypotheses,
                         bootstrap=options.bootstrap, seed=options.seed, workers=options.workers,
                         progress=report, signs=signs, bca=options.bca,
                         estimator=run.sections["estimator"].estimator, missing=missing_method)
    run.keep("sem", fitted)
    outcome = instrument.outcome_construct
    performance = {c.id: ipma.construct_performance(scores[c.id], c.scale.min, c.scale.max)
                   for c in instrument.constructs}
    drivers = set(instrument.exogenous)
    into_outcome = [e for e in fitted.effects if e.target == outcome and e.source in drivers]
    if not into_outcome:
        run.skipped["ipma"] = f"no driver (exogenous construct) has an effect on the outcome {outcome}"
        return
    width = {c.id: c.scale.max - c.scale.min for c in instrument.constructs}
    run.sections["ipma"] = ipma.importance_performance(
        {e.source: ipma.rescaled_effect(e.total, width[e.source], width[outcome]) for e in into_outcome},
        {e.source: e.total_std for e in into_outcome}, performance)


def _planning(run: _Run, scores: pd.DataFrame, item_means: dict[str, float]) -> None:
    """Chapters 4–6: the loyalty pattern (NPS against repeat purchase), the indicator targets of the next wave and
    the phased plan of the IPMA drivers."""
    instrument, found = run.instrument, run.sections.get("indicators", {})
    values = {name: _indicator_value(found[name].overall) for name in ("repeat_purchase", "nps", "paid_membership")
              if name in found}
    current = {name: v for name, v in values.items() if pd.notna(v)}
    pattern = None
    if "nps" in current and "repeat_purchase" in current:
        pattern = loyalty_pattern.classify_loyalty(current["nps"], current["repeat_purchase"])
        run.sections["loyalty_pattern"] = pattern
    else:
        run.skipped["loyalty_pattern"] = "needs both the NPS and the repeat-purchase rate"
    entries = run.sections.get("ipma") or []
    endogenous = list(dict.fromkeys(r.lhs for r in instrument.structural))
    indexed = [*[c for c in endogenous if c != instrument.outcome_construct], *([instrument.outcome_construct]
               if instrument.outcome_construct else []), *(e.construct for e in entries)]
    indices = {c: ipma.construct_performance(scores[c], instrument.construct(c).scale.min,
                                             instrument.construct(c).scale.max) for c in indexed}
    plan = None
    if entries:
        plan = action_plan.plan_actions(entries, item_means, instrument.measurement, instrument.outcome_construct,
                                        run.sections.get("open_answers"), loyalty_pattern.lagging_indicator(pattern))
        run.sections["action_plan"] = plan
    else:
        run.skipped["action_plan"] = run.skipped.get("ipma", "no importance–performance map")
    maintained = {d.construct for d in plan.drivers if d.phase == "long"} if plan else set()
    run.sections["indicator_targets"] = targets.indicator_targets(current, indices, maintained)


def _grouping_question(instrument: Instrument, options: RunOptions) -> Question | None:
    """The question of ``--groups`` (else the instrument's ``groups``); it must be a single-choice question."""
    question_id = options.groups or instrument.groups
    if question_id is None:
        return None
    singles = {q.id: q for q in instrument.questions if q.type == "single"}
    if question_id not in singles:
        raise input_error("--groups: not a single-choice question of the instrument", value=question_id,
                          allowed=", ".join(singles) or "none (the instrument has no single-choice question)")
    return singles[question_id]


def _invariance(run: _Run, complete: pd.DataFrame, analysed: pd.DataFrame, measurement: dict[str, list[str]],
                question: Question) -> None:
    """Measurement invariance of ``measurement`` (the SEM's constructs, or all in a measurement study) and the
    structural paths across the groups of ``question`` (listwise sample)."""
    if question.id not in analysed:
        run.skipped["invariance"] = f"the data have no column for the grouping question {question.id}"
        return
    lang = run.instrument.languages[0]
    labels = {o.code: o.label.get(lang) for o in question.options}
    structural = run.instrument.structural_syntax() if run.instrument.has_structural_model else None
    result = sem.assess_invariance(complete, measurement, structural, analysed.loc[complete.index, question.id],
                                   labels, question.id, estimator=run.sections["estimator"].estimator)
    run.keep("invariance", result)
    if len(result.groups) < 2:
        run.skipped["invariance"] = (f"fewer than two groups of {question.id} have at least {result.min_group_n} "
                                     "respondents with complete answers")


def _options(instrument: Instrument, question_id: str) -> list[tuple[object, str]]:
    """(code, label in the instrument's first language) of a question's options."""
    question = next(q for q in instrument.questions if q.id == question_id)
    return [(o.code, o.label.get(instrument.languages[0])) for o in question.options]


def _moderation(run: _Run, scores: pd.DataFrame, analysed: pd.DataFrame) -> list:
    """Each declared moderation on the construct scores of the kept respondents; a background-question
    moderator is categorical."""
    instrument = run.instrument
    results = []
    for declared in instrument.moderation:
        is_construct = declared.m in scores
        m = scores[declared.m] if is_construct else analysed.get(declared.m, pd.Series(float("nan"), analysed.index))
        result = moderation.moderate(scores[declared.x], m, scores[declared.y], (declared.x, declared.m, declared.y),
                                     None if is_construct else _options(instrument, declared.m), run.options.min_group)
        if result.note:
            run.warnings.append(warn(f"moderation_{result.note}", f"moderation {declared.x} × {declared.m} → "
                                                                  f"{declared.y} not estimated: {result.note.replace('_', ' ')}"))
        results.append(result)
    return results


def _group_differences(run: _Run, scores: pd.DataFrame, analysed: pd.DataFrame) -> None:
    """Every single-choice background question × every construct score (kept respondents)."""
    questions = [(q.id, _options(run.instrument, q.id)) for q in run.instrument.questions
                 if q.type == "single" and q.id in analysed]
    if not questions:
        run.skipped["group_differences"] = "the instrument has no single-choice background question"
        return
    results = group_differences.group_differences(scores, analysed, questions, run.options.min_group,
                                                  run.options.nonparametric, run.options.levene_center)
    for r in results:
        if r.note:
            run.warnings.append(warn(f"group_{r.note}", f"{r.question} × {r.construct}: not tested, "
                                                        f"{r.note.replace('_', ' ')}"))
    run.sections["group_differences"] = results


def _indicator_value(estimate) -> float:
    """An NPS (points) or a share (proportion)."""
    return estimate.nps if hasattr(estimate, "nps") else estimate.proportion


def _platform_cases(run: _Run, scores: pd.DataFrame, items: pd.DataFrame, analysed: pd.DataFrame) -> None:
    """Chapter 3.11's cases: the main platforms with at least ``--min-group`` kept respondents."""
    instrument = run.instrument
    platform = instrument.question_by_role("platform")
    ranked_by = instrument.outcome_construct
    if platform is None or platform.id not in analysed or ranked_by is None:
        run.skipped["cases"] = "the case analysis needs a platform question (role: platform) and an outcome construct"
        return
    indicators = {name: (_indicator_value(r.overall), {float(k): _indicator_value(e) for k, e in r.by_group.items()})
                  for name, r in run.sections["indicators"].items()}
    test = next((g for g in run.sections.get("group_differences", ())
                 if g.question == platform.id and g.construct == ranked_by), None)
    difference = (test.test, test.pvalue) if test is not None else (None, None)
    measurement = instrument.measurement
    run.sections["cases"] = diagnosis.profile_platform_cases(
        platform.id, analysed[platform.id], [(o.code, o.other) for o in platform.options], scores,
        items, {c: measurement[c] for c in instrument.drivers}, ranked_by,
        indicators, run.options.min_group, difference)


def _problems(run: _Run, scores: pd.DataFrame, item_means: dict[str, float]) -> None:
    """Chapter 3.10's problems, their evidence and causes (from the IPMA, the item means, the group differences,
    the indicators and the open-answer themes)."""
    instrument = run.instrument
    if "ipma" not in run.sections:
        run.skipped["problems"] = "the problems are traced from the IPMA priorities, which were not computed"
        return
    platform = instrument.question_by_role("platform")
    membership = instrument.question_by_role("membership")
    fitted = run.sections["sem"]
    run.sections["problems"] = diagnosis.diagnose_problems(
        run.sections["ipma"], instrument.measurement, item_means,
        {c: float(scores[c].mean()) for c in scores.columns}, run.sections.get("group_differences", ()),
        platform.id if platform else None, membership.id if membership else None, run.sections["indicators"],
        instrument.outcome_construct, fitted.paths, fitted.indirect,
        diagnosis.theme_evidence(run.sections.get("open_answers")))


def _meta(run: _Run, survey, cleaned, complete: pd.DataFrame, data_path: Path) -> dict:
    options = run.options
    return {
        "n_raw": int(len(survey.responses)),
        "n_excluded": int(cleaned.n_excluded),
        "n_analyzed": int(len(complete)),
        "n_kept": int(len(cleaned.analysed)),
        "seed": options.seed,
        "bootstrap": options.bootstrap,
        "instrument_id": run.instrument.id,
        "data_file": options.data_name or data_path.name,
        "data_sha256": hashlib.sha256(data_path.read_bytes()).hexdigest(),
        "version": _version(),
        "options": {"no_clean": options.no_clean, "min_duration": options.min_duration,
                    "max_missing": options.max_missing, "sheet": options.sheet, "min_group": options.min_group,
                    "nonparametric": options.nonparametric, **({"groups": options.groups} if options.groups else {})},
        "timings": dict(run.timings),
    }


def _version() -> str:
    try:
        return metadata.version("loyalty-survey")
    except metadata.PackageNotFoundError:
        return "unknown"


def _unique(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    seen, out = set(), []
    for d in diagnostics:
        if (d.code, d.message) not in seen:
            seen.add((d.code, d.message))
            out.append(d)
    return out

