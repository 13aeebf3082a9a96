"""Author lists: names parsed, omissions kept in place, nobody reordered."""

from __future__ import annotations

import pytest

from stemcell_cli.model.authors import is_elision, parse_name, split_authors
from stemcell_cli.safe import UNSAFE
from stemcell_cli.store.catalog import Catalog, bundled_dir, load_catalog
from stemcell_cli.views import describe

HSCT = ["Boffa G", "Massacesi L", "Inglese M", "...", "Mancardi G"]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog([bundled_dir()])


@pytest.mark.parametrize(
    ("name", "family", "given", "literal"),
    [
        ("Boffa G", "Boffa", "G.", None),
        ("Littleboy JB", "Littleboy", "J. B.", None),
        ("Burt", "Burt", None, None),
        ("Bráz", "Bráz", None, None),
        ("Smith, Jane", "Smith", "Jane", None),
        ("Jane Q. Public", None, None, "Jane Q. Public"),
        ("  Boffa \t G ", "Boffa", "G.", None),
    ],
)
def test_names(name: str, family: str | None, given: str | None, literal: str | None) -> None:
    author = parse_name(name)
    assert author is not None
    assert (author.family, author.given, author.literal) == (family, given, literal)


@pytest.mark.parametrize("marker", ["...", "…", "et al", "et al.", "Et Al.", "and others", " … "])
def test_elision_markers(marker: str) -> None:
    assert is_elision(marker)
    assert parse_name(marker) is None


def test_names_are_cleaned_of_terminal_controls() -> None:
    author = parse_name("Evil\x1b]8;;https://x.example\x07 \u202eX\x9b")
    assert author is not None
    assert not UNSAFE.search(author.text)
    assert not UNSAFE.search(str(author.literal or author.family))


def test_a_last_author_after_the_omission_stays_last() -> None:
    authors = split_authors(HSCT)
    assert [n.family for n in authors] == ["Boffa", "Massacesi", "Inglese", "Mancardi"]
    assert authors.partial
    assert [n.family for n in authors.before] == ["Boffa", "Massacesi", "Inglese"]
    assert [n.family for n in authors.after] == ["Mancardi"]
    (gap,) = authors.omissions
    assert (gap.before and gap.before.text, gap.after and gap.after.text) == (
        "Inglese M",
        "Mancardi G",
    )
    assert authors.omission_note() == (
        "Author list incomplete: authors omitted between Inglese M and Mancardi G; "
        "last author Mancardi G."
    )


def test_trailing_and_leading_and_repeated_omissions() -> None:
    trailing = split_authors(["Burt", "..."])
    assert trailing.partial and trailing.after == []
    assert trailing.omission_note() == "Author list incomplete: authors omitted after Burt."
    leading = split_authors(["…", "Neely GG"])
    assert leading.before == [] and [n.family for n in leading.after] == ["Neely"]
    assert leading.omission_note() == (
        "Author list incomplete: authors omitted before Neely GG; last author Neely GG."
    )
    repeated = split_authors(["A", "...", "et al.", "B"])
    assert len(repeated.omissions) == 1


def test_a_complete_list_has_no_note() -> None:
    authors = split_authors(["Manion J", "Khuong T"])
    assert not authors.partial and authors.omission_note() is None and authors.after == []
    assert not split_authors([]) and not split_authors(["..."])


@pytest.mark.parametrize(
    ("names", "short"),
    [
        (HSCT, "Boffa G, Massacesi L, Inglese M, …, Mancardi G"),
        (["Burt", "..."], "Burt et al."),
        (["A", "B", "C", "D"], "A, B, C et al."),
        (["A", "B"], "A, B"),
        (["...", "Neely GG"], "…, Neely GG"),
        (["A", "B", "C", "D", "...", "Z"], "A, B, C, …, Z"),
        ([], ""),
    ],
)
def test_short_form(names: list[str], short: str) -> None:
    assert split_authors(names).short() == short


def test_show_citation_uses_the_same_author_rules(catalog: Catalog) -> None:
    hsct = describe.citation(catalog.entry("ms-hsct").study)  # 25 named authors
    assert hsct.startswith("Boffa G, Massacesi L, Inglese M et al. Long-term")
    mist = describe.citation(catalog.entry("ms-mist").study)  # first and last named
    assert mist.startswith("Burt RK, …, Helenowski IB. Effect of")
    assert describe.citation(catalog.entry("t2d-bmsc").study).startswith("Nguyen et al. STEM")
    ram = catalog.entry(
        "ms-ram-ms"
    ).study  # no paper: the descriptor's own title is not a work's title
    assert describe.citation(ram) == "—"
