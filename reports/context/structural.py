"""Chapters 3.4–3.5: the model-fit table (CFA and SEM against published cut-offs), the structural paths and
hypothesis verdicts, R² and f², and the bootstrap mediation tests.
"""
from __future__ import annotations

import re

from reports import typeset as ts
from reports.context.base import BuilderBase, _get
from reports.tables import cell, text_cell

# Published cut-offs: Hu & Bentler (1999) for CFI/TLI/RMSEA/SRMR; Bagozzi & Yi (1988) for NFI/IFI/GFI/AGFI;
# Kline (2016) for χ²/df. (index, direction, good, acceptable)
FIT_RULES = (("chisq_df", "max", 3.0, 5.0), ("cfi", "min", 0.95, 0.90), ("tli", "min", 0.95, 0.90),
             ("ifi", "min", 0.95, 0.90), ("nfi", "min", 0.95, 0.90), ("gfi", "min", 0.90, 0.85),
             ("agfi", "min", 0.90, 0.80), ("rmsea", "max", 0.06, 0.08), ("srmr", "max", 0.08, 0.10))
FIT_NAMES = {"chisq_df": "χ²/df", "cfi": "CFI", "tli": "TLI", "ifi": "IFI", "nfi": "NFI", "rfi": "RFI", "gfi": "GFI",
             "agfi": "AGFI", "pnfi": "PNFI", "pgfi": "PGFI", "rmsea": "RMSEA", "pclose": "PCLOSE", "srmr": "SRMR"}


