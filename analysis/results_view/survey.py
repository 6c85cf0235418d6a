"""The survey around the model: sample sizes, loyalty indicators, descriptives, chapter 3.1's sample, the
comparison with a previous wave and the recorded warnings."""
from __future__ import annotations

from dataclasses import dataclass

from analysis.describe.descriptives import KURTOSIS_LIMIT, SKEW_LIMIT
from analysis.describe.indicators import MEMBERSHIP_LOW_BELOW, NPS_WEAK_BELOW
from analysis.results_view.reading import is_significant, mapping, number, records, text

#: The rule of thumb of ten cases per observed variable for a covariance-structure model (Kline 2016, ch. 9;
#: Nunnally 1978).
CASES_PER_ITEM = 10


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


def read_meta(d: dict) -> Meta:
    return Meta(*(number(d.get(k)) for k in ("n_raw", "n_excluded", "n_analyzed", "n_kept", "bootstrap", "seed")))


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


def read_indicators(d: dict) -> Indicators:
    results = {}
    for name in INDICATORS:
        res = d.get(name)
        if isinstance(res, dict):
            key = "nps" if name == "nps" else "proportion"
            test = res.get("test")
            results[name] = Indicator(
                _estimate(res["overall"], key) if isinstance(res.get("overall"), dict) else None,
                {g: _estimate(mapping(e), key) for g, e in mapping(res.get("by_group")).items()},
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


def read_descriptives(d: dict) -> Descriptives:
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
class ItemMissing:
    """One item's missing answers by kind: not answered (nonresponse), skipped by design, declared missing."""

    item: str
    n_missing: int | None
    pct_missing: float | None
    n_not_answered: int | None
    n_skipped_by_design: int | None
    n_declared_missing: int | None


@dataclass(frozen=True)
class Missing:
    """Respondents with a missing answer, left out of the model-based steps (listwise) or kept in the CFA and
    SEM (``method`` ``fiml``); missing cells by kind; missing-data patterns and the respondents FIML keeps
    (each ``None`` in results written before it was counted)."""

    n_dropped_listwise: int
    pct_dropped_listwise: float | None
    n_listwise: int | None
    n_not_answered: int | None = None
    n_skipped_by_design: int | None = None
    n_declared_missing: int | None = None
    items: tuple[ItemMissing, ...] = ()
    n_patterns: int | None = None
    n_fiml: int | None = None
    method: str | None = None

    @property
    def fiml(self) -> bool:
        """The CFA and SEM used full-information ML (every respondent with an answer)."""
        return self.method == "fiml"

    @property
    def has_kinds_beyond_nonresponse(self) -> bool:
        """Some cells were skipped by design or held a declared missing code (then they are shown apart)."""
        return bool(self.n_skipped_by_design or self.n_declared_missing)

    @property
    def items_with_missing(self) -> tuple[ItemMissing, ...]:
        """The items with at least one missing answer, in instrument order."""
        return tuple(m for m in self.items if m.n_missing)


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
    #: enabled exclusion rules that could not be applied (``cleaning.not_applied``), e.g. ``speeder`` without times
    rules_not_applied: tuple[str, ...] = ()

    @property
    def exclusions_by_rule(self) -> list[tuple[str, int]]:
        """(rule, number of exclusions), the most frequent first."""
        counts: dict[str, int] = {}
        for rule in self.exclusion_rules or ():
            counts[rule] = counts.get(rule, 0) + 1
        return sorted(counts.items(), key=lambda kv: -kv[1])


def read_sample(r: dict) -> Sample:
    excl = r.get("exclusions")
    rules = tuple(str(e.get("rule", "other")) if isinstance(e, dict) else "other" for e in excl) \
        if isinstance(excl, list) else None
    m = mapping(r.get("missing"))
    items = tuple(ItemMissing(str(k), number(v.get("n_missing")), number(v.get("pct_missing")),
                              number(v.get("n_not_answered")), number(v.get("n_skipped_by_design")),
                              number(v.get("n_declared_missing")))
                  for k, v in mapping(m.get("items")).items() if isinstance(v, dict))
    missing = (Missing(m["n_dropped_listwise"], number(m.get("pct_dropped_listwise")), number(m.get("n_listwise")),
                       number(m.get("n_not_answered")), number(m.get("n_skipped_by_design")),
                       number(m.get("n_declared_missing")), items, number(m.get("n_patterns")),
                       number(m.get("n_fiml")), text(m.get("method")))
               if number(m.get("n_dropped_listwise")) is not None else None)
    privacy = mapping(r.get("privacy"))
    dropped = tuple(PersonalColumn(c.get("header"), c.get("kind")) for c in records(privacy.get("dropped_personal_columns")))
    profile = {p.get("question"): tuple(ProfileCategory(c.get("code"), c.get("label"), c.get("count"), c.get("valid_percent"))
                                        for c in records(p.get("categories")))
               for p in records(r.get("sample"))}
    answers = {q: v for q, v in mapping(r.get("text_answers")).items() if isinstance(v, list)}
    not_applied = tuple(str(k) for k in mapping(mapping(r.get("cleaning")).get("not_applied")))
    return Sample(rules, missing, Privacy(dropped, number(privacy.get("masked_cells"))), profile, answers, not_applied)


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
        return is_significant(self.pvalue)


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
        return is_significant(self.pvalue)


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


def read_baseline(d: dict) -> Baseline:
    previous = mapping(d.get("previous"))
    return Baseline(
        previous.get("data_file"), number(previous.get("n_analyzed")), number(d.get("level")),
        tuple(ConstructChange(c.get("construct"), *(number(c.get(k)) for k in ("mean_before", "mean_after", "diff",
                                                                                "ci_lower", "ci_upper", "df", "t",
                                                                                "pvalue", "cohens_d")))
              for c in records(d.get("constructs"))),
        tuple(_rate(r.get("indicator"), r) for r in records(d.get("rates"))),
        _rate("nps", d["nps"]) if isinstance(d.get("nps"), dict) else None)


# ---------------------------------------------------------------------------------------------- warnings
@dataclass(frozen=True)
class WarningRecord:
    """A statistical problem analysis recorded (``results.warnings``)."""

    code: str | None
    message: str
