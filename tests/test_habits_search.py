"""--search as people type it: whole words, a plural finds its singular, never inside ids."""

from __future__ import annotations

import json

import pytest
from conftest import MS_IDS, invoke, write_study

pytestmark = pytest.mark.usefixtures("seed_catalog")  # the nine seed studies


def searched(words: str) -> tuple[set[str], str]:
    result = invoke("list", "--search", words, "--json", "--fields", "id")
    assert result.exit_code == 0, result.stderr
    return {r["id"] for r in json.loads(result.stdout)}, result.stderr


def test_stem_cells_ms_finds_the_ms_studies_and_no_diabetes_study() -> None:
    found, _ = searched("stem cells MS")
    assert "ms-mist" in found  # its text says "stem cell", singular
    assert found <= MS_IDS  # "bmsc" holds "ms", but is not the word MS


@pytest.mark.parametrize(("plural", "singular"), [("cells", "cell"), ("transplants", "transplant")])
def test_a_plural_finds_what_its_singular_finds(plural: str, singular: str) -> None:
    assert searched(plural)[0] >= searched(singular)[0]
    assert searched(plural)[0]


def test_words_of_an_id_are_not_searched(catalog_dir) -> None:
    write_study(catalog_dir, id="alpha-trial", title="A study of cells")
    result = invoke("list", "--studies-dir", str(catalog_dir), "--search", "alpha", "--json")
    assert json.loads(result.stdout) == []
    result = invoke("list", "--studies-dir", str(catalog_dir), "--search", "cell", "--json")
    assert [r["id"] for r in json.loads(result.stdout)] == ["alpha-trial"]


def test_a_part_of_a_word_matches_nothing() -> None:
    assert searched("insul")[0] == set()
    assert searched("insulin")[0]


def test_nothing_matched_says_which_word_matched_no_study() -> None:
    found, err = searched("insulin zebrafish")
    assert found == set()
    assert "zebrafish" in err and "no study" in err
    assert "'insulin'" not in err
