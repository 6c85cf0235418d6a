"""The instrument loader: the bundled instrument is valid, and every kind of problem is named with its place."""
from __future__ import annotations

import copy
import json

import pytest
import yaml

from questionnaire.errors import InputError
from questionnaire.instrument import bundled_instrument_path
from questionnaire.loader import load_instrument, parse_instrument


@pytest.fixture(scope="module")
def bundled_doc() -> dict:
    return yaml.safe_load(bundled_instrument_path().read_text(encoding="utf-8"))


def _write(tmp_path, doc) -> str:
    path = tmp_path / "instrument.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_bundled_instrument_matches_the_study_design():
    instrument = load_instrument(bundled_instrument_path())
    assert [c.id for c in instrument.constructs] == ["PQ", "SQ", "PR", "BI", "EX", "CS", "LY", "SW"]
    # the switching-cost moderator is measured but not part of the structural model, so not a driver
    assert instrument.construct("SW").role == "moderator"
    assert instrument.structural_constructs == ["PQ", "SQ", "PR", "BI", "EX", "CS", "LY"]
    assert instrument.exogenous == ["PQ", "SQ", "PR", "BI", "EX"]
    assert all(3 <= len(c.items) <= 5 for c in instrument.constructs)
    assert all(c.source for c in instrument.constructs)
    assert sum(item.reverse for item in instrument.items) >= 2
    assert instrument.attention_checks[0].expected == 4
    assert instrument.scale.labels["zh"][3] == "同意"
    assert [h.label for h in instrument.hypotheses if h.is_indirect] == ["H7a", "H7b", "H7c", "H7d", "H7e"]
    assert instrument.structural_syntax().splitlines() == ["CS ~ PQ + SQ + PR + BI + EX",
                                                            "LY ~ PQ + SQ + PR + BI + EX + CS"]
    roles = {q.role: q.id for q in instrument.questions if q.role}
    assert roles == {"platform": "platform", "orders": "orders_6m", "membership": "membership", "nps": "nps"}
    assert {o.label["zh"] for o in instrument.question_by_role("platform").options} >= {"淘宝/天猫", "京东", "拼多多", "抖音电商"}


def test_duplicate_item_id_names_both_places(tmp_path, bundled_doc):
    doc = copy.deepcopy(bundled_doc)
    doc["constructs"][2]["items"][1]["id"] = "PQ1"
    with pytest.raises(InputError, match=r"instrument\.yaml: 1 problem in the instrument: constructs\[2\]\.items\[1\]\.id: "
                                         r"duplicate id 'PQ1' \(first used at constructs\[0\]\.items\[0\]\.id\)"):
        load_instrument(_write(tmp_path, doc))


def test_structural_term_naming_no_construct(tmp_path, bundled_doc):
    doc = copy.deepcopy(bundled_doc)
    doc["structural"] = "CS ~ PQ + XX\n"
    doc.pop("hypotheses")
    with pytest.raises(InputError, match=r"structural line 1: term 'XX' names no construct; constructs: PQ, SQ"):
        load_instrument(_write(tmp_path, doc))


def test_hypothesis_naming_no_construct(tmp_path, bundled_doc):
    doc = copy.deepcopy(bundled_doc)
    doc["hypotheses"] = {"H1": "QQ -> CS"}
    with pytest.raises(InputError, match=r"hypotheses\.H1: names no construct: 'QQ'"):
        load_instrument(_write(tmp_path, doc))


def test_hypothesis_about_a_path_not_in_the_model(tmp_path, bundled_doc):
    doc = copy.deepcopy(bundled_doc)
    doc["hypotheses"] = {"H9": "LY -> PQ"}
    with pytest.raises(InputError, match=r"hypotheses\.H9: path LY -> PQ is not in the structural model"):
        load_instrument(_write(tmp_path, doc))


def test_scale_min_not_below_max(tmp_path, bundled_doc):
    doc = copy.deepcopy(bundled_doc)
    doc["scale"]["min"] = 5
    with pytest.raises(InputError, match=r"scale: min \(5\) must be smaller than max \(5\)"):
        load_instrument(_write(tmp_path, doc))


