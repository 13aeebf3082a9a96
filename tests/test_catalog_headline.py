"""Stem-cell therapies in recent headlines and the darvadstrocel trials
(FACTS-headline-trials-2023-2026.md): every new study's key figures as the sheet gives them,
read from `stemcell show ID --json`, so an edit that changes a number fails here."""

from __future__ import annotations

import pytest
from catalog_cards import arms, card, counts, effect, listed, outcome, secondary_keys

NEW_IDS = (
    "t1d-zimislecel",
    "t1d-cipsc-islets",
    "pd-bemdaneprocel",
    "pd-kyoto-ipsc",
    "pd-a9-dpc",
    "crohn-admire-cd",
    "crohn-admire-cd-2",
    "crohn-darvadstrocel-japan",
    "lscd-ipsc-cornea",
    "hf-biovat",
)

ARMS = {
    "t1d-zimislecel": [("half-dose", 2), ("full-dose", 12)],
    "t1d-cipsc-islets": [("cipsc-islets", 1)],
    "pd-bemdaneprocel": [("low-dose", 5), ("high-dose", 7)],
    "pd-kyoto-ipsc": [("ipsc-dpc", 7)],
    "pd-a9-dpc": [("low-dose", 6), ("high-dose", 6)],
    "crohn-admire-cd": [("cx601", 107), ("placebo", 105)],
    "crohn-admire-cd-2": [("cx601", 283), ("placebo", 285)],
    "crohn-darvadstrocel-japan": [("darvadstrocel", 22)],
    "lscd-ipsc-cornea": [("ipsc-sheet", 4)],
    "hf-biovat": [("biovat", 20)],
}
POPULATION = {
    "t1d-zimislecel": 14,
    "t1d-cipsc-islets": 1,
    "pd-bemdaneprocel": 12,
    "pd-kyoto-ipsc": 7,
    "pd-a9-dpc": 12,
    "crohn-admire-cd": 212,
    "crohn-admire-cd-2": 568,
    "crohn-darvadstrocel-japan": 22,
    "lscd-ipsc-cornea": 4,
    "hf-biovat": 20,
}
DESIGN = {  # (type, control, masking)
    "t1d-zimislecel": ("single-group-trial", "none", "NONE"),
    "t1d-cipsc-islets": ("single-group-trial", "none", "NONE"),
    "pd-bemdaneprocel": ("single-group-trial", "none", "NONE"),
    "pd-kyoto-ipsc": ("single-group-trial", "none", "NONE"),
    "pd-a9-dpc": ("single-group-trial", "none", "NONE"),
    "crohn-admire-cd": ("randomized-trial", "placebo", "DOUBLE"),
    "crohn-admire-cd-2": ("randomized-trial", "placebo", "QUADRUPLE"),
    "crohn-darvadstrocel-japan": ("single-group-trial", "none", "NONE"),
    "lscd-ipsc-cornea": ("single-group-trial", "none", "NONE"),
    "hf-biovat": ("single-group-trial", "none", "NONE"),
}

# (study, measure, group, timepoint) -> (events, total)
COUNTS = {
    ("t1d-zimislecel", "No severe hypoglycaemic events (days 90-365) and HbA1c < 7 % or a fall "
     "of at least 1 point (days 180-365)", "full-dose", "days 90-365"): (12, 12),
    ("t1d-zimislecel", "Insulin independence", "full-dose", "days 180-365"): (10, 12),
    ("t1d-zimislecel", "Detectable C-peptide (engraftment)", None, "during follow-up"): (14, 14),
    ("t1d-cipsc-islets", "Insulin independence", "cipsc-islets", "day 75 to 1 year"): (1, 1),
    ("pd-kyoto-ipsc", "Serious adverse events", None, "24 months"): (0, 7),
    ("pd-kyoto-ipsc", "MDS-UPDRS Part III OFF improved", "ipsc-dpc", "24 months"): (4, 6),
    ("pd-kyoto-ipsc", "MDS-UPDRS Part III ON improved", "ipsc-dpc", "24 months"): (5, 6),
    ("pd-kyoto-ipsc", "Application-site pruritus", None, "24 months"): (4, 7),
    ("crohn-admire-cd", "Clinical remission at week 104 (extension subset)", "cx601",
     "week 104"): (14, 25),
    ("crohn-admire-cd", "Clinical remission at week 104 (extension subset)", "placebo",
     "week 104"): (6, 15),
    ("crohn-darvadstrocel-japan", "Combined remission at week 52 (conference count)",
     "darvadstrocel", "week 52"): (15, 22),
    ("crohn-darvadstrocel-japan", "Any adverse event", "darvadstrocel", "52 weeks"): (20, 22),
    ("lscd-ipsc-cornea", "Vision improvement lasting over a year (news)", "ipsc-sheet",
     "over 1 year"): (3, 4),
    ("hf-biovat", "Deaths during the study", "biovat", "study period"): (3, 20),
    ("hf-biovat", "Heart transplantation", "biovat", "study period"): (1, 20),
}  # fmt: skip

