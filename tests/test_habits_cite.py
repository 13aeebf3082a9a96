"""cite as people use it: partial author lists as each format's "et al.", read back by the
readers reference managers use (bibtexparser, pybtex, rispy, citeproc-py); filters and ids on
stdin; a registry-only study cited with a title."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import bibtexparser
import pytest
import rispy
from bibtexparser import middlewares
from conftest import MS_IDS, T2D_IDS, bundled_env, invoke

pytestmark = pytest.mark.usefixtures("seed_catalog")  # the nine seed studies

pybtex_database = pytest.importorskip("pybtex.database")
citeproc = pytest.importorskip("citeproc")


def cite(*args: str, stdin: str | None = None):
    from typer.testing import CliRunner

    from stemcell_cli.cli.app import app

    return CliRunner().invoke(app, ["cite", *args], input=stdin, env={"COLUMNS": "80"})


def bib_authors(text: str) -> list[list[str]]:
    library = bibtexparser.parse_string(
        text, append_middleware=[middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()]
    )
    assert library.failed_blocks == []
    return [[" ".join(p.last) for p in e.fields_dict["author"].value] for e in library.entries]


def rendered(csl_json: str) -> list[str]:
    """The bibliography citeproc-py prints for these items (a bundled Harvard style)."""
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    items = json.loads(csl_json)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    return [str(entry) for entry in bibliography.bibliography()]


def test_mist_bibtex_is_first_author_and_others_as_readers_split_it() -> None:
    text = cite("ms-mist").stdout
    assert bib_authors(text) == [["Burt", "others"]]
    persons = pybtex_database.parse_string(text, "bibtex").entries["burt2019"].persons["author"]
    assert [p.last_names for p in persons] == [["Burt"], ["others"]]
    assert "last author Helenowski IB" in text  # kept in the note


def test_mist_ris_lists_the_first_author_only_and_notes_the_last() -> None:
    (record,) = rispy.loads(cite("ms-mist", "--format", "ris").stdout)
    assert record["authors"] == ["Burt, R. K."]
    assert any("last author Helenowski IB" in note for note in record["notes"])


def test_mist_csl_json_says_et_al_and_citeproc_shows_no_second_author() -> None:
    text = cite("ms-mist", "--format", "csl-json").stdout
    (item,) = json.loads(text)
    assert item["author"] == [{"family": "Burt", "given": "R. K."}, {"literal": "et al."}]
    assert "last author Helenowski IB" in item["note"]
    (shown,) = rendered(text)
    assert shown.startswith("Burt, R.K.") and "et al." in shown
    assert "Helenowski" not in shown


def test_a_complete_list_is_unchanged() -> None:
    (record,) = rispy.loads(cite("ms-hsct", "--format", "ris").stdout)
    assert len(record["authors"]) == 25 and record["authors"][-1] == "Mancardi, G."


def test_a_registry_only_study_is_cited_with_a_title() -> None:
    result = cite("ms-ram-ms", "--format", "csl-json")
    (item,) = json.loads(result.stdout)
    assert item["title"] == "ClinicalTrials.gov record NCT03477500"
    assert "has no title" not in result.stderr
    assert rendered(result.stdout)[0].count("NCT03477500") >= 1


def keys_of(bibtex: str) -> set[str]:
    return {e.key for e in bibtexparser.parse_string(bibtex).entries}


def test_cite_takes_the_filters() -> None:
    result = cite("--condition", "ms", "--format", "csl-json")
    assert result.exit_code == 0, result.stderr
    ids = {i["id"] for i in json.loads(result.stdout)}
    assert len(ids) == len(MS_IDS)
    diabetes = cite("--condition", "diabetes", "--format", "ris")
    assert len(rispy.loads(diabetes.stdout)) == len(T2D_IDS)


def test_cite_reads_ids_on_stdin() -> None:
    listed = invoke("list", "--condition", "diabetes", "--json", "--fields", "id").stdout
    ids = "\n".join(r["id"] for r in json.loads(listed)) + "\n"
    from_stdin = cite("-", stdin=ids)
    assert from_stdin.exit_code == 0, from_stdin.stderr
    assert from_stdin.stdout == cite(*ids.split()).stdout
    assert len(keys_of(from_stdin.stdout)) == 3


def test_an_empty_stdin_cites_nothing_rather_than_everything() -> None:
    result = cite("-", stdin="")
    assert result.exit_code == 0 and result.stdout == ""
    assert "no study ids on stdin" in result.stderr


def test_filters_narrow_the_ids_given() -> None:
    result = cite("ms-mist", "t2d-ucmsc-rct", "--condition", "ms", "--format", "ris")
    assert [r["authors"][0] for r in rispy.loads(result.stdout)] == ["Burt, R. K."]


def test_cite_with_nothing_to_cite_is_a_usage_error() -> None:
    result = cite()
    assert result.exit_code == 2
    assert "stemcell: error:" in result.stderr and result.stdout == ""


def test_filters_that_match_nothing_say_so() -> None:
    result = cite("--condition", "cancer")
    assert result.exit_code == 0 and result.stdout == ""
    assert "no studies match --condition cancer" in result.stderr


@pytest.mark.slow  # a real process
def test_the_pipe_from_the_issue_works_in_a_real_shell() -> None:
    env = bundled_env()
    listed = subprocess.run(
        [sys.executable, "-m", "stemcell_cli", "list", "--condition", "ms", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    ids = "".join(record["id"] + "\n" for record in json.loads(listed))
    done = subprocess.run(
        [sys.executable, "-m", "stemcell_cli", "cite", "-", "--format", "ris"],
        input=ids,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert len(rispy.load(io.StringIO(done.stdout))) == len(MS_IDS)
