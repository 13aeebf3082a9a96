"""Rich tables for people: colour only on a terminal, data never read as markup."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from .. import describe
from ..safe import visible
from ..views.compare import Comparison
from ..views.listing import SUMMARY_HEADERS
from ..views.show import Section, view_sections

if TYPE_CHECKING:
    from ..entry import Entry
    from ..pooling_outcome import PoolResult
    from ..pooling_view import Findings

# List columns with fixed widths; the headline takes what is left. On a narrow terminal the
# columns named in DROP_ORDER go first, so the row stays readable.
LIST_WIDTHS = {
    "Condition": 14,
    "Cells": 14,
    "Design": 13,
    "N": 7,
    "Follow-up": 10,
    "Level": 5,
    "Caution": 16,
}
DROP_ORDER = ("Design", "Follow-up", "Cells", "Condition")
MIN_HEADLINE = 24
LEVEL_STYLE = {1: "bold green", 2: "green", 3: "yellow", 4: "dark_orange", 5: "red"}


def text(value: str, style: str = "") -> Text:
    """Data as literal text: no markup, no emoji codes, no control characters."""
    return Text(visible(value), style=style)


def console(out: TextIO) -> Console:
    """A console on ``out`` that never interprets strings."""
    return Console(file=out, markup=False, emoji=False, highlight=False)


def section_body(section: Section) -> Group:
    """One section without its links: a heading, its pairs, table and bullets."""
    parts: list = [text(section.title, "bold underline")]
    if section.pairs:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=False, max_width=28)
        grid.add_column(overflow="fold")
        for label, value in section.pairs:
            grid.add_row(text(label), text(value))
        parts.append(grid)
    if section.rows:
        grid = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        for header in section.headers:
            grid.add_column(text(header), overflow="fold")
        for row in section.rows:
            grid.add_row(*(text(c) for c in row))
        parts.append(grid)
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

    def __init__(self, out: TextIO, fields: Sequence[str] | None = None) -> None:
        self.console = console(out)

    def findings(self, findings: Findings) -> None:
        from .pooltext import SOF_COLUMNS, sof_table, terminal_row

        rows, notes = sof_table(findings)
        title = text("Summary of findings (computed)", "bold")
        grid = Table(box=box.SIMPLE_HEAD, title=title, pad_edge=False, expand=True)
        for header, ratio, width in SOF_COLUMNS:
            grid.add_column(text(header), overflow="fold", ratio=ratio, width=width)
        for row in rows:
            grid.add_row(*(text(c) for c in terminal_row(row)))
        self.console.print(grid)
        for note in notes:
            self.console.print(text(note))

    def pooled(self, result: PoolResult) -> None:
        from .pooltext import blocks

        for b in blocks(result, width=max(60, min(self.console.width, 120))):
            self.console.print(text(b.heading, "bold"))
            for line in b.forest:  # laid out to the width: never wrapped
                self.console.print(text(line), soft_wrap=True)
            for note in b.notes:
                self.console.print(text(note))
            self.console.print()

    def studies(self, entries: Sequence[Entry]) -> None:
        widths = dict(LIST_WIDTHS, ID=max((len(e.id) for e in entries), default=2))
        spare = lambda: self.console.width - sum(widths.values()) - 3 * len(widths)  # noqa: E731
        for name in DROP_ORDER:
            if spare() >= MIN_HEADLINE:
                break
            del widths[name]
        shown = [h for h in SUMMARY_HEADERS if h in widths or h == "Headline"]
        grid = Table(box=box.SIMPLE_HEAD, expand=True)
        for header in shown:
            width = widths.get(header)
            grid.add_column(
                text(header),
                width=width,
                ratio=None if width else 1,
                overflow="fold",
                style="bold" if header == "ID" else "",
            )
        for entry in entries:
            row = dict(zip(SUMMARY_HEADERS, entry.summary, strict=True))
            cells = [text(row[h]) for h in shown]
            cells[shown.index("Level")].stylize(LEVEL_STYLE.get(entry.facets.level, ""))
            grid.add_row(*cells)
        self.console.print(grid)

    def study(self, entry: Entry) -> None:
        view = entry.view
        head = [text(f"{view['title']}  ({view['id']})", "bold"), text(view["headline"], "italic")]
        if view["summary"]:
            head.append(text(view["summary"]))
        self.console.print(Group(*head, Text("")))
        for section in view_sections(view):
            self.console.print(section_body(section))
            for label, url in section.links:  # URLs are never wrapped, so they stay clickable
                self.console.print(text(f"• {label}"))
                if url:
                    self.console.print(text(f"  {url}"), soft_wrap=True)
            self.console.print()

    def comparison(self, comparison: Comparison) -> None:
        has_bars = any(any(r.bars) for r in comparison.rows)
        grid = Table(
            box=box.HORIZONTALS,
            show_lines=True,
            caption=describe.BAR_LEGEND if has_bars else None,
        )
        grid.add_column(text(""), style="bold", overflow="fold", max_width=24)
        for entry in comparison.entries:
            grid.add_column(text(entry.id), overflow="fold")
        rows = comparison.rows
        for i, row in enumerate(rows):
            label = text(row.label)
            if i == 0 or rows[i - 1].section != row.section:
                label = Text.assemble(text(row.section.upper(), "cyan"), "\n", label)
            cells = row.bars or row.cells  # bars: the terminal-only view of outcomes
            grid.add_row(label, *(text(c) for c in cells))
        self.console.print(grid)