# (study, measure, group, timepoint) -> (value, statistic, n, sd, interval)
ESTIMATES = {
    ("crohn-admire-cd", "Combined remission (clinical closure of all treated external openings "
     "and no collection > 2 cm on MRI), modified ITT", "cx601", "week 24"):
        (51.5, "proportion", None, None, None),
    ("crohn-admire-cd", "Combined remission (clinical closure of all treated external openings "
     "and no collection > 2 cm on MRI), modified ITT", "placebo", "week 24"):
        (35.6, "proportion", None, None, None),
    ("crohn-admire-cd", "Combined remission, intention to treat", "cx601", "week 24"):
        (50, "proportion", 107, None, None),
    ("crohn-admire-cd", "Combined remission, intention to treat", "placebo", "week 24"):
        (34, "proportion", 105, None, None),
    ("crohn-darvadstrocel-japan", "Combined remission (clinical closure and no collection > 2 "
     "cm on MRI)", "darvadstrocel", "week 24"): (59.1, "proportion", 22, None, (38.5, 79.6)),
    ("crohn-darvadstrocel-japan", "Combined remission at week 52", "darvadstrocel", "week 52"):
        (68.2, "proportion", 22, None, (48.7, 87.6)),
    ("pd-bemdaneprocel", "MDS-UPDRS Part III OFF, change from baseline", "high-dose",
     "18 months"): (-23, "mean", 7, None, None),
    ("pd-bemdaneprocel", "MDS-UPDRS Part III OFF, change from baseline (24 months)",
     "high-dose", "24 months"): (-21.9, "mean", 7, 7.8, None),
    ("pd-bemdaneprocel", "MDS-UPDRS Part III OFF, change from baseline (12 months)",
     "low-dose", "12 months"): (1.0, "median", 5, None, None),
    ("pd-kyoto-ipsc", "MDS-UPDRS Part III OFF, mean change in all six evaluated", "ipsc-dpc",
     "24 months"): (9.5, "mean", 6, None, None),
    ("lscd-ipsc-cornea", "Adverse events", None, "52 weeks"): (26, None, 4, None, None),
}  # fmt: skip


@pytest.mark.parametrize("study_id", NEW_IDS)
def test_arms_population_and_design(study_id: str) -> None:
    study = card(study_id)
    assert arms(study_id) == ARMS[study_id]
    assert study["population"]["n"] == POPULATION[study_id]
    design = study["design"]
    assert (design["type"], design["control"], design["masking"]) == DESIGN[study_id]


@pytest.mark.parametrize("key", sorted(COUNTS, key=str), ids=lambda k: f"{k[0]}:{k[1][:30]}")
def test_counts(key: tuple) -> None:
    assert counts(outcome(*key)) == COUNTS[key]


@pytest.mark.parametrize("key", sorted(ESTIMATES, key=str), ids=lambda k: f"{k[0]}:{k[1][:30]}")
def test_estimates(key: tuple) -> None:
    estimate = outcome(*key)["estimate"]
    interval = estimate["interval"]
    got = (
        estimate["value"],
        estimate["statistic"],
        estimate["n"],
        estimate["sd"],
        (interval["lower"], interval["upper"]) if interval else None,
    )
    assert got == ESTIMATES[key]


def test_admire_cd_primary_difference_is_a_97_5_percent_interval() -> None:
    row = outcome(
        "crohn-admire-cd", "Combined remission, modified ITT: difference", "Cx601 vs placebo",
        "week 24",
    )  # fmt: skip
    assert row["primary"]
    assert effect(row) == ("risk-difference", 15.8, 0.5, 31.2)
    assert row["effect"]["interval"]["level"] == 97.5
    assert row["p_value"] == ".021"


def test_admire_cd_week_52_differences() -> None:
    combined = outcome(
        "crohn-admire-cd", "Combined remission at week 52, modified ITT", "Cx601 vs placebo",
        "week 52",
    )  # fmt: skip
    clinical = outcome(
        "crohn-admire-cd", "Clinical remission at week 52, modified ITT", "Cx601 vs placebo",
        "week 52",
    )  # fmt: skip
    assert effect(combined) == ("risk-difference", 17.7, 4.2, 31.2)
    assert effect(clinical) == ("risk-difference", 17.6, 4.1, 31.1)


