"""What ``stemcell pool`` says, as plain text pieces every people's format lays out its own way.

Numbers are rounded here for reading (JSON keeps them unrounded); every figure is computed,
and the certainty is labelled a transparent first rating.
"""

from __future__ import annotations

import heapq
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..analysis.anticipated import anticipated, difference_text
from ..analysis.outcome import DRAW_LIMIT
from ..safe import one_line
from ..synthesis.effects import MEASURE_NAMES
from ..views.effect_lines import interval, num, points, whole
from ..words import listed
from .forest import (
    ForestFrame,
    ForestRow,
    ForestSummary,
    forest_svg,
    forest_text,
    pooled_summary,
    study_row,
)
from .forest_frame import bias_symbols, frame
from .sof_text import (
    SOF_COLUMNS,
    SOF_HEADERS,
    left_out_lines,
    relative_text,
    sof_table,
    terminal_row,
)

if TYPE_CHECKING:
    from ..analysis.bodies import Analysis
    from ..analysis.columns import Contribution
    from ..analysis.outcome import PoolResult

SHORT = {"FE": "Pooled (FE)", "DL": "Pooled (DL)", "REML": "Pooled (REML)"}
NOT_JUDGED = (
    "Not judged automatically: indirectness of population, intervention or outcome, "
    "allocation concealment, missing data and selective reporting."
)


def certainty_lines(a: Analysis) -> list[str]:
    """The rating, where it started, each downgrade with its reason, what was not judged."""
    c = a.certainty
    if c.final == "not rated":  # rows given directly (--data)
        return [f"Certainty: {c.label}."]
    why = "all comparisons randomized" if c.start == "high" else "non-randomized comparisons"
    lines = [f"Certainty: {c.final} ({c.label})", f"Started {c.start}: {why}."]
    lines += [
        f"Down {d.levels} for {d.domain}: {d.reason}."
        if d.levels
        else f"Also {d.domain}: {d.reason}."
        for d in c.downgrades
    ]
    lines += [f"{domain.capitalize()}: {reason}." for domain, reason in c.not_assessed]
    funnel = a.funnel
    if (
        funnel
        and funnel.assessable
        and funnel.p is not None
        and "publication bias" not in {d.domain for d in c.downgrades}
    ):
        lines.append(
            "Publication bias: small-study test (metafor regtest) "
            f"p = {funnel.p:.2f}, no downgrade."
        )
    return [*lines, NOT_JUDGED]


@dataclass
class Block:
    """One analysis: a heading, the forest plot lines, then notes."""

    heading: str
    forest: list[str]
    notes: list[str] = field(default_factory=list)


@dataclass
class Drawn:
    """What a forest plot draws of one analysis: its rows (at most the limit, those of the
    largest weights, in their order), the pooled summary line (None for one study: it is not
    pooled), its frame, and how many studies and how much weight were not drawn."""

    rows: list[ForestRow]
    ids: list[str]  # the study of each row
    summary: ForestSummary | None
    frame: ForestFrame
    hidden: int = 0
    hidden_weight: float = 0.0


def drawn(
    a: Analysis,
    limit: int | None = DRAW_LIMIT,
    favours: tuple[str, str] | None = None,
    with_counts: bool = False,
) -> Drawn:
    """The rows to draw (label = study id; events/total per arm, in the label ``with_counts``;
    RoB 2 symbols), built only for the studies drawn; the frame's sides named ``favours``
    when given, and a line saying what was not drawn."""
    p = a.pooled
    shown = frame(a)
    if favours is not None:
        shown = replace(shown, favours=(f"Favours {favours[0]}", f"Favours {favours[1]}"))
    places: Sequence[int] = range(p.k)
    hidden, share = 0, 0.0
    if limit is not None and p.k > limit:
        chosen = heapq.nlargest(limit, enumerate(p.studies), key=lambda r: r[1].weight)
        places = sorted(i for i, _ in chosen)
        kept = set(places)
        hidden = p.k - limit
        share = sum(s.weight for i, s in enumerate(p.studies) if i not in kept)
        note = (
            f"{p.k} studies: the {limit} of the largest weights are drawn; {hidden:,} more "
            f"({share:.1f}% of the weight) are pooled but not drawn (--all draws every one)."
        )
        shown = replace(shown, below=(note, *shown.below))
    used, rows = a.used, []
    for i in places:
        c, cells = used[i], arm_cells(used[i])
        row = replace(study_row(p.studies[i], cells), bias=bias_symbols(c))
        if with_counts:
            row = replace(row, label=f"{row.label} ({cells[0]} vs {cells[1]})", counts=None)
        rows.append(row)
    summary = replace(pooled_summary(p), label=SHORT[p.method]) if p.k >= 2 else None
    ids = [p.studies[i].label for i in places]
    return Drawn(rows, ids, summary, shown, hidden, share)


