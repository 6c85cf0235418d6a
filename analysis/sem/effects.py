"""Explained variance, effect sizes and direct / indirect / total effects of a structural model.

With B the matrix of structural paths (η = Bη + ζ), the total effects are ``(I − B)⁻¹ − I``,
the direct effects B and the indirect effects their difference (Bollen 1987). A specific indirect
effect is the product of the paths along one chain X → M₁ → … → Y (lavaan: label the paths and
define ``ind := a*b``). Standardized versions multiply by sd(X)/sd(Y) from the model-implied
latent covariance (lavaan ``std.all``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from analysis.results import plain_fields
from analysis.sem.bootstrap import bias_corrected_ci, percentile_ci
from analysis.sem.estimation import ModelFit, complex_step_jacobian, estimate_theta
from analysis.sem.specification import ModelSpec
from analysis.sem.structure import ModelStructure
from questionnaire.errors import input_error


def r_squared(fit: ModelFit) -> dict[str, float]:
    """R² of each endogenous construct: 1 − ψ_jj / Var(η_j); R: ``lavInspect(fit, "r2")[endogenous]``."""
    r2 = fit.r2()
    return {lv: r2[lv] for lv in fit.spec.endogenous}


def r2_interpretable(r2: float) -> bool:
    """Whether an R² reads as a share of explained variance: 0 ≤ R² ≤ 1. Outside that range the
    construct's disturbance variance is negative (a Heywood case, warning ``heywood_case``): the solution
    is inadmissible, and neither the R² nor the f² built on it is interpretable (lavaan warns likewise)."""
    return 0.0 <= r2 <= 1.0


@dataclass(frozen=True)
class EffectSize:
    """Cohen's f² of the path ``rhs -> lhs``: (R²_incl − R²_excl) / (1 − R²_incl), and how R²_excl was had."""

    lhs: str
    rhs: str
    r2_included: float
    r2_excluded: float
    f2: float
    method: str


F2_METHODS = {
    "implied": "R² of the construct regressed on its other predictors in the full model's latent covariance",
    "refit": "R² of the construct after refitting the whole model with the path fixed at 0",
}


def latent_regression_r2(veta: np.ndarray, y: int, xs: list[int]) -> float:
    """R² of latent ``y`` regressed on latents ``xs`` in the covariance matrix ``veta``: c'Φ⁻¹c / Var(y).

    R: ``v <- lavInspect(fit, "cov.lv"); t(v[xs, y]) %*% solve(v[xs, xs], v[xs, y]) / v[y, y]``.
    """
    if not xs:
        return 0.0
    c = veta[xs, y]
    return float(c @ np.linalg.solve(veta[np.ix_(xs, xs)], c) / veta[y, y])


