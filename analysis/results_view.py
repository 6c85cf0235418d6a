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

import math
import re
from dataclasses import dataclass

from analysis.describe.descriptives import KURTOSIS_LIMIT, SKEW_LIMIT
from analysis.describe.indicators import MEMBERSHIP_LOW_BELOW, NPS_WEAK_BELOW
from analysis.psychometrics.common_method import HARMAN_THRESHOLDS
from analysis.psychometrics.efa import LOADING_CUTOFF
from analysis.psychometrics.factorability import KMO_MIN, SPHERICITY_ALPHA
from analysis.psychometrics.reliability import ALPHA_MIN
from analysis.psychometrics.validity import AVE_MIN, CR_MIN, HTMT_STRICT, LOADING_MIN
from analysis.sem.effects import SIGNIFICANT_INDIRECT_TYPES, f2_size
from analysis.sem.fit_indices import FIT_THRESHOLDS, PASSING_VERDICTS, fit_verdict
from analysis.sem.models import ALPHA

#: The rule of thumb of ten cases per observed variable for a covariance-structure model (Kline 2016, ch. 9;
#: Nunnally 1978).
CASES_PER_ITEM = 10

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
    def excluded_share(self) -> float | None:
        """Excluded respondents as a share of those read."""
        return self.n_excluded / self.n_raw if self.n_excluded is not None and self.n_raw else None

    def enough_cases(self, n_items: int) -> bool:
        """At least :data:`CASES_PER_ITEM` analysed respondents per observed item."""
        return self.n_analyzed / n_items >= CASES_PER_ITEM

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


# ---------------------------------------------------------------------------------------------- reliability
@dataclass(frozen=True)
class Flag:
    """A check analysis flagged: ``code`` (e.g. 'low_citc'), the item it concerns and the value."""

    code: str | None
    item: str | None
    value: float | None


@dataclass(frozen=True)
class ItemReliability:
    item: str
    citc: float | None
    alpha_if_deleted: float | None


@dataclass(frozen=True)
class ConstructReliability:
    alpha: float | None
    alpha_ci: tuple[float | None, float | None]
    omega: float | None
    cr: float | None
    ave: float | None
    n_items: int
    items: tuple[ItemReliability, ...]
    flags: tuple[Flag, ...]

    @property
    def low_alpha(self) -> bool:
        return self.alpha is not None and self.alpha < ALPHA_MIN


def _reliability(d: dict) -> ConstructReliability:
    ci = d.get("alpha_ci") if isinstance(d.get("alpha_ci"), list) and len(d["alpha_ci"]) == 2 else [None, None]
    items = _mapping(d.get("items"))
    return ConstructReliability(
        number(d.get("alpha")), (number(ci[0]), number(ci[1])), number(d.get("omega")), number(d.get("cr")),
        number(d.get("ave")), len(items),
        tuple(ItemReliability(k, number(v.get("citc")), number(v.get("alpha_if_deleted")))
              for k, v in items.items() if isinstance(v, dict)),
        tuple(Flag(_text(f.get("code")), _text(f.get("item")), number(f.get("value"))) for f in _records(d.get("flags"))))


# ---------------------------------------------------------------------------------------------- factor analysis
@dataclass(frozen=True)
class Factorability:
    kmo: float
    chisq: float | None
    df: int | None
    pvalue: float | None

    @property
    def kmo_adequate(self) -> bool:
        return self.kmo >= KMO_MIN

    @property
    def suitable(self) -> bool:
        """KMO adequate and sphericity rejected."""
        return self.kmo_adequate and self.pvalue is not None and self.pvalue < SPHERICITY_ALPHA


def _factorability(d: dict) -> Factorability | None:
    if number(d.get("kmo")) is None:
        return None
    b = _mapping(d.get("bartlett"))
    return Factorability(d["kmo"], number(b.get("chisq")), number(b.get("df")), number(b.get("pvalue")))


@dataclass(frozen=True)
class FactorVariance:
    """One row of SPSS's 'total variance explained': initial eigenvalue and the rotated sums of squares."""

    factor: int | None
    eigenvalue: float | None
    pct_variance: float | None
    cum_pct: float | None
    ss_loadings: float | None
    rotated_pct_variance: float | None


