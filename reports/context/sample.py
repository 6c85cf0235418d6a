"""Chapter 3.1: questionnaire design, sample and exclusions, privacy screen, missing data, sample profile, open answers,
and the table of diagnostics raised by the analysis.
"""
from __future__ import annotations

from reports import typeset as ts
from reports.context.base import DIAGNOSTIC_NAMES, BuilderBase, _get, plain
from reports.tables import cell, text_cell

OPEN_ANSWERS_SHOWN = 8


class SampleSections(BuilderBase):
    """Chapter 3.1 sections."""

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
        if ts.is_number(n_raw) and ts.is_number(n) and ts.is_number(n_excl):
            s["sample"] = t(
                f"共回收问卷{ts.integer(n_raw)}份，按预先设定的规则剔除{ts.integer(n_excl)}份"
                f"（{ts.share(n_excl / n_raw if n_raw else None)}），最终有效样本为{ts.integer(kept)}份。",
                f"Of {ts.integer(n_raw)} questionnaires returned, {ts.integer(n_excl)} "
                f"({ts.share(n_excl / n_raw if n_raw else None)}) were excluded by pre-set rules, leaving "
                f"{ts.integer(kept)} valid responses.")
        else:
            s["sample"] = self.na("缺少样本量信息（meta）", "sample sizes (meta) are missing")
        # exclusions by rule
        excl = _get(self.r, "exclusions")
        rule_names = {"attention_check": t("注意力检测题作答错误", "failed the attention check"),
                      "speeder": t("作答时间过短", "completed too fast"),
                      "duplicate_answers": t("重复提交（答案完全相同）", "duplicate answers"),
                      "duplicate_id": t("编号重复", "duplicate respondent id"),
                      "straight_lining": t("所有题项选择同一选项", "straight-lining"),
                      "long_string": t("连续相同选项过长", "long string of identical answers"),
                      "too_many_missing": t("缺失过多", "too many missing answers")}
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
                described.append(f"“{plain(col.get('header'))}”（{kinds.get(kind, plain(kind))}）" if self.lang == "zh"
                                 else f"\"{plain(col.get('header'))}\" ({kinds.get(kind, plain(kind))})")
            elif col is not None:
                described.append(plain(col))
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
            texts = [plain(a) for a in values if plain(a)] if isinstance(values, list) else []
            if not texts:
                continue
            unique = list(dict.fromkeys(texts))
            q = next((q for q in self.inst.questions if q.id == qid), None)
            label = q.text.get(self.lang) if q is not None else plain(qid)
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
        rows = [[cell(ts.integer(k + 1), k + 1), text_cell(plain(w.get("code"))),
                 text_cell(DIAGNOSTIC_NAMES.get(w.get("code"), ("", ""))[0 if self.lang == "zh" else 1] or ts.DASH),
                 text_cell(plain(w.get("message")))] for k, w in enumerate(records)]
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
