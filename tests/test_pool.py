"""`stemcell pool`: summary of findings, pooled outcomes vs metafor, forest plots, refusals.

Reference figures: metafor 3.8-1 on dat.bcg, as cited in test_synthesis_pooling.py
(rma(yi, vi, method=...) with escalc(measure="RR"/"OR"); predict() for the prediction
interval; weights()).
"""

from __future__ import annotations

import csv
import io
import json
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import invoke, write_study
from twoarm import BCG, LOW_RISK, write_bcg, write_two_arm

pytestmark = pytest.mark.usefixtures("seed_catalog")  # the nine seed studies

SIG = 5e-5
UNBLINDED = {"type": "randomized-trial", "allocation": "RANDOMIZED", "control": "placebo"}
UNBLINDED |= {"masking": "NONE"}
NRS = {"type": "non-randomized-trial", "allocation": "NON_RANDOMIZED", "control": "placebo"}
MOUSE = {"kind": "preclinical", "population": {"species": "mouse", "n": 20}}
MOUSE |= {"design": {"type": "animal-study", "control": "placebo"}}


@pytest.fixture(scope="module")
def bcg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bcg")
    write_bcg(folder, risk_of_bias=LOW_RISK)
    return folder


def pooled_json(folder: Path, *options: str) -> dict:
    result = invoke("pool", "--studies-dir", str(folder), "--json", *options)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def close(got: float, want: float, rel: float = SIG) -> bool:
    return got == pytest.approx(want, rel=rel, abs=1e-12)


# The prediction intervals follow the Cochrane Handbook (t with k - 2 df), computed in R 4.2.2
# with metafor 3.8-1: r <- rma(yi, vi, data = escalc("RR", ai = tpos, bi = tneg, ci = cpos,
# di = cneg, data = dat.bcg), method = "REML", control = list(threshold = 1e-12));
# r$b -/+ qt(.975, r$k - 2) * sqrt(r$se^2 + r$tau2)  (DL and OR likewise)
@pytest.mark.parametrize(
    ("options", "beta", "ci", "tau2", "i2", "pi"),
    [
        (
            [],  # the defaults: RR, REML
            -0.7145323484,
            (-1.066897676, -0.362167021),
            0.313243326,
            92.22138607,
            (-2.0083759069, 0.5793112226),
        ),
        (
            ["--method", "dl"],
            -0.7141172221,
            (-1.06444528, -0.3637891641),
            0.3087602629,
            92.11734685,
            (-1.9988384958, 0.5706040516),
        ),
        (
            ["--method", "fixed"],
            -0.4302851637,
            (-0.5096612584, -0.3509090689),
            0.0,
            92.11734685,
            None,
        ),
        (
            ["--effect", "or"],
            -0.7451777718,
            (-1.109785786, -0.3805697575),
            0.3377720451,
            92.07269155,
            (-2.0882809136, 0.5979253719),
        ),
    ],
)
def test_pool_json_reproduces_metafor_on_the_bcg_trials(bcg, options, beta, ci, tau2, i2, pi):
    data = pooled_json(bcg, "--measure", "tuberculosis", *options)
    p = data["pooled"]
    assert data["k"] == 13 and data["comparisons"] == "randomized, human"
    assert close(p["beta"], beta) and close(p["estimate"], math.exp(beta))
    assert close(p["lower"], math.exp(ci[0])) and close(p["upper"], math.exp(ci[1]))
    assert close(p["tau2"], tau2) if tau2 else p["tau2"] == 0
    assert close(p["i2"], i2)
    assert close(p["q"], 163.1649152 if "or" in options else 152.2330081)
    assert p["q_df"] == 12 and p["label"] == "computed"
    if pi is None:
        assert p["prediction"] is None
    else:
        assert close(p["prediction"]["lower"], math.exp(pi[0]))
        assert close(p["prediction"]["upper"], math.exp(pi[1]))


