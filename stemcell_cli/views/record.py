"""The machine-readable record of a study: the descriptor's fields plus ``evidence``."""

from __future__ import annotations

import functools
import json
import types
import typing
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..evidence import assess

if TYPE_CHECKING:
    from ..models import Study


@functools.cache
def record_fields() -> tuple[str, ...]:
    """Top-level fields of a study record: the descriptor's, then ``evidence``."""
    from ..models import Study

    return (*Study.model_fields, "evidence")


def parse_fields(value: str | None) -> list[str] | None:
    """``"id,evidence"`` -> ``["id", "evidence"]``; an unknown name is a usage error."""
    if value is None:
        return None
    names = list(dict.fromkeys(name.strip() for name in value.split(",") if name.strip()))
    unknown = [name for name in names if name not in record_fields()]
    valid = f"valid fields: {', '.join(record_fields())}"
    if not names:
        raise UsageError(f"--fields needs at least one field name, e.g. --fields id,title; {valid}")
    if unknown:
        bad = ", ".join(repr(n) for n in unknown)
        raise UsageError(f"unknown field(s) {bad} in --fields; {valid}")
    return names


def study_record(study: Study) -> dict[str, Any]:
    """A JSON-ready dict: every descriptor field (null when absent) and the evidence."""
    record = study.model_dump(mode="json")
    record["evidence"] = assess(study).as_dict()
    return record


def select_fields(record: dict[str, Any], fields: Sequence[str] | None) -> dict[str, Any]:
    """The record with only ``fields`` (all of it when None)."""
    return record if fields is None else {name: record[name] for name in fields}


def flat_cell(value: Any) -> str:
    """A CSV cell: text as is, lists of text joined by '; ', anything nested as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "; ".join(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _sub_fields(name: str) -> list[str]:
    """Sub-field names of a top-level field that holds a mapping, else []."""
    from pydantic import BaseModel

    from ..models import Study

    if name == "evidence":
        return ["level", "certainty", "flags"]
    annotation = Study.model_fields[name].annotation
    is_model = lambda t: isinstance(t, type) and issubclass(t, BaseModel)  # noqa: E731
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):  # Model | None
        annotation = next((t for t in typing.get_args(annotation) if is_model(t)), annotation)
    return list(annotation.model_fields) if is_model(annotation) else []


def csv_columns(fields: Sequence[str] | None) -> list[str]:
    """CSV header: top-level fields, mappings spread into dotted columns (``design.type``)."""
    columns: list[str] = []
    for name in fields or record_fields():
        subs = _sub_fields(name)
        columns += [f"{name}.{sub}" for sub in subs] if subs else [name]
    return columns


def flat_record(record: dict[str, Any], columns: Sequence[str]) -> dict[str, str]:
    """A record as one CSV row with the given columns."""
    row = {}
    for column in columns:
        key, _, sub = column.partition(".")
        value = record.get(key)
        row[column] = flat_cell((value or {}).get(sub) if sub else value)
    return row
