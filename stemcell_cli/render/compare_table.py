"""``compare`` as terminal tables: one column per study, continued in further tables when the
terminal is too narrow for all of them.

Compact (the default) keeps a study to about 25 lines: the year before the title, the
cautions run together, the primary endpoints and the outcomes two or more of the compared
studies share on rows of their own (the rest named in one row, "Other outcomes"), every cell
cut to a line or two ending in …. ``--wide`` shows every row and every line, as JSON, CSV and
markdown do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..evidence.grading import LEVEL_SCALE
from ..views import describe
from ..views.compare import PRIMARY, Comparison, Row
from ..views.rating_text import ROB_KEY, ROB_ORDER
from ..views.show import CERTAINTY_NOTE
from .fit import CELL_PADDING, groups, longest_line, longest_word, text, tight, wrap

WIDE_LABEL = 24  # the row labels of --wide at most
LABEL_WIDTH = 22  # ... and of compact at most
LABEL_LEAST = 12  # ... and at least, room permitting
MIN_COLUMN = 14  # a study's column
WORD_CAP = 16  # compact: a longer word does not widen its column
OTHER = "Other outcomes"
RULE = "─"  # above each table of a comparison, and between the last and the note
COMPARE_NOTE = (
    f"A cut cell ends in …; {OTHER}: those of one study only; --wide shows everything, as do "
    "--format json and markdown. Certainty: the primary outcome's rating as `stemcell pool` "
    "gives it, else the design's starting point. Risk of bias (RoB 2), domains in the order "
    f"{ROB_ORDER}: {ROB_KEY}. {LEVEL_SCALE}."
)
# compact: a rule above these sections (the study and its design, the people and what they
# were given, read as one)
RULED = {"Evidence", "Population", "Outcomes", "Caveats"}
CELL_LINES = 2  # lines a compact cell may take
PRIMARY_LINES = 6  # ... and a primary endpoint's: its measure, then its results, ...
PRIMARY_EACH = 2  # ... each in at most two lines
CAVEAT_LINES = 1  # ... and the limitations and the topics the sources disagree on


def render(console: Console, comparison: Comparison, wide: bool) -> None:
    """The comparison on ``console``, in as many tables as the width needs (as few columns in
    each as the fewest tables allow), a rule above each table."""
    if not comparison.entries:
        return
    rows = comparison.rows if wide else compact_rows(comparison.rows)
    width = console.width
    labels = [tight(r.label) for r in rows]
    # a column is at least as wide as its id and its longest word (compact: a word wider than
    # WORD_CAP is cut with …, as the lines it is on would mostly be)
    cap = None if wide else WORD_CAP
    widths = [
        max(
            len(entry.id),
            MIN_COLUMN,
            min(longest_word(tight(r.cells[n]) for r in rows), cap or width),
        )
        for n, entry in enumerate(comparison.entries)
    ]
    if wide:
        label_width = min(WIDE_LABEL, max(longest_word(labels), 8))
    else:  # a fifth of the width: long labels take two lines or are cut (…)
        label_width = min(longest_line(labels), max(LABEL_LEAST, width // 5), LABEL_WIDTH)
    # the labels give way (cut with …) so that the widest column fits beside them; each
    # column costs its padding and a divider, and the table has an edge on each side
    label_width = max(1, min(label_width, width - 2 * CELL_PADDING - 3 - max(widths)))
    room = width - (label_width + CELL_PADDING) - 2
    bar = describe.BAR_WIDTH + 2
    has_bars = wide and any(any(r.bars) for r in rows)
    for part in balanced(groups([w + 1 for w in widths], room), widths, room):
        # bars only where every column of this part can hold one on a line of its own
        bars = has_bars and sum(max(widths[n], bar) + CELL_PADDING + 1 for n in part) <= room
        sizes = {n: max(widths[n], bar if bars else 0) for n in part}
        spare = room - sum(w + CELL_PADDING + 1 for w in sizes.values())
        for i, n in enumerate(part):  # what is left, shared out
            sizes[n] += max(0, spare) // len(part) + (i < max(0, spare) % len(part))
        console.print(Text(RULE * (width - 2)))
        console.print(_part(rows, comparison, sizes, label_width, bars, wide))
    if not wide:
        console.print(Text(RULE * (width - 2)))
        console.print(Text(wrap(COMPARE_NOTE, width)))


def balanced(parts: list[list[int]], widths: Sequence[int], room: int) -> list[list[int]]:
    """The same number of tables with their columns shared out evenly (4 studies that fit 3 to
    a table: 2 and 2, not 3 and 1), when each still fits in ``room``."""
    count, total = len(parts), len(widths)
    if count < 2:
        return parts
    sizes = [total // count + (i < total % count) for i in range(count)]
    starts = [sum(sizes[:i]) for i in range(count)]
    even = [list(range(start, start + size)) for start, size in zip(starts, sizes, strict=True)]
    fits = all(sum(widths[n] + 1 + CELL_PADDING for n in part) <= room for part in even)
    return even if fits else parts


def _part(
    rows: Sequence[Row],
    comparison: Comparison,
    sizes: dict[int, int],
    label_width: int,
    bars: bool,
    wide: bool,
) -> Table:
    """One table of a comparison: the columns ``sizes`` names, as wide as it says; a row empty
    in every one of them is left out. ``--wide``: every line, the section named above its
    first row, a rule between rows. Compact: cells and labels cut (ending in …), a rule
    above some sections only."""
    rows = [r for r in rows if any(r.cells[n] for n in sizes)]
    grid = Table(
        box=box.HORIZONTALS,
        show_lines=wide,
        show_edge=False,
        caption=text(describe.BAR_LEGEND) if bars else None,
    )
    grid.add_column(text(""), style="bold", width=label_width)
    for n, width in sizes.items():
        grid.add_column(text(comparison.entries[n].id), width=width, header_style="bold")
    for i, row in enumerate(rows):
        lines = None if wide else row_lines(row)
        each = None if wide or row.label != PRIMARY else PRIMARY_EACH
        label = text(clip(row.label, label_width, lines and max(lines, 2)))
        if wide and (i == 0 or rows[i - 1].section != row.section):
            label = Text.assemble(text(row.section.upper(), "cyan"), "\n", label)
        cells = row.bars if bars and row.bars else row.cells
        grid.add_row(
            label,
            *(text(clip(cells[n], width, lines, each)) for n, width in sizes.items()),
            end_section=not wide and i + 1 < len(rows) and _ruled(row, rows[i + 1]),
        )
    return grid


def _ruled(row: Row, below: Row) -> bool:
    return below.section != row.section and below.section in RULED


def row_lines(row: Row) -> int:
    """How many lines a row's cells may take in compact ``compare``."""
    if row.label == PRIMARY:
        return PRIMARY_LINES
    return CAVEAT_LINES if row.field in ("limitations", "discrepancies") else CELL_LINES


