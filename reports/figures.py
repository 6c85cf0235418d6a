"""The report's figures (matplotlib, Agg): research model, path diagram, IPMA map, diverging Likert bars,
scree plot with the parallel-analysis line, construct means with CIs, simple slopes of a moderation. Each is saved as 300-dpi PNG and SVG.

Chinese text needs a CJK font that a fresh machine does not have: the PyPI package ``manimgx-fonts-cjk``
ships Noto Sans CJK as one variable font. Matplotlib draws a variable font only in its default
instance (Thin), so :func:`use_cjk_font` cuts a Regular (wght 400) instance holding just the characters
the figures need (fontTools subset + instancer, a few seconds, cached on disk by character set) and
puts the full variable font behind it as a fallback, so no glyph is ever missing.

Figures are drawn from :class:`FigureSpec` (plain data made by ``reports.context``); this module
computes no statistic.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import string
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

FALLBACK_FAMILY = "Noto Sans CJK SC"
_BASE_CHARS = (string.printable.strip() + " αβγδεηλμρσχωΔΣΩ²³±–—−·•…“”‘’≥≤×÷°‰%（）：，。、；！？《》【】"
               "「」○●■□→←↑↓")
_state: dict = {"covered": frozenset(), "family": None}


@dataclass(frozen=True)
class FigureSpec:
    """What to draw: ``kind`` picks the drawing function, ``data`` holds its plain inputs."""

    key: str
    kind: str
    caption: str
    data: dict = field(default_factory=dict)
    missing: str | None = None

    @property
    def is_missing(self) -> bool:
        return self.missing is not None

    def texts(self) -> list[str]:
        """Every string the figure draws (to build the font for)."""
        found: list[str] = []

        def walk(x):
            if isinstance(x, str):
                found.append(x)
            elif isinstance(x, dict):
                for v in x.values():
                    walk(v)
            elif isinstance(x, (list, tuple)):
                for v in x:
                    walk(v)
        walk(self.data)
        return found


# --------------------------------------------------------------------------- fonts

def cjk_font_file() -> Path:
    """The Noto Sans CJK variable font shipped by the ``manimgx-fonts-cjk`` package."""
    import manimgx_fonts_cjk

    return Path(manimgx_fonts_cjk.__file__).with_name("NotoSansCJK-VF.otf.ttc")


def _cache_dir() -> Path:
    configured = os.environ.get("LOYALTY_FONT_CACHE")
    candidates = [Path(configured)] if configured else []
    candidates += [Path.home() / ".cache" / "loyalty-survey" / "fonts",
                   Path(tempfile.gettempdir()) / "loyalty-survey-fonts"]
    for folder in candidates:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / ".write-test"
            probe.write_text("ok")
            probe.unlink()
            return folder
        except OSError:
            continue
    raise OSError("no writable folder for the CJK font cache; set LOYALTY_FONT_CACHE")


def _regular_subset(chars: frozenset[str], family: str, path: Path) -> None:
    """Write a static Regular instance of Noto Sans CJK SC holding ``chars`` to ``path``."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    font = TTFont(str(cjk_font_file()), fontNumber=2, lazy=True)   # face 2 of the collection is SC
    options = subset.Options()
    options.layout_features = ["*"]
    options.notdef_outline = True
    options.name_IDs = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(chars)))
    subsetter.subset(font)
    instancer.instantiateVariableFont(font, {"wght": 400}, inplace=True, updateFontNames=False)
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (16, 17, 21, 22, 25):
            names.removeNames(nameID=record.nameID)
    for name_id, value in ((1, family), (2, "Regular"), (4, family), (6, family.replace(" ", "-"))):
        names.setName(value, name_id, 3, 1, 0x409)
        names.setName(value, name_id, 1, 0, 0)
    tmp = path.with_suffix(f".{os.getpid()}.part")   # figure workers may build the same font at once
    font.save(str(tmp))
    tmp.replace(path)


