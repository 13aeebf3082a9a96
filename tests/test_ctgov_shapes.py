"""Issue 19 items 1-8: real record shapes graded and compared right, imported from files and
through the local test server, then read back with ``show`` and ``list``.

Real records are in tests/fixtures/ctgov/ (README there: where each came from). Where no real
record of a shape was found, the test derives one from a real record and its docstring says
exactly what was changed (see ``ctgov_real``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import invoke
from ctgov_real import (
    CZP_ANALYSIS,
    DIET_COHORT,
    DIETS,
    FIELD_FILTERED,
    GCSF_DOSES,
    GENISTEIN,
    KINESIOTAPE,
    REPAGLINIDE,
    VACCINE_VIALS,
    WITHDRAWN_COHORT,
    arms,
    drop_arm,
    give,
    protocol,
    real,
    relabel,
    take_away,
)
from ctgov_server import Api, serve
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from stemcell_cli.ctgov.analyses import direction
from stemcell_cli.ctgov.control import cluster_unit
from stemcell_cli.ctgov.record import Record as RecordReader

Record = dict[str, Any]


def imported(tmp_path: Path, record: Record) -> dict[str, Any]:
    """``show --json`` of the record after ``stemcell import ctgov FILE``."""
    source = tmp_path / "record.json"
    source.write_text(json.dumps(record), encoding="utf-8")
    out = tmp_path / "studies"
    result = invoke("import", "ctgov", str(source), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    nct = record["protocolSection"]["identificationModule"]["nctId"].lower()
    shown = invoke("show", nct, "--studies-dir", str(out), "--json")
    assert shown.exit_code == 0, shown.stderr
    return json.loads(shown.stdout)


def card(tmp_path: Path, nct: str) -> str:
    """``show ID`` as a person reads it (the study imported by ``imported``)."""
    result = invoke("show", nct, "--studies-dir", str(tmp_path / "studies"))
    assert result.exit_code == 0, result.stderr
    return " ".join(result.stdout.split())


def codes(study: dict[str, Any]) -> list[str]:
    return [flag["code"] for flag in study["evidence"]["flags"]]


# ---- item 1: randomized arms that are all treatments ---------------------------------------


def test_two_presentations_of_one_vaccine_stay_an_alternative_delivery(tmp_path: Path) -> None:
    """Real NCT03722472, unchanged: one- vs two-vial ID93 + GLA-SE, typed EXPERIMENTAL and
    ACTIVE_COMPARATOR, the same intervention in both arms: no untreated comparison, level 4."""
    study = imported(tmp_path, real(VACCINE_VIALS))
    assert study["design"]["control"] == "alternative-delivery"
    assert "every arm receives ID93 + GLA-SE" in study["design"]["control_basis"]
    assert study["evidence"]["level"] == 4
    reason = study["evidence"]["flags"][0]["reason"]
    assert reason.startswith("Patients were only randomized between two ways of giving the same")
    assert "the same treatment given another way" in card(tmp_path, "nct03722472")
    assert "(completed, n = 48 actual)" in study["headline"]  # words, not registry codes


def test_a_real_head_to_head_trial_of_two_diets_has_an_active_control(tmp_path: Path) -> None:
    """Real NCT03058679, unchanged: Specific Carbohydrate vs Mediterranean Style Diet, both
    arms registered with the one intervention "Diet": different treatments, not two ways of
    giving one."""
    study = imported(tmp_path, real(DIETS))
    design = study["design"]
    assert (design["control"], design["comparator"]) == ("active", "Mediterranean Style Diet")
    assert "labels name different treatments" in design["control_basis"]
    assert study["evidence"]["level"] == 2 and "no-control" not in codes(study)
    found = _serious(study)  # the active control is the comparator, whatever the group order
    assert found["compared"] == "Specific Carbohydrate Diet 3/99 vs Mediterranean Style Diet 5/92"


def test_a_real_dose_finding_trial_of_one_drug_claims_no_control(tmp_path: Path) -> None:
    """Real NCT05531279, unchanged: three EXPERIMENTAL arms, all given PEG-rhG-CSF at other
    intervals: randomized, but with no untreated, standard-care or active comparison."""
    study = imported(tmp_path, real(GCSF_DOSES))
    assert study["design"]["type"] == "randomized-trial"
    assert study["design"]["control"] in {"none", "alternative-delivery"}
    assert study["evidence"]["level"] == 4 and "no-control" in codes(study)


def head_to_head() -> Record:
    """Derived from NCT03722472: the arm 'Two-vial ID93 + GLA-SE' is renamed 'BCG' and
    receives a BCG vaccine instead of ID93 + GLA-SE; the other arm is typed ACTIVE_COMPARATOR
    too (both arms typed ACTIVE_COMPARATOR, as in the head-to-head record of issue 19)."""
    record = real(VACCINE_VIALS)
    take_away(record, "Two-vial ID93 + GLA-SE")
    relabel(record, "Two-vial ID93 + GLA-SE", "BCG")
    give(record, "BCG", "Biological", "BCG vaccine")
    arms(record)[0]["type"] = "ACTIVE_COMPARATOR"
    return record


def delayed_start() -> Record:
    """Derived from NCT03722472: both arms typed ACTIVE_COMPARATOR, renamed 'Immediate
    vaccination' and 'Delayed vaccination', and the second arm's description says it gets the
    same injections 6 months later (the staggered, delayed-start shape of issue 19)."""
    record = real(VACCINE_VIALS)
    relabel(record, "Single-vial ID93 + GLA-SE", "Immediate vaccination")
    relabel(record, "Two-vial ID93 + GLA-SE", "Delayed vaccination")
    for arm in arms(record):
        arm["type"] = "ACTIVE_COMPARATOR"
    arms(record)[1]["description"] = (
        "Participants will receive the same two intramuscular (IM) injections 6 months later."
    )
    return record


def test_a_head_to_head_randomized_trial_has_an_active_control(tmp_path: Path) -> None:
    study = imported(tmp_path, head_to_head())
    assert study["design"]["control"] == "active"
    assert study["design"]["control_basis"].startswith("head-to-head")
    assert study["evidence"]["level"] == 2 and "no-control" not in codes(study)
    assert "vs active treatment" in card(tmp_path, "nct03722472")


def test_a_staggered_start_is_a_delayed_start_control(tmp_path: Path) -> None:
    study = imported(tmp_path, delayed_start())
    design = study["design"]
    assert (design["control"], design["comparator"]) == ("delayed-start", "Delayed vaccination")
    assert "later" in design["control_basis"]
    assert study["evidence"]["level"] == 2 and "no-control" not in codes(study)
    assert "the same treatment started later (delayed start)" in card(tmp_path, "nct03722472")


# ---- item 2: a standard-care comparator typed OTHER ----------------------------------------


def _placebo_replaced(label: str, drug: str) -> Record:
    """Derived from NCT00763412: the placebo arm is renamed ``label``, typed OTHER and given
    'Drug: ``drug``' instead of placebo; the repaglinide arm is given ``drug`` too."""
    record = real(REPAGLINIDE)
    take_away(record, "1 Placebo")
    relabel(record, "1 Placebo", label)
    arms(record)[0]["type"] = "OTHER"
    for arm in (label, "2. repaglinide"):
        give(record, arm, "Drug", drug)
    return record


def standard_therapy_arm() -> Record:
    """Drug + standard therapy vs standard therapy alone, as the phase 3 record of issue 19."""
    therapy = "Standard adjuvant endocrine therapy"
    return _placebo_replaced(therapy, therapy)


def add_on() -> Record:
    """An add-on design whose labels say nothing: 'Arm B' given Metformin."""
    return _placebo_replaced("Arm B", "Metformin")


@pytest.mark.parametrize(
    ("derive", "basis"),
    [
        (standard_therapy_arm, "says standard care"),
        (add_on, "receives only what arm '2. repaglinide' also receives (Metformin)"),
    ],
)
def test_an_arm_typed_other_given_standard_therapy_is_the_control(
    tmp_path: Path, derive: Callable[[], Record], basis: str
) -> None:
    study = imported(tmp_path, derive())
    assert study["design"]["control"] == "standard-care"
    assert basis in study["design"]["control_basis"]
    assert study["evidence"]["level"] == 2 and "no-control" not in codes(study)


# ---- item 3: NO_INTERVENTION is untreated only when nothing is given -----------------------


def test_a_real_no_intervention_arm_given_standard_rehabilitation_is_standard_care(
    tmp_path: Path,
) -> None:
    """Real NCT05013879, unchanged: the control leg, typed NO_INTERVENTION, receives "standard
    inpatient rehabilitation alone"; it is not untreated."""
    study = imported(tmp_path, real(KINESIOTAPE))
    design = study["design"]
    assert design["control"] == "standard-care"
    assert "standard inpatient rehabilitation alone" in design["control_basis"]
    assert study["evidence"]["level"] == 2
    assert "vs standard care" in card(tmp_path, "nct05013879")


