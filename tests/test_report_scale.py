"""``stemcell report`` over many studies: forest plots bounded as ``pool``'s are, and a page
whose size grows in step with the number of studies (each card about its own study)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from chromium import Browser
from conftest import invoke, make_study, write_study
from test_report import Page
from test_report_browser import check
from twoarm import write_two_arm

from stemcell_cli.cite.references import reference_for, stored_reference
from stemcell_cli.model.descriptor import Study
from stemcell_cli.render.brief import other_reference
from stemcell_cli.store.catalog import bundled_dir, load_catalog
from stemcell_cli.store.entry import Entry


def two_arm_catalog(folder: Path, count: int) -> Path:
    """``count`` randomized two-arm studies of one outcome, of varied sizes (so of varied
    weights), none judged low risk in every RoB 2 domain."""
    for i in range(count):
        n = 40 + (i * 37) % 200
        write_two_arm(folder, f"trial-{i:03d}", 5 + i % 7, n, 12 + i % 11, n + 3)
    return folder


def report(folder: Path, *args: str) -> str:
    result = invoke("report", "--studies-dir", str(folder), *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def drawn_rows(svg: str) -> list[str]:
    """The study labels a forest plot draws: ``trial-007 (6/77 vs 13/80)``."""
    return re.findall(r">(trial-\d+ \(\d+/\d+ vs \d+/\d+\))</text>", svg)


@pytest.fixture(scope="module")
def sixty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return two_arm_catalog(tmp_path_factory.mktemp("sixty"), 60)


def test_a_forest_plot_of_60_studies_draws_40_and_says_how_many_more_were_pooled(
    sixty: Path,
) -> None:
    html = report(sixty)
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(svgs) == 1
    rows = drawn_rows(svgs[0])
    assert len(rows) == 40 and len(set(rows)) == 40
    said = re.search(
        r"60 studies: the 40 of the largest weights are drawn; 20 more \((\d+\.\d)% of the "
        r"weight\) are pooled but not drawn",
        svgs[0],
    )
    assert said is not None and 0 < float(said.group(1)) < 50
    words = Page(html).words()
    assert "60 randomized, human comparisons" in words  # the pooled figures count every study
    # the table beside the plot gives the numbers drawn, then the rest counted
    table = html[html.index("The numbers of forest plot 1") :]
    table = table[: table.index("</table>")]
    assert table.count('<tr><th scope="row">trial-') == 40
    assert (
        f"20 more studies ({said.group(1)}% of the weight), pooled but not drawn"
        in Page(table).words()
    )


def weights(html: str) -> dict[str, float]:
    """Study id -> its weight, from the table of forest plot 1."""
    table = html[html.index("The numbers of forest plot 1") :]
    table = table[: table.index("</table>")]
    found = re.findall(r'<th scope="row">(trial-\d+)</th>.*?<td>(\d+\.\d)%</td>', table)
    return {study: float(weight) for study, weight in found}


def test_the_studies_drawn_are_those_of_the_largest_weights(sixty: Path) -> None:
    every = weights(report(sixty, "--all"))
    drawn = weights(report(sixty))
    assert len(every) == 60 and len(drawn) == 40 and drawn.items() <= every.items()
    hidden = [w for study, w in every.items() if study not in drawn]
    assert min(drawn.values()) >= max(hidden)


def test_all_draws_every_study(sixty: Path) -> None:
    html = report(sixty, "--all")
    svg = re.findall(r"<svg.*?</svg>", html, re.S)[0]
    assert len(drawn_rows(svg)) == 60 and "pooled but not drawn" not in html


@pytest.mark.parametrize("measure", [(), ("--measure", "tuberculosis")])
def test_a_card_in_a_large_body_gives_its_rating_and_points_to_the_reasons(
    sixty: Path, measure: tuple[str, ...]
) -> None:
    html = report(sixty, *measure)
    start = html.index('id="study-trial-007"')
    card = html[start : html.index("</article>", start)]
    words = Page(card).words()
    assert "Tuberculosis (randomized, human): ⊕" in words
    assert "down 1 for risk of bias" in words
    assert "the reasons, over 60 studies, are given under forest plot 1" in words
    assert "trial-008" not in card  # no other study's judgements repeated in this card
    assert 'href="#forest-1"' in card  # the reasons in full, under the forest plot
    reasons = Page(html[html.index('id="forest-1"') : html.index('id="studies"')]).words()
    assert "Down 1 for risk of bias: studies at some risk hold" in reasons
    assert "trial-008" in reasons and "more (some concerns" in reasons


def test_the_page_grows_in_step_with_the_number_of_studies(tmp_path: Path) -> None:
    """Bytes per study of the brief of 80 studies stay within 15% of those of 20 studies."""
    small = len(report(two_arm_catalog(tmp_path / "20", 20)).encode())
    large = len(report(two_arm_catalog(tmp_path / "80", 80)).encode())
    assert large / 80 < 1.15 * small / 20, (small / 20, large / 80)


def test_a_measure_found_in_one_study_draws_it_unpooled(tmp_path: Path) -> None:
    folder = tmp_path / "one"
    write_two_arm(folder, "trial-solo", 4, 60, 11, 62, measure="Relapse")
    write_two_arm(folder, "trial-pair", 4, 60, 11, 62)
    html = report(folder, "--measure", "relapse")
    words = Page(html).words()
    assert "Forest plot 1: Relapse" in words
    assert "trial-solo 4/60 11/62 100.0%" in words and "Pooled (" not in words


def test_citation_keys_stay_distinct_from_studies_left_out_of_the_brief(tmp_path: Path) -> None:
    """The brief of one study keys its citation apart from an unselected study that shares
    its first author and year, as ``cite`` does."""
    paper = {"title": "Cells", "journal": "J Cells", "date": "2019", "authors": ["Smith J"]}
    write_study(tmp_path, id="smith-a", publication=paper)
    write_study(tmp_path, id="smith-b", publication=paper, condition={"name": "stroke"})
    words = Page(report(tmp_path, "--condition", "diabetes")).words()
    assert "[smith2019-smith-a]" in words and "smith-b" not in words


def test_a_reference_read_from_the_stored_record_is_the_one_the_model_gives() -> None:
    """Studies left out of a brief are keyed from their stored records, without the model:
    every bundled study (articles, registry records, web pages), a bare document and an
    expert's video give the same reference both ways."""
    catalog = load_catalog([bundled_dir()], cache=False)
    entries = list(catalog.sorted_entries())
    made = [
        make_study(id="bare-doc", publication={"date": "2020-03", "authors": ["Roe, A."]}),
        make_study(
            id="expert-video",
            kind="expert-opinion",
            design={"type": "expert-opinion"},
            opinion={"question": "Does it work?", "expert": "Dr Who", "answer_gist": "Not yet"},
            sources=[{"key": "talk", "kind": "video", "url": "https://example.org/v"}],
        ),
    ]
    for fields in made:
        study = Study.model_validate(fields)
        entries.append(Entry(study, f"{study.id}.yaml"))
    kinds = set()
    for entry in entries:
        expected = reference_for(entry.study)
        assert stored_reference(entry.record) == expected, entry.id
        kinds.add(expected.type.name)
    assert kinds == {"article", "registry-record", "web-page", "document"}


def test_a_damaged_record_is_keyed_from_the_model() -> None:
    study = Study.model_validate(make_study(publication={"title": "T", "authors": ["Roe, A."]}))
    entry = Entry(study, "demo-study.yaml")
    entry.__dict__["record"] = '{"id": "demo-study", "publication": 3}'
    assert other_reference(entry) == reference_for(study)


def test_the_page_written_to_a_file_in_pieces_is_the_page_on_stdout(
    sixty: Path, tmp_path: Path
) -> None:
    target = tmp_path / "brief.html"
    result = invoke("report", "--studies-dir", str(sixty), "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text(encoding="utf-8") == report(sixty)


def test_the_brief_of_60_studies_loads_cleanly_in_a_real_browser(
    sixty: Path, tmp_path: Path
) -> None:
    """The bounded plot and the cards that link to it load in headless Chromium on a phone
    and print on A4 as the bundled briefs do: no request, no console error, nothing too wide."""
    page = tmp_path / "sixty.html"
    page.write_text(report(sixty), encoding="utf-8")
    browser = Browser()
    try:
        check(browser.visit(page))
    finally:
        browser.close()
