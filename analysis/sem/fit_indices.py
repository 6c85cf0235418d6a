"""The complete fit table of a CB-SEM, every index as ``lavaan::fitMeasures()`` (lavaan 0.6) defines it.

Computed from Σ̂ and S (divisor N), never from an optimiser's own figures. Notation: χ² = N·F_ML,
χ²_b and df_b of the independence (baseline) model ``Σ_b = diag(S)``, p observed variables,
``nel = p(p+1)/2`` sample moments, q free parameters. References: Bentler & Bonett (1980) NFI;
Bollen (1986) RFI, (1989) IFI; Tucker & Lewis (1973) TLI; Bentler (1990) CFI; James, Mulaik &
Brett (1982) PNFI; Mulaik et al. (1989) PGFI; Jöreskog & Sörbom (1984) GFI/AGFI; Steiger (1990)
and Browne & Cudeck (1993) RMSEA with CI and PCLOSE; Bentler (1995) SRMR; Akaike (1987) AIC;
Schwarz (1978) BIC; Hu & Bentler (1999) cut-offs.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from analysis.sem.estimation import ModelFit


@dataclass(frozen=True)
class FitIndices:
    """lavaan's ``fitMeasures()`` names with ``_`` for ``.``; ``pclose`` is ``rmsea.pvalue``."""

    npar: int
    ntotal: int
    chisq: float
    df: int
    pvalue: float
    chisq_df: float
    baseline_chisq: float
    baseline_df: int
    cfi: float
    tli: float
    nfi: float
    rfi: float
    ifi: float
    pnfi: float
    pgfi: float
    rmsea: float
    rmsea_ci_lower: float
    rmsea_ci_upper: float
    pclose: float
    srmr: float
    rmr: float
    gfi: float
    agfi: float
    logl: float
    unrestricted_logl: float
    aic: float
    bic: float
    aic_amos: float


def chisq_pvalue(chisq: float, df: int) -> float:
    """P(χ²_df > χ²); lavaan ``fitMeasures(fit, "pvalue")``."""
    return float(stats.chi2.sf(chisq, df)) if df > 0 else float("nan")


def baseline_chisq(sample_cov: np.ndarray, n: int) -> tuple[float, int]:
    """χ² and df of the independence model: N·(Σ log s_ii − log|S|), p(p−1)/2.

    R: ``fitMeasures(fit, c("baseline.chisq", "baseline.df"))``.
    """
    p = sample_cov.shape[0]
    sign, logdet = np.linalg.slogdet(sample_cov)
    value = n * (np.log(np.diag(sample_cov)).sum() - logdet) if sign > 0 else float("nan")
    return float(value), p * (p - 1) // 2


def cfi(chisq: float, df: int, chisq_b: float, df_b: int) -> float:
    """CFI = 1 − max(χ² − df, 0) / max(χ² − df, χ²_b − df_b, 0) (1 when both are 0); lavaan ``cfi``."""
    t1 = max(chisq - df, 0.0)
    t2 = max(chisq - df, chisq_b - df_b, 0.0)
    return 1.0 if math.isclose(t1, 0.0, abs_tol=1e-12) and math.isclose(t2, 0.0, abs_tol=1e-12) else 1.0 - t1 / t2


def tli(chisq: float, df: int, chisq_b: float, df_b: int) -> float:
    """TLI (NNFI) = 1 − (χ² − df)·df_b / ((χ²_b − df_b)·df); lavaan ``tli`` (not truncated)."""
    t1 = (chisq - df) * df_b
    t2 = (chisq_b - df_b) * df
    return 1.0 - t1 / t2 if df > 0 and abs(t2) > 0 else 1.0


def nfi(chisq: float, df: int, chisq_b: float, df_b: int) -> float:
    """NFI = (χ²_b − χ²) / χ²_b; lavaan ``nfi``."""
    if df > df_b or chisq_b == 0:
        return float("nan")
    return (chisq_b - chisq) / chisq_b if df > 0 else 1.0


