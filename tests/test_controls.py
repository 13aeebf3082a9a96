"""One vocabulary of control words: a name the importer reads as a control is a control for
the grading and for the two-arm comparisons too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import invoke, write_study
from ctgov_records import flow, record
from hypothesis import given
from hypothesis import strategies as st
from twoarm import arms_outcomes

from stemcell_cli.ctgov import descriptor_from_record
from stemcell_cli.evidence.controls import names_control
from stemcell_cli.evidence.grading import assess
from stemcell_cli.model.descriptor import Study

NAMES = [
    ("Placebo", "placebo"),
    ("Placebo group", "placebo"),
    ("Saline", "placebo"),
    ("Vehicle", "placebo"),
    ("Sham", "sham"),
    ("Sham group", "sham"),
    ("Usual care", "standard-care"),
    ("Standard of care", "standard-care"),
    ("Best supportive care", "standard-care"),
    ("No treatment", "untreated"),
    ("Untreated patients", "untreated"),
]


@pytest.mark.parametrize(("name", "control"), NAMES)
def test_the_importer_reads_the_name_as_a_control_and_the_grading_counts_it(
    name: str, control: str
) -> None:
    rec = record(
        arms=[("EXPERIMENTAL", name, []), ("EXPERIMENTAL", "Cells", ["Biological: Cells"])],
        results=flow([(name, 60), ("Cells", 60)]),
    )
    descriptor, _ = descriptor_from_record(rec)
    study = Study.model_validate(descriptor)
    assert study.design.control == control
    assert "no-control" not in assess(study).codes


def _compared(folder: Path, control_group: str) -> dict:
    outcomes = arms_outcomes(5, 50, 15, 50)["outcomes"]
    outcomes[0]["group"] = "treated patients"
    outcomes[1]["group"] = control_group
    write_study(folder, id="named", outcomes=outcomes)
    result = invoke("show", "named", "--json", "--studies-dir", str(folder))
    assert result.exit_code == 0, result.stderr
    (found,) = json.loads(result.stdout)["comparisons"]
    return found


@pytest.mark.parametrize("name", [name for name, _ in NAMES] + ["Control", "Control group"])
def test_a_results_group_of_that_name_is_the_comparator(catalog_dir: Path, name: str) -> None:
    found = _compared(catalog_dir, name)
    assert found["computed"] and found["matched_by"] == "group names", found["reason"]
    assert found["compared"] == f"treated patients 5/50 vs {name} 15/50"


@pytest.mark.parametrize("name", ["Saline-washed MSC", "Placebo plus MSC", "MSC"])
def test_a_name_that_also_names_a_treatment_is_no_control(catalog_dir: Path, name: str) -> None:
    found = _compared(catalog_dir, name)
    assert not found["computed"] and found["comparator"] is None


WORDS = st.sampled_from(
    [
        "placebo",
        "saline",
        "vehicle",
        "sham",
        "usual",
        "standard",
        "best",
        "supportive",
        "care",
        "of",
        "no",
        "treatment",
        "untreated",
        "control",
        "comparator",
        "group",
        "arm",
        "patients",
        "0.9%",
        "iv",
    ]
)


@given(st.lists(WORDS, min_size=1, max_size=5))
def test_case_and_spacing_never_decide_whether_a_name_is_a_control(words: list[str]) -> None:
    assert names_control(" ".join(words)) == names_control(
        "  " + "\t".join(w.upper() for w in words) + " "
    )


@given(st.lists(WORDS, max_size=4), st.sampled_from(["MSC", "stem cells", "HSCT", "Dupilumab"]))
def test_a_name_that_also_names_a_treatment_is_never_a_control(
    words: list[str], treatment: str
) -> None:
    assert not names_control(" ".join([*words, treatment]))
    assert not names_control(" ".join([treatment, *words]))


def test_the_designs_comparator_text_names_the_control() -> None:
    assert names_control("arm  B", comparator="Arm B")
    assert not names_control("Arm B") and not names_control("", comparator="")