@dataclass(frozen=True)
class Efa:
    eigenvalues: tuple[float, ...]
    parallel_eigenvalues: tuple[float, ...]
    parallel_n_factors: int | None
    n_factors: int | None
    method: str | None
    rotation: str | None
    variance_explained: float | None
    variance: tuple[FactorVariance, ...]
    loadings: dict[str, list]

    @staticmethod
    def shown(loading) -> bool:
        """Whether a rotated loading is large enough to be listed."""
        return number(loading) is not None and abs(loading) >= LOADING_CUTOFF


def _efa(d: dict) -> Efa:
    n_factors = d.get("n_factors") if isinstance(d.get("n_factors"), int) else None
    components = d.get("method") == "pc"
    parallel = _mapping(d.get("parallel")).get("simulated_pc" if components else "simulated_fa")
    cum = d.get("variance_explained_cum")
    cum = cum[-1] if isinstance(cum, list) and cum else cum
    variance = tuple(FactorVariance(*(number(row.get(k)) for k in ("component", "initial_total", "initial_pct",
                                                                    "initial_cum_pct", "rotation_total", "rotation_pct")))
                     for row in _records(d.get("variance_table"))[:n_factors])
    return Efa(tuple(e for e in d.get("eigenvalues") or [] if number(e) is not None),
               tuple(e for e in parallel or [] if number(e) is not None), number(d.get("parallel_n_factors")),
               n_factors, _text(d.get("method")), _text(d.get("rotation")), number(cum), variance,
               _mapping(d.get("loadings")))


@dataclass(frozen=True)
class CommonMethod:
    """Harman's single-factor test: the first unrotated factor's share of the variance (%)."""

    harman_pct: float

    @property
    def concern(self) -> bool:
        return self.harman_pct >= HARMAN_THRESHOLDS[-1]


@dataclass(frozen=True)
class Normality:
    """Mardia's test of multivariate kurtosis."""

    kurtosis_pvalue: float

    @property
    def rejected(self) -> bool:
        return self.kurtosis_pvalue < ALPHA


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

    @property
    def low(self) -> bool:
        return self.std_all is not None and self.std_all < LOADING_MIN


@dataclass(frozen=True)
class Cfa:
    converged: bool | None
    fit: ModelFit | None
    loadings: tuple[Loading, ...]


def _cfa(d: dict) -> Cfa:
    loadings = tuple(Loading(_text(ld.get("lhs")), ld.get("rhs"), number(ld.get("est")), number(ld.get("se")),
                             number(ld.get("z")), number(ld.get("pvalue")), number(ld.get("std_all")))
                     for ld in _records(d.get("loadings")) if ld.get("op", "=~") == "=~")
    return Cfa(d.get("converged") if isinstance(d.get("converged"), bool) else None, _fit(d), loadings)


# ---------------------------------------------------------------------------------------------- validity
def _pair(matrix: dict, a: str, b: str):
    """``matrix[a][b]``, or ``matrix[b][a]`` for the other triangle."""
    v = _mapping(matrix.get(a)).get(b)
    return v if v is not None else _mapping(matrix.get(b)).get(a)


@dataclass(frozen=True)
class Validity:
    """Convergent and discriminant validity over the constructs (instrument order)."""

    constructs: tuple[str, ...]
    cr: dict[str, float | None]
    ave: dict[str, float | None]
    sqrt_ave: dict[str, float | None]
    latent_cor: dict
    htmt: dict

    def correlation(self, a: str, b: str):
        return _pair(self.latent_cor, a, b)

    def htmt_of(self, a: str, b: str):
        return _pair(self.htmt, a, b)

    def _pairs(self):
        return [(a, b) for i, a in enumerate(self.constructs) for b in self.constructs[:i]]

    @property
    def fornell_larcker_failures(self) -> list[tuple[str, str]]:
        """Pairs whose |latent correlation| exceeds the square root of either AVE (Fornell & Larcker 1981)."""
        out = []
        for a, b in self._pairs():
            r = number(self.correlation(a, b))
            if r is not None and any(self.sqrt_ave[x] is not None and abs(r) > self.sqrt_ave[x] for x in (a, b)):
                out.append((a, b))
        return out

    @property
    def htmt_failures(self) -> list[tuple[str, str, float]]:
        """Pairs whose HTMT exceeds Henseler et al.'s (2015) strict .85."""
        return [(a, b, h) for a, b in self._pairs() if (h := number(self.htmt_of(a, b))) is not None and h > HTMT_STRICT]

    @property
    def low_ave(self) -> list[str]:
        return [c for c in self.constructs if self.ave[c] is not None and self.ave[c] < AVE_MIN]

    @property
    def low_cr(self) -> list[str]:
        return [c for c in self.constructs if self.cr[c] is not None and self.cr[c] < CR_MIN]


