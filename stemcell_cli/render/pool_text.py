"""What ``stemcell pool`` says, as plain text pieces every people's format lays out its own way.

Numbers are rounded here for reading (JSON keeps them unrounded); every figure is computed,
and the certainty is labelled a transparent first rating.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..analysis.certainty import LABEL
from ..safe import one_line
from ..synthesis.effects import MEASURE_NAMES
from ..views.effect_lines import interval, num, points, whole
from .forest import ForestRow, forest_svg, forest_text, from_pooled

if TYPE_CHECKING:
    from ..analysis.bodies import Analysis
    from ..analysis.contributions import Contribution
    from ..analysis.findings import Findings
    from ..analysis.outcome import PoolResult

SOF_HEADERS = (
    "Outcome",
    "Participants (studies)",
    "Relative effect (95% CI)",
    "Risk with comparator",
    "Risk with intervention (95% CI)",
    "Certainty",
)
# The terminal's columns (header, share of the free width, or a fixed width): the two absolute
# risks share one column.
SOF_COLUMNS = (
    ("Outcome", 2, None),
    ("People (studies)", None, 10),
    ("Relative effect (95% CI)", 2, None),
    ("Per 1,000 (95% CI)", 2, None),
    ("Certainty", None, 13),
)
SHORT = {"FE": "Pooled (FE)", "DL": "Pooled (DL)", "REML": "Pooled (REML)"}
NOT_JUDGED = (
    "Not judged automatically: indirectness of population, intervention or outcome, "
    "allocation concealment, missing data and selective reporting."
)


def relative_text(a: Analysis) -> str:
    """``RR 0.49 (95% CI 0.34 to 0.70)``; an RD in percentage points."""
    p = a.pooled
    fmt = points if p.measure == "RD" else num
    text = f"{p.measure} {interval(p.estimate, p.lower, p.upper, fmt)}"
    return text + (" percentage points" if p.measure == "RD" else "")


def absolute_texts(a: Analysis) -> tuple[str, str]:
    """(risk with the comparator, risk with the intervention) per 1,000."""
    x = a.absolute
    if x.get("text"):  # no counts: a mean difference in words, or nothing to apply a ratio to
        return "—", x["text"]
    comparator = f"{whole(x['comparator'])} per 1,000"
    if x["intervention"] is None:
        return comparator, "not derivable (no events with the comparator)"
    found = interval(x["intervention"], x["lower"], x["upper"], whole)
    return comparator, f"{found.replace(' (95% CI ', ' per 1,000 (')}"


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


def sof_table(findings: Findings) -> tuple[list[tuple[str, ...]], list[str]]:
    """Rows under SOF_HEADERS, and numbered footnotes (each downgrade with its reason)."""
    rows: list[tuple[str, ...]] = []
    notes: list[str] = []
    for a in findings.rows:
        p = a.pooled
        marks = []
        for d in a.certainty.downgrades:
            notes.append(f"[{len(notes) + 1}] {a.outcome} ({a.label}), {d.domain}: {d.reason}")
            marks.append(f"[{len(notes)}]")
        how = f"pooled, {p.label}" if p.k >= 2 else "one study"
        comparator, intervention = absolute_texts(a)
        studies = f"{p.k} {'study' if p.k == 1 else 'studies'}"
        ids = ", ".join(c.study_id for c in a.used)
        rows.append(
            (
                f"{a.outcome} ({a.label}; {ids})",
                f"{a.participants:,} ({studies})",
                f"{relative_text(a)}; {how}",
                comparator,
                intervention,
                " ".join([a.certainty.final, *marks]),
            )
        )
    notes.append(f"Computed by stemcell from the descriptors' counts; certainty is {LABEL}.")
    notes += [f"Left out: {x.study_id}: {x.reason}" for x in findings.left_out]
    if findings.not_computed:
        ids = ", ".join(dict.fromkeys(x.study_id for x in findings.not_computed))
        notes.append(
            f"{len(findings.not_computed)} two-arm outcome(s) not computed (no counts in both "
            f"arms, or arms not clear) in {ids}: `stemcell show ID` says why."
        )
    return rows, notes


def terminal_row(row: tuple[str, ...]) -> tuple[str, ...]:
    """A row under SOF_HEADERS as the terminal's SOF_COLUMNS."""
    outcome, people, relative, comparator, intervention, certainty = row
    risks = f"comparator {comparator}\nintervention {intervention}".replace(" per 1,000", "")
    return outcome, people, relative, risks, certainty


