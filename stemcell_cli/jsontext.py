"""JSON text as stemcell writes it: strict (no NaN), UTF-8, unsafe characters escaped; big
arrays written as they are made (:class:`Streamed`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .safe import json_escaped

COMPACT = (",", ":")


def dumps(value: Any, indent: int | None = None) -> str:
    """Strict JSON text: UTF-8, no NaN or Infinity, terminal-unsafe characters escaped."""
    import json  # here: listing stored records needs no JSON module

    text = json.dumps(
        value,
        ensure_ascii=False,
        allow_nan=False,
        indent=indent,
        separators=None if indent else COMPACT,
    )
    return json_escaped(text)


class Streamed:
    """An array of a JSON document written item by item as ``items`` gives them (never held
    whole): the studies of a pool over 100,000 of them."""

    __slots__ = ("items",)

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items


def write(out: Callable[[str], object], value: Any, indent: int | None = None) -> None:
    """``value`` as :func:`dumps` spells it, written piece by piece to ``out``: the parts
    holding a :class:`Streamed` array structurally, the rest whole."""
    if isinstance(value, Streamed):
        _array(out, value.items, indent, 0)
    else:
        _write(out, value, indent, 0)


def _write(out: Callable[[str], object], value: Any, indent: int | None, level: int) -> None:
    if isinstance(value, Streamed):
        _array(out, value.items, indent, level)
    elif isinstance(value, dict | list) and _streams(value):
        pad, end, key = _layout(indent, level)
        items = value.items() if isinstance(value, dict) else value
        out("{" if isinstance(value, dict) else "[")
        for i, item in enumerate(items):
            out(("," if i else "") + pad)
            if isinstance(value, dict):
                out(dumps(item[0]) + key)
                item = item[1]
            _write(out, item, indent, level + 1)
        out(end + ("}" if isinstance(value, dict) else "]"))
    else:
        text = dumps(value, indent)
        out(text if not indent or not level else text.replace("\n", "\n" + " " * indent * level))


def _array(
    out: Callable[[str], object], items: Iterable[Any], indent: int | None, level: int
) -> None:
    pad, end, _ = _layout(indent, level)
    empty = True
    for item in items:
        out(("[" if empty else ",") + pad)
        _write(out, item, indent, level + 1)
        empty = False
    out("[]" if empty else end + "]")


def _layout(indent: int | None, level: int) -> tuple[str, str, str]:
    """(before each item, before the closing bracket, between a key and its value)."""
    if not indent:
        return "", "", ":"
    return "\n" + " " * indent * (level + 1), "\n" + " " * indent * level, ": "


def _streams(value: Any) -> bool:
    """Whether a Streamed array is somewhere in ``value``."""
    if isinstance(value, Streamed):
        return True
    if isinstance(value, dict):
        return any(_streams(v) for v in value.values())
    if isinstance(value, list):
        return any(_streams(v) for v in value)
    return False
