"""`show` says what each figure is (issue 21): mean or median, SD/SE/IQR, n, final values or
change from baseline; figures worked out from published ones say how; figures resting only on
a secondary source are marked."""

from __future__ import annotations

import pytest
from conftest import invoke

from stemcell_cli.model.outcome import Estimate
from stemcell_cli.views.describe import estimate_text


def page(study_id: str, *options: str, columns: int = 250) -> str:
    result = invoke("show", study_id, "--no-pager", *options, env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.stderr
    return " ".join(result.stdout.split())


def test_a_group_mean_says_it_is_a_mean_with_its_sd_and_a_change() -> None:
    text = page("koa-lee-2025", "--format", "markdown")
    assert "mean -5.0 WOMAC points (SD 3.6; change from baseline)" in text


def test_every_kind_of_spread_size_and_scale_is_named() -> None:
    median = Estimate(value=24, unit="months", statistic="median", iqr={"lower": 18, "upper": 48})
    assert estimate_text(median) == "median 24 months (IQR 18 to 48)"
    mean = Estimate(value=2.5, statistic="mean", se=0.4, n=30, measured_as="final")
    assert estimate_text(mean) == "mean 2.5 (SE 0.4; n = 30; final values)"
    plain = Estimate(value=85.5, unit="%")
    assert estimate_text(plain) == "85.5%"  # nothing said that the source does not say


@pytest.mark.parametrize("columns", [40, 80, 120])
def test_derived_figures_say_how_they_were_computed(columns: int) -> None:
    result = invoke("show", "ami-bami", "--no-pager", env={"COLUMNS": str(columns)})
    assert "[computed" in result.stdout  # the words wrap in a table cell: see markdown
    text = page("ami-bami", "--format", "markdown")
    assert "computed from published figures: denominator taken as the number randomized" in text


@pytest.mark.parametrize("columns", [40, 80, 120])
def test_figures_resting_on_a_secondary_source_are_marked(columns: int) -> None:
    assert "[secondary:" in page("ms-mist", columns=columns)
    table = page("ms-mist", "--format", "markdown")
    assert "| 3.38 → 2.36 EDSS points | forum \\[secondary: forum-copy\\] |" in table
    assert "| paper \\[secondary" not in table  # the paper is a primary source