def cohen_f2(fit: ModelFit, method: str = "implied") -> list[EffectSize]:
    """Cohen's f² of every structural path (Cohen 1988): (R²_incl − R²_excl) / (1 − R²_incl).

    .02 / .15 / .35 are small / medium / large. R²_excl is the R² of the path's endogenous
    construct without that predictor, all else equal:

    * ``"implied"`` (default) holds the full solution fixed: R²_incl and R²_excl both come from
      regressing the construct on its predictors (all of them / all but one) in the model-implied
      latent covariance VETA. R²_incl equals lavaan's R² when the disturbance is uncorrelated with
      the predictors (any recursive model with lavaan's defaults); f² ≥ 0 always, no refit.
      R: ``v <- lavInspect(fit, "cov.lv")``, R² by ``t(c) %*% solve(v[xs, xs], c) / v[y, y]``.
    * ``"refit"`` refits the whole model with the path fixed at 0 (warm-started at the full
      solution) and takes R²_excl = 1 − ψ/VETA of the refit, R²_incl lavaan's R² (the AMOS-by-hand
      practice). The refit also moves the loadings and the other paths, so R²_excl can exceed R²_incl
      and f² can be (slightly) negative — lavaan gives the very same numbers. A refit that does
      not converge gives NaN.
      R: refit with ``y ~ 0*x``, ``r2 = lavInspect(fit, "r2")[y]``.
    """
    if method not in F2_METHODS:
        raise input_error("cohen_f2: unknown method", value=method, allowed=", ".join(F2_METHODS))
    lv = {v: i for i, v in enumerate(fit.spec.latent)}
    regressions = fit.spec.regressions()
    predictors = {y: [lv[p.rhs] for p in regressions if p.lhs == y] for y in fit.spec.endogenous}
    veta = fit.structure.latent_cov(fit.theta)
    out = []
    for path in regressions:
        y, x = lv[path.lhs], lv[path.rhs]
        if method == "implied":
            r2_incl = latent_regression_r2(veta, y, predictors[path.lhs])
            r2_excl = latent_regression_r2(veta, y, [k for k in predictors[path.lhs] if k != x])
        else:
            r2_incl = r_squared(fit)[path.lhs]
            reduced = fit.spec.without(path.lhs, path.rhs)
            keep = sorted({p.free - 1 for p in fit.spec.parameters
                           if p.free and not (p.op == "~" and p.lhs == path.lhs and p.rhs == path.rhs)})
            reduced_structure = ModelStructure(reduced)
            opt = estimate_theta(reduced_structure, fit.sample_cov, start=fit.theta[keep])
            _, _, psi, _ = reduced_structure.matrices(opt.theta)
            r2_excl = (1.0 - psi[y, y] / reduced_structure.latent_cov(opt.theta)[y, y] if opt.converged
                       else float("nan"))
        out.append(EffectSize(path.lhs, path.rhs, r2_incl, r2_excl, (r2_incl - r2_excl) / (1.0 - r2_incl),
                              F2_METHODS[method]))
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
    beta = fit.structure.matrices(theta)[1]
    lv = {v: i for i, v in enumerate(fit.spec.latent)}
    if standardized:
        veta = fit.structure.latent_cov(theta)
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
    """Direct, indirect and total effect of ``source`` on ``target`` (est and std_all), with the total's
    SE and confidence intervals (bootstrap percentile and bias-corrected, or delta-method Wald)."""

    source: str
    target: str
    direct: float
    indirect: float
    total: float
    direct_std: float
    indirect_std: float
    total_std: float
    direct_pvalue: float
    total_se: float
    ci_lower: float
    ci_upper: float
    ci_lower_bc: float
    ci_upper_bc: float
    method: str

    def plain_form(self) -> dict:
        """The fields, ``source`` and ``target`` named ``from`` and ``to`` (a keyword in Python)."""
        return {"from": self.source, "to": self.target, **plain_fields(self, without=("source", "target"))}


def total_effect_values(fit: ModelFit, theta: np.ndarray, pairs: list[tuple[int, int]]) -> np.ndarray:
    """Total effect of each (source, target) pair of distinct latents, (I − B)⁻¹[target, source], at θ (q,)
    or at a stack of θ (b, q), giving (len(pairs),) or (b, len(pairs))."""
    beta = fit.structure.matrices(theta)[1]
    total = np.linalg.inv(fit.structure.identity_latent - beta)
    src, tgt = (np.array(ix, dtype=int) for ix in zip(*pairs)) if pairs else (np.zeros(0, int),) * 2
    return total[..., tgt, src]


