"""The report's figures drawn in worker processes while the main process writes the report.

:func:`drawn_figures` starts one process per core (up to one per figure) and yields a mapping figure key →
PNG path at once; looking a key up waits for that figure only, so the DOCX writer fills its tables while the
figures are drawn and blocks only where it places an image. Leaving the block waits for every PNG and SVG.
Each worker selects the backend and the CJK font once (:func:`reports.figures.figure_settings`) and draws
with the same code as :func:`reports.figures.render_figures`, so the files are the same as drawn in turn.
"""
from __future__ import annotations

import contextlib
import multiprocessing
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from reports.figures import FigureSpec, draw_figure, figure_settings, quiet_font_fallback, render_figures

_WORKER: dict = {}


class PendingFigures(Mapping):
    """Figure key → PNG path; ``figures[key]`` waits until that figure is drawn (and re-raises its error)."""

    def __init__(self, futures: dict[str, Future]):
        self._futures = futures

    def __getitem__(self, key: str) -> Path:
        return self._futures[key].result()

    def __contains__(self, key: object) -> bool:
        return key in self._futures

    def __iter__(self) -> Iterator[str]:
        return iter(self._futures)

    def __len__(self) -> int:
        return len(self._futures)


def _start_worker(specs: list[FigureSpec]) -> None:
    _WORKER["rc"] = figure_settings(specs)


def _draw(spec: FigureSpec, out_dir: Path, dpi: int) -> Path:
    with quiet_font_fallback():
        return draw_figure(spec, _WORKER["rc"], out_dir, dpi).png


@contextlib.contextmanager
def drawn_figures(specs: list[FigureSpec], out_dir: Path, workers: int = 1, dpi: int = 300) -> Iterator[Mapping]:
    """Yield figure key → PNG path of the present ``specs`` (PNG at ``dpi`` and SVG in ``out_dir``).

    ``workers`` > 1: drawn in that many processes (fewer if there are fewer figures) while the block runs;
    1: drawn here, before the block.
    """
    present = [s for s in specs if not s.is_missing]
    out_dir = Path(out_dir)
    if workers <= 1 or len(present) <= 1:
        yield {key: figure.png for key, figure in render_figures(present, out_dir, dpi).items()}
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(min(workers, len(present)), mp_context=context, initializer=_start_worker,
                             initargs=(present,)) as pool:
        futures = {spec.key: pool.submit(_draw, spec, out_dir, dpi) for spec in present}
        try:
            yield PendingFigures(futures)
            for future in futures.values():
                future.result()
        except BaseException:
            for future in futures.values():
                future.cancel()
            raise