def test_label_count_differs_from_scale_points(tmp_path, bundled_doc):
    doc = copy.deepcopy(bundled_doc)
    doc["scale"]["labels"]["en"] = ["Disagree", "Neutral", "Agree"]
    with pytest.raises(InputError, match=r"scale\.labels\.en: has 3 labels but the scale 1–5 has 5 points"):
        load_instrument(_write(tmp_path, doc))


def test_language_missing_from_a_text(tmp_path, bundled_doc):
    doc = copy.deepcopy(bundled_doc)
    del doc["constructs"][1]["items"][2]["text"]["en"]
    with pytest.raises(InputError, match=r"constructs\[1\]\.items\[2\]\.text: text missing in language 'en'"):
        load_instrument(_write(tmp_path, doc))


def test_all_problems_are_reported_at_once(tmp_path, bundled_doc):
    doc = copy.deepcopy(bundled_doc)
    doc["constructs"][0]["items"][0]["id"] = "SQ1"
    doc["scale"]["max"] = 1
    del doc["title"]["zh"]
    with pytest.raises(InputError, match=r": 3 problems in the instrument: .*title.*scale.*constructs\[1\]\.items\[0\]\.id"):
        load_instrument(_write(tmp_path, doc))


def test_cycle_in_the_structural_model(tmp_path, bundled_doc):
    doc = copy.deepcopy(bundled_doc)
    doc["structural"] = "CS ~ PQ + LY\nLY ~ CS\n"
    doc.pop("hypotheses")
    with pytest.raises(InputError, match=r"structural: the model has a cycle CS -> LY -> CS"):
        load_instrument(_write(tmp_path, doc))


def test_yaml_syntax_error_names_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\nconstructs: [\n  - id: A\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.yaml: line \d+, column \d+: YAML syntax error"):
        load_instrument(path)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match=r"nowhere\.yaml: instrument file not found"):
        load_instrument(tmp_path / "nowhere.yaml")


def test_top_level_must_be_a_mapping():
    with pytest.raises(InputError, match=r"the top level must be a mapping"):
        parse_instrument(["a", "list"])


def test_measurement_only_instrument_is_valid(tmp_path, bundled_doc):
    doc = copy.deepcopy(bundled_doc)
    for key in ("structural", "hypotheses", "outcome"):
        doc.pop(key)
    instrument = load_instrument(_write(tmp_path, doc))
    assert not instrument.has_structural_model
    assert len(instrument.measurement) == len(doc["constructs"])
    assert instrument.exogenous == [c["id"] for c in doc["constructs"]]


def test_construct_may_override_the_scale(tmp_path, bundled_doc):
    doc = copy.deepcopy(bundled_doc)
    doc["constructs"][6]["scale"] = {"min": 1, "max": 10, "labels": {
        "zh": [str(i) for i in range(1, 11)], "en": [str(i) for i in range(1, 11)]}}
    instrument = load_instrument(_write(tmp_path, doc))
    assert instrument.construct("LY").scale.points == tuple(range(1, 11))
    assert instrument.construct("PQ").scale.max == 5


def test_missing_codes_at_study_item_and_question_level(bundled_doc):
    doc = copy.deepcopy(bundled_doc)
    doc["missing_codes"] = [-99, 999, " NA "]
    doc["constructs"][0]["items"][1]["missing_codes"] = [9]
    doc["questions"][0]["missing_codes"] = []
    instrument = parse_instrument(doc)
    assert instrument.missing_codes == (-99.0, 999.0, "NA")
    item = instrument.constructs[0].items[1]
    assert instrument.missing_codes_of(item.id) == (9.0,)
    assert instrument.missing_codes_of(instrument.constructs[0].items[0].id) == (-99.0, 999.0, "NA")
    assert instrument.missing_codes_of(instrument.questions[0].id) == ()


