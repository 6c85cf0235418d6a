"""The report's figures drawn in worker processes while the main process writes the report.

`loyalty run` starts the workers (:class:`FigureWorkers`) before the analysis, so that each imports matplotlib
while the analysis runs; :func:`drawn_figures` hands them the figures and yields at once a mapping figure key
→ PNG path whose lookup waits for that figure only: the workbook and the DOCX tables are written while the
figures are drawn. Leaving the block waits for every PNG and SVG. A worker selects the backend and the CJK font
once (:func:`reports.figures.figure_settings`) and draws with :func:`reports.figures.draw_figure`, so the
files are those :func:`reports.figures.render_figures` draws in turn.

The workers take the figures from one queue (no thread in the main process, which later forks the bootstrap
workers), ignore Ctrl-C (the main process ends them) and are daemons (they end with the main process).
"""
from __future__ import annotations

import contextlib
import multiprocessing
import signal
from collections.abc import Iterator, Mapping
from multiprocessing.connection import Connection, wait
from pathlib import Path

from reports.figures import FigureSpec, draw_figure, figure_settings, quiet_font_fallback, render_figures

FIGURE_FORMATS = ("docx", "html", "md")     # the report formats that show figures (the workbook has none)


def _serve(tasks, results: Connection) -> None:
    """A worker: import matplotlib now, then draw ``(specs, index, out_dir, dpi)`` tasks until ``None``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401 - imported while the analysis runs

    drawn_for, rc = None, None
    while (task := tasks.get()) is not None:
        specs, index, out_dir, dpi = task
        try:
            if specs != drawn_for:
                drawn_for, rc = specs, figure_settings(specs)
            with quiet_font_fallback():
                results.send((specs[index].key, draw_figure(specs[index], rc, out_dir, dpi).png, None))
        except Exception as err:  # noqa: BLE001 - handed to the main process, which raises it
            results.send((specs[index].key, None, err))


class FigureWorkers:
    """``count`` processes that draw the figures of one report."""

    def __init__(self, count: int):
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        self._tasks = context.SimpleQueue()
        self._workers = []
        for _ in range(count):
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=_serve, args=(self._tasks, send), daemon=True)
            process.start()
            send.close()
            self._workers.append((process, receive))
        self._drawn: dict[str, Path] | None = None

    def draw(self, specs: list[FigureSpec], out_dir: Path, dpi: int) -> None:
        """Queue every figure of ``specs`` (all present) for drawing into ``out_dir``."""
        if self._drawn is not None:
            raise RuntimeError("FigureWorkers draw the figures of one report only")
        self._drawn = {}
        for index in range(len(specs)):
            self._tasks.put((specs, index, out_dir, dpi))

    def png(self, key: str) -> Path:
        """The PNG of figure ``key`` once drawn; the error of its worker if drawing failed."""
        lost = RuntimeError(f"a figure worker ended unexpectedly while the figures were drawn ({key})")
        while key not in self._drawn:
            receivers = {process.sentinel: receive for process, receive in self._workers}
            for ready in wait([*receivers.values(), *receivers]):
                if isinstance(ready, Connection):
                    try:
                        drawn, png, error = ready.recv()
                    except EOFError:
                        raise lost from None
                    if error is not None:
                        raise error
                    self._drawn[drawn] = png
                elif not receivers[ready].poll():    # ended, and nothing left to read
                    raise lost
        return self._drawn[key]

    def close(self, wait_for_workers: bool = True) -> None:
        """End the workers: each finishes its figure when ``wait_for_workers``, else at once."""
        for process, _ in self._workers:
            if wait_for_workers and process.is_alive():
                self._tasks.put(None)
        for process, receive in self._workers:
            if wait_for_workers:
                process.join(timeout=10)
            if process.is_alive():
                process.terminate()
                process.join()
            receive.close()

    def __enter__(self) -> FigureWorkers:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        self.close(wait_for_workers=kind is None)


class PendingFigures(Mapping):
    """Figure key → PNG path; ``figures[key]`` waits until that figure is drawn (and raises its error)."""

    def __init__(self, workers: FigureWorkers, keys: list[str]):
        self._workers = workers
        self._keys = keys

    def __getitem__(self, key: str) -> Path:
        if key not in self._keys:
            raise KeyError(key)
        return self._workers.png(key)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


@contextlib.contextmanager
def drawn_figures(specs: list[FigureSpec], out_dir: Path, workers: int | FigureWorkers = 1,
                  dpi: int = 300) -> Iterator[Mapping]:
    """Yield figure key → PNG path of the present ``specs`` (PNG at ``dpi`` and SVG in ``out_dir``).

    ``workers``: started :class:`FigureWorkers`, or a number of processes to start for these figures; with 1
    the figures are drawn here, before the block.
    """
    present = [s for s in specs if not s.is_missing]
    out_dir = Path(out_dir)
    if isinstance(workers, int) and (workers <= 1 or len(present) <= 1):
        yield {key: figure.png for key, figure in render_figures(present, out_dir, dpi).items()}
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        if isinstance(workers, int):
            workers = stack.enter_context(FigureWorkers(min(workers, len(present))))
        workers.draw(present, out_dir, dpi)
        figures = PendingFigures(workers, [s.key for s in present])
        yield figures
        for key in figures:     # every PNG and SVG is written when the block ends
            workers.png(key)