def test_pool_json_carries_each_study_and_its_reml_weight(bcg: Path) -> None:
    data = pooled_json(bcg, "--measure", "Tuberculosis")
    weights = [5.059483079, 6.364679632, 4.436027763, 9.698746736, 8.868456287, 10.09573817]
    assert [s["id"] for s in data["studies"]] == [f"bcg-{i:02d}" for i in range(1, 14)]
    for got, want in zip(data["studies"], weights, strict=False):
        assert close(got["weight"], want)
    first = data["studies"][0]
    assert (first["experimental"]["events"], first["comparator"]["total"]) == (4, 139)
    assert close(first["estimate"], (4 / 123) / (11 / 139), 1e-12)


def test_heterogeneity_downgrades_the_certainty_and_says_why(bcg: Path) -> None:
    certainty = pooled_json(bcg, "--measure", "tuberculosis")["certainty"]
    assert certainty["start"] == "high" and certainty["rating"] == "moderate"
    (down,) = certainty["downgrades"]
    assert down["domain"] == "inconsistency" and down["levels"] == 1
    assert down["reason"].startswith("I² = 92% (above 50%) and the 95% CIs of")
    assert certainty["label"] == "a transparent first rating, not a panel's judgement"
    assert certainty["publication_bias_test"]["k"] == 13  # Egger's test from 10 studies


def test_unblinded_studies_are_at_high_risk_of_bias(tmp_path: Path) -> None:
    write_bcg(tmp_path, design=UNBLINDED)
    certainty = pooled_json(tmp_path, "--measure", "tuberculosis")["certainty"]
    found = [(d["domain"], d["levels"]) for d in certainty["downgrades"]]
    assert found == [("risk of bias", 2), ("inconsistency", 1)]
    assert certainty["rating"] == "very low"
    reason = certainty["downgrades"][0]["reason"]
    assert "studies at high risk of bias hold 100% of the weight" in reason
    assert "measurement of the outcome high" in reason


def test_without_judgements_unclear_risk_of_bias_rates_down_once(tmp_path: Path) -> None:
    write_bcg(tmp_path)  # double-blind, concealment and losses not stated
    certainty = pooled_json(tmp_path, "--measure", "tuberculosis")["certainty"]
    found = [(d["domain"], d["levels"]) for d in certainty["downgrades"]]
    assert found == [("risk of bias", 1), ("inconsistency", 1)] and certainty["rating"] == "low"
    reason = certainty["downgrades"][0]["reason"]
    assert "randomization process some concerns" in reason
    assert "missing outcome data not reported" in reason


def test_terminal_forest_plot_labels_every_study_at_80_columns(bcg: Path) -> None:
    args = ("pool", "--studies-dir", str(bcg), "--measure", "tuberculosis")
    result = invoke(*args, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    for i, (_, _, a, n1, c, n2) in enumerate(BCG, 1):
        (row,) = [line for line in lines if line.startswith(f"bcg-{i:02d} ") and "/" in line]
        assert f"{a}/{n1}" in row and f"{c}/{n2}" in row and "%" in row
    (pooled,) = [line for line in lines if line.startswith("Pooled (REML) ")]
    assert "◆" in pooled and "0.49 [0.34, 0.70]" in pooled
    assert "Heterogeneity: Tau² = 0.31; Chi² = 152.23, df = 12 (P < 0.00001); I² = 92%" in lines
    assert "Test for overall effect: Z = 3.97 (P < 0.0001)" in lines
    assert any(line.startswith("Certainty: moderate (a transparent first rating") for line in lines)
    assert "Down 1 for inconsistency: I² = 92%" in result.stdout
    assert "95% prediction interval: 0.13 to 1.78" in result.stdout


def test_svg_forest_plot_is_a_standalone_picture_with_every_study(bcg: Path) -> None:
    result = invoke("pool", "--studies-dir", str(bcg), "--measure", "tuberculosis", "-f", "svg")
    assert result.exit_code == 0, result.stderr
    root = ET.fromstring(result.stdout.encode())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]
    for i, (_, _, a, n1, c, n2) in enumerate(BCG, 1):
        assert f"bcg-{i:02d} ({a}/{n1} vs {c}/{n2})" in texts
    assert len(list(root.iter("{http://www.w3.org/2000/svg}polygon"))) == 1  # the diamond
    assert any(t.startswith("Heterogeneity: Tau² = 0.31; Chi² = 152.23") for t in texts)


