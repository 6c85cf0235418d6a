"""Header matching, answer labels, completion times, extra and personal-data columns."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.ingest.columns import (answer_codes, codes_from_cells, label_lookup, normalise_text, personal_kind_of_header,
                                     seconds_from_cells)
from analysis.ingest.readers import read_survey
from analysis.ingest.validation import ValidationError
from analysis.results import to_plain
from questionnaire.loader import load_instrument

DATA = Path(__file__).parents[2] / "data"
INSTRUMENT = load_instrument(DATA / "small_instrument.yaml")
ITEMS = ["PQ1", "PQ2", "PQ3", "LY1", "LY2", "LY3"]


def _read(tmp_path, frame: pd.DataFrame, name: str = "data.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False, encoding="utf-8")
    return read_survey(path, INSTRUMENT, min_respondents=0)


def _frame(**columns) -> pd.DataFrame:
    base = {"resp_id": ["a", "b"], "PQ1": [1, 2], "PQ2": [3, 4], "PQ3": [5, 1], "LY1": [2, 3], "LY2": [4, 5],
            "LY3": [1, 1]}
    base.update(columns)
    return pd.DataFrame(base)


@pytest.mark.parametrize("header, expected", [
    ("7、(商品质量可靠)", "商品质量可靠"), ("7.商品质量可靠", "商品质量可靠"), ("第7题 商品质量可靠", "商品质量可靠"),
    ("Q7_1", ""), ("（商品质量可靠）", "商品质量可靠"), ("Ｑ7．Products ARE reliable", "productsarereliable"),
])
def test_normalise_text(header, expected):
    assert normalise_text(header) == expected


@pytest.mark.parametrize("header", ["PQ1", "pq1", "Q7_1", "7、(商品质量可靠)", "7.商品质量可靠",
                                    "7、我在该平台购买的商品质量可靠", "The products I buy are reliable",
                                    "How much do you agree? - The products I buy are reliable",
                                    "11. 请评价以下说法：(我在该平台购买的商品质量可靠)", "11(我在该平台购买的商品质量可靠)",
                                    "Please rate [The products I buy are reliable]"])
def test_item_header_forms(tmp_path, header):
    survey = _read(tmp_path, _frame().rename(columns={"PQ1": header}))
    assert survey.column_map[header] == "PQ1"
    assert survey.responses["PQ1"].tolist() == [1.0, 2.0]


def test_platform_id_and_time_headers(tmp_path):
    frame = _frame().rename(columns={"resp_id": "序号"})
    frame["所用时间"] = ["256秒", "4分16秒"]
    survey = _read(tmp_path, frame)
    assert survey.column_map == {"序号": "resp_id", "所用时间": "duration_s", **{i: i for i in ITEMS}}
    assert survey.responses["duration_s"].tolist() == [256.0, 256.0]


def test_answer_labels_in_both_languages_map_to_codes(tmp_path):
    survey = _read(tmp_path, _frame(PQ1=["非常同意", "Strongly disagree"], PQ2=["  agree ", "一般"],
                                    gender=["女", "Male"], channel_1=["是", "0"], channel_2=["1", "否"]))
    assert survey.responses["PQ1"].tolist() == [5.0, 1.0]
    assert survey.responses["PQ2"].tolist() == [4.0, 3.0]
    assert survey.responses["gender"].tolist() == [2.0, 1.0]
    assert survey.responses["channel_1"].tolist() == [1.0, 0.0]
    assert survey.responses["channel_2"].tolist() == [1.0, 0.0]


def test_codes_from_cells_reports_unreadable_cells():
    lookup = label_lookup({1: ["不同意"], 2: ["同意"]})
    codes, unreadable = codes_from_cells(pd.Series(["同意", "2", None, "maybe", 1.0], dtype=object), lookup)
    np.testing.assert_array_equal(codes, [2, 2, np.nan, np.nan, 1])
    assert unreadable.tolist() == [False, False, False, True, False]


@pytest.mark.parametrize("text, seconds", [
    ("256", 256), ("256秒", 256), ("4分16秒", 256), ("4分钟16秒", 256), ("00:04:16", 256), ("4:16", 256),
    ("1小时2分", 3720), ("4m16s", 256), ("256 s", 256), ("12.5", 12.5), (dt.time(0, 4, 16), 256),
    (dt.timedelta(minutes=4, seconds=16), 256), ("soon", np.nan), ("4分钟多", np.nan),
])
def test_completion_times_in_seconds(text, seconds):
    values, unreadable = seconds_from_cells(pd.Series([text], dtype=object))
    np.testing.assert_array_equal(values, [seconds])
    assert unreadable.tolist() == [bool(np.isnan(seconds))]


def test_extra_columns_are_kept_and_listed(tmp_path):
    survey = _read(tmp_path, _frame(来源=["微信", "链接"], submitted=["2026-03-01", "2026-03-02"]))
    assert survey.extra_columns == ("来源", "submitted")
    assert survey.extra.loc["b", "来源"] == "链接"
    assert "来源" not in survey.responses


@pytest.mark.parametrize("header, kind", [
    ("来自IP", "ip"), ("IP Address", "ip"), ("手机号码", "phone"), ("Mobile", "phone"), ("邮箱", "email"),
    ("E-mail", "email"), ("姓名", "name"), ("Full name", "name"), ("微信号", "wechat"), ("QQ号", "qq"),
    ("身份证号", "id_card"), ("收货地址", "address"), ("来源", None), ("platform", None), ("Duration", None),
    ("名称", "name"), ("Name", "name"), ("Email", "email"), ("用户标识", "account"), ("昵称", "name"),
    ("LocationLatitude", "location"), ("LocationLongitude", "location"), ("IPAddress", "ip"),
    ("RecipientEmail", "email"), ("RecipientFirstName", "name"), ("6、(微信视频号)", None), ("微信", "wechat"),
])
def test_personal_data_headers(header, kind):
    assert personal_kind_of_header(header) == kind


def test_personal_data_columns_are_dropped_by_header_and_by_content(tmp_path):
    frame = _frame(姓名=["张三", "李四"], 备注=["13812345678", "13900001111"], contact=["a@b.cn", "c@d.com"],
                   where=["1.2.3.4", "5.6.7.8(上海)"], suggestion=["请联系 x@y.cn", "物流快"])
    survey = _read(tmp_path, frame)
    dropped = {(c.header, c.kind, c.detected_by) for c in survey.dropped_personal_columns}
    assert dropped == {("姓名", "name", "header"), ("备注", "phone", "content"), ("contact", "email", "content"),
                       ("where", "ip", "content")}
    assert survey.extra_columns == ()
    assert survey.responses["suggestion"].tolist() == ["请联系 [removed]", "物流快"]
    assert survey.masked_cells == 1
    assert set(to_plain(survey)["column_map"]) == {"resp_id", "suggestion", *ITEMS}


def test_id_column_holding_phone_numbers_is_dropped_and_rows_become_ids(tmp_path):
    survey = _read(tmp_path, _frame(resp_id=["13812345678", "13900001111"]))
    assert survey.responses.index.tolist() == ["row 2", "row 3"]
    assert survey.dropped_personal_columns[0].header == "resp_id"


def test_ids_numbers_missing_and_absent(tmp_path):
    survey = _read(tmp_path, _frame(resp_id=[1001.0, None]))
    assert survey.responses.index.tolist() == ["1001", "row 3"]
    survey = _read(tmp_path, _frame().drop(columns="resp_id"))
    assert survey.responses.index.tolist() == ["row 2", "row 3"]
    assert survey.absent_columns == ("resp_id", "duration_s", "AC1", "gender", "channel", "orders", "nps",
                                     "suggestion")


def test_responses_column_order_follows_the_instrument(tmp_path):
    frame = _frame(duration_s=[300, 200], AC1=[4, 4], nps=[9, 10], orders=[3, 0])
    survey = _read(tmp_path, frame[["nps", "duration_s", "LY3", "AC1", *frame.columns.drop(["nps", "duration_s",
                                                                                             "LY3", "AC1"])]])
    assert list(survey.responses.columns) == [*ITEMS, "AC1", "orders", "nps", "duration_s"]


def test_answer_codes_say_why_a_cell_is_empty():
    lookup = label_lookup({1: ["Yes"], 2: ["None"], 3: ["N/A"]})
    values = pd.Series(["None", "N/A", "(跳过)", "（空）", "", "  ", None, -3, "-2", "-99", "Yes", "maybe"], dtype=object)
    codes, unreadable, kinds = answer_codes(values, lookup, declared=(-99.0,), skip_codes=(-3.0, -2.0))
    assert codes[:2].tolist() == [2.0, 3.0] and codes[10] == 1.0
    assert kinds.tolist() == [0, 0, 2, 2, 1, 1, 1, 2, 2, 3, 0, 0]
    assert unreadable.tolist() == [False] * 11 + [True]


def test_answer_codes_numeric_column_markers_and_declared_codes():
    values = pd.Series([1.0, -3.0, -2.0, -99.0, 999.0, np.nan, 7.0])
    codes, unreadable, kinds = answer_codes(values, {}, declared=(999.0,), skip_codes=(-3.0, -2.0),
                                            unanswered_codes=(-99.0,))
    assert kinds.tolist() == [0, 2, 2, 1, 3, 1, 0] and not unreadable.any()
    assert np.isnan(codes[1:6]).all() and codes[[0, 6]].tolist() == [1.0, 7.0]


def test_declared_code_wins_over_a_marker_and_comes_before_value_label_recoding():
    values = pd.Series([-3.0, 0.0, 4.0])
    labels = {0: "Strongly disagree", 4: "Strongly agree"}
    lookup = label_lookup({1: ["Strongly disagree"], 5: ["Strongly agree"]})
    codes, _, kinds = answer_codes(values, lookup, labels, declared=(-3.0,), skip_codes=(-3.0,))
    assert kinds.tolist() == [3, 0, 0] and codes[1:].tolist() == [1.0, 5.0]


def test_declared_text_codes_are_compared_folded():
    codes, unreadable, kinds = answer_codes(pd.Series(["NA", " na ", "#NULL!", "2"], dtype=object), {},
                                            declared=("NA", "#NULL!", -99.0))
    assert kinds.tolist() == [3, 3, 3, 0] and codes[3] == 2.0 and not unreadable.any()


def test_two_id_columns_the_first_with_distinct_ids_is_used_and_the_other_kept(tmp_path):
    frame = _frame().drop(columns="resp_id").assign(序号=[1, 1], 答卷编号=["x1", "x2"], **{"作答时长(秒)": ["125秒", "3分"]})
    survey = _read(tmp_path, frame)
    assert survey.responses.index.tolist() == ["x1", "x2"]
    assert survey.extra_columns == ("序号",)
    assert survey.column_map["答卷编号"] == "resp_id" and survey.column_map["作答时长(秒)"] == "duration_s"
    assert survey.responses["duration_s"].tolist() == [125.0, 180.0]


@pytest.mark.parametrize("start, end", [("Start time", "Completion time"), ("开始答题时间", "结束答题时间"),
                                        ("StartDate", "EndDate")])
def test_completion_time_from_start_and_end_timestamps(tmp_path, start, end):
    frame = _frame().assign(**{start: ["11/27/26 10:00:00", "2026-11-27 10:00"],
                               end: ["11/27/26 10:05:00", "2026年11月27日 10:02:10"]})
    survey = _read(tmp_path, frame)
    assert survey.responses["duration_s"].tolist() == [300.0, 130.0]
    assert survey.duration_from == (start, end)
    assert "duration_s" not in survey.absent_columns


def test_a_submission_time_alone_gives_no_duration_and_stays_an_extra_column(tmp_path):
    survey = _read(tmp_path, _frame().assign(Timestamp=["2026/11/27 10:00:00", "2026/11/27 10:01:00"]))
    assert "duration_s" not in survey.responses and "duration_s" in survey.absent_columns
    assert survey.extra_columns == ("Timestamp",) and survey.duration_from == ()


def test_a_timestamp_in_the_duration_column_is_an_error(tmp_path):
    with pytest.raises(ValidationError, match=r"row 2, column duration_s: value '2026-11-27 10:00:00' is a timestamp, "
                                              r"not a completion time"):
        _read(tmp_path, _frame(duration_s=["2026-11-27 10:00:00", "300"]))


def test_an_end_before_the_start_is_an_error(tmp_path):
    with pytest.raises(ValidationError, match=r"row 3, column 结束时间: value '2026-11-27 09:00' is before the start "
                                              r"time \(开始时间\)"):
        _read(tmp_path, _frame(开始时间=["2026-11-27 10:00"] * 2, 结束时间=["2026-11-27 10:05", "2026-11-27 09:00"]))
