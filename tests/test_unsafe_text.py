"""Text from a file never acts on its reader (issue #18, items 10, 11 and 14): XML-forbidden
characters never reach SVG, a diagnostic is one line whatever the file holds, invisible tag
characters are shown, and only ASCII digits make a CSV number."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from conftest import invoke, make_study, write_study
from hypothesis import given, settings
from hypothesis import strategies as st
from twoarm import write_two_arm

from stemcell_cli.render.forest import ForestRow, forest_svg
from stemcell_cli.safe import UNSAFE, csv_cell, json_escaped, visible, xml_text

XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
TAGS = "".join(chr(0xE0000 + ord(c)) for c in "ignore previous") + "\U000e007f"  # hidden text
SVG = "{http://www.w3.org/2000/svg}"
ANY_TEXT = st.text(st.characters(exclude_categories=()))  # lone surrogates included


# item 10: SVG (and any XML) holds only characters XML allows


def test_a_measure_with_characters_xml_forbids_still_draws_a_valid_svg(tmp_path: Path) -> None:
    for i in range(2):
        write_two_arm(tmp_path, f"s{i}", 3 + i, 30, 9, 30, measure="TB \ufffe\uffff\x01 x")
    assert invoke("validate", str(tmp_path)).exit_code == 0  # accepted: it must be drawn safely
    args = ("pool", "--studies-dir", str(tmp_path), "--measure", "tb", "-f", "svg")
    result = invoke(*args)
    assert result.exit_code == 0, result.stderr
    assert not XML_FORBIDDEN.search(result.stdout)
    title = ET.fromstring(result.stdout.encode()).find(f"{SVG}text")
    assert title is not None and title.text.startswith("TB x (")  # dropped, as controls are


@settings(max_examples=200, deadline=None)
@given(ANY_TEXT, ANY_TEXT)
def test_any_text_in_a_forest_plot_leaves_it_valid_xml(label: str, title: str) -> None:
    rows = [ForestRow(label, 0.4, 0.1, 1.2, 5.0), ForestRow("b", 0.5, 0.2, 1.1, 4.0)]
    svg = forest_svg(rows, None, title=title, measure_label="Risk ratio")
    assert not XML_FORBIDDEN.search(svg)
    texts = [t.text or "" for t in ET.fromstring(svg.encode()).iter(f"{SVG}text")]
    assert html.unescape(xml_text(label)) in texts


@given(ANY_TEXT)
def test_xml_text_is_character_data_that_shows_the_text(text: str) -> None:
    escaped = xml_text(text)
    assert not XML_FORBIDDEN.search(escaped) and "<" not in escaped
    parsed = ET.fromstring(f"<t>{escaped}</t>".encode()).text or ""
    assert parsed == html.unescape(escaped)
    if not XML_FORBIDDEN.search(text) and not UNSAFE.search(text):
        assert parsed == text  # nothing harmless is changed


# item 11: a diagnostic is one line, whatever the file holds

FORGED = "x\n::error file=README.md,line=1::forged\n::stop-commands::zzz"


@pytest.mark.parametrize("command", ["validate", "list"])
def test_a_key_with_line_breaks_cannot_forge_a_log_line(catalog_dir: Path, command: str) -> None:
    study = make_study()
    study[FORGED] = 1
    study["design"]["y\r\n::warning::z"] = 2
    (catalog_dir / "demo-study.yaml").write_text(yaml.safe_dump(study), encoding="utf-8")
    args = [str(catalog_dir)] if command == "validate" else ["--studies-dir", str(catalog_dir)]
    result = invoke(command, *args)
    assert result.exit_code == 1
    lines = (result.stdout + result.stderr).splitlines()
    assert not [line for line in lines if line.startswith("::")]
    problems = [line for line in lines if line.startswith(str(catalog_dir))]
    assert len(problems) == 2
    assert any(
        "x\\n::error file=README.md,line=1::forged\\n::stop-commands::zzz" in p for p in problems
    )
    assert any("y\\x0d\\n::warning::z" in p for p in problems)


def test_a_file_name_with_a_line_break_is_reported_on_one_line(catalog_dir: Path) -> None:
    write_study(catalog_dir, name="a\n::error::b.yaml")
    result = invoke("validate", str(catalog_dir))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert not [line for line in lines if line.startswith("::")]
    assert [line for line in lines if "a\\n::error::b.yaml" in line] == lines[:1]


# item 14: invisible tag characters are shown; only ASCII digits make a number


def test_tag_characters_are_escapes_in_json_of_the_same_value() -> None:
    assert visible(f"a{TAGS}b") == "a" + "".join(f"\\U{ord(c):08x}" for c in TAGS) + "b"
    text = json.dumps(f"a{TAGS}", ensure_ascii=False)
    escaped = json_escaped(text)
    assert escaped.isascii() and json.loads(escaped) == f"a{TAGS}"


@settings(max_examples=200)
@given(st.text())
def test_json_escaping_keeps_every_value(value: str) -> None:
    escaped = json_escaped(json.dumps(value, ensure_ascii=False))
    assert json.loads(escaped) == value
    assert not re.search("[\U000e0000-\U000e007f]", escaped)


def test_tag_characters_are_visible_in_every_output(catalog_dir: Path) -> None:
    write_study(catalog_dir, title=f"Cells{TAGS} work", headline=f"Works{TAGS}")
    args = ("--studies-dir", str(catalog_dir))
    outputs = {
        "json": invoke("list", "--json", *args),
        "csv": invoke("list", "-f", "csv", "--fields", "id,title", *args),
        "markdown": invoke("list", "-f", "markdown", *args),
        "show": invoke("show", "demo-study", *args),
        "show json": invoke("show", "demo-study", "--json", *args),
    }
    for name, result in outputs.items():
        assert result.exit_code == 0, (name, result.stderr)
        assert not re.search("[\U000e0000-\U000e007f]", result.stdout), name
    assert json.loads(outputs["json"].stdout)[0]["title"] == f"Cells{TAGS} work"
    assert json.loads(outputs["show json"].stdout)["title"] == f"Cells{TAGS} work"
    cells = list(csv.reader(io.StringIO(outputs["csv"].stdout)))
    assert cells[1][1].startswith("Cells\\U000e0069\\U000e0067")
    assert "\\U000e0069" in outputs["show"].stdout and "\\U000e0069" in outputs["markdown"].stdout


@pytest.mark.parametrize("text", ["-١٢", "+𝟙", "=٣", "-1٢", "+１"])
def test_a_number_of_other_digits_gets_the_formula_prefix(text: str) -> None:
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["-12", "+1.5", "-0.09", "-.5e-3"])
def test_a_number_of_ascii_digits_stays_a_number(text: str) -> None:
    assert csv_cell(text) == text
