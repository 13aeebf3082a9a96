"""JSON text as stemcell writes it: strict (no NaN), UTF-8, unsafe characters escaped."""

from __future__ import annotations

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
