"""Forest plots from plain numbers, as RevMan draws them: terminal text lines and a
standalone SVG document.

Ratios (RR, OR) are drawn on a log scale with the line of no effect at 1, differences on a
linear scale with the line at 0. Studies are squares (text: ■) with CI lines, the square's
AREA proportional to the study's weight; the pooled estimate is a diamond spanning its CI.
Effects and CIs carry a fixed number of decimals; each study's risk of bias is one symbol
per RoB 2 domain (+ low, ? some concerns or not reported, − high: never colour alone). Under
the plot: the heterogeneity and overall-effect lines, the method and prediction interval, the
axis title and which side favours which arm, and any notes (zero cells, studies left out).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from ..safe import xml_text
from ..synthesis.distributions import Z95
from ..synthesis.pooling import Pooled
from ..synthesis.rows import StudyRow

MIN_WIDTH = 60
MIN_PLOT = 12


ROB_SYMBOLS = {"low": "+", "some-concerns": "?", "not-reported": "?", "high": "−"}
ROB_FILL = {"+": "#2e7d32", "?": "#f9a825", "−": "#c62828"}  # as RevMan's dots; symbol inside
SQUARE = 16.0  # px: the side of the heaviest study's square
CHAR = 7.0  # px a character at 12 px, roughly


@dataclass(frozen=True)
class ForestRow:
    """One study: label, effect with CI (None: not estimable), weight in %, counts per arm,
    and its risk of bias as one symbol per RoB 2 domain (``"+??+?"``)."""

    label: str
    estimate: float | None
    lower: float | None
    upper: float | None
    weight: float | None = None
    counts: tuple[str, str] | None = None
    bias: str | None = None


@dataclass(frozen=True)
class ForestSummary:
    """The pooled line: label, estimate with CI, and a heterogeneity sentence."""

    label: str
    estimate: float
    lower: float
    upper: float
    heterogeneity: str = ""


@dataclass(frozen=True)
class ForestFrame:
    """What a plot says around its rows: decimals, axis title, the favours labels (left,
    right), and lines under the plot (overall effect, method, notes)."""

    decimals: int = 2
    axis_title: str = ""
    favours: tuple[str, str] | None = None
    below: tuple[str, ...] = ()


def p_text(p: float) -> str:
    """``P < 0.00001``, ``P < 0.0001``, ``P = 0.0004``, ``P = 0.004``, ``P = 0.42``: as RevMan
    writes P values."""
    for limit in ("0.00001", "0.0001"):
        if p < float(limit):
            return f"P < {limit}"
    decimals = 4 if p < 0.001 else 3 if p < 0.01 else 2
    return f"P = {p:.{decimals}f}"


def heterogeneity_text(pooled: Pooled) -> str:
    """``Heterogeneity: Tau² = 0.31; Chi² = 152.23, df = 12 (P < 0.00001); I² = 92%``."""
    return (
        f"Heterogeneity: Tau² = {pooled.tau2:.2f}; Chi² = {pooled.q:.2f}, df = {pooled.q_df} "
        f"({p_text(pooled.q_p)}); I² = {pooled.i2:.0f}%"
    )


def overall_text(pooled: Pooled) -> str:
    """``Test for overall effect: Z = 3.97 (P < 0.0001)``."""
    name = pooled.test_name.upper()
    df = f" (df = {pooled.test_df})" if pooled.test_df is not None else ""
    return f"Test for overall effect: {name}{df} = {abs(pooled.z):.2f} ({p_text(pooled.p)})"


def study_row(s: StudyRow, counts: tuple[str, str] | None = None) -> ForestRow:
    """One pooled study as a forest row."""
    return ForestRow(s.label, s.estimate, s.lower, s.upper, s.weight, counts)


def pooled_summary(pooled: Pooled) -> ForestSummary:
    """The pooled estimate's line: method, k, estimate with CI, heterogeneity."""
    return ForestSummary(
        f"{pooled.label} (k = {pooled.k})",
        pooled.estimate,
        pooled.lower,
        pooled.upper,
        heterogeneity_text(pooled),
    )


