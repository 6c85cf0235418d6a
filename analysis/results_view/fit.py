"""The FIT block of ``cfa`` / ``sem`` and its verdicts (analysis.sem.fit_indices)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.results_view.reading import number, records, text
from analysis.sem.fit_indices import FIT_THRESHOLDS, PASSING_VERDICTS, fit_verdict

FIT_KEYS = ("chisq", "df", "pvalue", "chisq_df", "cfi", "tli", "nfi", "rfi", "ifi", "pnfi", "pgfi", "rmsea",
            "rmsea_ci_lower", "rmsea_ci_upper", "pclose", "srmr", "gfi", "agfi")
#: the scaled and robust indices of an MLM / MLR fit (analysis.sem.fit_indices.RobustIndices)
ROBUST_FIT_KEYS = ("chisq_scaled", "pvalue_scaled", "chisq_scaling_factor", "chisq_df_scaled", "cfi_robust",
                   "tli_robust", "rmsea_robust", "rmsea_ci_lower_robust", "rmsea_ci_upper_robust",
                   "rmsea_pvalue_robust")


@dataclass(frozen=True)
class FitCheck:
    """One fit index against its cut-off: ``op`` '>' or '<'; ``passed`` None when there is no verdict."""

    index: str
    op: str | None
    acceptable: float | None
    good: float | None
    verdict: str
    passed: bool


@dataclass(frozen=True)
class ModelFit:
    """The FIT block of ``cfa`` or ``sem`` (values as written) and its verdicts, by index; ``estimator`` and its
    scaled test (``satorra.bentler`` / ``yuan.bentler.mplus``) for a robust fit, else None."""

    values: dict[str, float | int | None]
    checks: dict[str, FitCheck]
    estimator: str | None = None
    test: str | None = None

    @property
    def robust(self) -> bool:
        return self.test is not None


_THRESHOLD_TEXT = re.compile(r"^\s*([<>])\s*(-?\d+(?:\.\d+)?)\s*(?:\(good\s*[<>]\s*(-?\d+(?:\.\d+)?)\s*\))?\s*$")


def _threshold(spec) -> tuple[str | None, float | None, float | None]:
    """(op, acceptable, good) of a verdict's ``threshold``: ``{op, acceptable, good}`` or its text form
    ``"> 0.9 (good > 0.95)"``."""
    if isinstance(spec, dict):
        return text(spec.get("op")), number(spec.get("acceptable")), number(spec.get("good"))
    match = _THRESHOLD_TEXT.match(spec) if isinstance(spec, str) else None
    if match is None:
        return None, None, None
    op, acceptable, good = match.groups()
    return op, float(acceptable), float(good) if good is not None else None


def read_fit(model: dict) -> ModelFit | None:
    values = model.get("fit")
    if not isinstance(values, dict):
        return None
    written = {v.get("index"): v for v in records(model.get("fit_verdicts")) if isinstance(v.get("index"), str)}
    checks = {}
    if written:
        for index, v in written.items():
            verdict = str(v.get("verdict")) if v.get("verdict") else None
            if verdict is None:
                continue
            checks[index] = FitCheck(index, *_threshold(v.get("threshold")), verdict, verdict in PASSING_VERDICTS)
    else:
        for t in FIT_THRESHOLDS:
            value = number(values.get(t.index))
            if value is not None:
                verdict = fit_verdict(float(value), t)
                checks[t.index] = FitCheck(t.index, t.direction, t.acceptable, t.good, verdict,
                                           verdict in PASSING_VERDICTS)
    return ModelFit({k: number(values.get(k)) for k in FIT_KEYS + ROBUST_FIT_KEYS}, checks,
                    text(model.get("estimator")), text(values.get("test")))
