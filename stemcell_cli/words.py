"""Lists in words that stay short however many items there are."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

SHOWN = 10  # items named in a list before the rest are counted


def listed(items: Iterable[str], sep: str = ", ", shown: int = SHOWN, more: str = "more") -> str:
    """The items joined by ``sep``, the first ``shown`` of them named and the rest counted:
    ``a, b, c and 9,997 more``. A sequence is counted by its length, not read through."""
    named: list[str]
    if isinstance(items, Sequence):
        named, rest = list(items[:shown]), max(0, len(items) - shown)
    else:
        named, rest = [], 0
        for item in items:
            if len(named) < shown:
                named.append(item)
            else:
                rest += 1
    return sep.join(named) + (f" and {rest:,} {more}" if rest else "")
