"""pool over many studies: what it reads (the pooling view) and what it prints (bounded lists,
everything in --json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import BUNDLED, invoke
from hypothesis import given
from hypothesis import strategies as st

from stemcell_cli.analysis.certainty import I2_LIMIT, _inconsistency
from stemcell_cli.analysis.contributions import gather
from stemcell_cli.store.catalog import load_catalog
from stemcell_cli.synthesis import pool
from stemcell_cli.views.pooling import pooling_record
from stemcell_cli.words import SHOWN, listed

ORIGINAL = (BUNDLED / "t2d-bmsc-bhansali.yaml").read_text(encoding="utf-8")
COPIES = 60
ZEROS = 15  # the last copies have no events in either arm: not estimable, left out


def test_gather_reads_the_pooling_view_as_it_reads_the_whole_record() -> None:
    entries = load_catalog([BUNDLED]).sorted_entries()
    assert len(entries) > 50
    records = [json.loads(e.record) for e in entries]
    whole = gather(records)
    cut = gather(pooling_record(r) for r in records)
    assert cut == whole
    assert whole.found and whole.skipped  # both kinds are compared
    assert [e.pooling for e in entries] == [pooling_record(r) for r in records]


@pytest.fixture
def copies(catalog_dir: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """60 copies of a two-arm trial, events varied so the studies differ; the last 15 with no
    events in either arm."""
    ids = []
    for i in range(COPIES):
        study_id = f"copy-{i:03d}"
        events = 0 if i >= COPIES - ZEROS else 3 + i % 8
        text = ORIGINAL.replace("id: t2d-bmsc-bhansali\n", f"id: {study_id}\n", 1)
        text = text.replace("{events: 9, total: 11}", f"{{events: {events}, total: 11}}")
        (catalog_dir / f"{study_id}.yaml").write_text(text, encoding="utf-8")
        ids.append(study_id)
    monkeypatch.setenv("STEMCELL_STUDIES_DIR", str(catalog_dir))
    return ids


def test_the_summary_of_many_studies_names_a_few_and_counts_the_rest(copies: list[str]) -> None:
    pooled = COPIES - ZEROS
    text = " ".join(invoke("pool", "-f", "markdown").stdout.split())
    assert f"{', '.join(copies[:SHOWN])} and {pooled - SHOWN} more)" in text
    assert copies[SHOWN] not in text
    # the risk-of-bias footnote names the studies that share the same concerns once, bounded
    assert f"{copies[SHOWN - 1]} and {pooled - SHOWN} more (some concerns: randomization" in text
    assert f"median control-group risk of the {pooled} pooled studies" in text
    every = json.loads(invoke("pool", "--json").stdout)
    (row,) = [r for r in every["rows"] if r["studies"] == pooled]
    assert row["ids"] == copies[:pooled]
    # the studies with no events in either arm are said, not lost
    unestimable = [x for x in every["left_out"] if "not estimable" in x["reason"]]
    assert [x["study_id"] for x in unestimable] == copies[pooled:]
    assert f"Left out: {copies[pooled]}: Insulin dose cut" in text


def test_left_out_studies_are_counted_past_the_first_few(copies: list[str]) -> None:
    args = ("pool", "--measure", "insulin dose cut")
    text = invoke(*args, env={"COLUMNS": "80"}).stdout
    said = [line for line in text.splitlines() if line.startswith("Left out:")]
    assert said[:SHOWN] == [
        f"Left out: {study_id}: not estimable (no events, or all events, in both arms)"
        for study_id in copies[-ZEROS:][:SHOWN]
    ]
    assert said[SHOWN:] == [
        f"Left out: {ZEROS - SHOWN} more (stemcell pool --json lists every one)"
    ]
    every = json.loads(invoke(*args, "--json").stdout)
    assert [x["study_id"] for x in every["left_out"]] == copies[-ZEROS:]


@given(st.lists(st.text(max_size=5), max_size=30), st.integers(min_value=0, max_value=12))
def test_a_list_names_at_most_shown_items_and_counts_the_others(
    items: list[str], shown: int
) -> None:
    said = listed(items, sep="|", shown=shown)
    named = min(len(items), shown)
    assert said.startswith("|".join(items[:named]))
    rest = len(items) - named
    assert said.endswith(f" and {rest:,} more") if rest else said == "|".join(items)
    assert listed(iter(items), sep="|", shown=shown) == said  # read through, or counted by length


def _first_apart(rows: list[tuple[str, float, float]]) -> tuple[str, str] | None:
    """The first pair (i < j, in order) whose intervals do not overlap, found the slow way."""
    for i, (a, low_a, high_a) in enumerate(rows):
        for b, low_b, high_b in rows[i + 1 :]:
            if high_a < low_b or high_b < low_a:
                return a, b
    return None


@given(st.lists(st.tuples(st.floats(-3, 3), st.floats(0.001, 2)), min_size=2, max_size=25))
def test_the_inconsistency_check_names_the_first_pair_apart_as_a_scan_of_every_pair_would(
    effects: list[tuple[float, float]],
) -> None:
    labels = [f"s{i}" for i in range(len(effects))]
    pooled = pool([y for y, _ in effects], [v for _, v in effects], measure="MD", labels=labels)
    found = _inconsistency(pooled)
    rows = [(r.label, r.lower, r.upper) for r in pooled.studies]
    expected = _first_apart(rows) if pooled.i2 > I2_LIMIT else None
    if expected is None:
        assert found is None
    else:
        assert found is not None
        assert f"95% CIs of {expected[0]} and {expected[1]} do not overlap" in found.reason


def test_the_brief_counts_left_out_studies_past_the_first_few_as_pool_does(
    copies: list[str],
) -> None:
    page = invoke("report", "--measure", "insulin dose cut").stdout
    said = [copies[-ZEROS:][i] for i in range(ZEROS) if f"Left out: {copies[-ZEROS:][i]}:" in page]
    assert said == copies[-ZEROS:][:SHOWN]
    assert f"Left out: {ZEROS - SHOWN} more (stemcell pool --json lists every one)" in page
