"""Chapter 3.4: measurement quality — reliability, factorability and EFA, common-method bias, CFA loadings,
convergent and discriminant validity — each compared with its published cut-off (the rules live in analysis).
"""
from __future__ import annotations

from analysis.psychometrics.efa import LOADING_CUTOFF
from analysis.psychometrics.factorability import KMO_MIN
from analysis.psychometrics.reliability import ALPHA_MIN
from analysis.psychometrics.validity import AVE_MIN, CR_MIN, HTMT_STRICT, LOADING_MIN
from analysis.results_view import Flag
from reports import typeset as ts
from reports.context.base import BuilderBase, plain
from reports.tables import cell, text_cell


class PsychometricSections(BuilderBase):
    """Chapter 3.4 sections."""

    def flag_text(self, flag: Flag) -> str:
        """A check flagged by analysis, as a phrase."""
        return self.say("reliability_flag", code=plain(flag.code), item=plain(flag.item),
                        value=ts.bounded(flag.value) if flag.value is not None else ts.DASH,
                        has_value=flag.value is not None)

    # ------------------------------------------------------------------ chapter 3.4: reliability
    def reliability(self) -> list[str]:
        """The reliability table and sentence; returns the reliability checks missed, as phrases."""
        t, say, view = self.t, self.say, self.view
        rel = view.reliability or {}
        rows, item_rows, weak, failures = [], [], [], []
        for c in self.constructs:
            d = rel.get(c)
            if d is None:
                continue
            rows.append([text_cell(self.name_id(c)), cell(ts.integer(d.n_items), d.n_items),
                         cell(ts.bounded(d.alpha), d.alpha), text_cell(ts.ci(*d.alpha_ci)),
                         cell(ts.bounded(d.omega), d.omega), cell(ts.bounded(view.validity.cr[c]), view.validity.cr[c]),
                         cell(ts.bounded(view.validity.ave[c]), view.validity.ave[c])])
            if d.low_alpha:
                weak.append(c)
                failures.append(say("reliability_low_alpha", construct=self.name(c), alpha=ts.bounded(d.alpha)))
            for k, it in enumerate(d.items):
                item_rows.append([cell(self.name(c) if k == 0 else ""), text_cell(it.item),
                                  cell(ts.bounded(it.citc), it.citc),
                                  cell(ts.bounded(it.alpha_if_deleted), it.alpha_if_deleted),
                                  cell(ts.bounded(d.alpha), d.alpha)])
            failures += [say("construct_finding", construct=self.name(c), finding=self.flag_text(flag))
                         for flag in d.flags if not (flag.code == "low_alpha" and d.low_alpha)]
        self.add_table("reliability", t("reliability"),
                       [t("construct"), t("items"), "Cronbach's α", "95% CI", "McDonald's ω", "CR", "AVE"],
                       rows, notes=[say("reliability_note", alpha=ts.bounded(ALPHA_MIN, 2), ave=ts.bounded(AVE_MIN, 2))],
                       missing=None if rows else self.missing_reason("reliability"))
        self.add_table("item_reliability", t("corrected_item_total_correlations"),
                       [t("construct"), t("item"), "CITC", t("if_deleted"), "α"],
                       item_rows, missing=None if item_rows else self.missing_reason("reliability.items"))
        alphas = self.alpha_range()
        if alphas:
            text = say("reliability", ref_table=self.ref("reliability"), ref_items=self.ref("item_reliability"),
                       low=ts.bounded(alphas[0]), high=ts.bounded(alphas[1]), cutoff=ts.bounded(ALPHA_MIN, 2),
                       weak=ts.join([self.name(c) for c in weak], self.lang) if weak else "")
        else:
            text = ts.not_computed(self.missing_reason("reliability"), self.lang)
        self.v["reliability"] = {"text": text}
        return failures

    def alpha_range(self) -> tuple[float, float] | None:
        """The lowest and the highest Cronbach's α of the constructs."""
        rel = self.view.reliability or {}
        alphas = [rel[c].alpha for c in self.constructs if c in rel and rel[c].alpha is not None]
        return (min(alphas), max(alphas)) if alphas else None

    # ------------------------------------------------------------------ chapter 3.4: factorability + EFA
    def efa(self) -> None:
        t, say = self.t, self.say
        s = {}
        fac = self.view.factorability
        if fac:
            s["factorability"] = say("factorability", kmo=ts.bounded(fac.kmo), adequate=fac.kmo_adequate,
                                     minimum=ts.bounded(KMO_MIN, 2), chisq=ts.chisq(fac.chisq, fac.df),
                                     p=ts.p_text(fac.pvalue), suitable=fac.suitable)
        else:
            s["factorability"] = ts.not_computed(self.missing_reason("factorability"), self.lang)
        cm = self.view.common_method
        if cm:
            s["cmb"] = say("common_method", share=ts.percent(cm.harman_pct), concern=cm.concern)
        else:
            s["cmb"] = ts.not_computed(self.missing_reason("common_method"), self.lang)
        efa = self.view.efa
        if efa is None:
            reason = self.missing_reason("efa")
            s["text"] = ts.not_computed(reason, self.lang)
            self.add_table("efa_variance", t("efa_variance_explained"), [], [], missing=reason)
            self.add_table("efa_loadings", t("efa_rotated_loadings"), [], [], missing=reason)
            self.add_figure("scree", "scree", t("scree_plot_with_parallel_analysis"), None, missing=reason)
            self.v["efa"] = s
            return
        rows = [[cell(ts.integer(row.factor), row.factor), cell(ts.num(row.eigenvalue, 3), row.eigenvalue),
                 cell(ts.percent(row.pct_variance, 2), row.pct_variance), cell(ts.percent(row.cum_pct, 2), row.cum_pct),
                 cell(ts.num(row.ss_loadings, 3), row.ss_loadings),
                 cell(ts.percent(row.rotated_pct_variance, 2), row.rotated_pct_variance)] for row in efa.variance]
        self.add_table("efa_variance", t("efa_variance_explained"),
                       [t("factor"), t("eigenvalue"), t("of_variance"),
                        t("cumulative"), t("rotated_ss_loadings"),
                        t("rotated_of_variance")], rows,
                       missing=None if rows else self.missing_reason("efa.variance_table"))
        header = [t("item")] + [f"F{k + 1}" for k in range(efa.n_factors or 0)]
        lrows = []
        for iid, vals in efa.loadings.items():  # sorted by factor, then by loading size (analysis.psychometrics.efa.sort_loadings)
            if isinstance(vals, list) and len(vals) == len(header) - 1:
                lrows.append([text_cell(iid)] + [cell(ts.bounded(v, 2) if efa.shown(v) else "", v) for v in vals])
        self.add_table("efa_loadings", t("efa_rotated_loadings"), header, lrows,
                       notes=[say("efa_note", method=efa.method or ts.DASH, rotation=efa.rotation or ts.DASH,
                                  cutoff=ts.bounded(LOADING_CUTOFF, 2))],
                       missing=None if lrows else self.missing_reason("efa.loadings"))
        s["text"] = say("efa", kaiser=ts.integer(efa.kaiser_n_factors), parallel=ts.integer(efa.parallel_n_factors),
                        extracted=ts.integer(efa.n_factors), constructs=ts.integer(len(self.constructs)),
                        rule=efa.n_factors_rule,
                        explained=ts.share(efa.variance_explained), ref_scree=self.ref("scree"),
                        ref_variance=self.ref("efa_variance"), ref_loadings=self.ref("efa_loadings"))
        eig = list(efa.eigenvalues)
        self.add_figure("scree", "scree", t("scree_plot_with_parallel_analysis"),
                        {"eigenvalues": eig, "parallel": list(efa.parallel_eigenvalues),
                         "observed_label": t("observed_eigenvalues"),
                         "parallel_label": t("parallel_analysis_random_data"),
                         "xlabel": t("factor_number"), "ylabel": t("eigenvalue")} if eig else None,
                        missing=None if eig else self.missing_reason("efa.eigenvalues"))
        self.v["efa"] = s

    # ------------------------------------------------------------------ chapter 3.4: CFA loadings
    def cfa(self) -> None:
        t, cfa, validity = self.t, self.view.cfa, self.view.validity
        rows = []
        seen = set()
        for ld in cfa.loadings if cfa else ():
            c = ld.construct
            first = c not in seen
            seen.add(c)
            cr, ave = (validity.cr.get(c), validity.ave.get(c)) if first else (None, None)
            smc = cfa.item_r2.get(ld.item)
            rows.append([cell(self.name(c) if first else ""), text_cell(ld.item),
                         cell(ts.num(ld.est, 3), ld.est), cell(ts.num(ld.se, 3), ld.se),
                         cell(ts.num(ld.z, 2), ld.z), text_cell(ts.p_value(ld.pvalue)),
                         cell(ts.bounded(ld.std_all), ld.std_all), cell(ts.bounded(smc), smc),
                         cell(ts.bounded(cr) if first else "", cr), cell(ts.bounded(ave) if first else "", ave)])
        self.add_table("cfa_loadings", t("cfa_loadings_cr_and_ave"),
                       [t("construct"), t("item"), t("estimate"), "SE", "z", "p",
                        t("std_loading"), "SMC", "CR", "AVE"], rows,
                       notes=[self.say("cfa_note")], missing=None if rows else self.missing_reason("cfa.loadings"))
        stds = [ld.std_all for ld in cfa.loadings if ld.std_all is not None] if cfa else []
        if stds:
            low = [str(ld.item) for ld in cfa.loadings if ld.low]
            text = self.say("cfa", ref=self.ref("cfa_loadings"), low_bound=ts.bounded(min(stds)),
                            high_bound=ts.bounded(max(stds)), minimum=ts.bounded(LOADING_MIN, 2),
                            low=ts.join(low, self.lang) if low else "")
        else:
            text = ts.not_computed(self.missing_reason("cfa"), self.lang)
        if cfa and cfa.converged is False:
            text += self.say("cfa_not_converged")
        self.v["cfa"] = {"text": text}

    # ------------------------------------------------------------------ chapter 3.4: discriminant validity
    def validity(self) -> list[str]:
        """The validity tables and sentence; returns the validity checks missed, as phrases."""
        t, say, val = self.t, self.say, self.view.validity
        cons = self.constructs

        def matrix(key: str, value, caption: str, diag: dict | None, note: str) -> bool:
            rows = []
            for i, a in enumerate(cons):
                row = [text_cell(a)]
                for j, b in enumerate(cons):
                    if j > i:
                        row.append(cell(""))
                    elif i == j:
                        dv = diag.get(a) if diag is not None else None
                        row.append(cell(ts.bounded(dv) if dv is not None else ("" if diag is None else ts.DASH), dv))
                    else:
                        v = value(a, b)
                        row.append(cell(ts.bounded(v), v))
                rows.append(row)
            ok = any(c.value is not None for r in rows for c in r[1:])
            self.add_table(key, caption, [""] + cons, rows if ok else [], notes=[note],
                           missing=None if ok else self.missing_reason(f"validity.{key}"))
            return ok

        has_fl = bool(val.latent_cor) and matrix(
            "fornell_larcker", val.correlation,
            t("fornell_larcker_caption"), val.sqrt_ave,
            say("fornell_larcker_note"))
        if not val.latent_cor:
            self.add_table("fornell_larcker", t("fornell_larcker_caption"),
                           [""] + cons, [], notes=[say("fornell_larcker_note")],
                           missing=self.missing_reason("validity.fornell_larcker"))
        htmt_note = say("htmt_note", maximum=ts.bounded(HTMT_STRICT, 2))
        has_htmt = bool(val.htmt) and matrix("htmt", val.htmt_of, t("discriminant_validity_htmt"),
                                             None, htmt_note)
        if not val.htmt:
            self.add_table("htmt", t("discriminant_validity_htmt"), [""] + cons, [],
                           notes=[htmt_note], missing=self.missing_reason("validity.htmt"))
        if not val.checked:
            self.v["validity"] = {"text": ts.not_computed(self.missing_reason("validity"), self.lang)}
            return []
        fl_fail = [f"{a}–{b}" for a, b in val.fornell_larcker_failures]
        htmt_fail = [(f"{a}–{b}", ts.bounded(h)) for a, b, h in val.htmt_failures]
        low_ave, low_cr = val.low_ave, val.low_cr
        failures = ([say("validity_fl_failure", pair=p) for p in fl_fail]
                    + [say("validity_htmt_failure", pair=p, value=h) for p, h in htmt_fail]
                    + [say("validity_low_ave", construct=self.name(c), minimum=ts.bounded(AVE_MIN, 2)) for c in low_ave]
                    + [say("validity_low_cr", construct=self.name(c), minimum=ts.bounded(CR_MIN, 2)) for c in low_cr])
        self.v["validity"] = {"text": say(
            "validity", cr_min=ts.bounded(CR_MIN, 2), ave_min=ts.bounded(AVE_MIN, 2),
            htmt_max=ts.bounded(HTMT_STRICT, 2),
            low_cr=ts.join([self.name(c) for c in low_cr], self.lang), low_ave=ts.join([self.name(c) for c in low_ave], self.lang),
            ref_fl=self.ref("fornell_larcker") if has_fl else "", fl_failures=fl_fail,
            ref_htmt=self.ref("htmt") if has_htmt else "", htmt_failures=htmt_fail)}
        return failures