def _fmt(value: float) -> str:
    """A tick label: three significant digits (0.409, 1.26, -0.0252), plain 0 for zero."""
    return "0" if value == 0 else f"{value:.3g}"


def fixed(value: float, decimals: int = 2) -> str:
    """A fixed number of decimals, as RevMan prints effects (0.41, 1.26, 265.00)."""
    text = f"{value:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def ci_text(
    estimate: float | None, lower: float | None, upper: float | None, decimals: int = 2
) -> str:
    """``0.41 [0.13, 1.26]``, every figure with ``decimals`` decimals."""
    if estimate is None or lower is None or upper is None:
        return "not estimable"
    return f"{fixed(estimate, decimals)} [{fixed(lower, decimals)}, {fixed(upper, decimals)}]"


class _Scale:
    """Maps effects to [0, 1] on a log (ratios) or linear scale, covering no effect."""

    def __init__(self, values: Sequence[float], log: bool) -> None:
        self.log = log
        self.null = 1.0 if log else 0.0
        points = [self._t(v) for v in values if not log or v > 0] + [self._t(self.null)]
        lo, hi = min(points), max(points)
        if hi - lo < 1e-12:
            lo, hi = lo - 1.0, hi + 1.0
        pad = (hi - lo) * 0.05
        self.lo, self.hi = lo - pad, hi + pad

    def _t(self, value: float) -> float:
        if self.log:
            return math.log(max(value, 1e-300))
        return value

    def frac(self, value: float) -> float:
        return (self._t(value) - self.lo) / (self.hi - self.lo)

    def ticks(self) -> list[float]:
        if self.log:
            nice = [m * 10.0**e for e in range(-4, 5) for m in (1, 2, 5)]
        else:
            span = self.hi - self.lo
            step = 10 ** math.floor(math.log10(span / 4))
            for m in (1, 2, 5, 10):
                if span / (step * m) <= 6:
                    step *= m
                    break
            start = math.ceil(self.lo / step)
            nice = [round(i * step, 12) for i in range(start, int(self.hi / step) + 1)]
        inside = [t for t in nice if 0.0 <= self.frac(t) <= 1.0 and t != self.null]
        return [self.null, *inside]


def _values(
    rows: Sequence[ForestRow | ForestSummary | str], summary: ForestSummary | None
) -> list[float]:
    out: list[float] = []
    for r in [*rows, *([summary] if summary else [])]:
        if not isinstance(r, str):
            out += [v for v in (r.lower, r.upper) if v is not None]
    return out