@pytest.mark.parametrize(
    ("description", "control"),
    [
        (
            "Conventional colonoscopy without the computer-aided detection software.",
            "standard-care",
        ),
        ("Complete caries removal.", "standard-care"),
        ("Standard care only; no study drug.", "standard-care"),
        ("No treatment during the study; observation only.", "untreated"),
        ("Participants will be followed up for 2 years.", "untreated"),
        (None, "untreated"),
    ],
)
def test_a_no_intervention_arm_is_untreated_only_when_nothing_is_given(
    tmp_path: Path, description: str | None, control: str
) -> None:
    """Derived from NCT00763412: the placebo arm is typed NO_INTERVENTION, given no
    intervention, and its description replaced (or removed)."""
    record = real(REPAGLINIDE)
    take_away(record, "1 Placebo")
    relabel(record, "1 Placebo", "Control")
    arms(record)[0]["type"] = "NO_INTERVENTION"
    arms(record)[0].pop("description")
    if description:
        arms(record)[0]["description"] = description
    study = imported(tmp_path, record)
    assert study["design"]["control"] == control
    assert "NO_INTERVENTION" in study["design"]["control_basis"]
    if description and control == "standard-care":
        assert description[:40] in study["design"]["control_basis"]


# ---- item 4: withdrawn before anyone took part ---------------------------------------------


