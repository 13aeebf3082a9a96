"""Two-arm comparisons found in a descriptor, and the effects shown in show, compare and JSON."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import pytest
from conftest import invoke, write_study
from twoarm import arms_outcomes, write_two_arm

Z = 1.959963984540054


def _comparisons(folder: Path, study_id: str) -> list[dict]:
    result = invoke("show", study_id, "--json", "--studies-dir", str(folder))
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["comparisons"]


def test_ms_mist_has_the_crude_risk_ratio_beside_the_published_hazard_ratio() -> None:
    result = invoke("show", "ms-mist", "--json")
    (found,) = [c for c in json.loads(result.stdout)["comparisons"] if c["computed"]]
    rr = found["effects"][0]
    log_rr = math.log((3 / 55) / (34 / 55))
    se = math.sqrt(1 / 3 - 1 / 55 + 1 / 34 - 1 / 55)
    assert rr["measure"] == "RR" and rr["label"] == "computed"
    assert rr["estimate"] == pytest.approx(3 / 34, rel=1e-12)  # unrounded
    assert rr["lower"] == pytest.approx(math.exp(log_rr - Z * se), rel=1e-12)
    assert rr["upper"] == pytest.approx(math.exp(log_rr + Z * se), rel=1e-12)
    assert "log method" in rr["method"]
    assert (found["experimental"]["events"], found["experimental"]["total"]) == (3, 55)
    assert (found["comparator"]["group"], found["comparator"]["events"]) == ("DMT", 34)
    assert found["compared"] == "HSCT 3/55 vs DMT 34/55"
    (hr,) = found["published"]
    assert (hr["measure"], hr["value"], hr["lower"], hr["upper"]) == (
        "hazard-ratio",
        0.07,
        0.02,
        0.24,
    )
    assert hr["label"] == "published"
    assert any("ignores follow-up time" in note for note in found["notes"])
    nn = found["number_needed"]
    assert nn["kind"] == "NNT" and nn["text"].startswith("NNT (benefit)")
    assert nn["estimate"] == pytest.approx(1 / (34 / 55 - 3 / 55))
    absolute = found["absolute"]
    assert absolute["comparator"] == pytest.approx(1000 * 34 / 55)
    assert absolute["intervention"] == pytest.approx(1000 * 34 / 55 * 3 / 34)
    assert absolute["lower"] == pytest.approx(1000 * 34 / 55 * rr["lower"])


def test_show_and_compare_print_the_computed_effects() -> None:
    shown = invoke("show", "ms-mist").stdout
    assert "Effects (computed)" in shown
    assert "0.088 (95% CI 0.029 to 0.27)" in shown
    assert "HR 0.07 (95% CI 0.02 to 0.24)" in shown and "published [paper]" in shown
    compared = invoke("compare", "ms-mist", "ms-hsct", "--json").stdout
    cells = [v for r in json.loads(compared)["rows"] for v in r["values"].values()]
    assert any("computed, HSCT 3/55 vs DMT 34/55: RR 0.088 (95% CI" in c for c in cells)
    markdown = invoke("show", "ms-mist", "-f", "markdown").stdout
    assert "## Effects (computed)" in markdown


def test_no_events_in_either_arm_is_not_estimable(catalog_dir: Path) -> None:
    write_two_arm(catalog_dir, "nil", 0, 20, 0, 22)
    (found,) = _comparisons(catalog_dir, "nil")
    rr, odds, rd = found["effects"]
    assert rr["estimate"] is None and odds["estimate"] is None
    assert "not estimable: no events in either arm" in rr["note"]
    assert rd["estimate"] == 0 and rd["lower"] < 0 < rd["upper"]
    assert found["number_needed"]["kind"] is None and found["absolute"]["intervention"] is None
    assert "not estimable" in invoke("show", "nil", "--studies-dir", str(catalog_dir)).stdout


def test_a_zero_cell_gets_one_half_added_as_escalc(catalog_dir: Path) -> None:
    write_two_arm(catalog_dir, "zero", 4, 10, 0, 10)
    (found,) = _comparisons(catalog_dir, "zero")
    rr = found["effects"][0]
    assert rr["corrected"] is True
    assert rr["estimate"] == pytest.approx((4.5 / 11) / (0.5 / 11))


@pytest.mark.parametrize(
    ("events_are", "kind", "start"),
    [
        ("harmful", "NNT", "NNT (benefit)"),
        ("desirable", "NNH", "NNH (harm)"),
        (None, None, "1 fewer with the event for every 2.0 treated"),
    ],
)
def test_nnt_or_nnh_follows_what_an_event_means(catalog_dir, events_are, kind, start) -> None:
    extra = {"events_are": events_are} if events_are else {}
    write_two_arm(catalog_dir, "dir", 10, 100, 60, 100, extra=extra)
    nn = _comparisons(catalog_dir, "dir")[0]["number_needed"]
    assert nn["kind"] == kind and nn["text"].startswith(start)
    assert nn["estimate"] == pytest.approx(2.0)


def test_groups_named_like_the_control_count_when_there_are_no_arms(catalog_dir: Path) -> None:
    outcomes = arms_outcomes(5, 50, 15, 50)["outcomes"]
    outcomes[0]["group"] = "treated patients"
    outcomes[1]["group"] = "Control"
    write_study(catalog_dir, id="named", outcomes=outcomes)
    (found,) = _comparisons(catalog_dir, "named")
    assert found["computed"] and found["matched_by"] == "group names"
    assert found["compared"] == "treated patients 5/50 vs Control 15/50"


def test_ambiguous_arms_are_not_computed_and_say_why(catalog_dir: Path) -> None:
    fields = arms_outcomes(5, 50, 15, 50)
    fields["arms"].append({"key": "high", "label": "High dose", "role": "EXPERIMENTAL"})
    fields["outcomes"].append(copy.deepcopy(fields["outcomes"][0]) | {"group": "High dose"})
    write_study(catalog_dir, id="three", **fields)
    (found,) = _comparisons(catalog_dir, "three")
    assert found["computed"] is False and found["effects"] == []
    assert found["reason"].startswith("not computed: ")
    assert "2 experimental, 1 comparator" in found["reason"]


def test_percentages_without_counts_are_not_computed(catalog_dir: Path) -> None:
    fields = arms_outcomes(5, 50, 15, 50)
    fields["outcomes"][1] = {
        "measure": "Tuberculosis",
        "group": "placebo",
        "estimate": {"value": 30, "unit": "%"},
        "source": "paper",
    }
    write_study(catalog_dir, id="pct", **fields)
    (found,) = _comparisons(catalog_dir, "pct")
    assert found["reason"] == (
        "not computed: counts, or a mean with its SD (or SE or 95% CI) and n, are needed in "
        "both arms; 'placebo' gives neither counts nor a mean"
    )


def test_uncontrolled_subgroups_are_not_comparisons(catalog_dir: Path) -> None:
    outcomes = arms_outcomes(5, 50, 15, 50)["outcomes"]
    write_study(catalog_dir, id="single", design__control="none", outcomes=outcomes)
    assert _comparisons(catalog_dir, "single") == []


def test_outcomes_match_by_endpoint_and_measure_ignoring_case_and_spacing(catalog_dir) -> None:
    fields = arms_outcomes(5, 50, 15, 50)
    fields["outcomes"][1]["measure"] = "  TUBERCULOSIS "
    write_study(catalog_dir, id="spaced", **fields)
    assert _comparisons(catalog_dir, "spaced")[0]["computed"]
    fields["outcomes"][0]["endpoint"] = "tb"
    write_study(catalog_dir, id="split", **fields)
    assert _comparisons(catalog_dir, "split") == []  # endpoint vs plain measure: two outcomes


def test_the_schema_documents_the_endpoint_and_the_index_serves_the_model() -> None:
    schema = json.loads(invoke("schema").stdout)
    outcome = schema["$defs"]["Outcome"]["properties"]
    assert "pooled across studies" in outcome["endpoint"]["description"]
    assert set(outcome["events_are"]["anyOf"][0]["enum"]) == {"harmful", "desirable"}
    invoke("show", "ms-mist")  # builds the index
    cited = invoke("cite", "ms-mist")  # rebuilds the model from the stored record
    assert cited.exit_code == 0 and "index not used" not in cited.stderr


def test_arms_without_roles_are_told_apart_by_a_control_name(catalog_dir: Path) -> None:
    fields = arms_outcomes(5, 50, 15, 50)
    for arm in fields["arms"]:
        del arm["role"]
    write_study(catalog_dir, id="noroles", **fields)
    (found,) = _comparisons(catalog_dir, "noroles")
    assert found["computed"] and found["matched_by"] == "arm roles and names"
    assert (found["experimental"]["arm"], found["comparator"]["arm"]) == ("cells", "placebo")
    fields["arms"][1]["label"] = fields["arms"][1]["key"] = "other"
    fields["outcomes"][1]["group"] = "other"
    write_study(catalog_dir, id="unnamed", **fields)
    assert _comparisons(catalog_dir, "unnamed")[0]["computed"] is False


def test_a_no_intervention_arm_is_the_comparator(catalog_dir: Path) -> None:
    fields = arms_outcomes(2, 20, 8, 20)
    fields["arms"][1] |= {"key": "none", "label": "No treatment", "role": "NO_INTERVENTION"}
    fields["outcomes"][1]["group"] = "none"
    write_study(
        catalog_dir,
        id="no-treatment",
        design={"type": "randomized-trial", "allocation": "RANDOMIZED", "control": "untreated"},
        **fields,
    )
    (found,) = _comparisons(catalog_dir, "no-treatment")
    assert found["computed"], found["reason"]
    assert found["compared"] == "cells 2/20 vs none 8/20"
    assert found["comparator"]["arm"] == "none"
