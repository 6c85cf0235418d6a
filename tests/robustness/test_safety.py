"""Issue 7.5: respondent text is escaped in HTML, cells that a spreadsheet would run as a formula are neutralised
in tables.xlsx and exclusions.csv, personal-data columns reach no output (and the report says they were
dropped), and a full run opens no network connection.

One full run (every format) of the demo data, made hostile: personal-data columns recognised by their header
or by their content, `<script>` and formulas as free-text answers, formulas as respondent ids of excluded
speeders, and an instrument whose labels hold formulas and HTML.
"""
from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import socket
import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from robustness_support import output_text

from analysis.pipeline import demo_data_path
from questionnaire.instrument import bundled_instrument_path
from reports.cli import main

N = 540
#: header → (how it must be recognised, the planted values, a pattern of the values)
PERSONAL = {
    "IP地址": ("header", [f"10.77.{i // 250}.{i % 250}" for i in range(N)], r"10\.77\.\d+\.\d+"),
    "手机号码": ("header", [f"1390077{i:04d}" for i in range(N)], r"1390077\d{4}"),
    "E-mail": ("header", [f"resp{i}@planted-mail.cn" for i in range(N)], r"resp\d+@planted-mail\.cn"),
    "姓名": ("header", [f"受访人甲{i}" for i in range(N)], r"受访人甲\d+"),
    "收货人": ("header", [f"收货人乙{i}" for i in range(N)], r"收货人乙\d+"),
    "微信号": ("header", [f"wx_planted_{i}" for i in range(N)], r"wx_planted_\d+"),
    "QQ号": ("header", [f"9753{i:05d}" for i in range(N)], r"9753\d{5}"),
    "备注": ("content", [f"c{i}@contact-planted.org" for i in range(N)], r"c\d+@contact-planted\.org"),
    "来源": ("content", [f"192.168.77.{i % 250}" for i in range(N)], r"192\.168\.77\.\d+"),
    "联络": ("content", [f"1860077{i:04d}" for i in range(N)], r"1860077\d{4}"),
    "证件": ("content", [f"110105199003{i:05d}X" for i in range(N)], r"110105199003\d{5}X"),
    "账号": ("content", [f"wxid_planted{i:04d}" for i in range(N)], r"wxid_planted\d{4}"),
}
#: free-text answers of the first six kept respondents of the demo
ANSWERS = ["<script>alert('x')</script>", '=HYPERLINK("http://evil.example","click")', "+1+2", "-3+4",
           "@SUM(A1)", "call me on 13912345678"]
#: speeders of the demo (always excluded) renamed to formulas
PLANTED = yaml.safe_load((demo_data_path().parent / "truth.yaml").read_text(encoding="utf-8"))["planted"]
IDS = dict(zip(sorted(p["respondent"] for p in PLANTED if p["kind"] == "speeder")[:4],
               ("=1+2", "+SUM(A1)", "-2+3", "@cmd|'/C calc'!A0")))
FORMULA = ("=", "+", "-", "@")