def withdrawn() -> Record:
    """Derived from NCT03722472: status WITHDRAWN and enrolment 0 (ACTUAL)."""
    record = real(VACCINE_VIALS)
    protocol(record, "statusModule")["overallStatus"] = "WITHDRAWN"
    protocol(record, "designModule")["enrollmentInfo"] = {"count": 0, "type": "ACTUAL"}
    return record


def real_withdrawn() -> Record:
    """Real NCT01511679, unchanged: an observational cohort withdrawn with 0 enrolled."""
    return real(WITHDRAWN_COHORT)


def test_a_real_withdrawn_cohort_with_nobody_enrolled_has_no_evidence(tmp_path: Path) -> None:
    study = imported(tmp_path, real_withdrawn())
    evidence = study["evidence"]
    assert (evidence["level"], evidence["starting_point"]) == (
        None,
        "not applicable: nobody took part",
    )
    assert codes(study) == ["withdrawn"]
    assert "The project was not funded" in evidence["flags"][0]["reason"]


def test_a_withdrawn_study_with_nobody_enrolled_has_no_level(tmp_path: Path) -> None:
    study = imported(tmp_path, withdrawn())
    evidence = study["evidence"]
    assert (evidence["level"], evidence["starting_point"]) == (
        None,
        "not applicable: nobody took part",
    )
    assert codes(study) == ["withdrawn"]  # no cautions about evidence there is none of
    studies = str(tmp_path / "studies")
    assert (
        json.loads(invoke("list", "--studies-dir", studies, "--max-level", "4", "--json").stdout)
        == []
    )
    listed = invoke("list", "--studies-dir", studies, "--format", "table")
    assert " unknown " in listed.stdout  # the level column: the design gives no level


# ---- item 5: cluster and stepped-wedge designs ---------------------------------------------


