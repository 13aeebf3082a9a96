"""Pooling what stem-cell trials report, through the command line: continuous outcomes, hazard
ratios, subgroups, leave-one-out, secondary figures, high risk of bias and ``--data`` tables,
against metafor (reference figures from the synthesis tests, which give the R code)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from conftest import invoke, write_study
from test_synthesis_continuous import NORMAND
from test_synthesis_intervals import NORMAND_FITS
from test_synthesis_subgroups import ALLOC, LEAVE1OUT, SUBGROUPS
from twoarm import BCG, write_bcg

ARMS = [
    {"key": "cells", "label": "Cell therapy", "role": "EXPERIMENTAL"},
    {"key": "control", "label": "Control", "role": "PLACEBO_COMPARATOR"},
]
# published hazard ratios with their 95% CIs: rma(yi=log(hr), sei=...) in R gives REML
# beta -0.7261990148, tau2 1.068686703, I2 93.96424056, Q 17.98270259 (test_synthesis_continuous)
HAZARDS = [(0.07, 0.02, 0.24), (0.55, 0.30, 1.01), (0.81, 0.60, 1.09), (1.10, 0.70, 1.73)]


def mean_outcome(group: str, mean: float, sd: float, n: int, **extra: Any) -> dict[str, Any]:
    estimate = {"value": mean, "statistic": "mean", "sd": sd, "n": n, "measured_as": "final"}
    return (
        {"measure": "Walking distance", "group": group, "estimate": estimate}
        | {"source": "paper"}
        | extra
    )


def write_normand(folder: Path) -> None:
    for i, (n1, m1, s1, n2, m2, s2) in enumerate(NORMAND, 1):
        outcomes = [mean_outcome("cells", m1, s1, n1), mean_outcome("control", m2, s2, n2)]
        write_study(folder, id=f"normand-{i}", arms=ARMS, outcomes=outcomes)


def pooled(folder: Path, *options: str) -> dict[str, Any]:
    result = invoke("pool", "--studies-dir", str(folder), "--json", *options)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("options", "key"),
    [
        (["--method", "dl"], ("MD", "DL", "z")),
        (["--method", "dl", "--ci", "hksj"], ("MD", "DL", "hksj")),
        (["--effect", "smd", "--method", "dl"], ("SMD", "DL", "z")),
        (["--effect", "smd", "--ci", "hksj"], ("SMD", "REML", "hksj")),
    ],
)
def test_means_in_descriptors_pool_as_metafor(catalog_dir: Path, options, key) -> None:
    write_normand(catalog_dir)
    data = pooled(catalog_dir, "--measure", "walking distance", *options)
    beta, se, lower, upper, _, p_value, tau2, _, _ = NORMAND_FITS[key]
    p = data["pooled"]
    assert p["measure"] == key[0] and data["k"] == 9
    rel = 1e-7 if key[1] == "REML" else 1e-9
    assert (p["beta"], p["se"], p["lower"], p["upper"], p["tau2"]) == pytest.approx(
        (beta, se, lower, upper, tau2), rel=rel
    )
    assert p["p"] == pytest.approx(p_value, rel=1e-6)
    assert p["test"] == ("t" if key[2] == "hksj" else "z")
    assert data["studies"][0]["experimental"] == {"group": "cells", "mean": 55, "sd": 47, "n": 155}


def test_show_computes_the_mean_difference_of_two_arms(catalog_dir: Path) -> None:
    write_normand(catalog_dir)
    result = invoke("show", "normand-1", "--studies-dir", str(catalog_dir), "--json")
    (c,) = json.loads(result.stdout)["comparisons"]
    md = c["effects"][0]
    assert (c["kind"], md["measure"], md["label"]) == ("continuous", "MD", "computed")
    assert md["estimate"] == -20 and md["lower"] == pytest.approx(
        -20 - 1.959963985 * math.sqrt(40.50802316)
    )
    shown = invoke("show", "normand-1", "--studies-dir", str(catalog_dir)).stdout
    assert "Mean difference" in shown and "-20" in shown


def test_an_sd_from_a_ci_is_converted_as_the_handbook_says_and_shown(catalog_dir: Path) -> None:
    outcomes = [
        mean_outcome("cells", 12, 0, 25)
        | {
            "estimate": {
                "value": 12,
                "statistic": "mean",
                "n": 25,
                "interval": {"lower": 11, "upper": 13},
            }
        },
        mean_outcome("control", 10, 2, 25),
    ]
    write_study(catalog_dir, id="ci-sd", arms=ARMS, outcomes=outcomes)
    result = invoke("show", "ci-sd", "--studies-dir", str(catalog_dir), "--json")
    (c,) = json.loads(result.stdout)["comparisons"]
    assert c["experimental"]["sd"] == pytest.approx(2.422599682, rel=1e-9)  # R: qt(.975, 24)
    assert "Cochrane Handbook 6.5.2" in c["experimental"]["sd_from"]
    assert any("SD = √n × (upper − lower)" in note for note in c["notes"])


def write_hazards(folder: Path) -> None:
    """Four studies that give only a published hazard ratio of progression (no arm sizes)."""
    for i, (hr, lower, upper) in enumerate(HAZARDS, 1):
        effect = {
            "measure": "hazard-ratio",
            "value": hr,
            "interval": {"lower": lower, "upper": upper},
        }
        outcome = {"measure": "Progression", "group": "cells vs control", "effect": effect}
        write_study(folder, id=f"hr-{i}", arms=ARMS, outcomes=[outcome | {"source": "paper"}])


def test_published_hazard_ratios_pool_by_generic_inverse_variance(catalog_dir: Path) -> None:
    write_hazards(catalog_dir)
    data = pooled(catalog_dir, "--measure", "progression")  # the published scale by default
    p = data["pooled"]
    assert p["measure"] == "HR" and data["k"] == 4
    assert p["beta"] == pytest.approx(-0.7261990148, rel=1e-7)
    assert p["tau2"] == pytest.approx(1.068686703, rel=1e-6)
    assert p["q"] == pytest.approx(17.98270259, rel=1e-8)
    assert (p["lower"], p["upper"]) == pytest.approx((0.1656783196, 1.412426539), rel=1e-6)
    assert pooled(catalog_dir, "--measure", "progression", "--effect", "hr")["pooled"] == p


def write_bcg_by_route(folder: Path) -> None:
    """The BCG trials with the allocation of each as its route (for --by route)."""
    write_bcg(folder)
    for i, group in enumerate(ALLOC, 1):
        path = folder / f"bcg-{i:02d}.yaml"
        text = path.read_text().replace("name: Demo cells", f"name: Demo cells\n  route: {group}")
        path.write_text(text)


def test_participants_are_not_given_when_no_study_gives_its_arms_sizes(catalog_dir: Path) -> None:
    write_hazards(catalog_dir)
    where = ("--studies-dir", str(catalog_dir))
    result = invoke("pool", *where, "--measure", "progression")
    assert result.exit_code == 0, result.stderr
    plot = result.stdout
    assert "4 randomized, human comparisons, participants not given;" in " ".join(plot.split())
    assert "0 participants" not in plot
    drawn = invoke("pool", *where, "--measure", "progression", "-f", "svg")  # hazard ratios
    assert drawn.exit_code == 0 and drawn.stdout.count("<rect x=") == 4, drawn.stderr
    summary = " ".join(invoke("pool", *where, "-f", "markdown").stdout.split())
    assert "| not given (4 studies) |" in summary
    (row,) = json.loads(invoke("pool", *where, "--json").stdout)["rows"]
    assert row["participants"] is None


@pytest.mark.parametrize("method", ["DL", "REML"])
def test_subgroups_follow_revman(tmp_path: Path, method: str) -> None:
    write_bcg_by_route(tmp_path)
    data = pooled(
        tmp_path, "--measure", "tuberculosis", "--by", "route", "--method", method.lower()
    )
    groups, (q, p_value) = SUBGROUPS[method]
    found = data["subgroups"]
    assert [g["subgroup"] for g in found["groups"]] == ["random", "alternate", "systematic"]
    for got, (beta, _, tau2, k) in zip(found["groups"], groups, strict=True):
        assert got["k"] == k and got["beta"] == pytest.approx(beta, rel=1e-7)
        assert got["tau2"] == pytest.approx(tau2, rel=1e-6)
    assert (found["test"]["q"], found["test"]["p"]) == pytest.approx((q, p_value), rel=1e-6)
    assert found["test"]["df"] == 2 and "RevMan" in found["test"]["method"]
    text = invoke(
        "pool", "--studies-dir", str(tmp_path), "--measure", "tuberculosis", "--by", "route"
    ).stdout
    assert "Test for subgroup differences: Chi² = 1.86, df = 2 (P = 0.39)" in text


def test_leave_one_out_as_metafor(tmp_path: Path) -> None:
    write_bcg(tmp_path)
    data = pooled(tmp_path, "--measure", "tuberculosis", "--leave-one-out")
    rows = data["leave_one_out"]
    assert [r["omitted"] for r in rows] == [f"bcg-{i:02d}" for i in range(1, 14)]
    got = [r["beta"] for r in rows]
    assert got == pytest.approx(LEAVE1OUT["estimate"], rel=1e-6)
    assert [r["se"] for r in rows] == pytest.approx(LEAVE1OUT["se"], rel=1e-6)


def test_by_and_leave_one_out_need_one_outcome() -> None:
    result = invoke("pool", "--by", "design")
    assert result.exit_code == 2 and "add --measure TEXT" in result.stderr


def test_secondary_figures_are_left_out_unless_asked_for() -> None:
    args = ("pool", "--condition", "covid", "--measure", "all-cause-mortality", "--json")
    data = json.loads(invoke(*args).stdout)
    assert {s["id"] for s in data["studies"]} == {
        "covid-msc-bowdish",
        "covid-msc-dilogo",
        "covid-msc-ev",
        "covid-msc-shu",
    }
    secondary = {x["study_id"] for x in data["left_out"] if "secondary source" in x["reason"]}
    assert secondary == {"covid-msc-lanzoni", "covid-msc-monsel", "covid-msc-rebelatto"}
    assert "--include-secondary" in data["left_out"][0]["reason"] or secondary
    every = json.loads(invoke(*args, "--include-secondary").stdout)
    assert every["k"] == 7 and all(s["secondary"] in (True, False) for s in every["studies"])
    assert {s["id"] for s in every["studies"] if s["secondary"]} == secondary


def test_studies_at_high_risk_of_bias_can_be_left_out(catalog_dir: Path) -> None:
    write_bcg(catalog_dir)
    unblinded = catalog_dir / "bcg-01.yaml"
    unblinded.write_text(unblinded.read_text().replace("masking: DOUBLE", "masking: NONE"))
    kept = pooled(catalog_dir, "--measure", "tuberculosis", "--exclude-high-risk")
    assert kept["k"] == 12 and "bcg-01" not in {s["id"] for s in kept["studies"]}
    (why,) = [x["reason"] for x in kept["left_out"] if x["study_id"] == "bcg-01"]
    assert "high risk of bias" in why
    assert pooled(catalog_dir, "--measure", "tuberculosis")["k"] == 13


BCG_CSV = "study,events_exp,total_exp,events_ctl,total_ctl\n" + "".join(
    f"{name} {year},{a},{n1},{c},{n2}\n" for name, year, a, n1, c, n2 in BCG
)


def test_a_data_table_pools_as_the_catalog_does(tmp_path: Path) -> None:
    table = tmp_path / "bcg.csv"
    table.write_text(BCG_CSV)
    result = invoke("pool", "--data", str(table), "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["pooled"]["beta"] == pytest.approx(-0.7145323484, rel=1e-7)  # metafor REML RR
    assert data["pooled"]["tau2"] == pytest.approx(0.313243326, rel=1e-6)
    assert data["studies"][0]["id"] == "Aronson 1948"
    assert data["certainty"]["rating"] == "not rated"


def test_a_data_table_on_stdin_in_json_lines_with_yi_vi(tmp_path: Path) -> None:
    rows = "".join(
        json.dumps({"study": f"s{i}", "yi": y, "vi": v}) + "\n"
        for i, (y, v) in enumerate([(-0.9, 0.1), (-0.2, 0.05), (-0.5, 0.2)])
    )
    result = invoke(
        "pool", "--data", "-", "--effect", "md", "--json", "--method", "fixed", input=rows
    )
    assert result.exit_code == 0, result.stderr
    weights = [1 / 0.1, 1 / 0.05, 1 / 0.2]
    want = sum(w * y for w, y in zip(weights, [-0.9, -0.2, -0.5], strict=True)) / sum(weights)
    assert json.loads(result.stdout)["pooled"]["beta"] == pytest.approx(want, rel=1e-12)


def test_a_bad_data_row_names_its_line_and_column(tmp_path: Path) -> None:
    table = tmp_path / "bad.csv"
    table.write_text(BCG_CSV.replace("4,123,11,139", "4,123,x,139"))
    result = invoke("pool", "--data", str(table))
    assert result.exit_code == 1
    assert "line 2" in result.stderr and "events_ctl" in result.stderr


def test_subgroups_are_drawn_each_with_its_diamond(tmp_path: Path) -> None:
    write_bcg_by_route(tmp_path)
    args = ("pool", "--studies-dir", str(tmp_path), "--measure", "tuberculosis", "--by", "route")
    out = invoke(*args, env={"COLUMNS": "100"}).stdout
    drawn = out.split("Subgroups by route: each pooled, with its diamond", 1)[1]
    for name, k in (("random", 7), ("alternate", 2), ("systematic", 4)):
        assert f"\n{name}:\n" in drawn
        assert f"Subtotal ({k} studies)" in drawn
    assert drawn.count("◆") >= 3


def test_the_svg_plot_draws_each_subgroup_with_its_diamond(tmp_path: Path) -> None:
    write_bcg_by_route(tmp_path)
    args = ("pool", "--studies-dir", str(tmp_path), "--measure", "tuberculosis", "--by", "route")
    root = ElementTree.fromstring(invoke(*args, "-f", "svg").stdout.encode())
    svg = "{http://www.w3.org/2000/svg}"
    texts = [t.text for t in root.iter(f"{svg}text")]
    order = [t for t in texts if t in ("random", "alternate", "systematic") or "Subtotal" in t]
    assert order == [
        "random",
        "Subtotal (7 studies)",
        "alternate",
        "Subtotal (2 studies)",
        "systematic",
        "Subtotal (4 studies)",
    ]
    assert len(list(root.iter(f"{svg}polygon"))) == 4  # three subtotals and the overall
    assert any(t.startswith("Test for subgroup differences: Chi² = 1.86, df = 2") for t in texts)
    drawn = [t for t in texts if t.startswith("bcg-")]
    assert len(drawn) == 13 and texts.index(drawn[0]) > texts.index("random")


def test_final_values_and_changes_are_never_mixed_in_an_smd(catalog_dir: Path) -> None:
    write_normand(catalog_dir)
    changed = catalog_dir / "normand-1.yaml"
    changed.write_text(changed.read_text().replace("measured_as: final", "measured_as: change"))
    smd = invoke(
        "pool",
        "--studies-dir",
        str(catalog_dir),
        "--measure",
        "walking distance",
        "--effect",
        "smd",
    )
    assert smd.exit_code == 1 and "an SMD cannot combine final values with change" in smd.stderr
    md = pooled(catalog_dir, "--measure", "walking distance")
    assert any("pooled together as a mean difference" in n for n in md["pooled"]["notes"])


def test_a_forest_of_many_studies_draws_the_largest_weights_and_counts_the_rest(
    tmp_path: Path,
) -> None:
    table = tmp_path / "many.csv"
    rows = [f"s{i:02d},{1 + i % 7},{40 + i},{3 + i % 5},{50 + 2 * i}" for i in range(60)]
    table.write_text("study,events_exp,total_exp,events_ctl,total_ctl\n" + "\n".join(rows) + "\n")
    drawn = invoke("pool", "--data", str(table), env={"COLUMNS": "120"}).stdout
    assert drawn.count("■") == 40
    assert "60 studies: the 40 of the largest weights are drawn; 20 more" in " ".join(drawn.split())
    every = invoke("pool", "--data", str(table), "--all", env={"COLUMNS": "120"}).stdout
    assert every.count("■") == 60 and "not drawn" not in every
    picture = invoke("pool", "--data", str(table), "-f", "svg").stdout
    assert "20 more" in picture
    assert len(set(re.findall(r">(s\d\d) \(", picture))) == 40  # the studies drawn


def test_the_plot_s_sides_can_be_named_and_a_bad_name_is_a_usage_error() -> None:
    args = ("pool", "--condition", "ms", "--measure", "progression")
    named = invoke(*args, "--favours", "cells,drugs", env={"COLUMNS": "100"})
    assert named.exit_code == 0 and "Favours cells | Favours drugs" in named.stdout
    assert "Favours HSCT | Favours DMT" in invoke(*args, env={"COLUMNS": "100"}).stdout
    bad = invoke(*args, "--favours", "cells")
    assert bad.exit_code == 2 and "two names joined by a comma" in bad.stderr


def test_the_summary_of_findings_says_the_follow_up() -> None:
    table = invoke("pool", "--condition", "type 2 diabetes", "-f", "markdown").stdout
    assert "follow-up fixed 12 months" in table


def test_secondary_figures_pooled_on_request_are_named_in_the_text() -> None:
    args = ("pool", "--condition", "covid", "--measure", "all-cause-mortality")
    text = " ".join(invoke(*args, "--include-secondary", env={"COLUMNS": "100"}).stdout.split())
    assert "Figures resting only on a secondary source are pooled (--include-secondary):" in text
    assert "covid-msc-lanzoni, covid-msc-monsel, covid-msc-rebelatto" in text
    assert "secondary source are pooled" not in invoke(*args).stdout


@pytest.mark.usefixtures("seed_catalog")
def test_the_forest_draws_each_domains_own_judgement() -> None:
    """MIST's RoB 2 for progression: randomization, deviations and missing data some concerns,
    measurement low, reporting not reported: one symbol each, in that order."""
    out = invoke("pool", "--measure", "disease progression", env={"COLUMNS": "100"}).stdout
    (row,) = [line for line in out.splitlines() if line.startswith("ms-mist")]
    assert " ???+? " in row
    said = " ".join(out.split())
    assert "measurement of the outcome" not in said.partition("Down 1 for risk of bias")[2][:400]
