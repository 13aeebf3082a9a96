"""Filters and condition matching on the bundled catalog; comparison alignment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import MS_IDS, PAIN_IDS, SEED_IDS, T2D_IDS, invoke, write_study

from stemcell_cli.query import Filters, select
from stemcell_cli.store.catalog import load_catalog
from stemcell_cli.views.compare import compare

pytestmark = pytest.mark.usefixtures("seed_catalog")  # the nine seed studies


@pytest.fixture(scope="module")
def studies(_seed_folder: Path):
    catalog = load_catalog([_seed_folder])
    assert catalog.problems == []
    return catalog.sorted_entries()


def ids_for(*args: str) -> set[str]:
    result = invoke("filter", *args, "--json", "--fields", "id")
    assert result.exit_code == 0, result.stderr
    return {record["id"] for record in json.loads(result.stdout)}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ms", MS_IDS),
        ("MS", MS_IDS),
        ("multiple sclerosis", MS_IDS),
        ("Multiple  Sclerosis", MS_IDS),
        ("diabetes", T2D_IDS),
        ("type 2 diabetes", T2D_IDS),
        ("T2D", T2D_IDS),
        ("pain", PAIN_IDS),
        ("neuropathic pain", PAIN_IDS),
        ("sclerosis multiple", MS_IDS),  # words in any order
        ("diabetes type 2", T2D_IDS),
        ("diabetes type 3", set()),
        ("m", set()),
        ("cancer", set()),
    ],
)
def test_condition_matching(query: str, expected: set[str]) -> None:
    assert ids_for("--condition", query) == expected


def test_condition_is_a_whole_word_match_not_a_substring(studies) -> None:
    # Whole words only: "s" is inside "ms" and "sclerosis" but is not a word of either.
    assert {s.id for s in select(studies, Filters(condition="s"))} == set()
    assert {s.id for s in select(studies, Filters(condition="ms"))} == MS_IDS


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--cell-type", "msc"], {"t2d-bmsc", "t2d-ucmsc-rct"}),
        (["--cell-type", "HSC"], {"ms-hsct", "ms-mist", "ms-ram-ms"}),
        (["--cell-type", "ipsc"], {"pain-ipsc"}),
        (["--cell-type", "bone marrow"], {"t2d-bmsc", "t2d-bmsc-bhansali"}),
        (
            ["--source", "autologous"],
            {"ms-hsct", "ms-mist", "ms-ram-ms", "t2d-bmsc", "t2d-bmsc-bhansali"},
        ),
        (["--source", "xenogeneic"], {"pain-ipsc"}),
        (["--source", "allogeneic"], set()),
        (
            ["--design", "randomized-trial"],
            {"ms-mist", "ms-ram-ms", "t2d-bmsc", "t2d-bmsc-bhansali", "t2d-ucmsc-rct"},
        ),
        (["--design", "retrospective-cohort"], {"ms-hsct"}),
        (["--design", "animal-study"], PAIN_IDS),
        (["--design", "expert-opinion"], {"spms-hsct-qa"}),
        (["--species", "mouse"], PAIN_IDS),
        (["--species", "human"], (MS_IDS | T2D_IDS) - {"spms-hsct-qa"}),
        (["--min-n", "50"], {"ms-hsct", "ms-mist", "ms-ram-ms", "t2d-ucmsc-rct"}),
        (["--min-n", "100"], {"ms-hsct", "ms-mist", "ms-ram-ms"}),
        (["--min-n", "211"], set()),
        (["--since", "2020"], {"ms-hsct", "pain-ipsc", "t2d-bmsc", "t2d-ucmsc-rct"}),
        (["--until", "2019"], {"ms-mist", "ms-ram-ms", "t2d-bmsc-bhansali"}),
        (["--since", "2019", "--until", "2021"], {"ms-hsct", "ms-mist", "pain-ipsc", "t2d-bmsc"}),
        (["--search", "insulin"], T2D_IDS),
        (["--search", "mice"], PAIN_IDS),
        (["--search", "HAZARD ratio"], {"ms-hsct", "ms-mist"}),
        (["--search", "insulin mice"], set()),
        (["--max-level", "1"], set()),
        (["--max-level", "2"], {"ms-mist", "ms-ram-ms", "t2d-bmsc-bhansali", "t2d-ucmsc-rct"}),
        (["--max-level", "4"], SEED_IDS - PAIN_IDS - {"spms-hsct-qa"}),
        (["--max-level", "5"], SEED_IDS),
        (["--condition", "ms", "--max-level", "2"], {"ms-mist", "ms-ram-ms"}),
        (["--condition", "diabetes", "--cell-type", "msc"], {"t2d-bmsc", "t2d-ucmsc-rct"}),
    ],
)
def test_each_filter_on_the_bundled_catalog(args: list[str], expected: set[str]) -> None:
    assert ids_for(*args) == expected


def test_filters_keep_catalog_order(studies) -> None:
    chosen = select(studies, Filters(condition="ms"))
    assert [s.id for s in chosen] == sorted(MS_IDS)


def test_no_filter_keeps_everything(studies) -> None:
    assert not Filters().active()
    assert {s.id for s in select(studies, Filters())} == SEED_IDS


@pytest.mark.parametrize(
    "args",
    [
        ["--min-n", "-1"],
        ["--since", "1800"],
        ["--max-level", "0"],
        ["--max-level", "6"],
        ["--source", "donor"],
        ["--design", "rct"],
        ["--species", "dog"],
        ["--min-n", "many"],
    ],
)
def test_bad_filter_values_are_usage_errors(args: list[str]) -> None:
    result = invoke("list", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


# Comparison alignment


def test_every_comparison_row_has_one_cell_per_study(studies) -> None:
    comparison = compare(studies)
    assert [e.id for e in comparison.entries] == [s.id for s in studies]
    assert comparison.rows
    for row in comparison.rows:
        assert len(row.cells) == len(studies)
        assert any(row.cells)  # rows nobody fills are dropped


def test_arms_of_one_study_share_a_row(studies) -> None:
    mist = [s for s in studies if s.id == "ms-mist"]
    rows = [r for r in compare(mist).rows if r.label == "Primary endpoint"]
    assert len(rows) == 1
    cell = rows[0].cells[0]
    assert cell.startswith("Disease progression (EDSS rise")  # headed by its measure, once
    assert cell.count("Disease progression (EDSS rise") == 1
    assert "HSCT: 3/55" in cell and "DMT: 34/55" in cell


def test_outcome_shared_by_two_studies_shares_one_row(catalog_dir: Path) -> None:
    def outcome(measure: str, timepoint: str, value: float) -> dict:
        return {
            "measure": measure,
            "timepoint": timepoint,
            "estimate": {"value": value},
            "source": "paper",
        }

    write_study(
        catalog_dir,
        id="study-a",
        outcomes=[outcome("HbA1c", "12 months", 7.1), outcome("Weight", "12 months", 80)],
    )
    write_study(
        catalog_dir,
        id="study-b",
        outcomes=[outcome("hba1c", "12 Months", 8.2), outcome("HbA1c", "6 months", 8.0)],
    )
    catalog = load_catalog([catalog_dir])
    rows = [r for r in compare(catalog.sorted_entries()).rows if r.section == "Outcomes"]
    assert [(r.label, r.cells) for r in rows] == [  # aligned by measure, any case
        ("HbA1c", ("12 months:\n7.1 [paper]", "12 Months:\n8.2 [paper]\n6 months:\n8.0 [paper]")),
        ("Weight", ("12 months:\n80 [paper]", "")),
    ]


def test_compare_columns_follow_the_ids_given() -> None:
    result = invoke("compare", "ms-mist", "ms-hsct", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [s["id"] for s in data["studies"]] == ["ms-mist", "ms-hsct"]
    for row in data["rows"]:
        assert list(row["values"]) == ["ms-mist", "ms-hsct"]
    labels = [r["label"] for r in data["rows"]]
    assert labels.count("Survival free of disability worsening") == 1


def test_compare_condition_selects_the_four_ms_entries() -> None:
    result = invoke("compare", "--condition", "ms", "--json")
    assert {s["id"] for s in json.loads(result.stdout)["studies"]} == MS_IDS
    assert "4 of 9 studies compared" in result.stderr
