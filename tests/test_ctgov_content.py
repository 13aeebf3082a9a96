"""What the importer carries over: keywords apart, arm sizes, posted analyses, dates, arms."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import invoke
from ctgov_records import POSTED, flow, record
from hypothesis import given
from hypothesis import strategies as st

from stemcell_cli.ctgov import descriptor_from_record, import_files
from stemcell_cli.ctgov.results import match_groups
from stemcell_cli.model.descriptor import Study
from stemcell_cli.views.describe import result_text


def _study(rec: dict[str, Any]) -> tuple[Study, list[str]]:
    descriptor, notes = descriptor_from_record(rec)
    return Study.model_validate(descriptor), notes


def _folder(tmp_path: Path, *records: dict[str, Any]) -> list[str]:
    for rec in records:
        nct = rec["protocolSection"]["identificationModule"]["nctId"]
        path = tmp_path / f"{nct}.json"
        path.write_text(json.dumps(rec), encoding="utf-8")
        assert import_files([path], tmp_path / "out").ok
    return ["--studies-dir", str(tmp_path / "out")]


def test_keywords_are_searchable_but_not_condition_synonyms(tmp_path: Path) -> None:
    rec = record(conditions=["Axial Spondyloarthritis"], keywords=["certolizumab", "TNF"])
    folder = _folder(tmp_path, rec)
    by_condition = json.loads(
        invoke("list", "--json", "--condition", "certolizumab", *folder).stdout
    )
    by_search = json.loads(invoke("list", "--json", "--search", "certolizumab", *folder).stdout)
    assert by_condition == []
    assert [s["id"] for s in by_search] == ["nct90000010"]
    assert by_search[0]["keywords"] == ["certolizumab", "TNF"]
    assert by_search[0]["condition"]["synonyms"] == []
    page = invoke("show", "nct90000010", "--format", "markdown", *folder).stdout
    assert "certolizumab; TNF" in page


CZP = [
    ("PLACEBO_COMPARATOR", "Placebo", ["Other: Placebo"]),
    ("EXPERIMENTAL", "Certolizumab Pegol 200 mg Q2W", ["Biological: Certolizumab Pegol"]),
    ("EXPERIMENTAL", "Certolizumab Pegol 400 mg Q4W", ["Biological: Certolizumab Pegol"]),
]
CZP_INTERVENTIONS = [
    {"type": "OTHER", "name": "Placebo", "armGroupLabels": ["Placebo"]},
    {
        "type": "BIOLOGICAL",
        "name": "Certolizumab Pegol",
        "otherNames": ["CZP", "Cimzia"],
        "armGroupLabels": [label for _, label, _ in CZP[1:]],
    },
]


def test_arm_sizes_survive_flow_titles_that_differ_from_arm_labels() -> None:
    results = flow(
        [("PBO", 107), ("CZP 400 mg Q4W", 108), ("CZP 200 mg Q2W", 111), ("Open-label", 5)]
    )
    study, notes = _study(record(arms=CZP, interventions=CZP_INTERVENTIONS, results=results))
    # PBO has no word in common with any arm: it is the one left, in a study of three arms
    # against four groups, so order is not used and it is reported instead
    assert [(a.label, a.n) for a in study.arms] == [
        ("Placebo", None),
        ("Certolizumab Pegol 200 mg Q2W", 111),
        ("Certolizumab Pegol 400 mg Q4W", 108),
    ]
    assert "participant-flow group 'PBO' (n = 107) matched no arm; n not set" in notes
    assert "participant-flow group 'Open-label' (n = 5) matched no arm; n not set" in notes


def test_groups_left_over_pair_by_order_when_the_counts_agree() -> None:
    assert match_groups(["Group A", "Group B"], ["MSC", "Control"], ["MSC", "Control"]) == {
        0: 0,
        1: 1,
    }
    assert match_groups(["Control", "Group B"], ["MSC", "Control"], ["MSC", "Control"]) == {
        0: 1,
        1: 0,
    }
    # a tie on shared words is no match
    assert match_groups(["CZP"], ["CZP 200", "CZP 400"], ["CZP 200", "CZP 400"]) == {}


def _measure(analyses: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "outcomeMeasuresModule": {
            "outcomeMeasures": [
                {
                    "type": "PRIMARY",
                    "title": "Time to relapse",
                    "timeFrame": "52 weeks",
                    "groups": [
                        {"id": "OG000", "title": "Placebo"},
                        {"id": "OG001", "title": "Cells"},
                    ],
                    "analyses": analyses,
                }
            ]
        }
    }


ANALYSES = [
    {
        "paramType": "Hazard Ratio (HR)",
        "paramValue": "0.62",
        "ciPctValue": "95",
        "ciNumSides": "TWO_SIDED",
        "ciLowerLimit": "0.45",
        "ciUpperLimit": "0.86",
        "pValue": "<0.001",
        "statisticalMethod": "Cox Proportional Hazard",
        "groupIds": ["OG001", "OG000"],
    },
    {
        "paramType": "Mean Difference (Net)",
        "paramValue": "-1.5",
        "ciPctValue": "97.5",
        "ciNumSides": "ONE_SIDED",
        "ciLowerLimit": "-2.9",
        "ciUpperLimit": "-0.1",
        "pValue": "0.03",
        "statisticalMethod": "ANCOVA",
        "groupIds": ["OG001", "OG000"],
    },
    {"paramType": "Slope", "paramValue": "2", "pValue": "NS", "groupIds": ["OG001"]},
    {"statisticalMethod": "t-test"},  # nothing to show
]


def test_posted_analyses_arrive_as_published_effects() -> None:
    study, notes = _study(record(results={**POSTED, **_measure(ANALYSES)}))
    assert "3 posted statistical analyses imported as published effects" in notes
    effects = [o for o in study.outcomes if o.effect]
    assert len(effects) == 3
    hr, md, slope = effects
    assert hr.effect is not None and hr.effect.measure == "hazard-ratio"
    assert (hr.effect.value, hr.p_value, hr.primary, hr.timepoint) == (
        0.62,
        "<0.001",
        True,
        "52 weeks",
    )
    assert hr.effect.interval is not None
    assert (hr.effect.interval.lower, hr.effect.interval.upper, hr.effect.interval.level) == (
        0.45,
        0.86,
        95,
    )
    assert hr.effect.comparison == hr.group == "Cells vs Placebo"
    assert hr.effect.method == "Cox Proportional Hazard"
    assert result_text(hr).startswith(
        "Hazard Ratio (HR) 0.62 (95% CI 0.45–0.86, published) [Cox Proportional Hazard]; p < 0.001"
    )
    assert md.effect is not None and md.effect.measure == "mean-difference"
    assert md.effect.interval is not None and md.effect.interval.level == 97.5
    assert md.statement and "one-sided confidence interval" in md.statement
    assert slope.effect is not None and slope.effect.measure == "other" and slope.p_value is None
    assert slope.statement and "p-value as posted: NS" in slope.statement


def test_completion_dates_and_why_stopped_reach_the_descriptor_and_show(tmp_path: Path) -> None:
    rec = record(
        status="TERMINATED",
        why_stopped="Sponsor decision",
        dates={"primaryCompletion": "2022-05", "completion": "2022-11-30"},
    )
    study, _ = _study(rec)
    assert study.registration is not None
    assert (study.registration.primary_completion, study.registration.completion) == (
        "2022-05",
        "2022-11-30",
    )
    page = invoke("show", "nct90000010", "--format", "markdown", *_folder(tmp_path, rec)).stdout
    assert "primary completion 2022-05" in page and "completion 2022-11-30" in page
    assert "Sponsor decision" in page


def test_crossover_groups_listed_once_per_intervention_are_placebo_controlled() -> None:
    cells, placebo = ["Biological: autologous autologous MSC"], ["Other: placebo medium"]
    arms = [
        ("EXPERIMENTAL", "1", cells),
        ("PLACEBO_COMPARATOR", "1", placebo),
        ("EXPERIMENTAL", "2", cells),
        ("PLACEBO_COMPARATOR", "2", placebo),
    ]
    study, _ = _study(record(arms=arms, model="CROSSOVER", results=POSTED))
    assert [(a.label, a.role) for a in study.arms] == [("1", None), ("2", None)]
    assert study.arms[0].description == (
        "Listed once per intervention, as EXPERIMENTAL and PLACEBO_COMPARATOR. "
        "Interventions: autologous MSC; placebo medium"
    )
    assert study.intervention is not None and study.intervention.name == "autologous MSC"
    assert (study.design.control, study.design.comparator) == ("placebo", "placebo medium")
    assert study.design.control_basis == "crossover: participants also receive placebo medium"


def test_cell_arm_listed_once_per_intervention_reads_as_one_arm() -> None:
    arms = [
        ("EXPERIMENTAL", "1", ["Biological: autologous autologous bone marrow MSC"]),
        ("EXPERIMENTAL", "1", ["Procedure: Bone marrow aspiration"]),
        ("PLACEBO_COMPARATOR", "2", ["Other: placebo medium"]),
    ]
    study, _ = _study(record(arms=arms))
    assert [(a.label, a.role) for a in study.arms] == [
        ("1", "EXPERIMENTAL"),
        ("2", "PLACEBO_COMPARATOR"),
    ]
    assert study.arms[1].description == "Interventions: placebo medium"
    assert study.intervention is not None
    assert study.intervention.name == "autologous bone marrow MSC; Bone marrow aspiration"
    assert study.design.comparator == "2 (placebo medium)"
    assert (study.design.control, study.intervention.cell_source) == ("placebo", "autologous")


def test_a_group_description_breaks_a_tie_between_arms() -> None:
    titles, about = ["Arm A", "Arm B", "Extension"], ["Umbilical MSC infusion", "Saline", ""]
    labels = ["Saline infusion", "Umbilical MSC"]
    assert match_groups(titles, labels, labels, about) == {0: 1, 1: 0}
    assert match_groups(titles, labels, labels) == {}  # titles alone say nothing


@given(
    labels=st.lists(
        st.sampled_from(["Placebo", "MSC 1e6/kg", "MSC 5e6/kg", "Saline", "Usual care", "BM-MNC"]),
        min_size=1,
        max_size=5,
        unique=True,
    ),
    data=st.data(),
)
def test_groups_titled_like_their_arms_find_them_in_any_order(
    labels: list[str], data: st.DataObject
) -> None:
    order = data.draw(st.permutations(range(len(labels))))
    titles = [f"{index + 1}. {labels[i].upper()}" for index, i in enumerate(order)]
    assert match_groups(titles, labels, labels) == dict(enumerate(order))


def test_numbered_arms_with_the_same_name_stay_apart() -> None:
    arms = [("EXPERIMENTAL", "1. MSC", CELLS_1), ("EXPERIMENTAL", "2. MSC", CELLS_1)]
    results = flow([("2. MSC", 7), ("1. MSC", 5)])
    study, _ = _study(record(arms=arms, allocation="NON_RANDOMIZED", results=results))
    assert [(a.label, a.n) for a in study.arms] == [("1. MSC", 5), ("2. MSC", 7)]


CELLS_1 = ["Biological: MSC"]
