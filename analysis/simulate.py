"""Simulate a survey from a documented population model, with planted careless respondents.

Population model (all latent variables standardized, variance 1):

* exogenous constructs ξ ~ N(0, Φ), Φ from ``exogenous_cor`` (a construct no path predicts, such as a
  moderator outside the instrument's structural model, is one of them);
* each endogenous construct η = Σ b·(its predictors) + Σ g·(x·m − σ_xm) + ζ, in causal order, with the
  ``paths`` b (the instrument's structural model, plus any path the population adds, e.g. a moderator's main
  effect) and the ``interactions`` g (x × m → η, x and m normal); the product term has mean 0, variance
  σ_xx σ_mm + σ_xm² and no covariance with any construct (third moments of the normal are 0), so
  Var(ζ) = 1 − b′Σ_pred b − Σ g²(1 + σ_xm²) gives Var(η) = 1: the ``paths`` are the true standardized paths
  and the construct correlations are those of the linear model;
* item answer x* = λ·(construct) + Σ λ_c·(other construct c) + e, with e ~ N(0, 1 − Var(systematic part))
  so that Var(x*) = 1, cut into scale codes at the construct's ``thresholds`` (k − 1 cut points for k
  points); reverse-worded items are written as min + max − code. The ``cross_loadings`` are small
  misspecifications of the simple-structure CFA, as real data have: the demo's fit is good, not perfect.

Background answers: categorical questions drawn from ``demographics`` shares; orders in the last six
months ~ Poisson(exp(log(orders_mean) + 0.5·loyalty)); NPS = round(6.5 + 1.8·loyalty + N(0, 1.2)) clipped to
0–10; a paid membership with probability logistic(−0.4 + 0.6·loyalty).

Contamination (planted, listed in the truth with their kind): straight-liners (one code on every Likert
item), speeders (random answers, 30–90 s), resubmissions (an honest respondent's answers submitted again
under a new id), attention-check failures (honest answers, wrong code on the check), respondents who left
more than 20 % of the items empty; plus honest respondents with one or two missing answers (kept).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from questionnaire.errors import InputError
from questionnaire.instrument import Instrument

DEMO_SEED = 20261127

#: the population of the bundled study (true values the demo data were drawn from)
DEFAULT_POPULATION = {
    "loadings": {
        "PQ1": 0.80, "PQ2": 0.78, "PQ3": 0.75, "PQ4": 0.70,
        "SQ1": 0.78, "SQ2": 0.80, "SQ3": 0.74, "SQ4": 0.62,
        "PR1": 0.82, "PR2": 0.80, "PR3": 0.70,
        "BI1": 0.80, "BI2": 0.82, "BI3": 0.72, "BI4": 0.66,
        "EX1": 0.76, "EX2": 0.72, "EX3": 0.74, "EX4": 0.60,
        "CS1": 0.85, "CS2": 0.82, "CS3": 0.78,
        "LY1": 0.82, "LY2": 0.80, "LY3": 0.76, "LY4": 0.68,
        "SW1": 0.82, "SW2": 0.80, "SW3": 0.72,
    },
    "cross_loadings": {"PQ4": {"PR": 0.18}, "SQ3": {"EX": 0.22}, "BI3": {"EX": 0.15}, "LY4": {"PR": 0.25},
                       "CS3": {"EX": 0.15}},
    "exogenous_cor": {
        "PQ": {"SQ": 0.45, "PR": 0.35, "BI": 0.45, "EX": 0.40},
        "SQ": {"PR": 0.30, "BI": 0.40, "EX": 0.45},
        "PR": {"BI": 0.30, "EX": 0.30},
        "BI": {"EX": 0.35},
        "SW": {"PQ": 0.20, "SQ": 0.20, "PR": 0.20, "BI": 0.20, "EX": 0.20},
    },
    "paths": {
        "CS": {"PQ": 0.28, "SQ": 0.22, "PR": 0.15, "BI": 0.10, "EX": 0.20},
        "LY": {"PQ": 0.06, "SQ": 0.10, "PR": 0.00, "BI": 0.22, "EX": 0.05, "CS": 0.42, "SW": 0.20},
    },
    # switching cost weakens the satisfaction → loyalty link (Jones, Mothersbaugh & Beatty 2000): at +1 SD of SW
    # the latent slope of CS is .42 − .15 = .27, at −1 SD .57; SW stays out of the SEM, so the LY paths there
    # absorb its share through the drivers it correlates with (.01–.02 each)
    "interactions": [{"x": "CS", "m": "SW", "y": "LY", "b": -0.15}],
    # cut points on the latent answer; lower cut points = more agreement (higher performance)
    "thresholds": {
        "PQ": [-2.0, -1.2, -0.3, 0.9],
        "SQ": [-1.8, -0.9, 0.0, 1.1],
        "PR": [-1.6, -0.7, 0.2, 1.3],
        "BI": [-2.1, -1.3, -0.4, 0.8],
        "EX": [-2.2, -1.4, -0.5, 0.7],
        "CS": [-2.0, -1.1, -0.2, 1.0],
        "LY": [-1.8, -0.9, 0.1, 1.2],
        "SW": [-1.4, -0.4, 0.5, 1.5],
    },
    "demographics": {
        "gender": [0.45, 0.55],
        "age": [0.03, 0.38, 0.27, 0.20, 0.08, 0.04],
        "education": [0.12, 0.22, 0.52, 0.14],
        "income": [0.30, 0.25, 0.22, 0.16, 0.07],
        "occupation": [0.34, 0.38, 0.10, 0.12, 0.06],
        "city_tier": [0.25, 0.33, 0.30, 0.12],
        "platform": [0.40, 0.24, 0.20, 0.11, 0.05],
        "frequency": [0.18, 0.45, 0.27, 0.10],
    },
    "orders_mean": 5.0,
    "duration_median_s": 320.0,
    "contamination": {
        "straight_liner": 12, "speeder": 10, "resubmission": 6, "attention_failure": 8, "mostly_missing": 4,
        "honest_with_missing": 12,
    },
}


_SUGGESTIONS = (
    "希望客服回复再快一点", "退货流程可以更简单", "多一些会员专属优惠", "物流速度很满意，继续保持",
    "商品描述要更真实", "希望减少套路式促销", "积分能抵扣更多金额就好了", "售后处理要更及时",
)


@dataclass(frozen=True)
class SimulatedStudy:
    """Simulated export (``responses``, as a survey platform would deliver it) and its ``truth``."""

    responses: pd.DataFrame
    truth: dict = field(repr=False)

    def planted(self) -> dict[str, str]:
        """Respondent id → kind of planted careless behaviour."""
        return {p["respondent"]: p["kind"] for p in self.truth["planted"]}


def default_population(instrument: Instrument) -> dict:
    """The bundled population model when it fits the instrument, else a generic one (λ = .75, r = .30, b = .30)."""
    population = DEFAULT_POPULATION
    if set(population["loadings"]) == set(instrument.item_ids):
        thresholds = {c.id: population["thresholds"][c.id] if len(population["thresholds"][c.id]) == len(c.scale.points) - 1
                      else _even_thresholds(len(c.scale.points)) for c in instrument.constructs}
        return {**population, "thresholds": thresholds}
    exogenous = _independent(instrument, {})
    return {
        "loadings": {item: 0.75 for item in instrument.item_ids},
        "exogenous_cor": {a: {b: 0.30 for b in exogenous[i + 1:]} for i, a in enumerate(exogenous)},
        "paths": {r.lhs: {x: round(0.6 / len(r.rhs), 3) for x in r.rhs} for r in instrument.structural},
        "thresholds": {c.id: _even_thresholds(len(c.scale.points)) for c in instrument.constructs},
        "demographics": {}, "orders_mean": 5.0, "duration_median_s": 300.0,
        "contamination": dict(population["contamination"]),
    }


def _even_thresholds(points: int) -> list[float]:
    """Cut points giving a mildly agreeing (mean above the midpoint) distribution over ``points`` codes."""
    return [float(x) for x in stats.norm.ppf(np.linspace(0, 1, points + 1)[1:-1]) - 0.4]


def _predictors(instrument: Instrument, population: dict) -> dict[str, list[str]]:
    """Endogenous construct → its predictors: the instrument's structural model plus the population's own
    ``paths`` and ``interactions`` between the instrument's constructs."""
    ids = {c.id for c in instrument.constructs}
    out = {r.lhs: list(r.rhs) for r in instrument.structural}
    extra = [(y, x) for y, weights in population.get("paths", {}).items() for x in weights]
    extra += [(t["y"], v) for t in population.get("interactions", ()) for v in (t["x"], t["m"])]
    for y, x in extra:
        if y in ids and x in ids and x not in out.setdefault(y, []):
            out[y].append(x)
    return out