def test_csv_markdown_and_jsonl_say_the_same(bcg: Path) -> None:
    args = ("pool", "--studies-dir", str(bcg), "--measure", "tuberculosis", "-f")
    rows = list(csv.DictReader(io.StringIO(invoke(*args, "csv").stdout)))
    assert [r["row"] for r in rows] == ["study"] * 13 + ["pooled"]
    assert close(float(rows[-1]["estimate"]), math.exp(-0.7145323484))
    assert rows[-1]["certainty"] == "moderate" and rows[0]["exp_events"] == "4"
    markdown = invoke(*args, "markdown").stdout
    assert markdown.startswith("## Tuberculosis: 13 randomized, human comparisons")
    assert "```text\n" in markdown and "- Certainty: moderate" in markdown
    (line,) = invoke(*args, "jsonl").stdout.splitlines()
    assert json.loads(line)["k"] == 13


def test_summary_of_findings_for_the_diabetes_trials() -> None:
    data = json.loads(invoke("pool", "--condition", "diabetes", "--json").stdout)
    (row,) = data["rows"]
    assert row["ids"] == ["t2d-bmsc-bhansali"] and row["studies"] == 1
    assert row["participants"] == 21 and row["relative"]["pooled"] is False
    assert close(row["relative"]["estimate"], (9.5 / 12) / (0.5 / 11))
    certainty = row["certainty"]
    assert certainty["rating"] == "very low"  # one 21-patient trial: not "moderate"
    found = [(d["domain"], d["levels"]) for d in certainty["downgrades"]]
    assert found == [("risk of bias", 1), ("imprecision", 2)]
    assert "9 events in total, under a third" in certainty["downgrades"][1]["reason"]
    assert "upper bound 232 times the lower" in certainty["downgrades"][1]["reason"]
    assert {x["study_id"] for x in data["not_computed"]} == {"t2d-bmsc-bhansali", "t2d-ucmsc-rct"}
    table = invoke("pool", "--condition", "diabetes").stdout
    assert "Summary of findings (computed)" in table and "t2d-bmsc-bhansali" in table
    assert (
        "a. Insulin dose cut by at least 50% with HbA1c < 7%" in table
    )  # number and unit kept together; footnotes lettered as GRADEpro letters them


def test_kinds_of_evidence_are_pooled_apart(tmp_path: Path) -> None:
    for i in range(2):
        write_two_arm(tmp_path, f"rct-{i}", 5 + i, 50, 15, 50)
        write_two_arm(tmp_path, f"nrs-{i}", 6 + i, 40, 12, 40, design=NRS)
        write_two_arm(tmp_path, f"mouse-{i}", 2 + i, 10, 8, 10, **MOUSE)
    data = pooled_json(tmp_path, "--measure", "tuberculosis")
    assert [s["id"] for s in data["studies"]] == ["rct-0", "rct-1"]
    others = {a["comparisons"]: [s["id"] for s in a["studies"]] for a in data["other_analyses"]}
    assert others == {
        "non-randomized, human": ["nrs-0", "nrs-1"],
        "non-randomized, animal": ["mouse-0", "mouse-1"],
    }
    animal = data["other_analyses"][1]["certainty"]
    assert animal["rating"] == "very low" and animal["downgrades"][-1]["domain"] == "indirectness"
    assert data["other_analyses"][0]["certainty"]["start"] == "low"
    rows = pooled_json(tmp_path)["rows"]
    assert [r["comparisons"] for r in rows] == [
        "randomized, human",
        "non-randomized, human",
        "non-randomized, animal",
    ]


