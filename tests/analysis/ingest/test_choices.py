"""Multiple choice in every platform layout and "other, please specify" fill-ins."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.ingest.choices import split_fill_ins
from analysis.ingest.columns import ANSWERED, NOT_ANSWERED, SKIPPED
from analysis.ingest.readers import read_survey
from analysis.ingest.validation import ValidationError
from questionnaire.loader import load_instrument, parse_instrument

DATA = Path(__file__).parents[2] / "data"
INSTRUMENT = load_instrument(DATA / "choices_instrument.yaml")
OPTIONS = ["channel_1", "channel_2", "channel_3", "channel_4"]
#: what the three respondents chose: App + 微信视频号; 网页 + 其他 (typed 唯品会); skipped by the jump logic
CHOSEN = [[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0], [np.nan] * 4]


def _read(tmp_path, columns: dict, name: str = "data.csv"):
    frame = pd.DataFrame({"resp_id": ["a", "b", "c"], "PQ1": [1, 2, 3], "PQ2": [3, 4, 5], "PQ3": [5, 1, 2],
                          "LY1": [2, 3, 4], "LY2": [4, 5, 1], "LY3": [1, 1, 1], **columns})
    path = tmp_path / name
    if name.endswith(".xlsx"):
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, index=False, encoding="gb18030" if "gb" in name else "utf-8")
    return read_survey(path, INSTRUMENT, min_respondents=0)


LAYOUTS = {
    "问卷星 按选项序号": {"6、(手机App)": [1, 0, -3], "6、(网页)": [0, 1, -3], "6、(微信视频号)": [1, 0, -3],
                     "6、(其他)": [0, "1〖唯品会〗", -3]},
    "问卷星 按选项文本": {"6、您通过哪些渠道购物": ["手机App┋微信视频号", "网页┋其他〖唯品会〗", "(跳过)"]},
    "codes in one cell": {"channel": ["1┋3", "2┋4〖唯品会〗", "(跳过)"]},
    "腾讯问卷": {"6.您通过哪些渠道购物:手机App": ["手机App", "", "(跳过)"], "6.您通过哪些渠道购物:网页": ["", "网页", "(跳过)"],
             "6.您通过哪些渠道购物:微信视频号": ["微信视频号", "", "(跳过)"],
             "6.您通过哪些渠道购物:其他": ["", "其他〖唯品会〗", "(跳过)"]},
    "Qualtrics": {"Q6_1": [1, None, -3], "Q6_2": [None, 1, -3], "Q6_3": [1, None, -3], "Q6_4": [None, 1, -3],
                  "Q6_4_TEXT": [None, "唯品会", None]},
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_gives_one_0_1_column_per_option_and_keeps_the_fill_in(tmp_path, layout):
    survey = _read(tmp_path, LAYOUTS[layout])
    np.testing.assert_array_equal(survey.responses[OPTIONS].to_numpy(), CHOSEN)
    assert survey.responses["channel_other"].fillna("").tolist() == ["", "唯品会", ""]
    assert survey.dropped_personal_columns == ()
    assert "channel" not in survey.absent_columns


def test_a_gb18030_text_export_with_option_separators(tmp_path):
    survey = _read(tmp_path, LAYOUTS["问卷星 按选项文本"], name="gb.csv")
    assert survey.encoding == "gb18030"
    np.testing.assert_array_equal(survey.responses[OPTIONS].to_numpy(), CHOSEN)


def test_an_xlsx_text_export(tmp_path):
    survey = _read(tmp_path, LAYOUTS["问卷星 按选项文本"], name="data.xlsx")
    np.testing.assert_array_equal(survey.responses[OPTIONS].to_numpy(), CHOSEN)
    assert survey.missing_kinds["channel_1"].tolist() == [ANSWERED, ANSWERED, SKIPPED]


def test_empty_option_cells_are_not_chosen_beside_a_choice_and_not_answered_otherwise(tmp_path):
    survey = _read(tmp_path, {"Q6_1": [1, None, None], "Q6_2": [None, 1, None], "Q6_3": [None] * 3,
                              "Q6_4": [None] * 3})
    assert survey.responses["channel_3"].tolist()[:2] == [0.0, 0.0]
    assert survey.missing_kinds["channel_3"].tolist() == [ANSWERED, ANSWERED, NOT_ANSWERED]


def test_other_fill_in_on_a_single_choice_question(tmp_path):
    survey = _read(tmp_path, {"platform": ["淘宝", "其他〖唯品会〗", "3〖得物〗"]})
    assert survey.responses["platform"].tolist() == [1.0, 3.0, 3.0]
    assert survey.responses["platform_other"].fillna("").tolist() == ["", "唯品会", "得物"]


def test_a_fill_in_on_an_option_that_is_not_other_is_an_error(tmp_path):
    with pytest.raises(ValidationError, match=r"row 2, column gender: value '男〖x〗' has a fill-in text on an option "
                                              r"that is not 'other, please specify'; allowed: no fill-in \(the "
                                              r"question has no 'other, please specify' option\)"):
        _read(tmp_path, {"gender": ["男〖x〗", "女", "男"]})


def test_a_column_naming_no_option_and_a_missing_option_are_reported(tmp_path):
    with pytest.raises(ValidationError) as caught:
        _read(tmp_path, {"6、(手机App)": [1, 0, 1], "6、(网页)": [0, 1, 0], "6、(B站)": [1, 1, 0]})
    messages = caught.value.table["message"].tolist()
    assert any("header '6、(B站)' (column 10) names no option of the multiple-choice question channel" in m
               for m in messages)
    assert any("no column for option 3 微信视频号, 4 其他 of the multiple-choice question channel" in m for m in messages)


def test_an_unknown_label_in_a_one_cell_answer_is_an_error(tmp_path):
    with pytest.raises(ValidationError, match=r"value '手机App┋电视' is not a set of answer codes or labels"):
        _read(tmp_path, {"channel": ["手机App┋电视", "网页", ""]})


def test_split_fill_ins():
    base, fills = split_fill_ins(pd.Series(["其他〖唯品会〗", "淘宝", None], dtype=object))
    assert base.tolist()[:2] == ["其他", "淘宝"] and fills.tolist() == [None if i != 0 else "唯品会" for i in range(3)]
    assert split_fill_ins(pd.Series(["a", "b"], dtype=object))[1] is None


def test_surveymonkey_two_header_rows_are_merged_and_other_holds_the_typed_text(tmp_path):
    top = ["Respondent ID", "Collector ID", "IP Address", "您的性别", "您通过哪些渠道购物", "", "", "", "请评价以下说法",
           "", "", "", "", ""]
    below = ["", "", "", "Response", "手机App", "网页", "微信视频号", "Other (please specify)", "我在该平台购买的商品质量可靠",
             "收到的商品与页面描述一致", "商品做工粗糙", "今后我会继续在该平台购物", "我愿意向亲友推荐该平台", "我打算换用其他平台"]
    answers = [["11", "9", "1.2.3.4", "男", "手机App", "", "微信视频号", "", "非常同意", "同意", "一般", "同意", "同意", "不同意"],
               ["12", "9", "1.2.3.5", "女", "", "网页", "", "唯品会", "同意", "同意", "一般", "同意", "同意", "不同意"]]
    path = tmp_path / "surveymonkey.csv"
    pd.DataFrame([top, below, *answers]).to_csv(path, index=False, header=False)
    survey = read_survey(path, INSTRUMENT, min_respondents=0)
    assert survey.responses.index.tolist() == ["11", "12"] and survey.row_numbers.tolist() == [3, 4]
    np.testing.assert_array_equal(survey.responses[OPTIONS].to_numpy(), CHOSEN[:2])
    assert survey.responses["channel_other"].fillna("").tolist() == ["", "唯品会"]
    assert survey.column_map["请评价以下说法 - 我在该平台购买的商品质量可靠"] == "PQ1"
    assert [c.header for c in survey.dropped_personal_columns] == ["IP Address"]


def test_qualtrics_import_ids_match_aliases(tmp_path):
    rows = [["ResponseId", "Q21", "Q22", "Q23", "Q24", "Q25", "Q26"],
            ["Response ID", "A", "B", "C", "D", "E", "F"],
            ['{"ImportId":"_recordId"}', *(f'{{"ImportId":"QID{k}"}}' for k in (11, 12, 13, 14, 15, 16))],
            ["R_1", 1, 2, 3, 4, 5, 1], ["R_2", 2, 3, 4, 5, 1, 2]]
    path = tmp_path / "qualtrics.csv"
    pd.DataFrame(rows).to_csv(path, index=False, header=False)
    document = load_instrument(DATA / "choices_instrument.yaml").document
    for construct in document["constructs"]:
        for item, k in zip(construct["items"], (11, 12, 13) if construct["id"] == "PQ" else (14, 15, 16)):
            item["aliases"] = [f"QID{k}"]
    survey = read_survey(path, parse_instrument(document, "aliases.yaml"), min_respondents=0)
    assert survey.responses["LY3"].tolist() == [1.0, 2.0] and survey.column_map["Q21"] == "PQ1"