def _independent(instrument: Instrument, population: dict) -> list[str]:
    """Constructs no population equation predicts, in instrument order (Φ is their correlation matrix)."""
    predicted = _predictors(instrument, population)
    return [c.id for c in instrument.constructs if c.id not in predicted]


def _interactions(instrument: Instrument, population: dict) -> list[dict]:
    """The population's ``interactions`` {x, m, y, b} whose three constructs the instrument has."""
    ids = {c.id for c in instrument.constructs}
    return [t for t in population.get("interactions", ()) if {t["x"], t["m"], t["y"]} <= ids]


def _path_matrix(instrument: Instrument, population: dict) -> np.ndarray:
    """B with B[i, j] = true standardized path from construct j to construct i."""
    ids = [c.id for c in instrument.constructs]
    index = {c: i for i, c in enumerate(ids)}
    beta = np.zeros((len(ids), len(ids)))
    for y, predictors in _predictors(instrument, population).items():
        weights = population["paths"].get(y, {})
        for x in predictors:
            beta[index[y], index[x]] = weights.get(x, 0.0)
    return beta


def _interaction_variance(interactions: list[dict], y: str, sigma: np.ndarray, index: dict) -> float:
    """Σ g²(σ_xx σ_mm + σ_xm²): the variance of the interaction terms into ``y``."""
    return sum(t["b"] ** 2 * (sigma[index[t["x"]], index[t["x"]]] * sigma[index[t["m"]], index[t["m"]]]
                              + sigma[index[t["x"]], index[t["m"]]] ** 2) for t in interactions if t["y"] == y)


