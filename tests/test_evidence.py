"""Evidence assessment: levels, certainty, flags, intervals — on made-up and bundled studies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DROP, invoke, make_study, write_study
from hypothesis import given, settings
from hypothesis import strategies as st

from stemcell_cli.evidence.grading import assess
from stemcell_cli.model.descriptor import Study
from stemcell_cli.model.outcome import Outcome
from stemcell_cli.synthesis import wilson
from stemcell_cli.views.describe import result_text

OPINION = {"question": "Does it work?", "expert": "Dr X", "answer_gist": "Too early to say."}


def assessed(**overrides):
    return assess(Study.model_validate(make_study(**overrides)))


@pytest.mark.parametrize(
    ("overrides", "level", "certainty", "codes"),
    [
        ({"design__type": "systematic-review"}, 1, "high", []),
        ({}, 2, "high", []),
        ({"design__control": "sham"}, 2, "high", []),
        (
            {
                "design__control": "standard-care",
                "design__type": "non-randomized-trial",
                "design__allocation": DROP,
            },
            3,
            "low",
            ["not-randomized"],
        ),
        (
            {"design__type": "non-randomized-trial", "design__allocation": "NON_RANDOMIZED"},
            3,
            "low",
            ["not-randomized"],
        ),
        (
            {"design__type": "case-series", "design__allocation": "NA", "design__control": "none"},
            4,
            "low",
            ["no-control"],
        ),
        ({"design__control": "alternative-delivery"}, 4, "low", ["no-control"]),
        (
            {
                "kind": "preclinical",
                "design": {"type": "animal-study"},
                "population": {"species": "mouse"},
            },
            5,
            "very low",
            ["animal-only"],
        ),
        (
            {"kind": "preclinical", "design": {"type": "laboratory-study"}, "population": {}},
            5,
            "very low",
            ["animal-only"],
        ),
        (
            {
                "kind": "expert-opinion",
                "design": {"type": "expert-opinion"},
                "population": {},
                "intervention": DROP,
                "opinion": OPINION,
            },
            5,
            "not applicable",
            ["expert-opinion"],
        ),
    ],
    ids=[
        "L1-review",
        "L2-placebo",
        "L2-sham",
        "L3-no-allocation",
        "L3-non-randomized",
        "L4-case-series",
        "L4-routes-only",
        "L5-mouse",
        "L5-lab",
        "L5-opinion",
    ],
)
def test_level_and_certainty(overrides: dict, level: int, certainty: str, codes: list) -> None:
    evidence = assessed(**overrides)
    assert (evidence.level, evidence.certainty, evidence.codes) == (level, certainty, codes)


@pytest.mark.parametrize(
    ("overrides", "codes"),
    [
        (
            {
                "kind": "preclinical",
                "design": {"type": "animal-study"},
                "population": {"species": "rat", "n": 8},
            },
            ["animal-only"],
        ),
        (
            {
                "kind": "expert-opinion",
                "design": {"type": "expert-opinion"},
                "intervention": DROP,
                "opinion": OPINION,
            },
            ["expert-opinion"],
        ),
        ({"design__control": "none"}, ["no-control"]),
        (
            {
                "design__control": "active",
                "design__type": "prospective-cohort",
                "design__allocation": "NON_RANDOMIZED",
            },
            ["not-randomized"],
        ),
        ({"design__masking": "NONE"}, ["not-blinded"]),
        (
            {
                "design__type": "retrospective-cohort",
                "design__allocation": "NA",
                "design__control": "none",
            },
            ["no-control", "retrospective"],
        ),
        ({"population__n": 49}, ["small-sample"]),
        ({"population__n": 50}, []),
        ({"design__follow_up__months": 11.9}, ["short-follow-up"]),
        ({"design__follow_up__months": 12}, []),
        ({"design__follow_up__months": 3, "condition__chronic": False}, []),
        ({"results": "pending"}, ["no-results"]),
        (
            {"discrepancies": [{"topic": "n", "claims": [{"source": "paper", "says": "20"}]}]},
            ["sources-disagree"],
        ),
        ({"design__masking": DROP, "population__n": DROP, "design__follow_up": DROP}, []),
    ],
    ids=[
        "animal-only",
        "expert-opinion",
        "no-control",
        "not-randomized",
        "not-blinded",
        "retrospective",
        "small-sample",
        "n-50-not-small",
        "short-follow-up",
        "12-months-not-short",
        "acute-not-short",
        "no-results",
        "sources-disagree",
        "unknown-is-not-flagged",
    ],
)
def test_each_flag(overrides: dict, codes: list[str]) -> None:
    evidence = assessed(**overrides)
    assert evidence.codes == codes
    for flag in evidence.flags:
        assert flag.reason.endswith(".") and len(flag.reason.split()) >= 6


def test_registered_trial_without_results_keeps_its_design_level() -> None:
    evidence = assessed(results="pending")
    assert evidence.level == 2 and "no-results" in evidence.codes


def test_flag_reasons_speak_about_the_study() -> None:
    reasons = {f.code: f.reason for f in assessed(population__n=21).flags}
    assert reasons["small-sample"].startswith("Only 21 people took part")
    routes = {f.code: f.reason for f in assessed(design__control="alternative-delivery").flags}
    assert "two ways of giving the same treatment" in routes["no-control"]


def test_json_carries_the_assessment(tmp_path: Path) -> None:
    write_study(tmp_path, population__n=21, design__masking="NONE")
    result = invoke("show", "demo-study", "--studies-dir", str(tmp_path), "--json")
    evidence = json.loads(result.stdout)["evidence"]
    assert evidence["level"] == 2 and evidence["starting_point"] == "high"
    assert [f["code"] for f in evidence["flags"]] == ["not-blinded", "small-sample"]
    assert all(set(f) == {"code", "reason"} for f in evidence["flags"])


def test_an_animal_study_is_never_graded_above_level_5() -> None:
    overrides = {"design__type": "animal-study", "population__species": "mouse"}
    try:
        study = Study.model_validate(make_study(**overrides))
    except ValueError:
        return  # rejecting the inconsistent descriptor is fine too
    assert assess(study).level == 5


# Intervals


@pytest.mark.parametrize(
    ("events", "total", "low", "high"),
    [
        (0, 10, "0.0", "27.8"),
        (7, 10, "39.7", "89.2"),
        (45, 50, "78.6", "95.7"),
        (10, 10, "72.2", "100.0"),
        (9, 11, "52.3", "94.9"),
        (3, 55, "1.9", "14.9"),
    ],
)
def test_wilson_interval(events: int, total: int, low: str, high: str) -> None:
    lower, upper = wilson(events, total)
    assert (f"{100 * lower:.1f}", f"{100 * upper:.1f}") == (low, high)
    outcome = Outcome(measure="m", counts={"events": events, "total": total}, source="paper")
    assert f"(95% CI {low}–{high}%, computed)" in result_text(outcome)


@pytest.mark.parametrize(("events", "total"), [(1, 0), (-1, 5), (6, 5)])
def test_wilson_refuses_impossible_counts(events: int, total: int) -> None:
    with pytest.raises(ValueError):
        wilson(events, total)


@pytest.mark.parametrize(
    ("result", "shown"),
    [
        (
            {
                "estimate": {
                    "value": 85.5,
                    "unit": "%",
                    "method": "Kaplan-Meier",
                    "interval": {"lower": 76.9, "upper": 94.1},
                }
            },
            "85.5% [Kaplan-Meier] (95% CI 76.9–94.1%, published)",
        ),
        ({"estimate": {"value": 20, "unit": "%"}}, "20%"),
        (
            {
                "effect": {
                    "measure": "hazard-ratio",
                    "value": 0.07,
                    "interval": {"lower": 0.02, "upper": 0.24},
                },
                "p_value": "<0.001",
            },
            "HR 0.07 (95% CI 0.02–0.24, published); p < 0.001",
        ),
        (
            {"estimate": {"value": -0.09, "interval": {"lower": -0.15, "upper": -0.04}}},
            "-0.09 (95% CI -0.15 to -0.04, published)",
        ),
    ],
    ids=["published-interval", "no-interval", "effect", "negative-interval"],
)
def test_published_values_are_shown_as_published(result: dict, shown: str) -> None:
    outcome = Outcome(measure="m", source="paper", **result)
    assert result_text(outcome) == shown


# The bundled catalog


@pytest.fixture(scope="module")
def bundled_json() -> dict[str, dict]:
    result = invoke("list", "--json")
    assert result.exit_code == 0
    return {s["id"]: s["evidence"] for s in json.loads(result.stdout)}


@pytest.mark.parametrize(
    ("study_id", "level", "certainty", "codes"),
    [
        ("pain-ipsc", 5, "very low", {"animal-only", "sources-disagree"}),
        ("pain-mge-mouse", 5, "very low", {"animal-only"}),
        ("ms-hsct", 4, "low", {"no-control", "not-blinded", "retrospective", "sources-disagree"}),
        ("t2d-bmsc", 4, "low", {"no-control", "small-sample", "sources-disagree"}),
        ("ms-mist", 2, "high", {"sources-disagree"}),  # registry and paper differ on countries
        ("t2d-ucmsc-rct", 2, "high", {"short-follow-up"}),
        ("t2d-bmsc-bhansali", 2, "high", {"small-sample"}),
        ("ms-ram-ms", 2, "not applicable: no results", {"no-results"}),
        ("spms-hsct-qa", 5, "not applicable", {"expert-opinion"}),
    ],
)
def test_bundled_assessments(
    bundled_json: dict, study_id: str, level: int, certainty: str, codes: set[str]
) -> None:
    evidence = bundled_json[study_id]
    assert evidence["level"] == level
    assert evidence["starting_point"] == certainty
    assert {f["code"] for f in evidence["flags"]} == codes


def test_route_only_randomization_is_explained_in_show() -> None:
    result = invoke("show", "t2d-bmsc", "--format", "markdown")
    assert "4 · weak (of 1 strongest … 5 weakest, not a score): uncontrolled study" in result.stdout
    assert "randomized between two ways of giving the same treatment" in result.stdout


def test_show_has_the_evidence_section_in_words() -> None:
    result = invoke("show", "ms-hsct")
    out = result.stdout
    assert "How strong is this evidence?" in out
    assert "4 · weak (of 1 strongest … 5 weakest, not a score): uncontrolled study" in out
    assert "low (GRADE starting point for this design, not a full GRADE rating)" in out
    for caution in (
        "no control group (no-control)",
        "not blinded (not-blinded)",
        "retrospective (retrospective)",
        "sources disagree (sources-disagree)",
    ):
        assert caution in out
    assert "Sources disagree on 5-year figure for relapsing-remitting MS" in out


@pytest.mark.parametrize(
    "published",
    [
        "76.9–94.1",
        "57.8–84.8",
        "59.4–82.6",
        "41.8–72.7",
        "85.5%",
        "71.3%",
        "71.0%",
        "57.2%",
        "-0.15 to -0.04",
        "p = 0.001",
    ],
)
def test_ms_hsct_intervals_are_shown_exactly_as_published(published: str) -> None:
    assert published in invoke("show", "ms-hsct").stdout


def test_counts_in_the_catalog_get_computed_intervals() -> None:
    out = invoke("show", "t2d-bmsc-bhansali").stdout
    assert "9/11 = 81.8% (95% CI 52.3–94.9%, computed)" in out
    assert "0/10 = 0.0% (95% CI 0.0–27.8%, computed)" in out
    mist = invoke("show", "ms-mist").stdout
    assert "3/55 = 5.5% (95% CI 1.9–14.9%, computed)" in mist
    assert "34/55 = 61.8% (95% CI 48.6–73.5%, computed)" in mist
    assert "HR 0.07 (95% CI 0.02–0.24, published)" in mist


def test_list_shows_level_and_caution() -> None:
    rows = invoke("list", "--format", "markdown").stdout.splitlines()
    header = [c.strip() for c in rows[0].strip("|").split("|")]
    table = {}
    for row in rows[2:]:
        if not row.startswith("|"):
            break  # the level scale under the table
        cells = dict(zip(header, (c.strip() for c in row.strip("|").split("|")), strict=True))
        table[cells["ID"]] = (cells["Level"], cells["Caution"])
    assert table["pain-mge-mouse"] == ("5 · weakest", "animal study")
    assert table["spms-hsct-qa"] == ("5 · weakest", "opinion, not a study")
    assert table["ms-hsct"] == (
        "4 · weak",
        "no control group, not blinded, retrospective, sources disagree",
    )
    assert table["ms-mist"] == ("2 · strong", "sources disagree")
    assert table["ms-ram-ms"] == ("2 · strong", "no results yet")
    terminal = invoke("list", "--format", "table").stdout
    assert "Level" in terminal and "Caution" in terminal and "animal study" in terminal


@settings(max_examples=300, deadline=None)
@given(total=st.integers(1, 10**10 - 1), share=st.floats(0, 1))
def test_wilson_never_raises_for_counts_the_model_accepts(total: int, share: float) -> None:
    from stemcell_cli.model.outcome import Counts

    counts = Counts(events=round(total * share), total=total)
    low, high = wilson(counts.events, counts.total)
    assert 0 <= low <= counts.events / counts.total <= high <= 1
