"""The structural model (paths, R², f², mediation, bootstrap) and the importance–performance map."""
from __future__ import annotations

from dataclasses import dataclass

from analysis.results_view.fit import ModelFit, read_fit
from analysis.results_view.reading import is_significant, mapping, number, records, text
from analysis.sem.effects import SIGNIFICANT_INDIRECT_TYPES, f2_size, r2_interpretable


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
        return is_significant(self.pvalue)


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
    mediation: str | None = None   # full, partial or none (analysis.sem.effects.mediation_type)
    borderline: tuple[str, ...] = ()  # analysis.sem.effects.borderline_interval
    ci_lower_bc: float | None = None
    ci_upper_bc: float | None = None

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
class BollenStine:
    """``sem.bollen_stine``: the Bollen–Stine bootstrap p of the model χ²."""

    B: int | None
    pvalue: float | None


@dataclass(frozen=True)
class Sem:
    converged: bool | None
    fit: ModelFit | None
    paths: tuple[Path, ...]
    r2: dict[str, float | None]
    f2: tuple[EffectSize, ...]
    indirect: tuple[IndirectEffect, ...]
    bootstrap: Bootstrap
    bollen_stine: BollenStine | None = None

    def f2_of(self, lhs: str) -> tuple[EffectSize, ...]:
        return tuple(e for e in self.f2 if e.lhs == lhs)

    @property
    def r2_not_interpretable(self) -> list[str]:
        """The endogenous constructs whose R² lies outside 0–1 (negative disturbance variance)."""
        return [lhs for lhs, v in self.r2.items() if v is not None and not r2_interpretable(v)]

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


def read_sem(d: dict) -> Sem:
    paths = tuple(Path(text(p.get("lhs")), text(p.get("rhs")), *(number(p.get(k)) for k in ("est", "se", "z", "pvalue",
                                                                                              "std_all")),
                       text(p.get("hypothesis")), p.get("supported") if isinstance(p.get("supported"), bool) else None)
                  for p in records(d.get("paths")))
    indirect = tuple(IndirectEffect(text(i.get("from")), _via(i.get("via")), text(i.get("to")),
                                    *(number(i.get(k)) for k in ("est", "std_all", "ci_lower", "ci_upper")),
                                    text(i.get("mediation_type")), text(i.get("hypothesis")),
                                    i.get("supported") if isinstance(i.get("supported"), bool) else None,
                                    text(i.get("mediation")),
                                    tuple(b for b in i.get("borderline") or () if isinstance(b, str)),
                                    number(i.get("ci_lower_bc")), number(i.get("ci_upper_bc")))
                     for i in records(d.get("indirect")))
    f2 = tuple(EffectSize(e["lhs"], e["rhs"], number(e.get("f2"))) for e in records(d.get("f2"))
               if text(e.get("lhs")) and text(e.get("rhs")))
    boot = mapping(d.get("bootstrap"))
    exact = mapping(d.get("bollen_stine"))
    return Sem(d.get("converged") if isinstance(d.get("converged"), bool) else None, read_fit(d), paths,
               dict(mapping(d.get("r2"))), f2, indirect, Bootstrap(number(boot.get("B")), number(boot.get("failed"))),
               BollenStine(number(exact.get("B")), number(exact.get("pvalue"))) if exact else None)


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


def read_ipma(entries: list[dict]) -> Ipma | None:
    priorities = [Priority(e["construct"], e["importance"], e["performance"], e["quadrant"], e["priority"])
                  for e in entries if number(e.get("importance")) is not None and number(e.get("performance")) is not None
                  and e.get("quadrant") in QUADRANTS and number(e.get("priority")) is not None]
    return Ipma(tuple(sorted(priorities, key=lambda p: p.priority))) if priorities else None
