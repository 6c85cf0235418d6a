"""A typed, read-only view of ``results.json`` (Contract 3): what the report reads.

:func:`results_view` builds it once from the plain results dict — the one written by ``loyalty run`` and
read back by ``loyalty report`` — so the report never walks the dict itself. Each section is a frozen
dataclass with explicit fields, or ``None`` when the run did not produce it (``skipped`` holds the reason
the pipeline gave). A record that is not a mapping, or a value that is not a finite number, reads as
absent (``None``), never as an error: the report says "not computed" instead.

Decisions are made here only by reading what analysis wrote (``supported``, ``mediation_type``,
``verdict``, ``quadrant``, ``priority``, ``flags``) or, where results.json does not carry the decision, by
calling the analysis function that owns the rule (fit verdicts, f² bands, validity cut-offs).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from analysis.describe.indicators import MEMBERSHIP_LOW_BELOW, NPS_WEAK_BELOW
from analysis.sem.effects import SIGNIFICANT_INDIRECT_TYPES, f2_size
from analysis.sem.fit_indices import FIT_THRESHOLDS, PASSING_VERDICTS, fit_verdict
from analysis.sem.models import ALPHA

FIT_KEYS = ("chisq", "df", "pvalue", "chisq_df", "cfi", "tli", "nfi", "rfi", "ifi", "pnfi", "pgfi", "rmsea",
            "rmsea_ci_lower", "rmsea_ci_upper", "pclose", "srmr", "gfi", "agfi")


def number(x) -> float | int | None:
    """``x`` when it is a finite int or float (bool excluded), else None."""
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        return None
    return x


def _mapping(x) -> dict:
    return x if isinstance(x, dict) else {}


def _records(x) -> list[dict]:
    return [r for r in x if isinstance(r, dict)] if isinstance(x, list) else []


def _text(x) -> str | None:
    return x if isinstance(x, str) and x else None


# ---------------------------------------------------------------------------------------------- meta
@dataclass(frozen=True)
class Meta:
    n_raw: int | None
    n_excluded: int | None
    n_analyzed: int | None
    n_kept: int | None
    bootstrap: int | None
    seed: int | None

    @property
    def n_valid(self) -> int | None:
        """Valid respondents after cleaning (``n_kept``; ``n_analyzed`` when the run does not say)."""
        return self.n_kept if self.n_kept is not None else self.n_analyzed


def _meta(d: dict) -> Meta:
    return Meta(*(number(d.get(k)) for k in ("n_raw", "n_excluded", "n_analyzed", "n_kept", "bootstrap", "seed")))


# ---------------------------------------------------------------------------------------------- fit
@dataclass(frozen=True)
class FitCheck:
    """One fit index against its cut-off: ``op`` '>' or '<'; ``passed`` None when there is no verdict."""

    index: str
    op: str | None
    acceptable: float | None
    good: float | None
    verdict: str
    passed: bool


@dataclass(frozen=True)
class ModelFit:
    """The FIT block of ``cfa`` or ``sem`` (values as written) and its verdicts, by index."""

    values: dict[str, float | int | None]
    checks: dict[str, FitCheck]


_THRESHOLD_TEXT = re.compile(r"^\s*([<>]=?)\s*(-?\d+(?:\.\d+)?)\s*(?:\(good\s*[<>]=?\s*(-?\d+(?:\.\d+)?)\s*\))?\s*$")


def _threshold(spec) -> tuple[str | None, float | None, float | None]:
    """(op, acceptable, good) of a verdict's ``threshold``: ``{op, acceptable, good}`` or its text form
    ``"> 0.9 (good > 0.95)"``."""
    if isinstance(spec, dict):
        return _text(spec.get("op")), number(spec.get("acceptable")), number(spec.get("good"))
    match = _THRESHOLD_TEXT.match(spec) if isinstance(spec, str) else None
    if match is None:
        return None, None, None
    op, acceptable, good = match.groups()
    return op, float(acceptable), float(good) if good is not None else None


def _fit(model: dict) -> ModelFit | None:
    values = model.get("fit")
    if not isinstance(values, dict):
        return None
    written = {v.get("index"): v for v in _records(model.get("fit_verdicts")) if isinstance(v.get("index"), str)}
    checks = {}
    if written:
        for index, v in written.items():
            verdict = str(v.get("verdict")) if v.get("verdict") else None
            if verdict is None:
                continue
            checks[index] = FitCheck(index, *_threshold(v.get("threshold")), verdict, verdict in PASSING_VERDICTS)
    else:
        for t in FIT_THRESHOLDS:
            value = number(values.get(t.index))
            if value is not None:
                verdict = fit_verdict(float(value), t)
                checks[t.index] = FitCheck(t.index, t.direction, t.acceptable, t.good, verdict,
                                           verdict in PASSING_VERDICTS)
    return ModelFit({k: number(values.get(k)) for k in FIT_KEYS}, checks)


# ---------------------------------------------------------------------------------------------- CFA
@dataclass(frozen=True)
class Loading:
    construct: str | None
    item: str | None
    est: float | None
    se: float | None
    z: float | None
    pvalue: float | None
    std_all: float | None


@dataclass(frozen=True)
class Cfa:
    converged: bool | None
    fit: ModelFit | None
    loadings: tuple[Loading, ...]
    latent_cor: dict


def _cfa(d: dict) -> Cfa:
    loadings = tuple(Loading(_text(ld.get("lhs")), ld.get("rhs"), number(ld.get("est")), number(ld.get("se")),
                             number(ld.get("z")), number(ld.get("pvalue")), number(ld.get("std_all")))
                     for ld in _records(d.get("loadings")) if ld.get("op", "=~") == "=~")
    return Cfa(d.get("converged") if isinstance(d.get("converged"), bool) else None, _fit(d), loadings,
               _mapping(d.get("latent_cor")))


# ---------------------------------------------------------------------------------------------- SEM
@dataclass(frozen=True)
class Path:
    """A structural regression ``lhs ~ rhs``; ``supported`` as analysis decided it (None: no hypothesis)."""

    lhs: str | None
    rhs: str | None
    est: float | None
    se: float | None
    z: float | None
    pvalue: float | None
    std_all: float | None
    hypothesis: str | None
    supported: bool | None

    @property
    def significant(self) -> bool:
        return self.pvalue is not None and self.pvalue < ALPHA


@dataclass(frozen=True)
class IndirectEffect:
    """A specific indirect effect source → via… → target with its bootstrap CI and Zhao et al.'s type."""

    source: str | None
    via: tuple[str, ...]
    target: str | None
    est: float | None
    std_all: float | None
    ci_lower: float | None
    ci_upper: float | None
    mediation_type: str | None
    hypothesis: str | None
    supported: bool | None

    @property
    def chain(self) -> tuple[str | None, ...]:
        return (self.source, *self.via, self.target)

    @property
    def significant(self) -> bool:
        return self.mediation_type in SIGNIFICANT_INDIRECT_TYPES


