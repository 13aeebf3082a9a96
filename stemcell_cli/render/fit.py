"""Fitting text into terminal columns without ever splitting a word, an id or a number.

rich wraps text at spaces and only breaks a word that is wider than its column; these
helpers size columns so that never happens, and say when something cannot fit at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_SPACED_PERCENT = re.compile(r"(?<=\d) %")
_SPACED_N = re.compile(r"\bn = (?=\d)")
CELL_PADDING = 2  # one space on each side of a table cell


def tight(text: str) -> str:
    """A number keeps its percent sign and a count its n: ``85.5 %`` -> ``85.5%``,
    ``(n = 122)`` -> ``(n=122)``."""
    return _SPACED_N.sub("n=", _SPACED_PERCENT.sub("%", text))


def longest_word(texts: Iterable[str]) -> int:
    """The width of the widest word (text between spaces) in any of the texts."""
    return max((len(word) for text in texts for word in text.split()), default=0)


def groups(widths: Sequence[int], room: int) -> list[list[int]]:
    """Indexes of columns, in order, in groups whose widths (plus padding) fit in ``room``.

    A column wider than ``room`` gets a group of its own.
    """
    result: list[list[int]] = []
    used = room + 1
    for i, width in enumerate(widths):
        if used + width + CELL_PADDING > room:
            result.append([])
            used = 0
        result[-1].append(i)
        used += width + CELL_PADDING
    return result
