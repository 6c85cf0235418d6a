"""Build the report context: every string, table and figure spec the templates interpolate.

Input is the plain ``results.json`` dict (Contract 3 and the pipeline's extra keys), the instrument and
the language. Output holds strings and tables only; no statistic is computed here, results are only
looked up, typeset (``reports.typeset``), compared with published cut-offs and ranked. Every section
tolerates a missing key: it then reads "not computed: <why>" instead of raising.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from questionnaire.errors import input_error
from questionnaire.instrument import Instrument
from reports import typeset as ts
from reports.figures import FigureSpec
from reports.tables import Cell, Table, TableSet, cell, make_table, missing_table, text_cell

# Published cut-offs: Hu & Bentler (1999) for CFI/TLI/RMSEA/SRMR; Bagozzi & Yi (1988) for NFI/IFI/GFI/AGFI;
# Kline (2016) for χ²/df. (index, direction, good, acceptable)
FIT_RULES = (("chisq_df", "max", 3.0, 5.0), ("cfi", "min", 0.95, 0.90), ("tli", "min", 0.95, 0.90),
             ("ifi", "min", 0.95, 0.90), ("nfi", "min", 0.95, 0.90), ("gfi", "min", 0.90, 0.85),
             ("agfi", "min", 0.90, 0.80), ("rmsea", "max", 0.06, 0.08), ("srmr", "max", 0.08, 0.10))
FIT_NAMES = {"chisq_df": "χ²/df", "cfi": "CFI", "tli": "TLI", "ifi": "IFI", "nfi": "NFI", "rfi": "RFI", "gfi": "GFI",
             "agfi": "AGFI", "pnfi": "PNFI", "pgfi": "PGFI", "rmsea": "RMSEA", "pclose": "PCLOSE", "srmr": "SRMR"}
# IPMA quadrants as the pipeline names them → our order (0 = improve first)
QUADRANTS = {"concentrate_here": 0, "improve_first": 0, "keep_up_the_good_work": 1, "low_priority": 2,
             "possible_overkill": 3}
OPEN_ANSWERS_SHOWN = 8
# What the analysis' diagnostic codes mean, for the diagnostics table (zh, en); unknown codes print as they are.
DIAGNOSTIC_NAMES = {
    "chisq_small_expected": ("卡方检验的期望频数过小", "small expected counts in a χ² test"),
    "chisq_degenerate": ("卡方检验无法进行", "χ² test not possible"),
    "n_factors_disagree": ("因子数判断准则不一致", "factor-retention rules disagree"),
    "n_factors_capped": ("因子数被截断", "number of factors capped"),
    "heywood_case": ("Heywood 个案（负方差）", "Heywood case (negative variance)"),
    "std_loading_above_one": ("标准化载荷大于 1", "standardized loading above 1"),
    "negative_loading": ("负载荷", "negative loading"),
    "not_converged": ("模型未收敛", "model did not converge"),
    "one_factor_not_converged": ("单因子模型未收敛", "one-factor model did not converge"),
    "efa_not_converged": ("因子分析未收敛", "EFA did not converge"),
    "rotation_not_converged": ("因子旋转未收敛", "rotation did not converge"),
    "sample_cov_not_pd": ("样本协方差矩阵非正定", "sample covariance not positive definite"),
    "latent_cov_not_pd": ("潜变量协方差矩阵非正定", "latent covariance not positive definite"),
    "latent_cor_near_one": ("潜变量相关接近 1", "latent correlation near 1"),
    "information_singular": ("信息矩阵奇异，标准误不可靠", "singular information matrix"),
    "singular_correlation": ("相关矩阵奇异", "singular correlation matrix"),
    "collinear_items": ("题项共线", "collinear items"),
    "bootstrap_failed": ("部分 Bootstrap 样本未收敛", "failed bootstrap samples"),
    "bootstrap_inadmissible": ("部分 Bootstrap 解不可接受", "inadmissible bootstrap solutions"),
    "low_kmo": ("KMO 偏低", "low KMO"),
    "small_sample": ("样本量偏小", "small sample"),
    "listwise_deletion": ("按列表删除缺失值", "listwise deletion"),
    "mardia_listwise": ("Mardia 检验按列表删除", "Mardia test on complete cases"),
    "mardia_singular": ("Mardia 检验无法计算", "Mardia test not possible"),
    "common_method_bias": ("共同方法偏差", "common-method bias"),
    "constant_item": ("题项无变异", "constant item"),
    "duplicate_item": ("题项重复", "duplicate item"),
    "two_item_construct": ("构念只有两个题项", "two-item construct"),
    "reliability_undefined": ("信度无法计算", "reliability undefined"),
    "htmt_negative_correlation": ("HTMT 中出现负相关", "negative correlation in HTMT"),
    "membership_no_none": ("会员题没有“未开通”选项", "membership question has no 'none' option"),
    "indicator_no_data": ("指标没有数据", "indicator has no data"),
    "baseline_indicator_missing": ("上一期缺少该指标", "indicator missing in one wave"),
    "baseline_construct_unmatched": ("两期构念不匹配", "construct not in both waves"),
    "baseline_instrument_mismatch": ("两期问卷不一致", "different instruments in the two waves"),
    "baseline_scale_mismatch": ("两期量表不一致", "different scales in the two waves"),
    "baseline_degenerate": ("对比检验无法进行", "comparison not possible"),
    "baseline_no_constructs": ("两期没有共同构念", "no construct in both waves"),
}
ALPHA_MIN, CR_MIN, AVE_MIN, HTMT_MAX, HARMAN_MAX, KMO_MIN = 0.70, 0.70, 0.50, 0.85, 50.0, 0.60
# The four strategy headings of the outline (chapter 4) and the constructs each one acts on.
STRATEGY_AREAS = ("product_service", "programme", "brand", "personal")
AREA_OF_CONSTRUCT = {"PQ": "product_service", "SQ": "product_service", "PR": "programme", "CS": "programme",
                     "BI": "brand", "EX": "personal"}


@dataclass
class ReportContext:
    """What the templates see (``values``), the tables and the figure specs they point to."""

    lang: str
    title: str
    values: dict
    tables: dict[str, Table]
    figures: dict[str, FigureSpec] = field(default_factory=dict)


def _get(d, *keys):
    """``d[k1][k2]…`` or None when any level is missing or not a mapping."""
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def _number(x):
    """``x`` as a float when it is a number or a numeric string ("1.0"), else None."""
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def _plain(x) -> str:
    """Respondent-supplied text on one line, with the template markers ``[[...]]`` defused."""
    if x is None:
        return ""
    return " ".join(str(x).split()).replace("[[", "[\u200b[").replace("]]", "]\u200b]")


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


class _Lang:
    def __init__(self, lang: str):
        self.lang = lang

    def __call__(self, zh: str, en: str) -> str:
        return zh if self.lang == "zh" else en


class _Builder:
    def __init__(self, results: dict, instrument: Instrument, lang: str):
        self.r = results if isinstance(results, dict) else {}
        self.inst = instrument
        self.lang = lang
        self.t = _Lang(lang)
        self.tables = TableSet()
        self.figures: dict[str, FigureSpec] = {}
        self.v: dict = {"lang": lang}
        # findings shared between sections, filled as the sections are built
        self.n = None
        self.harman = None
        self.kmo = None
        self.alpha_range = None
        self.cfa_fit = self.sem_fit = None
        self.paths: list[dict] = []
        self.r2: dict = {}
        self.priorities: list[dict] = []
        self.indicator_values: dict[str, str] = {}
        self.construct_means: dict[str, float] = {}
        self.supported: list[str] = []
        self.rejected: list[str] = []
        self.sig_mediation: list[str] = []
        self.rel_failures: list[str] = []
        self.validity_failures: list[str] = []
        self.fit_failures: list[str] = []
        self.low_loadings: list[str] = []

    # ------------------------------------------------------------------ helpers
    def na(self, reason_zh: str, reason_en: str) -> str:
        return ts.not_computed(self.t(reason_zh, reason_en), self.lang)

    def missing_reason(self, key: str) -> str:
        return self.t(f"results.json 中没有 {key} 部分", f"results.json has no '{key}' section")

    def cr(self, cid: str):
        v = _get(self.r, "reliability", cid, "cr")
        return v if ts.is_number(v) else _get(self.r, "validity", "cr", cid)

    def ave(self, cid: str):
        v = _get(self.r, "reliability", cid, "ave")
        return v if ts.is_number(v) else _get(self.r, "validity", "ave", cid)

    def name(self, cid: str) -> str:
        if cid is None:
            return ts.DASH
        try:
            return self.inst.construct(cid).name.get(self.lang)
        except StopIteration:
            return str(cid)

    def name_id(self, cid: str) -> str:
        return f"{self.name(cid)}（{cid}）" if self.lang == "zh" else f"{self.name(cid)} ({cid})"

    def add_table(self, key: str, caption: str, header: list[str], rows: list[list[Cell]],
                  notes: list[str] | None = None, missing: str | None = None) -> str:
        if missing is not None or not rows:
            reason = missing or self.t("没有可列出的结果", "no rows to show")
            return self.tables.add(missing_table(key, caption, ts.not_computed(reason, self.lang)))
        return self.tables.add(make_table(key, caption, header, rows, notes))

    def add_figure(self, key: str, kind: str, caption: str, data: dict | None, missing: str | None = None) -> str:
        if missing is not None or data is None:
            reason = missing or self.t("没有可绘制的结果", "nothing to draw")
            self.figures[key] = FigureSpec(key, kind, caption, {}, ts.not_computed(reason, self.lang))
        else:
            self.figures[key] = FigureSpec(key, kind, caption, data)
        return f"[[figure:{key}]]"

    def ref(self, key: str) -> str:
        return f"[[ref:{key}]]"

    @property
    def constructs(self) -> list[str]:
        return [c.id for c in self.inst.constructs]

    @property
    def drivers(self) -> list[str]:
        declared = [c.id for c in self.inst.constructs if c.role == "driver"]
        if declared:
            return declared
        endogenous = {reg.lhs for reg in self.inst.structural}
        return [c for c in self.constructs if c not in endogenous]

    @property
    def outcome(self) -> str | None:
        return self.inst.outcome or (self.inst.structural[-1].lhs if self.inst.structural else None)

    def question_label(self, question_id: str, code) -> str:
        q = next((q for q in self.inst.questions if q.id == question_id), None)
        if q is None:
            return str(code)
        option = next((o for o in q.options if str(o.code) == str(code) or
                       (ts.is_number(_number(code)) and o.code == _number(code))), None)
        return option.label.get(self.lang) if option else str(code)

    # ------------------------------------------------------------------ build
    def build(self) -> ReportContext:
        self.v["title"] = self.inst.title.get(self.lang)
        self.v["table"] = {}
        self.v["figure"] = {}
        self.sample()
        self.diagnostics()
        self.indicators()
        self.descriptives()
        self.reliability()
        self.efa()
        self.cfa()
        self.validity()
        self.fit()
        self.sem()
        self.ipma()
        self.problems()
        self.strategies()
        self.plan()
        self.indicator_system()
        self.limitations()
        self.model_figures()
        self.conclusions()
        self.abstract()
        self.theory()
        self.references()
        self.v["table"] = {k: f"[[table:{k}]]" for k in self.tables.tables}
        self.v["figure"] = {k: f"[[figure:{k}]]" for k in self.figures}
        self.v["ref"] = {k: self.ref(k) for k in [*self.tables.tables, *self.figures]}
        meta = _get(self.r, "meta") or {}
        self.v["meta"] = {k: ts.integer(meta.get(k)) for k in ("n_raw", "n_excluded", "n_analyzed", "bootstrap", "seed")}
        self.v["meta"]["n_kept"] = ts.integer(meta.get("n_kept") if ts.is_number(meta.get("n_kept")) else meta.get("n_analyzed"))
        return ReportContext(self.lang, self.v["title"], self.v, dict(self.tables.tables), dict(self.figures))

    # ------------------------------------------------------------------ chapter 3.1: sample
    def sample(self) -> None:
        t, meta = self.t, _get(self.r, "meta") or {}
        n_raw, n_excl, n = meta.get("n_raw"), meta.get("n_excluded"), meta.get("n_analyzed")
        kept = meta.get("n_kept") if ts.is_number(meta.get("n_kept")) else n
        s = {}
        n_items = len(self.inst.item_ids)
        s["design"] = t(
            f"问卷《{self.inst.title.get('zh')}》由两部分组成：第一部分为{len(self.inst.questions)}道个人背景与购物行为题目，"
            f"第二部分以{self.inst.scale.max - self.inst.scale.min + 1}级李克特量表测量{len(self.constructs)}个构念共{n_items}个题项"
            f"（{ts.join([self.name_id(c) for c in self.constructs], 'zh')}），各构念的题项改编自成熟量表，"
            f"并设置了{len(self.inst.attention_checks)}道注意力检测题，问卷全文见附录。",
            f"The questionnaire \"{self.inst.title.get('en')}\" has two parts: {len(self.inst.questions)} questions on "
            f"the respondent's background and shopping behaviour, and {n_items} items on a "
            f"{self.inst.scale.max - self.inst.scale.min + 1}-point Likert scale measuring {len(self.constructs)} "
            f"constructs ({ts.join([self.name_id(c) for c in self.constructs], 'en')}), adapted from published "
            f"scales, with {len(self.inst.attention_checks)} attention-check item(s); the full questionnaire is in "
            f"the appendix.")
        if ts.is_number(n_raw) and ts.is_number(n):
            s["sample"] = t(
                f"共回收问卷{ts.integer(n_raw)}份，按预先设定的规则剔除{ts.integer(n_excl)}份"
                f"（{ts.share(n_excl / n_raw if n_raw else None)}），最终有效样本为{ts.integer(kept)}份。",
                f"Of {ts.integer(n_raw)} questionnaires returned, {ts.integer(n_excl)} "
                f"({ts.share(n_excl / n_raw if n_raw else None)}) were excluded by pre-set rules, leaving "
                f"{ts.integer(kept)} valid responses.")
        else:
            s["sample"] = self.na("缺少样本量信息（meta）", "sample sizes (meta) are missing")
        self.n = n
        # exclusions by rule
        excl = _get(self.r, "exclusions")
        rule_names = {"attention_check": t("注意力检测题作答错误", "failed the attention check"),
                      "speeder": t("作答时间过短", "completed too fast"),
                      "straightliner": t("所有题项选择同一选项", "straight-lining"),
                      "duplicate": t("重复提交", "duplicate submission"),
                      "duplicate_answers": t("重复提交（答案完全相同）", "duplicate answers"),
                      "duplicate_id": t("编号重复", "duplicate respondent id"),
                      "straight_lining": t("所有题项选择同一选项", "straight-lining"),
                      "too_many_missing": t("缺失过多", "too many missing answers"),
                      "missing": t("缺失过多", "too many missing answers"),
                      "out_of_range": t("取值超出范围", "out-of-range answers")}
        if isinstance(excl, list):
            counts: dict[str, int] = {}
            for e in excl:
                rule = str(e.get("rule", "other")) if isinstance(e, dict) else "other"
                counts[rule] = counts.get(rule, 0) + 1
            rows = [[text_cell(rule_names.get(k, k)), cell(ts.integer(v), v),
                     cell(ts.share(v / n_raw if ts.is_number(n_raw) and n_raw else None), None)]
                    for k, v in sorted(counts.items(), key=lambda kv: -kv[1])]
            s["exclusions"] = (t("剔除原因及数量见", "Reasons for exclusion are listed in ") + self.ref("exclusions")
                               + t("。", ".")) if rows else t("没有问卷被剔除。", "No questionnaire was excluded.")
            self.add_table("exclusions", t("无效问卷剔除原因", "Exclusions by reason"),
                           [t("剔除原因", "Reason"), t("份数", "n"), t("占回收问卷比例", "% of returned")], rows,
                           missing=None if rows else t("没有问卷被剔除", "no questionnaire was excluded"))
        else:
            s["exclusions"] = self.na("缺少剔除记录", "the exclusion log is missing")
            self.add_table("exclusions", t("无效问卷剔除原因", "Exclusions by reason"), [], [],
                           missing=self.missing_reason("exclusions"))
        s["privacy"] = self.privacy_text()
        missing = _get(self.r, "missing")
        pct = _get(missing, "pct_missing_cells")
        listwise = _get(missing, "n_dropped_listwise")
        if ts.is_number(listwise):
            s["missing"] = t(f"另有{ts.integer(listwise)}名受访者（{ts.percent(_get(missing, 'pct_dropped_listwise'))}）存在个别缺失答案，"
                             f"在因子分析与结构方程模型中按列表删除，模型样本量为{ts.integer(_get(missing, 'n_listwise'))}。",
                             f"{ts.integer(listwise)} respondents ({ts.percent(_get(missing, 'pct_dropped_listwise'))}) with a few "
                             f"missing answers were left out of the factor analyses and the SEM (listwise), which use "
                             f"n = {ts.integer(_get(missing, 'n_listwise'))}.")
        elif ts.is_number(pct):
            method = _get(missing, "method") or t("成对删除", "available cases")
            s["missing"] = t(f"有效样本中缺失答案占全部题项单元格的{ts.percent(pct, 2)}，分析时以{method}处理。",
                             f"Missing answers make up {ts.percent(pct, 2)} of the item cells of the analysed sample; "
                             f"they were handled by {method}.")
        else:
            s["missing"] = ""
        # sample profile
        profile = _get(self.r, "descriptives", "profile") or _get(self.r, "profile") or _get(self.r, "sample")
        if isinstance(profile, list):
            profile = {p.get("question"): p for p in profile if isinstance(p, dict)}
        rows = []
        if isinstance(profile, dict):
            for q in self.inst.questions:
                table = profile.get(q.id)
                if not isinstance(table, dict):
                    continue
                for k, c in enumerate(table.get("categories") or []):
                    pct = c.get("valid_percent", c.get("percent"))
                    rows.append([cell(q.text.get(self.lang) if k == 0 else ""),
                                 text_cell(self.question_label(q.id, c.get("code")) if c.get("code") is not None
                                           else c.get("label")),
                                 cell(ts.integer(c.get("count")), c.get("count")), cell(ts.percent(pct), pct)])
        s["profile"] = (t("样本的人口统计特征见", "The sample profile is shown in ") + self.ref("sample_profile")
                        + t("。", ".")) if rows else ""
        self.add_table("sample_profile", t("样本基本特征", "Sample profile"),
                       [t("变量", "Variable"), t("类别", "Category"), t("人数", "n"), t("百分比", "%")], rows,
                       missing=None if rows else self.missing_reason("descriptives.profile"))
        s["open_answers"] = self.open_answers()
        self.v["sample"] = s

    def privacy_text(self) -> str:
        """What the privacy screen removed: the personal-data columns (by header and kind) and masked cells."""
        t = self.t
        dropped = _get(self.r, "privacy", "dropped_personal_columns")
        if dropped is None:
            dropped = _get(self.r, "input", "dropped_personal_columns")
        masked = _get(self.r, "privacy", "masked_cells")
        kinds = {"phone": t("手机号", "phone number"), "email": t("电子邮箱", "e-mail address"),
                 "id_card": t("身份证号", "ID-card number"), "name": t("姓名", "name"), "address": t("地址", "address"),
                 "ip": t("IP 地址", "IP address"), "wechat": t("微信号", "WeChat id"), "qq": "QQ",
                 "bank_card": t("银行卡号", "bank-card number")}
        described = []
        for col in dropped if isinstance(dropped, list) else []:
            if isinstance(col, dict):
                kind = col.get("kind")
                described.append(f"“{_plain(col.get('header'))}”（{kinds.get(kind, _plain(kind))}）" if self.lang == "zh"
                                 else f"\"{_plain(col.get('header'))}\" ({kinds.get(kind, _plain(kind))})")
            elif col is not None:
                described.append(_plain(col))
        text = (t(f"为保护受访者隐私，{len(described)}个含个人信息的列在分析前已被删除，且从未被复制到任何输出中：{'、'.join(described)}。",
                  f"To protect respondents, {len(described)} column(s) with personal data were removed before the analysis "
                  f"and never copied into any output: {', '.join(described)}.")
                if described else t("数据中未发现含个人信息的列。", "No column with personal data was found in the data."))
        if ts.is_number(masked) and masked > 0:
            text += t(f"另有{ts.integer(masked)}个单元格中的个人信息（如手机号、邮箱）已被遮蔽。",
                      f" Personal data in {ts.integer(masked)} further cell(s) (phone numbers, e-mail addresses) were masked.")
        return text

    def open_answers(self) -> list[dict]:
        """Per free-text question: its wording, the number of answers and a sample of them (escaped at render)."""
        t = self.t
        answers = _get(self.r, "text_answers")
        out = []
        if not isinstance(answers, dict):
            return out
        for qid, values in answers.items():
            texts = [_plain(a) for a in values if _plain(a)] if isinstance(values, list) else []
            if not texts:
                continue
            unique = list(dict.fromkeys(texts))
            q = next((q for q in self.inst.questions if q.id == qid), None)
            label = q.text.get(self.lang) if q is not None else _plain(qid)
            shown = unique[:OPEN_ANSWERS_SHOWN]
            out.append({"question": label, "count": ts.integer(len(texts)), "answers": shown,
                        "intro": t(f"开放题“{label}”共收到{ts.integer(len(texts))}条回答（{ts.integer(len(unique))}条不重复）"
                                   + (f"，以下列出其中{len(shown)}条：" if len(shown) < len(unique) else "，全部列出如下："),
                                   f"The open question \"{label}\" received {ts.integer(len(texts))} answers "
                                   f"({ts.integer(len(unique))} distinct)"
                                   + (f"; {len(shown)} of them:" if len(shown) < len(unique) else "; all of them:"))})
        return out

    def diagnostics(self) -> None:
        """Every record of ``results.warnings`` in one table (code, stage, message)."""
        t = self.t
        records = [w for w in (_get(self.r, "warnings") or []) if isinstance(w, dict) and w.get("message")]
        self.warning_count = len(records)
        rows = [[cell(ts.integer(k + 1), k + 1), text_cell(_plain(w.get("code"))),
                 text_cell(DIAGNOSTIC_NAMES.get(w.get("code"), ("", ""))[0 if self.lang == "zh" else 1] or ts.DASH),
                 text_cell(_plain(w.get("message")))] for k, w in enumerate(records)]
        self.add_table("diagnostics", t("分析诊断提示", "Diagnostics raised by the analysis"),
                       [t("序号", "No."), t("代码", "Code"), t("含义", "Meaning"), t("详细信息", "Message")], rows,
                       notes=[t("注：诊断提示由分析程序自动记录，不影响其余结果的计算，但解释相关结果时应予以考虑。",
                                "Note. Diagnostics are recorded by the analysis; they do not stop it, but the results they "
                                "concern must be read with them in mind.")],
                       missing=None if rows else t("分析过程中没有产生诊断提示", "the analysis raised no diagnostic"))
        self.v["diagnostics"] = {"count": len(records), "text": t(
            f"分析过程中共产生{len(records)}条诊断提示，逐条列于{self.ref('diagnostics')}，其对结论的影响在第七章的研究不足中讨论。",
            f"The analysis raised {len(records)} diagnostic(s), listed in {self.ref('diagnostics')}; chapter 7 discusses "
            f"what they mean for the conclusions.") if records else
            t("分析过程中没有产生任何诊断提示（如不收敛、Heywood 个案、非正定矩阵等）。",
              "The analysis raised no diagnostic (no convergence failure, Heywood case or non-positive-definite matrix).")}

    # ------------------------------------------------------------------ chapter 3.2: loyalty indicators
    def indicators(self) -> None:
        t = self.t
        ind = _get(self.r, "indicators")
        s = {}
        names = {"nps": t("净推荐值（NPS）", "Net Promoter Score (NPS)"),
                 "repeat_purchase": t("重复购买率", "Repeat-purchase rate"),
                 "membership": t("付费会员比例", "Paid-membership share")}
        self.indicator_values: dict[str, str] = {}
        if not isinstance(ind, dict):
            reason = self.missing_reason("indicators")
            s["overall"] = ts.not_computed(reason, self.lang)
            s["by_platform"] = ""
            self.add_table("indicators", t("顾客忠诚度总体指标", "Loyalty indicators"), [], [], missing=reason)
            self.add_table("indicators_by_platform", t("各平台忠诚度指标比较", "Loyalty indicators by platform"),
                           [], [], missing=reason)
            self.v["indicators"] = s
            return
        rows, texts = [], []
        for key in ("nps", "repeat_purchase", "membership"):
            res = ind.get(key) or (ind.get("paid_membership") if key == "membership" else None)
            ov = _get(res, "overall")
            if not isinstance(ov, dict):
                continue
            if key == "nps":
                value, interval = ts.num(ov.get("nps"), 1), ts.ci(ov.get("ci_lower"), ov.get("ci_upper"), 1, False)
                raw = ov.get("nps")
                detail = t(f"推荐者{ts.percent(ov.get('promoters_pct'))}，贬损者{ts.percent(ov.get('detractors_pct'))}",
                           f"promoters {ts.percent(ov.get('promoters_pct'))}, detractors {ts.percent(ov.get('detractors_pct'))}")
            else:
                value, interval = ts.share(ov.get("proportion")), ts.ci_percent(ov.get("ci_lower"), ov.get("ci_upper"))
                raw = ov.get("proportion")
                detail = t(f"{ts.integer(ov.get('count'))}/{ts.integer(ov.get('n'))}人",
                           f"{ts.integer(ov.get('count'))} of {ts.integer(ov.get('n'))}")
            self.indicator_values[key] = value
            rows.append([text_cell(names[key]), cell(value, raw), text_cell(interval), cell(ts.integer(ov.get("n")),
                                                                                             ov.get("n")),
                         text_cell(detail)])
            texts.append(t(f"{names[key]}为{value}（95% CI {interval}）", f"the {names[key]} is {value} (95% CI {interval})"))
        s["overall"] = (t("样本的", "In the sample, ") + ts.join(texts, self.lang)
                        + t("，详见", "; see ") + self.ref("indicators") + t("。", ".")) if texts else \
            self.na("指标结果为空", "the indicator results are empty")
        self.add_table("indicators", t("顾客忠诚度总体指标", "Loyalty indicators"),
                       [t("指标", "Indicator"), t("数值", "Value"), "95% CI", "n", t("说明", "Detail")], rows,
                       notes=[t("注：NPS = 推荐者（9–10分）比例 − 贬损者（0–6分）比例；比例的置信区间为 Wilson 区间。",
                                "Note. NPS = % promoters (9–10) − % detractors (0–6); CIs of shares are Wilson intervals.")])
        platform_q = self.inst.question_by_role("platform")
        by_rows, tests = [], []
        groups: list[str] = []
        for key in ("nps", "repeat_purchase", "membership"):
            res = ind.get(key) or (ind.get("paid_membership") if key == "membership" else None)
            for g in (_get(res, "by_group") or {}):
                if g not in groups:
                    groups.append(g)
        for g in groups:
            row = [text_cell(self.question_label(platform_q.id, g) if platform_q else g)]
            n_group = None
            for key in ("nps", "repeat_purchase", "membership"):
                res = ind.get(key) or (ind.get("paid_membership") if key == "membership" else None)
                est = _get(res, "by_group", g)
                if key == "nps":
                    row.append(cell(ts.num(_get(est, "nps"), 1), _get(est, "nps")))
                else:
                    row.append(cell(ts.share(_get(est, "proportion")), _get(est, "proportion")))
                n_group = n_group or _get(est, "n")
            row.insert(1, cell(ts.integer(n_group), n_group))
            by_rows.append(row)
        test_row = [text_cell(t("χ² 检验", "χ² test")), cell("")]
        for key in ("nps", "repeat_purchase", "membership"):
            res = ind.get(key) or (ind.get("paid_membership") if key == "membership" else None)
            test = _get(res, "test")
            if isinstance(test, dict):
                text = f"{ts.chisq(test.get('statistic'), test.get('df'))}, {ts.p_text(test.get('pvalue'))}"
                tests.append(t(f"{names[key]}：{text}", f"{names[key]}: {text}"))
                test_row.append(text_cell(text))
            else:
                test_row.append(text_cell(ts.DASH))
        if by_rows:
            by_rows.append(test_row)
        s["by_platform"] = (t("按最常用平台分组的结果见", "Results by main platform are in ") + self.ref("indicators_by_platform")
                            + t("；平台间差异的卡方检验结果为：", "; χ² tests of the differences between platforms: ")
                            + t("；", "; ").join(tests) + t("。", ".")) if by_rows else ""
        self.add_table("indicators_by_platform", t("各平台忠诚度指标比较", "Loyalty indicators by platform"),
                       [t("平台", "Platform"), "n", "NPS", t("重复购买率", "Repeat purchase"),
                        t("付费会员比例", "Paid membership")], by_rows,
                       missing=None if by_rows else t("结果中没有按平台分组的指标", "no indicator by platform in the results"))
        self.v["indicators"] = s

    # ------------------------------------------------------------------ chapter 3.3: descriptives
    def descriptives(self) -> None:
        t = self.t
        items = _get(self.r, "descriptives", "items")
        constructs = _get(self.r, "descriptives", "constructs")
        s = {}
        rows = []
        if isinstance(items, dict):
            for c in self.inst.constructs:
                for it in c.items:
                    d = items.get(it.id)
                    if not isinstance(d, dict):
                        continue
                    rows.append([text_cell(it.id), text_cell(it.text.get(self.lang) + (t("（反向）", " (R)") if it.reverse else "")),
                                 cell(ts.num(d.get("mean")), d.get("mean")), cell(ts.num(d.get("sd")), d.get("sd")),
                                 cell(ts.num(d.get("skew")), d.get("skew")), cell(ts.num(d.get("kurtosis")), d.get("kurtosis"))])
        self.add_table("item_descriptives", t("测量题项的描述性统计", "Item descriptive statistics"),
                       [t("题项", "Item"), t("内容", "Wording"), "M", "SD", t("偏度", "Skewness"), t("峰度", "Kurtosis")],
                       rows, notes=[t("注：反向题已重新编码。", "Note. Reverse-worded items (R) were recoded.")],
                       missing=None if rows else self.missing_reason("descriptives.items"))
        skews = [abs(d.get("skew")) for d in (items or {}).values() if isinstance(d, dict) and ts.is_number(d.get("skew"))]
        kurts = [abs(d.get("kurtosis")) for d in (items or {}).values() if isinstance(d, dict) and ts.is_number(d.get("kurtosis"))]
        self.max_skew = max(skews) if skews else None
        self.max_kurt = max(kurts) if kurts else None
        if skews and kurts:
            s["item_text"] = t(f"各题项的描述性统计见{self.ref('item_descriptives')}。偏度绝对值最大为{ts.num(max(skews))}，"
                           f"峰度绝对值最大为{ts.num(max(kurts))}，"
                           + ("均在 Kline（2016）建议的|偏度| < 3、|峰度| < 10 范围内，可视为近似正态。"
                              if max(skews) < 3 and max(kurts) < 10 else "超出 Kline（2016）建议的范围，数据偏离正态。"),
                           f"Item statistics are in {self.ref('item_descriptives')}. The largest absolute skewness is "
                           f"{ts.num(max(skews))} and the largest absolute kurtosis {ts.num(max(kurts))}; "
                           + ("both within Kline's (2016) limits of 3 and 10, so the items are close enough to normal."
                              if max(skews) < 3 and max(kurts) < 10 else "beyond Kline's (2016) limits: the data are not normal."))
        else:
            s["item_text"] = ts.not_computed(self.missing_reason("descriptives.items"), self.lang)
        # construct means
        rows, fig_rows = [], []
        self.construct_means: dict[str, float] = {}
        mid = (self.inst.scale.min + self.inst.scale.max) / 2
        if isinstance(constructs, dict):
            for c in self.constructs:
                d = constructs.get(c)
                if not isinstance(d, dict) or not ts.is_number(d.get("mean")):
                    continue
                m, sd = d.get("mean"), d.get("sd")
                self.construct_means[c] = m
                lo, hi = d.get("ci_lower"), d.get("ci_upper")
                rows.append([text_cell(self.name_id(c)), cell(ts.integer(d.get("n")), d.get("n")), cell(ts.num(m), m),
                             cell(ts.num(sd), sd), text_cell(ts.ci(lo, hi, 2, False))])
                has_ci = ts.is_number(lo) and ts.is_number(hi)
                if not has_ci and ts.is_number(sd):
                    lo, hi = m - sd, m + sd
                if ts.is_number(lo) and ts.is_number(hi):
                    fig_rows.append({"label": self.name(c), "mean": m, "lower": lo, "upper": hi, "text": ts.num(m),
                                     "ci": has_ci})
        header = [t("构念", "Construct"), "n", "M", "SD", "95% CI"]
        if rows and all(r[4].text == ts.DASH for r in rows):
            header, rows = header[:4], [r[:4] for r in rows]
        self.add_table("construct_descriptives", t("各构念得分的描述性统计", "Construct mean scores"), header, rows,
                       missing=None if rows else self.missing_reason("descriptives.constructs"))
        if self.construct_means:
            ranked = sorted(self.construct_means, key=self.construct_means.get)
            low, high = ranked[0], ranked[-1]
            s["constructs"] = t(
                f"各构念均值见{self.ref('construct_descriptives')}与{self.ref('construct_means')}：得分最高的是{self.name(high)}"
                f"（M = {ts.num(self.construct_means[high])}），最低的是{self.name(low)}（M = {ts.num(self.construct_means[low])}），"
                f"量表中点为{ts.num(mid, 1)}。",
                f"Construct means are in {self.ref('construct_descriptives')} and {self.ref('construct_means')}: "
                f"{self.name(high)} scores highest (M = {ts.num(self.construct_means[high])}) and {self.name(low)} lowest "
                f"(M = {ts.num(self.construct_means[low])}); the scale midpoint is {ts.num(mid, 1)}.")
        else:
            s["constructs"] = ts.not_computed(self.missing_reason("descriptives.constructs"), self.lang)
        all_ci = all(r["ci"] for r in fig_rows)
        self.add_figure("construct_means", "construct_means",
                        t("各构念均值及其", "Construct means with ") + (t("95%置信区间", "95% CIs") if all_ci else t("±1个标准差", "±1 SD")),
                        {"rows": fig_rows, "scale_min": self.inst.scale.min, "scale_max": self.inst.scale.max,
                         "midpoint": mid, "xlabel": t("均值", "Mean")} if fig_rows else None,
                        missing=None if fig_rows else self.missing_reason("descriptives.constructs"))
        # Likert figure
        groups = []
        if isinstance(items, dict):
            for c in self.inst.constructs:
                its = []
                for it in c.items:
                    shares = _get(items, it.id, "shares")
                    if isinstance(shares, dict):
                        vals = [shares.get(str(p)) for p in c.scale.points]
                        if all(ts.is_number(v) for v in vals):
                            its.append({"label": it.id, "shares": vals})
                if its:
                    groups.append({"label": self.name(c.id), "items": its})
        labels = list(self.inst.scale.labels.get(self.lang) or self.inst.scale.labels.get("zh") or
                      [str(p) for p in self.inst.scale.points])
        self.add_figure("likert", "likert", t("各题项回答分布（发散堆积条形图）", "Answer distribution per item (diverging bars)"),
                        {"groups": groups, "scale_labels": labels, "xlabel": t("回答比例（%）", "Share of answers (%)")}
                        if groups else None, missing=None if groups else self.missing_reason("descriptives.items.shares"))
        s["likert"] = t(f"各题项的回答分布见{self.ref('likert')}。", f"The distribution of answers per item is shown in {self.ref('likert')}.") \
            if groups else ""
        self.v["descriptives"] = s

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
        self.kmo = kmo
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
        for iid in self.inst.item_ids:
            vals = loadings.get(iid)
            if isinstance(vals, list) and len(vals) == len(header) - 1:
                lrows.append([text_cell(iid)] + [cell(ts.bounded(v, 2) if ts.is_number(v) and abs(v) >= 0.30 else "",
                                                      v) for v in vals])
        self.add_table("efa_loadings", t("探索性因子分析旋转后的因子载荷", "EFA: rotated loadings"), header, lrows,
                       notes=[t(f"注：提取方法 {efa.get('method') or ts.DASH}，旋转方法 {efa.get('rotation') or ts.DASH}；"
                                f"绝对值小于 .30 的载荷未列出。",
                                f"Note. Extraction: {efa.get('method') or ts.DASH}; rotation: {efa.get('rotation') or ts.DASH}; "
                                f"loadings below .30 in absolute value are omitted.")],
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
        self.low_loadings = low
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
        import math
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

    # ------------------------------------------------------------------ chapter 4: IPMA
    def ipma(self) -> None:
        t = self.t
        entries = [e for e in (_get(self.r, "ipma") or []) if isinstance(e, dict)
                   and ts.is_number(e.get("importance")) and ts.is_number(e.get("performance"))]
        self.priorities: list[dict] = []
        if not entries:
            reason = self.missing_reason("ipma")
            self.add_table("ipma", t("重要性–绩效分析（IPMA）", "Importance–performance map (IPMA)"), [], [], missing=reason)
            self.add_figure("ipma_map", "ipma", t("重要性–绩效矩阵", "Importance–performance map"), None, missing=reason)
            self.v["ipma"] = {"text": ts.not_computed(reason, self.lang)}
            return
        mi = sum(e["importance"] for e in entries) / len(entries)
        mp = sum(e["performance"] for e in entries) / len(entries)
        quadrant_names = {0: t("优先改进", "improve first"), 1: t("继续保持", "keep up the good work"),
                          2: t("次要改进", "low priority"), 3: t("可能过度投入", "possible overkill")}
        for e in entries:
            hi_imp, hi_perf = e["importance"] >= mi, e["performance"] >= mp
            q = QUADRANTS.get(e.get("quadrant"), 0 if hi_imp and not hi_perf else 1 if hi_imp else 2 if not hi_perf else 3)
            self.priorities.append({"construct": e["construct"], "importance": e["importance"],
                                    "performance": e["performance"], "quadrant": q, "quadrant_name": quadrant_names[q]})
        self.priorities.sort(key=lambda p: (p["quadrant"], -p["importance"]))
        given = {e["construct"]: e.get("priority") for e in entries}
        if all(ts.is_number(v) for v in given.values()):
            self.priorities.sort(key=lambda p: given[p["construct"]])
        rows = [[cell(ts.integer(k + 1), k + 1), text_cell(self.name_id(p["construct"])),
                 cell(ts.num(p["importance"], 3), p["importance"]), cell(ts.num(p["performance"], 1), p["performance"]),
                 text_cell(p["quadrant_name"])] for k, p in enumerate(self.priorities)]
        self.add_table("ipma", t("重要性–绩效分析（IPMA）与改进优先级", "Importance–performance analysis (IPMA) and priorities"),
                       [t("优先级", "Priority"), t("构念", "Construct"), t("重要性（总效应）", "Importance (total effect)"),
                        t("绩效（0–100）", "Performance (0–100)"), t("象限", "Quadrant")], rows,
                       notes=[t(f"注：重要性为对{self.name(self.outcome) if self.outcome else '结果变量'}的总效应；绩效为构念均值换算到 0–100；"
                                f"象限以平均重要性（{ts.num(mi, 3)}）与平均绩效（{ts.num(mp, 1)}）划分（Ringle & Sarstedt, 2016）。",
                                f"Note. Importance is the total effect on {self.name(self.outcome) if self.outcome else 'the outcome'}; "
                                f"performance the construct mean rescaled to 0–100; quadrants split at the mean importance "
                                f"({ts.num(mi, 3)}) and mean performance ({ts.num(mp, 1)}) (Ringle & Sarstedt, 2016).")])
        points = [{"label": self.name(p["construct"]), "importance": p["importance"], "performance": p["performance"],
                   "priority": p["quadrant"] == 0} for p in self.priorities]
        self.add_figure("ipma_map", "ipma", t("重要性–绩效矩阵（IPMA）", "Importance–performance map (IPMA)"),
                        {"points": points, "mean_importance": mi, "mean_performance": mp,
                         "xlabel": t("重要性（对忠诚度的总效应）", "Importance (total effect on loyalty)"),
                         "ylabel": t("绩效（0–100）", "Performance (0–100)"),
                         "quadrant_note": t("右下象限：优先改进", "lower right: improve first")})
        first = [p for p in self.priorities if p["quadrant"] == 0]
        self.v["ipma"] = {"text": t(
            f"以对{self.name(self.outcome) if self.outcome else '忠诚度'}的总效应为重要性、以构念均值换算的 0–100 分为绩效，"
            f"得到重要性–绩效矩阵（{self.ref('ipma_map')}、{self.ref('ipma')}）。"
            + (f"{ts.join([self.name(p['construct']) for p in first], 'zh')}重要性高而绩效低，是最需要优先改进的领域；"
               if first else "没有构念同时处于高重要性、低绩效的象限；")
            + "以下策略按此优先级排列。",
            f"Taking the total effect on {self.name(self.outcome) if self.outcome else 'loyalty'} as importance and the construct "
            f"mean rescaled to 0–100 as performance gives the importance–performance map ({self.ref('ipma_map')}, {self.ref('ipma')}). "
            + (f"{ts.join([self.name(p['construct']) for p in first], 'en')} combine(s) high importance with low performance and come(s) first; "
               if first else "No construct combines high importance with low performance; ")
            + "the strategies below follow this order.")}

    # ------------------------------------------------------------------ chapter 3: problems
    def problems(self) -> None:
        t = self.t
        items = []
        weak = [p for p in self.paths if p.get("supported") is False]
        if weak:
            items.append(t(
                "驱动作用不显著：" + "；".join(f"{self.name(p.get('rhs'))}对{self.name(p.get('lhs'))}的影响不显著"
                                         f"（β = {ts.bounded(p.get('std_all'))}，{ts.p_text(p.get('pvalue'))}）" for p in weak) + "。",
                "Weak drivers: " + "; ".join(f"{self.name(p.get('rhs'))} has no significant effect on {self.name(p.get('lhs'))} "
                                             f"(β = {ts.bounded(p.get('std_all'))}, {ts.p_text(p.get('pvalue'))})" for p in weak) + "."))
        low = [p for p in self.priorities if p["quadrant"] in (0, 2)]
        if low:
            items.append(t(
                "绩效偏低：" + "、".join(f"{self.name(p['construct'])}（{ts.num(p['performance'], 1)}分）" for p in low)
                + "的顾客评价低于各驱动因素的平均水平" + ("，其中" + "、".join(self.name(p["construct"]) for p in low if p["quadrant"] == 0)
                                                   + "对忠诚度的影响又较大，问题最为突出" if any(p["quadrant"] == 0 for p in low) else "") + "。",
                "Low performance: " + ", ".join(f"{self.name(p['construct'])} ({ts.num(p['performance'], 1)})" for p in low)
                + " score below the average driver" + ("; " + ", ".join(self.name(p["construct"]) for p in low if p["quadrant"] == 0)
                                                      + " also matter(s) most for loyalty" if any(p["quadrant"] == 0 for p in low) else "") + "."))
        nps = _get(self.r, "indicators", "nps", "overall", "nps")
        if ts.is_number(nps) and nps < 30:
            items.append(t(f"推荐意愿不足：NPS 仅为{ts.num(nps, 1)}，推荐者相对贬损者的优势有限，口碑传播动力不足。",
                           f"Weak advocacy: the NPS is only {ts.num(nps, 1)}; promoters barely outnumber detractors."))
        member = _get(self.r, "indicators", "membership", "overall", "proportion") or \
            _get(self.r, "indicators", "paid_membership", "overall", "proportion")
        if ts.is_number(member) and member < 0.5:
            items.append(t(f"会员计划渗透率低：仅{ts.share(member)}的受访者开通了付费会员，忠诚度计划的覆盖面有限。",
                           f"Low take-up of the loyalty programme: only {ts.share(member)} hold a paid membership."))
        checks = self.rel_failures + self.validity_failures + self.fit_failures
        if checks:
            items.append(t("测量与模型检验中的不足：" + "；".join(checks) + "。",
                           "Weaknesses found by the checks: " + "; ".join(checks) + "."))
        if not items:
            items.append(t("数据中未发现突出的问题：各驱动因素作用显著、绩效接近，各项检验均达标。",
                           "The data show no pronounced problem: every driver matters, performances are close and all checks pass."))
        self.problem_list = items
        self.v["problems"] = {"points": items, "intro": t(
            "根据调查数据，可归纳出以下问题（均由上述结果直接得出）：",
            "The survey data point to the following problems (each follows directly from the results above):")}

    # ------------------------------------------------------------------ chapter 4: strategies
    def strategies(self) -> None:
        t = self.t
        headings = {
            "product_service": t("优化产品质量与客户服务", "Improve product quality and customer service"),
            "programme": t("建立完善的客户忠诚度计划", "Build a complete customer loyalty programme"),
            "brand": t("打造良好的品牌形象与口碑", "Build brand image and word of mouth"),
            "personal": t("提供个性化营销与精准服务", "Offer personalised marketing and precise service")}
        measures = {
            "product_service": [t("加强供应商准入与质量抽检管理，确保商品质量稳定、与页面描述一致。",
                                  "Tighten supplier admission and quality sampling so goods are reliable and match their description."),
                                t("注重产品创新，依据评价与退货原因数据改进商品。", "Innovate products using review and return-reason data."),
                                t("提高客服人员的专业素质，缩短首次响应时间，完善售后与退换货流程。",
                                  "Train customer-service staff, shorten first response times, simplify after-sales and returns."),
                                t("建立客户反馈闭环机制，及时处理投诉并回访。", "Close the feedback loop: handle complaints promptly and follow up.")],
            "programme": [t("以客户价值为导向，按消费行为与贡献度设计分层的忠诚度奖励方案；规则简单易懂。",
                            "Design tiered rewards by customer value and behaviour, with simple, transparent rules."),
                          t("积分奖励系统：消费、评价、签到均可积分，积分可抵现或兑换权益。",
                            "Points: earn by buying, reviewing and checking in; redeem for discounts or benefits."),
                          t("会员专属权益：折扣优惠、优先配送、专属客服通道。",
                            "Member benefits: discounts, priority delivery, a dedicated service channel."),
                          t("会员等级升级机制：设置清晰的升级门槛与升级奖励，激励持续购买。",
                            "Tier upgrades: clear thresholds and upgrade rewards that encourage continued buying.")],
            "brand": [t("明确品牌定位与核心价值，塑造鲜明、可信的品牌形象。", "Sharpen the brand's positioning and core values."),
                      t("通过社交媒体、内容平台等多渠道传播，提高品牌知名度与美誉度。",
                        "Communicate across social and content platforms to raise awareness and esteem."),
                      t("鼓励满意顾客分享与推荐（推荐有礼），让顾客自愿为品牌代言。",
                        "Encourage satisfied customers to share and refer (referral rewards)."),
                      t("积极管理线上口碑，及时回应并处理负面评价。", "Manage online reputation: answer and resolve negative reviews quickly.")],
            "personal": [t("利用大数据构建客户画像，了解偏好、需求与购买行为。",
                           "Build customer profiles from data on preferences, needs and purchases."),
                         t("基于客户画像进行精准营销，向不同群体推送个性化推荐与促销。",
                           "Target marketing by profile: personalised recommendations and promotions per segment."),
                         t("开发定制化产品与服务，满足个性化需求。", "Develop customised products and services."),
                         t("优化智能推荐系统与购物流程，提高找到心仪商品的效率。",
                           "Improve the recommender and the shopping flow so customers find what they want faster.")]}
        areas = {a: [] for a in STRATEGY_AREAS}
        for rank, p in enumerate(self.priorities):
            areas[AREA_OF_CONSTRUCT.get(p["construct"], "personal")].append((rank, p))
        order = sorted(STRATEGY_AREAS, key=lambda a: (min((r for r, _ in areas[a]), default=99), STRATEGY_AREAS.index(a)))
        sections = []
        numerals = ["一", "二", "三", "四"]
        for k, area in enumerate(order):
            evidence = []
            for rank, p in areas[area]:
                evidence.append(t(
                    f"{self.name(p['construct'])}对忠诚度的总效应为{ts.num(p['importance'], 3)}（优先级第{rank + 1}位），"
                    f"绩效为{ts.num(p['performance'], 1)}分，属于“{p['quadrant_name']}”象限",
                    f"{self.name(p['construct'])} has a total effect of {ts.num(p['importance'], 3)} on loyalty (priority {rank + 1}) "
                    f"and a performance of {ts.num(p['performance'], 1)}, in the \"{p['quadrant_name']}\" quadrant"))
            if area == "programme":
                rp = self.indicator_values.get("repeat_purchase")
                mb = self.indicator_values.get("membership")
                if rp or mb:
                    evidence.append(t(f"当前重复购买率为{rp or ts.DASH}，付费会员比例为{mb or ts.DASH}",
                                      f"the repeat-purchase rate is {rp or ts.DASH} and the paid-membership share {mb or ts.DASH}"))
            if area == "brand" and self.indicator_values.get("nps"):
                evidence.append(t(f"当前 NPS 为{self.indicator_values['nps']}", f"the NPS is {self.indicator_values['nps']}"))
            text = (t("数据依据：", "Evidence: ") + t("；", "; ").join(evidence) + t("。", ".")) if evidence else \
                t("本研究的模型未直接测量这一领域，以下建议依据文献提出。",
                  "The model does not measure this area directly; the measures below follow the literature.")
            heading = (f"4.{k + 2} " if self.lang == "zh" else f"4.{k + 2} ") + headings[area]
            sections.append({"heading": heading, "numeral": numerals[k], "text": text, "measures": measures[area],
                             "area": area})
        self.strategy_sections = sections
        self.v["strategies"] = {"sections": sections, "order": t(
            "各策略按重要性–绩效分析确定的优先级排序：", "The strategies are ordered by the priorities of the importance–performance analysis: ")
            + t("、", ", ").join(s["heading"].split(" ", 1)[1] for s in sections) + t("。", ".")}

    # ------------------------------------------------------------------ chapter 5: plan
    def plan(self) -> None:
        t = self.t
        phases = [(t("短期（0–6个月）", "Short term (0–6 months)"), 0), (t("中期（6–18个月）", "Medium term (6–18 months)"), 1),
                  (t("长期（18–36个月）", "Long term (18–36 months)"), 2)]
        owners = {"product_service": t("商品与供应链部、客服中心", "Merchandising & supply chain; customer service"),
                  "programme": t("会员运营部", "Membership operations"), "brand": t("品牌市场部", "Brand & marketing"),
                  "personal": t("数据与技术部", "Data & technology")}
        kpis = {"product_service": t("满意度指数、差评率、首次响应时长", "satisfaction index, negative-review rate, first response time"),
                "programme": t("重复购买率、付费会员比例", "repeat-purchase rate, paid-membership share"),
                "brand": t("NPS、口碑评分", "NPS, review score"),
                "personal": t("推荐点击率、转化率、忠诚度指数", "recommendation click-through, conversion, loyalty index")}
        rows = []
        for k, sec in enumerate(self.strategy_sections):
            phase_name, _ = phases[min(k, 2)] if k < 2 else phases[2]
            constructs = [self.name(p["construct"]) for p in self.priorities
                          if AREA_OF_CONSTRUCT.get(p["construct"], "personal") == sec["area"]]
            rows.append([text_cell(phase_name), text_cell(sec["heading"].split(" ", 1)[1]),
                         text_cell("、".join(constructs) if self.lang == "zh" else ", ".join(constructs) or ts.DASH),
                         text_cell(sec["measures"][0]), text_cell(owners[sec["area"]]), text_cell(kpis[sec["area"]])])
        self.add_table("plan", t("策略实施计划", "Implementation plan"),
                       [t("阶段", "Phase"), t("策略", "Strategy"), t("相关构念", "Constructs"), t("重点任务", "Key task"),
                        t("责任部门", "Owner"), t("考核指标", "KPI")], rows,
                       notes=[t("注：阶段按重要性–绩效分析的优先级安排，优先级最高的策略最先实施。",
                                "Note. Phases follow the IPMA priorities: the highest-priority strategy starts first.")],
                       missing=None if rows else self.missing_reason("ipma"))
        self.v["plan"] = {"text": t(f"依据优先级制定的分阶段实施计划见{self.ref('plan')}。",
                                    f"The phased plan, keyed to the priorities, is in {self.ref('plan')}.") if rows else
                          ts.not_computed(self.missing_reason("ipma"), self.lang)}

    # ------------------------------------------------------------------ chapter 6: indicator system
    def indicator_system(self) -> None:
        t = self.t
        perf = {p["construct"]: p["performance"] for p in self.priorities}
        mediator = next((reg.lhs for reg in self.inst.structural if reg.lhs != self.outcome), None)
        rows = []

        def rescaled(cid):
            if cid in perf:
                return perf[cid]
            m = self.construct_means.get(cid) if cid else None
            scale = self.inst.construct(cid).scale if cid in self.constructs else self.inst.scale
            return 100 * (m - scale.min) / (scale.max - scale.min) if ts.is_number(m) else None

        sat, loy = rescaled(mediator), rescaled(self.outcome)
        spec = [
            (t("重复购买率", "Repeat-purchase rate"), t("近6个月在该平台下单2次及以上的顾客比例", "share of customers with 2+ orders in 6 months"),
             t("下单 ≥ 2 次的人数 ÷ 回答人数 × 100%", "customers with ≥ 2 orders ÷ respondents × 100%"),
             self.indicator_values.get("repeat_purchase"), None),
            ("NPS", t("顾客推荐意愿的净值", "net willingness to recommend"),
             t("推荐者（9–10分）比例 − 贬损者（0–6分）比例", "% promoters (9–10) − % detractors (0–6)"),
             self.indicator_values.get("nps"), None),
            (t("付费会员比例", "Paid-membership share"), t("开通付费会员的顾客比例", "share of customers with a paid membership"),
             t("付费会员人数 ÷ 回答人数 × 100%", "members ÷ respondents × 100%"), self.indicator_values.get("membership"), None),
            (t("顾客满意度指数", "Satisfaction index"), t("满意度构念均值换算为百分制", "satisfaction mean on a 0–100 scale"),
             t("(均值 − 量表最小值) ÷ (最大值 − 最小值) × 100", "(mean − scale min) ÷ (max − min) × 100"), None, sat),
            (t("忠诚度指数", "Loyalty index"), t("忠诚度构念均值换算为百分制", "loyalty mean on a 0–100 scale"),
             t("(均值 − 量表最小值) ÷ (最大值 − 最小值) × 100", "(mean − scale min) ÷ (max − min) × 100"), None, loy),
            (t("顾客保留率", "Retention rate"), t("上一期顾客在本期仍然购买的比例", "share of last wave's customers still buying"),
             t("本期仍购买的老顾客数 ÷ 上期顾客数 × 100%", "returning customers ÷ last wave's customers × 100%"),
             None, None)]
        for name, definition, formula, text, raw in spec:
            value = text if text else (ts.num(raw, 1) if ts.is_number(raw) else
                                       t("需要上一期数据", "needs a previous wave") if name in ("顾客保留率", "Retention rate")
                                       else ts.DASH)
            rows.append([text_cell(name), text_cell(definition), text_cell(formula), cell(value, raw)])
        self.add_table("indicator_system", t("客户忠诚度评估指标体系", "Loyalty indicator system"),
                       [t("指标", "Indicator"), t("定义", "Definition"), t("计算方法", "Formula"), t("本期数值", "Current value")],
                       rows)
        evaluation = self.baseline()
        self.v["indicator_system"] = {"text": t(f"评估指标的定义、计算方法和本期数值见{self.ref('indicator_system')}。",
                                                f"Definitions, formulas and current values are in {self.ref('indicator_system')}."),
                                      "evaluation": evaluation}

    def baseline(self) -> str:
        """Chapter 6.2: the before/after tables from ``results.baseline`` (analysis.baseline.WaveComparison)."""
        t = self.t
        b = _get(self.r, "baseline")
        constructs = [c for c in (_get(b, "constructs") or []) if isinstance(c, dict)]
        rates = [r for r in (_get(b, "rates") or []) if isinstance(r, dict)]
        nps = _get(b, "nps") if isinstance(_get(b, "nps"), dict) else None
        level = _get(b, "level")
        ci_name = f"{ts.integer(100 * level) if ts.is_number(level) else 95}% CI"
        no_wave = t("没有上一期数据（--baseline）", "no previous wave (--baseline) was given")
        crow = []
        for c in constructs:
            crow.append([text_cell(self.name_id(c.get("construct"))),
                         cell(ts.num(c.get("mean_before")), c.get("mean_before")), cell(ts.num(c.get("mean_after")), c.get("mean_after")),
                         cell(ts.num(c.get("diff"), 3), c.get("diff")), text_cell(ts.ci(c.get("ci_lower"), c.get("ci_upper"), 3, False)),
                         text_cell(f"t({ts.num(c.get('df'), 1)}) = {ts.num(c.get('t'))}"), text_cell(ts.p_value(c.get("pvalue"))),
                         cell(ts.num(c.get("cohens_d")), c.get("cohens_d"))])
        self.add_table("baseline_constructs", t("策略实施前后构念均值比较", "Construct means before and after"),
                       [t("构念", "Construct"), t("上一期 M", "Before M"), t("本期 M", "After M"), t("差值", "Difference"),
                        ci_name, "Welch t", "p", "Cohen's d"], crow,
                       notes=[t("注：Welch t 检验（不假定方差相等）；Cohen's d 以合并标准差计算，|d| ≥ 0.2、0.5、0.8 分别为小、中、大效应（Cohen, 1988）。",
                                "Note. Welch's t test (unequal variances); Cohen's d uses the pooled SD; |d| ≥ 0.2, 0.5 and 0.8 "
                                "are small, medium and large effects (Cohen, 1988).")],
                       missing=None if crow else (no_wave if b is None else self.missing_reason("baseline.constructs")))
        names = {"repeat_purchase": t("重复购买率", "Repeat-purchase rate"), "paid_membership": t("付费会员比例", "Paid-membership share"),
                 "membership": t("付费会员比例", "Paid-membership share")}
        rrow = []
        for r in rates:
            rrow.append([text_cell(names.get(r.get("indicator"), _plain(r.get("indicator")))),
                         cell(ts.share(r.get("before")), r.get("before")), cell(ts.share(r.get("after")), r.get("after")),
                         cell(ts.share(r.get("diff")), r.get("diff")), text_cell(ts.ci_percent(r.get("ci_lower"), r.get("ci_upper"))),
                         cell(ts.num(r.get("z")), r.get("z")), text_cell(ts.p_value(r.get("pvalue")))])
        if nps:
            rrow.append([text_cell("NPS"), cell(ts.num(nps.get("before"), 1), nps.get("before")),
                         cell(ts.num(nps.get("after"), 1), nps.get("after")), cell(ts.num(nps.get("diff"), 1), nps.get("diff")),
                         text_cell(ts.ci(nps.get("ci_lower"), nps.get("ci_upper"), 1, False)),
                         cell(ts.num(nps.get("z")), nps.get("z")), text_cell(ts.p_value(nps.get("pvalue")))])
        self.add_table("baseline_rates", t("策略实施前后忠诚度指标比较", "Loyalty indicators before and after"),
                       [t("指标", "Indicator"), t("上一期", "Before"), t("本期", "After"), t("变化", "Change"), ci_name, "z", "p"], rrow,
                       notes=[t("注：比例的变化为双样本比例 z 检验（百分点）；NPS 的变化为分值差，标准误由两期推荐者与贬损者比例的多项分布方差求得。",
                                "Note. Shares: two-proportion z tests (change in percentage points); NPS: difference of scores, "
                                "SE from the multinomial variance of promoters and detractors in each wave.")],
                       missing=None if rrow else (no_wave if b is None else self.missing_reason("baseline.rates")))
        self.v["baseline"] = False
        if b is None:
            return t("本期为首次测量，尚无上一期数据可供比较。策略实施后再次调查时，运行“loyalty run --baseline 上一期/results.json”，"
                     "即可得到实施前后各项指标的对比与显著性检验（构念均值的 Welch t 检验与 Cohen's d、比例的双样本检验、NPS 变化的置信区间）。",
                     "This is the first wave, so there is nothing to compare with yet. After the strategies are in place, survey again "
                     "and run \"loyalty run --baseline PREVIOUS/results.json\" to get the before/after comparison with tests "
                     "(Welch t and Cohen's d on construct means, two-proportion tests on rates, a CI of the NPS change).")
        self.v["baseline"] = True
        prev = _get(b, "previous") or {}
        parts = [t(f"以上一期调查（{_plain(prev.get('data_file')) or ts.DASH}，分析样本{ts.integer(prev.get('n_analyzed'))}份）为基线，"
                   f"本期与之对比的结果见{self.ref('baseline_constructs')}与{self.ref('baseline_rates')}。",
                   f"Against the previous wave ({_plain(prev.get('data_file')) or ts.DASH}, n = {ts.integer(prev.get('n_analyzed'))}), "
                   f"the changes are in {self.ref('baseline_constructs')} and {self.ref('baseline_rates')}.")]
        sig = [c for c in constructs if ts.is_number(c.get("pvalue")) and c["pvalue"] < 0.05]
        if constructs:
            parts.append(t(("构念均值显著变化的有：" + "；".join(
                f"{self.name(c.get('construct'))}（{'上升' if (c.get('diff') or 0) > 0 else '下降'}{ts.num(abs(c.get('diff') or 0), 2)}，"
                f"{ts.p_text(c.get('pvalue'))}，d = {ts.num(c.get('cohens_d'))}）" for c in sig) + "。") if sig else
                "各构念均值的变化均不显著（p ≥ .05）。",
                ("Construct means that changed significantly: " + "; ".join(
                    f"{self.name(c.get('construct'))} ({'up' if (c.get('diff') or 0) > 0 else 'down'} {ts.num(abs(c.get('diff') or 0), 2)}, "
                    f"{ts.p_text(c.get('pvalue'))}, d = {ts.num(c.get('cohens_d'))})" for c in sig) + ".") if sig else
                "No construct mean changed significantly (p ≥ .05)."))
        if nps:
            moved = ts.is_number(nps.get("pvalue")) and nps["pvalue"] < 0.05
            parts.append(t(f"NPS 由{ts.num(nps.get('before'), 1)}变为{ts.num(nps.get('after'), 1)}（变化{ts.num(nps.get('diff'), 1)}，"
                           f"{ci_name} {ts.ci(nps.get('ci_lower'), nps.get('ci_upper'), 1, False)}），"
                           + ("变化显著。" if moved else "置信区间包含 0，变化不显著。"),
                           f"The NPS moved from {ts.num(nps.get('before'), 1)} to {ts.num(nps.get('after'), 1)} "
                           f"(change {ts.num(nps.get('diff'), 1)}, {ci_name} {ts.ci(nps.get('ci_lower'), nps.get('ci_upper'), 1, False)}); "
                           + ("the change is significant." if moved else "the interval includes 0, so the change is not significant.")))
        return "".join(parts) if self.lang == "zh" else " ".join(parts)

    # ------------------------------------------------------------------ chapter 7
    def limitations(self) -> None:
        t = self.t
        items = [t("本研究为横截面调查，只能揭示变量间的相关与路径关系，无法确证因果关系，也无法反映忠诚度随时间的变化。",
                   "The survey is cross-sectional: it shows associations and paths, not causation, and not change over time.")]
        n = self.n
        free = None
        cfa_loadings = _get(self.r, "cfa", "loadings")
        if isinstance(cfa_loadings, list) and ts.is_number(n):
            free = len(self.inst.item_ids)
            items.append(t(f"有效样本量为{ts.integer(n)}，约为观测变量数（{free}）的{ts.num(n / free, 1)}倍"
                           + ("，满足结构方程模型的一般样本量要求，但对分组比较而言仍然有限。" if n / free >= 10 else "，低于每个观测变量10个样本的经验标准，估计的稳定性有限。"),
                           f"The analysed sample of {ts.integer(n)} is {ts.num(n / free, 1)} times the number of observed items ({free})"
                           + ("; adequate for the model, but small for group comparisons." if n / free >= 10 else
                              ", below the rule of thumb of ten cases per item; estimates may be unstable.")))
        mardia = _get(self.r, "normality", "mardia_kurtosis_pvalue")
        mardia = mardia if ts.is_number(mardia) else _get(self.r, "normality", "p_kurt")
        if ts.is_number(mardia) and mardia < 0.05:
            items.append(t("Mardia 多元峰度检验显著，数据不服从多元正态分布，极大似然估计的标准误可能偏小（可用稳健估计或 Bootstrap 校正）。",
                           "Mardia's multivariate kurtosis is significant: the data are not multivariate normal and ML standard "
                           "errors may be too small (robust estimation or the bootstrap helps)."))
        if ts.is_number(self.harman):
            items.append(t(f"数据均来自同一份自陈问卷，Harman 检验第一因子解释{ts.percent(self.harman)}的方差，共同方法偏差无法完全排除。",
                           f"All measures come from one self-report questionnaire; the first Harman factor explains "
                           f"{ts.percent(self.harman)} of the variance, so common-method bias cannot be ruled out."))
        records = [w for w in (_get(self.r, "warnings") or []) if isinstance(w, dict) and w.get("message")]
        if records:
            meanings = list(dict.fromkeys(DIAGNOSTIC_NAMES.get(w.get("code"), (_plain(w.get("code")),) * 2)[0 if self.lang == "zh" else 1]
                                          for w in records))
            items.append(t(f"分析过程中产生了{len(records)}条诊断提示（{self.ref('diagnostics')}）："
                           f"{'；'.join(meanings)}。涉及的结果应结合这些提示谨慎解释。",
                           f"The analysis raised {len(records)} diagnostic(s) ({self.ref('diagnostics')}): "
                           f"{'; '.join(meanings)}; the results they concern must be read with care."))
        items.append(t("样本来自便利抽样的线上问卷，对全体电商顾客的代表性有限。",
                       "The sample is a convenience sample from an online survey; it may not represent all e-commerce customers."))
        self.v["limitations"] = {"points": items, "future": [
            t("开展多期追踪调查，检验策略实施前后忠诚度的变化及其因果机制。",
              "Run repeated waves to follow loyalty over time and test causal mechanisms."),
            t("结合平台交易数据等客观行为指标，与问卷的态度指标相互印证。",
              "Combine survey attitudes with objective behavioural data such as transactions."),
            t("按平台、会员类型等进行多群组比较，检验模型在不同顾客群体间的差异。",
              "Compare groups (platform, membership) with multi-group models."),
            t("引入转换成本、社交互动、直播电商等新的影响因素。",
              "Add new drivers such as switching costs, social interaction and live-stream commerce.")]}

    def framework(self) -> None:
        """Chapter 1's research framework: the study's steps from the literature to the conclusions."""
        t = self.t
        meta = _get(self.r, "meta") or {}
        kept = meta.get("n_kept") if ts.is_number(meta.get("n_kept")) else meta.get("n_analyzed")
        boot = _get(self.r, "sem", "bootstrap", "B") or meta.get("bootstrap")
        sample = (t(f"回收{ts.integer(meta.get('n_raw'))}份，有效{ts.integer(kept)}份", f"{ts.integer(meta.get('n_raw'))} returned, {ts.integer(kept)} valid")
                  if ts.is_number(kept) else t("样本量未知", "sample size unknown"))
        steps = [
            (t("第二章", "Ch. 2"), t("文献研究", "Literature review"), t("忠诚度理论、影响因素 → 研究模型与假设", "theory and drivers → model and hypotheses")),
            (t("第三章", "Ch. 3"), t("问卷设计与调查", "Questionnaire survey"),
             t(f"{len(self.constructs)}个构念、{len(self.inst.item_ids)}个题项；{sample}",
               f"{len(self.constructs)} constructs, {len(self.inst.item_ids)} items; {sample}")),
            (t("第三章", "Ch. 3"), t("数据清洗与描述统计", "Cleaning and descriptives"), t("剔除无效问卷、样本特征、NPS 与重复购买率", "exclusions, sample profile, NPS, repeat purchase")),
            (t("第三章", "Ch. 3"), t("信度与效度检验", "Reliability and validity"), t("Cronbach's α、EFA、CFA、CR/AVE、HTMT", "Cronbach's α, EFA, CFA, CR/AVE, HTMT")),
            (t("第三章", "Ch. 3"), t("结构方程模型与假设检验", "SEM and hypothesis tests"),
             t(f"路径系数、R²、Bootstrap 中介检验（{ts.integer(boot)}次）" if ts.is_number(boot) else "路径系数、R²、Bootstrap 中介检验",
               f"paths, R², bootstrap mediation ({ts.integer(boot)} samples)" if ts.is_number(boot) else "paths, R², bootstrap mediation")),
            (t("第四章", "Ch. 4"), t("重要性–绩效分析与培养策略", "IPMA and strategies"), t("按改进优先级提出四类策略", "four strategy areas ordered by priority")),
            (t("第五、六章", "Ch. 5–6"), t("实施保障与效果评估", "Implementation and evaluation"), t("分阶段计划、资源保障、评估指标体系", "phased plan, resources, indicator system")),
            (t("第七章", "Ch. 7"), t("结论与展望", "Conclusions"), t("研究结论、不足与展望", "findings, limitations, outlook"))]
        self.add_figure("framework", "framework", t("研究框架与技术路线", "Research framework"),
                        {"steps": [{"stage": a, "label": b, "detail": c} for a, b, c in steps]})

    def model_figures(self) -> None:
        t = self.t
        self.framework()
        cons = [c for c in self.constructs if any(c == r.lhs or c in r.rhs for r in self.inst.structural)]
        if not self.inst.structural:
            reason = t("工具中没有结构模型（structural）", "the instrument has no structural model")
            self.add_figure("research_model", "research_model", t("研究模型", "Research model"), None, missing=reason)
            self.add_figure("path_diagram", "path_diagram", t("结构模型路径图", "Path diagram"), None, missing=reason)
            return
        hyp = {h.path: h.label for h in self.inst.hypotheses}
        nodes = [{"id": c, "label": self.name(c)} for c in cons]
        edges = [{"from": x, "to": reg.lhs, "label": hyp.get((x, reg.lhs), "")} for reg in self.inst.structural for x in reg.rhs]
        self.add_figure("research_model", "research_model", t("研究模型", "Research model"), {"nodes": nodes, "edges": edges})
        est = {(p.get("rhs"), p.get("lhs")): p for p in self.paths}
        if not est:
            self.add_figure("path_diagram", "path_diagram", t("结构模型路径图", "Path diagram"), None,
                            missing=self.missing_reason("sem.paths"))
            return
        pnodes = [{"id": c, "label": self.name(c),
                   "note": f"R² = {ts.bounded(self.r2[c])}" if ts.is_number(self.r2.get(c)) else ""} for c in cons]
        pedges = []
        for e in edges:
            p = est.get((e["from"], e["to"]), {})
            pedges.append({"from": e["from"], "to": e["to"], "label": ts.coef(p.get("std_all"), p.get("pvalue"), 2),
                           "significant": ts.is_number(p.get("pvalue")) and p["pvalue"] < 0.05})
        self.add_figure("path_diagram", "path_diagram", t("结构模型路径图（标准化系数）", "Path diagram (standardized coefficients)"),
                        {"nodes": pnodes, "edges": pedges,
                         "legend": ts.stars_legend(self.lang) + t(" 虚线：不显著。", " Dashed: not significant.")})

    def conclusions(self) -> None:
        t = self.t
        items = []
        top = self.priorities[0] if self.priorities else None
        strongest = max((p for p in self.paths if ts.is_number(p.get("std_all")) and p.get("lhs") == self.outcome),
                        key=lambda p: p["std_all"], default=None)
        if self.supported or self.rejected:
            items.append(t(f"在{len(self.supported) + len(self.rejected)}个假设中，{len(self.supported)}个得到支持"
                           + (f"（{'、'.join(self.supported)}）" if self.supported else "")
                           + (f"，{'、'.join(self.rejected)}未得到支持。" if self.rejected else "。"),
                           f"Of {len(self.supported) + len(self.rejected)} hypotheses, {len(self.supported)} are supported"
                           + (f" ({', '.join(self.supported)})" if self.supported else "")
                           + (f"; {', '.join(self.rejected)} are not." if self.rejected else ".")))
        if strongest is not None:
            items.append(t(f"对{self.name(self.outcome)}直接影响最大的是{self.name(strongest.get('rhs'))}（β = {ts.bounded(strongest['std_all'])}），"
                           + (f"模型解释了{self.name(self.outcome)} {ts.percent(100 * self.r2[self.outcome])}的方差。" if ts.is_number(self.r2.get(self.outcome)) else ""),
                           f"The strongest direct influence on {self.name(self.outcome)} is {self.name(strongest.get('rhs'))} "
                           f"(β = {ts.bounded(strongest['std_all'])})"
                           + (f"; the model explains {ts.percent(100 * self.r2[self.outcome])} of its variance." if ts.is_number(self.r2.get(self.outcome)) else ".")))
        if self.sig_mediation:
            items.append(t(f"中介效应显著的路径：{'；'.join(self.sig_mediation)}，说明各驱动因素部分通过顾客满意度作用于忠诚度。",
                           f"Significant indirect paths: {'; '.join(self.sig_mediation)}: the drivers act on loyalty partly through satisfaction."))
        if top is not None:
            items.append(t(f"重要性–绩效分析表明，应优先改进{self.name(top['construct'])}（重要性{ts.num(top['importance'], 3)}，绩效{ts.num(top['performance'], 1)}）。",
                           f"The importance–performance analysis puts {self.name(top['construct'])} first "
                           f"(importance {ts.num(top['importance'], 3)}, performance {ts.num(top['performance'], 1)})."))
        if self.indicator_values:
            items.append(t("忠诚度总体水平：" + "，".join(f"{k}为{v}" for k, v in (("NPS", self.indicator_values.get("nps")),
                                                                           ("重复购买率", self.indicator_values.get("repeat_purchase")),
                                                                           ("付费会员比例", self.indicator_values.get("membership"))) if v) + "。",
                           "Overall loyalty: " + ", ".join(f"{k} {v}" for k, v in (("NPS", self.indicator_values.get("nps")),
                                                                                   ("repeat-purchase rate", self.indicator_values.get("repeat_purchase")),
                                                                                   ("paid-membership share", self.indicator_values.get("membership"))) if v) + "."))
        if not items:
            items.append(self.na("缺少模型结果，无法得出结论", "without model results there is nothing to conclude"))
        self.conclusion_items = items
        self.v["conclusions"] = {"points": items}

    def abstract(self) -> None:
        t = self.t
        meta = _get(self.r, "meta") or {}
        parts = []
        kept = meta.get("n_kept") if ts.is_number(meta.get("n_kept")) else meta.get("n_analyzed")
        if ts.is_number(kept):
            parts.append(t(f"本文以{len(self.constructs)}个构念、{len(self.inst.item_ids)}个题项的问卷调查了电商平台顾客，获得有效样本{ts.integer(kept)}份",
                           f"A questionnaire with {len(self.inst.item_ids)} items on {len(self.constructs)} constructs was answered by "
                           f"{ts.integer(kept)} e-commerce customers (valid responses)"))
        if self.alpha_range:
            parts.append(t(f"各量表的 Cronbach's α 介于{ts.bounded(self.alpha_range[0])}与{ts.bounded(self.alpha_range[1])}之间",
                           f"Cronbach's α ranges from {ts.bounded(self.alpha_range[0])} to {ts.bounded(self.alpha_range[1])}"))
        if self.cfa_fit:
            f = self.cfa_fit
            parts.append(t(f"验证性因子分析拟合良好（CFI = {ts.bounded(f.get('cfi'))}，RMSEA = {ts.bounded(f.get('rmsea'))}，SRMR = {ts.bounded(f.get('srmr'))}）"
                           if not self.fit_failures else
                           f"验证性因子分析的拟合指标为 CFI = {ts.bounded(f.get('cfi'))}，RMSEA = {ts.bounded(f.get('rmsea'))}，SRMR = {ts.bounded(f.get('srmr'))}",
                           f"the CFA fits {'well ' if not self.fit_failures else ''}(CFI = {ts.bounded(f.get('cfi'))}, "
                           f"RMSEA = {ts.bounded(f.get('rmsea'))}, SRMR = {ts.bounded(f.get('srmr'))})"))
        sep = "；" if self.lang == "zh" else "; "
        body = sep.join(parts) + t("。", ".") if parts else ""
        self.v["abstract"] = {
            "background": t("在电商市场竞争日益激烈、获客成本不断上升的背景下，培养顾客忠诚度已成为电商企业持续发展的关键。",
                            "With fierce competition and rising acquisition costs in e-commerce, customer loyalty has become key to a platform's growth."),
            "method": t("本文基于客户关系管理理论、期望确认理论与感知价值理论，构建了产品质量、服务质量、价格感知、品牌形象、购物体验经由顾客满意度影响顾客忠诚度的研究模型，"
                        "运用信度与效度检验、验证性因子分析、结构方程模型和 Bootstrap 中介检验进行实证分析，并以重要性–绩效分析确定改进优先级。",
                        "Drawing on customer relationship management, expectation–confirmation and perceived-value theory, the study models how "
                        "product quality, service quality, perceived price, brand image and shopping experience shape loyalty through satisfaction, "
                        "tests it with reliability and validity checks, CFA, structural equation modelling and bootstrap mediation, and ranks "
                        "improvement priorities with an importance–performance map."),
            "numbers": body,
            "findings": " ".join(self.conclusion_items) if self.lang == "en" else "".join(self.conclusion_items),
            "strategies": t("据此，本文从" + "、".join(s["heading"].split(" ", 1)[1] for s in self.strategy_sections)
                            + "四个方面提出客户忠诚度培养策略，并给出分阶段实施计划与效果评估指标体系。",
                            "On this basis the thesis proposes strategies to " + "; ".join(s["heading"].split(" ", 1)[1].lower() for s in self.strategy_sections)
                            + ", with a phased implementation plan and an indicator system for evaluation."),
            "keywords": t("电商企业；客户忠诚度；培养策略；结构方程模型；重要性–绩效分析",
                          "e-commerce; customer loyalty; loyalty strategy; structural equation modelling; importance–performance analysis")}

    def theory(self) -> None:
        t = self.t
        rows = []
        for c in self.inst.constructs:
            rows.append([text_cell(self.name_id(c.id)), text_cell(c.definition.get(self.lang) if c.definition else ts.DASH),
                         cell(ts.integer(len(c.items)), len(c.items)), text_cell(c.source or ts.DASH)])
        self.add_table("constructs", t("研究变量的定义与量表来源", "Constructs, definitions and scale sources"),
                       [t("构念", "Construct"), t("定义", "Definition"), t("题项数", "Items"), t("量表来源", "Source")], rows)
        hrows = []
        for h in self.inst.hypotheses:
            path = " → ".join(self.name(x) for x in h.path)
            kind = t("中介", "indirect") if h.is_indirect else t("直接", "direct")
            claim = (t(f"{self.name(h.path[0])}通过{'、'.join(self.name(x) for x in h.path[1:-1])}正向影响{self.name(h.path[-1])}",
                       f"{self.name(h.path[0])} raises {self.name(h.path[-1])} through {', '.join(self.name(x) for x in h.path[1:-1])}")
                     if h.is_indirect else
                     t(f"{self.name(h.path[0])}对{self.name(h.path[-1])}有{'正' if h.sign == '+' else '负'}向影响",
                       f"{self.name(h.path[0])} has a {'positive' if h.sign == '+' else 'negative'} effect on {self.name(h.path[-1])}"))
            hrows.append([text_cell(h.label), text_cell(path), text_cell(kind), text_cell(claim)])
        self.add_table("hypotheses", t("研究假设", "Hypotheses"),
                       [t("编号", "Label"), t("路径", "Path"), t("类型", "Type"), t("假设内容", "Statement")], hrows,
                       missing=None if hrows else t("工具中没有假设", "the instrument states no hypothesis"))
        drivers = [{"name": self.name(c), "definition": self.inst.construct(c).definition.get(self.lang)
                    if self.inst.construct(c).definition else ts.DASH, "source": self.inst.construct(c).source or ts.DASH}
                   for c in self.drivers]
        self.v["theory"] = {"drivers": drivers,
                            "model": t(f"据此构建的研究模型见{self.ref('research_model')}，研究假设见{self.ref('hypotheses')}，"
                                       f"各变量的定义与量表来源见{self.ref('constructs')}。",
                                       f"The research model is shown in {self.ref('research_model')}, the hypotheses in "
                                       f"{self.ref('hypotheses')} and the constructs with their sources in {self.ref('constructs')}."),
                            "structural": self.inst.structural_syntax()}

    def references(self) -> None:
        self.v["references"] = list(REFERENCES)


REFERENCES = (
    "Anderson, J. C., & Gerbing, D. W. (1988). Structural equation modeling in practice: A review and recommended two-step approach. Psychological Bulletin, 103(3), 411–423.",
    "Bagozzi, R. P., & Yi, Y. (1988). On the evaluation of structural equation models. Journal of the Academy of Marketing Science, 16(1), 74–94.",
    "Bartlett, M. S. (1954). A note on the multiplying factors for various χ² approximations. Journal of the Royal Statistical Society B, 16(2), 296–298.",
    "Bhattacherjee, A. (2001). Understanding information systems continuance: An expectation-confirmation model. MIS Quarterly, 25(3), 351–370.",
    "Cohen, J. (1988). Statistical power analysis for the behavioral sciences (2nd ed.). Erlbaum.",
    "Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. Psychometrika, 16(3), 297–334.",
    "Dick, A. S., & Basu, K. (1994). Customer loyalty: Toward an integrated conceptual framework. Journal of the Academy of Marketing Science, 22(2), 99–113.",
    "Efron, B., & Tibshirani, R. J. (1993). An introduction to the bootstrap. Chapman & Hall.",
    "Fornell, C., & Larcker, D. F. (1981). Evaluating structural equation models with unobservable variables and measurement error. Journal of Marketing Research, 18(1), 39–50.",
    "Fornell, C., Johnson, M. D., Anderson, E. W., Cha, J., & Bryant, B. E. (1996). The American Customer Satisfaction Index: Nature, purpose, and findings. Journal of Marketing, 60(4), 7–18.",
    "Harman, H. H. (1976). Modern factor analysis (3rd ed.). University of Chicago Press.",
    "Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). A new criterion for assessing discriminant validity in variance-based structural equation modeling. Journal of the Academy of Marketing Science, 43(1), 115–135.",
    "Horn, J. L. (1965). A rationale and test for the number of factors in factor analysis. Psychometrika, 30(2), 179–185.",
    "Hu, L., & Bentler, P. M. (1999). Cutoff criteria for fit indexes in covariance structure analysis. Structural Equation Modeling, 6(1), 1–55.",
    "Kaiser, H. F. (1974). An index of factorial simplicity. Psychometrika, 39(1), 31–36.",
    "Kline, R. B. (2016). Principles and practice of structural equation modeling (4th ed.). Guilford Press.",
    "McDonald, R. P. (1999). Test theory: A unified treatment. Erlbaum.",
    "Oliver, R. L. (1999). Whence consumer loyalty? Journal of Marketing, 63(Special Issue), 33–44.",
    "Parasuraman, A., Zeithaml, V. A., & Malhotra, A. (2005). E-S-QUAL: A multiple-item scale for assessing electronic service quality. Journal of Service Research, 7(3), 213–233.",
    "Podsakoff, P. M., MacKenzie, S. B., Lee, J.-Y., & Podsakoff, N. P. (2003). Common method biases in behavioral research. Journal of Applied Psychology, 88(5), 879–903.",
    "Preacher, K. J., & Hayes, A. F. (2008). Asymptotic and resampling strategies for assessing and comparing indirect effects in multiple mediator models. Behavior Research Methods, 40(3), 879–891.",
    "Reichheld, F. F. (2003). The one number you need to grow. Harvard Business Review, 81(12), 46–54.",
    "Ringle, C. M., & Sarstedt, M. (2016). Gain more insight from your PLS-SEM results: The importance-performance map analysis. Industrial Management & Data Systems, 116(9), 1865–1886.",
    "Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. Journal of Statistical Software, 48(2), 1–36.",
    "Zeithaml, V. A. (1988). Consumer perceptions of price, quality, and value. Journal of Marketing, 52(3), 2–22.",
    "Zeithaml, V. A., Berry, L. L., & Parasuraman, A. (1996). The behavioral consequences of service quality. Journal of Marketing, 60(2), 31–46.",
)


def build_context(results: dict, instrument: Instrument, lang: str = "zh") -> ReportContext:
    """The report context for ``lang`` ('zh' or 'en') from a results dict and the instrument."""
    if lang not in ("zh", "en"):
        raise input_error("unknown report language", value=lang, allowed="zh, en")
    return _Builder(results, instrument, lang).build()
