"""Regenerate the platform replicas of this folder (deterministic): ``python tests/data/exports/make_exports.py``.

The answers are the first :data:`N` respondents of the bundled demo study, plus a multiple-choice question
(``channels``, skipped by the jump logic for respondents who shop less than once a month) and "other, please
specify" fill-ins (``platform`` 其他 and ``channels`` 其他). ``clean.csv`` holds them in the plain layout
(one column per instrument id); every other file lays the same answers out as a survey platform downloads
them — headers, codes or labels, skip markers, multiple choice, fill-ins, timestamps, personal-data columns:

==========================  ==========================================================================
``wjx_codes.xlsx/.csv/.sav``  问卷星 "按选项序号": ``序号``, ``提交答卷时间``, ``所用时间`` (``125秒``), ``来自IP``;
                              ``7、您最常使用的电商平台`` codes (``5〖唯品会〗``), ``13、(抖音)`` 0/1 per option, grid
                              rows ``14、(我在该平台购买的商品质量可靠)``, skipped cells ``-3``
``wjx_text.xlsx``             问卷星 "按选项文本": labels, ``抖音┋快手``, ``其他〖唯品会〗``, ``(跳过)``
``wjx_text_gb18030.csv``      the same as a GB18030 CSV
``tencent.csv``               腾讯问卷: ``编号``, ``用户标识``, ``昵称``, ``开始答题时间``/``结束答题时间``, ``13.题干:选项``
                              (the label or empty), matrix ``14.题干:行``, skipped cells empty
``credamo.csv``               Credamo: ``序号`` + ``答卷编号``, ``作答时长(秒)``
``wenjuan.csv``               问卷网 ``All_Data_Readable.csv`` (GBK): ``答题时长`` (``2分5秒``), ``IP``, ``Q7.题干``, options
                              ``Q13.题干_抖音`` (the label or empty), matrix ``Q14.题干_行`` (see :func:`wenjuan`)
``qualtrics_codes.csv``       Qualtrics, three header rows (ids, question texts, import ids), numeric codes,
                              ``Q13_1``…, ``Q13_5_TEXT``, ``Duration (in seconds)``, IP/e-mail/location columns
``qualtrics_text_1row.csv``   Qualtrics with rows 2–3 deleted, choice texts in English (``None``), ``Q14_1`` ids
                              (the instrument's ``aliases``)
``surveymonkey.csv``          SurveyMonkey: two header rows, English labels, ``Other (please specify)`` text
``google_forms.csv``          Google Forms: ``Timestamp`` only (no completion time), checkboxes ``a, b``
``msforms_en.xlsx``           MS Forms (English): ``ID, Start time, Completion time, Email, Name``, ``a;b;``
``msforms_zh.xlsx``           MS Forms (Chinese): ``ID, 开始时间, 完成时间, 电子邮件, 名称``
``stata.dta``                 a Stata file with the plain ids and codes, skipped cells ``.a`` (declared missing)
==========================  ==========================================================================

``instrument.yaml`` is the bundled instrument plus ``channels`` and the Qualtrics ids as ``aliases``.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyreadstat
import yaml

from analysis.pipeline import demo_data_path
from questionnaire.instrument import bundled_instrument_path
from questionnaire.loader import parse_instrument

HERE = Path(__file__).parent
N = 100
SEED = 11
CHANNELS = {"code": None, "zh": ["抖音", "快手", "微信视频号", "小红书", "其他"],
            "en": ["Douyin", "Kuaishou", "WeChat Channels", "Xiaohongshu", "Other"]}
FILL_INS = ["唯品会", "得物", "苏宁易购"]


def instrument_document() -> dict:
    """The bundled instrument + the multiple-choice question + Qualtrics ids (``Q<n>``, ``Q<grid>_<row>``)."""
    document = yaml.safe_load(bundled_instrument_path().read_text(encoding="utf-8"))
    document["id"] = "ecommerce-loyalty-exports"
    channels = {"id": "channels", "type": "multiple",
                "text": {"zh": "您通过哪些渠道了解商品促销信息", "en": "Where do you learn about promotions"},
                "options": [{"code": k + 1, "label": {"zh": zh, "en": en}}
                            for k, (zh, en) in enumerate(zip(CHANNELS["zh"], CHANNELS["en"]))]}
    questions = document["questions"]
    document["questions"] = [*questions[:-1], channels, questions[-1]]
    for n, question in enumerate(document["questions"], start=1):
        question["aliases"] = [f"Q{n}"]
    document["attention_checks"][0]["aliases"] = ["QAC"]
    for grid, construct in enumerate(document["constructs"], start=len(document["questions"]) + 1):
        for row, item in enumerate(construct["items"], start=1):
            item["aliases"] = [*item.get("aliases", []), f"Q{grid}_{row}"]
    return document


def answers(instrument) -> pd.DataFrame:
    """The plain answers (instrument ids as columns, codes, NaN = not asked or not answered)."""
    frame = pd.read_csv(demo_data_path(), keep_default_na=False, na_values=[""]).head(N)
    rng = np.random.default_rng(SEED)
    chosen = rng.random((N, 5)) < [0.5, 0.3, 0.3, 0.35, 0.08]
    chosen[~chosen.any(axis=1), 0] = True
    skipped = (frame["frequency"] == 1).to_numpy()
    for k in range(5):
        frame[f"channels_{k + 1}"] = np.where(skipped, np.nan, chosen[:, k].astype(float))
    frame["channels_other"] = np.where(~skipped & chosen[:, 4], rng.choice(FILL_INS, N), None)
    frame["platform_other"] = np.where(frame["platform"] == 5, rng.choice(FILL_INS, N), None)
    order = ["resp_id", "duration_s", *[q.id for q in instrument.questions if q.type != "multiple"],
             "platform_other", *[f"channels_{k}" for k in range(1, 6)], "channels_other"]
    return frame[order + [c for c in frame.columns if c not in order]]


class Layout:
    """Writes one platform's headers and cells for the answers (``lang``: the labels' language, or codes)."""

    def __init__(self, instrument, frame: pd.DataFrame):
        self.inst, self.frame = instrument, frame
        self.questions = [q for q in instrument.questions if q.id != "channels"]
        self.channels = next(q for q in instrument.questions if q.id == "channels")
        self.number = {q.id: n for n, q in enumerate(instrument.questions, start=1)}
        self.grids = {c.id: n for n, c in enumerate(instrument.constructs, start=len(instrument.questions) + 1)}
        self.rows = range(len(frame))
        start = dt.datetime(2026, 11, 20, 9, 0, 0)
        self.started = [start + dt.timedelta(minutes=7 * r) for r in self.rows]
        self.ended = [s + dt.timedelta(seconds=float(d)) for s, d in zip(self.started, frame["duration_s"])]

    def label(self, question, code, lang):
        return next(o.label.get(lang) for o in question.options if o.code == code)

    def single(self, question, lang, *, fill="〖{}〗"):
        """A single-choice / numeric / text column: codes (``lang`` None) or labels, fill-ins appended."""
        out = []
        for r in self.rows:
            value = self.frame[question.id].iloc[r]
            if pd.isna(value) or value == "":
                out.append(None)
            elif question.type == "single":
                text = self.label(question, int(value), lang) if lang else int(value)
                other = self.frame.get(f"{question.id}_other")
                typed = other.iloc[r] if other is not None else None
                out.append(f"{text}{fill.format(typed)}" if isinstance(typed, str) and fill else text)
            elif question.type in ("numeric", "nps"):
                out.append(int(value))
            else:
                out.append(value)
        return out

    def item(self, item_id, lang):
        scale = self.inst.scale
        labels = scale.labels[lang] if lang else None
        return [None if pd.isna(v) else labels[int(v) - scale.min] if labels else int(v) for v in self.frame[item_id]]

    def chosen(self, r):
        """Codes chosen by row ``r`` (None: skipped) and the typed "other" text."""
        values = [self.frame[f"channels_{k}"].iloc[r] for k in range(1, 6)]
        if pd.isna(values[0]):
            return None, None
        typed = self.frame["channels_other"].iloc[r]
        return [k for k, v in enumerate(values, start=1) if v == 1], typed if isinstance(typed, str) else None

    def labelled_questions(self, out: dict, header: str, option_header: str) -> None:
        """The questions' columns with Chinese labels into ``out``, headed ``header`` (``{n}``, ``{stem}``); the
        multiple-choice question one column per option headed ``option_header`` (``{label}`` too), holding the label
        when chosen (the "other" text appended as ``〖…〗``), else nothing (腾讯问卷, 问卷网)."""
        for question in self.inst.questions:
            n, stem = self.number[question.id], question.text["zh"]
            if question.id != "channels":
                out[header.format(n=n, stem=stem)] = self.single(question, "zh")
                continue
            for option in question.options:
                cells = []
                for r in self.rows:
                    codes, typed = self.chosen(r)
                    label = option.label["zh"] + (f"〖{typed}〗" if option.code == 5 and typed else "")
                    cells.append(label if codes is not None and option.code in codes else None)
                out[option_header.format(n=n, stem=stem, label=option.label["zh"])] = cells

    def items_in_grid_order(self):
        after = {c.after: c for c in self.inst.attention_checks}
        for construct in self.inst.constructs:
            for row, item in enumerate(construct.items, start=1):
                yield construct, row, item.id, item.text
                if item.id in after:
                    check = after[item.id]
                    yield construct, row + 0.5, check.id, check.text


def wjx(layout: Layout, lang: str | None) -> pd.DataFrame:
    """问卷星 "按选项序号" (``lang`` None) or "按选项文本" (``lang`` "zh")."""
    f, out = layout.frame, {}
    out["序号"] = list(range(1, N + 1))
    out["提交答卷时间"] = [e.strftime("%Y/%m/%d %H:%M:%S") for e in layout.ended]
    out["所用时间"] = [f"{int(d)}秒" for d in f["duration_s"]]
    out["来源"] = ["手机提交"] * N
    out["来自IP"] = [f"58.{r % 250}.{r // 250}.{r % 7}(浙江-杭州)" for r in layout.rows]
    skip = "(跳过)" if lang else -3
    for question in layout.inst.questions:
        n = layout.number[question.id]
        if question.id == "channels":
            if lang:
                cells = []
                for r in layout.rows:
                    codes, typed = layout.chosen(r)
                    cells.append(skip if codes is None else "┋".join(
                        layout.label(question, c, "zh") + (f"〖{typed}〗" if c == 5 and typed else "") for c in codes))
                out[f"{n}、{question.text['zh']}"] = cells
            else:
                for option in question.options:
                    cells = []
                    for r in layout.rows:
                        codes, typed = layout.chosen(r)
                        chosen = codes is not None and option.code in codes
                        cells.append(skip if codes is None else f"1〖{typed}〗" if chosen and option.code == 5 and typed
                                     else int(chosen))
                    out[f"{n}、({option.label['zh']})"] = cells
        else:
            cells = layout.single(question, lang)
            out[f"{n}、{question.text['zh']}"] = ["(空)" if lang and question.type == "text" and c is None else c
                                                  for c in cells] if question.type == "text" else cells
    for construct, _, item_id, text in layout.items_in_grid_order():
        out[f"{layout.grids[construct.id]}、({text['zh']})"] = layout.item(item_id, lang)
    return pd.DataFrame(out)


def tencent(layout: Layout) -> pd.DataFrame:
    out = {}
    out["编号"] = list(range(1, N + 1))
    out["用户标识"] = [f"oX{r:08d}abcdEFGH" for r in layout.rows]
    out["昵称"] = [f"用户{r}" for r in layout.rows]
    out["开始答题时间"] = [s.strftime("%Y-%m-%d %H:%M:%S") for s in layout.started]
    out["结束答题时间"] = [e.strftime("%Y-%m-%d %H:%M:%S") for e in layout.ended]
    layout.labelled_questions(out, "{n}.{stem}", "{n}.{stem}:{label}")
    for construct, _, item_id, text in layout.items_in_grid_order():
        out[f"{layout.grids[construct.id]}.请根据您的真实感受评价以下说法:{text['zh']}"] = layout.item(item_id, "zh")
    return pd.DataFrame(out)


def credamo(layout: Layout) -> pd.DataFrame:
    f = layout.frame
    out = {"序号": list(range(1, N + 1)), "答卷编号": [f"CR{7000 + r}" for r in layout.rows],
           "作答时长(秒)": [int(d) for d in f["duration_s"]]}
    for question in layout.inst.questions:
        n = layout.number[question.id]
        if question.id == "channels":
            for option in question.options:
                out[f"Q{n}.{question.text['zh']}({option.label['zh']})"] = [
                    None if layout.chosen(r)[0] is None else int(option.code in layout.chosen(r)[0])
                    for r in layout.rows]
            out[f"Q{n}_other"] = [layout.chosen(r)[1] for r in layout.rows]
        else:
            out[f"Q{n}.{question.text['zh']}"] = layout.single(question, None, fill="")
            if question.id == "platform":
                out[f"Q{n}_other"] = list(f["platform_other"])
    for construct, row, item_id, text in layout.items_in_grid_order():
        out[f"Q{layout.grids[construct.id]}.{text['zh']}"] = layout.item(item_id, None)
    frame = pd.DataFrame(out)
    return frame.rename(columns={f"Q{layout.number['channels']}_other": "channels_other",
                                 f"Q{layout.number['platform']}_other": "platform_other"})


def wenjuan(layout: Layout) -> pd.DataFrame:
    """问卷网 (wenjuan.com) answers with option texts, as its ``All_Data_Readable.csv`` (GBK).

    Confirmed from public code that reads the download (the reportgen toolkit's ``wenjuanwang``, 2017–2019): a zip
    with ``All_Data_Readable.csv`` (option texts), ``All_Data_Original.csv`` (codes; questions ``Q1``, sub-columns
    ``Q3_A1``…, ``start``/``finish`` timestamps) and ``code.csv``, encoded GBK; the readable file has an ``答题时长``
    column the coded one lacks, and a matrix row's column ends in ``_<row text>``. Not confirmed (chosen to resemble
    it): the other metadata headers (``序号``, ``开始时间``, ``结束时间``, ``IP``, ``省份``, ``城市``) and ``答题时长``
    written as ``2分5秒``; question headers ``Q7.题干`` and sub-columns ``Q13.题干_选项`` (the label when chosen,
    else empty); an "other" text as ``其他〖唯品会〗`` in the cell; questions skipped by the logic left empty.
    """
    f, out = layout.frame, {}
    out["序号"] = list(range(1, N + 1))
    out["开始时间"] = [s.strftime("%Y-%m-%d %H:%M:%S") for s in layout.started]
    out["结束时间"] = [e.strftime("%Y-%m-%d %H:%M:%S") for e in layout.ended]
    out["答题时长"] = [f"{int(d) // 60}分{int(d) % 60}秒" for d in f["duration_s"]]
    out["IP"] = [f"36.{r % 250}.{r // 250}.{r % 9}" for r in layout.rows]
    out["省份"] = ["浙江"] * N
    out["城市"] = ["杭州"] * N
    layout.labelled_questions(out, "Q{n}.{stem}", "Q{n}.{stem}_{label}")
    for construct, _, item_id, text in layout.items_in_grid_order():
        out[f"Q{layout.grids[construct.id]}.请根据您的真实感受评价以下说法_{text['zh']}"] = layout.item(item_id, "zh")
    return pd.DataFrame(out)


def qualtrics(layout: Layout, lang: str | None) -> tuple[list, list, list, list]:
    """(ids, question texts, import ids, rows): numeric codes (``lang`` None) or English choice texts."""
    f = layout.frame
    ids = ["StartDate", "EndDate", "Duration (in seconds)", "IPAddress", "ResponseId", "RecipientEmail",
           "LocationLatitude", "LocationLongitude"]
    texts = ["Start Date", "End Date", "Duration (in seconds)", "IP Address", "Response ID", "Recipient Email",
             "Location Latitude", "Location Longitude"]
    imports = ["startDate", "endDate", "duration", "ipAddress", "_recordId", "recipientEmail", "locationLatitude",
               "locationLongitude"]
    columns = [[s.strftime("%Y-%m-%d %H:%M:%S") for s in layout.started],
               [e.strftime("%Y-%m-%d %H:%M:%S") for e in layout.ended], [int(d) for d in f["duration_s"]],
               [f"10.1.{r // 250}.{r % 250}" for r in layout.rows], [f"R_{r:04d}x" for r in layout.rows],
               [f"r{r}@example.com" for r in layout.rows], [31.2 + r / 1000 for r in layout.rows],
               [121.4 + r / 1000 for r in layout.rows]]
    for question in layout.inst.questions:
        n, stem = layout.number[question.id], question.text["en"]
        if question.id == "channels":
            for option in question.options:
                ids.append(f"Q{n}_{option.code}")
                texts.append(f"{stem} - Selected Choice - {option.label['en']}")
                imports.append(f"QID{n}_{option.code}")
                chosen = [layout.chosen(r)[0] or () for r in layout.rows]
                columns.append([(option.label["en"] if lang else 1) if option.code in c else None for c in chosen])
            ids.append(f"Q{n}_5_TEXT")
            texts.append(f"{stem} - Other - Text")
            imports.append(f"QID{n}_5_TEXT")
            columns.append([layout.chosen(r)[1] for r in layout.rows])
            continue
        ids.append(f"Q{n}")
        texts.append(stem)
        imports.append(f"QID{n}")
        columns.append(layout.single(question, lang, fill=""))
        if question.id == "platform":
            ids.append(f"Q{n}_5_TEXT")
            texts.append(f"{stem} - Other - Text")
            imports.append(f"QID{n}_5_TEXT")
            columns.append(list(f["platform_other"]))
    for construct, row, item_id, text in layout.items_in_grid_order():
        if item_id in [c.id for c in layout.inst.attention_checks]:
            ids.append("QAC")
        else:
            ids.append(f"Q{layout.grids[construct.id]}_{int(row)}")
        texts.append(f"Please rate - {text['en']}")
        imports.append(f"QID{ids[-1][1:]}")
        columns.append(layout.item(item_id, lang))
    rows = [list(r) for r in zip(*columns)]
    return ids, texts, [f'{{"ImportId":"{i}"}}' for i in imports], rows


def surveymonkey(layout: Layout) -> list[list]:
    f = layout.frame
    top = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address", "First Name",
           "Last Name", "Custom Data 1"]
    below = [""] * len(top)
    columns = [[str(114000000 + r) for r in layout.rows], ["430000001"] * N,
               [s.strftime("%m/%d/%Y %I:%M:%S %p") for s in layout.started],
               [e.strftime("%m/%d/%Y %I:%M:%S %p") for e in layout.ended],
               [f"10.2.{r // 250}.{r % 250}" for r in layout.rows], [""] * N, [""] * N, [""] * N, [""] * N]
    for question in layout.inst.questions:
        stem = question.text["en"]
        if question.id == "channels":
            for k, option in enumerate(question.options):
                top.append(stem if k == 0 else "")
                if option.code == 5:
                    below.append("Other (please specify)")
                    columns.append([layout.chosen(r)[1] or ("" if 5 not in (layout.chosen(r)[0] or ()) else "Other")
                                    for r in layout.rows])
                else:
                    below.append(option.label["en"])
                    columns.append([option.label["en"] if option.code in (layout.chosen(r)[0] or ()) else ""
                                    for r in layout.rows])
            continue
        top.append(stem)
        below.append("Open-Ended Response" if question.type in ("text", "numeric") else "Response")
        columns.append(["" if v is None else v for v in layout.single(question, "en", fill="")])
        if question.id == "platform":
            top.append("")
            below.append("Other (please specify)")
            columns.append(["" if v is None else v for v in f["platform_other"]])
    first = True
    for construct, row, item_id, text in layout.items_in_grid_order():
        top.append("Please rate the following statements" if first else "")
        first = False
        below.append(text["en"])
        columns.append(["" if v is None else v for v in layout.item(item_id, "en")])
    return [top, below, *[list(r) for r in zip(*columns)]]


def forms(layout: Layout, lang: str, kind: str) -> pd.DataFrame:
    """Google Forms (``Timestamp`` only, checkboxes joined by ``, ``) or MS Forms (ids, start/completion time,
    e-mail, name; choices joined by ``;`` with a trailing ``;``)."""
    f, out = layout.frame, {}
    if kind == "google":
        out["Timestamp"] = [e.strftime("%Y/%m/%d %I:%M:%S %p GMT+8") for e in layout.ended]
    else:
        head = {"en": ("ID", "Start time", "Completion time", "Email", "Name"),
                "zh": ("ID", "开始时间", "完成时间", "电子邮件", "名称")}[lang]
        out[head[0]] = list(range(1, N + 1))
        out[head[1]] = layout.started
        out[head[2]] = layout.ended
        out[head[3]] = ["anonymous"] * N
        out[head[4]] = [f"Respondent {r}" for r in layout.rows]
    for question in layout.inst.questions:
        stem = question.text[lang]
        if question.id == "channels":
            cells = []
            for r in layout.rows:
                codes, _ = layout.chosen(r)
                labels = [layout.label(question, c, lang) for c in codes or ()]
                cells.append(None if codes is None else ", ".join(labels) if kind == "google"
                             else "".join(f"{label};" for label in labels))
            out[stem] = cells
        else:
            out[stem] = layout.single(question, lang, fill="")
    for construct, _, item_id, text in layout.items_in_grid_order():
        out[f"Please rate [{text[lang]}]" if kind == "google" else text[lang]] = layout.item(item_id, lang)
    return pd.DataFrame(out)


def _xlsx(frame: pd.DataFrame, path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(frame.columns))
    for row in frame.astype(object).where(frame.notna(), None).itertuples(index=False):
        sheet.append(list(row))
    book.save(path)


def _sav(codes: pd.DataFrame, layout: Layout, path: Path) -> None:
    """问卷星's SPSS download: variables ``V1``…, the headers as variable labels, numeric codes; the "other" texts
    in string variables named by the question's alias (``Q7_5_TEXT``)."""
    fill = codes.apply(lambda c: c.map(lambda v: v.split("〖")[0] if isinstance(v, str) and "〖" in v else v))
    numeric = {c: pd.to_numeric(fill[c]) for c in fill.columns if c not in ("提交答卷时间", "所用时间", "来源", "来自IP")
               and layout.inst.questions[-1].text["zh"] not in c}
    spss = pd.DataFrame({f"V{k}": numeric[c] if c in numeric else fill[c].astype(object).fillna("").astype(str)
                         for k, c in enumerate(codes.columns)})
    labels = list(codes.columns)
    for question in ("platform", "channels"):
        spss[f"Q{layout.number[question]}_5_TEXT"] = layout.frame[f"{question}_other"].fillna("").astype(str)
        labels.append(f"{layout.number[question]}、其他〖填空〗")
    pyreadstat.write_sav(spss, path, column_labels=labels)


