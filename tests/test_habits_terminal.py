"""The terminal at 40, 80 and 120 columns: levels that read as words, ids never cut, cut
cells that say so, and source bullets with a hanging indent."""

from __future__ import annotations

import re

import pytest
from conftest import SEED_IDS
from typer.testing import CliRunner

from stemcell_cli.cli.app import app

pytestmark = pytest.mark.usefixtures("seed_catalog")  # the nine seed studies

WIDTHS = [40, 80, 120]
LEVEL = re.compile(r"\b[1-5] · (strongest|strong|moderate|weak|weakest)\b")


def run(*args: str, columns: int, **env: str) -> str:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": str(columns), **env})
    assert result.exit_code == 0, result.stderr
    return result.stdout


def study_lines(out: str) -> dict[str, str]:
    return {line.split()[0]: line for line in out.splitlines() if line.split()[:1] != []}


@pytest.mark.parametrize("columns", WIDTHS)
def test_list_keeps_every_id_whole_and_every_cut_ends_in_an_ellipsis(columns: int) -> None:
    from stemcell_cli.evidence.grading import CAUTION

    out = run("list", "--format", "table", columns=columns)
    assert max(len(line) for line in out.splitlines()) <= columns
    rows = {k: v for k, v in study_lines(out).items() if k in SEED_IDS}
    assert set(rows) == SEED_IDS  # each id whole, at the start of its line
    whole = set(CAUTION.values()) | {"—"}
    for line in rows.values():
        caution = re.split(r"\s{2,}", line.split(" · ")[1])[1]  # the cell after the level
        stripped = re.sub(r" \+\d+$", "", caution)
        assert any(stripped == w or stripped.startswith(w + ", ") for w in whole) or (
            caution.endswith("…") and any(w.startswith(caution[:-1]) for w in whole)
        ), (columns, caution)


@pytest.mark.parametrize("columns", WIDTHS)
def test_level_is_shown_in_words_with_its_scale(columns: int) -> None:
    out = run("list", "--format", "table", columns=columns)
    rows = [line for line in out.splitlines() if line.split()[:1] and line.split()[0] in SEED_IDS]
    assert all(LEVEL.search(line) for line in rows)
    assert "/5" not in out
    legend = " ".join(out.split())
    assert "1 strongest" in legend and "5 weakest" in legend and "not a score" in legend


def test_level_in_words_in_show_compare_and_a_pipe() -> None:
    card = run("show", "ms-hsct", "--no-pager", columns=120)
    assert "Evidence: level 4 · weak" in card and "4/5" not in card and "of 5" not in card
    compare = run("compare", "ms-hsct", "ms-mist", "--format", "csv", columns=120)
    assert "4 · weak: uncontrolled" in compare and "2 · strong: randomized" in compare
    piped = run("list", columns=80)
    assert "\tlevel 4 · weak\t" in piped


def test_a_trial_without_results_is_never_coloured_green() -> None:
    out = run("list", "--format", "table", columns=120, FORCE_COLOR="1", TERM="xterm-256color")
    lines = {re.sub(r"\x1b\[[0-9;]*m", "", x).split()[0]: x for x in out.splitlines() if x.strip()}
    green = re.compile(r"\x1b\[(?:1;)?32m")
    assert green.search(lines["ms-mist"])  # a randomized trial with results
    assert not green.search(lines["ms-ram-ms"])  # randomized too, but no results yet


@pytest.mark.parametrize("columns", WIDTHS)
def test_show_source_bullets_wrap_with_a_hanging_indent(columns: int) -> None:
    out = run("show", "ms-hsct", "--no-pager", columns=columns).splitlines()
    start = out.index(next(x for x in out if x.startswith("• [paper] library-record")))
    assert out[start + 1].startswith("  ")  # continued under the text, not under the bullet
    label = "[paper] library-record: Boffa et al., Neurology 2021 (citation record with abstract)"
    joined = " ".join(x.strip() for x in out[start : start + 4])
    assert label in joined.removeprefix("• ")