def latent_covariance(instrument: Instrument, population: dict) -> pd.DataFrame:
    """Model-implied correlation matrix of all constructs: Σ = (I − B)⁻¹ Ψ (I − B)⁻ᵀ, every variance 1.

    Ψ holds Φ for the exogenous constructs and, for each endogenous one (in causal order),
    ψ = 1 − b′Σ_pred b, the variance its predictors leave unexplained (interaction terms included: they are
    uncorrelated with every construct).
    """
    return _covariances(instrument, population)[0]


def _covariances(instrument: Instrument, population: dict) -> tuple[pd.DataFrame, np.ndarray]:
    """Σ and the covariance matrix of the normal disturbances (Ψ less the interaction variances)."""
    ids = [c.id for c in instrument.constructs]
    index = {c: i for i, c in enumerate(ids)}
    exogenous = [index[c] for c in _independent(instrument, population)]
    psi = np.zeros((len(ids), len(ids)))
    psi[np.ix_(exogenous, exogenous)] = np.eye(len(exogenous))
    for a, row in population["exogenous_cor"].items():
        for b, r in row.items():
            psi[index[a], index[b]] = psi[index[b], index[a]] = r
    if not np.all(np.linalg.eigvalsh(psi[np.ix_(exogenous, exogenous)]) > 0):
        raise InputError("population model: exogenous_cor is not a positive-definite correlation matrix")
    beta = _path_matrix(instrument, population)
    inverse = np.linalg.inv(np.eye(len(ids)) - beta)
    interactions = _interactions(instrument, population)
    normal = psi.copy()
    for construct in _causal_order(instrument, population):
        j = index[construct]
        sigma = inverse @ psi @ inverse.T
        products = _interaction_variance(interactions, construct, sigma, index)
        explained = float(beta[j] @ sigma @ beta[j]) + products
        if explained >= 1:
            raise InputError(f"population model: paths into {construct} explain {explained:.2f} ≥ 1 of its variance")
        psi[j, j] = 1 - explained + products
        normal[j, j] = 1 - explained
    return pd.DataFrame(inverse @ psi @ inverse.T, index=ids, columns=ids), normal


