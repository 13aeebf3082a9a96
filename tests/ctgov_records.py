"""Minimal API v2 study records for tests, built field by field (made-up NCT9xxxxxxx ids)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Arm = tuple[str, str, Sequence[str]]  # type, label, interventionNames ("Drug: Placebo")


def record(
    nct: str = "NCT90000010",
    *,
    status: str = "COMPLETED",
    study_type: str | None = "INTERVENTIONAL",
    allocation: str | None = "RANDOMIZED",
    masking: str = "TRIPLE",
    model: str | None = None,
    arms: Sequence[Arm] = (
        ("PLACEBO_COMPARATOR", "Placebo", ["Drug: Placebo"]),
        ("EXPERIMENTAL", "Cells", ["Biological: Cells"]),
    ),
    interventions: Sequence[dict[str, Any]] | None = None,
    enrollment: tuple[int, str] | None = (120, "ACTUAL"),
    results: dict[str, Any] | None = None,
    why_stopped: str | None = None,
    conditions: Sequence[str] = ("Asthma",),
    keywords: Sequence[str] = (),
    primary: Sequence[str] = ("Lung function",),
    dates: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A study record; ``study_type=None`` leaves the designModule out entirely."""
    if interventions is None:
        interventions = [
            {"type": kind.upper(), "name": name, "armGroupLabels": [label]}
            for _, label, names in arms
            for kind, _, name in (n.partition(": ") for n in names)
        ]
    status_module: dict[str, Any] = {
        "overallStatus": status,
        "startDateStruct": {"date": "2020-01"},
        **{f"{k}DateStruct": {"date": v} for k, v in (dates or {}).items()},
    }
    if why_stopped:
        status_module["whyStopped"] = why_stopped
    protocol: dict[str, Any] = {
        "identificationModule": {"nctId": nct, "briefTitle": f"Trial {nct}"},
        "statusModule": status_module,
        "conditionsModule": {"conditions": list(conditions), "keywords": list(keywords)},
        "armsInterventionsModule": {
            "armGroups": [
                {"label": label, "type": kind, "interventionNames": list(names)}
                for kind, label, names in arms
            ],
            "interventions": list(interventions),
        },
        "outcomesModule": {
            "primaryOutcomes": [{"measure": m, "timeFrame": "12 months"} for m in primary]
        },
    }
    if study_type is not None:
        design: dict[str, Any] = {
            "studyType": study_type,
            "phases": ["PHASE2"],
            "designInfo": {"maskingInfo": {"masking": masking}},
        }
        if allocation:
            design["designInfo"]["allocation"] = allocation
        if model:
            design["designInfo"]["interventionModel"] = model
        if enrollment:
            design["enrollmentInfo"] = {"count": enrollment[0], "type": enrollment[1]}
        protocol["designModule"] = design
    out: dict[str, Any] = {"protocolSection": protocol, "hasResults": results is not None}
    if results is not None:
        out["resultsSection"] = results
    return out


def flow(groups: Sequence[tuple[str, int]]) -> dict[str, Any]:
    """A participant flow whose groups (title, number started) are FG000, FG001, ..."""
    ids = [f"FG{i:03d}" for i in range(len(groups))]
    return {
        "participantFlowModule": {
            "groups": [{"id": i, "title": t} for i, (t, _) in zip(ids, groups, strict=True)],
            "periods": [
                {
                    "title": "Overall Study",
                    "milestones": [
                        {
                            "type": "STARTED",
                            "achievements": [
                                {"groupId": i, "numSubjects": str(n)}
                                for i, (_, n) in zip(ids, groups, strict=True)
                            ],
                        }
                    ],
                }
            ],
        }
    }


POSTED = flow([("Placebo", 60), ("Cells", 60)])  # minimal posted results