class StructuralSections(BuilderBase):
    """Fit, SEM and mediation sections."""

    # ------------------------------------------------------------------ fit table
    def fit_verdict(self, key: str, value) -> tuple[str, bool | None]:
        t = self.t
        rule = next((r for r in FIT_RULES if r[0] == key), None)
        if rule is None or not ts.is_number(value):
            return ts.DASH, None
        _, direction, good, ok = rule
        better = (lambda a, b: a <= b) if direction == "max" else (lambda a, b: a >= b)
        if better(value, good):
            return t("良好", "good"), True
        if better(value, ok):
            return t("可接受", "acceptable"), True
        return t("不理想", "poor"), False

    def threshold_text(self, verdict: dict, fmt) -> str | None:
        """The cut-off of a pipeline fit verdict, typeset: ``> .90（良好 > .95）`` / ``> .90 (good > .95)``.

        Takes the numeric form ({op, acceptable, good} on the verdict or in ``threshold``) or the text form
        ("> 0.9 (good > 0.95)"), whose numbers are re-typeset (no leading zero for bounded indices).
        """
        t = self.t
        spec = verdict.get("threshold")
        numeric = spec if isinstance(spec, dict) else verdict
        op = numeric.get("op") or numeric.get("direction")
        acceptable = next((numeric[k] for k in ("acceptable", "cutoff", "threshold_value") if ts.is_number(numeric.get(k))),
                          numeric.get("value") if numeric is spec else None)
        if op in (">", "<", ">=", "<=", "≥", "≤") and ts.is_number(acceptable):
            sign = {">=": "≥", "<=": "≤"}.get(op, op)
            good = numeric.get("good")
            text = f"{sign} {fmt(acceptable)}"
            if ts.is_number(good) and good != acceptable:
                text += t(f"（良好 {sign} {fmt(good)}）", f" (good {sign} {fmt(good)})")
            return text
        if isinstance(spec, str) and spec.strip():
            text = re.sub(r"-?\d+(?:\.\d+)?", lambda m: fmt(float(m.group())), spec.strip())
            text = text.replace(">=", "≥").replace("<=", "≤")
            if self.lang == "zh":
                text = re.sub(r"\s*\(good\s*", "（良好 ", text).replace(")", "）")
            return text
        return None

    def fit(self) -> None:
        t = self.t
        fits = {"cfa": _get(self.r, "cfa", "fit"), "sem": _get(self.r, "sem", "fit")}
        given = {m: {v.get("index"): v for v in (_get(self.r, m, "fit_verdicts") or []) if isinstance(v, dict)}
                 for m in fits}
        words = {"good": t("良好", "good"), "acceptable": t("可接受", "acceptable"), "poor": t("不理想", "poor")}
        indices = [k for k in (list(given["cfa"]) or list(given["sem"])) if k in FIT_NAMES] or [r[0] for r in FIT_RULES]
        rows = []
        self.fit_failures: list[str] = []
        for key in indices:
            rule = next((r for r in FIT_RULES if r[0] == key), None)
            fmt = (lambda v: ts.num(v, 2)) if key == "chisq_df" else (lambda v: ts.bounded(v, 3))
            thr_fmt = (lambda v: f"{v:g}") if key == "chisq_df" else (lambda v: ts.bounded(v, 2))
            if rule is not None:
                _, direction, good, ok = rule
                sign = "≤" if direction == "max" else "≥"
                thr = t(f"{sign} {thr_fmt(ok)}（良好 {sign} {thr_fmt(good)}）", f"{sign} {thr_fmt(ok)} (good {sign} {thr_fmt(good)})")
            else:
                thr = ts.DASH
            theirs = given["cfa"].get(key) or given["sem"].get(key)
            if theirs:
                thr = self.threshold_text(theirs, thr_fmt) or thr
            row = [text_cell(FIT_NAMES[key]), text_cell(thr)]
            for model in ("cfa", "sem"):
                v = _get(fits[model], key)
                verdict, passed = self.fit_verdict(key, v)
                if key in given[model] and given[model][key].get("verdict"):
                    word = str(given[model][key]["verdict"])
                    verdict, passed = words.get(word, word), word in ("good", "acceptable")
                row += [cell(fmt(v), v), text_cell(verdict)]
                if passed is False:
                    self.fit_failures.append(t(f"{model.upper()} 的 {FIT_NAMES[key]} = {fmt(v)}",
                                               f"{model.upper()} {FIT_NAMES[key]} = {fmt(v)}"))
            rows.append(row)
        chi_row = [text_cell("χ²(df)"), text_cell(ts.DASH)]
        for model in ("cfa", "sem"):
            f = fits[model] or {}
            chi_row += [cell(ts.chisq(f.get("chisq"), f.get("df")), f.get("chisq")),
                        text_cell(ts.p_text(f.get("pvalue")))]
        rows.insert(0, chi_row)
        have = any(isinstance(fits[m], dict) for m in fits)
        self.add_table("fit", t("模型拟合指标", "Model fit"),
                       [t("指标", "Index"), t("参考标准", "Threshold"), t("测量模型", "CFA"), t("评价", "Verdict"),
                        t("结构模型", "SEM"), t("评价", "Verdict")], rows if have else [],
                       notes=[t("注：标准参照 Hu & Bentler（1999）、Bagozzi & Yi（1988）与 Kline（2016）。",
                                "Note. Thresholds after Hu & Bentler (1999), Bagozzi & Yi (1988) and Kline (2016).")],
                       missing=None if have else self.missing_reason("cfa.fit / sem.fit"))
        s = {}
        for model in ("cfa", "sem"):
            f = fits[model]
            if isinstance(f, dict):
                s[model] = t(
                    f"{'测量' if model == 'cfa' else '结构'}模型的拟合结果为 {ts.chisq(f.get('chisq'), f.get('df'))}，"
                    f"χ²/df = {ts.num(f.get('chisq_df'))}，CFI = {ts.bounded(f.get('cfi'))}，TLI = {ts.bounded(f.get('tli'))}，"
                    f"RMSEA = {ts.bounded(f.get('rmsea'))} {ts.ci(f.get('rmsea_ci_lower'), f.get('rmsea_ci_upper'))}，"
                    f"SRMR = {ts.bounded(f.get('srmr'))}（{self.ref('fit')}）。",
                    f"The {'measurement' if model == 'cfa' else 'structural'} model fits with {ts.chisq(f.get('chisq'), f.get('df'))}, "
                    f"χ²/df = {ts.num(f.get('chisq_df'))}, CFI = {ts.bounded(f.get('cfi'))}, TLI = {ts.bounded(f.get('tli'))}, "
                    f"RMSEA = {ts.bounded(f.get('rmsea'))} {ts.ci(f.get('rmsea_ci_lower'), f.get('rmsea_ci_upper'))}, "
                    f"SRMR = {ts.bounded(f.get('srmr'))} ({self.ref('fit')}).")
            else:
                s[model] = ts.not_computed(self.missing_reason(f"{model}.fit"), self.lang)
        mine = [x for x in self.fit_failures]
        s["verdict"] = t("各项拟合指标均达到可接受水平。" if not mine else f"未达标的指标：{'；'.join(mine)}。",
                         "Every fit index is at least acceptable." if not mine else f"Indices that miss the cut-off: {'; '.join(mine)}.")
        self.cfa_fit = fits["cfa"] if isinstance(fits["cfa"], dict) else None
        self.sem_fit = fits["sem"] if isinstance(fits["sem"], dict) else None
        self.v["fit"] = s

    # ------------------------------------------------------------------ chapter 3.5: SEM
    def sem(self) -> None:
        t = self.t
        sem = _get(self.r, "sem")
        s = {}
        paths = [p for p in (_get(sem, "paths") or []) if isinstance(p, dict)]
        self.paths = paths
        rows = []
        for p in paths:
            sup = p.get("supported")
            rows.append([cell(p.get("hypothesis") or ""),
                         text_cell(f"{self.name(p.get('rhs'))} → {self.name(p.get('lhs'))}"),
                         cell(ts.num(p.get("est"), 3), p.get("est")), cell(ts.num(p.get("se"), 3), p.get("se")),
                         cell(ts.num(p.get("z"), 2), p.get("z")), text_cell(ts.p_value(p.get("pvalue"))),
                         cell(ts.coef(p.get("std_all"), p.get("pvalue")), p.get("std_all")),
                         text_cell(ts.DASH if sup is None else (t("支持", "supported") if sup else t("不支持", "not supported")))])
        self.add_table("paths", t("结构模型路径系数与假设检验结果", "Structural paths and hypothesis tests"),
                       [t("假设", "Hypothesis"), t("路径", "Path"), t("非标准化系数", "Estimate"), "SE", "z", "p",
                        "β", t("结论", "Verdict")], rows, notes=[ts.stars_legend(self.lang)],
                       missing=None if rows else self.missing_reason("sem.paths"))
        direct = [p for p in paths if p.get("hypothesis")]
        supported = [p["hypothesis"] for p in direct if p.get("supported")]
        rejected = [p["hypothesis"] for p in direct if p.get("supported") is False]
        indirect = [i for i in (_get(sem, "indirect") or []) if isinstance(i, dict)]
        supported += [i["hypothesis"] for i in indirect if i.get("hypothesis") and i.get("supported")]
        rejected += [i["hypothesis"] for i in indirect if i.get("hypothesis") and i.get("supported") is False]
        self.supported, self.rejected = supported, rejected
        if paths:
            s["paths"] = t(
                f"路径分析结果见{self.ref('paths')}与{self.ref('path_diagram')}。"
                + (f"假设{'、'.join(supported)}得到支持" if supported else "没有假设得到支持")
                + (f"，假设{'、'.join(rejected)}未得到支持。" if rejected else "。"),
                f"Path estimates are in {self.ref('paths')} and {self.ref('path_diagram')}. "
                + (f"Hypotheses {', '.join(supported)} are supported" if supported else "No hypothesis is supported")
                + (f"; {', '.join(rejected)} are not." if rejected else "."))
        else:
            s["paths"] = ts.not_computed(self.missing_reason("sem.paths"), self.lang)
        if isinstance(sem, dict) and sem.get("converged") is False:
            s["paths"] += t("注意：结构模型未收敛，结果仅供参考。", " Warning: the structural model did not converge.")
        r2 = _get(sem, "r2") if isinstance(_get(sem, "r2"), dict) else {}
        f2 = _get(sem, "f2") if isinstance(_get(sem, "f2"), dict) else {}
        if isinstance(_get(sem, "f2"), list):
            for e in sem["f2"]:
                if isinstance(e, dict) and e.get("lhs") and e.get("rhs"):
                    f2.setdefault(e["lhs"], {})[e["rhs"]] = e.get("f2")
        self.r2 = r2
        rows = []
        for lhs in r2:
            rows.append([text_cell(self.name_id(lhs)), cell(""), cell(ts.bounded(r2[lhs]), r2[lhs]), cell("")])
            for rhs, v in (f2.get(lhs) or {}).items():
                size = (t("大", "large") if v >= 0.35 else t("中", "medium") if v >= 0.15 else t("小", "small") if v >= 0.02
                        else t("可忽略", "negligible")) if ts.is_number(v) else ts.DASH
                rows.append([cell(""), text_cell(self.name(rhs)), cell(ts.num(v, 3), v), text_cell(size)])
        self.add_table("r2_f2", t("内生变量的解释力（R²）与效应量（f²）", "Explained variance (R²) and effect sizes (f²)"),
                       [t("内生变量", "Endogenous"), t("预测变量", "Predictor"), "R² / f²", t("效应大小", "Size")], rows,
                       notes=[t("注：f² ≥ .02、.15、.35 分别为小、中、大效应（Cohen, 1988）。",
                                "Note. f² ≥ .02, .15 and .35 are small, medium and large effects (Cohen, 1988).")],
                       missing=None if rows else self.missing_reason("sem.r2"))
        if r2:
            s["r2"] = t("模型对" + "、".join(f"{self.name(k)}的解释力 R² = {ts.bounded(v)}" for k, v in r2.items())
                        + f"（{self.ref('r2_f2')}）。",
                        "The model explains " + ", ".join(f"R² = {ts.bounded(v)} of {self.name(k)}" for k, v in r2.items())
                        + f" ({self.ref('r2_f2')}).")
        else:
            s["r2"] = ts.not_computed(self.missing_reason("sem.r2"), self.lang)
        rows = []
        for i in indirect:
            via = i.get("via")
            via = via if isinstance(via, list) else [via] if via else []
            chain = " → ".join(self.name(x) for x in [i.get("from"), *via, i.get("to")])
            lo, hi = i.get("ci_lower"), i.get("ci_upper")
            sig = ts.is_number(lo) and ts.is_number(hi) and (lo > 0 or hi < 0)
            rows.append([cell(i.get("hypothesis") or ""), text_cell(chain),
                         cell(ts.num(i.get("est"), 3), i.get("est")), cell(ts.bounded(i.get("std_all")), i.get("std_all")),
                         text_cell(ts.ci(lo, hi, 3, False)),
                         text_cell(t("显著", "significant") if sig else t("不显著", "not significant"))])
        boot = _get(sem, "bootstrap") or {}
        b_count = boot.get("B") or _get(self.r, "meta", "bootstrap")
        self.add_table("mediation", t("中介效应检验（Bootstrap）", "Mediation (bootstrap)"),
                       [t("假设", "Hypothesis"), t("路径", "Path"), t("间接效应", "Indirect effect"), t("标准化", "Standardized"),
                        "95% CI", t("结论", "Verdict")], rows,
                       notes=[t(f"注：{ts.integer(b_count)}次 Bootstrap 重抽样的{boot.get('method') or '百分位'}置信区间；区间不含 0 即为显著。",
                                f"Note. {boot.get('method') or 'Percentile'} CIs from {ts.integer(b_count)} bootstrap samples; "
                                f"an interval that excludes 0 is significant.")],
                       missing=None if rows else self.missing_reason("sem.indirect"))
        sig_med = [r[1].text for r in rows if r[5].text in ("显著", "significant")]
        if rows:
            s["mediation"] = t(
                f"采用 Bootstrap 法（{ts.integer(b_count)}次重抽样）检验中介效应，结果见{self.ref('mediation')}："
                + (f"{'；'.join(sig_med)}的间接效应的置信区间不包含 0，中介效应显著。" if sig_med else "所有间接效应的置信区间均包含 0。"),
                f"Mediation was tested with {ts.integer(b_count)} bootstrap samples ({self.ref('mediation')}): "
                + (f"the CIs of {'; '.join(sig_med)} exclude zero, so these indirect effects are significant."
                   if sig_med else "every CI includes zero."))
            failed = boot.get("n_failed", boot.get("failed"))
            if ts.is_number(failed) and failed > 0:
                s["mediation"] += t(f"其中{ts.integer(failed)}次重抽样未收敛。",
                                    f" {ts.integer(failed)} bootstrap samples did not converge.")
        else:
            s["mediation"] = ts.not_computed(self.missing_reason("sem.indirect"), self.lang)
        self.sig_mediation = sig_med
        self.v["sem"] = s
