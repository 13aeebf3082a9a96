"""Rich tables for people: colour only on a terminal, data never read as markup.

Words, ids and numbers are never split across lines: columns get at least their longest
word, the list keeps one line per study (cutting the headline with …), a section table too
wide for the terminal becomes one block per row, and a comparison too wide for it continues
in a second table of columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from ..evidence.grading import CAUTION, LEVEL_SCALE, level_word
from ..safe import visible
from ..views.compare import Comparison
from ..views.listing import SUMMARY_HEADERS
from ..views.show import Section, view_sections
from .compare_table import render as render_comparison
from .fit import longest_line, longest_word, share, text, tight

if TYPE_CHECKING:
    from ..analysis.findings import Findings
    from ..analysis.outcome import PoolResult
    from ..store.entry import Entry

LEVEL_STYLE = {1: "bold green", 2: "green", 3: "yellow", 4: "dark_orange", 5: "red"}
MIN_HEADLINE = 20
MIN_NARROW = 12  # the least room worth giving a headline; half of it for the cautions
GAP = 2  # between the columns of the list: collapsed padding and the rule's space
SHORT = 18  # a condition name longer than this is replaced by a shorter synonym if needed
COMPACT = ("ID", "Condition", "Level", "Caution", "Headline")
LABEL_WIDTH = 24  # compare's row labels
MIN_COLUMN = 14  # compare's study columns
LEVEL_LEGEND = LEVEL_SCALE
# cautions that leave a study nothing to show: its level is never coloured as good news
NOTHING_SHOWN = {CAUTION[c] for c in ("no-results", "results-unknown", "withdrawn", "terminated")}


def cut(value: str, width: int) -> str:
    """``value`` in at most ``width`` characters, ending in … when cut."""
    return value if len(value) <= width else value[: max(width - 1, 0)] + "…"


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


def level_text(level: str, caution: str = "") -> Text:
    """``4 · weak`` coloured by strength, except for a study with no results to show
    (``caution`` is the summary row's); ``unknown`` when the design is not stated."""
    style = LEVEL_STYLE.get(int(level), "") if level.isdigit() else ""
    if NOTHING_SHOWN & set(cautions(caution)):
        style = ""
    return Text(level_word(level), style=style)


def bullet(line: str, width: int) -> Text:
    """``• line`` wrapped to ``width``, continued lines indented under the text (a hanging
    indent)."""
    wrapped = text(line, width=max(width - 2, 1)).plain.split("\n")
    return Text("\n".join(["• " + wrapped[0], *("  " + rest for rest in wrapped[1:])]))


def blocks(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> list[Text]:
    """A table too wide for the terminal as one block per row: its first cell as a heading,
    then ``Header: cell`` lines (empty cells left out)."""
    parts = []
    for row in rows:
        parts.append(text(row[0], "bold", width))
        for header, cell in zip(headers[1:], row[1:], strict=True):
            if cell:
                lines = text(f"{header}: {cell}", width=width - 2).plain.split("\n")
                parts += [Text(f"  {line}") for line in lines]
    return parts


def grid_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], width: int, **options: dict[str, Any]
) -> Table | None:
    """A table whose columns fit ``width`` with every word whole, cells wrapped to them;
    None when even the longest words do not fit side by side."""
    columns = list(zip(headers, *rows, strict=True))
    room = width - GAP * (len(columns) - 1)
    least = [longest_word(c) for c in columns]
    if sum(least) > room:
        return None
    sizes = share([longest_line(c) for c in columns], least, room)
    grid = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)
    for header, size in zip(headers, sizes, strict=True):
        grid.add_column(text(header, width=size), width=size, **options.get(header, {}))
    for row in rows:
        grid.add_row(*(text(c, width=size) for c, size in zip(row, sizes, strict=True)))
    return grid


def section_body(section: Section, width: int) -> Group:
    """One section without its links: a heading, its pairs, table and bullets."""
    parts: list = [text(section.title, "bold underline", width)]
    if section.pairs:
        label_width = min(28, longest_line(label for label, _ in section.pairs))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", width=label_width)
        grid.add_column(width=width - label_width - 2)
        for label, value in section.pairs:
            grid.add_row(text(label, width=label_width), text(value, width=width - label_width - 2))
        parts.append(grid)
    rows = [tuple(tight(c) for c in row) for row in section.rows]
    table = grid_table(section.headers, rows, width) if rows else None
    if table is not None:
        parts.append(table)
    elif rows:
        parts += blocks(section.headers, rows, width)
    if section.bullets:
        bullets = Table.grid(padding=(0, 1))
        bullets.add_column(width=1)
        bullets.add_column(width=width - 2)
        for line in section.bullets:
            bullets.add_row("•", text(line, width=width - 2))
        parts.append(bullets)
    return Group(*parts)


