"""Build the report context: every string, table and figure spec the templates interpolate.

Input is the plain ``results.json`` dict (Contract 3 and the pipeline's extra keys), the instrument and
the language; the dict is read once into the typed view :func:`analysis.results_view.results_view`, which
carries the decisions analysis made (supported, significant, verdicts, bands, quadrants, priorities, failed
checks). Output holds strings and tables only: values are typeset (``reports.typeset``) and worded by the
macros of ``templates/<lang>/phrases.j2``. A section the results lack reads "not computed: <why>".

One module per part of the report: ``base`` (view, phrases and registration), ``sample`` (3.1),
``descriptives`` (3.2, 3.5), ``classical`` (item analysis 3.3, correlations 3.6, regression 3.7),
``psychometrics`` (3.4), ``structural`` (fit, SEM, mediation), ``invariance``
(3.8.5, multi-group), ``differences``
(moderation 3.8.4, group differences 3.9), ``open_answers`` (the open question's themes, 3.10), ``strategies``
(IPMA, chapters 4–5), ``diagnosis`` (problems 3.10, cases 3.11), ``evaluation`` (chapter 6), ``framing``
(abstract, chapters 1, 2, 7).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import jinja2

from questionnaire.errors import input_error
from questionnaire.instrument import Instrument
from reports import typeset as ts
from reports.context.classical import ClassicalSections
from reports.context.descriptives import DescriptiveSections
from reports.context.diagnosis import DiagnosisSections
from reports.context.differences import DifferenceSections
from reports.context.evaluation import EvaluationSections
from reports.context.framing import FramingSections
from reports.context.invariance import InvarianceSections
from reports.context.phrases import Phrases, bundled_environment
from reports.context.psychometrics import PsychometricSections
from reports.context.sample import OPEN_ANSWERS_SHOWN, SampleSections
from reports.context.strategies import StrategySections
from reports.context.structural import StructuralSections
from reports.figures import FigureSpec
from reports.tables import Table

__all__ = ["OPEN_ANSWERS_SHOWN", "ReportContext", "build_context"]


@dataclass
class ReportContext:
    """What the templates see (``values``), the tables and the figure specs they point to."""

    lang: str
    title: str
    values: dict
    tables: dict[str, Table]
    figures: dict[str, FigureSpec] = field(default_factory=dict)


class _Builder(SampleSections, ClassicalSections, DescriptiveSections, PsychometricSections, StructuralSections,
               InvarianceSections, DifferenceSections,
               DiagnosisSections, StrategySections, EvaluationSections, FramingSections):
    """All sections, built in the order in which later ones read the findings of earlier ones."""

    def build(self, case_notes: str | None = None) -> ReportContext:
        self.v["title"] = self.inst.title.get(self.lang)
        self.v["table"] = {}
        self.v["figure"] = {}
        self.sample()
        self.diagnostics()
        indicator_values = self.indicators()
        self.descriptives()
        self.item_analysis()
        self.correlations()
        self.regression()
        reliability_failures = self.reliability()
        self.efa()
        self.cfa()
        validity_failures = self.validity()
        fit_failures = self.fit()
        self.sem()
        self.moderation()
        self.invariance()
        self.group_differences()
        self.ipma()
        self.open_answer_themes()
        self.problems(reliability_failures + validity_failures + fit_failures)
        self.cases(case_notes)
        sections = self.strategies(indicator_values)
        self.plan()
        self.resources()
        self.indicator_system(indicator_values)
        self.limitations()
        self.model_figures()
        conclusions = self.conclusions(indicator_values)
        self.abstract(fit_failures, conclusions, [s["heading"].split(" ", 1)[1] for s in sections])
        self.theory()
        self.v["table"] = {k: f"[[table:{k}]]" for k in self.tables.tables}
        self.v["figure"] = {k: f"[[figure:{k}]]" for k in self.figures}
        self.v["ref"] = {k: self.ref(k) for k in [*self.tables.tables, *self.figures]}
        meta = self.view.meta
        self.v["meta"] = {k: ts.integer(getattr(meta, k)) for k in ("n_raw", "n_excluded", "n_analyzed", "bootstrap", "seed")}
        self.v["meta"]["n_kept"] = ts.integer(meta.n_valid)
        return ReportContext(self.lang, self.v["title"], self.v, dict(self.tables.tables), dict(self.figures))


def build_context(results: dict, instrument: Instrument, lang: str = "zh",
                  templates: jinja2.Environment | None = None, case_notes: str | None = None) -> ReportContext:
    """The report context for ``lang`` ('zh' or 'en') from a results dict and the instrument; its sentences come
    from ``phrases.j2`` in ``templates`` (default: the bundled templates of ``lang``); ``case_notes``: the
    author's own case material (text of ``--case-notes``), merged into 3.11."""
    if lang not in ("zh", "en"):
        raise input_error("unknown report language", value=lang, allowed="zh, en")
    return _Builder(results, instrument, lang, Phrases(templates or bundled_environment(lang))).build(case_notes)