@pytest.mark.parametrize("place, value, message", [
    ("study", "-99", r"missing_codes: must be a list of codes such as \[-99, 999\], got '-99'"),
    ("study", [-99, [1]], r"missing_codes\[1\]: must be a number or a text \(a code that means missing\), got \[1\]"),
    ("study", ["同意"], r"missing_codes\[0\]: '同意' is a label of the scale 1–5; a missing code must not be an answer"),
    ("study", [3], r"missing_codes\[0\]: 3 is an answer code of the scale 1–5; a missing code must not be an answer"),
    ("item", [2], r"constructs\[0\]\.items\[1\]\.missing_codes\[0\]: 2 is an answer code of the scale 1–5"),
    ("item", [True], r"constructs\[0\]\.items\[1\]\.missing_codes\[0\]: must be a number or a text"),
    ("question", ["男"], r"questions\[0\]\.missing_codes\[0\]: '男' is the label of an option of the question"),
    ("question", [1], r"questions\[0\]\.missing_codes\[0\]: 1 is the code of an option of the question"),
    ("numeric", [5], r"questions\[\d+\]\.missing_codes\[0\]: 5 is inside the allowed range 0–"),
    ("study_option", [99], r"missing_codes\[0\]: 99 is the code of an option of the question \(gender\)"),
])
def test_bad_missing_codes_name_their_place(tmp_path, bundled_doc, place, value, message):
    doc = copy.deepcopy(bundled_doc)
    if place == "study":
        doc["missing_codes"] = value
    elif place == "item":
        doc["constructs"][0]["items"][1]["missing_codes"] = value
    elif place == "question":
        doc["questions"][0]["missing_codes"] = value
    elif place == "numeric":
        next(q for q in doc["questions"] if q["type"] == "numeric")["missing_codes"] = value
    else:
        doc["questions"][0]["options"].append({"code": 99, "label": {"zh": "不愿透露", "en": "Prefer not to say"}})
        doc["missing_codes"] = value
    with pytest.raises(InputError, match=message):
        load_instrument(_write(tmp_path, doc))


@pytest.mark.parametrize("field, good, bad, message", [
    ("estimator", "MLR", "WLSMV", r"estimator: must be one of ML, MLR, MLM, auto, got 'WLSMV'"),
    ("missing", "fiml", "pairwise", r"missing: must be one of listwise, fiml, got 'pairwise'"),
])
def test_study_estimator_and_missing_are_read_and_checked(tmp_path, bundled_doc, field, good, bad, message):
    doc = copy.deepcopy(bundled_doc)
    doc[field] = good
    assert getattr(load_instrument(_write(tmp_path, doc)), field) == good
    doc[field] = bad
    with pytest.raises(InputError, match=message):
        load_instrument(_write(tmp_path, doc))


def test_groups_names_a_single_choice_question(bundled_doc):
    assert parse_instrument({**bundled_doc, "groups": "platform"}).groups == "platform"
    with pytest.raises(InputError, match=r"groups: names no single-choice question: 'nps'; single-choice questions: "
                                         r"gender, age, .*platform"):
        parse_instrument({**bundled_doc, "groups": "nps"})


def test_other_please_specify_options(bundled_doc):
    doc = copy.deepcopy(bundled_doc)
    occupation = next(q for q in doc["questions"] if q["id"] == "occupation")
    occupation["options"][0]["other"] = True
    occupation["options"][-1]["other"] = False
    instrument = parse_instrument(doc, "instrument.yaml")
    by_id = {q.id: q for q in instrument.questions}
    assert by_id["platform"].other_option.label["zh"] == "其他"           # labelled 其他 / Other: other by default
    assert by_id["membership"].other_option is None                      # 其他平台付费会员 is an answer, not "other"
    assert by_id["occupation"].other_option.code == 1                     # other: true / other: false win
    assert by_id["platform"].other_column == "platform_other"


def test_controls_are_background_questions_a_regression_can_take(bundled_doc):
    assert parse_instrument(bundled_doc).controls == ("gender", "education")
    assert parse_instrument({**bundled_doc, "controls": ["age", "orders_6m"]}).controls == ("age", "orders_6m")