def test_what_is_left_out_is_said(tmp_path: Path) -> None:
    write_bcg(tmp_path)
    write_two_arm(tmp_path, "lone-nrs", 3, 30, 9, 30, design=NRS)
    write_two_arm(tmp_path, "nil", 0, 30, 0, 30)
    data = pooled_json(tmp_path, "--measure", "tuberculosis")
    reasons = {x["study_id"]: x["reason"] for x in data["left_out"]}
    assert data["k"] == 13 and data["not_estimable"] == ["nil"]
    assert reasons["nil"].startswith("not estimable")
    assert "the only non-randomized, human comparison" in reasons["lone-nrs"]


def test_a_study_at_two_timepoints_is_counted_once(tmp_path: Path) -> None:
    write_bcg(tmp_path)
    write_two_arm(tmp_path, "twice", 3, 30, 9, 30)
    text = (tmp_path / "twice.yaml").read_text()
    extra = text[text.index("outcomes:") + len("outcomes:\n") :].replace(
        "measure: Tuberculosis", "measure: Tuberculosis\n  timepoint: 2 years"
    )
    (tmp_path / "twice.yaml").write_text(text + extra)
    data = pooled_json(tmp_path, "--measure", "tuberculosis")
    assert data["k"] == 13
    why = "compares this outcome at 2 timepoints; one study is counted once"
    assert {"study_id": "twice", "reason": why} in data["left_out"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--condition", "pain"], 1, "nothing to pool: none of the 2 selected studies"),
        (["--measure", "relapse"], 1, "no two-arm comparison of an outcome matching 'relapse'"),
        (["-f", "svg"], 2, "use it with stemcell pool --measure TEXT"),
        (["--fields", "id"], 2, "--fields does not apply"),
        (["--effect", "hazard"], 2, "Invalid value"),
    ],
)
def test_nothing_to_pool_is_a_clear_error(args: list[str], code: int, message: str) -> None:
    result = invoke("pool", *args)
    assert result.exit_code == code
    assert message in result.stderr and result.stdout == ""
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("fmt", ["table", "svg", "json"])
def test_a_single_study_is_drawn_and_marked_not_pooled(fmt: str) -> None:
    result = invoke("pool", "--measure", "progression", "-f", fmt)
    assert result.exit_code == 0, result.stderr
    if fmt == "json":
        data = json.loads(result.stdout)
        assert data["k"] == 1 and [s["id"] for s in data["studies"]] == ["ms-mist"]
        assert data["pooled"]["method"] == "FE"
    else:
        assert "One study: not pooled" in result.stdout
        assert "ms-mist" in result.stdout


def test_an_empty_catalog_has_nothing_to_pool(catalog_dir: Path) -> None:
    result = invoke("pool", "--studies-dir", str(catalog_dir), "--measure", "x")
    assert result.exit_code == 1 and "nothing to pool" in result.stderr


def test_a_measure_matching_several_outcomes_is_a_usage_error(tmp_path: Path) -> None:
    write_two_arm(tmp_path, "a", 3, 30, 9, 30, measure="Death at 1 year")
    write_two_arm(tmp_path, "b", 3, 30, 9, 30, measure="Death at 2 years")
    result = invoke("pool", "--studies-dir", str(tmp_path), "--measure", "death")
    assert result.exit_code == 2 and "matches 2 outcomes" in result.stderr


@pytest.mark.parametrize("command", [["list"], ["show", "ms-mist"], ["compare"], ["pool"]])
def test_svg_is_refused_outside_pool_measure(command: list[str]) -> None:
    result = invoke(*command, "-f", "svg")
    assert result.exit_code == 2 and "use it with stemcell pool --measure" in result.stderr
    assert result.stdout == ""


