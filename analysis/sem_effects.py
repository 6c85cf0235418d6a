"""Explained variance, effect sizes and direct / indirect / total effects of a structural model.

With B the matrix of structural paths (η = Bη + ζ), the total effects are ``(I − B)⁻¹ − I``,
the direct effects B and the indirect effects their difference (Bollen 1987). A specific indirect
effect is the product of the paths along one chain X → M₁ → … → Y (lavaan: label the paths and
define ``ind := a*b``). Standardized versions multiply by sd(X)/sd(Y) from the model-implied
latent covariance (lavaan ``std.all``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.sem_estimate import ModelFit, _clean, complex_step_jacobian, estimate_from_moments
from analysis.sem_spec import ModelSpec


def r_squared(fit: ModelFit) -> dict[str, float]:
    """R² of each endogenous construct: 1 − ψ_jj / Var(η_j); R: ``lavInspect(fit, "r2")[endogenous]``."""
    r2 = fit.r2()
    return {lv: r2[lv] for lv in fit.spec.endogenous}


@dataclass(frozen=True)
class EffectSize:
    """Cohen's f² of the path ``rhs -> lhs``: (R²_incl − R²_excl) / (1 − R²_incl)."""

    lhs: str
    rhs: str
    r2_included: float
    r2_excluded: float
    f2: float

    def to_dict(self) -> dict:
        return {"lhs": self.lhs, "rhs": self.rhs, "r2_included": _clean(self.r2_included),
                "r2_excluded": _clean(self.r2_excluded), "f2": _clean(self.f2)}


def cohen_f2(fit: ModelFit) -> list[EffectSize]:
    """f² of every structural path by refitting the model without it (Cohen 1988).

    f² = (R²_incl − R²_excl) / (1 − R²_incl); .02 / .15 / .35 are small / medium / large.
    The reduced model fixes the path at 0 and changes nothing else; R: refit with ``y ~ 0*x`` and
    ``(r2_full − r2_reduced) / (1 − r2_full)`` with ``r2 = lavInspect(fit, "r2")[y]``.
    """
    r2 = r_squared(fit)
    out = []
    for path in fit.spec.regressions():
        reduced = estimate_from_moments(fit.spec.without(path.lhs, path.rhs), fit.sample_cov, fit.n)
        r2_excl = reduced.r2().get(path.lhs, 0.0)  # no predictor left: R² = 0
        r2_incl = r2[path.lhs]
        out.append(EffectSize(path.lhs, path.rhs, r2_incl, r2_excl, (r2_incl - r2_excl) / (1.0 - r2_incl)))
    return out


def structural_paths(spec: ModelSpec) -> list[tuple[str, ...]]:
    """Every directed chain of length ≥ 2 (driver, mediator(s), outcome) through the structural paths."""
    succ: dict[str, list[str]] = {}
    for p in spec.regressions():
        succ.setdefault(p.rhs, []).append(p.lhs)
    chains = []

    def walk(chain):
        for nxt in succ.get(chain[-1], []):
            if nxt in chain:
                continue
            longer = (*chain, nxt)
            if len(longer) >= 3:
                chains.append(longer)
            walk(longer)

    for start in spec.latent:
        walk((start,))
    return chains


def chain_values(fit: ModelFit, theta: np.ndarray, chains: list[tuple[str, ...]], standardized: bool = False
                 ) -> np.ndarray:
    """Product of the paths along each chain at ``theta`` (optionally std.all)."""
    beta = fit.model.matrices(theta)[1]
    lv = {v: i for i, v in enumerate(fit.spec.latent)}
    if standardized:
        veta = fit.model.latent_cov(theta)
        sd = np.sqrt(np.diagonal(veta))
    out = np.empty(len(chains), dtype=theta.dtype)
    for c, chain in enumerate(chains):
        value = 1.0
        for a, b in zip(chain[:-1], chain[1:]):
            value = value * beta[lv[b], lv[a]]
        if standardized:
            value = value * sd[lv[chain[0]]] / sd[lv[chain[-1]]]
        out[c] = value
    return out


