"""compare at 40, 80 and 120 columns: outcomes aligned by endpoint, rows nobody in a block
fills left out, labels with room, cells cut to a few lines (…) with --wide and JSON whole."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import bundled_env
from typer.testing import CliRunner

from stemcell_cli.cli.app import app

pytestmark = pytest.mark.usefixtures("seed_catalog")  # the nine seed studies

WIDTHS = [40, 80, 120]


def compare(*args: str, columns: int = 80) -> str:
    result = CliRunner().invoke(app, ["compare", *args], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_three_type_2_diabetes_studies_fit_in_100_lines_at_80_columns() -> None:
    out = compare("--condition", "type 2 diabetes").splitlines()
    assert len(out) <= 100
    assert max(len(line) for line in out) <= 80


@pytest.mark.parametrize("columns", [80, 120])
def test_about_25_lines_per_study(columns: int) -> None:
    for condition, studies in (("ms", 4), ("type 2 diabetes", 3)):
        lines = compare("--condition", condition, columns=columns).splitlines()
        assert len(lines) <= 25 * studies, (condition, columns, len(lines))


@pytest.mark.parametrize("columns", WIDTHS)
def test_the_primary_endpoints_share_one_row(columns: int) -> None:
    out = compare("--condition", "type 2 diabetes", columns=columns).splitlines()
    labels = [line for line in out if line.strip().startswith("Primary")]
    assert len(labels) == (1 if columns >= 80 else 3)  # one row in each block
    data = json.loads(compare("--condition", "type 2 diabetes", "--json"))
    (primary,) = [r for r in data["rows"] if r["label"] == "Primary endpoint"]
    assert all(primary["values"].values())  # every study has its primary endpoint there


@pytest.mark.parametrize("columns", WIDTHS)
def test_no_row_is_empty_in_every_column_of_its_block(columns: int) -> None:
    ram_only = compare("ms-ram-ms", "spms-hsct-qa", columns=columns)
    assert "Survival free of" not in ram_only  # an outcome only ms-hsct has
    assert "Comparator" in ram_only  # a row with something in it stays


def test_the_second_block_does_not_repeat_the_first_blocks_outcomes() -> None:
    out = compare("--condition", "ms", columns=80)
    second = out[out.index("ms-ram-ms") :]
    assert "Survival free of" not in second and "EDSS score" not in second


@pytest.mark.parametrize("columns", [80, 120])
def test_labels_have_room(columns: int) -> None:
    out = compare("--condition", "type 2 diabetes", columns=columns).splitlines()
    rows = [line for line in out if line.strip().startswith("Primary endpoint")]
    assert rows  # "Primary endpoint" on one line, not cut into pieces


@pytest.mark.parametrize("columns", WIDTHS)
def test_cut_cells_say_so_and_wide_and_json_keep_everything(columns: int) -> None:
    compact = compare("--condition", "type 2 diabetes", columns=columns)
    wide = compare("--condition", "type 2 diabetes", "--wide", columns=columns)
    assert "…" in compact and "--wide shows everything" in " ".join(compact.split())
    flat = " ".join(wide.split())
    assert "the values are not given in the sources" in flat
    data = json.loads(compare("--condition", "type 2 diabetes", "--json"))
    texts = " ".join(v for r in data["rows"] for v in r["values"].values())
    assert "the values are not given in the sources" in texts


def test_compact_level_and_certainty_are_explained_once_below() -> None:
    out = " ".join(compare("--condition", "type 2 diabetes", columns=120).split())
    assert out.count("the primary outcome's rating as `stemcell pool` gives it") == 1
    assert out.count("+ low · ? some concerns or not reported · − high") == 1
    assert "1 strongest · 2 strong" in out and "4 · weak" in out


@pytest.mark.slow  # a real process
def test_through_a_pipe_about_25_lines_a_study_at_80_columns() -> None:
    env = {k: v for k, v in bundled_env().items() if k != "COLUMNS"}  # a pipe: 80 columns
    result = subprocess.run(
        [sys.executable, "-m", "stemcell_cli", "compare", "--condition", "ms"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    lines = result.stdout.splitlines()
    assert len(lines) <= 25 * 4 and max(len(line) for line in lines) <= 80
    flat = " ".join(result.stdout.split())
    assert "Other outcomes" in flat and "--wide shows everything" in flat
    assert result.stderr == "4 of 9 studies compared\n"


@pytest.mark.parametrize("columns", WIDTHS)
def test_limitations_take_one_line_and_cautions_two(columns: int) -> None:
    lines = compare("ms-mist", "spms-hsct-qa", columns=columns).splitlines()

    def height(label: str) -> int:  # the lines of the first row with this label
        at = next(n for n, line in enumerate(lines) if line.startswith(f" {label}"))
        ends = (n for n in range(at + 1, len(lines)) if lines[n][:2].strip())
        return next(ends, len(lines)) - at

    at = next(n for n, line in enumerate(lines) if line.startswith(" Limitations"))
    assert lines[at].rstrip().endswith("…") and height("Limitations") == 1
    assert height("Cautions") <= 2 and height("Safety") <= 2
    full = json.loads(compare("ms-mist", "spms-hsct-qa", "--json"))
    (limitations,) = [r for r in full["rows"] if r["label"] == "Limitations"]
    assert all(len(v) > 80 for v in limitations["values"].values())  # JSON keeps them whole


@pytest.mark.parametrize("columns", WIDTHS)
def test_a_study_without_a_primary_endpoint_still_shows_a_result(columns: int) -> None:
    out = compare("ms-hsct", "ms-mist", columns=columns)
    assert "Survival" in out  # ms-hsct flags no primary outcome: its first one has a row
    assert "Other outcomes" in out  # ... and the rest are named below it


def test_the_tables_share_the_studies_out_evenly() -> None:
    out = compare("--condition", "ms", columns=80).splitlines()
    ids = {"ms-hsct", "ms-mist", "ms-ram-ms", "spms-hsct-qa"}
    headers = [line.split() for line in out if line.split() and set(line.split()) <= ids]
    assert [len(h) for h in headers] == [2, 2]  # not three and one
    three = compare("--condition", "type 2 diabetes", columns=80).splitlines()
    assert sum(1 for line in three if "t2d-bmsc " in line and "t2d-ucmsc-rct" in line) == 1
