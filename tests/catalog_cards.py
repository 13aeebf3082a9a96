"""Reading bundled studies the way a user does: `stemcell show ID --json`, parsed once per id."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from conftest import invoke


@cache
def card(study_id: str) -> dict[str, Any]:
    """The JSON card of a bundled study, as `stemcell show ID --json` prints it."""
    result = invoke("show", study_id, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def outcome(study_id: str, measure: str, group: str | None, timepoint: str | None) -> dict:
    """The one outcome of a study with this measure, group and timepoint."""
    found = [
        o
        for o in card(study_id)["outcomes"]
        if (o["measure"], o["group"], o["timepoint"]) == (measure, group, timepoint)
    ]
    assert len(found) == 1, f"{study_id}: {len(found)} outcomes {measure!r} {group!r} {timepoint!r}"
    return found[0]


def arms(study_id: str) -> list[tuple[str, int | None]]:
    """(key, n) of each arm, in order."""
    return [(a["key"], a["n"]) for a in card(study_id)["arms"]]


def counts(row: dict) -> tuple[int, int]:
    """(events, total) of an outcome's counts."""
    return row["counts"]["events"], row["counts"]["total"]


def effect(row: dict) -> tuple[str, float, float | None, float | None]:
    """(measure, value, lower, upper) of an outcome's published effect."""
    eff = row["effect"]
    interval = eff["interval"] or {}
    return eff["measure"], eff["value"], interval.get("lower"), interval.get("upper")


def secondary_keys(study_id: str) -> set[str]:
    """Keys of the sources a study marks secondary."""
    return {s["key"] for s in card(study_id)["sources"] if s["secondary"]}


def listed(condition: str) -> set[str]:
    """Ids of the studies `stemcell list --condition CONDITION --json` prints."""
    result = invoke("list", "--condition", condition, "--json")
    assert result.exit_code == 0, result.stderr
    return {row["id"] for row in json.loads(result.stdout)}