def _validity(constructs: tuple[str, ...], reliability: dict, validity: dict, cfa: dict) -> Validity:
    def first(key: str, c: str):
        v = number(_mapping(reliability.get(c)).get(key))
        return v if v is not None else number(_mapping(validity.get(key)).get(c))

    cr = {c: first("cr", c) for c in constructs}
    ave = {c: first("ave", c) for c in constructs}
    fl = _mapping(validity.get("fornell_larcker"))
    sqrt_ave = {c: number(_pair(fl, c, c)) if number(_pair(fl, c, c)) is not None else
                (math.sqrt(ave[c]) if ave[c] is not None and ave[c] >= 0 else None) for c in constructs}
    return Validity(constructs, cr, ave, sqrt_ave, _mapping(validity.get("latent_cor")) or _mapping(cfa.get("latent_cor")),
                    _mapping(validity.get("htmt")))


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
#: the quadrants of analysis.ipma.importance_performance
QUADRANTS = ("concentrate_here", "keep_up_the_good_work", "low_priority", "possible_overkill")


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
                  and e.get("quadrant") in QUADRANTS and number(e.get("priority")) is not None]
    return Ipma(tuple(sorted(priorities, key=lambda p: p.priority))) if priorities else None


# ---------------------------------------------------------------------------------------------- indicators
INDICATORS = ("nps", "repeat_purchase", "paid_membership")


@dataclass(frozen=True)
class Estimate:
    """An NPS (``value`` in points) or a share (``value`` as a proportion) with its CI and counts."""

    value: float | None
    ci_lower: float | None
    ci_upper: float | None
    n: int | None
    count: int | None
    promoters_pct: float | None
    detractors_pct: float | None


@dataclass(frozen=True)
class ChiSquare:
    statistic: float | None
    df: int | None
    pvalue: float | None


@dataclass(frozen=True)
class Indicator:
    overall: Estimate | None
    by_group: dict[str, Estimate]
    test: ChiSquare | None


@dataclass(frozen=True)
class Indicators:
    """The loyalty indicators present in the results, in the order of :data:`INDICATORS`."""

    results: dict[str, Indicator]

    def overall(self, name: str) -> float | None:
        estimate = self.results[name].overall if name in self.results else None
        return estimate.value if estimate else None

    @property
    def weak_advocacy(self) -> bool:
        nps = self.overall("nps")
        return nps is not None and nps < NPS_WEAK_BELOW

    @property
    def low_membership(self) -> bool:
        share = self.overall("paid_membership")
        return share is not None and share < MEMBERSHIP_LOW_BELOW


def _estimate(d: dict, key: str) -> Estimate:
    return Estimate(*(number(d.get(k)) for k in (key, "ci_lower", "ci_upper", "n", "count", "promoters_pct",
                                                   "detractors_pct")))


def _indicators(d: dict) -> Indicators:
    results = {}
    for name in INDICATORS:
        res = d.get(name)
        if isinstance(res, dict):
            key = "nps" if name == "nps" else "proportion"
            test = res.get("test")
            results[name] = Indicator(
                _estimate(res["overall"], key) if isinstance(res.get("overall"), dict) else None,
                {g: _estimate(_mapping(e), key) for g, e in _mapping(res.get("by_group")).items()},
                ChiSquare(*(number(test.get(k)) for k in ("statistic", "df", "pvalue"))) if isinstance(test, dict) else None)
    return Indicators(results)


# ---------------------------------------------------------------------------------------------- descriptives
@dataclass(frozen=True)
class ItemDescriptives:
    mean: float | None
    sd: float | None
    skew: float | None
    kurtosis: float | None
    shares: dict | None


@dataclass(frozen=True)
class ConstructDescriptives:
    n: int | None
    mean: float
    sd: float | None
    ci_lower: float | None
    ci_upper: float | None


