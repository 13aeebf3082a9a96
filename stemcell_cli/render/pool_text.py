"""What ``stemcell pool`` says, as plain text pieces every people's format lays out its own way.

Numbers are rounded here for reading (JSON keeps them unrounded); every figure is computed,
and the certainty is labelled a transparent first rating.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..analysis.anticipated import anticipated, difference_text
from ..safe import one_line
from ..synthesis.effects import MEASURE_NAMES
from ..views.effect_lines import whole
from .forest import ForestRow, ForestSummary, forest_svg, forest_text, from_pooled
from .forest_frame import bias_symbols, frame
from .sof_text import SOF_COLUMNS, SOF_HEADERS, relative_text, sof_table, terminal_row

if TYPE_CHECKING:
    from ..analysis.bodies import Analysis
    from ..analysis.outcome import PoolResult

SHORT = {"FE": "Pooled (FE)", "DL": "Pooled (DL)", "REML": "Pooled (REML)"}
NOT_JUDGED = (
    "Not judged automatically: indirectness of population, intervention or outcome, "
    "allocation concealment, missing data and selective reporting."
)


def certainty_lines(a: Analysis) -> list[str]:
    """The rating, where it started, each downgrade with its reason, what was not judged."""
    c = a.certainty
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


def forest_rows(
    a: Analysis, with_counts: bool = False
) -> tuple[list[ForestRow], ForestSummary | None]:
    """Forest rows (label = study id; events/total per arm; RoB 2 symbols) and the pooled
    summary line (None for one study: it is not pooled)."""
    by_id = {c.study_id: c for c in a.studies}
    counts = []
    for s in a.pooled.studies:
        e, n1, c, n2 = by_id[s.label].table
        counts.append((f"{e}/{n1}", f"{c}/{n2}"))
    rows, summary = from_pooled(a.pooled, counts)
    rows = [replace(r, bias=bias_symbols(by_id[r.label])) for r in rows]
    if with_counts:
        rows = [
            replace(r, label=f"{r.label} ({e} vs {c})", counts=None)
            for r, (e, c) in zip(rows, counts, strict=True)
        ]
    if a.pooled.k < 2:
        return rows, None
    return rows, replace(summary, label=SHORT[a.pooled.method])


def forest_lines(a: Analysis, width: int, ascii_only: bool) -> list[str]:
    """The forest plot, every study labelled in full with its counts: when an id does not fit
    its column, rows are numbered; when ids or counts do not fit, a key under the plot names
    each study with its counts."""
    rows, summary = forest_rows(a)

    def draw(rows: list[ForestRow]) -> list[str]:
        log = a.pooled.is_ratio
        return forest_text(
            rows, summary, log_scale=log, width=width, ascii_only=ascii_only, frame=frame(a)
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
    return [*lines, "Events/participants, experimental vs comparator:", *key]


def block(a: Analysis, width: int = 80, ascii_only: bool = False) -> Block:
    """The forest plot and the notes of one analysis."""
    p = a.pooled
    forest = forest_lines(a, width, ascii_only)
    heading = (
        f"{a.outcome}: {p.k} {a.label} comparisons, {a.participants:,} participants; "
        f"{MEASURE_NAMES[p.measure]}, {p.label} (computed)"
    )
    notes = [f"Pooled {relative_text(a)}."]  # the prediction interval is under the plot
    x = anticipated(a)
    notes.append(
        f"Anticipated absolute effects: risk with the comparator {whole(x.comparator)} per "
        f"1,000 ({x.comparator_basis}); risk difference with the intervention "
        f"{difference_text(x)}."
    )
    return Block(heading, forest, notes + certainty_lines(a))


def blocks(result: PoolResult, width: int = 80, ascii_only: bool = False) -> list[Block]:
    """The main analysis, the kinds pooled apart, then what was left out."""
    found = [block(a, width, ascii_only) for a in (result.main, *result.others)]
    if result.left_out:
        found[-1].notes += [f"Left out: {x.study_id}: {x.reason}" for x in result.left_out]
    return found


def svg(result: PoolResult) -> str:
    """The main analysis as a standalone SVG forest plot."""
    a = result.main
    rows, summary = forest_rows(a, with_counts=True)
    return forest_svg(
        rows,
        summary,
        log_scale=a.pooled.is_ratio,
        title=one_line(f"{a.outcome} ({a.label}); computed, {a.certainty.final} certainty") or "",
        measure_label=a.pooled.measure,
        frame=frame(a),
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