def _causal_order(instrument: Instrument, population: dict) -> list[str]:
    """Endogenous constructs ordered so that every predictor comes before what it predicts."""
    pending = {y: set(xs) for y, xs in _predictors(instrument, population).items()}
    order: list[str] = []
    while pending:
        ready = sorted(c for c, preds in pending.items() if not preds & set(pending))
        order += ready
        for c in ready:
            del pending[c]
    return order


def true_effects(instrument: Instrument, population: dict) -> dict:
    """True standardized direct, indirect (per mediator) and total effects implied by the population paths."""
    ids = [c.id for c in instrument.constructs]
    index = {c: i for i, c in enumerate(ids)}
    beta = _path_matrix(instrument, population)
    total = np.linalg.inv(np.eye(len(ids)) - beta) - np.eye(len(ids))
    direct = {f"{x} -> {y}": float(beta[index[y], index[x]]) for y, xs in _predictors(instrument, population).items()
              for x in xs}
    totals = {f"{x} -> {y}": float(total[index[y], index[x]]) for x in ids for y in ids
              if abs(total[index[y], index[x]]) > 0}
    indirect = {f"{x} -> {m} -> {y}": float(beta[index[m], index[x]] * beta[index[y], index[m]])
                for x in ids for m in ids for y in ids
                if beta[index[m], index[x]] and beta[index[y], index[m]]}
    return {"direct": direct, "indirect": indirect, "total": totals}


def simulate_study(instrument: Instrument, n: int = 500, seed: int = DEMO_SEED, population: dict | None = None,
                   contaminate: bool = True) -> SimulatedStudy:
    """Draw ``n`` honest respondents (plus planted careless ones when ``contaminate``), deterministically from ``seed``."""
    if n < 1:
        raise InputError(f"simulate: n must be at least 1, got {n}")
    population = population or default_population(instrument)
    rng = np.random.default_rng(seed)
    extra = _excluded_planted_count(instrument, population) if contaminate else 0
    rows = n + extra
    latent = _draw_latent(instrument, population, rows, rng)
    frame = pd.DataFrame(index=range(rows))
    frame[instrument.id_column or "resp_id"] = [f"R{i + 1:05d}" for i in range(rows)]
    _add_background(frame, instrument, population, latent, rng)
    sigma = latent_covariance(instrument, population)
    for construct in instrument.constructs:
        for item in construct.items:
            _add_item(frame, construct, item, population, latent, sigma, rng)
    for check in instrument.attention_checks:
        frame[check.id] = float(check.expected)
    median = population.get("duration_median_s", 300.0)
    durations = median * np.exp(rng.normal(0, 0.35, rows))
    frame[instrument.duration_column or "duration_s"] = np.clip(durations, 0.45 * median, 4 * median).round()
    planted: list[dict] = []
    if contaminate:
        frame, planted = _contaminate(frame, instrument, population, rng)
    frame = _as_export(frame[_export_order(instrument, frame)])
    truth = {
        "seed": seed, "n_usable": n, "n_rows": len(frame),
        "population": population,
        "latent_correlation": latent_covariance(instrument, population).round(6).to_dict(),
        "true_effects": true_effects(instrument, population),
        "planted": planted,
    }
    return SimulatedStudy(frame.reset_index(drop=True), truth)


