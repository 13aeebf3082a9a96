"""The machine-readable record of a study: the descriptor's fields plus ``evidence``."""

from __future__ import annotations

import functools
import json
import types
import typing
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..analysis.comparisons import comparisons
from ..analysis.single_study import primary_rating, ratings
from ..errors import UsageError
from ..evidence.grading import assess
from ..synthesis.proportions import wilson

if TYPE_CHECKING:
    from ..model.descriptor import Study


COMPUTED = ("evidence", "comparisons")  # record fields computed from the descriptor


@functools.cache
def record_fields() -> tuple[str, ...]:
    """Top-level fields of a study record: the descriptor's, then the computed ones."""
    from ..model.descriptor import Study

    return (*Study.model_fields, *COMPUTED)


FIELDS_HELP = "help"  # --fields help: list the fields and exit


def field_names() -> list[str]:
    """Every name ``--fields`` accepts: top-level fields, then dotted sub-fields."""
    names = list(record_fields())
    return names + [f"{name}.{sub}" for name in names for sub in _sub_fields(name)]


def parse_fields(value: str | None) -> list[str] | None:
    """``"id,evidence.level"`` -> ``["id", "evidence.level"]``; an unknown name is a usage error."""
    if value is None:
        return None
    names = list(dict.fromkeys(name.strip() for name in value.split(",") if name.strip()))
    valid = field_names()
    unknown = [name for name in names if name not in valid]
    if unknown or not names:
        import difflib

        bad = ", ".join(repr(n) for n in unknown)
        close = difflib.get_close_matches(unknown[0], valid, n=1) if unknown else []
        hint = f"; did you mean {close[0]}?" if close else ""
        problem = f"unknown field(s) {bad} in --fields{hint}" if unknown else "--fields is empty"
        raise UsageError(
            f"{problem} "
            f"(valid fields: {', '.join(record_fields())}, and dotted sub-fields such as "
            "evidence.level; see --fields help)"
        )
    return names


def computed(outcome: Any) -> dict[str, Any] | None:
    """What stemcell computes for an outcome (a proportion and its Wilson interval from
    counts), labelled with its method; None when it computes nothing."""
    if not outcome.counts:
        return None
    events, total = outcome.counts.events, outcome.counts.total
    low, high = wilson(events, total)
    return {
        "proportion": round(events / total, 6),
        "interval": {
            "lower": round(low, 6),
            "upper": round(high, 6),
            "level": 95,
            "method": "Wilson score",
        },
    }


EVIDENCE_FIELDS = ("level", "starting_point", "primary_outcome_certainty", "flags")


def study_record(study: Study) -> dict[str, Any]:
    """A JSON-ready dict: every descriptor field (null when absent), the evidence, and in each
    outcome with counts a ``computed`` object (the figures the tables show as computed).

    Each comparison carries its ``certainty``: the rating `pool` gives that outcome as a body
    of evidence of this one study (null when none is computed). ``evidence`` keeps the design's
    GRADE ``starting_point`` apart from the ``primary_outcome_certainty`` (null when there is
    nothing to rate)."""
    record = study.model_dump(mode="json")
    for outcome, data in zip(study.outcomes, record["outcomes"], strict=True):
        if figures := computed(outcome):
            data["computed"] = figures
    assessed = assess(study)
    record["evidence"] = {}
    record["comparisons"] = comparisons(study)
    for comparison, rating in zip(record["comparisons"], ratings(record), strict=True):
        comparison["certainty"] = rating
    record["evidence"] = {
        "level": assessed.level,
        "starting_point": assessed.certainty,
        "primary_outcome_certainty": primary_rating(record),
        "flags": assessed.as_dict()["flags"],
    }
    return record


def descriptor_fields(record: dict[str, Any]) -> dict[str, Any]:
    """A record without what stemcell added: the descriptor's own fields."""
    fields = {k: v for k, v in record.items() if k not in COMPUTED}
    fields["outcomes"] = [
        {k: v for k, v in o.items() if k != "computed"} for o in fields.get("outcomes") or []
    ]
    return fields


def select_fields(record: dict[str, Any], fields: Sequence[str] | None) -> dict[str, Any]:
    """The record with only ``fields`` (all of it when None); a dotted name keeps that key of
    its object (``evidence.level`` -> ``{"evidence": {"level": 4}}``), as a jq path would."""
    if fields is None:
        return record
    selected: dict[str, Any] = {}
    for name in fields:
        key, _, sub = name.partition(".")
        if not sub:
            selected[key] = record[key]
        elif not isinstance(selected.get(key, {}), dict) or key in fields:
            continue  # the whole object is selected already
        else:
            value = record[key]
            part = selected.setdefault(key, {} if value is not None else None)
            if part is not None:
                part[sub] = value.get(sub)
    return selected


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

    from ..model.descriptor import Study

    if name == "evidence":
        return list(EVIDENCE_FIELDS)
    if name in COMPUTED:
        return []
    annotation = Study.model_fields[name].annotation
    if annotation is None:
        return []
    is_model = lambda t: isinstance(t, type) and issubclass(t, BaseModel)  # noqa: E731
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):  # Model | None
        annotation = next((t for t in typing.get_args(annotation) if is_model(t)), annotation)
    return list(annotation.model_fields) if is_model(annotation) else []


def csv_columns(fields: Sequence[str] | None) -> list[str]:
    """CSV header: top-level fields, mappings spread into dotted columns (``design.type``)."""
    columns: list[str] = []
    for name in fields or record_fields():
        subs = [] if "." in name else _sub_fields(name)
        columns += [f"{name}.{sub}" for sub in subs] if subs else [name]
    return list(dict.fromkeys(columns))


def flat_record(record: dict[str, Any], columns: Sequence[str]) -> dict[str, str]:
    """A record as one CSV row with the given columns."""
    row = {}
    for column in columns:
        key, _, sub = column.partition(".")
        value = record.get(key)
        row[column] = flat_cell((value or {}).get(sub) if sub else value)
    return row
