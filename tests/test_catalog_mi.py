"""The bone-marrow-cell trials after myocardial infarction: each study's key figures as the facts
sheet (FACTS-bmc-myocardial-infarction.md) gives them, read back through ``stemcell show --json``,
so an edit that changes a number fails; and the topic found and pooled as a user asks for it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import BUNDLED, invoke

# id -> participants, {arm key: n}, control, masking
DESIGN: dict[str, tuple[int, dict[str, int | None], str, str]] = {
    "ami-repair": (204, {"cells": 101, "placebo": 103}, "placebo", "DOUBLE"),
    "ami-boost": (60, {"cells": 30, "control": 30}, "standard-care", "SINGLE"),
    "ami-astami": (100, {"cells": 50, "control": 50}, "untreated", "NONE"),
    "ami-time": (120, {"cells": 79, "placebo": 41}, "placebo", "QUADRUPLE"),
    "ami-latetime": (87, {"cells": 58, "placebo": 29}, "placebo", "QUADRUPLE"),
    "ami-bami": (375, {"cells": 185, "control": 190}, "standard-care", "NONE"),
    "ami-regenerate": (100, {"cells": 55, "placebo": 45}, "placebo", "DOUBLE"),
    "ami-boost-2": (
        153,
        {
            "placebo": None,
            "high-dose": None,
            "low-dose": None,
            "irradiated-high-dose": None,
            "irradiated-low-dose": None,
        },
        "placebo",
        "DOUBLE",
    ),
    "ami-hebe": (
        200,
        {"bone-marrow": 69, "peripheral-blood": 66, "control": 65},
        "standard-care",
        "SINGLE",
    ),
    "ami-swiss": (200, {"early": None, "late": None, "control": None}, "standard-care", "NONE"),
    "ami-leuven": (67, {"cells": 33, "placebo": 34}, "placebo", "DOUBLE"),
}

# id -> the primary outcome's rows: (group, figure), where a figure is
# ("mean", value, sd, n), ("counts", events, total), ("effect", measure, value, lower, upper)
# or ("words", source key) for a result known only in words
PRIMARY: dict[str, list[tuple[str, tuple[Any, ...]]]] = {
    "ami-repair": [("cells", ("mean", 5.5, 7.3, 95)), ("placebo", ("mean", 3.0, 6.5, 92))],
    "ami-boost": [("cells", ("mean", 6.7, None, None)), ("control", ("mean", 0.7, None, None))],
    "ami-astami": [
        ("cells vs control", ("words", "catalogue")),
        ("cells vs control", ("words", "lessons")),
    ],
    "ami-time": [
        ("cells", ("mean", 3.1, None, 75)),
        ("placebo", ("mean", 3.3, None, 37)),
        ("cells vs placebo", ("words", "paper")),
    ],
    "ami-latetime": [("cells vs placebo", ("words", "editorial"))],
    "ami-bami": [
        ("cells", ("counts", 6, 185)),
        ("control", ("counts", 7, 190)),
        ("cells vs control", ("words", "acc")),
    ],
    "ami-regenerate": [
        ("cells vs placebo", ("effect", "mean-difference", 2.2, -0.5, 5.0)),
        ("cells", ("mean", 5.1, None, None)),
        ("placebo", ("mean", 2.8, None, None)),
    ],
    "ami-boost-2": [
        ("high-dose", ("mean", 4.3, None, None)),
        ("placebo", ("mean", 3.3, None, None)),
        ("high-dose vs placebo", ("effect", "mean-difference", 1.0, -2.6, 4.7)),
        ("low-dose vs placebo", ("effect", "mean-difference", 0.5, -3.0, 4.1)),
        ("irradiated cells vs placebo", ("words", "paper")),
    ],
    "ami-hebe": [
        ("bone-marrow", ("mean", 38.6, 24.7, None)),
        ("control", ("mean", 42.4, 18.7, None)),
        ("peripheral-blood", ("mean", 36.8, 20.9, None)),
    ],
    "ami-swiss": [("cells vs control", ("words", "paper"))],
    "ami-leuven": [("cells vs placebo", ("words", "nature"))],
}

# id -> all-cause deaths per arm at the longest follow-up: timepoint, {group: (events, total)}
DEATHS: dict[str, tuple[str, dict[str, tuple[int, int]]]] = {
    "ami-bami": ("2 years", {"cells": (6, 185), "control": (7, 190)}),
    "ami-repair": ("5 years", {"cells": (7, 101), "placebo": (15, 103)}),
    "ami-boost": ("about 5 years (61 (SD 11) months)", {"cells": (2, 30), "control": (2, 30)}),
    "ami-latetime": ("6 months", {"cells": (0, 58), "placebo": (1, 29)}),
    "ami-regenerate": ("5 years", {"cells": (3, 46), "placebo": (0, 39)}),
}

HF_HOSPITALISATION = {
    "ami-bami": {"cells": (5, 185), "control": (15, 190)},
    "ami-repair": {"cells": (5, 101), "placebo": (9, 103)},
}

MI_IDS = sorted(DESIGN)


def shown(study_id: str) -> dict[str, Any]:
    result = invoke("show", study_id, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def figure(outcome: dict[str, Any]) -> tuple[Any, ...]:
    if outcome["counts"]:
        return ("counts", outcome["counts"]["events"], outcome["counts"]["total"])
    if outcome["estimate"]:
        e = outcome["estimate"]
        return ("mean", e["value"], e["sd"], e["n"])
    if outcome["effect"]:
        e = outcome["effect"]
        interval = e["interval"] or {}
        return ("effect", e["measure"], e["value"], interval.get("lower"), interval.get("upper"))
    return ("words", outcome["source"])


@pytest.fixture(scope="module")
def studies() -> dict[str, dict[str, Any]]:
    return {study_id: shown(study_id) for study_id in MI_IDS}


def test_every_trial_on_the_sheet_is_in_the_catalog() -> None:
    assert {p.stem for p in BUNDLED.glob("ami-*.yaml")} == set(MI_IDS)


@pytest.mark.parametrize("study_id", MI_IDS)
def test_design_arms_and_participants(studies: dict[str, dict[str, Any]], study_id: str) -> None:
    study = studies[study_id]
    n, arms, control, masking = DESIGN[study_id]
    assert study["population"]["n"] == n
    assert {a["key"]: a["n"] for a in study["arms"]} == arms
    assert study["design"]["allocation"] == "RANDOMIZED"
    assert (study["design"]["control"], study["design"]["masking"]) == (control, masking)
    assert study["condition"]["chronic"] is False


@pytest.mark.parametrize("study_id", MI_IDS)
def test_primary_outcome_as_on_the_sheet(studies: dict[str, dict[str, Any]], study_id: str) -> None:
    rows = [(o["group"], figure(o)) for o in studies[study_id]["outcomes"] if o["primary"]]
    assert rows == PRIMARY[study_id]


@pytest.mark.parametrize("study_id", sorted(DEATHS))
def test_deaths_at_the_longest_follow_up(studies: dict[str, dict[str, Any]], study_id: str) -> None:
    timepoint, per_arm = DEATHS[study_id]
    deaths = [o for o in studies[study_id]["outcomes"] if o["endpoint"] == "all-cause-death"]
    assert {o["timepoint"] for o in deaths} == {timepoint}  # one timepoint: poolable once
    assert {o["group"]: (o["counts"]["events"], o["counts"]["total"]) for o in deaths} == per_arm
    assert {o["events_are"] for o in deaths} == {"harmful"}


def test_regenerate_death_count_is_marked_derived(studies: dict[str, dict[str, Any]]) -> None:
    deaths = [
        o for o in studies["ami-regenerate"]["outcomes"] if o["endpoint"] == "all-cause-death"
    ]
    derived = {o["group"]: o["derived"] for o in deaths}
    assert derived["cells"] and "6.5" in derived["cells"]
    assert derived["placebo"] is None


@pytest.mark.parametrize("study_id", sorted(HF_HOSPITALISATION))
def test_heart_failure_hospitalisation(studies: dict[str, dict[str, Any]], study_id: str) -> None:
    rows = [
        o for o in studies[study_id]["outcomes"] if o["endpoint"] == "heart-failure-hospitalisation"
    ]
    counts = {o["group"]: (o["counts"]["events"], o["counts"]["total"]) for o in rows}
    assert counts == HF_HOSPITALISATION[study_id]


def test_figures_resting_on_secondary_sources_point_to_them(
    studies: dict[str, dict[str, Any]],
) -> None:
    """REPAIR-AMI's analysed n (Cochrane table) and TIME's LVEF levels (ACC scan) are
    second-hand: their rows name a source marked secondary."""
    for study_id, key in (("ami-repair", "cochrane"), ("ami-time", "acc")):
        study = studies[study_id]
        secondary = {s["key"] for s in study["sources"] if s["secondary"]}
        lvef = [o for o in study["outcomes"] if o["endpoint"] == "lvef-change"]
        assert lvef and {o["source"] for o in lvef} == {key} <= secondary


def test_no_pubmed_copy_address_is_cited() -> None:
    """A copy of a PubMed record is cited by its PubMed address, never the copy's own."""
    for path in BUNDLED.glob("ami-*.yaml"):
        assert "47.251.13.51" not in path.read_text(encoding="utf-8"), path.name


