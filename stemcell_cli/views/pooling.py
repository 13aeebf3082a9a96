"""The pooling view: a study's record cut to what ``pool`` reads (the study's kind and design,
and its comparisons without their computed effects and notes), so that pooling a large
catalog parses a few hundred bytes per study rather than its whole record.

:func:`stemcell_cli.analysis.contributions.gather` reads this view and the whole record alike;
``--by`` reads the whole record (it may name any field)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

COMPARISON = ("outcome", "key", "timepoint", "kind", "computed", "reason", "published")
COMPARISON_IF_SET = ("secondary", "events_are")
ARM = ("group", "events", "total", "mean", "sd", "n", "measured_as")
FOLLOW_UP = ("months", "statistic", "schedule")


def pooling_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record's fields that pooling reads, as the record has them."""
    design = record["design"]
    follow_up = design.get("follow_up") or {}
    return {
        "id": record["id"],
        "title": record["title"],
        "kind": record["kind"],
        "design": {
            "type": design["type"],
            "allocation": design["allocation"],
            "follow_up": {k: follow_up[k] for k in FOLLOW_UP if k in follow_up},
        },
        "comparisons": [_comparison(c) for c in record["comparisons"]],
    }


def _comparison(c: Mapping[str, Any]) -> dict[str, Any]:
    kept = {k: c[k] for k in COMPARISON} | {k: c[k] for k in COMPARISON_IF_SET if k in c}
    for side in ("experimental", "comparator"):
        arm = c.get(side)
        kept[side] = {k: arm[k] for k in ARM if k in arm} if arm else arm
    domains = c["risk_of_bias"]["domains"]
    kept["risk_of_bias"] = {
        "domains": {name: {"judgement": d["judgement"]} for name, d in domains.items()}
    }
    return kept
