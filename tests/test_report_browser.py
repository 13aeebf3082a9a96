"""The evidence brief in a real browser: headless Chromium loads the brief of the whole bundled
catalog and of each condition in it, with no console error, no network request, nothing wider
than a phone screen or (printed) an A4 page, and a screenshot that is not blank.

Chromium is required, never skipped (``.ci/run`` installs it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from chromium import Browser, Visit, distinct_rows
from typer.testing import CliRunner

from stemcell_cli.cli.app import app
from stemcell_cli.store.catalog import bundled_dir, load_catalog

runner = CliRunner()
NOT_BLANK = 50  # distinct pixel rows: a one-colour picture has one or two


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    b = Browser()
    try:
        yield b
    finally:
        b.close()


def brief(tmp_path: Path, name: str, *args: str) -> Path:
    path = tmp_path / f"{name}.html"
    result = runner.invoke(app, ["report", *args, "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


def conditions() -> list[str]:
    """One name per distinct condition of the bundled catalog."""
    catalog = load_catalog([bundled_dir()], cache=False)
    return sorted({e.study.condition.name for e in catalog.sorted_entries()})


def check(visit: Visit) -> None:
    assert visit.requests == [], visit.requests
    assert visit.console == [], visit.console
    assert visit.overflow <= 0, f"page wider than the window by {visit.overflow}px"
    assert visit.print_overflow <= 0, f"printed page too wide by {visit.print_overflow}px"
    assert distinct_rows(visit.screenshot) > NOT_BLANK


def test_the_checks_catch_requests_errors_overflow_and_blank_pages(
    browser: Browser, tmp_path: Path
) -> None:
    """The browser checks can fail: a page that fetches, logs an error and overflows is
    caught, and a blank page's screenshot counts as blank."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><meta name="viewport" content="width=device-width">'
        '<img src="http://127.0.0.1:9/x.png"><script>console.error("boom")</script>'
        '<div style="width:2000px">wide</div>',
        encoding="utf-8",
    )
    visit = browser.visit(bad)
    assert any(url.startswith("http://127.0.0.1:9/") for url in visit.requests)
    assert any("boom" in line for line in visit.console)
    assert visit.overflow > 0 and visit.print_overflow > 0
    blank = tmp_path / "blank.html"
    blank.write_text("<!DOCTYPE html><title>blank</title>", encoding="utf-8")
    assert distinct_rows(browser.visit(blank).screenshot) <= 2


def test_the_whole_catalog_brief_loads_cleanly(browser: Browser, tmp_path: Path) -> None:
    check(browser.visit(brief(tmp_path, "all")))
    check(browser.visit(brief(tmp_path, "all-wide"), size=(1280, 900)))


@pytest.mark.parametrize("condition", conditions())
def test_each_condition_brief_loads_cleanly(
    browser: Browser, tmp_path: Path, condition: str
) -> None:
    check(browser.visit(brief(tmp_path, "one", "--condition", condition)))


def test_the_hostile_catalog_brief_runs_nothing_and_fetches_nothing(
    browser: Browser, tmp_path: Path
) -> None:
    hostile = Path(__file__).parent / "fixtures" / "hostile"
    result = runner.invoke(app, ["report", "--studies-dir", str(hostile)])
    assert result.exit_code == 1  # its broken files are reported; the valid ones are shown
    page = tmp_path / "hostile.html"
    page.write_text(result.stdout, encoding="utf-8")
    check(browser.visit(page))
