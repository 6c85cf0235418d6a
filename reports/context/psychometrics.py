"""Chapter 3.4: measurement quality — reliability, factorability and EFA, common-method bias, CFA loadings,
convergent and discriminant validity — each compared with its published cut-off.
"""
from __future__ import annotations

import math

from analysis.psychometrics.efa import LOADING_CUTOFF
from reports import typeset as ts
from reports.context.base import BuilderBase, _get, _plain
from reports.tables import cell, text_cell

ALPHA_MIN, CR_MIN, AVE_MIN, HTMT_MAX, HARMAN_MAX, KMO_MIN = 0.70, 0.70, 0.50, 0.85, 50.0, 0.60


def _flag_text(flag, lang: str) -> str:
    """A check flag from the results (a string, or {code, item | lhs, rhs, value}) as a sentence."""
    if not isinstance(flag, dict):
        return _plain(flag)
    code, item = flag.get("code"), _plain(flag.get("item"))
    value = ts.bounded(flag["value"]) if ts.is_number(flag.get("value")) else ts.DASH
    zh = lang == "zh"
    if code == "alpha_rises_if_deleted" and item:
        return f"删除题项{item}后 α 升至{value}" if zh else f"α rises to {value} if {item} is deleted"
    if code == "low_citc" and item:
        return f"题项{item}的校正项总相关仅为{value}" if zh else f"the corrected item–total correlation of {item} is only {value}"
    if code == "low_alpha":
        return f"α 仅为{value}" if zh else f"α is only {value}"
    where = "–".join(_plain(flag[k]) for k in ("item", "lhs", "rhs") if flag.get(k))
    shown = f" = {value}" if value != ts.DASH else ""
    return f"{_plain(code)} {where}{shown}".strip()


