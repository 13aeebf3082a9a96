"""Real ClinicalTrials.gov API v2 records kept in tests/fixtures/ctgov/ (see its README for
where each came from), and records derived from them for shapes no real record was found of.

A derived record is a deep copy of a real one with only the listed changes; every test that
uses one says which changes it made. Nothing here is a made-up record presented as real.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures" / "ctgov"

# real records (excerpts: whole modules copied unchanged, others left out)
VACCINE_VIALS = "real-NCT03722472-excerpt.json"  # randomized, same vaccine in one or two vials
DIET_COHORT = "real-NCT06323538-excerpt.json"  # observational prospective cohort, four diets
FIELD_FILTERED = "real-NCT07062965-excerpt.json"  # a search result with a field filter
WITHDRAWN_COHORT = "real-NCT01511679-excerpt.json"  # observational, withdrawn, 0 enrolled
DIETS = "real-NCT03058679-excerpt.json"  # two diets head to head, one shared intervention
GCSF_DOSES = "real-NCT05531279-excerpt.json"  # three arms, one registered drug, other schedules
GENISTEIN = "real-NCT01126879-excerpt.json"  # results groups named unlike the arms
KINESIOTAPE = "real-NCT05013879-excerpt.json"  # NO_INTERVENTION arm given standard rehabilitation
REPAGLINIDE = "ctgov-v2-NCT00763412.json"  # randomized placebo-controlled, with results
CZP_ANALYSIS = "aact-analysis-czp-placebo.json"  # one posted analysis ("Odds ratio: CZP/Placebo")


def real(name: str) -> dict[str, Any]:
    """A fresh copy of a fixture, as stored."""
    return copy.deepcopy(json.loads((FIXTURES / name).read_text(encoding="utf-8")))


def protocol(record: dict[str, Any], module: str) -> dict[str, Any]:
    """``record["protocolSection"][module]``."""
    return record["protocolSection"][module]


def arms(record: dict[str, Any]) -> list[dict[str, Any]]:
    return protocol(record, "armsInterventionsModule")["armGroups"]


def interventions(record: dict[str, Any]) -> list[dict[str, Any]]:
    return protocol(record, "armsInterventionsModule")["interventions"]


def relabel(record: dict[str, Any], old: str, new: str) -> None:
    """Rename an arm, in its group and in the interventions that name it."""
    for arm in arms(record):
        if arm["label"] == old:
            arm["label"] = new
    for item in interventions(record):
        labels = item.get("armGroupLabels", [])
        item["armGroupLabels"] = [new if label == old else label for label in labels]


def drop_arm(record: dict[str, Any], label: str) -> None:
    """Remove an arm, and its label from the interventions."""
    module = protocol(record, "armsInterventionsModule")
    module["armGroups"] = [a for a in module["armGroups"] if a["label"] != label]
    for item in module["interventions"]:
        item["armGroupLabels"] = [x for x in item.get("armGroupLabels", []) if x != label]


def give(record: dict[str, Any], label: str, kind: str, name: str) -> None:
    """Register one more intervention (``kind: name``) for the arm ``label``."""
    for arm in arms(record):
        if arm["label"] == label:
            arm["interventionNames"] = [*arm.get("interventionNames", []), f"{kind}: {name}"]
    for item in interventions(record):
        if item["name"] == name:
            item["armGroupLabels"] = [*item.get("armGroupLabels", []), label]
            return
    interventions(record).append({"type": kind.upper(), "name": name, "armGroupLabels": [label]})


def take_away(record: dict[str, Any], label: str) -> None:
    """The arm ``label`` receives no registered intervention any more."""
    for arm in arms(record):
        if arm["label"] == label:
            arm.pop("interventionNames", None)
    for item in interventions(record):
        item["armGroupLabels"] = [x for x in item.get("armGroupLabels", []) if x != label]
    module = protocol(record, "armsInterventionsModule")
    module["interventions"] = [i for i in module["interventions"] if i["armGroupLabels"]]