@dataclass(frozen=True)
class Descriptives:
    items: dict[str, ItemDescriptives] | None
    constructs: dict[str, ConstructDescriptives] | None

    @property
    def max_abs_skew(self) -> float | None:
        return max((abs(d.skew) for d in (self.items or {}).values() if d.skew is not None), default=None)

    @property
    def max_abs_kurtosis(self) -> float | None:
        return max((abs(d.kurtosis) for d in (self.items or {}).values() if d.kurtosis is not None), default=None)

    @property
    def near_normal(self) -> bool:
        """Every item within Kline's limits of skewness and kurtosis."""
        return self.max_abs_skew < SKEW_LIMIT and self.max_abs_kurtosis < KURTOSIS_LIMIT


def _descriptives(d: dict) -> Descriptives:
    items, constructs = d.get("items"), d.get("constructs")
    return Descriptives(
        {k: ItemDescriptives(*(number(v.get(f)) for f in ("mean", "sd", "skew", "kurtosis")),
                             v.get("shares") if isinstance(v.get("shares"), dict) else None)
         for k, v in items.items() if isinstance(v, dict)} if isinstance(items, dict) else None,
        {k: ConstructDescriptives(number(v.get("n")), v["mean"], *(number(v.get(f)) for f in ("sd", "ci_lower", "ci_upper")))
         for k, v in constructs.items() if isinstance(v, dict) and number(v.get("mean")) is not None}
        if isinstance(constructs, dict) else None)


# ---------------------------------------------------------------------------------------------- sample (chapter 3.1)
@dataclass(frozen=True)
class ProfileCategory:
    code: object
    label: object
    count: int | None
    valid_percent: float | None


@dataclass(frozen=True)
class Missing:
    """Respondents with a missing answer, left out of the model-based steps (listwise)."""

    n_dropped_listwise: int
    pct_dropped_listwise: float | None
    n_listwise: int | None


@dataclass(frozen=True)
class PersonalColumn:
    header: object
    kind: object


@dataclass(frozen=True)
class Privacy:
    dropped_columns: tuple[PersonalColumn, ...]
    masked_cells: int | None


@dataclass(frozen=True)
class Sample:
    """Exclusions (rule of each excluded record), missing data, privacy screen, profile, free-text answers."""

    exclusion_rules: tuple[str, ...] | None
    missing: Missing | None
    privacy: Privacy
    profile: dict[str, tuple[ProfileCategory, ...]]
    text_answers: dict[str, list]

    @property
    def exclusions_by_rule(self) -> list[tuple[str, int]]:
        """(rule, number of exclusions), the most frequent first."""
        counts: dict[str, int] = {}
        for rule in self.exclusion_rules or ():
            counts[rule] = counts.get(rule, 0) + 1
        return sorted(counts.items(), key=lambda kv: -kv[1])


def _sample(r: dict) -> Sample:
    excl = r.get("exclusions")
    rules = tuple(str(e.get("rule", "other")) if isinstance(e, dict) else "other" for e in excl) \
        if isinstance(excl, list) else None
    m = _mapping(r.get("missing"))
    missing = (Missing(m["n_dropped_listwise"], number(m.get("pct_dropped_listwise")), number(m.get("n_listwise")))
               if number(m.get("n_dropped_listwise")) is not None else None)
    privacy = _mapping(r.get("privacy"))
    dropped = tuple(PersonalColumn(c.get("header"), c.get("kind")) for c in _records(privacy.get("dropped_personal_columns")))
    profile = {p.get("question"): tuple(ProfileCategory(c.get("code"), c.get("label"), c.get("count"), c.get("valid_percent"))
                                        for c in _records(p.get("categories")))
               for p in _records(r.get("sample"))}
    answers = {q: v for q, v in _mapping(r.get("text_answers")).items() if isinstance(v, list)}
    return Sample(rules, missing, Privacy(dropped, number(privacy.get("masked_cells"))), profile, answers)


# ---------------------------------------------------------------------------------------------- baseline (chapter 6)
@dataclass(frozen=True)
class ConstructChange:
    """A construct mean before and after (Welch t, Cohen's d)."""

    construct: str | None
    mean_before: float | None
    mean_after: float | None
    diff: float | None
    ci_lower: float | None
    ci_upper: float | None
    df: float | None
    t: float | None
    pvalue: float | None
    cohens_d: float | None

    @property
    def significant(self) -> bool:
        return self.pvalue is not None and self.pvalue < ALPHA