class PsychometricSections(BuilderBase):
    """Chapter 3.4 sections."""

    # ------------------------------------------------------------------ chapter 3.4: reliability
    def reliability(self) -> None:
        t = self.t
        rel = _get(self.r, "reliability")
        s = {}
        rows, item_rows, weak = [], [], []
        self.rel_failures: list[str] = []
        if isinstance(rel, dict):
            for c in self.constructs:
                d = rel.get(c)
                if not isinstance(d, dict):
                    continue
                ci = d.get("alpha_ci") if isinstance(d.get("alpha_ci"), list) and len(d.get("alpha_ci")) == 2 else [None, None]
                rows.append([text_cell(self.name_id(c)), cell(ts.integer(len(d.get("items") or {})), len(d.get("items") or {})),
                             cell(ts.bounded(d.get("alpha")), d.get("alpha")), text_cell(ts.ci(*ci)),
                             cell(ts.bounded(d.get("omega")), d.get("omega")), cell(ts.bounded(self.cr(c)), self.cr(c)),
                             cell(ts.bounded(self.ave(c)), self.ave(c))])
                if ts.is_number(d.get("alpha")) and d["alpha"] < ALPHA_MIN:
                    weak.append(c)
                    self.rel_failures.append(t(f"{self.name(c)}的 Cronbach's α 仅为{ts.bounded(d['alpha'])}",
                                               f"Cronbach's α of {self.name(c)} is only {ts.bounded(d['alpha'])}"))
                for iid, it in (d.get("items") or {}).items():
                    if isinstance(it, dict):
                        item_rows.append([cell(self.name(c) if all(r[0].text != self.name(c) for r in item_rows) else ""),
                                          text_cell(iid), cell(ts.bounded(it.get("citc")), it.get("citc")),
                                          cell(ts.bounded(it.get("alpha_if_deleted")), it.get("alpha_if_deleted")),
                                          cell(ts.bounded(d.get("alpha")), d.get("alpha"))])
                for flag in d.get("flags") or []:
                    if isinstance(flag, dict) and flag.get("code") == "low_alpha" and c in weak:
                        continue
                    self.rel_failures.append(t(f"{self.name(c)}：{_flag_text(flag, 'zh')}", f"{self.name(c)}: {_flag_text(flag, 'en')}"))
        alphas = [rel[c]["alpha"] for c in self.constructs if ts.is_number(_get(rel, c, "alpha"))]
        self.alpha_range = (min(alphas), max(alphas)) if alphas else None
        self.add_table("reliability", t("信度检验结果", "Reliability"),
                       [t("构念", "Construct"), t("题项数", "Items"), "Cronbach's α", "95% CI", "McDonald's ω", "CR", "AVE"],
                       rows, notes=[t(f"注：α、ω、CR 的参考标准为 ≥ {ts.bounded(ALPHA_MIN, 2)}，AVE 为 ≥ {ts.bounded(AVE_MIN, 2)}（Fornell & Larcker, 1981）。",
                                      f"Note. Cut-offs: α, ω, CR ≥ {ts.bounded(ALPHA_MIN, 2)}; AVE ≥ {ts.bounded(AVE_MIN, 2)} (Fornell & Larcker, 1981).")],
                       missing=None if rows else self.missing_reason("reliability"))
        self.add_table("item_reliability", t("题项-总体相关与删除该题项后的 α", "Corrected item–total correlations"),
                       [t("构念", "Construct"), t("题项", "Item"), "CITC", t("删除该题后的 α", "α if deleted"), "α"],
                       item_rows, missing=None if item_rows else self.missing_reason("reliability.items"))
        if alphas:
            s["text"] = t(
                f"信度检验结果见{self.ref('reliability')}与{self.ref('item_reliability')}。各构念的 Cronbach's α 介于"
                f"{ts.bounded(min(alphas))}与{ts.bounded(max(alphas))}之间，"
                + ("均高于 .70 的标准，量表具有良好的内部一致性。" if not weak else
                   f"其中{ts.join([self.name(c) for c in weak], 'zh')}低于 .70 的标准，需要谨慎解释。"),
                f"Reliability is reported in {self.ref('reliability')} and {self.ref('item_reliability')}. Cronbach's α "
                f"ranges from {ts.bounded(min(alphas))} to {ts.bounded(max(alphas))}; "
                + ("all exceed .70, so the scales are internally consistent." if not weak else
                   f"{ts.join([self.name(c) for c in weak], 'en')} fall(s) below .70 and must be read with care."))
        else:
            s["text"] = ts.not_computed(self.missing_reason("reliability"), self.lang)
        self.v["reliability"] = s

    # ------------------------------------------------------------------ chapter 3.4: factorability + EFA
    def efa(self) -> None:
        t = self.t
        s = {}
        fac = _get(self.r, "factorability")
        kmo, bart = _get(fac, "kmo"), _get(fac, "bartlett")
        if ts.is_number(kmo):
            b = bart if isinstance(bart, dict) else {}
            s["factorability"] = t(
                f"KMO 值为{ts.bounded(kmo)}，" + ("高于 .60 的最低要求" if kmo >= KMO_MIN else "低于 .60 的最低要求")
                + f"；Bartlett 球形检验 {ts.chisq(b.get('chisq'), b.get('df'))}，{ts.p_text(b.get('pvalue'))}，"
                + ("说明数据适合进行因子分析。" if kmo >= KMO_MIN and ts.is_number(b.get('pvalue')) and b['pvalue'] < .05
                   else "数据做因子分析的条件不理想。"),
                f"The KMO measure is {ts.bounded(kmo)} (" + ("above" if kmo >= KMO_MIN else "below")
                + f" the minimum of .60) and Bartlett's test of sphericity gives {ts.chisq(b.get('chisq'), b.get('df'))}, "
                f"{ts.p_text(b.get('pvalue'))}; "
                + ("the data are suitable for factor analysis." if kmo >= KMO_MIN and ts.is_number(b.get('pvalue')) and b['pvalue'] < .05
                   else "the conditions for factor analysis are not well met."))
        else:
            s["factorability"] = ts.not_computed(self.missing_reason("factorability"), self.lang)
        harman = _get(self.r, "common_method", "harman_first_factor_pct")
        self.harman = harman
        if ts.is_number(harman):
            s["cmb"] = t(
                f"Harman 单因子检验中，未旋转的第一个因子解释了{ts.percent(harman)}的方差，"
                + ("低于 50% 的临界值，共同方法偏差不严重（Podsakoff et al., 2003）。" if harman < HARMAN_MAX
                   else "超过 50% 的临界值，存在明显的共同方法偏差（Podsakoff et al., 2003）。"),
                f"In Harman's single-factor test the first unrotated factor explains {ts.percent(harman)} of the variance, "
                + ("below the 50% threshold, so common-method bias is not a serious concern (Podsakoff et al., 2003)."
                   if harman < HARMAN_MAX else "above the 50% threshold: common-method bias is a concern (Podsakoff et al., 2003)."))
        else:
            s["cmb"] = ts.not_computed(self.missing_reason("common_method"), self.lang)
        efa = _get(self.r, "efa")
        if not isinstance(efa, dict):
            reason = self.missing_reason("efa")
            s["text"] = ts.not_computed(reason, self.lang)
            self.add_table("efa_variance", t("探索性因子分析的方差解释", "EFA: variance explained"), [], [], missing=reason)
            self.add_table("efa_loadings", t("探索性因子分析旋转后的因子载荷", "EFA: rotated loadings"), [], [], missing=reason)
            self.add_figure("scree", "scree", t("碎石图与平行分析", "Scree plot with parallel analysis"), None, missing=reason)
            self.v["efa"] = s
            return
        eig = [e for e in efa.get("eigenvalues") or [] if ts.is_number(e)]
        components = efa.get("method") in ("pc", "pca", "principal components")
        par = efa.get("parallel_eigenvalues") or _get(efa, "parallel", "simulated_pc" if components else "simulated_fa") or []
        par = [e for e in par if ts.is_number(e)]
        vt = [row for row in efa.get("variance_table") or [] if isinstance(row, dict)]
        n_f = efa.get("n_factors")
        if vt and "initial_total" in vt[0]:
            vt = [{"factor": row.get("component"), "eigenvalue": row.get("initial_total"),
                   "pct_variance": row.get("initial_pct"), "cum_pct": row.get("initial_cum_pct"),
                   "ss_loadings": row.get("rotation_total"), "rotated_pct_variance": row.get("rotation_pct")}
                  for row in vt[:n_f if isinstance(n_f, int) else None]]
        rows = []
        for row in vt:
            if isinstance(row, dict):
                rows.append([cell(ts.integer(row.get("factor")), row.get("factor")),
                             cell(ts.num(row.get("eigenvalue"), 3), row.get("eigenvalue")),
                             cell(ts.percent(row.get("pct_variance"), 2), row.get("pct_variance")),
                             cell(ts.percent(row.get("cum_pct"), 2), row.get("cum_pct")),
                             cell(ts.num(row.get("ss_loadings"), 3), row.get("ss_loadings")),
                             cell(ts.percent(row.get("rotated_pct_variance"), 2), row.get("rotated_pct_variance"))])
        self.add_table("efa_variance", t("探索性因子分析的方差解释", "EFA: variance explained"),
                       [t("因子", "Factor"), t("特征值", "Eigenvalue"), t("方差解释率", "% of variance"),
                        t("累计解释率", "Cumulative %"), t("旋转后平方载荷和", "Rotated SS loadings"),
                        t("旋转后方差解释率", "Rotated % of variance")], rows,
                       missing=None if rows else self.missing_reason("efa.variance_table"))
        loadings = efa.get("loadings") or {}
        factor_names = efa.get("factor_names") if isinstance(efa.get("factor_names"), list) else None
        header = [t("题项", "Item")] + [(factor_names[k] if factor_names and k < len(factor_names) else f"F{k + 1}")
                                       for k in range(n_f if isinstance(n_f, int) else 0)]
        lrows = []
        for iid, vals in loadings.items():  # sorted by factor, then by loading size (analysis.psychometrics.efa.sort_loadings)
            if isinstance(vals, list) and len(vals) == len(header) - 1:
                lrows.append([text_cell(iid)] + [cell(ts.bounded(v, 2) if ts.is_number(v) and abs(v) >= LOADING_CUTOFF else "",
                                                      v) for v in vals])
        self.add_table("efa_loadings", t("探索性因子分析旋转后的因子载荷", "EFA: rotated loadings"), header, lrows,
                       notes=[t(f"注：提取方法 {efa.get('method') or ts.DASH}，旋转方法 {efa.get('rotation') or ts.DASH}；"
                                f"绝对值小于 {ts.bounded(LOADING_CUTOFF, 2)} 的载荷未列出。",
                                f"Note. Extraction: {efa.get('method') or ts.DASH}; rotation: {efa.get('rotation') or ts.DASH}; "
                                f"loadings below {ts.bounded(LOADING_CUTOFF, 2)} in absolute value are omitted.")],
                       missing=None if lrows else self.missing_reason("efa.loadings"))
        cum = efa.get("variance_explained_cum")
        cum = cum[-1] if isinstance(cum, list) and cum else cum
        s["text"] = t(
            f"平行分析建议保留{ts.integer(efa.get('parallel_n_factors'))}个因子（{self.ref('scree')}），"
            f"据此提取{ts.integer(n_f)}个因子，累计解释总方差的{ts.share(cum)}（{self.ref('efa_variance')}）；"
            f"旋转后的因子载荷见{self.ref('efa_loadings')}。",
            f"Parallel analysis suggests {ts.integer(efa.get('parallel_n_factors'))} factors ({self.ref('scree')}); "
            f"{ts.integer(n_f)} factors were extracted, explaining {ts.share(cum)} of the total variance "
            f"({self.ref('efa_variance')}); rotated loadings are in {self.ref('efa_loadings')}.")
        self.add_figure("scree", "scree", t("碎石图与平行分析", "Scree plot with parallel analysis"),
                        {"eigenvalues": eig, "parallel": par, "observed_label": t("实际数据特征值", "Observed eigenvalues"),
                         "parallel_label": t("平行分析（随机数据）", "Parallel analysis (random data)"),
                         "xlabel": t("因子序号", "Factor number"), "ylabel": t("特征值", "Eigenvalue")} if eig else None,
                        missing=None if eig else self.missing_reason("efa.eigenvalues"))
        self.v["efa"] = s

    # ------------------------------------------------------------------ chapter 3.4: CFA loadings
    def cfa(self) -> None:
        t = self.t
        cfa = _get(self.r, "cfa")
        rows = []
        low = []
        for ld in (_get(cfa, "loadings") or []):
            if not isinstance(ld, dict) or ld.get("op", "=~") != "=~":
                continue
            c = ld.get("lhs")
            first = all(r[0].text != self.name(c) for r in rows)
            std = ld.get("std_all")
            if ts.is_number(std) and std < 0.5:
                low.append(str(ld.get("rhs")))
            rows.append([cell(self.name(c) if first else ""), text_cell(ld.get("rhs")),
                         cell(ts.num(ld.get("est"), 3), ld.get("est")), cell(ts.num(ld.get("se"), 3), ld.get("se")),
                         cell(ts.num(ld.get("z"), 2), ld.get("z")), text_cell(ts.p_value(ld.get("pvalue"))),
                         cell(ts.bounded(std), std),
                         cell(ts.bounded(self.cr(c)) if first else "", self.cr(c) if first else None),
                         cell(ts.bounded(self.ave(c)) if first else "", self.ave(c) if first else None)])
        reason = None if rows else self.missing_reason("cfa.loadings")
        self.add_table("cfa_loadings", t("验证性因子分析的因子载荷、组合信度与平均方差抽取量", "CFA loadings, CR and AVE"),
                       [t("构念", "Construct"), t("题项", "Item"), t("非标准化载荷", "Estimate"), "SE", "z", "p",
                        t("标准化载荷", "Std. loading"), "CR", "AVE"], rows,
                       notes=[t("注：每个构念第一个题项的载荷固定为 1，不估计标准误。",
                                "Note. The first loading of each construct is fixed at 1 (no SE).")], missing=reason)
        stds = [r[6].value for r in rows if r[6].value is not None]
        if stds:
            self.v["cfa"] = {"text": t(
                f"验证性因子分析结果见{self.ref('cfa_loadings')}：标准化载荷介于{ts.bounded(min(stds))}与{ts.bounded(max(stds))}之间，"
                + ("均大于 .50，" if not low else f"其中{ts.join(low, 'zh')}低于 .50，")
                + "各构念的组合信度（CR）和平均方差抽取量（AVE）用于判断收敛效度。",
                f"The CFA results are in {self.ref('cfa_loadings')}: standardized loadings range from {ts.bounded(min(stds))} to "
                f"{ts.bounded(max(stds))}" + ("; all exceed .50. " if not low else f"; {ts.join(low, 'en')} fall below .50. ")
                + "Composite reliability (CR) and average variance extracted (AVE) show convergent validity.")}
        else:
            self.v["cfa"] = {"text": ts.not_computed(self.missing_reason("cfa"), self.lang)}
        if isinstance(cfa, dict) and cfa.get("converged") is False:
            self.v["cfa"]["text"] += t("注意：CFA 模型未收敛。", " Warning: the CFA did not converge.")

    # ------------------------------------------------------------------ chapter 3.4: discriminant validity
    def validity(self) -> None:
        t = self.t
        val = _get(self.r, "validity")
        s = {}
        cons = self.constructs

        def matrix(key: str, src: dict | None, caption: str, diag: dict | None, note: str) -> bool:
            rows = []
            if isinstance(src, dict):
                for i, a in enumerate(cons):
                    row = [text_cell(a)]
                    for j, b in enumerate(cons):
                        v = _get(src, a, b) if _get(src, a, b) is not None else _get(src, b, a)
                        if j > i:
                            row.append(cell(""))
                        elif i == j:
                            dv = _get(diag, a) if diag is not None else None
                            row.append(cell(ts.bounded(dv) if ts.is_number(dv) else ("" if diag is None else ts.DASH), dv))
                        else:
                            row.append(cell(ts.bounded(v), v))
                    rows.append(row)
            ok = any(c.value is not None for r in rows for c in r[1:])
            self.add_table(key, caption, [""] + cons, rows if ok else [], notes=[note],
                           missing=None if ok else self.missing_reason(f"validity.{key}"))
            return ok

        fl = _get(val, "fornell_larcker")
        sqrt_ave = {c: (_get(fl, c, c) if ts.is_number(_get(fl, c, c)) else
                        (math.sqrt(self.ave(c)) if ts.is_number(self.ave(c)) and self.ave(c) >= 0 else None))
                    for c in cons}
        cor = _get(val, "latent_cor") or _get(self.r, "cfa", "latent_cor") or fl
        has_fl = matrix("fornell_larcker", cor, t("区分效度检验：Fornell–Larcker 准则", "Discriminant validity: Fornell–Larcker criterion"),
                        sqrt_ave, t("注：对角线为 AVE 的平方根，其余为潜变量间相关系数。",
                                    "Note. Diagonal: square root of AVE; below: latent correlations."))
        htmt = _get(val, "htmt")
        has_htmt = matrix("htmt", htmt, t("区分效度检验：HTMT", "Discriminant validity: HTMT"), None,
                          t(f"注：HTMT 应小于 {ts.bounded(HTMT_MAX, 2)}（Henseler et al., 2015）。",
                            f"Note. HTMT should be below {ts.bounded(HTMT_MAX, 2)} (Henseler et al., 2015)."))
        fl_fail, htmt_fail = [], []
        for i, a in enumerate(cons):
            for b in cons[:i]:
                r_ab = _get(cor, a, b) if _get(cor, a, b) is not None else _get(cor, b, a)
                if ts.is_number(r_ab) and any(ts.is_number(sqrt_ave.get(x)) and abs(r_ab) > sqrt_ave[x] for x in (a, b)):
                    fl_fail.append(f"{a}–{b}")
                h = _get(htmt, a, b) if _get(htmt, a, b) is not None else _get(htmt, b, a)
                if ts.is_number(h) and h > HTMT_MAX:
                    htmt_fail.append((f"{a}–{b}", h))
        self.validity_failures = ([t(f"{p}的相关系数超过 AVE 的平方根", f"the correlation {p} exceeds √AVE") for p in fl_fail]
                                  + [t(f"{p}的 HTMT 为{ts.bounded(h)}", f"HTMT of {p} is {ts.bounded(h)}") for p, h in htmt_fail])
        aves = [c for c in cons if ts.is_number(self.ave(c)) and self.ave(c) < AVE_MIN]
        crs = [c for c in cons if ts.is_number(self.cr(c)) and self.cr(c) < CR_MIN]
        self.validity_failures += [t(f"{self.name(c)}的 AVE 低于 .50", f"AVE of {self.name(c)} is below .50") for c in aves]
        self.validity_failures += [t(f"{self.name(c)}的 CR 低于 .70", f"CR of {self.name(c)} is below .70") for c in crs]
        conv = t("所有构念的 CR 均大于 .70、AVE 均大于 .50，收敛效度良好。" if not aves and not crs else
                 f"{ts.join([self.name(c) for c in aves + crs], 'zh')}未达到 CR > .70 或 AVE > .50 的标准。",
                 "All constructs have CR above .70 and AVE above .50: convergent validity holds." if not aves and not crs else
                 f"{ts.join([self.name(c) for c in aves + crs], 'en')} miss(es) CR > .70 or AVE > .50.")
        parts = [conv]
        if has_fl:
            parts.append(t(f"由{self.ref('fornell_larcker')}可见，" + ("各构念 AVE 的平方根均大于其与其他构念的相关系数，满足 Fornell–Larcker 准则。"
                                                                     if not fl_fail else f"{'、'.join(fl_fail)}不满足 Fornell–Larcker 准则。"),
                           f"{self.ref('fornell_larcker')} shows " + ("that every √AVE exceeds the construct's correlations: the Fornell–Larcker criterion holds."
                                                                      if not fl_fail else f"that {', '.join(fl_fail)} violate the Fornell–Larcker criterion.")))
        if has_htmt:
            parts.append(t(f"{self.ref('htmt')}中" + ("所有 HTMT 值均低于 .85，区分效度良好。" if not htmt_fail else
                                                      "、".join(f"{p}（{ts.bounded(h)}）" for p, h in htmt_fail) + "超过 .85，这些构念的区分效度不足。"),
                           f"In {self.ref('htmt')} " + ("every HTMT is below .85: discriminant validity holds." if not htmt_fail else
                                                        ", ".join(f"{p} ({ts.bounded(h)})" for p, h in htmt_fail) + " exceed .85: these constructs are not well separated.")))
        s["text"] = "".join(parts) if self.lang == "zh" else " ".join(parts)
        self.v["validity"] = s
