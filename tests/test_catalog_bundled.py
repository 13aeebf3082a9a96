"""The bundled catalog: valid, exactly the seed and topic studies, and the key facts in place."""

from __future__ import annotations

import json

import pytest
from conftest import BUNDLED, BUNDLED_IDS, TOPIC_IDS

from stemcell_cli.model.descriptor import Study
from stemcell_cli.store.catalog import load_catalog
from stemcell_cli.store.loader import load_study


@pytest.fixture(scope="module")
def catalog() -> dict[str, Study]:
    loaded = load_catalog([BUNDLED])
    assert loaded.problems == []
    return {k: e.study for k, e in loaded.entries.items()}


def test_bundled_catalog_holds_exactly_the_seed_and_topic_studies(
    catalog: dict[str, Study],
) -> None:
    assert len(TOPIC_IDS) == 45 and len(BUNDLED_IDS) == 54
    assert set(catalog) == BUNDLED_IDS
    assert {p.name for p in BUNDLED.glob("*.yaml")} == {f"{i}.yaml" for i in BUNDLED_IDS}


@pytest.mark.parametrize("study_id", sorted(BUNDLED_IDS))
def test_every_bundled_descriptor_validates(study_id: str) -> None:
    study, problems = load_study(BUNDLED / f"{study_id}.yaml", expect_id=study_id)
    assert [str(p) for p in problems] == []
    assert study.id == study_id


@pytest.mark.parametrize("study_id", sorted(BUNDLED_IDS))
def test_every_study_links_to_a_source(catalog: dict[str, Study], study_id: str) -> None:
    assert any(s.url and s.url.startswith("https://") for s in catalog[study_id].sources)


@pytest.mark.parametrize("study_id", sorted(BUNDLED_IDS))
def test_outcomes_cite_sources_that_exist(catalog: dict[str, Study], study_id: str) -> None:
    study = catalog[study_id]
    keys = {s.key for s in study.sources}
    assert {o.source for o in study.outcomes} <= keys


def test_ms_hsct_facts(catalog: dict[str, Study]) -> None:
    study = catalog["ms-hsct"]
    assert study.population.n == 210
    assert study.design.type == "retrospective-cohort"
    assert study.design.control == "none" and study.design.masking == "NONE"
    five_year = next(
        o
        for o in study.outcomes
        if o.timepoint == "5 years" and o.group and o.group.startswith("relapsing")
    )
    assert five_year.estimate.value == 85.5
    assert (five_year.estimate.interval.lower, five_year.estimate.interval.upper) == (76.9, 94.1)
    assert len(study.discrepancies) == 2


def test_ms_mist_facts(catalog: dict[str, Study]) -> None:
    study = catalog["ms-mist"]
    assert study.population.n == 110
    assert [(a.key, a.n) for a in study.arms] == [("hsct", 55), ("dmt", 55)]
    counts = {o.group: (o.counts.events, o.counts.total) for o in study.outcomes if o.counts}
    assert counts == {"HSCT": (3, 55), "DMT": (34, 55)}
    hr = next(o for o in study.outcomes if o.effect)
    assert hr.effect.measure == "hazard-ratio" and hr.effect.value == 0.07
    assert (hr.effect.interval.lower, hr.effect.interval.upper) == (0.02, 0.24)
    assert hr.p_value == "<0.001"


def test_bhansali_facts(catalog: dict[str, Study]) -> None:
    study = catalog["t2d-bmsc-bhansali"]
    assert study.population.n == 21
    counts = {o.group: (o.counts.events, o.counts.total) for o in study.outcomes if o.counts}
    assert counts == {"treated": (9, 11), "sham": (0, 10)}
    assert study.design.control == "sham" and study.design.masking == "SINGLE"


def test_ucmsc_facts(catalog: dict[str, Study]) -> None:
    study = catalog["t2d-ucmsc-rct"]
    assert study.population.n == 91
    assert [(a.key, a.n) for a in study.arms] == [("ucmsc", 45), ("placebo", 46)]
    primary = {o.group: o.estimate.value for o in study.outcomes if o.primary}
    assert primary == {"UC-MSC": 20, "placebo": 4.55}
    assert study.design.control == "placebo" and study.design.masking == "DOUBLE"


def test_ram_ms_results_are_pending(catalog: dict[str, Study]) -> None:
    study = catalog["ms-ram-ms"]
    assert study.results == "pending"
    assert study.registration.nct_id == "NCT03477500"
    assert study.population.n_type == "ESTIMATED"
    assert all(o.counts is None and o.estimate is None for o in study.outcomes)


def test_t2d_bmsc_is_randomized_only_between_routes(catalog: dict[str, Study]) -> None:
    study = catalog["t2d-bmsc"]
    assert study.design.allocation == "RANDOMIZED"
    assert study.design.control == "alternative-delivery"
    assert study.population.n == 30


@pytest.mark.parametrize("study_id", ["pain-ipsc", "pain-mge-mouse"])
def test_mouse_studies_are_preclinical(catalog: dict[str, Study], study_id: str) -> None:
    study = catalog[study_id]
    assert study.kind == "preclinical" and study.population.species == "mouse"
    assert study.population.n is None  # the sources do not give the number of mice


def test_expert_opinion_has_no_participants(catalog: dict[str, Study]) -> None:
    study = catalog["spms-hsct-qa"]
    assert study.kind == "expert-opinion"
    assert study.opinion.expert == "Dr David Rog"
    assert study.population.n is None and study.outcomes == []


def test_the_listing_is_one_line_per_study_with_a_count_per_condition() -> None:
    from conftest import invoke

    result = invoke("list", "--format", "table", env={"COLUMNS": "80"})
    rows = [
        line
        for line in result.stdout.splitlines()
        if line.split()[:1] and line.split()[0] in BUNDLED_IDS
    ]
    assert len(rows) == len(BUNDLED_IDS)  # every study on a line of its own
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    note = result.stderr.splitlines()[-1]
    assert note.startswith("by condition: acute myocardial infarction 11, knee osteoarthritis 10")


@pytest.mark.parametrize(
    "condition",
    [
        "covid",
        "covid-19",
        "myocardial infarction",
        "heart attack",
        "knee osteoarthritis",
        "systemic sclerosis",
        "scleroderma",
        "parkinson",
        "type 1 diabetes",
        "crohn",
    ],
)
def test_every_topic_is_found_by_the_names_people_use(condition: str) -> None:
    from conftest import invoke

    result = invoke("list", "--condition", condition, "--json")
    assert result.exit_code == 0 and len(json.loads(result.stdout)) >= 2, condition