def use_cjk_font(texts: list[str]) -> list[str]:
    """Make sure the figure font covers every character of ``texts``; return the font.family list.

    Registers (once per character set, cached on disk) a Regular subset of Noto Sans CJK SC and the
    full variable font as fallback with matplotlib's font_manager.
    """
    from matplotlib import font_manager

    chars = frozenset("".join(texts)) | frozenset(_BASE_CHARS)
    chars = frozenset(c for c in chars if c.isprintable())
    if _state["family"] is None:
        font_manager.fontManager.addfont(str(cjk_font_file()))
    if not chars <= _state["covered"]:
        chars = chars | _state["covered"]
        digest = hashlib.sha1("".join(sorted(chars)).encode("utf-8")).hexdigest()[:12]
        family = f"Loyalty CJK {digest}"
        path = _cache_dir() / f"loyalty-cjk-{digest}.otf"
        if not path.exists():
            _regular_subset(chars, family, path)
        font_manager.fontManager.addfont(str(path))
        _state.update(covered=chars, family=family)
    return [_state["family"], FALLBACK_FAMILY, "DejaVu Sans"]


# --------------------------------------------------------------------------- drawing helpers

_PALETTE = {"box": "#f3f6fa", "edge": "#1f3b5b", "ns": "#9aa5b1", "accent": "#c0392b"}
_LIKERT_COLORS = ("#b2182b", "#ef8a62", "#d9d9d9", "#67a9cf", "#2166ac")


def _layers(nodes: list[str], edges: list[tuple[str, str]]) -> dict[str, int]:
    """Column of each node: the length of the longest path that reaches it."""
    layer = {n: 0 for n in nodes}
    for _ in nodes:
        for a, b in edges:
            layer[b] = max(layer[b], layer[a] + 1)
    return layer


def _positions(nodes: list[str], edges: list[tuple[str, str]]) -> dict[str, tuple[float, float]]:
    """Columns by layer; a lone node of a middle layer sits at the top so direct paths pass below it."""
    layer = _layers(nodes, edges)
    depth = max(layer.values(), default=0)
    pos = {}
    for col in range(depth + 1):
        members = [n for n in nodes if layer[n] == col]
        count = len(members)
        for k, node in enumerate(members):
            y = 0.5 if count == 1 else 0.92 - 0.84 * k / (count - 1)
            if 0 < col < depth and count == 1:
                y = 0.9
            pos[node] = (0.1 + 0.8 * col / max(depth, 1), y)
    return pos


