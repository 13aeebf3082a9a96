"""ClinicalTrials.gov API v2 import: every record shape to a valid descriptor, files kept safe."""

from __future__ import annotations

import copy
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import files_in, invoke
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stemcell_cli import ctgov, files
from stemcell_cli.ctgov import (
    NO_INTERVENTION,
    NO_RESULT,
    Status,
    descriptor_from_record,
    import_files,
    plain_descriptor,
    read_records,
    to_yaml,
)
from stemcell_cli.ctgov import read as ctgov_read
from stemcell_cli.ctgov import run as ctgov_run
from stemcell_cli.ctgov.mapping import SUMMARY_CHARS
from stemcell_cli.errors import StemcellError
from stemcell_cli.evidence.grading import assess
from stemcell_cli.model.descriptor import Study
from stemcell_cli.store.loader import load_study

FIXTURES = Path(__file__).parent / "fixtures" / "ctgov"
SAMPLE = FIXTURES / "ctgov-v2-NCT00763412.json"
SHAPES = {
    "ctgov-v2-NCT00763412.json": "nct00763412",
    "observational-cohort.json": "nct90000001",
    "no-results.json": "nct90000002",
    "partial.json": "nct90000003",
    "page-of-two.json": "nct90000004",
}


def _import(out: Path, *names: str, force: bool = False) -> ctgov.ImportReport:
    return import_files([FIXTURES / name for name in names], out, force=force)


def _load(path: Path) -> Study:
    study, problems = load_study(path, expect_id=path.stem)
    assert not problems, [str(p) for p in problems]
    assert study is not None
    return study


def _imported(tmp_path: Path, name: str) -> tuple[Study, ctgov.StudyImport]:
    report = _import(tmp_path / "out", name)
    result = next(s for s in report.studies if s.status is Status.WRITTEN)
    assert result.path is not None
    return _load(result.path), result


