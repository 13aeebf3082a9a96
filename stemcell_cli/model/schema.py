"""The published JSON Schema: pydantic's output turned into standard Draft 2020-12.

pydantic writes some constraints with its own names (``ge``, ``le``, ``gt``, ``lt`` on numbers
inside a union); editors and validators ignore those, so they become ``minimum``,
``maximum``, ``exclusiveMinimum`` and ``exclusiveMaximum``. The ``$id`` names the schema and
its version; it is an identifier, not a download address (``.invalid`` never resolves): save
the schema with ``stemcell schema > study.schema.json`` and point an editor at that file.
"""

from __future__ import annotations

from typing import Any

from .vocab import SCHEMA_VERSION

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = f"https://stemcell.invalid/schema/study-{SCHEMA_VERSION}.json"
SCHEMA_FILE = "study.schema.json"  # where the README and ``stemcell new`` suggest saving it
_STANDARD_NAMES = {
    "ge": "minimum",
    "le": "maximum",
    "gt": "exclusiveMinimum",
    "lt": "exclusiveMaximum",
}
_NAMED_MAPS = {"properties", "$defs", "patternProperties"}  # their keys are names, not keywords


def _standardize(node: Any) -> Any:
    if isinstance(node, list):
        return [_standardize(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in _NAMED_MAPS and isinstance(value, dict):
            out[key] = {name: _standardize(sub) for name, sub in value.items()}
        else:
            out[_STANDARD_NAMES.get(key, key)] = _standardize(value)
    return out


def standard(schema: dict) -> dict:
    """The schema with standard keywords, a ``$schema`` dialect and an ``$id`` first."""
    return {"$schema": DIALECT, "$id": SCHEMA_ID, **_standardize(schema)}
