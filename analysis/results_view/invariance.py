"""Measurement invariance across groups and the structural paths per group (``results.json`` ``invariance``)."""
from __future__ import annotations

from dataclasses import dataclass

from analysis.results_view.reading import mapping, number, records, text
from analysis.sem.difference import SATORRA_BENTLER_2001


def _flag(x) -> bool | None:
    return x if isinstance(x, bool) else None


@dataclass(frozen=True)
class InvarianceGroup:
    code: int | str | None
    label: str | None
    n: int | None


@dataclass(frozen=True)
class InvarianceStep:
    """One model of the sequence (configural … strict) or a partial model; ``holds`` as analysis decided it,
    ``freed`` the equality constraints a partial model released (``lhs op rhs``, in the order freed)."""

    model: str | None
    chisq: float | None
    df: int | None
    cfi: float | None
    tli: float | None
    rmsea: float | None
    srmr: float | None
    delta_chisq: float | None
    delta_df: int | None
    delta_pvalue: float | None
    delta_cfi: float | None
    delta_rmsea: float | None
    holds: bool | None
    freed: tuple[str, ...]


@dataclass(frozen=True)
class GroupPath:
    group: str | None
    est: float | None
    se: float | None
    pvalue: float | None
    std_all: float | None


@dataclass(frozen=True)
class PathEquality:
    """A structural path per group and the Δχ² test of its equality; ``differs`` as analysis decided it."""

    lhs: str | None
    rhs: str | None
    per_group: tuple[GroupPath, ...]
    delta_chisq: float | None
    delta_df: int | None
    delta_pvalue: float | None
    differs: bool | None


@dataclass(frozen=True)
class Invariance:
    group: str | None
    groups: tuple[InvarianceGroup, ...]
    left_out: tuple[InvarianceGroup, ...]
    min_group_n: int | None
    steps: tuple[InvarianceStep, ...]
    partial: tuple[InvarianceStep, ...]
    paths: tuple[PathEquality, ...]
    paths_model: str | None
    scaled_difference: bool  # the Δχ² tests are Satorra–Bentler scaled (MLR / MLM)


def _step(d: dict) -> InvarianceStep:
    freed = tuple(f"{f.get('lhs')} {f.get('op')} {f.get('rhs') or ''}".strip() for f in records(d.get("freed")))
    return InvarianceStep(text(d.get("model")), *(number(d.get(k)) for k in (
        "chisq", "df", "cfi", "tli", "rmsea", "srmr", "delta_chisq", "delta_df", "delta_pvalue", "delta_cfi",
        "delta_rmsea")), _flag(d.get("holds")), freed)


def _groups(x) -> tuple[InvarianceGroup, ...]:
    return tuple(InvarianceGroup(g.get("code"), text(g.get("label")), number(g.get("n"))) for g in records(x))


def read_invariance(d: dict) -> Invariance:
    paths = tuple(PathEquality(text(p.get("lhs")), text(p.get("rhs")),
                               tuple(GroupPath(text(g.get("group")), *(number(g.get(k)) for k in
                                                                       ("est", "se", "pvalue", "std_all")))
                                     for g in records(p.get("per_group"))),
                               number(p.get("delta_chisq")), number(p.get("delta_df")), number(p.get("delta_pvalue")),
                               _flag(p.get("differs")))
                  for p in records(d.get("paths")))
    return Invariance(text(d.get("group")), _groups(d.get("groups")), _groups(d.get("left_out")),
                      number(mapping(d).get("min_group_n")), tuple(_step(s) for s in records(d.get("steps"))),
                      tuple(_step(s) for s in records(d.get("partial"))), paths, text(d.get("paths_model")),
                      mapping(d).get("delta_method") == SATORRA_BENTLER_2001)
