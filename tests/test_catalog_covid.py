"""The nine MSC-for-COVID-19 trials (FACTS-msc-covid-ards.md) hold the sheet's key figures.

Each row is read from ``stemcell show ID --json``, so an edit that changes an arm, a count,
a source or its secondary mark fails here.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import invoke

# id: population n, arms (key, n), primary outcome per arm, deaths per arm
# (group: events/total), the source key of the deaths, whether that source is secondary,
# and whether the deaths are derived.
Deaths = dict[str, tuple[int, int]]
STUDIES: dict[str, dict[str, Any]] = {
    "covid-msc-monsel": {
        "n": 45,
        "arms": [("ucmsc", 21), ("placebo", 24)],
        "primary": {
            "UC-MSCs": ("median", 54.3, (-15.5, 93.3)),
            "Placebo": ("median", 25.3, (-33.3, 104.6)),
        },
        "deaths": {"UC-MSCs": (5, 21), "Placebo": (4, 24)},
        "deaths_source": ("review", True, False),
    },
    "covid-msc-bowdish": {
        "n": 222,
        "arms": [("msc", 112), ("sham", 110)],
        "primary": {"MSCs": (42, 112), "Sham": (47, 110)},
        "deaths": {"MSCs": (42, 112), "Sham": (47, 110)},
        "deaths_source": ("paper", False, False),
    },
    "covid-msc-realist": {
        "n": 60,
        "arms": [("orbcel-c", 30), ("placebo", 29)],
        "primary": {"ORBCEL-C": ("mean", 98.3, 57.2), "Placebo": ("mean", 96.6, 67.3)},
        "deaths": {},
        "deaths_source": None,
    },
    "covid-msc-lanzoni": {
        "n": 24,
        "arms": [("ucmsc", 12), ("control", 12)],
        "primary": {"UC-MSCs": (1, 12), "Control": (1, 12)},  # vasopressor dose increase
        "deaths": {"UC-MSCs": (2, 12), "Control": (7, 12)},
        "deaths_source": ("review", True, False),
    },
    "covid-msc-dilogo": {
        "n": 40,
        "arms": [("ucmsc", 20), ("control", 20)],
        "primary": {"UC-MSCs": (10, 20), "Control": (4, 20)},  # survivors
        "deaths": {"UC-MSCs": (10, 20), "Control": (16, 20)},
        "deaths_source": ("paper", False, True),
    },
    "covid-msc-shu": {
        "n": 41,
        "arms": [("huc-msc", 12), ("control", 29)],
        "primary": {
            "hUC-MSCs": ("median", 9.00, (6.00, 13.00)),
            "Control": ("median", 14.00, (9.50, 21.00)),
        },
        "deaths": {"hUC-MSCs": (0, 12), "Control": (3, 29)},
        "deaths_source": ("paper", False, False),
    },
    "covid-msc-shi": {
        "n": 101,
        "arms": [("ucmsc", 65), ("placebo", 35)],
        "primary": {},  # a between-group median difference only (checked below)
        "deaths": {},
        "deaths_source": None,
    },
    "covid-msc-ev": {
        "n": 43,
        "arms": [("msc", 11), ("msc-ev", 8), ("control", 24)],
        "primary": {},  # no single primary end point was visible
        "deaths": {"MSCs": (3, 11), "Control": (8, 24)},
        "deaths_source": ("paper", False, False),
    },
    "covid-msc-rebelatto": {
        "n": 17,
        "arms": [("ucmsc", 11), ("placebo", 6)],
        "primary": {},  # results not read
        "deaths": {"UC-MSCs": (5, 11), "Placebo": (1, 6)},
        "deaths_source": ("review", True, False),
    },
}


def show(study_id: str) -> dict[str, Any]:
    result = invoke("show", study_id, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def shown() -> dict[str, dict[str, Any]]:
    return {study_id: show(study_id) for study_id in STUDIES}


def per_arm(outcome: dict[str, Any]) -> Any:
    """An outcome's per-arm figures: counts, or (statistic, value, spread)."""
    if outcome["counts"]:
        return (outcome["counts"]["events"], outcome["counts"]["total"])
    estimate = outcome["estimate"]
    iqr = estimate["iqr"]
    spread = (iqr["lower"], iqr["upper"]) if iqr else estimate["sd"]
    return (estimate["statistic"], estimate["value"], spread)


@pytest.mark.parametrize("study_id", sorted(STUDIES))
def test_arms_and_participants(shown: dict[str, dict[str, Any]], study_id: str) -> None:
    study, expected = shown[study_id], STUDIES[study_id]
    assert study["population"]["n"] == expected["n"]
    assert [(a["key"], a["n"]) for a in study["arms"]] == expected["arms"]
    assert study["kind"] == "clinical" and study["design"]["allocation"] == "RANDOMIZED"
    assert study["condition"]["chronic"] is False


@pytest.mark.parametrize("study_id", sorted(STUDIES))
def test_primary_outcome_per_arm(shown: dict[str, dict[str, Any]], study_id: str) -> None:
    rows = [
        o
        for o in shown[study_id]["outcomes"]
        if o["primary"] and (o["counts"] or o["estimate"]) and o["group"]
    ]
    first = rows[0]["measure"] if rows else None
    got = {o["group"]: per_arm(o) for o in rows if o["measure"] == first}
    assert got == STUDIES[study_id]["primary"]