@pytest.mark.parametrize("controls, message", [
    (["sex"], r"controls\[0\]: names no background question: 'sex'; questions: gender, age"),
    (["gender", "suggestion"], r"controls\[1\]: question 'suggestion' is of type text; a control must be of type "
                               r"single, numeric, nps"),
    (["gender", "gender"], r"controls\[1\]: question 'gender' is listed twice"),
    ("gender", r"controls: must be a list, got str"),
])
def test_bad_controls_name_their_place(bundled_doc, controls, message):
    with pytest.raises(InputError, match=r"instrument\.yaml: 1 problem in the instrument: " + message):
        parse_instrument({**bundled_doc, "controls": controls}, "instrument.yaml")


def test_a_moderator_construct_stays_out_of_the_structural_model(tmp_path, bundled_doc):
    doc = copy.deepcopy(bundled_doc)
    doc["structural"] += "LY ~ SW\n"
    with pytest.raises(InputError, match=r"structural line 3: term 'SW' is a construct of role moderator, which stays "
                                         r"out of the structural model; declare it under moderation"):
        load_instrument(_write(tmp_path, doc))


def test_bundled_moderation_is_declared():
    instrument = load_instrument(bundled_instrument_path())
    assert [(m.x, m.m, m.y) for m in instrument.moderation] == [("CS", "SW", "LY"), ("CS", "membership", "LY")]


@pytest.mark.parametrize("moderation, message", [
    ({"x": "CS", "m": "SW"}, r"moderation\[0\]: must be a mapping of exactly x, m and y to variable ids"),
    ({"x": ["CS"], "m": "BI", "y": "LY"}, r"moderation\[0\]: must be a mapping of exactly x, m and y to variable ids"),
    ([{"x": "QQ", "m": "BI", "y": "LY"}], r"moderation\[0\]\.x: names no construct: 'QQ'"),
    ([{"x": "CS", "m": "orders_6m", "y": "LY"}], r"moderation\[0\]\.m: names no construct or single-choice question: "
                                                 r"'orders_6m'; allowed: PQ, .*, gender"),
    ([{"x": "CS", "m": "CS", "y": "LY"}], r"moderation\[0\]: x, m and y must be three different variables"),
])
def test_moderation_problems_are_named(tmp_path, bundled_doc, moderation, message):
    doc = copy.deepcopy(bundled_doc)
    doc["moderation"] = moderation if isinstance(moderation, list) else [moderation]
    with pytest.raises(InputError, match=message):
        load_instrument(_write(tmp_path, doc))


#: a minimal instrument that analyses columns of an existing data set (README "The instrument file")
MINIMAL = {"id": "my-study", "title": "顾客满意与忠诚调查", "languages": ["zh"],
           "scale": {"min": 1, "max": 5, "labels": {1: "非常不同意", 5: "非常同意"}},
           "constructs": [{"id": "CS", "name": "顾客满意", "items": ["CS1", "CS2", {"id": "CS3", "text": "我很满意"}]}],
           "questions": [{"id": "gender", "type": "single", "text": "性别", "options": {1: "男", 2: "女"}}]}


def test_options_may_be_a_mapping_of_codes_to_labels(bundled_doc):
    doc = copy.deepcopy(bundled_doc)
    by_id = {q["id"]: q for q in doc["questions"]}
    listed = parse_instrument(doc).questions
    by_id["gender"]["options"] = {1: {"zh": "男", "en": "Male"}, 2: {"zh": "女", "en": "Female"}}
    membership = by_id["membership"]["options"]
    by_id["membership"]["options"] = {o["code"]: {k: v for k, v in o.items() if k != "code"} for o in membership}
    mapped = parse_instrument(doc).questions
    assert mapped == listed                           # the same options, flags (none: true) included
    assert parse_instrument(MINIMAL).questions[0].options[1].label["zh"] == "女"


def test_mapping_forms_survive_the_copy_in_results_json(bundled_doc):
    """results.json writes mapping keys as text ("1"); `loyalty report` reads the instrument back from it."""
    assert parse_instrument(json.loads(json.dumps(MINIMAL))) == parse_instrument(MINIMAL)