def stepped_wedge() -> Record:
    """Derived from NCT03722472: the second arm removed (one arm, allocation RANDOMIZED kept),
    enrolment 10, and an interventionModelDescription saying it is a stepped-wedge design in
    which 10 health systems are randomized to the time they start (issue 19's shape)."""
    record = real(VACCINE_VIALS)
    drop_arm(record, "Two-vial ID93 + GLA-SE")
    design = protocol(record, "designModule")
    design["enrollmentInfo"] = {"count": 10, "type": "ACTUAL"}
    design["designInfo"]["interventionModelDescription"] = (
        "Stepped wedge design: 10 health systems will be randomized to the time they start."
    )
    return record


def test_a_stepped_wedge_trial_is_randomized_by_cluster_not_ten_people(tmp_path: Path) -> None:
    study = imported(tmp_path, stepped_wedge())
    design = study["design"]
    assert (design["type"], design["control"]) == ("randomized-trial", "delayed-start")
    assert "stepped-wedge" in design["control_basis"]
    assert "Randomized by cluster" in design["allocation_note"]
    assert study["population"]["n"] is None
    assert study["evidence"]["level"] == 2
    assert not {"no-control", "small-sample"} & set(codes(study))
    assert "number of participants (the enrolment may count clusters)" in study["not_available"]
    assert "Randomized by cluster" in card(tmp_path, "nct03722472")


@pytest.mark.parametrize(
    ("summary", "cluster"),
    [
        ("Twelve primary care practices were randomized to the programme or usual care.", True),
        ("A cluster randomized trial in 20 villages.", True),
        ("The trial is in a stepped wedge design.", True),
        ("Patients at 10 hospitals will be randomized to MSC or placebo.", False),
        ("Cluster headache patients will be randomized to MSC or placebo.", False),
    ],
)
def test_enrolment_is_read_as_people_unless_the_unit_is_a_cluster(
    tmp_path: Path, summary: str, cluster: bool
) -> None:
    """Derived from NCT00763412: its brief summary replaced by one sentence."""
    record = real(REPAGLINIDE)
    protocol(record, "descriptionModule")["briefSummary"] = summary
    study = imported(tmp_path, record)
    assert (study["population"]["n"] is None) is cluster
    assert ("Randomized by cluster" in (study["design"]["allocation_note"] or "")) is cluster


# ---- item 6: retrospective, field-filtered and single-group records ------------------------


def test_a_retrospective_study_of_model_other_is_flagged_retrospective(tmp_path: Path) -> None:
    """Derived from NCT06323538: observationalModel OTHER, timePerspective RETROSPECTIVE."""
    record = real(DIET_COHORT)
    info = protocol(record, "designModule")["designInfo"]
    info.update(observationalModel="OTHER", timePerspective="RETROSPECTIVE")
    study = imported(tmp_path, record)
    assert study["design"]["type"] == "observational-study"
    assert "retrospective" in codes(study)


def test_a_real_prospective_cohort_is_not_flagged_retrospective(tmp_path: Path) -> None:
    study = imported(tmp_path, real(DIET_COHORT))
    assert study["design"]["type"] == "prospective-cohort"
    assert "retrospective" not in codes(study)


def field_filtered_cohort() -> Record:
    """Derived from NCT06323538: armsInterventionsModule and designInfo removed, as a search
    with a field filter (studyType and enrolment only) returns the record."""
    record = real(DIET_COHORT)
    del record["protocolSection"]["armsInterventionsModule"]
    del protocol(record, "designModule")["designInfo"]
    return record


@pytest.mark.parametrize("make", [field_filtered_cohort, lambda: real(FIELD_FILTERED)])
def test_a_field_filtered_record_does_not_claim_there_was_no_comparison_group(
    tmp_path: Path, make: Callable[[], Record]
) -> None:
    """The second record is real (NCT07062965 as a field-filtered search returned it)."""
    study = imported(tmp_path, make())
    assert study["design"]["type"] == "unknown" and study["design"]["control"] is None
    assert study["evidence"]["level"] is None
    assert "no-control" not in codes(study) and "design-unknown" in codes(study)