def rfi(chisq: float, df: int, chisq_b: float, df_b: int) -> float:
    """RFI = (χ²_b/df_b − χ²/df) / (χ²_b/df_b), 1 when negative; lavaan ``rfi``."""
    if df > df_b:
        return float("nan")
    if df > 0 and df_b > 0:
        t1, t2 = chisq_b / df_b - chisq / df, chisq_b / df_b
        return 1.0 if t1 < 0 or t2 < 0 else t1 / t2
    return 1.0


def ifi(chisq: float, df: int, chisq_b: float, df_b: int) -> float:
    """IFI = (χ²_b − χ²) / (χ²_b − df); lavaan ``ifi``."""
    t1, t2 = chisq_b - chisq, chisq_b - df
    if t2 < 0:
        return 1.0
    return float("nan") if t2 == 0 else t1 / t2


def pnfi(chisq: float, df: int, chisq_b: float, df_b: int) -> float:
    """PNFI = (df/df_b)·(χ²_b − χ²)/χ²_b; lavaan ``pnfi``."""
    return (df / df_b) * (chisq_b - chisq) / chisq_b if df_b > 0 and chisq_b > 0 else float("nan")


def rmsea(chisq: float, df: int, n: int) -> float:
    """RMSEA = √max(χ²/(N·df) − 1/N, 0), 0 when df = 0; lavaan ``rmsea`` (N, not N − 1)."""
    return math.sqrt(max(chisq / n / df - 1.0 / n, 0.0)) if df > 0 else 0.0


def rmsea_ci(chisq: float, df: int, n: int, level: float = 0.90) -> tuple[float, float]:
    """Steiger's CI: λ solving P(χ²_df(λ) ≤ χ²) = 1 − α/2 and α/2, RMSEA = √(λ/(N·df)); NaN where χ² is
    not a finite number or a bound cannot be solved for (never raises).

    R: ``fitMeasures(fit, c("rmsea.ci.lower", "rmsea.ci.upper"))`` (lavaan's ``lav_fit_rmsea_ci``).
    """
    if df < 1:
        return 0.0, 0.0
    if not (math.isfinite(chisq) and chisq >= 0 and n > 0):
        return float("nan"), float("nan")
    upper_p, lower_p = 1 - (1 - level) / 2, (1 - level) / 2

    def cdf(lam):
        return stats.chi2.cdf(chisq, df) if lam <= 0 else stats.ncx2.cdf(chisq, df, lam)

    def rmsea_at(p, upper_lambda):
        try:
            lam = optimize.brentq(lambda x: cdf(x) - p, 0.0, upper_lambda, xtol=1e-12)
        except ValueError:  # cdf not finite or no sign change: the bound is not computable
            return float("nan")
        return math.sqrt(lam / (n * df))

    lower = 0.0
    if cdf(0.0) - upper_p >= 0:
        lower = rmsea_at(upper_p, chisq)
    n_rmsea = max(n, 4 * chisq)
    upper = 0.0
    if not (cdf(n_rmsea) - lower_p > 0 or cdf(0.0) - lower_p < 0):
        upper = rmsea_at(lower_p, n_rmsea)
    return lower, upper


def pclose(chisq: float, df: int, n: int, h0: float = 0.05) -> float:
    """P(RMSEA ≤ .05): 1 − F_χ²(χ²; df, λ = N·df·.05²); lavaan ``rmsea.pvalue``."""
    return float(stats.ncx2.sf(chisq, df, n * df * h0 ** 2)) if df > 0 else float("nan")


def _lower(x: np.ndarray) -> np.ndarray:
    return x[np.tril_indices(x.shape[0])]


def srmr(sample_cov: np.ndarray, implied: np.ndarray) -> float:
    """SRMR (Bentler) = √mean_{i≤j}[(s_ij − σ̂_ij)/√(s_ii s_jj)]²; lavaan ``srmr`` (= ``srmr_bentler_nomean``)."""
    sd = np.sqrt(np.diag(sample_cov))
    return float(np.sqrt(np.mean(_lower((sample_cov - implied) / np.outer(sd, sd)) ** 2)))


