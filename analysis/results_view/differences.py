"""Moderation (PROCESS model 1) and group differences, as the report reads them from results.json.

A comparison is significant when its p is below :data:`analysis.sem.models.ALPHA`; the post-hoc pairs the
report reads are those of the test analysis chose (Tukey HSD after an ANOVA, Games–Howell after Welch's ANOVA).
"""
from __future__ import annotations

from dataclasses import dataclass

from analysis.classical.moderation import significant_regions
from analysis.results_view.reading import is_significant, mapping, number, records, text

#: the post-hoc method read after each omnibus test
POSTHOC_READ = {"anova": "tukey", "welch_anova": "games_howell"}


@dataclass(frozen=True)
class Group:
    code: object
    label: str | None
    n: int | None
    mean: float | None
    sd: float | None


@dataclass(frozen=True)
class Pair:
    """Group ``a`` against ``b``: diff = M_a − M_b, its SE and p under ``method``."""

    a: object
    b: object
    diff: float | None
    se: float | None
    pvalue: float | None
    method: str | None

    @property
    def significant(self) -> bool:
        return is_significant(self.pvalue)


@dataclass(frozen=True)
class GroupComparison:
    """One question × construct; ``test`` None (with ``note``) when no test was made."""

    question: str | None
    construct: str | None
    test: str | None
    statistic: float | None
    df1: float | None
    df2: float | None
    pvalue: float | None
    effect_name: str | None
    effect_value: float | None
    levene_pvalue: float | None
    levene_center: str | None
    groups: tuple[Group, ...]
    posthoc: tuple[Pair, ...]
    excluded: tuple[Group, ...]
    note: str | None

    @property
    def significant(self) -> bool:
        return self.test is not None and is_significant(self.pvalue)

    @property
    def ranked(self) -> tuple[Group, ...]:
        """The groups from the highest mean to the lowest."""
        return tuple(sorted((g for g in self.groups if g.mean is not None), key=lambda g: -g.mean))

    @property
    def significant_pairs(self) -> tuple[Pair, ...]:
        """The significant pairs of the post-hoc test read after this omnibus test."""
        method = POSTHOC_READ.get(self.test)
        return tuple(p for p in self.posthoc if p.method == method and p.significant)

    def posthoc_of(self, method: str) -> tuple[Pair, ...]:
        return tuple(p for p in self.posthoc if p.method == method)


def _group(g: dict) -> Group:
    return Group(g.get("code"), text(g.get("label")), number(g.get("n")), number(g.get("mean")), number(g.get("sd")))


@dataclass(frozen=True)
class GroupDifferences:
    """Every comparison, and the group size under which a group was left out (``meta.options.min_group``)."""

    comparisons: tuple[GroupComparison, ...]
    min_group: int | None


def read_group_differences(entries: list[dict], options: dict) -> GroupDifferences:
    out = []
    for e in entries:
        effect, levene = mapping(e.get("effect_size")), mapping(e.get("levene"))
        out.append(GroupComparison(
            text(e.get("question")), text(e.get("construct")), text(e.get("test")),
            *(number(e.get(k)) for k in ("statistic", "df1", "df2", "pvalue")),
            text(effect.get("name")), number(effect.get("value")), number(levene.get("pvalue")),
            text(levene.get("center")),
            tuple(_group(g) for g in records(e.get("groups"))),
            tuple(Pair(p.get("a"), p.get("b"), *(number(p.get(k)) for k in ("diff", "se", "pvalue")),
                       text(p.get("method"))) for p in records(e.get("posthoc"))),
            tuple(_group(g) for g in records(e.get("excluded_groups"))), text(e.get("note"))))
    return GroupDifferences(tuple(out), number(options.get("min_group")))


@dataclass(frozen=True)
class Slope:
    """The conditional effect of X at ``at`` ('-1SD', 'mean', '+1SD' or a level's code)."""

    at: str | None
    m_value: float | None
    slope: float | None
    se: float | None
    t: float | None
    pvalue: float | None
    intercept: float | None

    @property
    def significant(self) -> bool:
        return is_significant(self.pvalue)


@dataclass(frozen=True)
class Interaction:
    b: float | None
    se: float | None
    t: float | None
    pvalue: float | None
    ci_lower: float | None
    ci_upper: float | None


@dataclass(frozen=True)
class JohnsonNeyman:
    bounds: tuple[float, ...]
    inside_significant: bool | None
    observed: tuple[float, ...]

    @property
    def regions(self) -> list[tuple[float, float]] | None:
        """The parts of the observed range of M where X's slope is significant (None: not readable)."""
        if len(self.observed) != 2 or self.inside_significant is None:
            return None
        return significant_regions(self.bounds, self.inside_significant, (self.observed[0], self.observed[1]))


@dataclass(frozen=True)
class Moderation:
    x: str | None
    m: str | None
    y: str | None
    m_type: str | None
    n: int | None
    interaction: Interaction | None
    r2: float | None
    delta_r2: float | None
    delta_f: float | None
    delta_df1: int | None
    delta_df2: int | None
    delta_pvalue: float | None
    slopes: tuple[Slope, ...]
    johnson_neyman: JohnsonNeyman | None
    note: str | None
    x_mean: float | None
    x_sd: float | None

    @property
    def significant(self) -> bool:
        """The product term(s) add significantly to R² (the joint test of step 2)."""
        return self.note is None and is_significant(self.delta_pvalue)


def read_moderation(entries: list[dict]) -> tuple[Moderation, ...]:
    out = []
    for e in entries:
        i = e.get("interaction")
        jn = e.get("johnson_neyman")
        out.append(Moderation(
            text(e.get("x")), text(e.get("m")), text(e.get("y")), text(e.get("m_type")), number(e.get("n")),
            Interaction(*(number(i.get(k)) for k in ("b", "se", "t", "pvalue", "ci_lower", "ci_upper")))
            if isinstance(i, dict) else None,
            *(number(e.get(k)) for k in ("r2", "delta_r2", "delta_f", "delta_df1", "delta_df2", "delta_pvalue")),
            tuple(Slope(text(s.get("at")), *(number(s.get(k)) for k in ("m_value", "slope", "se", "t", "pvalue",
                                                                          "intercept")))
                  for s in records(e.get("simple_slopes"))),
            JohnsonNeyman(tuple(b for b in jn.get("bounds") or () if number(b) is not None),
                          jn.get("inside_significant") if isinstance(jn.get("inside_significant"), bool) else None,
                          tuple(b for b in jn.get("observed") or () if number(b) is not None))
            if isinstance(jn, dict) else None,
            text(e.get("note")), number(e.get("x_mean")), number(e.get("x_sd"))))
    return tuple(out)
