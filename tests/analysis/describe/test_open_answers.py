"""Open answers coded with the bundled bilingual codebook, the instrument's own themes and the praise markers, on a
small hand-coded fixture."""
import pytest

from analysis.describe.open_answers import (EXAMPLES_PER_THEME, QUOTE_MAX_CHARS, bundled_codebook, code_open_answers,
                                            praise_marker, study_codebook)
from analysis.results import to_plain
from questionnaire.errors import InputError
from questionnaire.instrument import bundled_instrument_path
from questionnaire.loader import load_instrument, parse_instrument

#: answer → the bundled themes a coder assigns it
FIXTURE = {
    "物流太慢了，三天还没到货": {"logistics"},
    "退货流程可以更简单": {"returns"},
    "希望客服回复再快一点": {"customer_service"},
    "售后处理要更及时，退款也慢": {"customer_service", "returns"},
    "Delivery was late and the refund took weeks": {"logistics", "returns"},
    "Too many fake products, I want genuine goods": {"authenticity"},
    "The app keeps crashing at checkout": {"usability"},
    "I am happy with everything": set(),          # "app" inside "happy" is no mention of the app
    "多一些会员专属优惠": {"membership", "promotions"},
    "价格比别家贵": {"price"},
    "包装破损": {"packaging"},
    "物流速度很满意，继续保持": {"logistics"},       # praise
    "对物流不满意": {"logistics"},                   # negated: not praise
    "": set(),
}


@pytest.fixture(scope="module")
def instrument():
    return load_instrument(bundled_instrument_path())


def test_bundled_codebook_codes_the_fixture_as_a_coder_would():
    answers = [a for a in FIXTURE if a] + ["退货流程可以更简单"] + ["  "]
    coded = code_open_answers("suggestion", answers, bundled_codebook(), praise_marker())
    assert coded.n_answers == len(answers) - 1                     # empty answers are not answers
    assert coded.n_coded == coded.n_answers - 1                     # only "I am happy with everything" mentions none
    expected = {}
    for answer in answers:
        for theme in FIXTURE.get(answer.strip(), set()):
            expected[theme] = expected.get(theme, 0) + 1
    assert {t.id: t.count for t in coded.themes} == expected
    counts = [t.count for t in coded.themes]
    assert counts == sorted(counts, reverse=True)
    returns = next(t for t in coded.themes if t.id == "returns")
    assert returns.share == returns.count / coded.n_answers and returns.examples[0] == "退货流程可以更简单"  # most frequent first
    logistics = next(t for t in coded.themes if t.id == "logistics")
    assert logistics.n_praise == 1 and logistics.calls_for_action
    assert "物流速度很满意，继续保持" not in logistics.examples        # three complaints come before the praise
    assert all(len(t.examples) <= EXAMPLES_PER_THEME for t in coded.themes)
    plain = to_plain(coded)
    assert set(plain) == {"question", "n_answers", "n_coded", "themes"}
    assert set(plain["themes"][0]) == {"id", "label", "count", "share", "n_praise", "examples", "constructs"}


def test_long_answers_are_quoted_shortened_and_only_praise_is_a_strength():
    long = "物流" + "很" * 100
    coded = code_open_answers("q", [long, "物流很满意"], bundled_codebook(), praise_marker())
    (theme,) = coded.themes
    assert len(theme.examples[0]) == QUOTE_MAX_CHARS and theme.examples[0].endswith("…")
    only_praise = code_open_answers("q", ["物流很满意"], bundled_codebook(), praise_marker()).themes[0]
    assert only_praise.n_praise == only_praise.count == 1 and not only_praise.calls_for_action


def test_the_instrument_extends_and_overrides_the_codebook(instrument):
    doc = {**instrument.document, "open_answers": {"themes": [
        {"id": "logistics", "label": {"zh": "快递", "en": "Courier"}, "keywords": {"zh": ["顺丰"]}},
        {"id": "live", "label": {"zh": "直播", "en": "Live streaming"}, "patterns": ["直播间?"], "constructs": ["EX"]}]}}
    own = parse_instrument(doc, "study.yaml")
    codebook = study_codebook(own)
    ids = [t.id for t in codebook]
    assert ids == [t.id for t in bundled_codebook()] + ["live"]
    assert codebook[ids.index("logistics")].label.get("zh") == "快递"       # replaced in place
    coded = code_open_answers("suggestion", ["顺丰很快", "物流慢", "直播间的优惠多"], codebook)
    assert {t.id: t.count for t in coded.themes} == {"logistics": 1, "live": 1, "promotions": 1}
    alone = parse_instrument({**doc, "open_answers": {**doc["open_answers"], "bundled_codebook": False}}, "study.yaml")
    assert [t.id for t in study_codebook(alone)] == ["logistics", "live"]
    assert own.open_question.id == "suggestion"


@pytest.mark.parametrize("open_answers, message", [
    ({"question": "gender"}, r"open_answers.question: names no question of type text: 'gender'; text questions: suggestion"),
    ({"themes": [{"id": "x", "label": {"zh": "甲", "en": "x"}, "patterns": ["("]}]},
     r"open_answers.themes\[0\].patterns\[0\]: is not a regular expression"),
    ({"themes": [{"id": "x", "label": {"zh": "甲", "en": "x"}, "keywords": {"zh": ["甲"]}, "constructs": ["ZZ"]}]},
     r"open_answers.themes\[0\].constructs\[0\]: names no construct: 'ZZ'"),
    ({"themes": [{"id": "x", "label": {"zh": "甲", "en": "x"}}]}, r"open_answers.themes\[0\]: needs at least one keyword or pattern"),
    ({"themes": [{"id": "x", "label": {"zh": "甲"}, "keywords": {"zh": "甲"}}]},
     r"open_answers.themes\[0\].keywords: must map a language to a list of texts"),
    ({"bundled_codebook": False}, r"open_answers.themes: must list at least one theme when bundled_codebook is false"),
    ({"bundled_codebook": "no"}, r"open_answers.bundled_codebook: must be true or false, got 'no'"),
    (["logistics"], r"open_answers: must be a mapping of question, bundled_codebook and themes"),
])
def test_a_bad_open_answers_block_names_its_place(instrument, open_answers, message):
    with pytest.raises(InputError, match=message):
        parse_instrument({**instrument.document, "open_answers": open_answers}, "study.yaml")
