"""Fitting text into terminal columns without ever splitting a word, an id or a number.

Columns are sized here (at least their longest word, the rest shared out) and cells are
wrapped here, at spaces only, with a number kept with the word after it (``74.4 months``,
``95% CI``) and a relation with its number (``= 0.002``); rich then prints lines that already
fit, so it never has to break anything itself.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Sequence

from rich.text import Text

from ..safe import visible

_SPACED_PERCENT = re.compile(r"(?<=\d) %")
_SPACED_N = re.compile(r"\bn = (?=\d)")
# a number and the word after it (74.4 months, 5 y, 95% CI), a relation with its number and
# its one-letter name (p = 0.002)
_GLUE = re.compile(
    r"(?<=\d) (?=[^\W\d_])|(?<=\d%) (?=[^\W\d_])|(?<=[=<>]) (?=\d)|(?<=\b[^\W\d_]) (?=[=<>])"
)
_SPACES = re.compile(r"[ \t\n]+")
NBSP = "\u00a0"  # textwrap breaks at ASCII whitespace only, so this holds a pair together
CELL_PADDING = 2  # one space on each side of a table cell


def tight(text: str) -> str:
    """A number keeps its percent sign and a count its n: ``85.5 %`` -> ``85.5%``,
    ``(n = 122)`` -> ``(n=122)``."""
    return _SPACED_N.sub("n=", _SPACED_PERCENT.sub("%", text))


def _glued(text: str) -> str:
    return _GLUE.sub(NBSP, text)


def longest_word(texts: Iterable[str]) -> int:
    """The width of the widest unbreakable piece (a word, or a number and its unit)."""
    return max((len(w) for text in texts for w in _SPACES.split(_glued(text))), default=0)


def longest_line(texts: Iterable[str]) -> int:
    """The width of the widest line of any of the texts."""
    return max((len(line) for text in texts for line in text.split("\n")), default=0)


def wrap(text: str, width: int) -> str:
    """``text`` wrapped to ``width`` at spaces only, numbers kept with their units; a piece
    wider than ``width`` stays whole on a line of its own."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        glued = _glued(paragraph)
        lines += textwrap.wrap(
            glued, max(width, 1), break_long_words=False, break_on_hyphens=False
        ) or [""]
    return "\n".join(lines).replace(NBSP, " ")


def share(natural: Sequence[int], least: Sequence[int], room: int) -> list[int]:
    """Column widths: each at least ``least``, never above ``natural``, together at most
    ``room`` (when the least widths fit), the spare shared out in proportion to what each
    column still wants."""
    sizes = list(least)
    spare = room - sum(sizes)
    while spare > 0:
        wants = [max(0, n - s) for n, s in zip(natural, sizes, strict=True)]
        total = sum(wants)
        if not total:
            break
        given = 0
        for i, want in enumerate(wants):
            add = min(want, max(1, spare * want // total) if want else 0, spare - given)
            sizes[i] += add
            given += add
        spare -= given
        if not given:
            break
    return sizes


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


def text(value: str, style: str = "", width: int | None = None) -> Text:
    """Data as literal text: no markup, no emoji codes, no control characters; wrapped to
    ``width`` (numbers kept with their units) when given."""
    value = visible(tight(value))
    return Text(value if width is None else wrap(value, width), style=style)
