"""One study, one rating (issue 21): the card, ``show``, ``compare`` and ``pool`` give one
outcome one certainty; JSON keeps the design's starting point apart from the primary outcome's
rating; the RoB 2 domains are shown with symbols and words."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import invoke

WIDTHS = (40, 80, 120)
BUNDLED = {"t2d-bmsc-bhansali": "diabetes", "ms-mist": "ms"}


def run(*args: str, columns: int = 250) -> str:
    result = invoke(*args, env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.stderr
    return result.stdout


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("study_id", sorted(BUNDLED))
def test_show_compare_and_pool_give_the_primary_outcome_one_rating(study_id: str) -> None:
    record = json.loads(run("show", study_id, "--json"))
    rating = record["evidence"]["primary_outcome_certainty"]
    primary = next(c for c in record["comparisons"] if c["primary"])
    assert rating["rating"] == primary["certainty"]["rating"] == "very low"
    findings = json.loads(run("pool", "--condition", BUNDLED[study_id], "--json"))
    row = next(r for r in findings["rows"] if r["ids"] == [study_id] and r["key"] == primary["key"])
    assert row["certainty"]["rating"] == rating["rating"]
    assert [d["domain"] for d in row["certainty"]["downgrades"]] == [
        d["domain"] for d in rating["downgrades"]
    ]
    card = flat(run("show", study_id, "--no-pager", columns=80))
    assert "certainty very low (primary outcome:" in card
    assert "down 1 risk of bias, down 2 imprecision)" in card
    compared = json.loads(run("compare", study_id, "ms-hsct", "--json"))
    cell = next(r for r in compared["rows"] if r["label"] == "Certainty")["values"][study_id]
    assert cell.startswith("very low (down 1 risk of bias, down 2 imprecision); primary outcome")


def test_json_keeps_the_starting_point_apart_from_the_rating() -> None:
    mist = json.loads(run("show", "ms-mist", "--json"))["evidence"]
    assert mist["starting_point"] == "high" and "certainty" not in mist
    assert mist["primary_outcome_certainty"]["symbols"] == "⊕◯◯◯ VERY LOW"
    assert mist["primary_outcome_certainty"]["outcome"].startswith("Disease progression")
    cohort = json.loads(run("show", "ms-hsct", "--json"))["evidence"]
    assert cohort["starting_point"] == "low" and cohort["primary_outcome_certainty"] is None
    # a comparison is rated when it is computed or has a published effect to pool
    every = json.loads(run("show", "ms-mist", "--json"))["comparisons"]
    rated = [c["computed"] or bool(c["published"]) for c in every]
    assert [c["certainty"] is not None for c in every] == rated


def test_fields_and_csv_name_the_two_apart() -> None:
    picked = json.loads(run("show", "ms-hsct", "--json", "--fields", "evidence.starting_point"))
    assert picked == {"evidence": {"starting_point": "low"}}
    rows = list(csv.DictReader(io.StringIO(run("list", "-f", "csv", "--fields", "id,evidence"))))
    assert "evidence.starting_point" in rows[0] and "evidence.primary_outcome_certainty" in rows[0]
    mist = next(r for r in rows if r["id"] == "ms-mist")
    assert json.loads(mist["evidence.primary_outcome_certainty"])["rating"] == "very low"


@pytest.mark.parametrize("columns", WIDTHS)
def test_a_study_with_nothing_rated_says_starting_point_never_a_bare_level(columns: int) -> None:
    card = flat(run("show", "ms-hsct", "--no-pager", columns=columns))
    assert "starting point: low (not randomized)" in card
    assert "· certainty low" not in card


@pytest.mark.parametrize("columns", WIDTHS)
def test_show_lists_the_rob2_domains_with_symbols_words_and_whether_derived(columns: int) -> None:
    raw = run("show", "ms-mist", "--no-pager", columns=columns)
    text = flat(raw)
    assert "Risk of bias (RoB 2)" in text
    assert "+ low · ? some concerns or not reported · − high" in text
    for words in ("randomization process", "missing outcome data", "selection of the reported"):
        assert words in text
    assert "+ low" in raw and "? some" in raw and "? not" in raw  # symbol and word, one cell
    assert "derived" in raw and "given" in raw  # given judgements name their source (below)
    assert "EDSS was rated" in text  # the note
    page = flat(run("show", "ms-mist", "--format", "markdown"))
    for cell in (
        "? some concerns",
        "? not reported",
        "+ low",
        "derived from the descriptor",
        "given \\[aan-2018\\]",  # markdown escapes the brackets
    ):
        assert cell in page
    card = flat(run("show", "ms-mist", "--no-pager", columns=columns)).split("Publication")[0]
    assert "risk of bias: some concerns (randomization ?, deviations ?, missing data ?," in card


def test_compare_has_one_risk_of_bias_row_with_each_study_overall() -> None:
    out = json.loads(run("compare", "ms-mist", "ms-hsct", "--json"))
    row = next(r for r in out["rows"] if r["label"] == "Risk of bias")
    assert row["values"]["ms-mist"].startswith("some concerns (? ? ? + ?)")
    assert row["values"]["ms-hsct"].startswith("high (− ? ? − ?)")
    table = flat(run("compare", "ms-mist", "ms-hsct", columns=120))
    assert "Risk of bias some concerns (? ? ? + ?)" in table


def test_an_animal_study_gets_no_rob2_row() -> None:
    text = run("show", "pain-mge-mouse", "--no-pager")
    assert "Risk of bias (RoB 2)" not in text and "risk of bias:" not in text


@pytest.mark.parametrize("columns", WIDTHS)
def test_compare_shows_the_rating_first_and_the_risk_of_bias_at_every_width(columns: int) -> None:
    out = run("compare", "ms-mist", "ms-hsct", columns=columns)
    assert max(len(line) for line in out.splitlines()) <= columns
    text = flat(out)
    assert "very low (down" in text and "starting point: low" in text
    assert "some concerns (? ?" in text and "high (− ?" in text
    assert "+ low · ? some concerns or not reported · − high" in text  # the key, once


def test_every_single_study_row_of_pool_has_the_rating_show_gives_it() -> None:
    findings = json.loads(run("pool", "--json"))
    alone = [r for r in findings["rows"] if len(r["ids"]) == 1]
    assert len(alone) >= 3
    for row in alone:
        record = json.loads(run("show", row["ids"][0], "--json"))
        (comparison,) = [c for c in record["comparisons"] if c["key"] == row["key"]]
        assert comparison["certainty"]["rating"] == row["certainty"]["rating"], row["ids"]
        assert comparison["certainty"]["downgrades"] == row["certainty"]["downgrades"]