def arm_cells(c: Contribution) -> tuple[str, str]:
    """What each arm gives: ``4/123`` (events/total), ``2.5 (4.1) 95`` (mean, SD, n), or
    ``published`` (an effect with its CI, no arm figures)."""
    if c.counts:
        e, n1, k, n2 = c.counts
        return f"{e}/{n1}", f"{k}/{n2}"
    if c.means:
        return tuple(f"{num(m)} ({num(sd)}) {n}" for m, sd, n in c.means)  # type: ignore[return-value]
    return ("published", "") if c.published else ("given", "")


def forest_lines(
    a: Analysis,
    width: int,
    ascii_only: bool,
    limit: int | None = DRAW_LIMIT,
    favours: tuple[str, str] | None = None,
) -> list[str]:
    """The forest plot, every study drawn labelled in full with its counts: when an id does
    not fit its column, rows are numbered; when ids or counts do not fit, a key under the plot
    names each study with its counts."""
    plot = drawn(a, limit, favours)
    rows = plot.rows

    def draw(rows: list[ForestRow]) -> list[str]:
        log = a.pooled.is_ratio
        return forest_text(
            rows, plot.summary, log_scale=log, width=width, ascii_only=ascii_only, frame=plot.frame
        )

    lines = draw(rows)
    labelled = all(line.startswith(r.label + " ") for line, r in zip(lines[1:], rows, strict=False))
    if labelled and "Exp." in lines[0]:
        return lines
    if not labelled:
        lines = draw([replace(r, label=f"[{i}]") for i, r in enumerate(rows, 1)])
    key: list[str] = []
    for i, r in enumerate(rows, 1):
        name = r.label if labelled else f"[{i}] {r.label}"
        counts = f": {r.counts[0]} vs {r.counts[1]}" if r.counts else ""
        key += textwrap.wrap(f"{name}{counts}", width, subsequent_indent="    ")
    what = "Events/participants" if a.studies[0].counts else "Mean (SD) n, or published"
    return [*lines, f"{what}, experimental vs comparator:", *key]


def block(
    a: Analysis,
    width: int = 80,
    ascii_only: bool = False,
    limit: int | None = DRAW_LIMIT,
    favours: tuple[str, str] | None = None,
) -> Block:
    """The forest plot and the notes of one analysis."""
    p = a.pooled
    forest = forest_lines(a, width, ascii_only, limit, favours)
    n = a.participants
    people = "participants not given" if n is None else f"{n:,} participants"
    heading = (
        f"{a.outcome}: {p.k} {a.label} comparison{'' if p.k == 1 else 's'}, {people}; "
        f"{MEASURE_NAMES[p.measure]}, {p.label} (computed)"
    )
    how = "Pooled" if p.k >= 2 else "One study, not pooled:"
    notes = [f"{how} {relative_text(a)}; {p.ci_label}."]  # the prediction interval: under the plot
    notes += [f"{note[0].upper()}{note[1:]}." for note in p.notes]
    if secondary := listed(a.used.where(lambda s: s.secondary).ids):
        notes.append(
            f"Figures resting only on a secondary source are pooled (--include-secondary): "
            f"{secondary}."
        )
    x = anticipated(a)
    if x is None:  # no counts: a mean difference in words, or no risk to apply a ratio to
        notes.append(f"Absolute effect: {a.absolute['text']}.")
    else:
        notes.append(
            f"Anticipated absolute effects: risk with the comparator {whole(x.comparator)} per "
            f"1,000 ({x.comparator_basis}); risk difference with the intervention "
            f"{difference_text(x)}."
        )
    return Block(heading, forest, notes + certainty_lines(a))


def blocks(result: PoolResult, width: int = 80, ascii_only: bool = False) -> list[Block]:
    """The main analysis, the kinds pooled apart, then what was left out."""
    limit, favours = result.draw_limit, result.favours
    found = [block(a, width, ascii_only, limit, favours) for a in (result.main, *result.others)]
    if result.subgroups is not None:
        heading = f"Subgroups by {result.by}: each pooled, with its diamond"
        found.insert(1, Block(heading, subgroup_forest(result, width, ascii_only)))
    found[0].notes += sensitivity_lines(result)
    if result.left_out:
        found[-1].notes += left_out_lines(result.left_out)
    return found