@dataclass(frozen=True)
class EffectSize:
    """Cohen's f² of ``rhs`` on ``lhs`` and its band ('small', … or None without a value)."""

    lhs: str
    rhs: str
    f2: float | None

    @property
    def size(self) -> str | None:
        return None if self.f2 is None else f2_size(self.f2)


@dataclass(frozen=True)
class Bootstrap:
    B: int | None
    failed: int | None


@dataclass(frozen=True)
class Sem:
    converged: bool | None
    fit: ModelFit | None
    paths: tuple[Path, ...]
    r2: dict[str, float | None]
    f2: tuple[EffectSize, ...]
    indirect: tuple[IndirectEffect, ...]
    bootstrap: Bootstrap

    def f2_of(self, lhs: str) -> tuple[EffectSize, ...]:
        return tuple(e for e in self.f2 if e.lhs == lhs)

    @property
    def supported(self) -> list[str]:
        """The hypotheses analysis found supported: direct paths first, then indirect ones."""
        return ([p.hypothesis for p in self.paths if p.hypothesis and p.supported]
                + [i.hypothesis for i in self.indirect if i.hypothesis and i.supported])

    @property
    def rejected(self) -> list[str]:
        return ([p.hypothesis for p in self.paths if p.hypothesis and p.supported is False]
                + [i.hypothesis for i in self.indirect if i.hypothesis and i.supported is False])


def _via(x) -> tuple[str, ...]:
    return tuple(x.split(" -> ")) if isinstance(x, str) and x else ()