def test_a_field_filtered_observational_record_says_what_it_could_not_tell(tmp_path: Path) -> None:
    study = imported(tmp_path, field_filtered_cohort())
    reason = next(f["reason"] for f in study["evidence"]["flags"] if f["code"] == "design-unknown")
    assert "observational study" in reason and "comparison group cannot be told" in reason


def test_a_single_group_registered_as_single_group_is_a_single_group_trial(tmp_path: Path) -> None:
    """Derived from NCT03722472: allocation NON_RANDOMIZED, interventionModel SINGLE_GROUP, the
    second arm removed."""
    record = real(VACCINE_VIALS)
    drop_arm(record, "Two-vial ID93 + GLA-SE")
    info = protocol(record, "designModule")["designInfo"]
    info.update(allocation="NON_RANDOMIZED", interventionModel="SINGLE_GROUP")
    study = imported(tmp_path, record)
    assert (study["design"]["type"], study["design"]["control"]) == ("single-group-trial", "none")
    assert study["evidence"]["level"] == 4


# ---- item 7: posted analyses keep the registry's direction ---------------------------------


def with_czp_analysis(*, stated: bool = True, kind: str | None = None) -> Record:
    """Derived from NCT00763412: the groups of its 'FEV 1' measure renamed 'Placebo (FAS)'
    (OG000) and 'CZP (FAS)' (OG001), and the posted analysis of
    fixtures/ctgov/aact-analysis-czp-placebo.json added to it (groupIds OG000, OG001: the
    placebo group first, as in issue 19); ``stated=False`` removes its groupDescription and
    statisticalComment, ``kind`` sets its nonInferiorityType."""
    record = real(REPAGLINIDE)
    measures = record["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"]
    measure = next(m for m in measures if m["title"] == "FEV 1")
    measure["groups"][0]["title"] = "Placebo (FAS)"
    measure["groups"][1]["title"] = "CZP (FAS)"
    analysis = real(CZP_ANALYSIS)
    if not stated:
        del analysis["groupDescription"], analysis["statisticalComment"]
    if kind:
        analysis["nonInferiorityType"] = kind
    measure["analyses"] = [analysis]
    return record


def _posted(study: dict[str, Any]) -> dict[str, Any]:
    return next(o for o in study["outcomes"] if o.get("effect"))


def test_a_posted_odds_ratio_keeps_the_direction_the_registry_states(tmp_path: Path) -> None:
    study = imported(tmp_path, with_czp_analysis())
    posted = _posted(study)
    assert posted["effect"]["comparison"] == "CZP (FAS) vs Placebo (FAS)"
    assert "Odds ratio: CZP/Placebo" in posted["statement"]
    assert "OTHER" not in posted["statement"]
    shown = card(tmp_path, "nct00763412")
    assert "Odds ratio: CZP/Placebo" in shown
    assert "Placebo (FAS) vs CZP" not in shown


def test_an_analysis_without_a_stated_direction_says_so(tmp_path: Path) -> None:
    posted = _posted(imported(tmp_path, with_czp_analysis(stated=False, kind="SUPERIORITY")))
    assert posted["effect"]["comparison"] == "Placebo (FAS) vs CZP (FAS)"  # as listed
    assert "direction not stated on the registry" in posted["statement"]
    assert (
        "superiority analysis" in posted["statement"] and "SUPERIORITY" not in posted["statement"]
    )