def test_items_without_text_fall_back_to_their_id_with_a_warning():
    instrument = parse_instrument(MINIMAL, "my.yaml")
    first, _, worded = instrument.constructs[0].items
    assert (first.text["zh"], first.worded, worded.worded) == ("CS1", False, True)
    assert instrument.unworded_items == ["CS1", "CS2"]
    assert instrument.warnings() == ["2 item(s) have no text in the instrument (CS1, CS2): their ids stand in for "
                                     "the wording; the printable questionnaire needs the wording before it is used"]
    assert load_instrument(bundled_instrument_path()).warnings() == []


def test_a_scale_may_label_its_endpoints_only():
    doc = {**MINIMAL, "languages": ["zh", "en"], "title": {"zh": "调查", "en": "Survey"},
           "scale": {"min": 0, "max": 10, "labels": {0: {"zh": "完全不可能", "en": "Not at all likely"},
                                                     10: {"zh": "非常可能", "en": "Extremely likely"}}},
           "constructs": [{"id": "CS", "name": {"zh": "满意", "en": "Satisfaction"}, "items": ["CS1", "CS2"],
                           "scale": {"min": 1, "max": 10, "labels": {"zh": {1: "很差", 10: "很好"},
                                                                     "en": {1: "Poor", 10: "Excellent"}}}}],
           "questions": []}
    instrument = parse_instrument(doc)
    assert instrument.scale.labels["en"] == ("Not at all likely", *[""] * 9, "Extremely likely")
    assert instrument.constructs[0].scale.point_captions("zh") == ("1 很差", "2", "3", "4", "5", "6", "7", "8", "9",
                                                                   "10 很好")
    assert parse_instrument(MINIMAL).scale.point_captions("zh")[0] == "1 非常不同意"
    assert load_instrument(bundled_instrument_path()).scale.point_captions("en")[0] == "Strongly disagree"


@pytest.mark.parametrize("change, message", [
    ({"scale": {"min": 0, "max": 10, "labels": {0: "完全不可能"}}},
     r"scale\.labels: endpoint 10 has no label; allowed: labels of any points of 0–10 that include both endpoints"),
    ({"scale": {"min": 0, "max": 10, "labels": {0: "a", 10: "b", 11: "c"}}},
     r"scale\.labels\.11: point 11 is not on the scale; allowed: 0–10"),
    ({"scale": {"min": 0, "max": 10, "labels": {"zh": {0: "a", "ten": "b"}}}},
     r"scale\.labels\.zh\.ten: point 'ten' is not an integer; allowed: points of 0–10"),
    ({"scale": {"min": 0, "max": 10}},
     r"scale\.labels: is required: one label per point in each language, or labels of points such as \{0: …, 10: …\}"),
    ({"scale": {"min": 1, "max": 5, "labels": ["a", "b"]}},
     r"scale\.labels: must be a mapping of language to a list of labels, or of scale points to labels such as "
     r"\{1: …, 5: …\}, got \['a', 'b'\]"),
    ({"questions": [{"id": "g", "type": "single", "text": "性别", "options": {"male": "男"}}]},
     r"questions\[0\]\.options\.male: option code 'male' is not an integer; allowed: a mapping of integer codes to "
     r"labels such as \{1: 男, 2: 女\}"),
    ({"questions": [{"id": "g", "type": "single", "text": "性别", "options": {}}]},
     r"questions\[0\]\.options: must list at least one option"),
    ({"questions": [{"id": "g", "type": "single", "text": "性别", "options": {1: ["男"]}}]},
     r"questions\[0\]\.options\.1\.label: must be a mapping of language to text, got list"),
    ({"constructs": [{"id": "CS", "name": "满意", "items": [7]}]},
     r"constructs\[0\]\.items\[0\]: must be an item id or a mapping with id and text, got 7"),
])
def test_bad_mapping_forms_name_their_place_value_and_what_is_allowed(change, message):
    with pytest.raises(InputError, match=r"^my\.yaml: 1 problem in the instrument: " + message + "$"):
        parse_instrument({**MINIMAL, **change}, "my.yaml")