class TableRenderer:
    """Terminal tables that fit the width of the terminal."""

    def __init__(
        self, out: TextIO, fields: Sequence[str] | None = None, wide: bool = False
    ) -> None:
        self.console = console(out)
        self.wide = wide

    def findings(self, findings: Findings) -> None:
        from .pool_text import SOF_COLUMNS, sof_table, terminal_row

        rows, notes = sof_table(findings)
        width = self.console.width
        headers = [header for header, _, _ in SOF_COLUMNS]
        cells = [tuple(tight(c) for c in terminal_row(row)) for row in rows]
        self.console.print(text("Summary of findings (computed)", "bold", width))
        table = grid_table(headers, cells, width) if cells else None
        for part in [table] if table is not None else blocks(headers, cells, width):
            self.console.print(part)
        for note in notes:
            self.console.print(text(note, width=width))

    def pooled(self, result: PoolResult) -> None:
        from .pool_text import blocks

        for b in blocks(result, width=max(60, min(self.console.width, 120))):
            self.console.print(text(b.heading, "bold"))
            for line in b.forest:  # laid out to the width: never wrapped
                self.console.print(text(line), soft_wrap=True)
            for note in b.notes:
                self.console.print(text(note))
            self.console.print()

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
        keep, widths = self._fit(rows)
        grid = Table(
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            show_edge=False,
            collapse_padding=True,
            caption=text(LEVEL_LEGEND, width=self.console.width),
        )
        for n in keep:
            grid.add_column(
                text(cut(COMPACT[n], widths[n])),
                no_wrap=True,
                overflow="ellipsis",
                width=widths[n],
                style="bold" if n == 0 else "",
            )
        level, caution = SUMMARY_HEADERS.index("Level"), SUMMARY_HEADERS.index("Caution")
        for row, entry in zip(rows, entries, strict=True):
            cells = [text(cut(tight(c), widths[n])) for n, c in enumerate(row)]
            cells[2] = level_text(entry.summary[level], entry.summary[caution])
            grid.add_row(*(cells[n] for n in keep))
        self.console.print(grid)

    def _fit(self, rows: list[tuple[str, ...]]) -> tuple[list[int], list[int]]:
        """Which compact columns to show, and each one's width: the id and the level are never
        cut; a narrow terminal drops the headline, then the condition, then cuts the
        cautions (with …) — ``--wide`` and a pipe show everything."""
        widths = [max(len(h), *(len(r[n]) for r in rows)) for n, h in enumerate(COMPACT)]
        keep = [0, 1, 2, 3]

        def room() -> int:
            # each column but the first has a gap before it; rich keeps one more space at the end
            return self.console.width - sum(widths[n] for n in keep) - GAP * len(keep) - 1

        if room() < MIN_NARROW:  # no headline; no condition either if even that is too much
            if room() + GAP + widths[1] < 0:
                keep.remove(1)
            widths[3] = max(MIN_NARROW // 2, min(widths[3], widths[3] + room() + GAP))
            return keep, widths
        widths[4] = max(room(), 1)
        return [*keep, 4], widths

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
        return row["ID"], condition, level_word(row["Level"]), caution, row["Headline"]

    def _wide_list(self, entries: Sequence[Entry]) -> None:
        level = SUMMARY_HEADERS.index("Level")
        rows = [tuple(tight(c) for c in e.summary) for e in entries]
        rows = [(*r[:level], level_word(r[level]), *r[level + 1 :]) for r in rows]
        style: dict[str, dict[str, Any]] = {"ID": {"style": "bold"}, "Level": {"no_wrap": True}}
        grid = grid_table(SUMMARY_HEADERS, rows, self.console.width, **style)
        self.console.print(grid or Group(*blocks(SUMMARY_HEADERS, rows, self.console.width)))

    def study(self, entry: Entry) -> None:
        view = entry.show_view
        width = self.console.width
        head = [
            text(f"{view['title']}  ({view['id']})", "bold", width),
            text(view["headline"], "italic", width),
        ]
        if view.get("card"):
            head.append(text(view["card"], "bold", width))
        if view["summary"]:
            head += [Text(""), text(view["summary"], width=width)]
        self.console.print(Group(*head, Text("")))
        for section in view_sections(view):
            self.console.print(section_body(section, width))
            for label, url in section.links:  # URLs are never wrapped, so they stay clickable
                self.console.print(bullet(label, width))
                if url:
                    self.console.print(Text(f"  {visible(url)}"), soft_wrap=True)
            self.console.print()

    def comparison(self, comparison: Comparison) -> None:
        render_comparison(self.console, comparison, self.wide)