def srmr_with_means(sample_cov: np.ndarray, sample_mean: np.ndarray, implied: np.ndarray, mean: np.ndarray) -> float:
    """Bentler's SRMR with a mean structure: √ of the mean over the p(p+1)/2 covariance residuals
    (s_ij − σ̂_ij)/√(s_ii s_jj) and the p mean residuals (x̄_i − μ̂_i)/√s_ii, squared (lavaan ``srmr``)."""
    sd = np.sqrt(np.diag(sample_cov))
    cov_res = _lower((sample_cov - implied) / np.outer(sd, sd))
    mean_res = (sample_mean - mean) / sd
    return float(np.sqrt((np.sum(cov_res ** 2) + np.sum(mean_res ** 2)) / (len(cov_res) + len(mean_res))))


def rmr(sample_cov: np.ndarray, implied: np.ndarray) -> float:
    """RMR = √mean_{i≤j}(s_ij − σ̂_ij)²; lavaan ``rmr``."""
    return float(np.sqrt(np.mean(_lower(sample_cov - implied) ** 2)))


def gfi(sample_cov: np.ndarray, implied: np.ndarray) -> float:
    """GFI = 1 − tr[(Σ̂⁻¹(S − Σ̂))²] / tr[(Σ̂⁻¹S)²] (Jöreskog & Sörbom; lavaan ``gfi`` for ML).

    NaN when Σ̂ is singular (then GFI is undefined; the estimator reports the inadmissible solution).
    """
    if np.linalg.slogdet(implied)[0] <= 0:
        return float("nan")
    p_inv = np.linalg.inv(implied)
    e = p_inv @ (sample_cov - implied)
    o = p_inv @ sample_cov
    return float(1.0 - np.trace(e @ e) / np.trace(o @ o))


def agfi(gfi_value: float, nel: int, df: int) -> float:
    """AGFI = 1 − (nel/df)(1 − GFI), nel = p(p+1)/2; lavaan ``agfi``."""
    return 1.0 - (nel / df) * (1.0 - gfi_value) if df > 0 else 1.0


def pgfi(gfi_value: float, nel: int, df: int) -> float:
    """PGFI = (df/nel)·GFI; lavaan ``pgfi``."""
    return df / nel * gfi_value


def loglik(sample_cov: np.ndarray, implied: np.ndarray, n: int) -> tuple[float, float]:
    """(logL of the model, logL of the saturated model): −N/2 [p log 2π + log|Σ| + tr(SΣ⁻¹)].

    R: ``fitMeasures(fit, c("logl", "unrestricted.logl"))``. Each is NaN when its matrix is not
    positive definite (the likelihood is undefined there).
    """
    p = sample_cov.shape[0]
    c = p * math.log(2 * math.pi)
    sign_s, logdet_s = np.linalg.slogdet(sample_cov)
    sign, logdet = np.linalg.slogdet(implied)
    saturated = -n / 2 * (c + logdet_s + p) if sign_s > 0 else float("nan")
    if sign <= 0:
        return float("nan"), saturated
    return -n / 2 * (c + logdet + np.trace(np.linalg.solve(implied, sample_cov))), saturated


def fit_indices(fit: ModelFit) -> FitIndices:
    """Every index of the fit table for an ML fit; R: ``lavaan::fitMeasures(fit)``.

    AIC = −2logL + 2q and BIC = −2logL + q·log N (lavaan); AMOS's AIC = χ² + 2q.
    """
    s, sigma, n, df, q = fit.sample_cov, fit.implied, fit.n, fit.df, fit.npar
    x2 = fit.chisq
    x2b, dfb = baseline_chisq(s, n)
    p = s.shape[0]
    nel = p * (p + 1) // 2
    g = gfi(s, sigma)
    lo, hi = rmsea_ci(x2, df, n)
    ll, ll_sat = loglik(s, sigma, n)
    return FitIndices(
        npar=q, ntotal=n, chisq=x2, df=df, pvalue=chisq_pvalue(x2, df),
        chisq_df=x2 / df if df > 0 else float("nan"), baseline_chisq=x2b, baseline_df=dfb,
        cfi=cfi(x2, df, x2b, dfb), tli=tli(x2, df, x2b, dfb), nfi=nfi(x2, df, x2b, dfb),
        rfi=rfi(x2, df, x2b, dfb), ifi=ifi(x2, df, x2b, dfb), pnfi=pnfi(x2, df, x2b, dfb),
        pgfi=pgfi(g, nel, df), rmsea=rmsea(x2, df, n), rmsea_ci_lower=lo, rmsea_ci_upper=hi,
        pclose=pclose(x2, df, n), srmr=srmr(s, sigma), rmr=rmr(s, sigma), gfi=g, agfi=agfi(g, nel, df),
        logl=ll, unrestricted_logl=ll_sat, aic=-2 * ll + 2 * q, bic=-2 * ll + q * math.log(n),
        aic_amos=x2 + 2 * q)


