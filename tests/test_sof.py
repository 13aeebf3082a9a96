"""The summary of findings as GRADEpro prints it (issue 21): comparator risk, risk difference
per 1,000 with its interval, relative effect, participants (studies), ⊕ certainty with
lettered footnotes, comments; English plurals."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import invoke
from twoarm import LOW_RISK, write_two_arm

from stemcell_cli.analysis.anticipated import Anticipated, difference_text
from stemcell_cli.render.sof_text import SOF_HEADERS, letter, plural

pytestmark = pytest.mark.usefixtures("seed_catalog")  # the nine seed studies


def run(*args: str, columns: int = 250) -> str:
    result = invoke(*args, env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.stderr
    return result.stdout


def flat(text: str) -> str:
    return " ".join(text.split())


def test_markdown_has_gradepros_columns_in_gradepros_order() -> None:
    page = run("pool", "--condition", "diabetes", "--format", "markdown")
    header = next(line for line in page.splitlines() if line.startswith("| Outcome"))
    assert [c.strip() for c in header.strip("|").split("|")] == list(SOF_HEADERS)


def test_a_zero_comparator_risk_takes_the_risk_difference_newcombe() -> None:
    page = flat(run("pool", "--condition", "diabetes", "--format", "markdown"))
    assert "| 0 per 1,000 | 818 more per 1,000 (from 413 to 949 more) |" in page
    assert "RR 17.42 (95% CI 1.14 to 265)" in page and "21 (1 study)" in page
    assert "⊕◯◯◯ VERY LOW a,b" in page
    assert "Newcombe hybrid score interval (the comparator risk is 0" in page
    assert "a. Insulin dose cut" in page and "b. Insulin dose cut" in page
    assert "not derivable" not in page


def test_the_published_hazard_ratio_stands_beside_the_crude_ratio() -> None:
    page = flat(run("pool", "--condition", "ms", "--format", "markdown"))
    assert "| 618 per 1,000 | 564 fewer per 1,000 (from 600 fewer to 451 fewer) |" in page
    assert "RR 0.088 (95% CI 0.029 to 0.27)" in page
    assert "published HR 0.07 (95% CI 0.02 to 0.24), HSCT vs DMT" in page
    assert "better than the crude ratio" in page


@pytest.mark.parametrize("columns", [40, 80, 120])
def test_the_terminal_table_fits_and_says_it_in_english(columns: int) -> None:
    out = run("pool", "--condition", "diabetes", columns=columns)
    assert max(len(line) for line in out.splitlines()) <= columns
    text = flat(out)
    assert "⊕◯◯◯ VERY" in out and "LOW a,b" in out  # a narrow column may break the two
    assert "818 more per" in text
    assert "1 studies" not in text and "(s)" not in text
    assert "4 two-arm outcomes were not computed" in text


def test_the_comparator_risk_is_the_median_control_group_risk(tmp_path: Path) -> None:
    for name, control in (("a", 5), ("b", 10), ("c", 25)):  # of 50: 100, 200, 500 per 1,000
        write_two_arm(tmp_path, f"trial-{name}", 5, 50, control, 50, risk_of_bias=LOW_RISK)
    page = flat(run("pool", "--studies-dir", str(tmp_path), "--format", "markdown"))
    assert "| 200 per 1,000 |" in page  # the median, not the summed 267
    assert "median control-group risk of the 3 pooled studies" in page
    assert "300 (3 studies)" in page


def test_difference_text_reads_both_ways_and_across_no_effect() -> None:
    def text(d: float, lo: float, hi: float) -> str:
        return difference_text(Anticipated(100, "", d, lo, hi, ""))

    assert text(-563.6, -681.4, -401.5) == "564 fewer per 1,000 (from 681 fewer to 402 fewer)"
    assert text(818.2, 413.0, 948.6) == "818 more per 1,000 (from 413 to 949 more)"
    assert text(-20, -50, 30) == "20 fewer per 1,000 (from 50 fewer to 30 more)"
    assert difference_text(Anticipated(0, "", None, None, None, "")) == "not estimable"


def test_plurals_and_footnote_letters() -> None:
    assert plural(1, "study", "studies") == "1 study"
    assert plural(2, "study", "studies") == "2 studies"
    assert plural(1, "outcome") == "1 outcome" and plural(4, "outcome") == "4 outcomes"
    assert [letter(n) for n in (0, 1, 25, 26, 27)] == ["a", "b", "z", "aa", "ab"]