@dataclass
class Block:
    """One analysis: a heading, the forest plot lines, then notes."""

    heading: str
    forest: list[str]
    notes: list[str] = field(default_factory=list)


def forest_rows(a: Analysis, with_counts: bool = False) -> tuple[list[ForestRow], object]:
    """Forest rows (label = study id; counts per arm) and the pooled summary line."""
    by_id = {c.study_id: c for c in a.studies}
    counts = [arm_cells(by_id[s.label]) for s in a.pooled.studies]
    rows, summary = from_pooled(a.pooled, counts)
    summary = replace(summary, label=SHORT[a.pooled.method])
    if with_counts:
        rows = [
            ForestRow(f"{r.label} ({e} vs {c})", r.estimate, r.lower, r.upper, r.weight)
            for r, (e, c) in zip(rows, counts, strict=True)
        ]
    return rows, summary


def arm_cells(c: Contribution) -> tuple[str, str]:
    """What each arm gives: ``4/123`` (events/total), ``2.5 (4.1) 95`` (mean, SD, n), or
    ``published`` (an effect with its CI, no arm figures)."""
    if c.counts:
        e, n1, k, n2 = c.counts
        return f"{e}/{n1}", f"{k}/{n2}"
    if c.means:
        return tuple(f"{num(m)} ({num(sd)}) {n}" for m, sd, n in c.means)  # type: ignore[return-value]
    return ("published", "") if c.published else ("given", "")


def forest_lines(a: Analysis, width: int, ascii_only: bool) -> list[str]:
    """The forest plot, every study labelled in full with its counts: when an id does not fit
    its column, rows are numbered; when ids or counts do not fit, a key under the plot names
    each study with its counts."""
    rows, summary = forest_rows(a)

    def draw(rows: list[ForestRow]) -> list[str]:
        log = a.pooled.is_ratio
        return forest_text(rows, summary, log_scale=log, width=width, ascii_only=ascii_only)  # type: ignore[arg-type]

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


def block(a: Analysis, width: int = 80, ascii_only: bool = False) -> Block:
    """The forest plot and the notes of one analysis."""
    p = a.pooled
    forest = forest_lines(a, width, ascii_only)
    heading = (
        f"{a.outcome}: {p.k} {a.label} comparisons, {a.participants:,} participants; "
        f"{MEASURE_NAMES[p.measure]}, {p.label} (computed)"
    )
    notes = [f"Pooled {relative_text(a)}; {p.ci_label}."]
    if p.pi_lower is not None and p.pi_upper is not None:
        fmt = points if p.measure == "RD" else num
        notes.append(
            f"95% prediction interval: {fmt(p.pi_lower)} to {fmt(p.pi_upper)} ({p.pi_label})."
        )
    notes += [f"{note[0].upper()}{note[1:]}." for note in p.notes]
    comparator, intervention = absolute_texts(a)
    if comparator == "—":
        notes.append(f"Absolute effect: {intervention}.")
    else:
        notes.append(
            f"Anticipated absolute effects: {comparator} with the comparator (comparator arms "
            f"together), {intervention} with the intervention."
        )
    return Block(heading, forest, notes + certainty_lines(a))


def blocks(result: PoolResult, width: int = 80, ascii_only: bool = False) -> list[Block]:
    """The main analysis, the kinds pooled apart, then what was left out."""
    found = [block(a, width, ascii_only) for a in (result.main, *result.others)]
    found[0].notes += sensitivity_lines(result)
    if result.left_out:
        found[-1].notes += [f"Left out: {x.study_id}: {x.reason}" for x in result.left_out]
    return found


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
    """The main analysis as a standalone SVG forest plot."""
    a = result.main
    rows, summary = forest_rows(a, with_counts=True)
    return forest_svg(
        rows,
        summary,  # type: ignore[arg-type]
        log_scale=a.pooled.is_ratio,
        title=one_line(f"{a.outcome} ({a.label}); computed, {a.certainty.final} certainty") or "",
        measure_label=a.pooled.measure,
    )