@dataclass(frozen=True)
class Effect:
    """Direct, indirect and total effect of ``source`` on ``target`` (est and std_all)."""

    source: str
    target: str
    direct: float
    indirect: float
    total: float
    direct_std: float
    indirect_std: float
    total_std: float
    direct_pvalue: float

    def to_dict(self) -> dict:
        return {"from": self.source, "to": self.target, "direct": _clean(self.direct),
                "indirect": _clean(self.indirect), "total": _clean(self.total),
                "direct_std": _clean(self.direct_std), "indirect_std": _clean(self.indirect_std),
                "total_std": _clean(self.total_std), "direct_pvalue": _clean(self.direct_pvalue)}


def effect_decomposition(fit: ModelFit) -> list[Effect]:
    """Direct (B), total ((I − B)⁻¹ − I) and indirect (total − direct) effects between constructs.

    R: label the paths and define ``total := c + a*b`` (lavaan), or ``semTools``-free by hand.
    Only pairs joined by at least one chain of paths are listed.
    """
    _, beta, _, _ = fit.model.matrices(fit.theta)
    m = beta.shape[0]
    total = np.linalg.inv(np.eye(m) - beta) - np.eye(m)
    sd = np.sqrt(np.diag(fit.model.latent_cov(fit.theta)))
    lv = fit.spec.latent
    mediated = {(chain[0], chain[-1]) for chain in structural_paths(fit.spec)}
    direct_pairs = {(p.rhs, p.lhs): p.pvalue for p in fit.parameters if p.op == "~"}
    out = []
    for j, src in enumerate(lv):
        for i, tgt in enumerate(lv):
            if (src, tgt) not in mediated and (src, tgt) not in direct_pairs:
                continue
            scale = sd[j] / sd[i]
            direct = beta[i, j]
            indirect = total[i, j] - direct if (src, tgt) in mediated else 0.0
            out.append(Effect(src, tgt, float(direct), float(indirect), float(direct + indirect),
                              float(direct * scale), float(indirect * scale), float((direct + indirect) * scale),
                              float(direct_pairs.get((src, tgt), float("nan")))))
    return out


@dataclass(frozen=True)
class IndirectEstimate:
    """A specific indirect effect (product of the paths of one chain) with its delta-method SE."""

    source: str
    via: tuple[str, ...]
    target: str
    est: float
    se: float
    std_all: float

    @property
    def name(self) -> str:
        return " -> ".join((self.source, *self.via, self.target))


def specific_indirect_effects(fit: ModelFit) -> list[IndirectEstimate]:
    """Each chain's product of unstandardized paths; SE by the delta method (Sobel 1982).

    R: ``ind := a*b`` in the model, then ``parameterEstimates(fit)`` / ``standardizedSolution(fit)``.
    """
    chains = structural_paths(fit.spec)
    if not chains:
        return []
    est = chain_values(fit, fit.theta, chains)
    std = chain_values(fit, fit.theta, chains, standardized=True)
    jac = complex_step_jacobian(lambda t: chain_values(fit, t, chains), fit.theta)
    se = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", jac, fit.vcov, jac), 0, None))
    return [IndirectEstimate(c[0], tuple(c[1:-1]), c[-1], float(est[i]), float(se[i]), float(std[i]))
            for i, c in enumerate(chains)]


def mediation_type(indirect_significant: bool, direct_significant: bool | None, same_sign: bool) -> tuple[str, str]:
    """(Zhao, Lynch & Chen 2010 type, full/partial/none).

    complementary / competitive (both significant, same / opposite sign: partial mediation),
    indirect-only (full mediation), direct-only and no-effect (no mediation). ``direct_significant``
    None means the model has no direct path (an indirect-only design).
    """
    direct = bool(direct_significant)
    if indirect_significant and direct:
        return ("complementary" if same_sign else "competitive"), "partial"
    if indirect_significant:
        return "indirect-only", "full"
    return ("direct-only" if direct else "no-effect"), "none"


__all__ = ["Effect", "EffectSize", "IndirectEstimate", "chain_values", "cohen_f2", "effect_decomposition",
           "mediation_type", "r_squared", "specific_indirect_effects", "structural_paths"]
