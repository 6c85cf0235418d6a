"""The complete fit table of a CB-SEM, every index as ``lavaan::fitMeasures()`` (lavaan 0.6) defines it.

Computed from Σ̂ and S (divisor N), never from an optimiser's own figures. Notation: χ² = N·F_ML,
χ²_b and df_b of the independence (baseline) model ``Σ_b = diag(S)``, p observed variables,
``nel = p(p+1)/2`` sample moments, q free parameters. References: Bentler & Bonett (1980) NFI;
Bollen (1986) RFI, (1989) IFI; Tucker & Lewis (1973) TLI; Bentler (1990) CFI; James, Mulaik &
Brett (1982) PNFI; Mulaik et al. (1989) PGFI; Jöreskog & Sörbom (1984) GFI/AGFI; Steiger (1990)
and Browne & Cudeck (1993) RMSEA with CI and PCLOSE; Bentler (1995) SRMR; Akaike (1987) AIC;
Schwarz (1978) BIC; Hu & Bentler (1999) cut-offs.

Robust ML (MLM, MLR; :mod:`~analysis.sem.robust`) adds lavaan's scaled indices (χ²/c with c the
model's and c_b the baseline's scaling factor; RMSEA with df = tr(UΓ)) and robust ones
(Brosseau-Liard, Savalei & Li 2012; Brosseau-Liard & Savalei 2014): χ² − c·df in place of χ² − df in
CFI and TLI, and RMSEA = √max(χ²/(N·df) − c/N, 0) (lavaan ``R/lav_fit_cfi.R``, ``R/lav_fit_rmsea.R``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special, stats

from analysis.results import plain_fields
from analysis.sem.estimation import ModelFit
from analysis.sem.robust import RobustML, ScaledTest
from analysis.sem.patterns import pairwise_moments, pattern_inverses
from analysis.sem.saturated import independence_moments


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
    robust: RobustIndices | None = None

    def plain_form(self) -> dict:
        """The fields, the scaled and robust indices (MLM / MLR only) inline after ``aic_amos``."""
        return {**plain_fields(self, without=("robust",)), **(plain_fields(self.robust) if self.robust else {})}


@dataclass(frozen=True)
class RobustIndices:
    """lavaan's scaled and robust ``fitMeasures()`` of an MLM / MLR fit (``.`` written ``_``);
    ``chisq_df_scaled`` is χ²_scaled/df (AMOS-style χ²/df of the scaled test)."""

    estimator: str
    test: str
    chisq_scaled: float
    df_scaled: int
    pvalue_scaled: float
    chisq_scaling_factor: float
    chisq_df_scaled: float
    baseline_chisq_scaled: float
    baseline_df_scaled: int
    baseline_pvalue_scaled: float
    baseline_chisq_scaling_factor: float
    cfi_scaled: float
    tli_scaled: float
    cfi_robust: float
    tli_robust: float
    rmsea_scaled: float
    rmsea_ci_lower_scaled: float
    rmsea_ci_upper_scaled: float
    rmsea_pvalue_scaled: float
    rmsea_robust: float
    rmsea_ci_lower_robust: float
    rmsea_ci_upper_robust: float
    rmsea_pvalue_robust: float


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


def cfi(chisq: float, df: int, chisq_b: float, df_b: int, c_hat: float = 1.0, c_hat_b: float = 1.0) -> float:
    """CFI = 1 − max(χ² − df, 0) / max(χ² − df, χ²_b − df_b, 0) (1 when both are 0); lavaan ``cfi``.

    With scaling factors c, c_b (robust CFI, lavaan ``cfi.robust``): χ² − c·df and χ²_b − c_b·df_b."""
    t1 = max(chisq - c_hat * df, 0.0)
    t2 = max(chisq - c_hat * df, chisq_b - c_hat_b * df_b, 0.0)
    return 1.0 if math.isclose(t1, 0.0, abs_tol=1e-12) and math.isclose(t2, 0.0, abs_tol=1e-12) else 1.0 - t1 / t2


def tli(chisq: float, df: int, chisq_b: float, df_b: int, c_hat: float = 1.0, c_hat_b: float = 1.0) -> float:
    """TLI (NNFI) = 1 − (χ² − df)·df_b / ((χ²_b − df_b)·df); lavaan ``tli`` (not truncated).

    With scaling factors c, c_b (robust TLI, lavaan ``tli.robust``): χ² − c·df and χ²_b − c_b·df_b."""
    t1 = (chisq - c_hat * df) * df_b
    t2 = (chisq_b - c_hat_b * df_b) * df
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


def rmsea(chisq: float, df: float, n: int, c_hat: float = 1.0) -> float:
    """RMSEA = √max(χ²/(N·df) − c/N, 0), 0 when df = 0; lavaan ``rmsea`` (N, not N − 1; c = 1, or the
    scaling factor for ``rmsea.robust``)."""
    return math.sqrt(max(chisq / n / df - c_hat / n, 0.0)) if df > 0 else 0.0


def rmsea_ci(chisq: float, df: float, n: int, level: float = 0.90, c_hat: float = 1.0) -> tuple[float, float]:
    """Steiger's CI: λ solving P(χ²_df(λ) ≤ χ²) = 1 − α/2 and α/2, RMSEA = √(c·λ/(N·df)); NaN where χ² is
    not a finite number or a bound cannot be solved for (never raises). c = 1, or the scaling factor
    (``rmsea.ci.lower.robust`` from the scaled χ²).

    R: ``fitMeasures(fit, c("rmsea.ci.lower", "rmsea.ci.upper"))`` (lavaan's ``lav_fit_rmsea_ci``).
    """
    if df < 1:
        return 0.0, 0.0
    if not (math.isfinite(chisq) and chisq >= 0 and n > 0):
        return float("nan"), float("nan")
    upper_p, lower_p = 1 - (1 - level) / 2, (1 - level) / 2

    def cdf(lam):  # scipy.stats' chi2.cdf and ncx2.cdf without their argument checks, called ~20 times
        return special.chdtr(df, chisq) if lam <= 0 else special.chndtr(chisq, df, lam)

    def rmsea_at(p, upper_lambda):
        try:
            lam = optimize.brentq(lambda x: cdf(x) - p, 0.0, upper_lambda, xtol=1e-12)
        except ValueError:  # cdf not finite or no sign change: the bound is not computable
            return float("nan")
        return math.sqrt(c_hat * lam / (n * df))

    lower = 0.0
    if cdf(0.0) - upper_p >= 0:
        lower = rmsea_at(upper_p, chisq)
    n_rmsea = max(n, 4 * chisq)
    upper = 0.0
    if not (cdf(n_rmsea) - lower_p > 0 or cdf(0.0) - lower_p < 0):
        upper = rmsea_at(lower_p, n_rmsea)
    return lower, upper


def pclose(chisq: float, df: float, n: int, h0: float = 0.05, c_hat: float = 1.0) -> float:
    """P(RMSEA ≤ .05): 1 − F_χ²(χ²; df, λ = N·df·.05²/c); lavaan ``rmsea.pvalue`` (c = 1, or the scaling
    factor for ``rmsea.pvalue.robust``)."""
    return float(stats.ncx2.sf(chisq, df, n * df * h0 ** 2 / c_hat)) if df > 0 else float("nan")


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


def rmr_with_means(sample_cov: np.ndarray, sample_mean: np.ndarray, implied: np.ndarray, mean: np.ndarray) -> float:
    """RMR with a mean structure: √ of the mean over the p(p+1)/2 residuals s_ij − σ̂_ij and the p residuals
    x̄_i − μ̂_i, squared (lavaan ``rmr``)."""
    residuals = np.concatenate([_lower(sample_cov - implied), sample_mean - mean])
    return float(np.sqrt(np.mean(residuals ** 2)))


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


def robust_indices(estimator: str, test: ScaledTest, baseline: ScaledTest, n: int) -> RobustIndices:
    """The scaled and robust indices from the model's and the baseline's scaled tests (see the module);
    R: ``fitMeasures(fit)`` of ``sem(model, data, estimator = "MLM" | "MLR")``. As lavaan: the scaled RMSEA
    is NaN when df = 0 or tr(UΓ) is not a positive number, the robust CFI and TLI when a scaling factor is."""
    x2, df, c = test.chisq, test.df, test.scaling_factor
    x2s, x2b, dfb, cb = test.chisq_scaled, baseline.chisq, baseline.df, baseline.scaling_factor
    x2bs = baseline.chisq_scaled
    nan = float("nan")
    if df > 0 and math.isfinite(test.trace) and test.trace > 0:
        rmsea_s, (lo_s, hi_s), p_s = rmsea(x2, test.trace, n), rmsea_ci(x2, test.trace, n), pclose(x2, test.trace, n)
    else:
        rmsea_s = lo_s = hi_s = p_s = nan
    both_scaled = math.isfinite(c) and math.isfinite(cb)
    lo_r, hi_r = rmsea_ci(x2s, df, n, c_hat=c)
    return RobustIndices(
        estimator=estimator, test=test.test, chisq_scaled=x2s, df_scaled=df, pvalue_scaled=test.pvalue_scaled,
        chisq_scaling_factor=c, chisq_df_scaled=x2s / df if df > 0 else float("nan"),
        baseline_chisq_scaled=x2bs, baseline_df_scaled=dfb, baseline_pvalue_scaled=baseline.pvalue_scaled,
        baseline_chisq_scaling_factor=cb, cfi_scaled=cfi(x2s, df, x2bs, dfb), tli_scaled=tli(x2s, df, x2bs, dfb),
        cfi_robust=cfi(x2, df, x2b, dfb, c, cb) if both_scaled else nan,
        tli_robust=tli(x2, df, x2b, dfb, c, cb) if both_scaled else nan,
        rmsea_scaled=rmsea_s, rmsea_ci_lower_scaled=lo_s, rmsea_ci_upper_scaled=hi_s, rmsea_pvalue_scaled=p_s,
        rmsea_robust=rmsea(x2, df, n, c_hat=c),
        rmsea_ci_lower_robust=lo_r, rmsea_ci_upper_robust=hi_r, rmsea_pvalue_robust=pclose(x2s, df, n, c_hat=c))


def fit_indices(fit: ModelFit, robust: RobustML | None = None) -> FitIndices:
    """Every index of the fit table for an ML fit; R: ``lavaan::fitMeasures(fit)``; with the robust
    part of an MLM / MLR fit also the scaled and robust indices (:func:`robust_indices`).

    AIC = −2logL + 2q and BIC = −2logL + q·log N (lavaan); AMOS's AIC = χ² + 2q.
    """
    if fit.missing == "fiml":
        return fiml_fit_indices(fit)
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
        aic_amos=x2 + 2 * q,
        robust=None if robust is None else robust_indices(robust.estimator, robust.test,
                                                          robust.baseline_test(x2b, dfb), n))


def gfi_fiml(fit: ModelFit) -> float:
    """GFI of a FIML fit as lavaan computes it for ``missing = "ml"``: 1 − eᵀWe / oᵀWo with o = (x̄, vech S) the
    available-case moments (item means over the observed values; S the pairwise covariance × (N − 1)/N),
    e = o − (μ̂, vech Σ̂), and W the expected information of the saturated model at (μ̂, Σ̂) summed over the
    patterns, Σ_k (n_k/N)·diag(P_k, ½Dᵀ(P_k ⊗ P_k)D) (P_k = Σ̂_k⁻¹, 0 outside o_k); so
    eᵀWe = Σ_k (n_k/N)[d_μᵀP_k d_μ + ½ tr(P_k E P_k E)] (lavaan ``lav_fit_gfi`` with ``lavTech(fit, "wls.v")``).
    NaN when Σ̂ is not positive definite or two items were never answered together by two respondents."""
    patterns = fit.patterns
    mean, cov, _ = pairwise_moments(patterns)
    cov = cov * (patterns.n - 1) / patterns.n
    inverse, _, ok = pattern_inverses(patterns, fit.implied)
    if not ok or not np.isfinite(cov).all():
        return float("nan")
    weights = patterns.counts / patterns.n

    def weighted_norm(d: np.ndarray, e: np.ndarray) -> float:
        pe = inverse @ e
        return float(weights @ (np.einsum("i,kij,j->k", d, inverse, d) + 0.5 * np.einsum("kij,kji->k", pe, pe)))

    return 1.0 - weighted_norm(mean - fit.implied_mean, cov - fit.implied) / weighted_norm(mean, cov)


def fiml_fit_indices(fit: ModelFit) -> FitIndices:
    """The fit table of a FIML fit as lavaan's ``fitMeasures()`` for ``missing = "ml"``.

    χ² = 2(logL₁ − logL), χ²_b = 2(logL₁ − logL_b) with the EM unrestricted model (logL₁) and the
    independence model with free means and variances (logL_b, :mod:`~analysis.sem.saturated`), df_b = p(p−1)/2;
    CFI, TLI, NFI, RFI, IFI, PNFI, RMSEA (N = all rows used) from them as for complete data; SRMR and RMR
    with the mean residuals, against the EM moments; AIC and BIC from logL with q counting the intercepts.
    GFI as :func:`gfi_fiml`, AGFI and PGFI from it with nel = p(p+1)/2 + p.
    """
    s, mean, sigma, mu = fit.h1.cov, fit.h1.mean, fit.implied, fit.implied_mean
    n, df, q, x2 = fit.n, fit.df, fit.npar, fit.chisq
    x2b = 2.0 * (fit.h1.logl - independence_moments(fit.patterns).logl)
    p = len(mean)
    dfb = p * (p - 1) // 2
    lo, hi = rmsea_ci(x2, df, n)
    ll = fit.h1.logl - x2 / 2.0
    nan = float("nan")
    g, nel = gfi_fiml(fit), p * (p + 1) // 2 + p
    return FitIndices(
        npar=q, ntotal=n, chisq=x2, df=df, pvalue=chisq_pvalue(x2, df),
        chisq_df=x2 / df if df > 0 else nan, baseline_chisq=x2b, baseline_df=dfb,
        cfi=cfi(x2, df, x2b, dfb), tli=tli(x2, df, x2b, dfb), nfi=nfi(x2, df, x2b, dfb),
        rfi=rfi(x2, df, x2b, dfb), ifi=ifi(x2, df, x2b, dfb), pnfi=pnfi(x2, df, x2b, dfb),
        pgfi=pgfi(g, nel, df), rmsea=rmsea(x2, df, n), rmsea_ci_lower=lo, rmsea_ci_upper=hi,
        pclose=pclose(x2, df, n), srmr=srmr_with_means(s, mean, sigma, mu), rmr=rmr_with_means(s, mean, sigma, mu),
        gfi=g, agfi=agfi(g, nel, df), logl=ll, unrestricted_logl=fit.h1.logl, aic=-2 * ll + 2 * q,
        bic=-2 * ll + q * math.log(n),
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


#: The index a robust (MLM / MLR) fit's verdict reads in place of the ML one: the scaled χ²/df and the robust
#: CFI, TLI, RMSEA and its close-fit p, which estimate the population index under non-normality
#: (Brosseau-Liard, Savalei & Li 2012; Brosseau-Liard & Savalei 2014); the rest have no robust version.
ROBUST_READING = {"chisq_df": "chisq_df_scaled", "cfi": "cfi_robust", "tli": "tli_robust", "rmsea": "rmsea_robust",
                  "pclose": "rmsea_pvalue_robust"}


def fit_verdicts(fit: FitIndices, converged: bool,
                 thresholds: tuple[FitThreshold, ...] = FIT_THRESHOLDS) -> list[FitVerdict]:
    """Each index against its cut-off: 'good' meets the strict one, 'acceptable' the usual one; a robust fit
    is judged on the indices of :data:`ROBUST_READING`. The indices of a fit that did not converge are
    :data:`NOT_INTERPRETABLE` (lavaan prints no fit measures for a non-converged model)."""
    out = []
    for t in thresholds:
        index = ROBUST_READING.get(t.index, t.index) if fit.robust is not None else t.index
        value = float(getattr(fit.robust if index != t.index else fit, index))
        verdict = fit_verdict(value, t) if converged else NOT_INTERPRETABLE
        out.append(FitVerdict(index, value, t.direction, t.acceptable, t.good, verdict, t.reference))
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