def forest_text(
    rows: Sequence[ForestRow],
    summary: ForestSummary | None = None,
    *,
    log_scale: bool = True,
    width: int = 80,
    ascii_only: bool = False,
    frame: ForestFrame | None = None,
) -> list[str]:
    """A forest plot as text lines, none longer than ``width`` (at least 60) characters."""
    if width < MIN_WIDTH:
        raise ValueError(f"a text forest plot needs at least {MIN_WIDTH} columns, got {width}")
    frame = frame or ForestFrame()
    mark, bar, rule, gem = ("#", "-", "|", "<>") if ascii_only else ("■", "─", "│", "◆")
    scale = _Scale(_values(rows, summary), log_scale)
    effects = [ci_text(r.estimate, r.lower, r.upper, frame.decimals) for r in rows]
    if summary is not None:
        effects.append(ci_text(summary.estimate, summary.lower, summary.upper, frame.decimals))
    eff_w = max(len(e) for e in [*effects, "Effect [95% CI]"])
    show_counts = any(r.counts for r in rows)
    cnt_w = max([len(c) for r in rows if r.counts for c in r.counts] + [5]) if show_counts else 0
    labels = [r.label for r in rows] + ([summary.label] if summary else [])
    fixed_w = eff_w + 7 + 3
    bias = [r.bias or "" for r in rows]
    bias_w = max([len(b) for b in bias] + [0])
    if bias_w:
        bias_w = max(bias_w, 3)
        bias = [b.replace("−", "-") if ascii_only else b for b in bias]
        fixed_w += bias_w + 1
    if show_counts and width - fixed_w - (2 * cnt_w + 2) - MIN_PLOT - 12 < 0:
        show_counts = False
    if show_counts:
        fixed_w += 2 * cnt_w + 2
    longest = max(len(s) for s in [*labels, "Study"])
    label_w = min(longest, max(8, (width - fixed_w) // 2))
    plot_w = width - fixed_w - label_w

    def cell(text: str, size: int, right: bool = False) -> str:
        text = text if len(text) <= size else text[: size - 1] + "…"
        return text.rjust(size) if right else text.ljust(size)

    def pos(value: float) -> int:
        return min(plot_w - 1, max(0, round(scale.frac(value) * (plot_w - 1))))

    def canvas() -> list[str]:
        chars = [" "] * plot_w
        chars[pos(scale.null)] = rule
        return chars

    def line(
        label: str, counts: tuple[str, str] | None, weight: str, eff: str, rob: str, plot: str
    ) -> str:
        parts = [cell(label, label_w)]
        if show_counts:
            a, b = counts if counts else ("", "")
            parts += [cell(a, cnt_w, True), cell(b, cnt_w, True)]
        parts += [cell(weight, 6, True), cell(eff, eff_w)]
        if bias_w:
            parts.append(cell(rob, bias_w))
        parts.append(plot)
        return " ".join(parts).rstrip()

    head_counts = ("Exp.", "Ctl.")
    lines = [line("Study", head_counts, "Weight", "Effect [95% CI]", "RoB", "")]
    for r, eff, rob in zip(rows, effects, bias, strict=False):
        chars = canvas()
        if r.estimate is not None and r.lower is not None and r.upper is not None:
            lo, hi = pos(r.lower), pos(r.upper)
            for i in range(lo, hi + 1):
                chars[i] = bar
            if scale.frac(r.lower) < 0:
                chars[0] = "<"
            if scale.frac(r.upper) > 1:
                chars[-1] = ">"
            chars[pos(r.estimate)] = mark
        weight = "" if r.weight is None else f"{r.weight:.1f}%"
        lines.append(line(r.label, r.counts, weight, eff, rob, "".join(chars)))
    if summary is not None:
        chars = canvas()
        lo, hi = pos(summary.lower), pos(summary.upper)
        if ascii_only:
            for i in range(lo, hi + 1):
                chars[i] = "="
            chars[lo], chars[hi] = "<", ">"
        else:
            for i in range(lo, hi + 1):
                chars[i] = gem
        lines.append(line(summary.label, None, "100%", effects[-1], "", "".join(chars)))
    lines.append(" " * (width - plot_w) + _axis(scale, plot_w, pos))
    lines += _favours(frame, width - plot_w, plot_w, pos(scale.null), width)
    if frame.axis_title:
        lines += textwrap.wrap(frame.axis_title, width, subsequent_indent="  ")
    if summary is not None and summary.heterogeneity:
        lines += textwrap.wrap(summary.heterogeneity, width, subsequent_indent="  ")
    for below in frame.below:
        lines += textwrap.wrap(below, width, subsequent_indent="  ")
    if bias_w:
        lines += textwrap.wrap(ROB_LEGEND.replace("−", "-") if ascii_only else ROB_LEGEND, width)
    return lines


ROB_LEGEND = (
    "RoB (RoB 2, one symbol a domain: randomization, deviations, missing data, measurement, "
    "reporting): + low, ? some concerns or not reported, − high"
)


def _favours(frame: ForestFrame, indent: int, plot_w: int, null: int, width: int) -> list[str]:
    """``Favours A | Favours B`` under the axis, each side of the line of no effect; on its
    own lines when the labels do not fit there."""
    if frame.favours is None:
        return []
    left, right = frame.favours
    if len(left) + 1 <= null and len(right) + 1 <= plot_w - null - 1:
        return [" " * (indent + null - len(left) - 1) + left + " | " + right]
    return textwrap.wrap(f"← {left} | {right} →", width)


def _axis(scale: _Scale, plot_w: int, pos: object) -> str:
    """Tick labels under the plot area, placed without overlapping."""
    assert callable(pos)
    chars = [" "] * plot_w
    used: list[tuple[int, int]] = []
    for tick in scale.ticks():  # no effect first, so it always gets its label
        text = _fmt(tick)
        start = min(plot_w - len(text), max(0, pos(tick) - len(text) // 2))
        end = start + len(text)
        if any(start <= b + 1 and a <= end + 1 for a, b in used):
            continue
        chars[start:end] = list(text)
        used.append((start, end))
    return "".join(chars).rstrip()


def svg_ticks(scale: _Scale, x: object) -> list[tuple[float, str]]:
    """(position, label) of the ticks whose labels do not overlap (no effect first), at
    about CHAR px a character with a character's gap between labels."""
    assert callable(x)
    kept: list[tuple[float, float]] = []
    out = []
    for tick in scale.ticks():
        text = _fmt(tick)
        centre = x(tick)
        half = len(text) * CHAR / 2
        if any(centre - half < b + CHAR and a - CHAR < centre + half for a, b in kept):
            continue
        kept.append((centre - half, centre + half))
        out.append((centre, text))
    return out


def forest_svg(
    rows: Sequence[ForestRow | ForestSummary | str],
    summary: ForestSummary | None = None,
    *,
    log_scale: bool = True,
    title: str = "",
    measure_label: str = "",
    frame: ForestFrame | None = None,
) -> str:
    """A standalone SVG forest plot: labels, squares whose area is proportional to the
    weight, CIs, diamond, axis, favours labels, RoB symbols, and the lines under it. Among
    the rows, a text is a subgroup's heading and a summary its subtotal's diamond."""
    frame = frame or ForestFrame()
    scale = _Scale(_values(rows, summary), log_scale)
    row_h, top, plot_w = 22, 40 if title else 20, 360
    every = [*rows, *([summary] if summary else [])]
    labels = [r if isinstance(r, str) else r.label for r in every]
    left = max(220, 20 + CHAR * max(len(label) for label in labels))
    effects = [
        "" if isinstance(r, str) else ci_text(r.estimate, r.lower, r.upper, frame.decimals)
        for r in every
    ]
    header = f"{measure_label or 'Effect'} [95% CI]"
    eff_x = left + plot_w + 12
    weight_x = eff_x + CHAR * max(len(e) for e in [*effects, header]) + 14
    bias_x = weight_x + CHAR * 7
    studies = [r for r in rows if isinstance(r, ForestRow)]
    has_bias = any(r.bias for r in studies)
    right_end = bias_x + (18 * 5 + 10 if has_bias else 0)
    below = [
        *([summary.heterogeneity] if summary and summary.heterogeneity else []),
        *frame.below,
        *([ROB_LEGEND] if has_bias else []),
    ]
    width = int(max(right_end, 20 + CHAR * max([len(b) for b in below] + [len(title), 0])))
    n = len(rows) + (1 if summary else 0)
    bottom = top + row_h + n * row_h
    height = int(bottom + 60 + 16 * (len(below) + 1))

    def x(value: float) -> float:
        return left + min(1.0, max(0.0, scale.frac(value))) * plot_w

    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]

    def put(x_: float, y_: float, text: str, extra: str = "") -> None:
        out.append(f'<text x="{x_:.1f}" y="{y_:.1f}"{extra}>{xml_text(text)}</text>')

    if title:
        put(10, 22, title, ' font-weight="bold"')
    y0 = top + row_h
    bold = ' font-weight="bold"'
    put(10, top + 12, "Study", bold)
    put(eff_x, top + 12, header, bold)
    put(weight_x, top + 12, "Weight", bold)
    if has_bias:
        put(bias_x, top + 12, "RoB", bold)
    max_w = max([r.weight for r in studies if r.weight] + [1.0])

    def diamond(s: ForestSummary, yc: float) -> None:
        pts = (
            f"{x(s.lower):.1f},{yc:.1f} {x(s.estimate):.1f},{yc - 7:.1f} "
            f"{x(s.upper):.1f},{yc:.1f} {x(s.estimate):.1f},{yc + 7:.1f}"
        )
        out.append(f'<polygon points="{pts}" fill="black"/>')

    for i, r in enumerate(rows):
        yc = y0 + i * row_h + row_h / 2
        if isinstance(r, str):  # a subgroup's heading
            put(10, yc + 4, r, bold)
            continue
        if isinstance(r, ForestSummary):  # its subtotal
            diamond(r, yc)
            put(10, yc + 4, r.label, ' font-style="italic"')
            put(eff_x, yc + 4, effects[i], ' font-style="italic"')
            continue
        put(10, yc + 4, r.label)
        put(eff_x, yc + 4, effects[i])
        if r.weight is not None:
            put(weight_x, yc + 4, f"{r.weight:.1f}%")
        for d, symbol in enumerate(r.bias or ""):
            cx = bias_x + 8 + 18 * d
            fill = ROB_FILL.get(symbol, "#9e9e9e")
            out.append(f'<circle cx="{cx:.1f}" cy="{yc:.1f}" r="7" fill="{fill}"/>')
            put(cx, yc + 4, symbol, ' text-anchor="middle" fill="white" font-weight="bold"')
        if r.estimate is None or r.lower is None or r.upper is None:
            continue
        out.append(
            f'<line x1="{x(r.lower):.1f}" y1="{yc:.1f}" x2="{x(r.upper):.1f}" '
            f'y2="{yc:.1f}" stroke="black"/>'
        )
        side = SQUARE * math.sqrt((r.weight or max_w) / max_w)  # area ∝ weight
        out.append(
            f'<rect x="{x(r.estimate) - side / 2:.2f}" y="{yc - side / 2:.2f}" '
            f'width="{side:.3f}" height="{side:.3f}" fill="black"/>'
        )
    if summary is not None:
        yc = y0 + len(rows) * row_h + row_h / 2
        diamond(summary, yc)
        put(10, yc + 4, summary.label, bold)
        put(eff_x, yc + 4, effects[-1], bold)
        put(weight_x, yc + 4, "100%", bold)
    xn = x(scale.null)
    out.append(
        f'<line x1="{xn:.1f}" y1="{y0}" x2="{xn:.1f}" y2="{bottom}" '
        'stroke="grey" stroke-dasharray="4,3"/>'
    )
    out.append(
        f'<line x1="{left}" y1="{bottom}" x2="{left + plot_w}" y2="{bottom}" stroke="black"/>'
    )
    for xt, text in svg_ticks(scale, x):
        out.append(
            f'<line x1="{xt:.1f}" y1="{bottom}" x2="{xt:.1f}" y2="{bottom + 5}" stroke="black"/>'
        )
        put(xt, bottom + 18, text, ' text-anchor="middle"')
    if frame.favours:
        put(xn - 6, bottom + 34, frame.favours[0], ' text-anchor="end"')
        put(xn + 6, bottom + 34, frame.favours[1])
    if frame.axis_title:
        put(left + plot_w / 2, bottom + 50, frame.axis_title, ' text-anchor="middle"')
    for i, text in enumerate(below):
        put(10, bottom + 70 + 16 * i, text, ' font-size="11"')
    out.append(f"<desc>{xml_text(f'Forest plot; CI at {Z95:.2f} standard errors')}</desc>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


__all__ = [
    "ForestFrame",
    "ForestRow",
    "ForestSummary",
    "ci_text",
    "forest_svg",
    "forest_text",
    "heterogeneity_text",
    "overall_text",
    "pooled_summary",
    "study_row",
]
