"""Chapters 3.4–3.5: the model-fit table (CFA and SEM against the cut-offs analysis applied), the structural
paths and hypothesis verdicts, R² and f², and the bootstrap mediation tests.
"""
from __future__ import annotations

from analysis.results_view import FitCheck, ModelFit
from analysis.sem.effects import BORDERLINE_MARGIN, F2_LARGE, F2_MEDIUM, F2_SMALL
from analysis.sem.fit_indices import FIT_THRESHOLDS, NOT_INTERPRETABLE, ROBUST_READING
from reports import typeset as ts
from reports.context.base import BuilderBase
from reports.tables import cell, text_cell

FIT_NAMES = {"chisq_df": "χ²/df", "cfi": "CFI", "tli": "TLI", "ifi": "IFI", "nfi": "NFI", "rfi": "RFI", "gfi": "GFI",
             "agfi": "AGFI", "pnfi": "PNFI", "pgfi": "PGFI", "rmsea": "RMSEA", "pclose": "PCLOSE", "srmr": "SRMR"}
#: the index a robust fit is judged on → the ML index it stands for (named "<index> (robust)" / "(scaled)")
ROBUST_BASE = {robust: base for base, robust in ROBUST_READING.items()}


class StructuralSections(BuilderBase):
    """Fit, SEM and mediation sections."""

    # ------------------------------------------------------------------ fit table
    def threshold_text(self, check: FitCheck, fmt) -> str:
        """The cut-off of a fit verdict, typeset: ``> .90（良好 > .95）`` / ``> .90 (good > .95)``."""
        if check.op not in (">", "<") or check.acceptable is None:
            return ts.DASH
        good = fmt(check.good) if check.good is not None and check.good != check.acceptable else None
        return self.say("threshold", sign=check.op, acceptable=fmt(check.acceptable), good=good)

    def index_name(self, key: str) -> str:
        """CFI, or "CFI (robust)" / "χ²/df (scaled)" for the index a robust fit is judged on."""
        if key in ROBUST_BASE:
            return FIT_NAMES[ROBUST_BASE[key]] + self.t("scaled_suffix" if "scaled" in key else "robust_suffix")
        return FIT_NAMES[key]

    def fit(self) -> list[str]:
        """The fit table and sentences; returns the fit indices that miss their cut-off and the models that
        did not converge, as phrases."""
        t = self.t
        fits: dict[str, ModelFit | None] = {"cfa": self.view.cfa and self.view.cfa.fit,
                                            "sem": self.view.sem and self.view.sem.fit}
        checks = {m: fits[m].checks if fits[m] else {} for m in fits}
        words = {"good": t("good"), "acceptable": t("acceptable"), "poor": t("poor"),
                 NOT_INTERPRETABLE: t("not_interpretable")}
        indices = ([k for k in (list(checks["cfa"]) or list(checks["sem"])) if k in FIT_NAMES or k in ROBUST_BASE]
                   or [th.index for th in FIT_THRESHOLDS if th.index in FIT_NAMES])
        rows = []
        failures: list[str] = []
        for key in indices:
            ratio = key.startswith("chisq_df")
            fmt = (lambda v: ts.num(v, 2)) if ratio else (lambda v: ts.bounded(v, 3))
            thr_fmt = (lambda v: f"{v:g}") if ratio else (lambda v: ts.bounded(v, 2))
            given = checks["cfa"].get(key) or checks["sem"].get(key)
            row = [text_cell(self.index_name(key)),
                   text_cell(self.threshold_text(given, thr_fmt) if given else ts.DASH)]
            for model in ("cfa", "sem"):
                v = fits[model].values.get(key) if fits[model] else None
                check = checks[model].get(key)
                row += [cell(fmt(v), v), text_cell(words.get(check.verdict, check.verdict) if check else ts.DASH)]
                if check and not check.passed and check.verdict != NOT_INTERPRETABLE:
                    failures.append(self.say("fit_failure", model=model.upper(), index=self.index_name(key),
                                             value=fmt(v)))
            rows.append(row)
        chi_rows = [("χ²(df)", "chisq", "pvalue")]
        if any(f and f.robust for f in fits.values()):
            chi_rows.append((t("scaled_chisq"), "chisq_scaled", "pvalue_scaled"))
        for position, (label, chisq, pvalue) in enumerate(chi_rows):
            chi_row = [text_cell(label), text_cell(ts.DASH)]
            for model in ("cfa", "sem"):
                f = fits[model].values if fits[model] else {}
                chi_row += [cell(ts.chisq(f.get(chisq), f.get("df")), f.get(chisq)),
                            text_cell(ts.p_text(f.get(pvalue)))]
            rows.insert(position, chi_row)
        have = any(fits.values())
        robust = next((f for f in fits.values() if f and f.robust), None)
        notes = [self.say("fit_note")] + ([self.say("fit_note_robust", estimator=robust.estimator, test=robust.test)]
                                          if robust else [])
        self.add_table("fit", t("model_fit"),
                       [t("index"), t("threshold"), t("cfa"), t("verdict"),
                        t("sem"), t("verdict")], rows if have else [],
                       notes=notes, missing=None if have else self.missing_reason("cfa.fit / sem.fit"))
        s = {}
        for model in ("cfa", "sem"):
            if fits[model]:
                s[model] = self.fit_sentence(model, fits[model])
            else:
                s[model] = ts.not_computed(self.missing_reason(f"{model}.fit"), self.lang)
        s = self.with_estimator_choice(s)
        not_converged = [m.upper() for m in ("cfa", "sem")
                         if any(c.verdict == NOT_INTERPRETABLE for c in checks[m].values())]
        s["verdict"] = self.say("fit_verdict", failures=failures, not_converged=not_converged)
        self.v["fit"] = s
        return failures + [self.say("fit_not_converged", model=m) for m in not_converged]

    def fit_sentence(self, model: str, fit: ModelFit) -> str:
        """The fit in one sentence: ML indices, or for a robust fit the scaled χ² and the robust indices."""
        f = fit.values
        if not fit.robust:
            return self.say("fit_model", model=model, ref=self.ref("fit"), f={
                "chisq": ts.chisq(f["chisq"], f["df"]), "chisq_df": ts.num(f["chisq_df"]), "cfi": ts.bounded(f["cfi"]),
                "tli": ts.bounded(f["tli"]), "rmsea": ts.bounded(f["rmsea"]),
                "rmsea_ci": ts.ci(f["rmsea_ci_lower"], f["rmsea_ci_upper"]), "srmr": ts.bounded(f["srmr"])})
        return self.say("fit_model_robust", model=model, ref=self.ref("fit"), estimator=fit.estimator, test=fit.test,
                        f={"chisq": ts.chisq(f["chisq_scaled"], f["df"]), "p": ts.p_text(f["pvalue_scaled"]),
                           "c": ts.num(f["chisq_scaling_factor"], 3), "chisq_df": ts.num(f["chisq_df_scaled"]),
                           "cfi": ts.bounded(f["cfi_robust"]), "tli": ts.bounded(f["tli_robust"]),
                           "rmsea": ts.bounded(f["rmsea_robust"]),
                           "rmsea_ci": ts.ci(f["rmsea_ci_lower_robust"], f["rmsea_ci_upper_robust"]),
                           "srmr": ts.bounded(f["srmr"])})

    def with_estimator_choice(self, s: dict) -> dict:
        """The estimator and why (unless plain ML by default) before the first fit sentence, and the Bollen–Stine
        p after the structural model's."""
        choice = self.view.estimator
        if choice and choice.reason != "default":
            first = "cfa" if self.view.cfa and self.view.cfa.fit else "sem"
            s[first] = self.say("estimator_choice", estimator=choice.estimator, reason=choice.reason) + s[first]
        exact = self.view.sem and self.view.sem.bollen_stine
        if exact:
            s["sem"] += self.say("bollen_stine", p=ts.p_text(exact.pvalue), B=ts.integer(exact.B))
        return s

    # ------------------------------------------------------------------ chapter 3.5: SEM
    def sem(self) -> None:
        t = self.t
        sem = self.view.sem
        s = {}
        paths = sem.paths if sem else ()
        rows = []
        for p in paths:
            rows.append([cell(p.hypothesis or ""), text_cell(f"{self.name(p.rhs)} → {self.name(p.lhs)}"),
                         cell(ts.num(p.est, 3), p.est), cell(ts.num(p.se, 3), p.se),
                         cell(ts.num(p.z, 2), p.z), text_cell(ts.p_value(p.pvalue)),
                         cell(ts.coef(p.std_all, p.pvalue), p.std_all),
                         text_cell(ts.DASH if p.supported is None else
                                   (t("supported") if p.supported else t("not_supported")))])
        self.add_table("paths", t("structural_paths_and_hypothesis_tests"),
                       [t("hypothesis"), t("path"), t("unstandardized_estimate"), "SE", "z", "p",
                        "β", t("conclusion")], rows, notes=[ts.stars_legend(self.lang)],
                       missing=None if rows else self.missing_reason("sem.paths"))
        if paths:
            s["paths"] = self.say("sem_paths", supported=sem.supported, rejected=sem.rejected,
                                  ref_paths=self.ref("paths"), ref_diagram=self.ref("path_diagram"))
        else:
            s["paths"] = ts.not_computed(self.missing_reason("sem.paths"), self.lang)
        if sem and sem.converged is False:
            s["paths"] += self.say("sem_not_converged")
        r2 = sem.r2 if sem else {}
        sizes = {"large": t("large"), "medium": t("medium"), "small": t("small"),
                 "negligible": t("negligible")}
        inadmissible = sem.r2_not_interpretable if sem else []
        rows = []
        for lhs in r2:
            if lhs in inadmissible:
                rows.append([text_cell(self.name_id(lhs)), cell(""), text_cell(t("not_interpretable")), cell("")])
                rows += [[cell(""), text_cell(self.name(e.rhs)), text_cell(t("not_interpretable")), text_cell(ts.DASH)]
                         for e in sem.f2_of(lhs)]
                continue
            rows.append([text_cell(self.name_id(lhs)), cell(""), cell(ts.bounded(r2[lhs]), r2[lhs]), cell("")])
            for e in sem.f2_of(lhs):
                rows.append([cell(""), text_cell(self.name(e.rhs)), cell(ts.num(e.f2, 3), e.f2),
                             text_cell(sizes[e.size] if e.size else ts.DASH)])
        self.add_table("r2_f2", t("r2_f2_caption"),
                       [t("endogenous"), t("predictor"), "R² / f²", t("size")], rows,
                       notes=[self.say("f2_note", small=ts.bounded(F2_SMALL, 2), medium=ts.bounded(F2_MEDIUM, 2),
                                       large=ts.bounded(F2_LARGE, 2))],
                       missing=None if rows else self.missing_reason("sem.r2"))
        if r2:
            s["r2"] = self.say("r2", explained=[(self.name(k), ts.bounded(v)) for k, v in r2.items()
                                                if k not in inadmissible],
                               not_interpretable=[self.name(k) for k in inadmissible], ref=self.ref("r2_f2"))
        else:
            s["r2"] = ts.not_computed(self.missing_reason("sem.r2"), self.lang)
        rows = []
        for i in sem.indirect if sem else ():
            rows.append([cell(i.hypothesis or ""), text_cell(self.chain_name(i)),
                         cell(ts.num(i.est, 3), i.est), cell(ts.bounded(i.std_all), i.std_all),
                         text_cell(ts.ci(i.ci_lower, i.ci_upper, 3, False)),
                         text_cell(t("significant") if i.significant else t("not_significant")),
                         text_cell(self.mediation_name(i))])
        b_count = ts.integer((sem and sem.bootstrap.B) or self.view.meta.bootstrap)
        self.add_table("mediation", t("mediation_bootstrap"),
                       [t("hypothesis"), t("path"), t("indirect_effect"), t("standardized"),
                        "95% CI", t("conclusion"), t("mediation_type")], rows,
                       notes=[self.say("mediation_note", B=b_count)],
                       missing=None if rows else self.missing_reason("sem.indirect"))
        if rows:
            failed = sem.bootstrap.failed
            s["mediation"] = self.say("mediation", B=b_count, ref=self.ref("mediation"),
                                      significant=self.significant_mediation(),
                                      failed=ts.integer(failed) if failed is not None and failed > 0 else None)
            s["mediation"] += self.borderline_mediation()
        else:
            s["mediation"] = ts.not_computed(self.missing_reason("sem.indirect"), self.lang)
        self.v["sem"] = s

    def borderline_mediation(self) -> str:
        """The sentence on the indirect effects analysis found borderline (empty without any)."""
        effects = [{"chain": self.chain_name(i), "ci": ts.ci(i.ci_lower, i.ci_upper, 3, False),
                    "ci_bc": ts.ci(i.ci_lower_bc, i.ci_upper_bc, 3, False), "near_zero": "bound_near_zero" in i.borderline, "disagree": "intervals_disagree" in i.borderline}
                   for i in self.view.sem.indirect if i.borderline]
        return self.say("mediation_borderline", effects=effects, margin=ts.bounded(BORDERLINE_MARGIN, 2)) if effects else ""

    def chain_name(self, effect) -> str:
        """``Product quality → Customer satisfaction → Customer loyalty``."""
        return " → ".join(self.name(x) for x in effect.chain)

    def mediation_name(self, effect) -> str:
        """完全中介 / partial mediation …: the type analysis gave the indirect effect (Zhao et al. 2010)."""
        return self.say.data("mediation_types").get(effect.mediation or "", ts.DASH)

    def significant_mediation(self) -> list[dict]:
        """The chains whose indirect effect analysis found significant, with their mediation type."""
        return [{"chain": self.chain_name(i), "type": self.mediation_name(i)}
                for i in self.view.sem.indirect if i.significant] if self.view.sem else []