@pytest.mark.parametrize("condition", ["myocardial infarction", "heart attack"])
def test_the_topic_is_found_by_its_names(condition: str) -> None:
    result = invoke("list", "--condition", condition, "--json")
    assert result.exit_code == 0, result.stderr
    assert {r["id"] for r in json.loads(result.stdout)} >= set(MI_IDS)


@pytest.mark.parametrize(
    ("endpoint", "ids"),
    [
        ("all-cause-death", set(DEATHS)),
        ("heart-failure-hospitalisation", set(HF_HOSPITALISATION)),
    ],
)
def test_deaths_and_heart_failure_pool_across_trials(endpoint: str, ids: set[str]) -> None:
    result = invoke("pool", "--condition", "myocardial infarction", "--measure", endpoint, "--json")
    assert result.exit_code == 0, result.stderr
    pooled = json.loads(result.stdout)
    assert {s["id"] for s in pooled["studies"]} == ids
    assert pooled["k"] == len(ids) and pooled["randomized"] is True


# id -> the NCT number the sheet gives (None: no ClinicalTrials.gov number on the sheet)
NCT = {
    "ami-repair": "NCT00279175",
    "ami-boost": None,
    "ami-astami": None,
    "ami-time": "NCT00684021",
    "ami-latetime": "NCT00684060",
    "ami-bami": "NCT01569178",
    "ami-regenerate": "NCT00765453",
    "ami-boost-2": None,
    "ami-hebe": None,
    "ami-swiss": "NCT00355186",
    "ami-leuven": "NCT00264316",
}


@pytest.mark.parametrize("study_id", MI_IDS)
def test_identifiers_and_links(studies: dict[str, dict[str, Any]], study_id: str) -> None:
    study = studies[study_id]
    registration = study["registration"] or {}
    assert registration.get("nct_id") == NCT[study_id]
    assert any((s["url"] or "").startswith("https://") for s in study["sources"])