def compact_rows(rows: Sequence[Row]) -> list[Row]:
    """The rows as compact ``compare`` shows them: the year before the title; the level
    without its meaning and the certainty without its note (both said once, under the
    table); the cautions and the disagreements run together; the outcomes as
    :func:`compact_outcomes` picks them."""
    by_label = {r.label: r for r in rows if r.field != "outcomes"}
    outcomes = [r for r in rows if r.field == "outcomes"]
    out: list[Row] = []
    for row in rows:
        cells = row.cells
        if row.field == "outcomes":
            if row is outcomes[0]:
                out += compact_outcomes(outcomes)
            continue
        if row.label == "Year" and "Title" in by_label:
            continue
        if row.label == "Title" and "Year" in by_label:  # the year first: a title is cut
            years = by_label["Year"].cells
            cells = tuple(f"{y} · {t}" if y else t for t, y in zip(cells, years, strict=True))
            row = replace(row, label="Study")
        elif row.label == "Level":
            cells = tuple(c.split(":", 1)[0] for c in cells)
        elif row.label == "Certainty":
            cells = tuple(c.replace(f" ({CERTAINTY_NOTE})", "") for c in cells)
        elif row.label == "Risk of bias":  # the overall and the symbols; --wide: each domain
            cells = tuple(c.split("\n", 1)[0] for c in cells)
        elif row.label == "Cautions":
            cells = tuple(c.replace("\n", ", ") for c in cells)
        elif row.field == "discrepancies":
            cells = tuple(c.replace("\n", "; ") for c in cells)
            row = replace(row, label="Sources differ")  # on one line
        out.append(replace(row, cells=cells, bars=()))
    return out


def compact_outcomes(rows: Sequence[Row]) -> list[Row]:
    """The outcome rows worth a row of their own: the primary endpoints, the outcomes two or
    more of the studies share, and for a study that has neither, its first outcome; then one
    row, "Other outcomes", that counts and names each study's other outcomes."""
    kept = [r.label == PRIMARY or sum(map(bool, r.cells)) >= 2 for r in rows]
    for n in range(len(rows[0].cells) if rows else 0):
        mine = [i for i, r in enumerate(rows) if r.cells[n]]
        if mine and not any(kept[i] for i in mine):
            kept[mine[0]] = True
    others = [
        [r.label for r, k in zip(rows, kept, strict=True) if r.cells[n] and not k]
        for n in range(len(rows[0].cells) if rows else 0)
    ]
    out = [replace(r, bars=()) for r, k in zip(rows, kept, strict=True) if k]
    if any(others):
        cells = tuple(f"{len(o)} more: " + "; ".join(o) if o else "" for o in others)
        out.append(Row("outcomes", "Outcomes", OTHER, cells))
    return out


def clip(value: str, width: int, lines: int | None, each: int | None = None) -> str:
    """``value`` wrapped to ``width``, at most ``lines`` lines (each of its own lines at most
    ``each``), a cut line ending in … (None: no limit, nothing cut); when cut, a word wider
    than ``width`` is cut with … too."""
    out: list[str] = []
    for paragraph in tight(value).split("\n"):
        out += _cut_lines(wrap(paragraph, width).split("\n"), width, each)
    if lines is not None:
        out = [line if len(line) <= width else line[: max(width - 1, 0)] + "…" for line in out]
    return "\n".join(_cut_lines(out, width, lines))


def _cut_lines(lines: list[str], width: int, most: int | None) -> list[str]:
    if most is None or len(lines) <= most:
        return lines
    kept = lines[:most]
    last = kept[-1].removesuffix(" …").removesuffix("…")
    kept[-1] = last + " …" if len(last) + 2 <= width else last[: max(width - 1, 0)] + "…"
    return kept
