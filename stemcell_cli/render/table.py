"""Rich tables for people: colour only on a terminal, data never read as markup.

Words, ids and numbers are never split across lines: columns get at least their longest
word, the list keeps one line per study (cutting the headline with …), a section table too
wide for the terminal becomes one block per row, and a comparison too wide for it continues
in a second table of columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from .. import describe
from ..evidence import CAUTION
from ..safe import visible
from ..views.compare import Comparison
from ..views.listing import SUMMARY_HEADERS
from ..views.show import Section, view_sections
from .fit import CELL_PADDING, groups, longest_word, tight

if TYPE_CHECKING:
    from ..entry import Entry

LEVEL_STYLE = {1: "bold green", 2: "green", 3: "yellow", 4: "dark_orange", 5: "red"}
MIN_HEADLINE = 20
GAP = 2  # between the columns of the list: collapsed padding and the rule's space
WIDE_COLUMN = 20  # list --wide: columns other than the headline wrap beyond this
SHORT = 18  # a condition name longer than this is replaced by a shorter synonym if needed
COMPACT = ("ID", "Condition", "Level", "Caution", "Headline")
LABEL_WIDTH = 24  # compare's row labels
MIN_COLUMN = 14  # compare's study columns
LEVEL_LEGEND = "Level: 1/5 strongest … 5/5 weakest (Oxford CEBM 2011)"


def text(value: str, style: str = "") -> Text:
    """Data as literal text: no markup, no emoji codes, no control characters."""
    return Text(visible(tight(value)), style=style)


def console(out: TextIO) -> Console:
    """A console on ``out`` that never interprets strings."""
    return Console(file=out, markup=False, emoji=False, highlight=False)


def cautions(joined: str) -> list[str]:
    """The caution labels of a summary row (a label may itself hold a comma)."""
    labels = sorted(CAUTION.values(), key=len, reverse=True)
    found, rest = [], joined
    while rest and rest != "—":
        label = next((x for x in labels if rest.startswith(x)), rest.split(", ")[0])
        found.append(label)
        rest = rest[len(label) :].removeprefix(", ")
    return found


def level_text(level: str) -> Text:
    """``4/5`` coloured by strength; ``?`` when the level is unknown."""
    known = level.isdigit()
    return Text(
        f"{level}/5" if known else "?", style=LEVEL_STYLE.get(int(level), "") if known else ""
    )


def _table_fits(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> bool:
    """Whether every column can be as wide as its longest word."""
    columns = list(zip(headers, *rows, strict=True))
    return sum(longest_word(c) for c in columns) + GAP * (len(columns) - 1) <= width


def blocks(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[Text]:
    """A table too wide for the terminal as one block per row: its first cell as a heading,
    then ``Header: cell`` lines (empty cells left out)."""
    parts = []
    for row in rows:
        parts.append(text(row[0], "bold"))
        for header, cell in zip(headers[1:], row[1:], strict=True):
            if cell:
                parts.append(Text.assemble("  ", text(f"{header}: {cell}")))
    return parts


def section_body(section: Section, width: int) -> Group:
    """One section without its links: a heading, its pairs, table and bullets."""
    parts: list = [text(section.title, "bold underline")]
    if section.pairs:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=False, max_width=28)
        grid.add_column(overflow="fold")
        for label, value in section.pairs:
            grid.add_row(text(label), text(value))
        parts.append(grid)
    rows = [tuple(tight(c) for c in row) for row in section.rows]
    if rows and _table_fits(section.headers, rows, width):
        grid = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)
        for n, header in enumerate(section.headers):
            least = longest_word([header, *(row[n] for row in rows)])
            grid.add_column(text(header), min_width=least)
        for row in rows:
            grid.add_row(*(text(c) for c in row))
        parts.append(grid)
    elif rows:
        parts += blocks(section.headers, rows)
    if section.bullets:
        bullets = Table.grid(padding=(0, 1))
        bullets.add_column(width=1)
        bullets.add_column(overflow="fold")
        for line in section.bullets:
            bullets.add_row("•", text(line))
        parts.append(bullets)
    return Group(*parts)


class TableRenderer:
    """Terminal tables that fit the width of the terminal."""

    def __init__(
        self, out: TextIO, fields: Sequence[str] | None = None, wide: bool = False
    ) -> None:
        self.console = console(out)
        self.wide = wide

    def studies(self, entries: Sequence[Entry]) -> None:
        if not entries:  # the note on stderr says so
            return
        if self.wide:
            self._wide_list(entries)
            return
        wanted = max(MIN_HEADLINE, self.console.width // 4)
        for condition, first in ((None, False), (None, True), (SHORT, True), (0, True)):
            rows = [self._compact_row(e, condition, first) for e in entries]
            if self._headline_room(rows) >= wanted:
                break
        widths = [max(len(h), *(len(r[n]) for r in rows)) for n, h in enumerate(COMPACT[:-1])]
        widths.append(max(self._headline_room(rows), 1))
        grid = Table(
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            show_edge=False,
            collapse_padding=True,
            caption=LEVEL_LEGEND,
        )
        for header, width in zip(COMPACT, widths, strict=True):
            grid.add_column(
                text(header),
                no_wrap=True,
                overflow="ellipsis",
                width=width,
                style="bold" if header == "ID" else "",
            )
        for row in rows:
            grid.add_row(
                *(text(c) for c in row[:2]), level_text(row[2]), *(text(c) for c in row[3:])
            )
        self.console.print(grid)

    def _headline_room(self, rows: list[tuple[str, ...]]) -> int:
        fixed = sum(max(len(h), *(len(r[n]) for r in rows)) for n, h in enumerate(COMPACT[:-1]))
        return self.console.width - fixed - GAP * (len(COMPACT) - 1)

    @staticmethod
    def _compact_row(entry: Entry, longest: int | None, first_caution: bool) -> tuple[str, ...]:
        """The compact row; the condition named in at most ``longest`` characters if it can be
        (else by its shortest name), only the first caution and a count if ``first_caution``."""
        row = dict(zip(SUMMARY_HEADERS, entry.summary, strict=True))
        condition = row["Condition"]
        if longest is not None and len(condition) > longest:
            names = sorted((n for n in entry.facets.conditions if len(n) >= 2), key=len)
            fitting = [n for n in names if len(n) <= longest]
            condition = fitting[-1] if fitting else (names or [condition])[0]
        labels = cautions(row["Caution"])
        caution = ", ".join(labels) or "—"
        if first_caution and len(labels) > 1:
            caution = f"{labels[0]} +{len(labels) - 1}"
        return row["ID"], condition, row["Level"], caution, row["Headline"]

    def _wide_list(self, entries: Sequence[Entry]) -> None:
        rows = [tuple(tight(c) for c in e.summary) for e in entries]
        if rows and not _table_fits(SUMMARY_HEADERS, rows, self.console.width - len(rows[0])):
            level = SUMMARY_HEADERS.index("Level")
            rows = [(*r[:level], level_text(r[level]).plain, *r[level + 1 :]) for r in rows]
            self.console.print(Group(*blocks(SUMMARY_HEADERS, rows)))
            return
        widths = []  # each column as wide as its text up to WIDE_COLUMN; the headline the rest
        for n, header in enumerate(SUMMARY_HEADERS[:-1]):
            column = [header, *(r[n] for r in rows)]
            widths.append(max(longest_word(column), min(WIDE_COLUMN, max(map(len, column)))))
        room = self.console.width - sum(widths) - GAP * len(widths)
        widths.append(max(room, longest_word([SUMMARY_HEADERS[-1], *(r[-1] for r in rows)])))
        grid = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, collapse_padding=True)
        for header, width in zip(SUMMARY_HEADERS, widths, strict=True):
            grid.add_column(
                text(header),
                width=width,
                style="bold" if header == "ID" else "",
            )
        for row in rows:
            cells = zip(SUMMARY_HEADERS, row, strict=True)
            grid.add_row(*(level_text(c) if h == "Level" else text(c) for h, c in cells))
        self.console.print(grid)

    def study(self, entry: Entry) -> None:
        view = entry.view
        head = [text(f"{view['title']}  ({view['id']})", "bold"), text(view["headline"], "italic")]
        if view.get("card"):
            head.append(text(view["card"], "bold"))
        if view["summary"]:
            head += [Text(""), text(view["summary"])]
        self.console.print(Group(*head, Text("")))
        for section in view_sections(view):
            self.console.print(section_body(section, self.console.width))
            for label, url in section.links:  # URLs are never wrapped, so they stay clickable
                self.console.print(text(f"• {label}"))
                if url:
                    self.console.print(Text(f"  {visible(url)}"), soft_wrap=True)
            self.console.print()

    def comparison(self, comparison: Comparison) -> None:
        if not comparison.entries:
            return
        rows = comparison.rows
        labels = [f"{r.section.upper()} {r.label}" for r in rows]
        label_width = min(LABEL_WIDTH, max(longest_word(labels), 8))
        widths = []
        for n, entry in enumerate(comparison.entries):
            cells = [tight(r.cells[n]) for r in rows]
            widths.append(max(len(entry.id), longest_word(cells), MIN_COLUMN))
        # each column costs its padding and a divider; the table has an edge on each side
        room = self.console.width - (label_width + CELL_PADDING) - 2
        bar = describe.BAR_WIDTH + 2
        has_bars = any(any(r.bars) for r in rows)
        for part in groups([w + 1 for w in widths], room):
            # bars only where every column of this part can hold one on a line of its own
            bars = has_bars and sum(max(widths[n], bar) + CELL_PADDING + 1 for n in part) <= room
            sizes = {n: max(widths[n], bar if bars else 0) for n in part}
            spare = room - sum(w + CELL_PADDING + 1 for w in sizes.values())
            for i, n in enumerate(part):  # what is left, shared out
                sizes[n] += max(0, spare) // len(part) + (i < max(0, spare) % len(part))
            self._comparison_part(comparison, sizes, label_width, bars)

    def _comparison_part(
        self, comparison: Comparison, sizes: dict[int, int], label_width: int, bars: bool
    ) -> None:
        """One table of a comparison: the columns ``sizes`` names, as wide as it says."""
        rows = comparison.rows
        grid = Table(
            box=box.HORIZONTALS,
            show_lines=True,
            caption=text(describe.BAR_LEGEND) if bars else None,
        )
        grid.add_column(text(""), style="bold", width=label_width)
        for n, width in sizes.items():
            grid.add_column(text(comparison.entries[n].id), width=width, header_style="bold")
        for i, row in enumerate(rows):
            label = text(row.label)
            if i == 0 or rows[i - 1].section != row.section:
                label = Text.assemble(text(row.section.upper(), "cyan"), "\n", label)
            cells = row.bars if bars and row.bars else row.cells
            grid.add_row(label, *(text(cells[n]) for n in sizes))
        self.console.print(grid)
