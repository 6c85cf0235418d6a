"""Figures drawn in worker processes: the same PNGs as drawn in turn; a failing figure fails the block."""
import pytest

from reports.context import build_context
from reports.figure_pool import drawn_figures
from reports.figures import FigureSpec, render_figures, use_cjk_font


def test_workers_draw_the_same_pngs_as_one_process(results, instrument, tmp_path):
    figures = build_context(results, instrument, "zh").figures
    use_cjk_font([t for s in figures.values() for t in s.texts()])  # the font test_figures uses: built once
    specs = [figures["scree"], figures["ipma_map"]]
    serial = render_figures(specs, tmp_path / "serial", dpi=40)
    with drawn_figures(specs, tmp_path / "pool", workers=2, dpi=40) as images:
        assert set(images) == {"scree", "ipma_map"}
        pngs = {key: images[key] for key in images}
    for key, figure in serial.items():
        assert pngs[key].read_bytes() == figure.png.read_bytes()
        assert pngs[key].with_suffix(".svg").exists()


def test_a_figure_that_fails_in_a_worker_raises_when_the_block_ends(results, instrument, tmp_path):
    scree = build_context(results, instrument, "en").figures["scree"]
    broken = FigureSpec("broken", "no_such_kind", "caption")
    with pytest.raises(KeyError, match="no_such_kind"):
        with drawn_figures([scree, broken], tmp_path, workers=2, dpi=40):
            pass
