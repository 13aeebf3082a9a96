"""Broken and hostile descriptors: located reports, the rest still served, nothing executed."""

from __future__ import annotations

import io
import json
import os
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.table import Table
from typer.testing import CliRunner

from stemcell_cli.catalog import load_catalog
from stemcell_cli.cli import app
from stemcell_cli.loader import MAX_BYTES, load_study
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


def test_python_tag_is_reported_not_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    study, problems = load_study(HOSTILE / "python-tag.yaml")
    assert study is None
    assert any("!!python/object/apply:os.system" in p.message for p in problems)
    assert not (tmp_path / "pwned.txt").exists()


def test_alias_bomb_is_refused_in_milliseconds() -> None:
    start = time.perf_counter()
    study, problems = load_study(HOSTILE / "alias-bomb.yaml")
    assert time.perf_counter() - start < 0.5
    assert study is None
    assert [(p.line, p.column) for p in problems] == [(1, 4)]


def test_oversized_file_is_refused_without_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"id: big\ntitle: " + b"x" * MAX_BYTES)
    study, problems = load_study(big)
    assert study is None
    assert "larger than 1 MiB" in problems[0].message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_skipped_and_reported_without_blocking(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(
        (HOSTILE / "valid-study.yaml").read_text().replace("id: valid-study", "id: good")
    )
    os.mkfifo(tmp_path / "pipe.yaml")
    catalog = load_catalog([tmp_path])
    assert list(catalog.entries) == ["good"]
    assert [str(p) for p in catalog.problems] == [
        f"{tmp_path}/pipe.yaml: not a regular file; skipped"
    ]


def test_symlinks_out_of_the_catalog_and_loops_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.yaml"
    secret.write_text("id: secret\ntitle: private contents\n")
    catalog_dir = tmp_path / "catalog"
    catalog_dir.mkdir()
    (catalog_dir / "leak.yaml").symlink_to(secret)
    (catalog_dir / "up").symlink_to(outside, target_is_directory=True)
    (catalog_dir / "loop").symlink_to(catalog_dir, target_is_directory=True)
    catalog = load_catalog([catalog_dir])
    lines = sorted(str(p) for p in catalog.problems)
    assert lines == [
        f"{catalog_dir}/leak.yaml: symlink points outside the catalog; skipped",
        f"{catalog_dir}/up: symlink points outside the catalog; skipped",
    ]
    assert not any("private contents" in line for line in lines)


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
    for raw in RAW_CONTROLS:
        assert raw not in result.stdout
        assert raw not in result.stderr


def test_json_escapes_controls_but_keeps_the_value() -> None:
    result = runner.invoke(
        app, ["show", "markup-and-controls", "--json", "--studies-dir", str(HOSTILE)]
    )
    title = json.loads(result.stdout)["title"]
    assert title.startswith("[bold]b[/bold]") and "\x1b]52;c;" in title and "\u202e" in title


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
