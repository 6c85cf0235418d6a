"""Public entry points of the CB-SEM analysis: :func:`fit_cfa`, :func:`fit_sem`, :func:`fit_model`.

Every number equals lavaan 0.6 (``cfa()`` / ``sem()``, ML, expected information, complete cases;
``estimator = "MLR" | "MLM"`` adds robust SEs and the scaled and robust fit indices, see
:mod:`~analysis.sem.robust`; ``missing = "fiml"`` is lavaan's ``missing = "ml"``, see :mod:`~analysis.sem.fiml`);
the exported ``model`` (lavaan syntax) reproduces them in R:
``fit <- lavaan::sem(model, data = data); fitMeasures(fit); standardizedSolution(fit)``.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis.diagnostics import Diagnostic, warn
from analysis.results import plain_fields, to_plain
from analysis.sem.bootstrap import (BollenStine, BootstrapDraws, bias_corrected_ci, bollen_stine, bootstrap_draws,
                                    jackknife_acceleration, jackknife_theta, percentile_ci)
from analysis.sem.diagnostics import ModificationIndex, fit_diagnostics, modification_indices
from analysis.sem.effects import (Effect, EffectSize, borderline_interval, chain_values, cohen_f2,
                                  effect_decomposition, mediation_type, r_squared, specific_indirect_effects,
                                  structural_paths)
from analysis.sem.estimation import ModelFit, ParameterEstimate, estimate, estimate_fiml
from analysis.sem.fit_indices import FitIndices, FitVerdict, fit_indices, fit_verdicts
from analysis.sem.robust import ESTIMATORS, ROBUST_ESTIMATORS, robust_ml, with_robust_se
from analysis.sem.specification import ModelSpec, measurement_syntax, specify_model
from questionnaire.errors import input_error
from questionnaire.instrument import MISSING_CHOICES

ALPHA = 0.05


def fit_model(data: pd.DataFrame, syntax: str) -> ModelFit:
    """Fit any model in the supported lavaan syntax by ML; R: ``lavaan::sem(syntax, data)``."""
    return estimate(specify_model(syntax), data)


def estimate_with(spec: ModelSpec, data: pd.DataFrame, estimator: str = "ML", missing: str = "listwise"
                  ) -> tuple[ModelFit, FitIndices]:
    """Fit ``spec`` by ML and, for MLR / MLM, put the robust SEs into the fit and the scaled and robust indices
    into its fit table; R: ``lavaan::sem(model, data, estimator = estimator)``. ``missing="fiml"``: by
    full-information ML over every row with an answer (R: ``missing = "ml"``; ML only)."""
    if estimator not in ESTIMATORS:
        raise input_error("estimator: unknown", value=estimator, allowed=", ".join(ESTIMATORS))
    if missing not in MISSING_CHOICES:
        raise input_error("missing: unknown", value=missing, allowed=", ".join(MISSING_CHOICES))
    if missing == "fiml":
        if estimator in ROBUST_ESTIMATORS:
            raise input_error("estimator: not available with missing = fiml", value=estimator, allowed="ML")
        fit = estimate_fiml(spec, data)
        return fit, fit_indices(fit)
    fit = estimate(spec, data)
    if estimator not in ROBUST_ESTIMATORS:
        return fit, fit_indices(fit)
    robust = robust_ml(fit, data, estimator)
    return with_robust_se(fit, robust), fit_indices(fit, robust)


def item_r2(fit: ModelFit) -> dict[str, float]:
    """Squared multiple correlation of each item (AMOS's table): 1 − θ_ii/σ̂_ii;
    R: ``lavInspect(fit, "r2")[items]``."""
    r2 = fit.r2()
    return {item: r2[item] for item in fit.observed}


def _latent_cor_dict(fit: ModelFit) -> dict[str, dict[str, float]]:
    cor = fit.latent_cor()
    return {a: {b: float(cor.loc[a, b]) for b in cor.columns} for a in cor.index}


@dataclass(frozen=True)
class CfaResult:
    """Confirmatory factor analysis of the measurement model (R: ``lavaan::cfa(model, data)``)."""

    converged: bool
    n: int
    estimator: str
    missing: str
    model: str
    fit: FitIndices
    fit_verdicts: tuple[FitVerdict, ...]
    loadings: tuple[ParameterEstimate, ...]
    item_r2: dict[str, float]
    residual_variances: tuple[ParameterEstimate, ...]
    latent_cor: dict[str, dict[str, float]]
    std_loadings: dict[str, dict[str, float]]
    parameters: tuple[ParameterEstimate, ...]
    modification_indices: tuple[ModificationIndex, ...]
    diagnostics: tuple[Diagnostic, ...]
    result: ModelFit

    def plain_form(self) -> dict:
        """``results.json`` ``cfa``: see :func:`_model_form`."""
        return _model_form(self)


def _model_form(result: CfaResult | SemResult) -> dict:
    """``results.json`` form of a fitted model: its fields, ``diagnostics`` as ``warnings``, not the ``result``."""
    return {**plain_fields(result, without=("diagnostics", "result")), "warnings": result.diagnostics}


def fit_cfa(data: pd.DataFrame, measurement: dict[str, list[str]], estimator: str = "ML", missing: str = "listwise"
            ) -> CfaResult:
    """CFA with marker-variable identification; R: ``lavaan::cfa("PQ =~ PQ1 + PQ2 + ...", data, estimator = …)``
    (``missing = "ml"`` for ``missing="fiml"``)."""
    spec = specify_model(measurement_syntax(measurement))
    fit, indices = estimate_with(spec, data, estimator, missing)
    loadings = tuple(p for p in fit.parameters if p.op == "=~")
    std_loadings: dict[str, dict[str, float]] = {}
    for p in loadings:
        std_loadings.setdefault(p.lhs, {})[p.rhs] = p.std_all
    return CfaResult(
        converged=fit.converged, n=fit.n, estimator=estimator, missing=missing, model=spec.to_lavaan(), fit=indices,
        fit_verdicts=tuple(fit_verdicts(indices, fit.converged)), loadings=loadings, item_r2=item_r2(fit),
        residual_variances=tuple(p for p in fit.parameters if p.op == "~~" and p.lhs == p.rhs
                                 and p.lhs in spec.observed),
        latent_cor=_latent_cor_dict(fit), std_loadings=std_loadings, parameters=fit.parameters,
        modification_indices=tuple(modification_indices(fit)), diagnostics=tuple(fit_diagnostics(fit)),
        result=fit)


@dataclass(frozen=True)
class PathResult:
    """A structural path ``rhs -> lhs`` with its hypothesis verdict (p < .05 and the expected sign)."""

    lhs: str
    rhs: str
    est: float
    se: float
    z: float
    pvalue: float
    std_all: float
    std_se: float
    hypothesis: str | None
    expected_sign: int
    supported: bool | None

    def plain_form(self) -> dict:
        """The fields, ``expected_sign`` written ``+`` or ``-``."""
        return {**plain_fields(self), "expected_sign": "+" if self.expected_sign > 0 else "-"}


@dataclass(frozen=True)
class IndirectResult:
    """A specific indirect effect with bootstrap percentile and bias-corrected CIs, mediation type."""

    source: str
    via: tuple[str, ...]
    target: str
    est: float
    se: float
    std_all: float
    ci_lower: float
    ci_upper: float
    ci_lower_bc: float
    ci_upper_bc: float
    ci_lower_bca: float | None
    ci_upper_bca: float | None
    method: str
    direct: float
    direct_pvalue: float
    mediation_type: str
    mediation: str
    hypothesis: str | None
    supported: bool | None
    #: why the verdict is borderline (:func:`analysis.sem.effects.borderline_interval`); empty: it is not
    borderline: tuple[str, ...] = ()

    def plain_form(self) -> dict:
        """The fields, ``source`` and ``target`` named ``from`` and ``to``, the chain ``via`` as ``A -> B``."""
        return {"from": self.source, "via": " -> ".join(self.via), "to": self.target,
                **plain_fields(self, without=("source", "via", "target"))}


@dataclass(frozen=True)
class SemResult:
    """The structural model (R: ``lavaan::sem(model, data, se = "bootstrap")`` for the intervals)."""

    converged: bool
    n: int
    estimator: str
    missing: str
    model: str
    fit: FitIndices
    fit_verdicts: tuple[FitVerdict, ...]
    paths: tuple[PathResult, ...]
    r2: dict[str, float]
    item_r2: dict[str, float]
    f2: tuple[EffectSize, ...]
    effects: tuple[Effect, ...]
    indirect: tuple[IndirectResult, ...]
    bootstrap: dict
    parameters: tuple[ParameterEstimate, ...]
    modification_indices: tuple[ModificationIndex, ...]
    diagnostics: tuple[Diagnostic, ...]
    result: ModelFit
    bollen_stine: BollenStine | None = None

    def plain_form(self) -> dict:
        """``results.json`` ``sem``: see :func:`_model_form`; ``bollen_stine`` only when it was run."""
        form = _model_form(self)
        if self.bollen_stine is None:
            del form["bollen_stine"]
        return form


def parse_hypothesis(text: str) -> tuple[str, ...]:
    """``"PQ -> CS"`` -> ("PQ", "CS"); ``"PQ -> CS -> LY"`` -> ("PQ", "CS", "LY")."""
    parts = tuple(p.strip() for p in text.split("->"))
    if len(parts) < 2 or not all(parts):
        raise input_error("hypothesis: not a path", value=text, allowed="'A -> B' or 'A -> M -> B'")
    return parts


def _expected_sign(label: str, signs: dict | None) -> int:
    """+1 or −1 from ``signs[label]`` ('+' by default), the vocabulary of the instrument file."""
    value = (signs or {}).get(label, "+")
    if value not in ("+", "-"):
        raise input_error(f"hypothesis {label}: unknown sign", value=value, allowed="'+' or '-'")
    return 1 if value == "+" else -1


@dataclass(frozen=True)
class HypothesisMap:
    """The hypotheses of a structural model: label of each hypothesised path (keyed ``(lhs, rhs)``, lavaan's
    ``lhs ~ rhs``) and chain (keyed by the chain of constructs), and each label's expected sign (+1 / −1)."""

    paths: dict[tuple[str, str], str]
    chains: dict[tuple[str, ...], str]
    expected_sign: dict[str, int]


def match_hypotheses(spec: ModelSpec, chains: list[tuple[str, ...]], hypotheses: dict[str, str] | None,
                     signs: dict | None) -> HypothesisMap:
    """Each hypothesis ``"A -> B"`` matched to a structural path, ``"A -> M -> B"`` to a chain of paths."""
    paths: dict[tuple[str, str], str] = {}
    chain_labels: dict[tuple[str, ...], str] = {}
    expected = {label: _expected_sign(label, signs) for label in hypotheses or {}}
    for label, text in (hypotheses or {}).items():
        parts = parse_hypothesis(text)
        if len(parts) == 2:
            if (parts[1], parts[0]) not in {(p.lhs, p.rhs) for p in spec.regressions()}:
                raise input_error(f"hypothesis {label}: the structural model has no such path", value=text,
                                  allowed=", ".join(f"{p.rhs} -> {p.lhs}" for p in spec.regressions()))
            paths[(parts[1], parts[0])] = label
        else:
            if parts not in chains:
                raise input_error(f"hypothesis {label}: the structural model has no such chain", value=text,
                                  allowed=", ".join(" -> ".join(c) for c in chains) or "none")
            chain_labels[parts] = label
    return HypothesisMap(paths, chain_labels, expected)


def path_results(fit: ModelFit, hypotheses: HypothesisMap) -> list[PathResult]:
    """Every structural path, a hypothesised one supported when p < .05 with the expected sign."""
    paths = []
    for p in fit.parameters:
        if p.op != "~":
            continue
        label = hypotheses.paths.get((p.lhs, p.rhs))
        sign = hypotheses.expected_sign[label] if label else 1
        supported = None if label is None else bool(p.pvalue < ALPHA and np.sign(p.est) == sign)
        paths.append(PathResult(p.lhs, p.rhs, p.est, p.se, p.z, p.pvalue, p.std_all, p.std_se, label, sign, supported))
    return paths


def bootstrap_mediation_draws(fit: ModelFit, data: pd.DataFrame, chains: list[tuple[str, ...]], bootstrap: int,
                              seed: int, workers: int, progress: Callable[[int, int], None] | None, level: float,
                              drop_inadmissible: bool) -> tuple[BootstrapDraws | None, dict, list[Diagnostic]]:
    """The bootstrap draws the intervals use (None: delta-method intervals), the bootstrap summary and
    the trouble met.

    No bootstrap without a chain of paths or when the full-sample fit did not converge; too few usable
    resamples for a ``level`` percentile interval also fall back on the delta method.
    """
    diagnostics: list[Diagnostic] = []
    draws: BootstrapDraws | None = None
    summary: dict = {"B": 0, "succeeded": 0, "failed": 0, "inadmissible": 0, "seed": seed}
    if bootstrap > 0 and chains and not fit.converged:
        diagnostics.append(warn("bootstrap_skipped", "the model did not converge on the full sample, so no "
                                                     "bootstrap was run; intervals are delta-method (Sobel)"))
    elif bootstrap > 0 and chains:
        draws = bootstrap_draws(fit, data, B=bootstrap, seed=seed, workers=workers, progress=progress)
        summary = to_plain(draws)
        if draws.failed:
            diagnostics.append(warn("bootstrap_failed", f"{draws.failed} of {bootstrap} bootstrap resamples did not "
                                                        "converge and were left out of the intervals"))
        if draws.inadmissible:
            what = "left out" if drop_inadmissible else "kept (as lavaan does)"
            diagnostics.append(warn("bootstrap_inadmissible",
                                    f"{draws.inadmissible} of {bootstrap} bootstrap resamples gave an inadmissible "
                                    f"solution (negative variance or non-positive-definite latent covariance); {what}"))

    needed = math.ceil(2 / (1 - level))  # a draw beyond each (1 − level)/2 tail
    if draws is not None and len(draws.usable(drop_inadmissible)) < needed:
        diagnostics.append(warn("bootstrap_too_few", f"{len(draws.usable(drop_inadmissible))} usable bootstrap "
                                                     f"resamples cannot give a {level:.0%} percentile interval (at least "
                                                     f"{needed} are needed); intervals are delta-method (Sobel)"))
        draws = None
    return draws, summary, diagnostics


def fit_sem(data: pd.DataFrame, measurement: dict[str, list[str]], structural: str,
            hypotheses: dict[str, str] | None = None, bootstrap: int = 2000, seed: int = 1, workers: int = 1,
            progress: Callable[[int, int], None] | None = None, signs: dict | None = None,
            level: float = 0.95, bca: bool = False, drop_inadmissible: bool = False, estimator: str = "ML",
            missing: str = "listwise") -> SemResult:
    """Structural model with bootstrap mediation (``estimator`` ML, MLR or MLM: see :func:`estimate_with`).

    Paths: ML estimates with expected-information SEs and delta-method std_all SEs; a hypothesis
    ``"A -> B"`` is supported when p < .05 and the estimate has the expected sign (``signs[label]``,
    positive by default); ``"A -> M -> B"`` when the bootstrap percentile CI excludes 0 on the
    expected side. Indirect effects: every chain of paths, percentile and bias-corrected CIs from
    ``bootstrap`` resamples (BCa when ``bca``), mediation type per Zhao, Lynch & Chen (2010).
    Total effects (``effects``) get percentile and bias-corrected CIs from the same resamples.
    ``bootstrap=0`` gives delta-method (Sobel / Wald) intervals instead. With ``missing="fiml"`` the
    estimates are FIML's and the bootstrap stays listwise (a FIML refit per resample would cost minutes):
    the resamples are drawn from the complete rows and refitted by ML, and a ``bootstrap_listwise`` warning
    says so. A robust estimator (MLR, MLM) with
    ``bootstrap`` > 0 also gets the Bollen–Stine bootstrap p of the model χ² (``bootstrap`` resamples, same
    seed), the distribution-free test of exact fit AMOS users report beside the scaled χ².
    R: ``sem(model, data, se = "bootstrap", bootstrap = B)`` with ``ind := a*b`` defined,
    ``parameterEstimates(fit, boot.ci.type = "perc")``.
    """
    spec = specify_model(measurement_syntax(measurement) + "\n" + structural)
    if not spec.regressions():
        raise input_error("structural model: no regression between constructs", value=structural,
                          allowed="lines such as 'CS ~ PQ + SQ'")
    chains = structural_paths(spec)
    hypothesis_map = match_hypotheses(spec, chains, hypotheses, signs)

    fit, indices = estimate_with(spec, data, estimator, missing)
    diagnostics = fit_diagnostics(fit)
    paths = path_results(fit, hypothesis_map)
    resampled = fit
    if missing == "fiml" and bootstrap > 0 and chains:
        resampled = estimate(spec, data)
        diagnostics.append(warn("bootstrap_listwise", f"with FIML the bootstrap resamples the {resampled.n} respondents "
                                                      "who answered every item and refits them by ML (listwise); the "
                                                      "intervals of the indirect and total effects come from these "
                                                      "resamples"))
    draws, boot_summary, bootstrap_diagnostics = bootstrap_mediation_draws(resampled, data, chains, bootstrap, seed,
                                                                           workers, progress, level, drop_inadmissible)
    diagnostics += bootstrap_diagnostics
    indirect = _indirect_results(fit, resampled, data, chains, draws, level, bca, drop_inadmissible, hypothesis_map)
    effects = (effect_decomposition(fit) if draws is None else
               effect_decomposition(fit, draws.usable(drop_inadmissible), level, draws.requested))
    exact_fit = (bollen_stine(fit, data, B=bootstrap, seed=seed, workers=workers, progress=progress)
                 if estimator in ROBUST_ESTIMATORS and bootstrap > 0 and fit.converged else None)
    return SemResult(
        converged=fit.converged, n=fit.n, estimator=estimator, missing=missing,
        model=reproducible_syntax(spec, chains, bootstrap, seed, estimator, missing), fit=indices, fit_verdicts=tuple(fit_verdicts(indices, fit.converged)), paths=tuple(paths), r2=r_squared(fit),
        item_r2=item_r2(fit),
        f2=tuple(cohen_f2(fit)), effects=tuple(effects), indirect=tuple(indirect),
        bootstrap=boot_summary, parameters=fit.parameters, modification_indices=tuple(modification_indices(fit)),
        diagnostics=tuple(diagnostics), result=fit, bollen_stine=exact_fit)


def reproducible_syntax(spec, chains: list[tuple[str, ...]], bootstrap: int, seed: int, estimator: str = "ML",
                        missing: str = "listwise") -> str:
    """The fitted model as lavaan syntax with every structural path labelled ``b_<to>_<from>`` and each
    specific indirect effect defined (``ind_<from>_<via>_<to> := …``), so that
    ``lavaan::sem(model, data, se = "bootstrap", bootstrap = B)`` reproduces paths, indirect effects and
    their bootstrap intervals (up to Monte-Carlo error: R draws other resamples)."""
    def label(lhs: str, rhs: str) -> str:
        return f"b_{lhs}_{rhs}"

    call = ("" if estimator == "ML" else f", estimator = \"{estimator}\"") + (
        ", missing = \"ml\"" if missing == "fiml" else "")
    cases = "FIML, every row with an answer" if missing == "fiml" else "complete cases"
    if bootstrap > 0:
        lines = ["# lavaan model; R: model <- paste(readLines(\"model.lav\"), collapse = \"\\n\"); data <- read.csv(\"model_data.csv\")",
                 f"# fit <- lavaan::sem(model, data = data{call}, se = \"bootstrap\", bootstrap = {bootstrap})",
                 f"# then parameterEstimates(fit, boot.ci.type = \"perc\") ({estimator}, {cases}; our seed was {seed}"
                 + ("; our resamples were of the complete rows, refitted by ML" if missing == "fiml" else "") + ")"]
    else:
        lines = ["# lavaan model; R: model <- paste(readLines(\"model.lav\"), collapse = \"\\n\"); data <- read.csv(\"model_data.csv\")",
                 f"# fit <- lavaan::sem(model, data = data{call}) ({estimator}, {cases})"]
    body = spec.to_lavaan().splitlines()[1:]
    structural = {p.lhs: [q.rhs for q in spec.regressions() if q.lhs == p.lhs] for p in spec.regressions()}
    for line in body:
        lhs = line.split(" ~ ")[0] if " ~ " in line else None
        if lhs in structural:
            line = f"{lhs} ~ " + " + ".join(f"{label(lhs, x)}*{x}" for x in structural[lhs])
        lines.append(line)
    if chains:
        lines.append("# specific indirect effects")
        for chain in chains:
            product = "*".join(label(b, a) for a, b in zip(chain, chain[1:]))
            lines.append(f"ind_{'_'.join(chain)} := {product}")
    return "\n".join(lines) + "\n"


def _indirect_results(fit, resampled, data, chains, draws, level, bca, drop_inadmissible, hypotheses: HypothesisMap
                      ) -> list[IndirectResult]:
    estimates = specific_indirect_effects(fit)
    if not estimates:
        return []
    if draws is not None:
        usable = draws.usable(drop_inadmissible)
        values = np.array([chain_values(fit, t, chains) for t in usable]).reshape(len(usable), len(chains))
        accel = np.zeros(len(chains))
        if bca:
            jack = jackknife_theta(resampled, data)
            jack = jack[np.isfinite(jack).all(axis=1)]
            jvals = np.array([chain_values(fit, t, chains) for t in jack]).reshape(len(jack), len(chains))
            accel = np.array([jackknife_acceleration(jvals[:, c]) for c in range(len(chains))])
    z = stats.norm.ppf((1 + level) / 2)
    direct_p = {(p.rhs, p.lhs): (p.est, p.pvalue) for p in fit.parameters if p.op == "~"}
    out = []
    for c, ie in enumerate(estimates):
        if draws is not None:
            lo, hi = percentile_ci(values[:, c], level)
            lo_bc, hi_bc = bias_corrected_ci(values[:, c], ie.est, level)
            lo_bca, hi_bca = bias_corrected_ci(values[:, c], ie.est, level, accel[c]) if bca else (None, None)
            method = f"bootstrap percentile (B = {draws.requested}, {len(values)} used)"
        else:
            lo, hi = ie.est - z * ie.se, ie.est + z * ie.se
            lo_bc = hi_bc = float("nan")
            lo_bca = hi_bca = None
            method = "delta method (Sobel), no bootstrap"
        significant = bool(lo > 0 or hi < 0)
        direct, dp = direct_p.get((ie.source, ie.target), (float("nan"), float("nan")))
        direct_sig = None if math.isnan(dp) else bool(dp < ALPHA)
        mtype, mediation = mediation_type(significant, direct_sig, bool(np.sign(direct) == np.sign(ie.est)))
        label = hypotheses.chains.get((ie.source, *ie.via, ie.target))
        supported = None
        if label is not None:
            supported = bool(lo > 0) if hypotheses.expected_sign[label] > 0 else bool(hi < 0)
        out.append(IndirectResult(ie.source, ie.via, ie.target, ie.est, ie.se, ie.std_all, lo, hi, lo_bc, hi_bc,
                                  lo_bca, hi_bca, method, direct, dp, mtype, mediation, label, supported,
                                  borderline_interval(lo, hi, lo_bc, hi_bc)))
    return out