def _record(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(("name", "study_id"), sorted(SHAPES.items()))
def test_every_shape_round_trips_through_the_written_yaml(
    tmp_path: Path, name: str, study_id: str
) -> None:
    study, result = _imported(tmp_path, name)
    assert study.id == study_id
    assert result.path == tmp_path / "out" / f"{study_id}.yaml"
    descriptor, _ = descriptor_from_record(
        next(r for r in read_records(FIXTURES / name)[0] if ctgov.nct_id_of(r))
    )
    order = list(Study.model_fields)
    assert list(descriptor) == sorted(descriptor, key=order.index)  # the model's key order
    assert plain_descriptor(study) == descriptor
    assert study.provenance and "not curated" in study.provenance
    assert "Imported registry record: not curated." in study.limitations
    assert study.sources[0].kind == "registry"
    assert study.registration and study.registration.nct_id == study_id.upper()
    text = result.path.read_text(encoding="utf-8")
    assert text.startswith("# Imported from ClinicalTrials.gov record")


def test_trial_with_results_has_counts_and_adverse_events_per_arm(tmp_path: Path) -> None:
    study, result = _imported(tmp_path, SAMPLE.name)
    assert study.results == "published"
    assert study.kind == "clinical"
    assert study.title.startswith("Pilot and Feasibility Study")
    assert (study.design.type, study.design.allocation, study.design.control) == (
        "randomized-trial",
        "RANDOMIZED",
        "placebo",
    )
    assert study.design.masking == "QUADRUPLE"
    assert study.design.phases == ["NA"]
    assert (study.population.n, study.population.n_type) == (31, "ACTUAL")
    assert study.registration is not None
    assert study.registration.start_date == "2006-11"
    assert study.registration.status == "COMPLETED"
    assert study.registration.url == "https://clinicaltrials.gov/study/NCT00763412"
    assert [(a.label, a.role, a.n) for a in study.arms] == [
        ("1 Placebo", "PLACEBO_COMPARATOR", 8),
        ("2. repaglinide", "EXPERIMENTAL", 8),
    ]
    counts = {
        (o.measure, o.group): (o.counts.events, o.counts.total) for o in study.outcomes if o.counts
    }
    for group in ("Placebo", "Repaglinide"):
        assert counts[("Participants with serious adverse events", group)] == (0, 8)
        assert counts[("Participants with other adverse events", group)] == (0, 8)
    bmi = next(o for o in study.outcomes if o.measure == "BMI" and o.group == "1 Placebo")
    assert bmi.primary and bmi.estimate is not None
    assert (bmi.estimate.value, bmi.estimate.unit, bmi.estimate.method) == (19.63, "Kg/m^2", "mean")
    assert bmi.estimate.interval is None  # a full range is not a confidence interval
    assert bmi.statement == "Full range 15.56 to 22.64; 4 participants analysed"
    assert all(o.source == "registry" for o in study.outcomes)
    assert not [o for o in study.outcomes if o.statement == NO_RESULT]  # every measure posted
    assert "no-results" not in assess(study).codes
    assert "cell type" in study.not_available
    assert study.intervention is not None and study.intervention.cell_type is None
    assert result.notes == ()


def test_counts_of_participants_and_confidence_intervals(tmp_path: Path) -> None:
    study, result = _imported(tmp_path, "page-of-two.json")
    events = next(o for o in study.outcomes if o.measure == "Participants with adverse events")
    assert events.primary and events.counts is not None
    assert (events.counts.events, events.counts.total, events.group) == (5, 12, "AD-MSC")
    womac = next(o for o in study.outcomes if o.measure == "Change in WOMAC pain score")
    assert womac.estimate is not None and womac.estimate.interval is not None
    interval = womac.estimate.interval
    assert (womac.estimate.value, interval.lower, interval.upper, interval.level) == (
        -3.2,
        -4.9,
        -1.5,
        95,
    )
    assert not [o for o in study.outcomes if o.measure == "Cartilage volume"]  # "NA" skipped
    assert any("not usable numbers" in note for note in result.notes)
    serious = next(o for o in study.outcomes if o.measure.endswith("serious adverse events"))
    assert serious.counts is not None and (serious.counts.events, serious.counts.total) == (1, 12)
    assert study.design.type == "single-group-trial" and study.design.control == "none"
    assert (study.intervention.cell_type, study.intervention.tissue_origin) == ("msc", "adipose")
    assert study.intervention.cell_source == "autologous"


def test_record_without_results_is_pending_with_registered_outcomes(tmp_path: Path) -> None:
    study, result = _imported(tmp_path, "no-results.json")
    assert study.results == "pending"
    assert "no-results" in assess(study).codes
    assert "no resultsSection: results pending" in result.notes
    assert next((o.measure, o.primary, o.statement) for o in study.outcomes) == (
        "Change in HbA1c",
        True,
        NO_RESULT,
    )
    assert study.design.phases == ["PHASE1", "PHASE2"]
    assert study.design.comparator == "Placebo"
    assert study.headline.startswith("Registered Phase 1/2 randomized trial (recruiting")
    assert study.population.n_type == "ESTIMATED"
    assert len(study.population.inclusion) == 5
    intervention = study.intervention
    assert intervention is not None and intervention.name == "UC-MSC"  # the experimental arm's
    assert (intervention.cell_type, intervention.tissue_origin, intervention.cell_source) == (
        "msc",
        "umbilical-cord",
        "allogeneic",
    )
    pubmed = next(s for s in study.sources if s.key == "pubmed-35610000")
    assert pubmed.kind == "paper" and pubmed.url == "https://pubmed.ncbi.nlm.nih.gov/35610000/"
    assert study.condition.name == "Type 2 Diabetes"
    assert study.condition.synonyms == []  # keywords are not condition synonyms
    assert study.keywords == ["T2DM", "mesenchymal stromal cells", "Type 2 Diabetes"]


def test_observational_study_has_no_arms_and_no_assigned_intervention(tmp_path: Path) -> None:
    study, _ = _imported(tmp_path, "observational-cohort.json")
    assert study.design.type == "prospective-cohort"
    assert study.design.control == "none"
    assert study.arms == []
    assert study.intervention is not None and study.intervention.name == NO_INTERVENTION
    assert study.intervention.cell_type is None
    assert study.population.description and "Study population" in study.population.description


def test_partial_record_imports_what_is_there_and_names_missing_modules(tmp_path: Path) -> None:
    study, result = _imported(tmp_path, "partial.json")
    for module in ("designModule", "eligibilityModule", "descriptionModule", "outcomesModule"):
        assert f"no {module}" in result.notes
    assert study.design.type == "unknown"  # not guessed as single-group
    assert study.design.allocation_note and "no designModule" in study.design.allocation_note
    evidence = assess(study)
    assert evidence.level is None and "design-unknown" in evidence.codes
    assert "no-control" not in evidence.codes
    assert {"study type", "eligibility criteria"} <= set(study.not_available)
    assert study.results == "unknown"  # no hasResults: the record does not say
    assert "whether results were posted" in study.not_available
    assert study.population.n is None
    assert study.intervention is not None
    assert study.intervention.cell_type == "bone-marrow-cells"


def test_existing_descriptor_survives_without_force_and_is_replaced_with_it(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    _import(out, SAMPLE.name)
    target = out / "nct00763412.yaml"
    fresh = target.read_text(encoding="utf-8")
    edited = fresh.replace("title: Pilot", "title: Hand-edited Pilot", 1)
    target.write_text(edited, encoding="utf-8")

    again = _import(out, SAMPLE.name)
    assert [s.status for s in again.studies] == [Status.SKIPPED_EXISTS]
    assert again.ok and again.exit_code == 0
    assert target.read_text(encoding="utf-8") == edited

    forced = _import(out, SAMPLE.name, force=True)
    assert [s.status for s in forced.studies] == [Status.WRITTEN]
    assert "replaced (--force)" in forced.studies[0].notes
    assert target.read_text(encoding="utf-8") == fresh
    assert files_in(out) == ["nct00763412.yaml"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("malformed.json", "not valid JSON"),
        ("list.json", "the top level is a list"),
    ],
)
def test_malformed_input_is_an_error_naming_the_file(
    tmp_path: Path, name: str, message: str
) -> None:
    with pytest.raises(StemcellError, match=message) as caught:
        read_records(FIXTURES / name)
    assert name in str(caught.value)
    out = tmp_path / "out"
    report = _import(out, name)
    assert not report.studies and not report.ok and report.exit_code == 1
    assert [e.path.name for e in report.errors] == [name]
    assert name in report.errors[0].message
    assert files_in(out) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"Rank": 1, "Study": {}}', "classic"),
        (b'{"studies": []}', "no studies"),
        (b'{"studies": {}}', "not a list"),
        (b'{"something": 1}', "no protocolSection"),
        (b"42", "a single value"),
    ],
)
def test_unusable_files_are_clean_errors(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "input.json"
    path.write_bytes(content)
    with pytest.raises(StemcellError, match=message) as caught:
        read_records(path)
    assert str(path) in str(caught.value)


def test_unreadable_paths_and_oversized_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(StemcellError, match="cannot read"):
        read_records(tmp_path / "missing.json")
    with pytest.raises(StemcellError, match="folder"):
        read_records(tmp_path)
    monkeypatch.setattr(ctgov_read, "MAX_INPUT_BYTES", 100)
    with pytest.raises(StemcellError, match=r"larger than 100 bytes \(\d+ bytes\)") as caught:
        read_records(SAMPLE)
    assert str(SAMPLE) in str(caught.value) and "MiB" not in str(caught.value)


def test_descriptor_over_the_size_cap_fails_with_the_cap_in_its_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ctgov_run, "MAX_DESCRIPTOR_BYTES", 100)
    out = tmp_path / "out"
    report = _import(out, SAMPLE.name)
    failed = report.studies[0]
    assert (failed.status, failed.reason) == (Status.FAILED, "descriptor larger than 100 bytes")
    assert files_in(out) == []


