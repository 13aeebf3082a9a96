"""Imported records graded right: control from every signal, no results, unknown designs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import invoke
from ctgov_records import POSTED, flow, record
from hypothesis import given, settings
from hypothesis import strategies as st

from stemcell_cli.ctgov import descriptor_from_record, import_files
from stemcell_cli.evidence.controls import only_control
from stemcell_cli.evidence.grading import NO_RESULTS, NOBODY_ENROLLED, assess
from stemcell_cli.model.descriptor import Study


def _study(rec: dict[str, Any]) -> Study:
    descriptor, _ = descriptor_from_record(rec)
    return Study.model_validate(descriptor)


@pytest.mark.parametrize(
    ("label", "only"),
    [
        ("Placebo qw", True),
        ("Experimental: Placebo Q2W SC", True),
        ("Saline 0.9% IV", True),
        ("Standard of care", True),
        ("Untreated patients", True),
        ("Saline-washed MSC", False),
        ("MSC", False),
        ("Placebo plus MSC", False),
    ],
)
def test_a_label_that_names_only_a_control(label: str, only: bool) -> None:
    assert only_control(label) is only


@pytest.mark.parametrize("given", [["Drug: Placebo"], ["Drug: Placebo", "Drug: Dupilumab"]])
def test_placebo_arm_typed_experimental_is_a_placebo_control(given: list[str]) -> None:
    study = _study(
        record(
            arms=[
                ("EXPERIMENTAL", "Placebo qw", given),
                ("EXPERIMENTAL", "Dupilumab 300 mg qw", ["Drug: Dupilumab"]),
            ],
            results=flow([("Placebo qw", 60), ("Dupilumab 300 mg qw", 60)]),
        )
    )
    assert study.design.control == "placebo"
    assert study.design.control_basis and "arm label 'Placebo qw'" in study.design.control_basis
    assert study.design.comparator == "Placebo qw"
    evidence = assess(study)
    assert (evidence.level, evidence.certainty, evidence.codes) == (2, "high", [])
    assert study.intervention is not None and study.intervention.name == "Dupilumab"


PLACEBO = ["Drug: Placebo"]
CELLS = ["Biological: MSC"]


@pytest.mark.parametrize(
    ("arms", "interventions", "control", "basis"),
    [
        (
            [("PLACEBO_COMPARATOR", "Arm B", PLACEBO), ("EXPERIMENTAL", "Arm A", CELLS)],
            None,
            "placebo",
            "arm type PLACEBO_COMPARATOR",
        ),
        (
            [("SHAM_COMPARATOR", "Arm B", []), ("EXPERIMENTAL", "Arm A", CELLS)],
            None,
            "sham",
            "arm type SHAM_COMPARATOR",
        ),
        (
            [("OTHER", "Arm B", ["Other: Lactose pill"]), ("EXPERIMENTAL", "Arm A", CELLS)],
            [
                {"type": "PLACEBO", "name": "Lactose pill", "armGroupLabels": ["Arm B"]},
                {"type": "BIOLOGICAL", "name": "MSC", "armGroupLabels": ["Arm A"]},
            ],
            "placebo",
            "intervention type PLACEBO",
        ),
        (
            [("EXPERIMENTAL", "Vehicle cream", []), ("EXPERIMENTAL", "Cells", CELLS)],
            None,
            "placebo",
            "arm label 'Vehicle cream' says placebo",
        ),
        (
            [("OTHER", "Control", ["Drug: Normal saline"]), ("EXPERIMENTAL", "Cells", CELLS)],
            None,
            "placebo",
            "intervention name (Normal saline) says placebo",
        ),
        (
            [("OTHER", "Sham procedure", []), ("EXPERIMENTAL", "Cells", CELLS)],
            None,
            "sham",
            "arm label 'Sham procedure' says sham",
        ),
        (
            [("NO_INTERVENTION", "Usual care", []), ("EXPERIMENTAL", "Cells", CELLS)],
            None,
            "standard-care",
            "arm label 'Usual care' says standard care",
        ),
        (
            [("NO_INTERVENTION", "Observation", []), ("EXPERIMENTAL", "Cells", CELLS)],
            None,
            "untreated",
            "arm type NO_INTERVENTION",
        ),
        (
            [("ACTIVE_COMPARATOR", "Methotrexate", ["Drug: MTX"]), ("EXPERIMENTAL", "C", CELLS)],
            None,
            "active",
            "arm type ACTIVE_COMPARATOR",
        ),
        (  # both arms get the same cells and standard care: neither is a control
            [
                ("EXPERIMENTAL", "MSC plus standard care", CELLS),
                ("EXPERIMENTAL", "MSC high dose plus standard care", CELLS),
            ],
            None,
            "alternative-delivery",
            "every arm receives MSC",
        ),
        ([("EXPERIMENTAL", "Placebo run-in then cells", CELLS)], None, "none", "one arm"),
        (  # a label naming saline for an arm given cells is no control
            [("EXPERIMENTAL", "Saline-washed MSC", CELLS), ("EXPERIMENTAL", "Fresh MSC", CELLS)],
            None,
            "alternative-delivery",
            "randomized only between ways of giving it",
        ),
        (  # cells alone vs cells with a placebo pill: no add-on of a treatment
            [("EXPERIMENTAL", "A", CELLS), ("EXPERIMENTAL", "B", [*CELLS, "Drug: Placebo"])],
            None,
            "none",
            "no arm is a placebo",
        ),
        (  # two different treatments, neither typed a comparator: no control is read in
            [
                ("EXPERIMENTAL", "Low-dose MSC", ["Biological: MSC 1M/kg"]),
                ("EXPERIMENTAL", "C", CELLS),
            ],
            None,
            "none",
            "no arm is a placebo",
        ),
    ],
)
def test_control_comes_from_every_signal_and_says_which(
    arms: list, interventions: list | None, control: str, basis: str
) -> None:
    study = _study(record(arms=arms, interventions=interventions))
    assert study.design.control == control
    assert study.design.control_basis is not None and basis in study.design.control_basis


def test_withdrawn_study_with_nobody_enrolled_claims_no_certainty() -> None:
    study = _study(record(status="WITHDRAWN", enrollment=(0, "ACTUAL"), why_stopped="No funding"))
    evidence = assess(study)
    assert evidence.level is None  # no evidence at all (issue 19, item 4)
    assert evidence.certainty == NOBODY_ENROLLED
    assert evidence.codes == ["withdrawn"]
    assert "No funding" in evidence.flags[0].reason
    assert not any("Only 0" in flag.reason for flag in evidence.flags)


@pytest.mark.parametrize("status", ["NOT_YET_RECRUITING", "RECRUITING", "COMPLETED", "SUSPENDED"])
def test_a_study_without_results_keeps_its_level_but_has_no_certainty(status: str) -> None:
    evidence = assess(_study(record(status=status)))
    assert (evidence.level, evidence.certainty) == (2, NO_RESULTS)
    no_results = next(f for f in evidence.flags if f.code == "no-results")
    assert ("completed" in no_results.reason) is (status == "COMPLETED")


def test_terminated_study_is_flagged_with_the_registry_reason() -> None:
    study = _study(record(status="TERMINATED", why_stopped="Slow accrual", results=POSTED))
    evidence = assess(study)
    assert evidence.certainty == "high"  # results were posted
    terminated = next(f for f in evidence.flags if f.code == "terminated")
    assert "Slow accrual" in terminated.reason
    assert study.registration is not None and study.registration.why_stopped == "Slow accrual"


def test_record_without_a_design_module_has_an_unknown_design() -> None:
    study = _study(record(study_type=None, results=POSTED))
    assert study.design.type == "unknown"
    evidence = assess(study)
    assert evidence.level is None
    assert evidence.codes == ["design-unknown"]
    assert "no designModule" in evidence.flags[0].reason
    assert "There was no comparison group" not in evidence.flags[0].reason


def test_unknown_design_is_null_in_json_a_question_mark_in_tables_and_never_kept_by_max_level(
    tmp_path: Path,
) -> None:
    import_files([_write(tmp_path, record("NCT90000011", study_type=None))], tmp_path / "out")
    import_files([_write(tmp_path, record("NCT90000012", results=POSTED))], tmp_path / "out")
    folder = ["--studies-dir", str(tmp_path / "out")]
    shown = json.loads(invoke("list", "--json", *folder).stdout)
    levels = {s["id"]: s["evidence"]["level"] for s in shown}
    assert levels == {"nct90000011": None, "nct90000012": 2}
    kept = json.loads(invoke("list", "--json", "--max-level", "5", *folder).stdout)
    assert [s["id"] for s in kept] == ["nct90000012"]
    table = invoke("list", "--format", "csv", *folder).stdout
    assert "nct90000011" in table
    page = invoke("show", "nct90000011", *folder).stdout
    assert "unknown (of 1 strongest … 5 weakest" in page and "design unknown" in page


def _write(folder: Path, rec: dict[str, Any]) -> Path:
    nct = rec["protocolSection"]["identificationModule"]["nctId"]
    path = folder / f"{nct}.json"
    path.write_text(json.dumps(rec), encoding="utf-8")
    return path


@pytest.mark.parametrize("command", [["show", "ms-ram-ms"], ["compare", "ms-ram-ms", "ms-mist"]])
def test_registered_trial_without_results_reads_not_applicable_without_the_grade_note(
    command: list[str],
) -> None:
    out = invoke(*command, "--format", "markdown").stdout
    assert "not applicable: no results" in out  # no rating, so no note about one (issue 22)
    assert "not applicable: no results (GRADE" not in out
    if "ms-mist" in command:  # its primary outcome is rated, as pool rates it (issue 21)
        assert "very low (down 1 risk of bias, down 2 imprecision)" in out
    else:
        assert "high (" not in out


@settings(max_examples=100, deadline=None)
@given(
    roles=st.lists(
        st.sampled_from(
            ["EXPERIMENTAL", "PLACEBO_COMPARATOR", "OTHER", "NO_INTERVENTION", "ACTIVE_COMPARATOR"]
        ),
        min_size=1,
        max_size=4,
    ),
    labels=st.lists(
        st.sampled_from(["Placebo", "MSC 1e6", "Saline", "Arm 1", "Usual care", "MSC + placebo"]),
        min_size=4,
        max_size=4,
    ),
    study_type=st.sampled_from(["INTERVENTIONAL", "OBSERVATIONAL", None]),
)
def test_any_arm_shape_grades_consistently(
    roles: list[str], labels: list[str], study_type: str | None
) -> None:
    arms = [
        (role, f"{label} {i}", [])
        for i, (role, label) in enumerate(zip(roles, labels[: len(roles)], strict=True))
    ]
    study = _study(record(arms=arms, study_type=study_type, results=POSTED))
    evidence = assess(study)
    if study_type is None:
        assert evidence.level is None and evidence.codes == ["design-unknown"]
        return
    assert evidence.level in ({3, 4} if study_type == "OBSERVATIONAL" else {2, 3, 4})
    if study_type == "INTERVENTIONAL" and "PLACEBO_COMPARATOR" in roles and len(set(roles)) > 1:
        assert (study.design.control, evidence.level) == ("placebo", 2)
    if study.design.control == "none":
        assert "no-control" in evidence.codes and evidence.certainty == "low"
    assert study.design.control_basis


def test_a_controlled_trial_without_allocation_has_an_unknown_design() -> None:
    study = _study(record(allocation=None, results=POSTED))
    assert (study.design.type, study.design.control) == ("unknown", "placebo")
    evidence = assess(study)
    assert evidence.level is None and evidence.codes == ["design-unknown"]
    assert "randomized cannot be told" in evidence.flags[0].reason


@pytest.mark.parametrize(
    ("arms", "design"),
    [
        (
            [("EXPERIMENTAL", "Low dose", CELLS), ("EXPERIMENTAL", "High dose", CELLS)],
            "non-randomized-trial",
        ),
        ([("EXPERIMENTAL", "Cells", CELLS)], "single-group-trial"),
        ([], "unknown"),
    ],
)
def test_without_allocation_an_uncontrolled_design_stays_uncontrolled(
    arms: list, design: str
) -> None:
    study = _study(record(allocation=None, arms=arms, results=POSTED))
    assert study.design.type == design
    assert assess(study).level == (None if design == "unknown" else 4)


@pytest.mark.parametrize(
    ("arms", "control", "level"),
    [
        ([("", "MSC-treated", CELLS), ("", "Conventional treatment", [])], "standard-care", 3),
        ([("", "MSC-treated", CELLS), ("", "Healthy controls", [])], "none", 4),
        ([("", "MSC-treated", CELLS), ("", "Untreated patients", [])], "untreated", 3),
        ([("", "Patients given MSC", CELLS)], "none", 4),
    ],
)
def test_an_observational_cohort_has_a_control_only_when_one_is_named(
    arms: list, control: str, level: int
) -> None:
    study = _study(record(study_type="OBSERVATIONAL", allocation=None, arms=arms, results=POSTED))
    assert study.design.control == control
    assert study.design.control_basis and study.design.control_basis.startswith("observational")
    evidence = assess(study)
    assert evidence.level == level
    assert ("not-randomized" if level == 3 else "no-control") in evidence.codes


def test_a_partial_record_that_does_not_say_whether_results_exist_claims_nothing() -> None:
    rec = record(study_type=None, status="COMPLETED")
    del rec["hasResults"]  # as a search fetched with a field filter can leave it out
    study = _study(rec)
    evidence = assess(study)
    assert (study.results, evidence.level) == ("unknown", None)
    assert evidence.certainty == "not applicable: results unknown"
    assert evidence.codes == ["design-unknown", "results-unknown"]
