"""Broken and hostile descriptors: located reports, the rest still served, nothing executed."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.table import Table
from typer.testing import CliRunner

from stemcell_cli.cli.app import app
from stemcell_cli.render import table
from stemcell_cli.safe import visible

FIXTURES = Path(__file__).parent / "fixtures"
HOSTILE = FIXTURES / "hostile"
VALID_IDS = {"valid-study", "bom-valid", "markup-and-controls"}
RAW_CONTROLS = ("\x1b", "\x9b", "\x07", "\x00", "\u202e")

runner = CliRunner()


def test_validate_reports_every_problem_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(HOSTILE)
    result = runner.invoke(app, ["validate", "."])
    assert result.exit_code == 1
    expected = (FIXTURES / "hostile.expected").read_text(encoding="utf-8").splitlines()
    assert result.stdout.splitlines() == expected
    assert "3 valid, 15 with problems" in result.stderr


def test_every_broken_file_is_named_and_valid_ones_still_listed() -> None:
    result = runner.invoke(app, ["list", "--studies-dir", str(HOSTILE), "--json"])
    assert result.exit_code == 1
    assert {s["id"] for s in json.loads(result.stdout)} == VALID_IDS
    broken = {p.name for p in HOSTILE.iterdir()} - {f"{i}.yaml" for i in VALID_IDS}
    for name in broken:
        assert name in result.stderr
    assert "Traceback" not in result.stderr


def test_show_serves_a_valid_study_beside_broken_ones() -> None:
    result = runner.invoke(app, ["show", "valid-study", "--studies-dir", str(HOSTILE)])
    assert result.exit_code == 1
    assert "A small valid study" in result.stdout
    assert "python-tag.yaml:2:8" in result.stderr


def test_same_id_in_two_folders_names_both_files(tmp_path: Path) -> None:
    paths = []
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        path = tmp_path / folder / "valid-study.yaml"
        path.write_text((HOSTILE / "valid-study.yaml").read_text())
        paths.append(path)
    result = runner.invoke(
        app, ["list", "--studies-dir", str(tmp_path / "a"), "--studies-dir", str(tmp_path / "b")]
    )
    assert result.exit_code == 1
    assert (
        f"{paths[1]}: id: duplicate id 'valid-study': also defined in {paths[0]}" in result.stderr
    )


def test_markup_and_control_characters_are_shown_literally() -> None:
    result = runner.invoke(app, ["show", "markup-and-controls", "--studies-dir", str(HOSTILE)])
    for literal in ("[bold]b[/bold]", "[link=https://evil.example]x[/link]", ":smile:", "[/x]"):
        assert literal in result.stdout
    for raw in RAW_CONTROLS:
        assert raw not in result.stdout
    assert "\\x1b[31mred" in result.stdout and "\\u202egnp.exe" in result.stdout


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "markdown", "table"])
def test_no_format_writes_raw_control_characters(fmt: str) -> None:
    args = ["list", "--studies-dir", str(HOSTILE), "--format", fmt]
    result = runner.invoke(app, args)
    assert result.exit_code == 1  # the broken files are reported ...
    assert all(study_id in result.stdout for study_id in VALID_IDS)  # ... the rest is shown
    for raw in RAW_CONTROLS:
        assert raw not in result.stdout
        assert raw not in result.stderr


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="\t\n"), min_size=1, max_size=60))
def test_any_string_renders_literally_in_a_table(value: str) -> None:
    out = io.StringIO()
    console = table.console(out)
    console.width = 10_000
    grid = Table()
    grid.add_column(table.text("header"))
    grid.add_row(table.text(value))
    console.print(grid)
    shown = out.getvalue()
    assert visible(value).strip() in shown
    assert not any(raw in shown for raw in RAW_CONTROLS)