def _draw_latent(instrument: Instrument, population: dict, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """ξ and ζ drawn jointly normal, then each endogenous η = B η + Σ g·(x·m − σ_xm) + ζ in causal order."""
    sigma, normal = _covariances(instrument, population)
    latent = pd.DataFrame(rng.multivariate_normal(np.zeros(len(sigma)), normal, size=n, method="cholesky"),
                          columns=sigma.columns)
    weights = pd.DataFrame(_path_matrix(instrument, population), index=sigma.index, columns=sigma.columns)
    for construct in _causal_order(instrument, population):
        latent[construct] += latent.to_numpy() @ weights.loc[construct].to_numpy()
        for t in _interactions(instrument, population):
            if t["y"] == construct:
                latent[construct] += t["b"] * (latent[t["x"]] * latent[t["m"]] - sigma.loc[t["x"], t["m"]])
    return latent


def _add_item(frame, construct, item, population, latent, sigma, rng) -> None:
    weights = {construct.id: population["loadings"][item.id], **population.get("cross_loadings", {}).get(item.id, {})}
    names = list(weights)
    w = np.array([weights[c] for c in names])
    explained = float(w @ sigma.loc[names, names].to_numpy() @ w)
    if explained >= 1:
        raise InputError(f"population model: the loadings of {item.id} explain {explained:.2f} ≥ 1 of its variance")
    answer = latent[names].to_numpy() @ w + np.sqrt(1 - explained) * rng.standard_normal(len(latent))
    cuts = np.asarray(population["thresholds"][construct.id])
    codes = construct.scale.min + np.searchsorted(cuts, answer)
    if item.reverse:
        codes = construct.scale.min + construct.scale.max - codes
    frame[item.id] = codes.astype(float)


def _add_background(frame, instrument, population, latent, rng) -> None:
    loyalty = latent[instrument.outcome].to_numpy() if instrument.outcome else np.zeros(len(frame))
    shares = population.get("demographics", {})
    for question in instrument.questions:
        if question.type == "single":
            codes = [o.code for o in question.options]
            p = shares.get(question.id) or [1 / len(codes)] * len(codes)
            if question.role == "membership":
                paid = rng.random(len(frame)) < 1 / (1 + np.exp(0.4 - 0.6 * loyalty))
                none_code = next((o.code for o in question.options if o.none), codes[-1])
                paid_codes = [c for c in codes if c != none_code]
                frame[question.id] = np.where(paid, rng.choice(paid_codes, len(frame)), none_code)
            else:
                frame[question.id] = rng.choice(codes, len(frame), p=np.asarray(p) / np.sum(p))
        elif question.type == "multiple":
            for column in question.option_columns():
                frame[column] = (rng.random(len(frame)) < 0.4).astype(int)
        elif question.type == "numeric":
            mean = population.get("orders_mean", 5.0) if question.role == "orders" else 5.0
            values = rng.poisson(np.exp(np.log(mean) + 0.5 * loyalty))
            low = question.min if question.min is not None else 0
            high = question.max if question.max is not None else values.max()
            frame[question.id] = np.clip(values, low, high)
        elif question.type == "nps":
            frame[question.id] = np.clip(np.round(6.5 + 1.8 * loyalty + rng.normal(0, 1.2, len(frame))), 0, 10).astype(int)
        elif question.type == "text":
            answered = rng.random(len(frame)) < 0.12
            frame[question.id] = np.where(answered, rng.choice(_SUGGESTIONS, len(frame)), "")


_EXCLUDED_KINDS = ("straight_liner", "speeder", "attention_failure", "mostly_missing")


def _planted_kinds(instrument: Instrument) -> list[str]:
    kinds = [*_EXCLUDED_KINDS, "honest_with_missing"]
    return kinds if instrument.attention_checks else [k for k in kinds if k != "attention_failure"]


def _excluded_planted_count(instrument: Instrument, population: dict) -> int:
    """Rows drawn on top of ``n`` so that ``n`` usable respondents remain after cleaning."""
    counts = population.get("contamination", {})
    return sum(int(counts.get(k, 0)) for k in _planted_kinds(instrument) if k in _EXCLUDED_KINDS)


def _as_export(frame: pd.DataFrame) -> pd.DataFrame:
    """Whole-number float columns become nullable integers, so the CSV says 4, not 4.0."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype.kind == "f" and np.all(np.isnan(values) | (values == np.round(values))):
            out[column] = values.astype("Int64")
    return out


def _contaminate(frame: pd.DataFrame, instrument: Instrument, population: dict, rng: np.random.Generator):
    """Overwrite or append planted careless respondents; return the new frame and the planted list."""
    counts = population.get("contamination", {})
    id_col = instrument.id_column or "resp_id"
    duration_col = instrument.duration_column or "duration_s"
    items = instrument.item_ids
    checks = [c.id for c in instrument.attention_checks]
    scale = instrument.scale
    low = {item: c.scale.min for c in instrument.constructs for item in c.item_ids} | {a: scale.min for a in checks}
    high = {item: c.scale.max for c in instrument.constructs for item in c.item_ids} | {a: scale.max for a in checks}
    n = len(frame)
    planted: list[dict] = []
    kinds = _planted_kinds(instrument)
    needed = sum(int(counts.get(k, 0)) for k in kinds)
    if needed > n // 2:
        raise InputError(f"simulate: n = {n} is too small for {needed} planted respondents; use n ≥ {2 * needed}")
    victims = iter(rng.permutation(n)[:needed])
    for kind in kinds:
        for _ in range(int(counts.get(kind, 0))):
            row = next(victims)
            if kind == "straight_liner":  # one code that every item's scale offers
                code = float(rng.integers(max(low.values()), min(high.values()) + 1))
                frame.loc[row, items + checks] = code
                if checks and code == instrument.attention_checks[0].expected:
                    code_note = "answers every item (including the check) with the same code"
                else:
                    code_note = "answers every item with the same code"
                detail = f"{code_note} {int(code)}"
            elif kind == "speeder":
                columns = items + checks
                frame.loc[row, columns] = rng.integers([low[c] for c in columns],
                                                       [high[c] + 1 for c in columns]).astype(float)
                frame.loc[row, duration_col] = float(rng.integers(30, 91))
                detail = f"random answers in {int(frame.loc[row, duration_col])} s"
            elif kind == "attention_failure":
                wrong = [c for c in scale.points if c != instrument.attention_checks[0].expected]
                frame.loc[row, checks] = float(rng.choice(wrong))
                detail = f"answers {int(frame.loc[row, checks[0]])} on {checks[0]}"
            elif kind == "mostly_missing":
                gone = rng.choice(items, size=int(np.ceil(0.4 * len(items))), replace=False)
                frame.loc[row, list(gone)] = np.nan
                detail = f"{len(gone)} of {len(items)} items unanswered"
            else:
                gone = rng.choice(items, size=int(rng.integers(1, 3)), replace=False)
                frame.loc[row, list(gone)] = np.nan
                detail = f"kept: {len(gone)} item(s) unanswered ({', '.join(gone)})"
            planted.append({"respondent": frame.loc[row, id_col], "kind": kind, "detail": detail})
    honest_rows = [r for r in range(n) if frame.loc[r, id_col] not in {p["respondent"] for p in planted}]
    copies = []
    for k in range(int(counts.get("resubmission", 0))):
        source = frame.loc[honest_rows[int(rng.integers(len(honest_rows)))]].copy()
        new_id = f"R{n + k + 1:05d}"
        planted.append({"respondent": new_id, "kind": "resubmission",
                        "detail": f"identical answers to {source[id_col]}"})
        source[id_col] = new_id
        source[duration_col] = float(np.round(source[duration_col] * rng.uniform(0.8, 1.2)))
        copies.append(source)
    if copies:
        frame = pd.concat([frame, pd.DataFrame(copies)], ignore_index=True)
    return frame, planted


def _export_order(instrument: Instrument, frame: pd.DataFrame) -> list[str]:
    """Columns as a platform exports them: id, time, background questions, then the scale in page order."""
    order = [instrument.id_column or "resp_id", instrument.duration_column or "duration_s"]
    for question in instrument.questions:
        order += question.option_columns() if question.type == "multiple" else [question.id]
    after = {c.after: c.id for c in instrument.attention_checks if c.after}
    for item in instrument.item_ids:
        order.append(item)
        if item in after:
            order.append(after[item])
    order += [c.id for c in instrument.attention_checks if not c.after]
    return [c for c in order if c in frame.columns]