def _segment_distance(px: float, py: float, a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance from the point to the segment a–b (in the units given)."""
    (ax_, ay), (bx, by) = a, b
    dx, dy = bx - ax_, by - ay
    length2 = dx * dx + dy * dy
    u = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax_) * dx + (py - ay) * dy) / length2))
    return ((px - ax_ - u * dx) ** 2 + (py - ay - u * dy) ** 2) ** 0.5


def _label_positions(pos: dict, edges: list[dict], aspect: float) -> list[float | None]:
    """Where along each labelled edge its label goes (fraction from the source).

    Greedy: for each edge, the candidate point farthest from every other edge, every node and the labels
    already placed (distances in display proportions, ``aspect`` = height / width), so that labels never
    sit on a crossing.
    """
    def scaled(p):
        return p[0], p[1] * aspect

    segments = [(scaled(pos[e["from"]]), scaled(pos[e["to"]])) for e in edges]
    nodes = [scaled(v) for v in pos.values()]
    placed: list[tuple[float, float]] = []
    chosen: list[float | None] = []
    candidates = [0.18 + 0.04 * k for k in range(17)]
    for k, e in enumerate(edges):
        if not e.get("label"):
            chosen.append(None)
            continue
        a, b = segments[k]
        best, best_score = 0.5, -1.0
        for f in candidates:
            x, y = a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])
            score = min([_segment_distance(x, y, *seg) for j, seg in enumerate(segments) if j != k] + [1.0])
            score = min(score, min((((x - nx) ** 2 + (y - ny) ** 2) ** 0.5 - 0.06 for nx, ny in nodes), default=1.0))
            score = min(score, min((((x - lx) ** 2 + (y - ly) ** 2) ** 0.5 / 2 for lx, ly in placed), default=1.0))
            score -= 0.02 * abs(f - 0.5)      # all else equal, nearer the middle
            if score > best_score:
                best, best_score = f, score
        placed.append((a[0] + best * (b[0] - a[0]), a[1] + best * (b[1] - a[1])))
        chosen.append(best)
    return chosen


# Figures are printed 15 cm wide (reports.render_docx); the model diagrams are drawn 7.5 in wide, so a label
# needs 8 pt × 7.5 in / (15 cm / 2.54) ≈ 10.2 pt in the drawing to print at 8 pt or more.
MODEL_LABEL_PT = 10.5
MODEL_NODE_PT = 11


def _draw_model(ax, data: dict, aspect: float) -> None:
    nodes = [n["id"] for n in data["nodes"]]
    edges = data["edges"]
    pairs = [(e["from"], e["to"]) for e in edges]
    pos = _positions(nodes, pairs)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    boxes = {}
    for n in data["nodes"]:
        x, y = pos[n["id"]]
        boxes[n["id"]] = ax.text(x, y, n["label"], ha="center", va="center", fontsize=MODEL_NODE_PT, zorder=3,
                                 bbox=dict(boxstyle="round,pad=0.5", fc=_PALETTE["box"], ec=_PALETTE["edge"], lw=1))
        if n.get("note"):
            ax.text(x, y - 0.085, n["note"], ha="center", va="center", fontsize=MODEL_LABEL_PT,
                    color=_PALETTE["edge"])
    for e, f in zip(edges, _label_positions(pos, edges, aspect)):
        (x0, y0), (x1, y1) = pos[e["from"]], pos[e["to"]]
        solid = e.get("significant", True)
        color = _PALETTE["edge"] if solid else _PALETTE["ns"]
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0), zorder=1,
                    arrowprops=dict(arrowstyle="-|>", color=color, lw=1.0, linestyle="-" if solid else "--",
                                    patchA=boxes[e["from"]].get_bbox_patch(), patchB=boxes[e["to"]].get_bbox_patch(),
                                    shrinkA=2, shrinkB=2))
        if f is not None:
            ax.text(x0 + f * (x1 - x0), y0 + f * (y1 - y0), e["label"], fontsize=MODEL_LABEL_PT, color=color,
                    ha="center", va="center", zorder=2, bbox=dict(boxstyle="round,pad=0.12", fc="white", ec="none"))


def draw_research_model(ax, data: dict) -> None:
    """Boxes for the constructs, arrows for the hypothesised paths labelled with the hypothesis."""
    _draw_model(ax, data, _DRAW["research_model"][1][1] / _DRAW["research_model"][1][0])


def draw_path_diagram(ax, data: dict) -> None:
    """The structural model with standardized coefficients and stars; dashed arrows are not significant."""
    _draw_model(ax, data, _DRAW["path_diagram"][1][1] / _DRAW["path_diagram"][1][0])
    if data.get("legend"):
        ax.text(0.0, 0.0, data["legend"], fontsize=MODEL_LABEL_PT, ha="left", va="bottom", transform=ax.transAxes)


def draw_framework(ax, data: dict) -> None:
    """The research framework: the study's steps top to bottom, the chapter on the left, the methods on the right."""
    steps = data["steps"]
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    top, bottom = 0.95, 0.05
    gap = (top - bottom) / max(len(steps) - 1, 1)
    boxes = []
    for k, step in enumerate(steps):
        y = top - k * gap
        boxes.append(ax.text(0.36, y, step["label"], ha="center", va="center", fontsize=9, zorder=3,
                             bbox=dict(boxstyle="round,pad=0.45", fc=_PALETTE["box"], ec=_PALETTE["edge"], lw=1)))
        ax.text(0.08, y, step["stage"], ha="center", va="center", fontsize=8, color=_PALETTE["accent"])
        ax.text(0.58, y, step["detail"], ha="left", va="center", fontsize=7.5, color="#333333")
    for a, b in zip(boxes, boxes[1:]):
        ax.annotate("", xy=b.get_position(), xytext=a.get_position(), zorder=1,
                    arrowprops=dict(arrowstyle="-|>", color=_PALETTE["edge"], lw=1.0,
                                    patchA=a.get_bbox_patch(), patchB=b.get_bbox_patch(), shrinkA=1, shrinkB=1))


def draw_ipma(ax, data: dict) -> None:
    """Importance (total effect) on x, performance (0–100) on y, dashed lines at the means."""
    points = data["points"]
    xs = [p["importance"] for p in points]
    ys = [p["performance"] for p in points]
    colors = [_PALETTE["accent"] if p.get("priority") else _PALETTE["edge"] for p in points]
    ax.scatter(xs, ys, c=colors, s=36, zorder=3)
    for p in points:
        ax.annotate(p["label"], (p["importance"], p["performance"]), textcoords="offset points",
                    xytext=(5, 4), fontsize=8)
    ax.axvline(data["mean_importance"], color=_PALETTE["ns"], ls="--", lw=0.8)
    ax.axhline(data["mean_performance"], color=_PALETTE["ns"], ls="--", lw=0.8)
    ax.set_xlabel(data["xlabel"])
    ax.set_ylabel(data["ylabel"])
    span_x = (max(xs) - min(xs)) or 0.1
    span_y = (max(ys) - min(ys)) or 10
    ax.set_xlim(min(xs) - 0.15 * span_x, max(xs) + 0.3 * span_x)
    ax.set_ylim(min(ys) - 0.2 * span_y, max(ys) + 0.2 * span_y)
    ax.text(0.99, 0.02, data["quadrant_note"], transform=ax.transAxes, ha="right", va="bottom", fontsize=7,
            color=_PALETTE["accent"])
    ax.grid(alpha=0.2)


def draw_likert(fig, data: dict) -> None:
    """Diverging stacked bars: disagreement to the left of zero, agreement to the right, neutral centred."""
    groups = data["groups"]
    heights = [len(g["items"]) + 0.6 for g in groups]
    axes = fig.subplots(len(groups), 1, sharex=True, gridspec_kw={"height_ratios": heights})
    axes = list(axes) if len(groups) > 1 else [axes]
    labels = data["scale_labels"]
    points = len(labels)
    mid = (points - 1) / 2
    for ax, group in zip(axes, groups):
        names = [it["label"] for it in group["items"]]
        for row, it in enumerate(group["items"]):
            shares = [100 * s for s in it["shares"]]
            left = -sum(shares[:int(mid)]) - (shares[int(mid)] / 2 if points % 2 else 0)
            for k, s in enumerate(shares):
                ax.barh(row, s, left=left, color=_LIKERT_COLORS[round(k * 4 / (points - 1))], height=0.7,
                        label=labels[k] if row == 0 else None)
                left += s
        ax.set_yticks(range(len(names)))
        ax.set_yticklabels(names, fontsize=7)
        ax.invert_yaxis()
        ax.axvline(0, color="black", lw=0.6)
        ax.set_ylabel(group["label"], fontsize=8, rotation=0, ha="right", va="center")
        ax.tick_params(axis="x", labelsize=7)
    axes[-1].set_xlim(-100, 100)
    axes[-1].set_xlabel(data["xlabel"], fontsize=8)
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="upper center", ncol=points, fontsize=7, frameon=False)