@pytest.mark.parametrize(
    ("fields", "titles", "comparison", "says"),
    [  # the texts are those of analyses in aact's outcome_analysis.json (see the fixture README)
        (
            {"otherAnalysisDescription": "Hazard Ratio (HR) (Dex/PBO)"},
            ["Placebo", "Dexamethasone"],
            "Dexamethasone vs Placebo",  # "Dex" starts "Dexamethasone"; PBO is placebo
            "direction as stated on the registry: Hazard Ratio (HR) (Dex/PBO)",
        ),
        (
            {"groupDescription": "Odds ratio: CZP/Placebo and p-value were calculated"},
            ["Placebo", "Certolizumab Pegol 200 mg Q2W"],
            "Certolizumab Pegol 200 mg Q2W vs Placebo",  # CZP names no group: the other one
            "direction as stated on the registry: Odds ratio: CZP/Placebo",
        ),
        (
            {
                "groupDescription": "From an ANCOVA model including scores at Baseline, "
                "treatment group, region and MRI/CRP classification."
            },
            ["Placebo", "Certolizumab Pegol"],
            "Placebo vs Certolizumab Pegol",
            "groups in the order listed; the registry states: From an ANCOVA model",
        ),
        (
            {
                "estimateComment": "Hazard ratio and its CIs were estimated from Cox Proportional "
                "hazards model stratified by FLIPI2 risk categorization."
            },
            ["Placebo", "Certolizumab Pegol"],
            "Placebo vs Certolizumab Pegol",
            "direction not stated on the registry: groups in the order listed; Hazard ratio and",
        ),
    ],
)
def test_the_direction_of_a_posted_analysis_is_read_or_said_unknown(
    fields: dict[str, str], titles: list[str], comparison: str, says: str
) -> None:
    found, stated, notes = direction(RecordReader(fields), titles)
    assert found == comparison
    assert says in "; ".join(filter(None, [stated, *notes]))


# ---- item 8: results groups matched to arms; the detected control compares -----------------


def placebo_typed_experimental() -> Record:
    """Derived from NCT00763412: the arm '1 Placebo' typed EXPERIMENTAL (as the 'Placebo qw'
    arm of issue 19), and its adverse-event groups renamed 'Placebo (FAS)' and
    'Repaglinide (FAS)'."""
    record = real(REPAGLINIDE)
    arms(record)[0]["type"] = "EXPERIMENTAL"
    groups = record["resultsSection"]["adverseEventsModule"]["eventGroups"]
    groups[0]["title"], groups[1]["title"] = "Placebo (FAS)", "Repaglinide (FAS)"
    return record


def _serious(study: dict[str, Any]) -> dict[str, Any]:
    return next(
        c
        for c in study["comparisons"]
        if c["outcome"] == "Participants with serious adverse events"
    )


def test_the_detected_control_compares_groups_whose_names_differ_a_little(tmp_path: Path) -> None:
    study = imported(tmp_path, placebo_typed_experimental())
    assert study["design"]["control"] == "placebo"
    found = _serious(study)
    assert found["computed"], found["reason"]
    assert (found["experimental"]["arm"], found["comparator"]["arm"]) == (
        "2-repaglinide",
        "1-placebo",
    )
    assert found["compared"] == "Repaglinide (FAS) 0/8 vs Placebo (FAS) 0/8"
    assert "control" in found["matched_by"]


def test_a_results_group_is_matched_to_an_arm_by_its_description(tmp_path: Path) -> None:
    """Derived from placebo_typed_experimental: the adverse-event group 'Repaglinide (FAS)'
    renamed '0.5 mg before each meal', words that only the repaglinide arm's description
    holds ("repaglinide 0.5 mg before each meal ...")."""
    record = placebo_typed_experimental()
    record["resultsSection"]["adverseEventsModule"]["eventGroups"][1]["title"] = (
        "0.5 mg before each meal"
    )
    found = _serious(imported(tmp_path, record))
    assert found["computed"], found["reason"]
    assert found["experimental"]["arm"] == "2-repaglinide"


def real_genistein() -> Record:
    """Real NCT01126879, unchanged: arms 'Arm I' and 'Arm II', results groups 'Arm I -
    Genistein' and 'Arm II - Placebo'."""
    return real(GENISTEIN)


def test_real_results_groups_named_a_little_differently_are_compared(tmp_path: Path) -> None:
    study = imported(tmp_path, real_genistein())
    assert [arm["n"] for arm in study["arms"]] == [8, 4]
    found = _serious(study)
    assert found["computed"], found["reason"]
    assert found["compared"] == "Arm I - Genistein 1/8 vs Arm II - Placebo 0/4"
    assert (found["experimental"]["arm"], found["comparator"]["arm"]) == ("arm-i", "arm-ii")


