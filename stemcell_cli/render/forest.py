"""Forest plots from plain numbers: terminal text lines and a standalone SVG document.

Ratios (RR, OR) are drawn on a log scale with the line of no effect at 1, differences on a
linear scale with the line at 0. Studies are squares (text: ■) with CI lines; the pooled
estimate is a diamond spanning its CI.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from ..safe import xml_text
from ..synthesis.distributions import Z95
from ..synthesis.pooling import Pooled

MIN_WIDTH = 60
MIN_PLOT = 12


@dataclass(frozen=True)
class ForestRow:
    """One study: label, effect with CI (None: not estimable), weight in %, counts per arm."""

    label: str
    estimate: float | None
    lower: float | None
    upper: float | None
    weight: float | None = None
    counts: tuple[str, str] | None = None


@dataclass(frozen=True)
class ForestSummary:
    """The pooled line: label, estimate with CI, and a heterogeneity sentence."""

    label: str
    estimate: float
    lower: float
    upper: float
    heterogeneity: str = ""


def heterogeneity_text(pooled: Pooled) -> str:
    """e.g. 'Heterogeneity: tau² = 0.313; I² = 92%; Q = 152.23 (df = 12), p < 0.001'."""
    p = "p < 0.001" if pooled.q_p < 0.001 else f"p = {pooled.q_p:.3f}"
    return (
        f"Heterogeneity: tau² = {pooled.tau2:.3g}; I² = {pooled.i2:.0f}%; "
        f"Q = {pooled.q:.2f} (df = {pooled.q_df}), {p}"
    )


def from_pooled(
    pooled: Pooled, counts: Sequence[tuple[str, str]] | None = None
) -> tuple[list[ForestRow], ForestSummary]:
    """Forest rows and summary from a pooled result (counts: ("4/123", "11/139") per study)."""
    if counts is not None and len(counts) != len(pooled.studies):
        raise ValueError("one pair of counts per pooled study")
    rows = [
        ForestRow(
            s.label, s.estimate, s.lower, s.upper, s.weight, None if counts is None else counts[i]
        )
        for i, s in enumerate(pooled.studies)
    ]
    summary = ForestSummary(
        f"{pooled.label} (k = {pooled.k})",
        pooled.estimate,
        pooled.lower,
        pooled.upper,
        heterogeneity_text(pooled),
    )
    return rows, summary


def _fmt(value: float) -> str:
    """Three significant digits (0.409, 1.26, -0.0252), plain 0 for zero."""
    return "0" if value == 0 else f"{value:.3g}"


def ci_text(estimate: float | None, lower: float | None, upper: float | None) -> str:
    if estimate is None or lower is None or upper is None:
        return "not estimable"
    return f"{_fmt(estimate)} [{_fmt(lower)}, {_fmt(upper)}]"


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


def _values(rows: Sequence[ForestRow], summary: ForestSummary | None) -> list[float]:
    out: list[float] = []
    for r in rows:
        out += [v for v in (r.lower, r.upper) if v is not None]
    if summary is not None:
        out += [summary.lower, summary.upper]
    return out


def forest_text(
    rows: Sequence[ForestRow],
    summary: ForestSummary | None = None,
    *,
    log_scale: bool = True,
    width: int = 80,
    ascii_only: bool = False,
) -> list[str]:
    """A forest plot as text lines, none longer than ``width`` (at least 60) characters."""
    if width < MIN_WIDTH:
        raise ValueError(f"a text forest plot needs at least {MIN_WIDTH} columns, got {width}")
    mark, bar, rule, gem = ("#", "-", "|", "<>") if ascii_only else ("■", "─", "│", "◆")
    scale = _Scale(_values(rows, summary), log_scale)
    effects = [ci_text(r.estimate, r.lower, r.upper) for r in rows]
    if summary is not None:
        effects.append(ci_text(summary.estimate, summary.lower, summary.upper))
    eff_w = max(len(e) for e in [*effects, "Effect [95% CI]"])
    show_counts = any(r.counts for r in rows)
    cnt_w = max([len(c) for r in rows if r.counts for c in r.counts] + [5]) if show_counts else 0
    labels = [r.label for r in rows] + ([summary.label] if summary else [])
    fixed = eff_w + 7 + 3
    if show_counts and width - fixed - (2 * cnt_w + 2) - MIN_PLOT - 12 < 0:
        show_counts = False
    if show_counts:
        fixed += 2 * cnt_w + 2
    longest = max(len(s) for s in [*labels, "Study"])
    label_w = min(longest, max(8, (width - fixed) // 2))
    plot_w = width - fixed - label_w

    def cell(text: str, size: int, right: bool = False) -> str:
        text = text if len(text) <= size else text[: size - 1] + "…"
        return text.rjust(size) if right else text.ljust(size)

    def pos(value: float) -> int:
        return min(plot_w - 1, max(0, round(scale.frac(value) * (plot_w - 1))))

    def canvas() -> list[str]:
        chars = [" "] * plot_w
        chars[pos(scale.null)] = rule
        return chars

    def line(label: str, counts: tuple[str, str] | None, weight: str, eff: str, plot: str) -> str:
        parts = [cell(label, label_w)]
        if show_counts:
            a, b = counts if counts else ("", "")
            parts += [cell(a, cnt_w, True), cell(b, cnt_w, True)]
        parts += [cell(weight, 6, True), cell(eff, eff_w), plot]
        return " ".join(parts).rstrip()

    head_counts = ("Exp.", "Ctl.")
    lines = [line("Study", head_counts, "Weight", "Effect [95% CI]", "")]
    for r, eff in zip(rows, effects, strict=False):
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
        lines.append(line(r.label, r.counts, weight, eff, "".join(chars)))
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
        lines.append(line(summary.label, None, "100%", effects[-1], "".join(chars)))
    lines.append(" " * (width - plot_w) + _axis(scale, plot_w, pos))
    if summary is not None and summary.heterogeneity:
        lines += textwrap.wrap(summary.heterogeneity, width, subsequent_indent="  ")
    return lines


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


def forest_svg(
    rows: Sequence[ForestRow],
    summary: ForestSummary | None = None,
    *,
    log_scale: bool = True,
    title: str = "",
    measure_label: str = "",
) -> str:
    """A standalone SVG forest plot (labels, weight-sized squares, CIs, diamond, axis)."""
    scale = _Scale(_values(rows, summary), log_scale)
    row_h, top, left, plot_w, right = 22, 40 if title else 20, 220, 360, 200
    labels = [r.label for r in rows] + ([summary.label] if summary else [])
    left = max(left, 20 + 7 * max(len(label) for label in labels))  # ~7 px a character at 12 px
    n = len(rows) + (1 if summary else 0)
    height = top + (n + 1) * row_h + 60
    width = left + plot_w + right

    def x(value: float) -> float:
        return left + min(1.0, max(0.0, scale.frac(value))) * plot_w

    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    if title:
        out.append(f'<text x="10" y="22" font-weight="bold">{xml_text(title)}</text>')
    y0 = top + row_h
    out.append(f'<text x="10" y="{top + 12}" font-weight="bold">Study</text>')
    out.append(
        f'<text x="{left + plot_w + 10}" y="{top + 12}" font-weight="bold">'
        f"{xml_text(measure_label or 'Effect')} [95% CI]</text>"
    )
    max_w = max([r.weight for r in rows if r.weight] + [1.0])
    for i, r in enumerate(rows):
        yc = y0 + i * row_h + row_h / 2
        out.append(f'<text x="10" y="{yc + 4:.1f}">{xml_text(r.label)}</text>')
        text = ci_text(r.estimate, r.lower, r.upper)
        if r.weight is not None:
            text += f"  {r.weight:.1f}%"
        out.append(f'<text x="{left + plot_w + 10}" y="{yc + 4:.1f}">{xml_text(text)}</text>')
        if r.estimate is None or r.lower is None or r.upper is None:
            continue
        out.append(
            f'<line x1="{x(r.lower):.1f}" y1="{yc:.1f}" x2="{x(r.upper):.1f}" '
            f'y2="{yc:.1f}" stroke="black"/>'
        )
        side = 4 + 10 * math.sqrt((r.weight or max_w) / max_w)
        out.append(
            f'<rect x="{x(r.estimate) - side / 2:.1f}" y="{yc - side / 2:.1f}" '
            f'width="{side:.1f}" height="{side:.1f}" fill="black"/>'
        )
    bottom = y0 + n * row_h
    if summary is not None:
        yc = y0 + len(rows) * row_h + row_h / 2
        pts = (
            f"{x(summary.lower):.1f},{yc:.1f} {x(summary.estimate):.1f},{yc - 7:.1f} "
            f"{x(summary.upper):.1f},{yc:.1f} {x(summary.estimate):.1f},{yc + 7:.1f}"
        )
        out.append(f'<polygon points="{pts}" fill="black"/>')
        out.append(
            f'<text x="10" y="{yc + 4:.1f}" font-weight="bold">{xml_text(summary.label)}</text>'
        )
        text = ci_text(summary.estimate, summary.lower, summary.upper)
        out.append(
            f'<text x="{left + plot_w + 10}" y="{yc + 4:.1f}" font-weight="bold">'
            f"{xml_text(text)}</text>"
        )
        if summary.heterogeneity:
            out.append(
                f'<text x="10" y="{bottom + 48}" font-size="11">'
                f"{xml_text(summary.heterogeneity)}</text>"
            )
    xn = x(scale.null)
    out.append(
        f'<line x1="{xn:.1f}" y1="{y0}" x2="{xn:.1f}" y2="{bottom}" '
        'stroke="grey" stroke-dasharray="4,3"/>'
    )
    out.append(
        f'<line x1="{left}" y1="{bottom}" x2="{left + plot_w}" y2="{bottom}" stroke="black"/>'
    )
    for tick in scale.ticks():
        xt = x(tick)
        out.append(
            f'<line x1="{xt:.1f}" y1="{bottom}" x2="{xt:.1f}" y2="{bottom + 5}" stroke="black"/>'
        )
        out.append(
            f'<text x="{xt:.1f}" y="{bottom + 18}" text-anchor="middle">'
            f"{xml_text(_fmt(tick))}</text>"
        )
    out.append(f"<desc>{xml_text(f'Forest plot; CI at {Z95:.2f} standard errors')}</desc>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


__all__ = [
    "ForestRow",
    "ForestSummary",
    "ci_text",
    "forest_svg",
    "forest_text",
    "from_pooled",
    "heterogeneity_text",
]