def draw_scree(ax, data: dict) -> None:
    """Observed eigenvalues and, when present, the parallel-analysis eigenvalues; Kaiser line at 1."""
    eig = data["eigenvalues"]
    ax.plot(range(1, len(eig) + 1), eig, "o-", color=_PALETTE["edge"], ms=3.5, lw=1.2, label=data["observed_label"])
    if data.get("parallel"):
        par = data["parallel"]
        ax.plot(range(1, len(par) + 1), par, "s--", color=_PALETTE["accent"], ms=3, lw=1,
                label=data["parallel_label"])
    ax.axhline(1.0, color=_PALETTE["ns"], lw=0.8, ls=":")
    ax.set_xlabel(data["xlabel"])
    ax.set_ylabel(data["ylabel"])
    ax.legend(fontsize=8, frameon=False)
    ax.grid(alpha=0.2)


def draw_construct_means(ax, data: dict) -> None:
    """Construct means with their interval (CI, or ±1 SD when the results give no CI)."""
    rows = data["rows"]
    ys = list(range(len(rows)))
    means = [r["mean"] for r in rows]
    lo = [r["mean"] - r["lower"] for r in rows]
    hi = [r["upper"] - r["mean"] for r in rows]
    ax.errorbar(means, ys, xerr=[lo, hi], fmt="o", color=_PALETTE["edge"], ecolor=_PALETTE["edge"], capsize=3)
    for y, r in zip(ys, rows):
        ax.text(r["upper"] + 0.04, y, r["text"], va="center", fontsize=7)
    ax.set_yticks(ys)
    ax.set_yticklabels([r["label"] for r in rows])
    ax.invert_yaxis()
    ax.set_xlim(data["scale_min"], data["scale_max"])
    ax.axvline(data["midpoint"], color=_PALETTE["ns"], lw=0.8, ls=":")
    ax.set_xlabel(data["xlabel"])
    ax.grid(axis="x", alpha=0.2)