def _hostile_instrument(folder: Path) -> Path:
    doc = yaml.safe_load(bundled_instrument_path().read_text(encoding="utf-8"))
    gender = next(q for q in doc["questions"] if q["id"] == "gender")
    gender["options"][0]["label"]["zh"] = '=HYPERLINK("http://evil.example","男")'
    gender["options"][1]["label"]["zh"] = "@女"
    constructs = {c["id"]: c for c in doc["constructs"]}
    constructs["PR"]["name"]["zh"] = "+价格感知"
    constructs["BI"]["name"]["zh"] = "-品牌形象"
    constructs["EX"]["name"]["zh"] = "<img src=x onerror=alert(1)>购物体验"
    path = folder / "instrument.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _hostile_data(folder: Path) -> Path:
    frame = pd.read_csv(demo_data_path(), dtype=str, keep_default_na=False)
    for position, (header, (_, values, _)) in enumerate(PERSONAL.items(), start=1):
        frame.insert(position, header, values)
    excluded = {p["respondent"] for p in PLANTED if p["kind"] != "honest_with_missing"}
    frame.loc[frame.index[~frame["resp_id"].isin(excluded)][:len(ANSWERS)], "suggestion"] = ANSWERS
    frame["resp_id"] = frame["resp_id"].replace(IDS)
    path = folder / "responses.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict:
    """The hostile run, with every attempt to open a network connection recorded and refused."""
    folder = tmp_path_factory.mktemp("safety")
    out = folder / "out"
    attempts: list[str] = []

    def refuse(name):
        def blocked(*args, **kwargs):
            attempts.append(name)
            raise OSError(f"network access attempted: {name}")
        return blocked

    stdout, stderr = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch, warnings.catch_warnings(), \
            contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        for name in ("connect", "connect_ex", "sendto"):
            patch.setattr(socket.socket, name, refuse(f"socket.{name}"))
        patch.setattr(socket, "create_connection", refuse("create_connection"))
        patch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
        data = _hostile_data(folder)
        code = main(["run", "--instrument", str(_hostile_instrument(folder)), "--data", str(data), "--out", str(out),
                     "--bootstrap", "50"])
    return {"code": code, "err": stderr.getvalue(), "data": data, "out": out, "attempts": attempts,
            "results": json.loads((out / "results.json").read_text(encoding="utf-8"))}


def test_the_hostile_run_completes_without_network_access(run):
    assert run["code"] == 0, run["err"]
    assert run["attempts"] == []
    assert {p.name for p in run["out"].iterdir()} >= {"report.html", "report.docx", "report.md", "tables.xlsx",
                                                    "exclusions.csv", "results.json", "figures"}


def test_script_in_an_answer_or_a_label_renders_as_text_in_html(run):
    html = (run["out"] / "report.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;购物体验" in html
    assert not re.search(r"<script|<img src=x|onerror=alert\(1\)>", html, re.IGNORECASE)


def test_formulas_are_neutralised_in_tables_xlsx(run):
    book = openpyxl.load_workbook(run["out"] / "tables.xlsx")
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if t.startswith(FORMULA)]
    planted = ("'=HYPERLINK(", "'@女", "'+价格感知", "'-品牌形象")
    assert all(any(t.startswith(p) for t in texts) for p in planted), "the hostile labels must reach the tables"


def test_formulas_are_neutralised_in_exclusions_csv(run):
    with open(run["out"] / "exclusions.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert not [v for row in rows for v in row.values() if v.startswith(FORMULA)]
    respondents = {row["respondent"] for row in rows}
    assert {"'" + hostile for hostile in IDS.values()} <= respondents


def test_personal_data_reach_no_output(run):
    planted = run["data"].read_text(encoding="utf-8")
    text = output_text(run["out"])
    for header, (_, values, pattern) in PERSONAL.items():
        found = rf"(?<!\d){pattern}(?!\d)"
        assert set(re.findall(found, planted)) == set(values), "the pattern finds every planted value"
        assert not set(values) & set(re.findall(found, text)), header
    assert "13912345678" not in text
    assert "call me on [removed]" in run["results"]["text_answers"]["suggestion"]


def test_personal_data_columns_are_dropped_by_header_and_by_content(run):
    dropped = {d["header"]: d["detected_by"] for d in run["results"]["privacy"]["dropped_personal_columns"]}
    assert dropped == {header: how for header, (how, _, _) in PERSONAL.items()}
    assert not set(PERSONAL) & set(run["results"]["input"]["extra_columns"])


def test_the_report_says_which_columns_were_dropped(run):
    report = (run["out"] / "report.md").read_text(encoding="utf-8")
    statement = next(line for line in report.splitlines() if "个含个人信息的列在分析前已被删除" in line)
    assert f"{len(PERSONAL)}个含个人信息的列" in statement
    assert all(f"“{header}”" in statement for header in PERSONAL)
