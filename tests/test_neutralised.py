"""What each output's consumer would execute is neutralised: Markdown links and images,
spreadsheet formulas, terminal escapes in URLs and DOIs (issue #10, item 9)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from conftest import invoke, make_study, write_study
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from pydantic import ValidationError

from stemcell_cli.model.descriptor import Study
from stemcell_cli.safe import csv_cell, markdown_text, markdown_url

LINKS = (
    "![p](https://evil.example/t.png) [Click](https://evil.example/x) <b>x</b> www.evil.com a@b.co"
)
FORMULA = '=HYPERLINK("http://evil","x")'
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may run (OWASP)
HTML = MarkdownIt("commonmark").enable("table")


def executable(html: str) -> bool:
    """Whether rendered HTML holds a tag or link that came from the data."""
    return any(tag in html for tag in ('href="https://evil', "<img", "<b>", "<script"))


@pytest.mark.parametrize("bad", ["\x1b[31m", "\x07", "\x9b", "\u202e", " x"])
def test_urls_and_dois_hold_printable_characters_only(bad: str) -> None:
    with pytest.raises(ValidationError):
        Study.model_validate(
            make_study(sources=[{"key": "paper", "kind": "paper", "url": f"https://e.org/{bad}"}])
        )
    with pytest.raises(ValidationError):
        Study.model_validate(make_study(publication={"doi": f"10.1000/{bad}"}))


@pytest.mark.parametrize("command", [["list"], ["show", "demo-study"], ["compare"]])
def test_markdown_shows_links_and_images_in_data_as_text(catalog_dir: Path, command: list) -> None:
    write_study(catalog_dir, title=LINKS, headline=LINKS, summary=LINKS)
    result = invoke(*command, "-f", "markdown", "--studies-dir", str(catalog_dir))
    assert result.exit_code == 0, result.stderr
    html = HTML.render(result.stdout)
    assert not executable(html), html
    assert "Click" in html and "evil.example" in html


def test_markdown_source_links_are_http_and_percent_encoded(catalog_dir: Path) -> None:
    url = "https://example.org/a)b<c>\"d'e"
    write_study(catalog_dir, sources=[{"key": "paper", "kind": "paper", "url": url}])
    result = invoke("show", "demo-study", "-f", "markdown", "--studies-dir", str(catalog_dir))
    assert "](https://example.org/a%29b%3Cc%3E%22d%27e)" in result.stdout
    assert HTML.render(result.stdout).count("<a ") == 1


@pytest.mark.parametrize("command", [["list"], ["show", "demo-study"], ["compare"]])
def test_csv_text_cells_never_start_a_formula_but_numbers_stay_numbers(
    catalog_dir: Path, command: list
) -> None:
    outcome = {"measure": "@SUM(A1)", "estimate": {"value": -0.09}, "source": "paper"}
    write_study(catalog_dir, title=FORMULA, headline="-2+3", outcomes=[outcome])
    result = invoke(*command, "-f", "csv", "--studies-dir", str(catalog_dir))
    assert result.exit_code == 0, result.stderr
    cells = [c for row in csv.reader(io.StringIO(result.stdout)) for c in row]
    assert f"'{FORMULA}" in cells and FORMULA not in cells
    assert not any(c.startswith(FORMULA_START) and c not in ("-0.09",) for c in cells), cells
    if command == ["list"]:
        assert "'-2+3" in cells and any(c.startswith('[{"measure":"@SUM(A1)"') for c in cells)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=80))
def test_markdown_text_never_renders_as_markup(text: str) -> None:
    html = HTML.render(f"| h |\n|---|\n| {markdown_text(text)} |\n\n- {markdown_text(text)}\n")
    assert not executable(html) and "<a " not in html
    assert html.count("<td>") == 1  # nothing broke out of its cell


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("@SUM(A1)", "'@SUM(A1)"),
        ("=1+1", "'=1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("\tx", "'\tx"),
        ("-0.09", "-0.09"),
        ("+3", "+3"),
        ("-1.5e-3", "-1.5e-3"),
        ("17.42", "17.42"),
        ("plain", "plain"),
    ],
)
def test_csv_cells_as_written(text: str, cell: str) -> None:
    assert csv_cell(text) == cell


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_csv_cells_start_with_a_formula_character_only_as_numbers(text: str) -> None:
    cell = csv_cell(text)
    if cell.startswith(FORMULA_START):
        float(cell)  # a number stays a number
    assert cell in (text, "'" + text) or "\\" in cell


@given(st.text(max_size=60))
def test_markdown_urls_are_http_with_plain_characters(url: str) -> None:
    target = markdown_url("https://x.org/" + url)
    assert target is not None and target.isascii()
    assert not any(c in target for c in " ()<>\"'\\`[]\x7f") and target.isprintable()
    assert markdown_url("javascript:" + url) is None