def write_all() -> None:
    document = instrument_document()
    (HERE / "instrument.yaml").write_text(
        "# Generated by make_exports.py: the bundled instrument + a multiple-choice question + Qualtrics ids.\n"
        + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
    instrument = parse_instrument(document, "instrument.yaml")
    frame = answers(instrument)
    layout = Layout(instrument, frame)
    frame.to_csv(HERE / "clean.csv", index=False, float_format="%g")
    codes = wjx(layout, None)
    _xlsx(codes, HERE / "wjx_codes.xlsx")
    codes.to_csv(HERE / "wjx_codes.csv", index=False, encoding="gb18030")
    _sav(codes, layout, HERE / "wjx_codes.sav")
    text = wjx(layout, "zh")
    _xlsx(text, HERE / "wjx_text.xlsx")
    text.to_csv(HERE / "wjx_text_gb18030.csv", index=False, encoding="gb18030")
    tencent(layout).to_csv(HERE / "tencent.csv", index=False, encoding="utf-8-sig")
    credamo(layout).to_csv(HERE / "credamo.csv", index=False, encoding="utf-8-sig")
    wenjuan(layout).to_csv(HERE / "wenjuan.csv", index=False, encoding="gbk")
    ids, texts, imports, rows = qualtrics(layout, None)
    pd.DataFrame([texts, imports, *rows], columns=ids).to_csv(HERE / "qualtrics_codes.csv", index=False)
    ids, _, _, rows = qualtrics(layout, "en")
    pd.DataFrame(rows, columns=ids).to_csv(HERE / "qualtrics_text_1row.csv", index=False)
    pd.DataFrame(surveymonkey(layout)).to_csv(HERE / "surveymonkey.csv", index=False, header=False)
    forms(layout, "en", "google").to_csv(HERE / "google_forms.csv", index=False)
    _xlsx(forms(layout, "en", "ms"), HERE / "msforms_en.xlsx")
    _xlsx(forms(layout, "zh", "ms"), HERE / "msforms_zh.xlsx")
    stata = frame.drop(columns=["platform_other", "channels_other"]).copy()
    stata["suggestion"] = stata["suggestion"].fillna("")
    skipped = stata["channels_1"].isna()
    missing = {c: {".a": "not asked (jump logic)"} for c in [f"channels_{k}" for k in range(1, 6)]}
    for column in missing:
        stata[column] = stata[column].astype(object).where(~skipped, "a")
    pyreadstat.write_dta(stata, HERE / "stata.dta", missing_user_values={c: ["a"] for c in missing})


if __name__ == "__main__":
    write_all()
