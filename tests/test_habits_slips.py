"""Text slips a reader trips on: a capital mid-sentence, a one-study "pooled" interval, a
GRADE note on a rating that does not apply."""

from __future__ import annotations

import math

import pytest
from typer.testing import CliRunner

from stemcell_cli.analysis.certainty import StudyFacts, rate_certainty
from stemcell_cli.cli.app import app
from stemcell_cli.synthesis import pool


def show(study_id: str, columns: int = 120) -> str:
    result = CliRunner().invoke(
        app, ["show", study_id, "--no-pager"], env={"COLUMNS": str(columns)}
    )
    assert result.exit_code == 0, result.stderr
    return " ".join(result.stdout.split())


@pytest.mark.parametrize("columns", [40, 80, 120])
def test_sources_disagree_on_reads_as_one_sentence(columns: int) -> None:
    text = show("ms-hsct", columns)
    assert "Sources disagree on which progressive" in text
    assert "Sources disagree on Which" not in text
    assert "Sources disagree on what the news headline claims" in show("pain-ipsc", columns)


def test_a_statement_after_a_p_value_starts_its_own_sentence() -> None:
    text = show("t2d-ucmsc-rct")
    assert "p < 0.05; The" not in text and "; The p-value" not in text
    assert "p < 0.05. The p-value" in text


def test_no_grade_note_on_a_certainty_that_does_not_apply() -> None:
    text = show("ms-ram-ms")
    assert "not applicable: no results (GRADE" not in text
    assert "certainty not applicable: no results" in text  # the card
    assert "Starting point not applicable: no results" in text
    assert "not applicable (GRADE" not in show("spms-hsct-qa")
    assert "high (GRADE starting point for this design" in show("ms-mist")


def test_one_study_is_not_called_pooled() -> None:
    one = pool([math.log(0.8)], [0.25], measure="RR", labels=["S1"])
    rating = rate_certainty(one, [StudyFacts(True)], total_events=500)
    (reason,) = [d.reason for d in rating.downgrades if d.domain == "imprecision"]
    assert "pooled" not in reason and reason.startswith("the study's 95% CI")
    two = pool([math.log(0.8)] * 2, [0.25] * 2, measure="RR", labels=["S1", "S2"])
    rating = rate_certainty(two, [StudyFacts(True), StudyFacts(True)], 500)
    assert any(d.reason.startswith("the pooled 95% CI") for d in rating.downgrades)
