"""The one place where numbers become text (APA 7th ed., §6.36 and Table 6.5).

Rules: bounded statistics (correlations, α, ω, p, loadings, CFI, TLI, RMSEA, SRMR, R², HTMT ...)
are printed without a leading zero (``.912``, ``−.04``); unbounded ones keep it (``0.45``, ``3.87``);
``p`` below .001 is ``< .001``; χ² is ``χ²(df) = value``; confidence intervals are ``[lo, hi]``;
a missing value prints as an em dash, never as ``nan`` or ``None``. Minus signs are U+2212.
Where zh and en wording differs the function takes ``lang``.
"""
from __future__ import annotations

import math
import re

DASH = "—"
MINUS = "−"
STAR_LEVELS = ((0.001, "***"), (0.01, "**"), (0.05, "*"))


def is_number(x: object) -> bool:
    """True for a finite int/float (bool excluded); None, NaN and strings are not numbers."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return False
    return math.isfinite(float(x))


def _signed(text: str) -> str:
    return MINUS + text[1:] if text.startswith("-") else text


def num(x: object, digits: int = 2) -> str:
    """An unbounded statistic with its leading zero: ``3.87``, ``0.45``, ``−1.20``; missing → ``—``."""
    if not is_number(x):
        return DASH
    text = f"{float(x):.{digits}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return _signed(text)


def bounded(x: object, digits: int = 3) -> str:
    """A statistic that cannot exceed 1 in absolute value, without the leading zero: ``.912``, ``−.04``.

    A value that rounds to ±1 prints as ``1.000`` (APA keeps the digit when it is not zero).
    """
    if not is_number(x):
        return DASH
    text = num(x, digits)
    if text.startswith("0."):
        return text[1:]
    if text.startswith(MINUS + "0."):
        return MINUS + text[2:]
    return text


def integer(x: object) -> str:
    """A count: ``512``; missing → ``—``."""
    if not is_number(x):
        return DASH
    return _signed(str(int(round(float(x)))))


def p_value(p: object) -> str:
    """The value of p alone: ``< .001`` or ``.034`` (three decimals)."""
    if not is_number(p):
        return DASH
    return "< .001" if float(p) < 0.001 else bounded(p, 3)


def p_text(p: object) -> str:
    """p as it is written in running text: ``p < .001`` or ``p = .034``."""
    value = p_value(p)
    if value == DASH:
        return f"p = {DASH}"
    return f"p {value}" if value.startswith("<") else f"p = {value}"


def stars(p: object) -> str:
    """Significance stars: *** p < .001, ** p < .01, * p < .05, otherwise nothing."""
    if not is_number(p):
        return ""
    for level, mark in STAR_LEVELS:
        if float(p) < level:
            return mark
    return ""


def stars_legend(lang: str) -> str:
    """The table note that explains the stars."""
    body = "* p < .05, ** p < .01, *** p < .001"
    return f"注：{body}。" if lang == "zh" else f"Note. {body}."


def coef(est: object, p: object = None, digits: int = 3, is_bounded: bool = True) -> str:
    """A coefficient with its stars: ``.312***``; standardized coefficients are bounded."""
    text = bounded(est, digits) if is_bounded else num(est, digits)
    return text + (stars(p) if text != DASH else "")


def chisq(value: object, df: object, digits: int = 2) -> str:
    """``χ²(df) = value``; ``χ²(df) = —`` when missing."""
    return f"χ²({integer(df)}) = {num(value, digits)}"


def percent(x: object, digits: int = 1) -> str:
    """A percentage given on the 0–100 scale: ``37.5%``."""
    if not is_number(x):
        return DASH
    return num(x, digits) + "%"


def share(x: object, digits: int = 1) -> str:
    """A proportion given on the 0–1 scale, printed as a percentage: 0.375 → ``37.5%``."""
    if not is_number(x):
        return DASH
    return percent(100 * float(x), digits)


def ci(lo: object, hi: object, digits: int = 3, is_bounded: bool = True) -> str:
    """A confidence interval ``[lo, hi]``; bounded statistics without leading zeros."""
    fmt = bounded if is_bounded else num
    if not (is_number(lo) and is_number(hi)):
        return DASH
    return f"[{fmt(lo, digits)}, {fmt(hi, digits)}]"


def ci_percent(lo: object, hi: object, digits: int = 1) -> str:
    """A CI of a proportion on the 0–1 scale, as percentages: ``[31.2%, 40.4%]``."""
    if not (is_number(lo) and is_number(hi)):
        return DASH
    return f"[{share(lo, digits)}, {share(hi, digits)}]"


def join(items: list[str], lang: str) -> str:
    """A list in running text: zh ``甲、乙和丙``; en ``A, B and C``."""
    items = [i for i in items if i]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    if lang == "zh":
        return "、".join(items[:-1]) + "和" + items[-1]
    return ", ".join(items[:-1]) + " and " + items[-1]


def not_computed(reason: str, lang: str) -> str:
    """The sentence that stands in for a section that has no results."""
    return f"（未计算：{reason}）" if lang == "zh" else f"(not computed: {reason})"


# Statistical symbols set in italics (APA 7th ed. §6.42, Table 6.5; the thesis convention adds β): a symbol is
# a whole token, not part of a word, followed by a superscript ² or by an optional (df) and a comparison.
STATISTIC_SYMBOLS = ("SD", "SE", "df", "p", "M", "n", "N", "t", "F", "r", "R", "z", "d", "f", "β")
_SYMBOL = re.compile(r"(?<![A-Za-z0-9_.])(" + "|".join(STATISTIC_SYMBOLS) + r")"
                     r"(?=²|\|?\s*(?:\(\d+(?:,\s*\d+)?\))?\s*[=<>≤≥])")
_HEADER_SYMBOL = re.compile(r"^\s*(" + "|".join(STATISTIC_SYMBOLS) + r")\s*$")


ITALIC_START, ITALIC_END = "\ue000", "\ue001"   # private-use marks around text set in italics (APA titles)


def italic(text: str) -> str:
    """``text`` marked to be set in italics by every renderer (see :func:`italic_spans`)."""
    return f"{ITALIC_START}{text}{ITALIC_END}"


def italic_spans(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, italic) runs: text marked by :func:`italic`, and statistical symbols in running
    text, table headers and notes (``p < .001``, ``M = 3.87``, ``t(12) = 2.1``, ``R²``, a header cell that is just
    ``SD``) are italic."""
    text = str(text)
    if ITALIC_START in text:
        spans = []
        for k, piece in enumerate(re.split(f"[{ITALIC_START}{ITALIC_END}]", text)):
            spans += [(piece, True)] if k % 2 else _symbol_spans(piece)
        return [(piece, italic) for piece, italic in spans if piece]
    return _symbol_spans(text)


def _symbol_spans(text: str) -> list[tuple[str, bool]]:
    whole = _HEADER_SYMBOL.match(text)
    if whole:
        start, end = whole.span(1)
        return [(piece, italic) for piece, italic in
                ((text[:start], False), (text[start:end], True), (text[end:], False)) if piece]
    spans, last = [], 0
    for m in _SYMBOL.finditer(text):
        if m.start() > last:
            spans.append((text[last:m.start()], False))
        spans.append((m.group(1), True))
        last = m.end()
    if last < len(text):
        spans.append((text[last:], False))
    return spans