def draw_simple_slopes(ax, data: dict) -> None:
    """Predicted Y over X̄ ± 1 SD, one line per moderator value (intercept at X̄, slope), as PROCESS plots."""
    low, high = data["x_mean"] - data["x_sd"], data["x_mean"] + data["x_sd"]
    styles = ["o--", "s-", "^:", "D-.", "v--", "P-"]
    for k, line in enumerate(data["lines"]):
        ys = [line["intercept"] + line["slope"] * (x - data["x_mean"]) for x in (low, high)]
        ax.plot([low, high], ys, styles[k % len(styles)], color=_PALETTE["edge"], ms=4, lw=1.2, label=line["label"])
    ax.set_xticks([low, high])
    ax.set_xticklabels(["M − 1SD", "M + 1SD"])
    ax.set_xlabel(data["xlabel"])
    ax.set_ylabel(data["ylabel"])
    ax.legend(title=data["title"], fontsize=8, title_fontsize=8, frameon=False)
    ax.grid(alpha=0.2)


_DRAW = {"framework": (draw_framework, (7.0, 5.0)), "research_model": (draw_research_model, (7.5, 4.6)), "path_diagram": (draw_path_diagram, (7.5, 4.8)),
         "ipma": (draw_ipma, (6.4, 4.6)), "scree": (draw_scree, (6.4, 4.0)),
         "construct_means": (draw_construct_means, (6.4, 3.8)), "likert": (draw_likert, (7.0, 9.0)),
         "simple_slopes": (draw_simple_slopes, (5.6, 4.0))}


@dataclass(frozen=True)
class RenderedFigure:
    spec: FigureSpec
    png: Path
    svg: Path


def figure_settings(specs: list[FigureSpec]) -> dict:
    """Select the Agg backend and a font covering every text of ``specs``; return the rcParams of the figures."""
    import matplotlib

    matplotlib.use("Agg")
    family = use_cjk_font([t for s in specs for t in s.texts()])
    return {"font.family": family, "svg.fonttype": "path", "axes.unicode_minus": True,
            "axes.spines.top": False, "axes.spines.right": False}


@contextlib.contextmanager
def quiet_font_fallback() -> Iterator[None]:
    """The variable fallback font has only a Thin master: matplotlib logs each time it falls back to it."""
    font_log = logging.getLogger("matplotlib.font_manager")
    level = font_log.level
    font_log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        font_log.setLevel(level)


def draw_figure(spec: FigureSpec, rc: dict, out_dir: Path, dpi: int = 300) -> RenderedFigure:
    """Draw one figure to ``out_dir/<key>.png`` (``dpi``) and ``.svg`` with the rcParams of :func:`figure_settings`."""
    import matplotlib
    import matplotlib.pyplot as plt

    draw, size = _DRAW[spec.kind]
    with matplotlib.rc_context(rc):
        fig = plt.figure(figsize=size)
        if spec.kind == "likert":
            draw(fig, spec.data)
            fig.tight_layout(rect=(0, 0, 1, 0.96))
        else:
            draw(fig.add_subplot(1, 1, 1), spec.data)
            fig.tight_layout()
        png, svg = out_dir / f"{spec.key}.png", out_dir / f"{spec.key}.svg"
        fig.savefig(png, dpi=dpi)
        fig.savefig(svg)
        plt.close(fig)
    return RenderedFigure(spec, png, svg)


def render_figures(specs: list[FigureSpec], out_dir: Path, dpi: int = 300) -> dict[str, RenderedFigure]:
    """Draw every present figure to ``out_dir/<key>.png`` (``dpi``) and ``.svg``; missing ones are skipped."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    present = [s for s in specs if not s.is_missing]
    rc = figure_settings(present)
    with quiet_font_fallback():
        return {spec.key: draw_figure(spec, rc, out_dir, dpi) for spec in present}