def test_one_bad_study_in_a_page_does_not_stop_the_others(tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = _import(out, "page-of-two.json")
    statuses = [(s.position, s.nct_id, s.status) for s in report.studies]
    assert statuses == [(1, "NCT90000004", Status.WRITTEN), (2, None, Status.FAILED)]
    failed = report.studies[1]
    assert failed.reason and failed.reason.startswith("no valid NCT id")
    assert failed.where.endswith("page-of-two.json, study 2")
    assert failed.lines()[0].endswith(": no NCT id: failed: " + failed.reason)
    assert not report.ok and report.count(Status.WRITTEN) == 1 and report.count(Status.FAILED) == 1
    assert report.summary() == "1 written, 0 skipped, 1 failed"
    assert files_in(out) == ["nct90000004.yaml"]


def test_files_after_a_bad_one_are_still_imported(tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = _import(out, "malformed.json", SAMPLE.name, SAMPLE.name)
    assert [e.path.name for e in report.errors] == ["malformed.json"]
    assert [s.status for s in report.studies] == [Status.WRITTEN, Status.SKIPPED_DUPLICATE]
    assert report.studies[1].lines()[0].endswith(": skipped: same study earlier in this import")
    assert report.summary() == "1 written, 1 skipped, 0 failed; 1 file not read"
    assert files_in(out) == ["nct00763412.yaml"]


def test_writes_leave_no_temporary_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "deep" / "out"
    _import(out, *SHAPES)
    _import(out, *SHAPES, force=True)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert sorted(before) == sorted(f"{i}.yaml" for i in SHAPES.values())

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", broken_replace)
    report = _import(out, SAMPLE.name, force=True)
    failed = report.studies[0]
    assert failed.status is Status.FAILED and failed.reason
    assert failed.reason.startswith("cannot write") and "No space left on device" in failed.reason
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_new_files_get_ordinary_permissions(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _import(out, SAMPLE.name)
    mask = os.umask(0)
    os.umask(mask)
    assert (out / "nct00763412.yaml").stat().st_mode & 0o777 == 0o666 & ~mask


def test_output_folder_that_is_a_file_is_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(StemcellError, match="output folder"):
        _import(blocker, SAMPLE.name)


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ([], "JSON object"),
        ({"studies": []}, "no protocolSection"),
        ({"protocolSection": {"identificationModule": {"nctId": "NCT123"}}}, "NCT id"),
        (
            {
                "protocolSection": {
                    "identificationModule": {"nctId": "NCT90000009"},
                    "designModule": {"studyType": "EXPANDED_ACCESS"},
                }
            },
            "expanded-access",
        ),
    ],
)
def test_unusable_records_raise_value_error(record: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        descriptor_from_record(record)


def test_odd_values_are_cleaned_or_left_out() -> None:
    record = _record("no-results.json")
    protocol = record["protocolSection"]
    protocol["identificationModule"]["briefTitle"] = "MSC\x1b[31m trial\u202e  for\nT2D"
    protocol["statusModule"]["startDateStruct"]["date"] = "September 2024"
    protocol["statusModule"]["overallStatus"] = "AVAILABLE"
    protocol["designModule"]["enrollmentInfo"]["count"] = "sixty"
    protocol["designModule"]["phases"] = ["PHASE2", "PHASE9"]
    protocol["conditionsModule"]["keywords"] = "not a list"
    protocol["armsInterventionsModule"]["armGroups"].append({"label": "UC-MSC"})
    descriptor, notes = descriptor_from_record(record)
    study = Study.model_validate(descriptor)
    assert study.title == "MSC [31m trial for T2D"
    assert study.registration is not None
    assert study.registration.start_date is None and study.registration.status is None
    assert study.population.n is None
    assert study.design.phases == ["PHASE2"]
    assert [a.key for a in study.arms] == ["uc-msc", "placebo"]  # one label, one arm
    assert any("PHASE9" in note for note in notes)


def test_posted_results_missing_from_the_file_still_count_as_published() -> None:
    record = _record("no-results.json")
    record["hasResults"] = True
    descriptor, notes = descriptor_from_record(record)
    assert descriptor["results"] == "published"
    assert "posted results (not in the downloaded file)" in descriptor["not_available"]
    assert "results" not in descriptor["not_available"]
    assert any("hasResults is true but the file has no resultsSection" in n for n in notes)
    assert "results posted on the registry" in descriptor["headline"]


def test_withdrawn_study_without_results_is_not_applicable() -> None:
    record = _record("no-results.json")
    record["protocolSection"]["statusModule"]["overallStatus"] = "WITHDRAWN"
    descriptor, notes = descriptor_from_record(record)
    assert descriptor["results"] == "not-applicable"
    assert "results" not in descriptor["not_available"]
    assert "no resultsSection: study withdrawn before enrolment" in notes
    assert descriptor["headline"].endswith("no results (withdrawn); imported, not curated")
    record["hasResults"] = True  # posted results win over the status
    assert descriptor_from_record(record)[0]["results"] == "published"


def _numbers(value: Any) -> list[int | float]:
    """Every number in plain data."""
    if isinstance(value, dict):
        return [n for item in value.values() for n in _numbers(item)]
    if isinstance(value, list):
        return [n for item in value for n in _numbers(item)]
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    return [value] if is_number else []


_COUNTS = [  # where the sample record holds counts of people
    "protocolSection.designModule.enrollmentInfo.count",
    "resultsSection.adverseEventsModule.eventGroups[0].seriousNumAtRisk",
    "resultsSection.adverseEventsModule.eventGroups[1].deathsNumAffected",
    "resultsSection.participantFlowModule.periods[0].milestones[0].achievements[0].numSubjects",
    "resultsSection.outcomeMeasuresModule.outcomeMeasures[0].denoms[0].counts[1].value",
]


@pytest.mark.parametrize("huge", [10**200, 10**10, "99999999999"], ids=["1e200", "1e10", "text"])
@pytest.mark.parametrize("place", _COUNTS)
def test_counts_too_large_for_people_are_left_out_and_noted(place: str, huge: Any) -> None:
    record = _record(SAMPLE.name)
    *path, last = [int(k) if k.isdigit() else k for k in re.split(r"[.\[\]]+", place) if k]
    node = record
    for key in path:
        node = node[key]
    assert int(node[last]) < 1000  # the place holds a real count
    assert max(_numbers(descriptor_from_record(record)[0])) < 1000
    node[last] = huge
    descriptor, notes = descriptor_from_record(record)
    assert max(_numbers(descriptor)) < 10**10
    assert any("not a number of people" in n and place in n for n in notes), notes
    Study.model_validate(descriptor)


def test_count_of_participants_too_large_is_not_kept_as_an_estimate() -> None:
    record = _record("page-of-two.json")["studies"][0]
    measure = record["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"][0]
    assert measure["paramType"] == "COUNT_OF_PARTICIPANTS"
    value = measure["classes"][0]["categories"][0]["measurements"][0]
    value["value"] = str(10**30)
    descriptor, notes = descriptor_from_record(record)
    assert max(_numbers(descriptor)) < 10**10
    assert any("not usable numbers" in n for n in notes)


def test_ids_with_non_ascii_digits_are_not_nct_ids() -> None:
    record = _record("no-results.json")
    assert ctgov.nct_id_of(record) == "NCT90000002"
    record["protocolSection"]["identificationModule"]["nctId"] = "NCT９０００００02"
    assert ctgov.nct_id_of(record) is None
    with pytest.raises(ValueError, match="no valid NCT id"):
        descriptor_from_record(record)


def test_long_summary_is_cut_at_a_sentence() -> None:
    record = _record("no-results.json")
    sentence = "Cells are given twice and participants are followed for one year. "
    record["protocolSection"]["descriptionModule"]["briefSummary"] = sentence * 40
    descriptor, _ = descriptor_from_record(record)
    summary = descriptor["summary"]
    assert len(summary) <= SUMMARY_CHARS and summary.endswith("year. …")


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)
_MODULES = [
    ("protocolSection", "statusModule"),
    ("protocolSection", "conditionsModule"),
    ("protocolSection", "designModule"),
    ("protocolSection", "armsInterventionsModule"),
    ("protocolSection", "outcomesModule"),
    ("protocolSection", "eligibilityModule"),
    ("protocolSection", "referencesModule"),
    ("resultsSection", "outcomeMeasuresModule"),
    ("resultsSection", "adverseEventsModule"),
    ("resultsSection", "participantFlowModule"),
]
_BASE = json.loads(SAMPLE.read_text(encoding="utf-8"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_MODULES), _JSON)
def test_any_module_content_gives_a_valid_descriptor(where: tuple[str, str], value: Any) -> None:
    record = copy.deepcopy(_BASE)
    record[where[0]][where[1]] = value
    descriptor, _ = descriptor_from_record(record)
    Study.model_validate(descriptor)
    to_yaml(descriptor)


# The command line


def test_import_command_writes_validates_and_keeps_hand_edits(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = invoke("import", "ctgov", str(SAMPLE), "--out", str(out))
    assert first.exit_code == 0, first.stderr
    assert "1 written, 0 skipped, 0 failed" in first.stderr
    written = out / "nct00763412.yaml"
    assert invoke("validate", str(out)).exit_code == 0
    shown = invoke("show", "nct00763412", "--studies-dir", str(out), "--json")
    assert json.loads(shown.stdout)["registration"]["nct_id"] == "NCT00763412"
    written.write_text(written.read_text() + "# curated by hand\n", encoding="utf-8")
    again = invoke("import", "ctgov", str(SAMPLE), "--out", str(out))
    assert again.exit_code == 0 and "skipped: exists" in again.stderr
    assert written.read_text().endswith("# curated by hand\n")
    forced = invoke("import", "ctgov", str(SAMPLE), "--out", str(out), "--force")
    assert forced.exit_code == 0 and not written.read_text().endswith("# curated by hand\n")


def test_import_command_reports_malformed_input_cleanly(tmp_path: Path) -> None:
    result = invoke("import", "ctgov", str(FIXTURES / "malformed.json"), "--out", str(tmp_path))
    assert result.exit_code == 1
    first, last = result.stderr.splitlines()
    assert first.startswith(str(FIXTURES / "malformed.json") + ": not valid JSON")
    assert last == "0 written, 0 skipped, 0 failed; 1 file not read"
    assert list(tmp_path.iterdir()) == []