@pytest.mark.parametrize("study_id", sorted(STUDIES))
def test_deaths_per_arm_and_where_they_come_from(
    shown: dict[str, dict[str, Any]], study_id: str
) -> None:
    study, expected = shown[study_id], STUDIES[study_id]
    rows = [o for o in study["outcomes"] if o["endpoint"] == "all-cause-mortality" and o["counts"]]
    assert {o["group"]: per_arm(o) for o in rows} == expected["deaths"]
    sources = {s["key"]: s for s in study["sources"]}
    if expected["deaths_source"] is None:
        assert rows == []
        return
    key, secondary, derived = expected["deaths_source"]
    assert {o["source"] for o in rows} == {key}
    assert sources[key]["secondary"] is secondary
    assert all(bool(o["derived"]) is derived for o in rows)


def test_published_effects_stand_beside_the_counts(shown: dict[str, dict[str, Any]]) -> None:
    def effect(study_id: str, measure: str) -> tuple[Any, ...]:
        row = next(
            o
            for o in shown[study_id]["outcomes"]
            if o["effect"] and o["effect"]["measure"] == measure
        )
        e = row["effect"]
        return (e["value"], e["interval"]["lower"], e["interval"]["upper"], row["p_value"])

    assert effect("covid-msc-bowdish", "risk-ratio") == (0.88, 0.64, 1.21, None)
    assert effect("covid-msc-monsel", "other") == (7.4, -44.7, 59.7, "0.77")
    assert effect("covid-msc-realist", "risk-ratio") == (2.9, 0.6, 13.2, "0.25")
    assert effect("covid-msc-ev", "risk-ratio") == (0.49, 0.14, 1.11, "0.08")
    assert effect("covid-msc-shi", "median-difference") == (-13.31, -29.14, 2.13, "0.080")


def test_msc_ev_arm_is_kept_apart_from_the_mortality_comparison(
    shown: dict[str, dict[str, Any]],
) -> None:
    """The MSC + EV arm is not a pure cell arm: the control is compared once, with MSCs alone."""
    study = shown["covid-msc-ev"]
    ev = [o for o in study["outcomes"] if o["group"] == "MSCs + EVs" and o["counts"]]
    assert [(o["endpoint"], per_arm(o)) for o in ev] == [("deaths-msc-ev-arm", (0, 8))]
    mortality = next(c for c in study["comparisons"] if c["endpoint"] == "all-cause-mortality")
    assert mortality["compared"] == "MSCs 3/11 vs Control 8/24"


def test_shu_uses_the_control_arm_as_denominator(shown: dict[str, dict[str, Any]]) -> None:
    """Table 3 prints 3 (7.31%), a share of all 41 patients; the arm had 29."""
    study = shown["covid-msc-shu"]
    topics = [d["topic"] for d in study["discrepancies"]]
    assert topics == ["Day-28 mortality in the control arm"]
    assert any("7.31" in text for text in study["limitations"])


def test_unverified_registry_ids_are_not_presented_as_registrations(
    shown: dict[str, dict[str, Any]],
) -> None:
    registered = {i: (s["registration"] or {}).get("nct_id") for i, s in shown.items()}
    assert registered == {
        "covid-msc-monsel": None,  # seen only on covid-nma
        "covid-msc-bowdish": None,  # a third-party copy, not linked to the paper
        "covid-msc-realist": "NCT03042143",
        "covid-msc-lanzoni": "NCT04355728",
        "covid-msc-dilogo": None,  # NCT05132972 looks like another trial
        "covid-msc-shu": None,
        "covid-msc-shi": "NCT04288102",
        "covid-msc-ev": None,
        "covid-msc-rebelatto": None,
    }


@pytest.mark.parametrize("condition", ["covid", "COVID-19"])
def test_condition_filters_find_all_nine(condition: str) -> None:
    result = invoke("list", "--condition", condition, "--json")
    assert result.exit_code == 0, result.stderr
    found = {row["id"] for row in json.loads(result.stdout)}
    assert set(STUDIES) <= found


def test_mortality_pools_the_per_arm_counts() -> None:
    """The four trials whose deaths were read in their own paper (or a copy) are pooled with
    exactly the sheet's counts; review-table counts, where pooled, are the sheet's too."""
    result = invoke("pool", "--condition", "covid", "--measure", "all-cause-mortality", "--json")
    assert result.exit_code == 0, result.stderr
    pooled = {
        s["id"]: {
            s["experimental"]["group"]: (s["experimental"]["events"], s["experimental"]["total"]),
            s["comparator"]["group"]: (s["comparator"]["events"], s["comparator"]["total"]),
        }
        for s in json.loads(result.stdout)["studies"]
    }
    primary_sources = {
        i for i, s in STUDIES.items() if s["deaths_source"] and not s["deaths_source"][1]
    }
    assert primary_sources == {
        "covid-msc-bowdish",
        "covid-msc-shu",
        "covid-msc-dilogo",
        "covid-msc-ev",
    }
    assert primary_sources <= set(pooled)
    assert pooled == {i: STUDIES[i]["deaths"] for i in pooled}