def test_the_real_record_is_still_compared(tmp_path: Path) -> None:
    """NCT00763412 unchanged: its adverse-event groups 'Placebo' and 'Repaglinide' are the arms
    '1 Placebo' and '2. repaglinide'."""
    found = _serious(imported(tmp_path, real(REPAGLINIDE)))
    assert found["computed"]
    assert (found["experimental"]["arm"], found["comparator"]["arm"]) == (
        "2-repaglinide",
        "1-placebo",
    )


# ---- the same through the local test server ------------------------------------------------


@pytest.fixture(scope="module")
def api() -> Iterator[Api]:
    with serve() as served:
        yield served


SHAPES = [
    real_withdrawn,
    real_genistein,
    head_to_head,
    delayed_start,
    standard_therapy_arm,
    withdrawn,
    stepped_wedge,
    field_filtered_cohort,
    placebo_typed_experimental,
    with_czp_analysis,
]


@pytest.mark.parametrize("derive", SHAPES, ids=lambda f: f.__name__)
def test_a_record_fetched_from_the_server_is_graded_as_from_a_file(
    api: Api, tmp_path: Path, derive: Callable[[], Record]
) -> None:
    record = derive()
    nct = record["protocolSection"]["identificationModule"]["nctId"]
    api.study(record)
    fetched = invoke("import", "ctgov", nct, "--api-url", api.url, "--out", str(tmp_path / "live"))
    assert fetched.exit_code == 0, fetched.stderr
    from_file = imported(tmp_path, record)
    live = invoke("show", nct.lower(), "--studies-dir", str(tmp_path / "live"), "--json")
    assert json.loads(live.stdout)["evidence"] == from_file["evidence"]
    assert json.loads(live.stdout)["design"] == from_file["design"]


# ---- the readers never fail on any text -----------------------------------------------------

_NAME = st.from_regex(r"[A-Za-z]{3,12}", fullmatch=True)


@settings(max_examples=150, deadline=None)
@given(
    first=_NAME,
    second=_NAME,
    separator=st.sampled_from(["/", " vs ", " vs. ", " versus ", " - ", " compared with "]),
    before=st.sampled_from(["", "Odds ratio:", "Hazard Ratio (HR)", "Difference in means,"]),
    listed_first=st.booleans(),
)
def test_the_stated_direction_wins_over_the_listed_order(
    first: str, second: str, separator: str, before: str, listed_first: bool
) -> None:
    """Whatever the listed order of the groups, "A/B" (vs, versus ...) reads as A vs B."""
    assume(first.casefold() != second.casefold())
    assume(not {first.casefold(), second.casefold()} & _NOT_GROUP_NAMES)
    titles = [f"{first} (FAS)", f"{second} 10 mg"]
    if not listed_first:
        titles.reverse()
    said = f"{before} {first}{separator}{second} were compared"
    comparison, stated, notes = direction(RecordReader({"groupDescription": said}), titles)
    expected_first = next(t for t in titles if t.split()[0] == first)
    if not _words_in(before, titles):
        assert comparison == f"{expected_first} vs {next(t for t in titles if t != expected_first)}"
        assert stated is not None and not notes


# words that cannot name a group: linking words, analysis populations, the sentence's own
_NOT_GROUP_NAMES = {"vs", "versus", "minus", "over", "compared", "with", "relative", "divided"}
_NOT_GROUP_NAMES |= {"fas", "itt", "mitt", "set", "population", "analysis", "arm", "were"}


def _words_in(text: str, titles: list[str]) -> bool:
    words = set(re.findall(r"[a-z0-9]+", text.casefold()))
    return any(words & set(re.findall(r"[a-z0-9]+", t.casefold())) for t in titles)


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=300), titles=st.lists(st.text(max_size=30), max_size=3))
def test_readers_of_registry_text_never_fail(text: str, titles: list[str]) -> None:
    record = {"protocolSection": {"identificationModule": {"briefTitle": text}}}
    unit = cluster_unit(RecordReader(record))
    assert unit is None or all(word in text.lower() for word in unit.split())
    comparison, _, _ = direction(RecordReader({"estimateComment": text}), titles)
    assert comparison is None or isinstance(comparison, str)