def subgroup_forest(result: PoolResult, width: int, ascii_only: bool) -> list[str]:
    """One forest plot per subgroup, its studies and its own pooled diamond, then RevMan's
    test for the difference between subgroups."""
    a = result.main
    rows = drawn(a, None).rows
    whole_frame = frame(a)
    small = ForestFrame(whole_frame.decimals, whole_frame.axis_title, whole_frame.favours)
    lines: list[str] = []
    for name, members, subtotal in subgroup_parts(result):
        lines.append(f"{name}:")
        lines += forest_text(
            [r for r in rows if r.label in members],
            subtotal,
            log_scale=a.pooled.is_ratio,
            width=width,
            ascii_only=ascii_only,
            frame=small,
        )
    return lines + subgroup_test(result)


def subgroup_parts(result: PoolResult) -> list[tuple[str, set[str], ForestSummary | None]]:
    """Each subgroup: its name, its studies and its subtotal (None for one study)."""
    assert result.subgroups is not None
    parts = []
    for name, p in result.subgroups.groups:
        subtotal = None
        if p.k >= 2:
            label = f"Subtotal ({p.k} {plural(p.k, 'study')})"
            subtotal = ForestSummary(label, p.estimate, p.lower, p.upper)
        parts.append((name, {s.label for s in p.studies}, subtotal))
    return parts


def subgroup_test(result: PoolResult) -> list[str]:
    """RevMan's test for subgroup differences, in a line (none when it was not computed)."""
    test = result.subgroups.test if result.subgroups is not None else None
    if test is None:
        return []
    return [
        f"Test for subgroup differences: Chi² = {test.q:.2f}, df = {test.df} "
        f"(P = {test.p:.2f}), I² = {test.i2:.0f}%"
    ]


def sensitivity_lines(result: PoolResult) -> list[str]:
    """Subgroups with RevMan's test for their difference, and leave-one-out, in words."""
    lines = []
    fmt = points if result.main.pooled.measure == "RD" else num
    shown = lambda p: interval(p.estimate, p.lower, p.upper, fmt)  # noqa: E731
    if result.subgroups is not None:
        lines.append(f"Subgroups by {result.by}:")
        for name, p in result.subgroups.groups:
            lines.append(f"  {name}: {p.measure} {shown(p)}, {p.k} {plural(p.k, 'study')}")
        test = result.subgroups.test
        if test is not None:
            lines.append(
                f"Test for subgroup differences: Chi² = {test.q:.2f}, df = {test.df} "
                f"(P = {test.p:.2f}), I² = {test.i2:.0f}% ({test.method})."
            )
    if result.omitted is not None:
        lines.append("Leave-one-out (each study omitted in turn):")
        for o in result.omitted:
            p = o.pooled
            lines.append(
                f"  without {o.omitted}: {p.measure} {shown(p)}; tau² = {p.tau2:.3g}, "
                f"I² = {p.i2:.0f}%"
            )
    return lines


def plural(n: int, word: str) -> str:
    """``study`` or ``studies``: the word for ``n`` of them."""
    return word if n == 1 else ("studies" if word == "study" else word + "s")


def svg(result: PoolResult) -> str:
    """The main analysis as a standalone SVG forest plot; with subgroups, each subgroup's
    studies under its name with its subtotal's diamond, and the test for their difference."""
    a = result.main
    plot = drawn(a, result.draw_limit, result.favours, with_counts=True)
    shown = plot.frame
    items: list[ForestRow | ForestSummary | str] = list(plot.rows)
    if result.subgroups is not None:
        items = []
        for name, members, subtotal in subgroup_parts(result):
            items += [name, *(r for r, i in zip(plot.rows, plot.ids, strict=True) if i in members)]
            items += [subtotal] if subtotal else []
        shown = replace(shown, below=(*subgroup_test(result), *shown.below))
    return forest_svg(
        items,
        plot.summary,
        log_scale=a.pooled.is_ratio,
        title=one_line(f"{a.outcome} ({a.label}); computed, {a.certainty.final} certainty") or "",
        measure_label=a.pooled.measure,
        frame=shown,
    )


__all__ = [
    "SOF_COLUMNS",
    "SOF_HEADERS",
    "Block",
    "block",
    "blocks",
    "sof_table",
    "svg",
    "terminal_row",
]