@dataclass(frozen=True)
class RateChange:
    """A share (or the NPS, ``indicator`` 'nps') before and after, with its z test."""

    indicator: str | None
    before: float | None
    after: float | None
    diff: float | None
    ci_lower: float | None
    ci_upper: float | None
    z: float | None
    pvalue: float | None

    @property
    def significant(self) -> bool:
        return self.pvalue is not None and self.pvalue < ALPHA


@dataclass(frozen=True)
class Baseline:
    """The comparison with a previous wave (``loyalty run --baseline``)."""

    previous_data_file: object
    previous_n: int | None
    level: float | None
    constructs: tuple[ConstructChange, ...]
    rates: tuple[RateChange, ...]
    nps: RateChange | None


def _rate(indicator, d: dict) -> RateChange:
    return RateChange(indicator, *(number(d.get(k)) for k in ("before", "after", "diff", "ci_lower", "ci_upper", "z",
                                                               "pvalue")))


def _baseline(d: dict) -> Baseline:
    previous = _mapping(d.get("previous"))
    return Baseline(
        previous.get("data_file"), number(previous.get("n_analyzed")), number(d.get("level")),
        tuple(ConstructChange(c.get("construct"), *(number(c.get(k)) for k in ("mean_before", "mean_after", "diff",
                                                                                "ci_lower", "ci_upper", "df", "t",
                                                                                "pvalue", "cohens_d")))
              for c in _records(d.get("constructs"))),
        tuple(_rate(r.get("indicator"), r) for r in _records(d.get("rates"))),
        _rate("nps", d["nps"]) if isinstance(d.get("nps"), dict) else None)


# ---------------------------------------------------------------------------------------------- warnings
@dataclass(frozen=True)
class WarningRecord:
    """A statistical problem analysis recorded (``results.warnings``)."""

    code: str | None
    message: str


# ---------------------------------------------------------------------------------------------- the view
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


def results_view(results: dict, constructs: tuple[str, ...]) -> ResultsView:
    """The typed view of a results.json dict (see the module docstring); ``constructs`` in instrument order."""
    r = _mapping(results)
    reliability = _mapping(r.get("reliability"))
    harman = number(_mapping(r.get("common_method")).get("harman_first_factor_pct"))
    mardia = number(_mapping(r.get("normality")).get("p_kurt"))
    return ResultsView(
        meta=_meta(_mapping(r.get("meta"))),
        reliability={c: _reliability(d) for c, d in reliability.items() if isinstance(d, dict)}
        if isinstance(r.get("reliability"), dict) else None,
        factorability=_factorability(_mapping(r.get("factorability"))),
        efa=_efa(r["efa"]) if isinstance(r.get("efa"), dict) else None,
        common_method=CommonMethod(harman) if harman is not None else None,
        validity=_validity(constructs, reliability, _mapping(r.get("validity")), _mapping(r.get("cfa"))),
        normality=Normality(mardia) if mardia is not None else None,
        warnings=tuple(WarningRecord(_text(w.get("code")), w["message"]) for w in _records(r.get("warnings")) if w.get("message")),
        cfa=_cfa(r["cfa"]) if isinstance(r.get("cfa"), dict) else None,
        sem=_sem(r["sem"]) if isinstance(r.get("sem"), dict) else None,
        ipma=_ipma(_records(r.get("ipma"))),
        indicators=_indicators(r["indicators"]) if isinstance(r.get("indicators"), dict) else None,
        descriptives=_descriptives(_mapping(r.get("descriptives"))),
        sample=_sample(r),
        baseline=_baseline(r["baseline"]) if isinstance(r.get("baseline"), dict) else None,
    )


__all__ = ["Baseline", "ConstructChange", "RateChange", "ChiSquare", "ConstructDescriptives", "Descriptives", "Estimate", "INDICATORS", "Indicator",
           "ItemDescriptives", "Bootstrap", "Cfa", "CommonMethod", "ConstructReliability", "EffectSize", "Efa", "Factorability",
           "FactorVariance", "FitCheck", "Flag", "ItemReliability", "Missing", "Normality", "PersonalColumn", "Privacy",
           "ProfileCategory", "Sample", "Validity", "WarningRecord", "Ipma", "IndirectEffect", "Indicators", "Loading", "Meta", "ModelFit",
           "Path", "Priority", "CASES_PER_ITEM", "QUADRANTS", "ResultsView", "Sem", "number", "results_view"]