@dataclass(frozen=True)
class FitThreshold:
    """A cut-off theses cite: ``direction`` '>' or '<'; ``good`` is stricter than ``acceptable``."""

    index: str
    direction: str
    acceptable: float
    good: float
    reference: str


FIT_THRESHOLDS: tuple[FitThreshold, ...] = (
    FitThreshold("chisq_df", "<", 3.0, 2.0, "Kline (2016); Carmines & McIver (1981)"),
    FitThreshold("gfi", ">", 0.90, 0.95, "Jöreskog & Sörbom (1984)"),
    FitThreshold("agfi", ">", 0.90, 0.95, "Jöreskog & Sörbom (1984)"),
    FitThreshold("cfi", ">", 0.90, 0.95, "Hu & Bentler (1999)"),
    FitThreshold("tli", ">", 0.90, 0.95, "Hu & Bentler (1999)"),
    FitThreshold("nfi", ">", 0.90, 0.95, "Bentler & Bonett (1980)"),
    FitThreshold("rfi", ">", 0.90, 0.95, "Bollen (1986)"),
    FitThreshold("ifi", ">", 0.90, 0.95, "Bollen (1989)"),
    FitThreshold("pnfi", ">", 0.50, 0.50, "James, Mulaik & Brett (1982)"),
    FitThreshold("pgfi", ">", 0.50, 0.50, "Mulaik et al. (1989)"),
    FitThreshold("rmsea", "<", 0.08, 0.05, "Browne & Cudeck (1993); Hu & Bentler (1999)"),
    FitThreshold("pclose", ">", 0.05, 0.05, "Browne & Cudeck (1993)"),
    FitThreshold("srmr", "<", 0.08, 0.05, "Hu & Bentler (1999)"),
)


@dataclass(frozen=True)
class FitVerdict:
    """An index against its cut-offs: the thresholds stay numbers so the report can typeset them."""

    index: str
    value: float
    op: str  # ">" or "<": the side a fitting model is on
    acceptable: float
    good: float
    verdict: str  # "good" | "acceptable" | "poor" | "n/a"
    source: str

    def plain_form(self) -> dict:
        """The cut-offs grouped under ``threshold``."""
        return {"index": self.index, "value": self.value,
                "threshold": {"op": self.op, "acceptable": self.acceptable, "good": self.good},
                "verdict": self.verdict, "source": self.source}


def fit_verdicts(fit: FitIndices, converged: bool,
                 thresholds: tuple[FitThreshold, ...] = FIT_THRESHOLDS) -> list[FitVerdict]:
    """Each index against its cut-off: 'good' meets the strict one, 'acceptable' the usual one. The
    indices of a fit that did not converge are :data:`NOT_INTERPRETABLE` (lavaan prints no fit measures
    for a non-converged model)."""
    out = []
    for t in thresholds:
        value = float(getattr(fit, t.index))
        verdict = fit_verdict(value, t) if converged else NOT_INTERPRETABLE
        out.append(FitVerdict(t.index, value, t.direction, t.acceptable, t.good, verdict, t.reference))
    return out


def fit_verdict(value: float, threshold: FitThreshold) -> str:
    """'good' (meets the strict cut-off), 'acceptable' (the usual one), 'poor', or 'n/a' for NaN."""
    def meets(c):
        return value > c if threshold.direction == ">" else value < c

    if math.isnan(value):
        return "n/a"
    if meets(threshold.good):
        return "good"
    if meets(threshold.acceptable):
        return "acceptable"
    return "poor"


#: The verdicts of :func:`fit_verdict` that meet the cut-off.
PASSING_VERDICTS = ("good", "acceptable")
#: The verdict of every index of a fit that did not converge.
NOT_INTERPRETABLE = "not_interpretable"
