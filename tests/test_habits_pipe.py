"""list and filter through a pipe: one line per study, tab-separated full values (as gh)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import MS_IDS, SEED_IDS, bundled_env
from typer.testing import CliRunner

from stemcell_cli.cli.app import app

pytestmark = pytest.mark.usefixtures("seed_catalog")  # the nine seed studies

BOX = set("─│┃━┏┓└┘├┤┬┴┼╭╮╰╯═")


def run(*args: str, columns: int = 80):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": str(columns)})


@pytest.mark.parametrize("columns", [40, 80, 120])
@pytest.mark.parametrize("command", [["list"], ["filter", "--condition", "ms"]])
def test_piped_listing_is_one_tab_separated_line_per_study(command, columns: int) -> None:
    result = run(*command, columns=columns)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    expected = SEED_IDS if command == ["list"] else MS_IDS
    assert {line.split("\t")[0] for line in lines} == expected  # no header line
    assert all(len(line.split("\t")) == 9 for line in lines)
    assert not BOX & set(result.stdout)
    assert "…" not in result.stdout  # full values, never cut
    assert "studies" in result.stderr and "studies" not in result.stdout


def test_grep_finds_a_headline_in_full() -> None:
    lines = [x for x in run("list").stdout.splitlines() if "HR 0.07" in x]
    assert len(lines) == 1 and lines[0].startswith("ms-mist\t")
    assert "randomized, median follow-up only 2 years" in lines[0]


@pytest.mark.parametrize("columns", [40, 80, 120])
def test_format_table_still_draws_the_table_through_a_pipe(columns: int) -> None:
    result = run("list", "--format", "table", columns=columns)
    assert "ID" in result.stdout.splitlines()[0]
    assert "─" in result.stdout


def test_other_formats_are_unchanged_through_a_pipe() -> None:
    assert run("list", "--format", "csv").stdout.startswith("id,")
    assert run("list", "--json").stdout.startswith("[")


@pytest.mark.slow  # a real process
def test_a_real_pipe_gets_lines_and_the_count_on_stderr() -> None:
    env = bundled_env() | {"COLUMNS": "80"}
    done = subprocess.run(
        [sys.executable, "-m", "stemcell_cli", "list", "--condition", "ms"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = [line.split("\t") for line in done.stdout.splitlines()]
    assert {r[0] for r in rows} == MS_IDS
    assert done.stderr.strip() == "4 of 9 studies"