def test_ids_too_long_for_the_label_column_are_numbered_with_a_key(tmp_path: Path) -> None:
    long_ids = [f"a-rather-long-study-identifier-{i}" for i in range(3)]
    for i, study_id in enumerate(long_ids):
        write_two_arm(tmp_path, study_id, 3 + i, 30, 9, 30)
    args = ("pool", "--studies-dir", str(tmp_path), "--measure", "tuberculosis")
    lines = invoke(*args, env={"COLUMNS": "80"}).stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert any(line.startswith("[2] ") and "4/30" in line and "%" in line for line in lines)
    assert f"[2] {long_ids[1]}: 4/30 vs 9/30" in lines


def test_the_svg_stays_valid_xml_whatever_the_outcome_text(tmp_path: Path) -> None:
    for i in range(2):
        write_two_arm(tmp_path, f"s{i}", 3 + i, 30, 9, 30, measure="TB <b>&\x1b[31m</b>\u202e")
    args = ("pool", "--studies-dir", str(tmp_path), "--measure", "tb b 31m b", "-f", "svg")
    result = invoke(*args)
    assert result.exit_code == 0, result.stderr
    title = ET.fromstring(result.stdout.encode()).find("{http://www.w3.org/2000/svg}text")
    assert title is not None and title.text.startswith("TB <b>& [31m</b>")


def test_risk_difference_pools_as_metafor_and_the_plot_keeps_the_counts(bcg: Path) -> None:
    data = pooled_json(bcg, "--measure", "tuberculosis", "--effect", "rd", "--method", "dl")
    p = data["pooled"]  # [metan]: RD DL -0.0071 (-0.0101, -0.0040), tau² 0.0000, I² 95.6596
    assert [round(p[k], 4) for k in ("estimate", "lower", "upper", "i2")] == [
        -0.0071,
        -0.0101,
        -0.0040,
        95.6596,
    ]
    assert close(p["q"], 276.4737127) and close(p["tau2"], 1.873474993e-05)
    args = ("pool", "--studies-dir", str(bcg), "--measure", "tuberculosis", "--effect", "rd")
    lines = invoke(*args, env={"COLUMNS": "80"}).stdout.splitlines()
    assert "bcg-08: 505/88391 vs 499/88391" in lines  # no room for count columns: a key
    assert any(line.startswith("Pooled RD -2.5 (95% CI") for line in lines)


def test_svg_labels_never_run_into_the_plot(tmp_path: Path) -> None:
    for i in range(2):
        write_two_arm(tmp_path, f"a-study-with-a-rather-long-identifier-{i}", 3 + i, 30, 9, 30)
    args = ("pool", "--studies-dir", str(tmp_path), "--measure", "tuberculosis", "-f", "svg")
    root = ET.fromstring(invoke(*args).stdout.encode())
    lines = [e for e in root.iter("{http://www.w3.org/2000/svg}line") if e.get("stroke") == "black"]
    plot_left = min(float(e.get("x1", 0)) for e in lines)
    texts = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]
    longest = max(len(t) for t in texts if t.startswith("a-study"))
    assert plot_left >= 10 + 7 * longest


def test_comparisons_that_are_all_not_estimable_are_nothing_to_pool(tmp_path: Path) -> None:
    folder = tmp_path / "none"
    arms = [
        {"key": "cells", "label": "Cells", "role": "EXPERIMENTAL", "n": 10},
        {"key": "sham", "label": "Sham", "role": "SHAM_COMPARATOR", "n": 10},
    ]
    outcomes = [
        {"measure": "Deaths", "group": g, "counts": {"events": 0, "total": 10}, "source": "paper"}
        for g in ("Cells", "Sham")
    ]
    write_study(folder, id="no-events", arms=arms, outcomes=outcomes, design__control="sham")
    result = invoke("pool", "--studies-dir", str(folder))
    assert result.exit_code == 1, result.stdout
    assert result.stdout == ""
    assert "nothing to pool: no comparison could be estimated (no-events: Deaths" in result.stderr
