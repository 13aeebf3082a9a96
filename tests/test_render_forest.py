"""Forest plots: text lines within the width, symbols where the numbers put them; valid SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from test_synthesis_pooling import BCG

from stemcell_cli.render.forest import (
    ForestRow,
    ForestSummary,
    forest_svg,
    forest_text,
    pooled_summary,
    study_row,
)
from stemcell_cli.synthesis import pool_tables

SVG = "{http://www.w3.org/2000/svg}"
NAMES = ["Aronson 1948", "Ferguson & Simes 1949", "Rosenthal 1960", "Hart & Sutherland 1977"]
NAMES += ["Frimodt-Moller 1973", "Stein & Aronson 1953", "Vandiviere 1973", "TPT Madras 1980"]
NAMES += ["Coetzee & Berjak 1968", "Rosenthal 1961", "Comstock 1974", "Comstock & Webster 1969"]
NAMES += ["Comstock 1976"]


def bcg_forest(measure: str = "RR"):
    pooled = pool_tables(BCG, measure=measure, labels=NAMES)  # type: ignore[arg-type]
    counts = [(f"{a}/{b}", f"{c}/{d}") for a, b, c, d in BCG]
    rows = [study_row(s, c) for s, c in zip(pooled.studies, counts, strict=True)]
    return rows, pooled_summary(pooled)


@pytest.mark.parametrize("width", [60, 61, 80, 100, 140])
@pytest.mark.parametrize("measure", ["RR", "RD"])
def test_text_lines_fit_the_width(width, measure):
    rows, summary = bcg_forest(measure)
    lines = forest_text(rows, summary, width=width, log_scale=measure == "RR")
    assert all(len(line) <= width for line in lines)
    assert len(lines) >= 1 + len(rows) + 1 + 1  # header, studies, pooled, axis, heterogeneity


@pytest.mark.parametrize("width", [60, 75, 200])
def test_long_labels_counts_and_effects_still_fit(width):
    rows = [
        ForestRow("A" * 150, 123456.0, 0.000012, 9876543.0, 99.9, ("123456789/987654321", "1/2")),
        ForestRow("b", -0.00001234, -0.5, 0.25, 0.1, ("0/1", "1/1")),
    ]
    summary = ForestSummary("pooled " * 30, 2.0, 0.001, 4000.0, "Heterogeneity: " + "x " * 200)
    for log_scale in (True, False):
        lines = forest_text(rows, summary, width=width, log_scale=log_scale)
        assert all(len(line) <= width for line in lines), max(lines, key=len)


def test_text_shows_counts_weights_effects_diamond_and_heterogeneity():
    rows, summary = bcg_forest()
    lines = forest_text(rows, summary, width=120)
    text = "\n".join(lines)
    assert "4/123" in lines[1] and "11/139" in lines[1] and "5.1%" in lines[1]
    assert "0.41 [0.13, 1.26]" in lines[1]  # a fixed number of decimals, as RevMan
    assert "■" in lines[1] and "│" in lines[2]
    pooled_line = next(line for line in lines if line.startswith("random effects, REML"))
    assert "◆" in pooled_line and "0.49 [0.34, 0.70]" in pooled_line
    assert "Tau² = 0.31; Chi² = 152.23, df = 12 (P < 0.00001); I² = 92%" in text
    axis = lines[-2]
    assert "1" in axis.split() and "0.1" in axis.split()


def test_diamond_and_squares_sit_where_the_numbers_are_on_a_log_scale():
    rows = [ForestRow("below", 0.25, 0.2, 0.3, 50.0), ForestRow("above", 4.0, 3.0, 5.0, 50.0)]
    summary = ForestSummary("pooled", 1.0, 0.5, 2.0)
    lines = forest_text(rows, summary, width=80, log_scale=True)
    below, above, pooled = lines[1], lines[2], lines[3]
    rule = pooled.index("◆")
    assert below.index("■") < rule < above.index("■")
    # log scale: 0.25 and 4 are symmetric around 1
    null = below.index("│")
    assert abs((null - below.index("■")) - (above.index("■") - null)) <= 1
    ascii_lines = forest_text(rows, summary, width=80, ascii_only=True)
    assert all(line.isascii() for line in ascii_lines)
    assert "<" in ascii_lines[3] and ">" in ascii_lines[3] and "#" in ascii_lines[1]


def test_not_estimable_rows_and_narrow_widths():
    rows = [ForestRow("double zero", None, None, None), ForestRow("ok", 0.5, 0.3, 0.9, 100.0)]
    lines = forest_text(rows, None, width=60)
    assert "not estimable" in lines[1]
    with pytest.raises(ValueError, match="at least 60 columns"):
        forest_text(rows, None, width=59)


def test_svg_is_valid_xml_with_escaped_text():
    rows, summary = bcg_forest()
    rows[0] = ForestRow('<script>alert("x")</script> & co', 0.4, 0.1, 1.2, 5.0, ("4/1", "1/2"))
    svg = forest_svg(rows, summary, title="BCG & TB <RR>", measure_label="Risk ratio")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert '<script>alert("x")</script> & co' in texts
    assert "BCG & TB <RR>" in texts
    assert not list(root.iter(f"{SVG}script"))
    assert "<script>" not in svg
    assert len(list(root.iter(f"{SVG}polygon"))) == 1  # the diamond
    squares = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == "black"]
    assert len(squares) == len(rows)
    sizes = {float(r.get("width")) for r in squares}
    assert len(sizes) > 1  # sized by weight
    assert "1" in texts and any(t and t.startswith("Heterogeneity") for t in texts)
    dashed = [ln for ln in root.iter(f"{SVG}line") if ln.get("stroke-dasharray")]
    assert len(dashed) == 1  # the line of no effect


def test_svg_linear_scale_for_risk_differences():
    rows, summary = bcg_forest("RD")
    root = ET.fromstring(forest_svg(rows, summary, log_scale=False))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "0" in texts
