"""What ``--update`` tracks in a descriptor, and the imported values kept in its header.

An imported file carries, in a comment line of its header, the tracked values as they were
imported (``# stemcell-imported: {...}``, JSON with ASCII escapes: one line whatever the
registry text). Being a comment, the catalog never reads it; ``--update`` compares the new
record with it, not with a file a curator may have edited, and reports hand edits apart.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from .record import Record

IMPORTED_LINE = "# stemcell-imported: "
_IMPORTED = re.compile(r"^# stemcell-imported: (\{[^\n]{0,65536}\})$", re.MULTILINE)


def _enrollment(d: Record) -> str | None:
    n = d.get("population.n")
    kind = d.get("population.n_type")
    return None if n is None else f"{n}" + (f" {kind}" if kind else "")


def _primary(d: Record) -> list[str] | None:
    found = sorted({o.text("measure", 300) or "" for o in d.objs("outcomes") if o.get("primary")})
    return found or None


def _at(path: str) -> Callable[[Record], Any]:
    return lambda d: d.get(path)


# what a curator wants to hear about: label -> how to read it from a descriptor
TRACKED: dict[str, Callable[[Record], Any]] = {
    "status": _at("registration.status"),
    "design": _at("design.type"),
    "control": _at("design.control"),
    "enrollment": _enrollment,
    "results": _at("results"),
    "start date": _at("registration.start_date"),
    "primary completion": _at("registration.primary_completion"),
    "completion": _at("registration.completion"),
    "why stopped": _at("registration.why_stopped"),
    "primary outcomes": _primary,
}


def tracked(descriptor: Record) -> dict[str, Any]:
    """The tracked values of a descriptor, by label."""
    return {label: read(descriptor) for label, read in TRACKED.items()}


def imported_line(descriptor: Mapping[str, Any]) -> str:
    """The header line keeping the tracked values as imported (ends with a newline)."""
    values = json.dumps(tracked(Record(dict(descriptor))), ensure_ascii=True, separators=(",", ":"))
    return f"{IMPORTED_LINE}{values}\n"


def imported_values(text: str) -> dict[str, Any] | None:
    """The tracked values as imported, from a file's header; None when the line is missing or
    is not what stemcell wrote (then nothing is known of the import)."""
    header = "\n".join(itertools.takewhile(lambda line: line.startswith("#"), text.split("\n")))
    found = _IMPORTED.search(header)
    if found is None:
        return None
    try:
        values = json.loads(found.group(1))
    except (ValueError, RecursionError):
        return None
    if not isinstance(values, dict) or set(values) != set(TRACKED):
        return None
    return values
