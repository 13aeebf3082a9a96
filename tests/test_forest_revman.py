"""Forest plots as RevMan draws them (issue 21): per-arm counts, weights, fixed decimals, RoB 2
symbols, heterogeneity and overall-effect lines, method and prediction interval, axis title
and favours labels, square area proportional to weight, ticks that never overlap, an SVG wide
enough for its right column, one study drawn (not pooled), zero cells and left-out studies
said."""

from __future__ import annotations

import itertools
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import invoke
from twoarm import LOW_RISK, write_bcg, write_two_arm

from stemcell_cli.analysis.bodies import analyse
from stemcell_cli.analysis.contributions import gather
from stemcell_cli.analysis.outcome import PoolResult
from stemcell_cli.render.forest import CHAR, ForestRow, ForestSummary, forest_svg
from stemcell_cli.render.pool_text import forest_lines, svg

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def bcg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bcg")
    write_bcg(folder, risk_of_bias=LOW_RISK)
    return folder


def one_study(study_id: str):
    """The bundled study's first computed comparison as a body of evidence of one study."""
    result = invoke("show", study_id, "--json")
    assert result.exit_code == 0, result.stderr
    found = gather([json.loads(result.stdout)]).found[:1]
    analysis = analyse(found[0].key, found)
    assert analysis is not None
    return analysis


@pytest.mark.parametrize("columns", [80, 120])
def test_the_text_plot_says_what_revman_says_under_it(bcg: Path, columns: int) -> None:
    args = ("pool", "--studies-dir", str(bcg), "--measure", "tuberculosis")
    out = invoke(*args, env={"COLUMNS": str(columns)}).stdout
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= columns
    header = next(line for line in lines if line.startswith("Study "))
    assert "Weight" in header and "RoB" in header
    assert any(line.startswith("bcg-01") and "+++++" in line for line in lines)
    flat = " ".join(out.split())
    assert "Heterogeneity: Tau² = 0.31; Chi² = 152.23, df = 12 (P < 0.00001); I² = 92%" in flat
    assert "Test for overall effect: Z = 3.97 (P < 0.0001)" in flat
    assert "Method: random effects, REML, inverse variance" in flat
    assert "Risk ratio (log scale), 95% CI" in flat
    assert "Fewer events with cells | More events with cells" in flat
    assert "+ low, ? some concerns or not reported, − high" in flat


def test_effects_carry_a_fixed_number_of_decimals(bcg: Path) -> None:
    args = ("pool", "--studies-dir", str(bcg), "--measure", "tuberculosis")
    out = invoke(*args, env={"COLUMNS": "120"}).stdout
    assert "0.20 [0.09, 0.49]" in out and "1.56 [0.37, 6.53]" in out  # not 0.205 [0.0863, …]


def test_svg_square_area_is_proportional_to_weight(bcg: Path) -> None:
    args = ("pool", "--studies-dir", str(bcg), "--measure", "tuberculosis", "-f", "svg")
    root = ET.fromstring(invoke(*args).stdout.encode())
    squares = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == "black"]
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    weights = [float(t[:-1]) for t in texts if re.fullmatch(r"\d+\.\d%", t)]
    assert len(squares) == len(weights) == 13
    areas = [float(r.get("width", 0)) * float(r.get("height", 0)) for r in squares]
    ratios = [area / weight for area, weight in zip(areas, weights, strict=True)]
    assert max(ratios) / min(ratios) < 1.03  # weights are rounded to 0.1% in the text


def test_svg_is_wide_enough_for_its_right_column_and_names_the_columns(bcg: Path) -> None:
    args = ("pool", "--studies-dir", str(bcg), "--measure", "tuberculosis", "-f", "svg")
    root = ET.fromstring(invoke(*args).stdout.encode())
    width = float(root.get("width", 0))
    texts = list(root.iter(f"{SVG}text"))
    for t in texts:
        if t.get("text-anchor") is None:
            assert float(t.get("x", 0)) + CHAR * len(t.text or "") <= width, t.text
    names = {t.text for t in texts}
    assert {"Study", "Weight", "RR [95% CI]", "RoB", "Risk ratio (log scale), 95% CI"} <= names
    assert "Fewer events with cells" in names and "More events with cells" in names
    circles = list(root.iter(f"{SVG}circle"))
    assert len(circles) == 13 * 5  # one RoB dot per domain, a symbol written in each
    assert sum(1 for t in texts if t.text == "+") == 13 * 5


def test_svg_tick_labels_never_overlap() -> None:
    rows = [
        ForestRow("a", 0.01, 0.004, 0.03, 40.0),
        ForestRow("b", 0.05, 0.006, 0.12, 60.0),
    ]
    root = ET.fromstring(forest_svg(rows, ForestSummary("p", 0.02, 0.005, 0.08)))
    ticks = [t for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "middle"]
    spans = sorted(
        (float(t.get("x", 0)) - CHAR * len(t.text or "") / 2, CHAR * len(t.text or ""))
        for t in ticks
        if t.get("fill") is None
    )
    assert len(spans) >= 2
    for (start, size), (after, _) in itertools.pairwise(spans):
        assert start + size <= after, spans


@pytest.mark.parametrize("study_id", ["ms-mist", "t2d-bmsc-bhansali"])
def test_a_single_study_is_drawn_not_pooled(study_id: str) -> None:
    a = one_study(study_id)
    lines = forest_lines(a, 80, False)
    text = "\n".join(lines)
    assert "One study: not pooled." in text and "Pooled (" not in text
    assert study_id in text and "100.0%" in lines[1]
    picture = svg(PoolResult(a.outcome, a.key, a, (), (), a.key))
    root = ET.fromstring(picture.encode())
    assert not list(root.iter(f"{SVG}polygon"))  # no diamond
    assert "One study: not pooled." in [t.text for t in root.iter(f"{SVG}text")]


def test_zero_cell_corrections_are_said_in_the_plot() -> None:
    lines = forest_lines(one_study("t2d-bmsc-bhansali"), 100, False)
    assert any("Zero cells in t2d-bmsc-bhansali: 1/2 added to every cell" in ln for ln in lines)
    assert not any("Zero cells" in ln for ln in forest_lines(one_study("ms-mist"), 100, False))


def test_studies_left_out_are_listed_under_the_plot(tmp_path: Path) -> None:
    write_two_arm(tmp_path, "one", 3, 30, 9, 30)
    write_two_arm(tmp_path, "two", 4, 30, 8, 30)
    write_two_arm(tmp_path, "none", 0, 30, 0, 30)
    args = ("pool", "--studies-dir", str(tmp_path), "--measure", "tuberculosis")
    out = " ".join(invoke(*args, env={"COLUMNS": "100"}).stdout.split())
    assert "Left out, not estimable (no events, or all events, in both arms): none." in out