def test_admire_cd_itt_figures_rest_on_a_secondary_summary() -> None:
    row = outcome("crohn-admire-cd", "Combined remission, intention to treat", "placebo", "week 24")
    assert row["source"] in secondary_keys("crohn-admire-cd")
    assert row["p_value"] == "0.024"


def test_admire_cd_2_primary_end_point_not_met() -> None:
    study = card("crohn-admire-cd-2")
    (primary,) = [o for o in study["outcomes"] if o["primary"]]
    assert "not met" in primary["statement"]
    assert study["registration"]["nct_id"] == "NCT03279081"
    assert study["design"]["centres"] == 113


def test_combined_remission_endpoint_is_shared_by_the_darvadstrocel_studies() -> None:
    ids = {
        study_id
        for study_id in NEW_IDS
        for o in card(study_id)["outcomes"]
        if o["endpoint"] == "combined-remission"
    }
    assert ids == {"crohn-admire-cd", "crohn-darvadstrocel-japan"}


@pytest.mark.parametrize(
    ("study_id", "deaths_text"),
    [
        ("t1d-zimislecel", "2 deaths"),
        ("hf-biovat", "3 deaths"),
        ("pd-bemdaneprocel", "no deaths"),
        ("pd-kyoto-ipsc", "no deaths"),
    ],
)
def test_deaths_are_stated(study_id: str, deaths_text: str) -> None:
    assert any(deaths_text in f["text"] for f in card(study_id)["safety"])


@pytest.mark.parametrize(
    ("study_id", "nct_id", "doi", "pmid"),
    [
        ("t1d-zimislecel", None, "10.1056/NEJMoa2506549", "40544428"),
        ("t1d-cipsc-islets", None, "10.1016/j.cell.2024.09.004", None),
        ("pd-bemdaneprocel", "NCT04802733", "10.1038/s41586-025-08845-y", None),
        ("pd-kyoto-ipsc", None, "10.1038/s41586-025-08700-0", "40240591"),
        ("pd-a9-dpc", "NCT05887466", "10.1016/j.cell.2025.09.010", "41086804"),
        ("crohn-admire-cd", "NCT01541579", None, None),
        ("crohn-darvadstrocel-japan", "NCT03706456", None, None),
        ("lscd-ipsc-cornea", None, "10.1016/S0140-6736(24)01764-1", "39522528"),
        ("hf-biovat", "NCT04396899", "10.1056/NEJMoa2513525", None),
    ],
)
def test_identifiers(study_id: str, nct_id: str | None, doi: str | None, pmid: str | None) -> None:
    study = card(study_id)
    registration = study["registration"] or {}
    assert registration.get("nct_id") == nct_id
    assert (study["publication"]["doi"], study["publication"]["pmid"]) == (doi, pmid)


def test_pubmed_copies_are_cited_as_pubmed() -> None:
    for study_id, pmid in (("t1d-zimislecel", "40544428"), ("pd-a9-dpc", "41086804")):
        (paper,) = [s for s in card(study_id)["sources"] if s["key"] == "paper"]
        assert paper["url"] == f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
        assert "47.251.13.51" in paper["note"]
    for study_id in NEW_IDS:
        assert not any(
            (s["url"] or "").startswith("http://47.251.13.51") for s in card(study_id)["sources"]
        )


def test_zimislecel_news_number_is_not_entered_as_registration() -> None:
    study = card("t1d-zimislecel")
    assert study["registration"] is None
    assert any("NCT04786262" in text for text in study["limitations"])


@pytest.mark.parametrize("study_id", NEW_IDS)
def test_news_beside_the_study(study_id: str) -> None:
    study = card(study_id)
    kinds = {s["key"]: s["kind"] for s in study["sources"]}
    assert study["discrepancies"], "what the news said vs what the study found"
    assert study["not_available"] and study["limitations"]
    assert "facts sheet" not in (study["provenance"] or "").lower()
    if study_id not in ("crohn-darvadstrocel-japan",):  # no news on the sheet for it
        assert "news" in kinds.values()


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("type 1 diabetes", {"t1d-zimislecel", "t1d-cipsc-islets"}),
        ("parkinson", {"pd-bemdaneprocel", "pd-kyoto-ipsc", "pd-a9-dpc"}),
        (
            "crohn",
            {"crohn-admire-cd", "crohn-admire-cd-2", "crohn-darvadstrocel-japan"},
        ),
    ],
)
def test_conditions_find_the_studies(condition: str, expected: set[str]) -> None:
    assert expected <= listed(condition)


def test_type_1_is_not_type_2() -> None:
    assert not {"t1d-zimislecel", "t1d-cipsc-islets"} & listed("type 2 diabetes")
