"""Figures: Chinese renders with the packaged CJK font (no missing glyph), PNG at 300 dpi and SVG."""
import warnings

from PIL import Image

from reports.context import build_context
from reports.figures import render_figures


def test_chinese_figures_have_no_missing_glyphs(results, instrument, tmp_path):
    specs = list(build_context(results, instrument, "zh").figures.values())
    assert {s.kind for s in specs} == {"framework", "research_model", "path_diagram", "ipma", "likert", "scree",
                                       "construct_means", "simple_slopes"}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rendered = render_figures(specs, tmp_path, dpi=60)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)]
    assert missing == []
    assert set(rendered) == {s.key for s in specs}
    for fig in rendered.values():
        assert fig.svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")
        assert Image.open(fig.png).size[0] > 100


def test_a_glyph_outside_the_font_would_be_reported(tmp_path):
    """The check above can fail: a character no font has (U+E000, private use) raises the warning."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from reports.figures import use_cjk_font

    family = use_cjk_font(["顾客"])
    with warnings.catch_warnings(record=True) as caught, matplotlib.rc_context({"font.family": family}):
        warnings.simplefilter("always")
        fig = plt.figure()
        fig.text(0.5, 0.5, "顾客\ue000")
        fig.savefig(tmp_path / "x.png")
        plt.close(fig)
    assert any("missing from" in str(w.message) for w in caught)


def test_png_is_saved_at_300_dpi(results, instrument, tmp_path):
    spec = build_context(results, instrument, "en").figures["scree"]
    fig = render_figures([spec], tmp_path)["scree"]
    dpi = Image.open(fig.png).info["dpi"]
    assert round(dpi[0]) == 300
