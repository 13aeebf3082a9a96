"""``stemcell report``: the HTML evidence brief, as a reader and a careful user see it."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import invoke, make_study
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from twoarm import write_bcg

from stemcell_cli import __version__
from stemcell_cli.cite.references import references
from stemcell_cli.model.descriptor import Study
from stemcell_cli.render.brief import StudyBrief
from stemcell_cli.render.html import card, reference_html
from stemcell_cli.views.show import show_view

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"


class Page(HTMLParser):
    """Every element with its attributes, and the text outside tags."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def names(self) -> list[str]:
        return [t for t, _ in self.tags]

    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def report(*args: str) -> str:
    result = invoke("report", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def bcg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bcg")
    write_bcg(folder)
    return folder


@pytest.mark.usefixtures("seed_catalog")
def test_the_page_is_self_contained_with_no_script_and_nothing_to_fetch() -> None:
    html = report()
    page = Page(html)
    assert html.startswith("<!DOCTYPE html>") and "script" not in page.names()
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            if name not in ("href", "xmlns") and value:
                assert not re.search(r"(?i)(https?:|//)", value), (tag, name, value)
        assert tag not in ("img", "link", "iframe", "object", "embed", "audio", "video")
    policy = next(a["content"] for t, a in page.tags if a.get("http-equiv"))
    assert policy and "default-src 'none'" in policy


@pytest.mark.usefixtures("seed_catalog")
def test_the_question_date_and_version_are_stated() -> None:
    page = Page(report("--condition", "ms", "--min-n", "50"))
    words = page.words()
    assert (
        "What do the 3 studies (of 9 catalogued) of a condition matching “ms” (by name, synonym "
        "or abbreviation) and with at least 50 participants show, and how far" in words
    )
    assert "stemcell report --condition ms --min-n 50" in words
    assert datetime.date.today().isoformat() in words and f"stemcell {__version__}" in words


@pytest.mark.usefixtures("seed_catalog")
def test_one_card_per_study_with_level_certainty_cautions_and_gaps() -> None:
    html = report("--condition", "ms")
    page = Page(html)
    cards = [a["id"] for t, a in page.tags if t == "article"]
    assert cards == ["study-ms-hsct", "study-ms-mist", "study-ms-ram-ms", "study-spms-hsct-qa"]
    mist = Page(html[html.index('id="study-ms-mist"') : html.index('id="study-ms-ram-ms"')])
    words = mist.words()
    assert "Evidence level 2 · strong" in words and "not a score" in words
    assert "high (GRADE starting point" in words and "Cautions: sources disagree" in words
    assert "What was said, and what the study found" in words
    assert "uk-news (news) A UK arm ran in Sheffield." in words  # the news beside the paper
    assert "Limitations" in words and "Not in the sources" in words
    assert "randomization method and allocation concealment" in words


@pytest.mark.usefixtures("seed_catalog")
def test_an_animal_study_card_says_so() -> None:
    words = Page(report("--species", "mouse")).words()
    assert "Animal study (mouse), not people" in words and "animal study" in words


@pytest.mark.usefixtures("seed_catalog")
def test_every_table_has_header_cells_and_citations_link_their_sources() -> None:
    html = report("--condition", "ms")
    for table in re.findall(r"<table>.*?</table>", html, re.S):
        assert '<th scope="col">' in table
    page = Page(html)
    links = [a["href"] for t, a in page.tags if t == "a" and a["href"].startswith("http")]
    assert "https://doi.org/10.1001/jama.2018.18743" in links
    assert all(
        a.get("rel") == "noopener noreferrer"
        for t, a in page.tags
        if t == "a" and a["href"].startswith("http")
    )
    assert "Citations" in page.words() and "How each number was computed" in page.words()


def test_pooled_outcomes_have_a_forest_plot_with_a_text_alternative(bcg: Path) -> None:
    html = report("--studies-dir", str(bcg))
    page = Page(html)
    svg = next(a for t, a in page.tags if t == "svg")
    assert svg["role"] == "img" and svg["aria-labelledby"] == "forest-1-title"
    assert '<title id="forest-1-title">Forest plot 1: Tuberculosis' in html
    words = page.words()
    assert "Summary of findings" in words and "13 studies" in words
    assert "The numbers of forest plot 1" in words  # the table beside the plot
    assert "bcg-01 4/123 11/139" in words


def test_measure_draws_that_outcome_and_an_unknown_measure_reports_nothing(bcg: Path) -> None:
    assert "Forest plot 1: Tuberculosis" in report(
        "--studies-dir", str(bcg), "--measure", "tuberculosis"
    )
    result = invoke("report", "--studies-dir", str(bcg), "--measure", "relapse")
    assert result.exit_code == 1 and result.stdout == ""
    assert "stemcell: error: nothing to pool" in result.stderr


@pytest.mark.usefixtures("seed_catalog")
def test_nothing_matched_is_exit_1_and_a_bad_option_exit_2() -> None:
    result = invoke("report", "--condition", "leprosy")
    assert result.exit_code == 1 and result.stdout == ""
    assert "no studies match --condition leprosy" in result.stderr
    result = invoke("report", "--effect", "hr2")
    assert result.exit_code == 2 and "stemcell: error:" in result.stderr


@pytest.mark.usefixtures("seed_catalog")
def test_output_file_is_never_overwritten_without_force(tmp_path: Path) -> None:
    target = tmp_path / "brief.html"
    result = invoke("report", "--condition", "ms", "-o", str(target))
    assert result.exit_code == 0 and result.stdout == "" and f"wrote {target}" in result.stderr
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    target.write_text("my notes", encoding="utf-8")
    result = invoke("report", "--condition", "ms", "-o", str(target))
    assert result.exit_code == 1 and "exists: not replaced (use --force" in result.stderr
    assert target.read_text(encoding="utf-8") == "my notes"
    assert invoke("report", "--condition", "ms", "-o", str(target), "--force").exit_code == 0
    assert "ms-mist" in target.read_text(encoding="utf-8")


def test_the_hostile_catalog_renders_as_inert_text() -> None:
    result = invoke("report", "--studies-dir", str(HOSTILE))
    assert result.exit_code == 1  # the broken files are reported, the valid ones shown
    page = Page(result.stdout)
    assert "script" not in page.names()
    assert not any("evil.example" in (v or "") for _, a in page.tags for v in a.values())
    words = page.words()
    assert "[link=https://evil.example]x[/link]" in words and "\\x1b[31mred" in words
    for raw in ("\x1b", "\x9b", "\x07", "\x00", "\u202e"):
        assert raw not in result.stdout


def card_html(value: str) -> str:
    """A study's card with ``value`` as its title, headline and limitation."""
    fields = {"title": value, "headline": value, "limitations": [value]}
    study = Study.model_validate(make_study(**fields))
    return card(StudyBrief.of(study, show_view(study)), [])


TAGS = Page(card_html("plain words")).names()


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(min_size=1, max_size=60).filter(lambda s: s.strip()))
def test_any_catalog_text_stays_text(value: str) -> None:
    """Whatever a title, headline or limitation holds, the card has the same elements."""
    try:
        html = card_html(value)
    except ValueError:
        return  # the model refuses it: nothing to render
    assert Page(html).names() == TAGS
    assert "<" + value not in html or "<" not in value


def test_a_source_address_with_quotes_and_brackets_stays_one_link() -> None:
    """A URL cannot close its attribute or open an element: it is percent-encoded."""
    url = 'https://x.example/a"b<c>\'d"onmouseover=x'
    study = Study.model_validate(
        make_study(sources=[{"key": "paper", "kind": "paper", "url": url}])
    )
    html = reference_html(references([study])[0], StudyBrief.of(study, show_view(study)))
    links = [a for t, a in Page(html).tags if t == "a"]
    assert links[-1] == {
        "href": "https://x.example/a%22b%3Cc%3E%27d%22onmouseover=x",
        "rel": "noopener noreferrer",
    }
    assert Page(html).names() == ["li", "code", "a", "br", "a"]


def test_the_methods_name_the_pooling_method_chosen(bcg: Path) -> None:
    assert "random effects by REML (as metafor)" in Page(report("--studies-dir", str(bcg))).words()
    words = Page(report("--studies-dir", str(bcg), "--method", "dl")).words()
    assert "Pooling: random effects by DerSimonian-Laird" in words
    assert "pooled, random effects, dersimonian–laird" in words.lower()  # as the SoF says