def effect_decomposition(fit: ModelFit, draws: np.ndarray | None = None, level: float = 0.95,
                         requested: int | None = None) -> list[Effect]:
    """Direct (B), total ((I − B)⁻¹ − I) and indirect (total − direct) effects between constructs.

    The total effect's interval: with ``draws`` (bootstrap θ, one row per usable resample, the same
    ones as the indirect effects; ``requested`` the B asked for) the percentile and bias-corrected
    intervals and SE = sd of the draws, as lavaan's ``se = "bootstrap"``; without, the delta-method
    SE and Wald interval est ± z·SE (BC limits NaN). R: label the paths, define ``total := c + a*b``
    and ``parameterEstimates(fit, boot.ci.type = "perc" | "bca.simple")``. Only pairs joined by at
    least one chain of paths are listed.
    """
    _, beta, _, _ = fit.structure.matrices(fit.theta)
    m = beta.shape[0]
    total = np.linalg.inv(np.eye(m) - beta) - np.eye(m)
    sd = np.sqrt(np.diag(fit.structure.latent_cov(fit.theta)))
    lv = fit.spec.latent
    mediated = {(chain[0], chain[-1]) for chain in structural_paths(fit.spec)}
    direct_pairs = {(p.rhs, p.lhs): p.pvalue for p in fit.parameters if p.op == "~"}
    pairs = [(j, i) for j, src in enumerate(lv) for i, tgt in enumerate(lv)
             if (src, tgt) in mediated or (src, tgt) in direct_pairs]
    z = stats.norm.ppf((1 + level) / 2)
    if draws is not None:
        values = total_effect_values(fit, draws, pairs).reshape(len(draws), len(pairs))
        se = values.std(axis=0, ddof=1) if len(draws) > 1 else np.full(len(pairs), np.nan)
        method = f"bootstrap percentile and bias-corrected (B = {requested or len(draws)}, {len(draws)} used)"
    else:
        jac = complex_step_jacobian(lambda t: total_effect_values(fit, t, pairs), fit.theta)
        se = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", jac, fit.vcov, jac), 0, None))
        method = "delta method (Wald interval), no bootstrap"
    out = []
    for k, (j, i) in enumerate(pairs):
        src, tgt = lv[j], lv[i]
        scale = sd[j] / sd[i]
        direct = beta[i, j]
        indirect = total[i, j] - direct if (src, tgt) in mediated else 0.0
        est = float(direct + indirect)
        if draws is not None:
            lo, hi = percentile_ci(values[:, k], level)
            lo_bc, hi_bc = bias_corrected_ci(values[:, k], est, level)
        else:
            lo, hi, lo_bc, hi_bc = est - z * se[k], est + z * se[k], float("nan"), float("nan")
        out.append(Effect(src, tgt, float(direct), float(indirect), est,
                          float(direct * scale), float(indirect * scale), est * float(scale),
                          float(direct_pairs.get((src, tgt), float("nan"))), float(se[k]), lo, hi, lo_bc, hi_bc,
                          method))
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


#: Cohen's (1988, pp. 410–414) conventions for f²: small, medium and large effects.
F2_SMALL, F2_MEDIUM, F2_LARGE = 0.02, 0.15, 0.35

#: The Zhao, Lynch & Chen (2010) types of :func:`mediation_type` whose indirect effect is significant.
SIGNIFICANT_INDIRECT_TYPES = ("complementary", "competitive", "indirect-only")


def f2_size(f2: float) -> str:
    """Cohen's (1988) band of an effect size f²: 'large' (≥ .35), 'medium' (≥ .15), 'small' (≥ .02) or
    'negligible'."""
    if f2 >= F2_LARGE:
        return "large"
    if f2 >= F2_MEDIUM:
        return "medium"
    if f2 >= F2_SMALL:
        return "small"
    return "negligible"


#: an indirect effect whose interval has a bound within this distance of zero is borderline
BORDERLINE_MARGIN = 0.01


def borderline_interval(ci_lower: float, ci_upper: float, ci_lower_bc: float, ci_upper_bc: float) -> tuple[str, ...]:
    """Why the verdict on an indirect effect is borderline, if it is: ``bound_near_zero`` (a bound of the
    percentile interval within :data:`BORDERLINE_MARGIN` of 0) and ``intervals_disagree`` (the percentile and
    the bias-corrected interval disagree on whether 0 lies inside; NaN BC bounds: no comparison). A verdict that
    a resample more or less could turn is worth saying so (Preacher & Hayes 2008 on interval choice)."""
    reasons = []
    if min(abs(ci_lower), abs(ci_upper)) < BORDERLINE_MARGIN:
        reasons.append("bound_near_zero")
    if math.isfinite(ci_lower_bc) and math.isfinite(ci_upper_bc):
        if (ci_lower > 0 or ci_upper < 0) != (ci_lower_bc > 0 or ci_upper_bc < 0):
            reasons.append("intervals_disagree")
    return tuple(reasons)


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


__all__ = ["BORDERLINE_MARGIN", "Effect", "EffectSize", "F2_LARGE", "F2_MEDIUM", "F2_METHODS", "F2_SMALL",
           "IndirectEstimate", "SIGNIFICANT_INDIRECT_TYPES", "borderline_interval", "chain_values", "cohen_f2",
           "effect_decomposition", "f2_size", "latent_regression_r2", "mediation_type", "r_squared",
           "specific_indirect_effects", "structural_paths", "total_effect_values"]
