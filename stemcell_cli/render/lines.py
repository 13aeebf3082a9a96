"""Listings through a pipe: one line per study, tab-separated full values, no header (as gh).

What ``list`` and ``filter`` write when stdout is not a terminal and no ``--format`` was
asked for, so ``grep``, ``cut -f`` and ``sort`` see whole values; the count stays on stderr.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

from ..evidence.grading import level_label
from ..safe import one_line, visible
from ..views.listing import SUMMARY_HEADERS

if TYPE_CHECKING:
    from ..store.entry import Entry

LEVEL = SUMMARY_HEADERS.index("Level")


def field(value: str) -> str:
    """A value on one line, without tabs, unsafe characters shown as escapes."""
    return visible(one_line(value) or "")


def study_lines(entries: Iterable[Entry], out: TextIO) -> None:
    """Each study's summary row as one tab-separated line (the level as ``level 4 · weak``)."""
    for entry in entries:
        row = list(entry.summary)
        row[LEVEL] = level_label(row[LEVEL])
        row = ["" if cell == "—" else cell for cell in row]  # no caution: an empty field
        out.write("\t".join(field(cell) for cell in row) + "\n")
