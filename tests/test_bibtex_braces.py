"""Issue 18 item 7: a brace in catalog text never ends a BibTeX field early, so every entry
parses back (bibtexparser, pybtex) to exactly its own fields."""

from __future__ import annotations

import bibtexparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stemcell_cli.cite import citations
from stemcell_cli.cite.formats import balanced_braces
from stemcell_cli.store.catalog import bundled_dir, load_catalog

pybtex_database = pytest.importorskip("pybtex.database")

MIST = load_catalog([bundled_dir()]).entry("ms-mist").study
URL = "https://pmc.ncbi.nlm.nih.gov/articles/PMC6439765"
FIELDS = {"author", "title", "journal", "year", "month", "volume", "number", "pages"}
FIELDS |= {"doi", "pmid", "pmcid", "url", "note"}


def with_text(title: str, journal: str = "JAMA", author: str = "Burt RK") -> str:
    publication = MIST.publication.model_copy(
        update={"title": title, "journal": journal, "authors": [author, "...", "Helenowski IB"]}
    )
    return citations([MIST.model_copy(update={"publication": publication})], "bibtex").text


def read_back(text: str) -> tuple[dict[str, str], dict[str, str]]:
    """The entry's fields as bibtexparser and as pybtex read them."""
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == [], [b.error for b in library.failed_blocks]
    (entry,) = library.entries
    parsed = pybtex_database.parse_string(text, "bibtex")
    (other,) = parsed.entries.values()
    return {f.key: f.value for f in entry.fields}, {k.lower(): v for k, v in other.fields.items()}


def test_the_reported_injection_keeps_the_real_url_journal_and_year() -> None:
    text = with_text('a}, url = "https://evil.example/", note = "{b', journal='}"')
    for fields in read_back(text):
        assert fields["url"] == URL
        assert fields["year"] == "2019"
        assert "evil.example" in fields["title"]  # it stays text of the title
        assert set(fields) <= FIELDS and "journal" in fields


@pytest.mark.parametrize("text", ["{", "}", "}{", "a{b", "a}b{c}", "\\{", "{{}", "x}}}"])
def test_any_unbalanced_brace_still_parses(text: str) -> None:
    bib, pyb = read_back(with_text(f"Title {text} end", journal=text or "J", author=f"Burt{text}"))
    assert bib["url"] == URL and pyb["url"] == URL


def test_balanced_braces_are_kept_as_text() -> None:
    assert balanced_braces("a {b} c") == "a {b} c"
    assert balanced_braces("a}b{c") == "abc"
    assert balanced_braces("{{x}") == "{x}"


@settings(max_examples=200, deadline=None)
@given(
    title=st.text(alphabet=st.sampled_from('{}\\"@,=%#&$ _~^aZ1\n'), min_size=1, max_size=30),
    journal=st.text(alphabet=st.sampled_from('{}\\"@,=aZ'), min_size=1, max_size=12),
)
def test_every_entry_parses_back_to_exactly_its_own_fields(title: str, journal: str) -> None:
    text = with_text("T " + title, journal="J " + journal)
    for fields in read_back(text):
        assert set(fields) <= FIELDS
        assert fields["url"] == URL and fields["year"] == "2019"
        assert fields["doi"] == "10.1001/jama.2018.18743"