def _sem(d: dict) -> Sem:
    paths = tuple(Path(_text(p.get("lhs")), _text(p.get("rhs")), *(number(p.get(k)) for k in ("est", "se", "z", "pvalue",
                                                                                              "std_all")),
                       _text(p.get("hypothesis")), p.get("supported") if isinstance(p.get("supported"), bool) else None)
                  for p in _records(d.get("paths")))
    indirect = tuple(IndirectEffect(_text(i.get("from")), _via(i.get("via")), _text(i.get("to")),
                                    *(number(i.get(k)) for k in ("est", "std_all", "ci_lower", "ci_upper")),
                                    _text(i.get("mediation_type")), _text(i.get("hypothesis")),
                                    i.get("supported") if isinstance(i.get("supported"), bool) else None)
                     for i in _records(d.get("indirect")))
    f2 = tuple(EffectSize(e["lhs"], e["rhs"], number(e.get("f2"))) for e in _records(d.get("f2"))
               if _text(e.get("lhs")) and _text(e.get("rhs")))
    boot = _mapping(d.get("bootstrap"))
    return Sem(d.get("converged") if isinstance(d.get("converged"), bool) else None, _fit(d), paths,
               dict(_mapping(d.get("r2"))), f2, indirect, Bootstrap(number(boot.get("B")), number(boot.get("failed"))))


# ---------------------------------------------------------------------------------------------- IPMA
#: the quadrant analysis.ipma names, in the report's order (the first is the one to improve first)
QUADRANT_ORDER = ("concentrate_here", "keep_up_the_good_work", "low_priority", "possible_overkill")


@dataclass(frozen=True)
class Priority:
    """One driver of the importance–performance map, with the quadrant and the rank analysis gave it."""

    construct: str
    importance: float
    performance: float
    quadrant: str
    priority: int

    @property
    def improve_first(self) -> bool:
        return self.quadrant == "concentrate_here"

    @property
    def low_performance(self) -> bool:
        return self.quadrant in ("concentrate_here", "low_priority")


@dataclass(frozen=True)
class Ipma:
    """The drivers in priority order; the quadrants split at the mean importance and mean performance."""

    priorities: tuple[Priority, ...]

    @property
    def mean_importance(self) -> float:
        return sum(p.importance for p in self.priorities) / len(self.priorities)

    @property
    def mean_performance(self) -> float:
        return sum(p.performance for p in self.priorities) / len(self.priorities)


def _ipma(entries: list[dict]) -> Ipma | None:
    priorities = [Priority(e["construct"], e["importance"], e["performance"], e["quadrant"], e["priority"])
                  for e in entries if number(e.get("importance")) is not None and number(e.get("performance")) is not None
                  and e.get("quadrant") in QUADRANT_ORDER and number(e.get("priority")) is not None]
    return Ipma(tuple(sorted(priorities, key=lambda p: p.priority))) if priorities else None


# ---------------------------------------------------------------------------------------------- indicators
@dataclass(frozen=True)
class Indicators:
    """The overall loyalty indicators (None when not computed)."""

    nps: float | None
    paid_membership: float | None

    @property
    def weak_advocacy(self) -> bool:
        return self.nps is not None and self.nps < NPS_WEAK_BELOW

    @property
    def low_membership(self) -> bool:
        return self.paid_membership is not None and self.paid_membership < MEMBERSHIP_LOW_BELOW


def _indicators(d: dict) -> Indicators:
    def overall(name: str, key: str):
        return number(_mapping(_mapping(d.get(name)).get("overall")).get(key))

    return Indicators(overall("nps", "nps"), overall("paid_membership", "proportion"))


# ---------------------------------------------------------------------------------------------- the view
@dataclass(frozen=True)
class ResultsView:
    """Every section the report reads; ``None`` where results.json has no such section."""

    meta: Meta
    cfa: Cfa | None
    sem: Sem | None
    ipma: Ipma | None
    indicators: Indicators
    skipped: dict[str, str]


def results_view(results: dict) -> ResultsView:
    """The typed view of a results.json dict (see the module docstring)."""
    r = _mapping(results)
    return ResultsView(
        meta=_meta(_mapping(r.get("meta"))),
        cfa=_cfa(r["cfa"]) if isinstance(r.get("cfa"), dict) else None,
        sem=_sem(r["sem"]) if isinstance(r.get("sem"), dict) else None,
        ipma=_ipma(_records(r.get("ipma"))),
        indicators=_indicators(_mapping(r.get("indicators"))),
        skipped={str(k): str(v) for k, v in _mapping(r.get("skipped")).items()},
    )


__all__ = ["Bootstrap", "Cfa", "EffectSize", "FitCheck", "Ipma", "IndirectEffect", "Indicators", "Loading", "Meta", "ModelFit",
           "Path", "Priority", "QUADRANT_ORDER", "ResultsView", "Sem", "number", "results_view"]
