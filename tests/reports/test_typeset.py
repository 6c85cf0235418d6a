"""APA number typesetting (reports.typeset)."""
import math

import pytest

from reports import typeset as ts


@pytest.mark.parametrize("value, expected", [(0.912, ".912"), (-0.04, "−.040"), (1.0, "1.000"), (0.0004, ".000"),
                                             (-0.0001, ".000"), (None, "—"), (math.nan, "—")])
def test_bounded_statistics_have_no_leading_zero(value, expected):
    assert ts.bounded(value) == expected


def test_unbounded_statistics_keep_the_leading_zero():
    assert ts.num(0.456) == "0.46"
    assert ts.num(-1.2) == "−1.20"
    assert ts.num(float("inf")) == "—"
    assert ts.integer(512.0) == "512"


@pytest.mark.parametrize("p, value, text, stars", [(0.0004, "< .001", "p < .001", "***"), (0.0123, ".012", "p = .012", "*"),
                                                   (0.004, ".004", "p = .004", "**"), (0.2, ".200", "p = .200", ""),
                                                   (None, "—", "p = —", "")])
def test_p_values_and_stars(p, value, text, stars):
    assert ts.p_value(p) == value
    assert ts.p_text(p) == text
    assert ts.stars(p) == stars


def test_chisq_ci_percent_and_coefficients():
    assert ts.chisq(412.666, 278) == "χ²(278) = 412.67"
    assert ts.ci(0.12, 0.345) == "[.120, .345]"
    assert ts.ci(1.5, 2.25, 2, False) == "[1.50, 2.25]"
    assert ts.ci(None, 0.3) == "—"
    assert ts.percent(37.46) == "37.5%"
    assert ts.share(0.375) == "37.5%"
    assert ts.ci_percent(0.31, 0.404) == "[31.0%, 40.4%]"
    assert ts.coef(0.312, 0.0001) == ".312***"
    assert ts.coef(None, 0.01) == "—"


def test_language_variants():
    assert ts.stars_legend("zh").startswith("注：")
    assert ts.stars_legend("en").startswith("Note.")
    assert ts.join(["A", "B", "C"], "zh") == "A、B和C"
    assert ts.join(["A", "B", "C"], "en") == "A, B and C"
    assert ts.not_computed("x", "en") == "(not computed: x)"
    assert ts.not_computed("x", "zh") == "（未计算：x）"


@pytest.mark.parametrize("text, italic", [
    ("p < .001", ["p"]), ("（β = .406，p = .260）", ["β", "p"]), ("χ²(278) = 350.63，χ²/df = 1.26，CFI = .987", ["df"]),
    ("模型 R² = .565", ["R"]), ("t(12) = 3.1, F(2, 300) = 4.0", ["t", "F"]), ("|d| ≥ 0.2", ["d"]),
    ("SD", ["SD"]), ("R² / f²", ["R", "f"]), ("CFI = .987, SRMR = .033, 95% CI", []), ("Harman p", []),
    ("* p < .05, ** p < .01", ["p", "p"]), (f"Journal, {ts.italic('Psych, 3')}(2)", ["Psych, 3"])])
def test_statistical_symbols_and_marked_titles_are_italic(text, italic):
    spans = ts.italic_spans(text)
    assert [piece for piece, is_italic in spans if is_italic] == italic
    assert "".join(piece for piece, _ in spans) == text.replace(ts.ITALIC_START, "").replace(ts.ITALIC_END, "")
