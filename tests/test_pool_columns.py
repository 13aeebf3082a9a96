"""Contributions held as columns: every comparison reads back as it was gathered, views select
and split as plain lists would, and gathering 20,000 studies holds a few dozen bytes each."""

from __future__ import annotations

import json
import statistics
import tracemalloc
from array import array
from collections.abc import Iterator
from typing import Any

from conftest import BUNDLED
from hypothesis import given
from hypothesis import strategies as st

from stemcell_cli.analysis.bodies import DEFAULT, bodies, screen, single
from stemcell_cli.analysis.certainty import StudyFacts
from stemcell_cli.analysis.columns import Contribution, Contributions, LeftOut, LeftOuts, Shape
from stemcell_cli.analysis.contributions import gather
from stemcell_cli.analysis.texts import Texts
from stemcell_cli.store.catalog import load_catalog
from stemcell_cli.synthesis.median import median
from stemcell_cli.views.pooling import pooling_record


@given(st.lists(st.text(), max_size=400))
def test_texts_read_back_every_text_in_and_out_of_order(texts: list[str]) -> None:
    kept = Texts()
    for i, text in enumerate(texts):
        assert kept.append(text) == i
    assert len(kept) == len(texts)
    assert list(kept) == texts
    for i in reversed(range(len(texts))):  # out of order: blocks read again
        assert kept[i] == texts[i]
    if texts:
        assert kept[-1] == texts[-1]


FACTS = [StudyFacts(True), StudyFacts(False, "high", ("randomization process high",))]
figures = st.one_of(
    st.tuples(st.integers(0, 50), st.integers(50, 10**10 - 1)).flatmap(
        lambda a: st.tuples(st.integers(0, 50), st.integers(50, 10**10 - 1)).map(
            lambda c: ("counts", {"counts": (a[0], a[1], c[0], c[1])})
        )
    ),
    st.tuples(st.floats(-9, 9), st.floats(0.1, 9), st.integers(2, 900)).map(
        lambda arm: ("means", {"means": (arm, (arm[0] / 2, arm[1], arm[2] + 1))})
    ),
    st.just((None, {"published": ({"measure": "hazard-ratio", "value": 0.8},)})),
)
rows = st.lists(
    st.tuples(
        st.sampled_from(["s1", "s2", "s3", "ünï-4"]),
        st.sampled_from(["Mortality", "HbA1c"]),
        st.booleans(),
        st.sampled_from(FACTS),
        figures,
    ),
    max_size=40,
)


def _contributions(found: list[tuple[str, str, bool, StudyFacts, Any]]) -> Contributions:
    table = []
    for study, outcome, secondary, facts, (kind, numbers) in found:
        shape = Shape(
            outcome, f"measure:{outcome.lower()}", "12 months", ("A", "B"), facts.randomized,
            True, facts, kind, secondary=secondary,
        )  # fmt: skip
        table.append((study, shape, numbers))
    return Contributions.of(table)


@given(rows)
def test_every_comparison_reads_back_as_it_was_added(found: list) -> None:
    view = _contributions(found)
    assert len(view) == len(found)
    for c, (study, outcome, secondary, facts, (_kind, numbers)) in zip(view, found, strict=True):
        assert (c.study_id, c.outcome, c.secondary, c.facts) == (study, outcome, secondary, facts)
        assert c.counts == numbers.get("counts")
        assert c.means == numbers.get("means")
        assert c.published == numbers.get("published", ())
    assert list(view.ids) == [study for study, *_ in found]


def _left_out_as_a_list_would(studies: list[Contribution]) -> tuple[list[str], list[LeftOut]]:
    """What screen and single did when contributions were a plain list (the old code)."""
    left: list[LeftOut] = []
    kept = [c for c in studies if not c.secondary]
    left += [LeftOut(c.study_id, c.outcome) for c in studies if c.secondary]
    counts: dict[str, int] = {}
    for c in kept:
        counts[c.study_id] = counts.get(c.study_id, 0) + 1
    left += [LeftOut(s, f"{n} timepoints") for s, n in counts.items() if n > 1]
    return [c.study_id for c in kept if counts[c.study_id] == 1], left


@given(rows)
def test_views_select_split_and_keep_one_row_a_study_as_plain_lists_would(found: list) -> None:
    view = _contributions(found)
    for key, outcome in view.split(lambda s: s.key).items():
        assert list(outcome) == [c for c in view if c.key == key]
        left: list[LeftOut] = []
        once = single(screen(outcome, DEFAULT, left), left)
        expected, expected_left = _left_out_as_a_list_would(list(outcome))
        assert list(once.ids) == expected
        assert [x.study_id for x in left] == [x.study_id for x in expected_left]
        for body in bodies(once):
            assert len({(c.randomized, c.human) for c in body}) == 1
        assert sum(len(b) for b in bodies(once)) == len(once)


def _records(n: int) -> Iterator[dict[str, Any]]:
    """n pooling records: copies of a bundled two-arm trial, each under its own id."""
    (entry,) = load_catalog([BUNDLED]).find(["t2d-bmsc-bhansali"])
    record = pooling_record(json.loads(entry.record))
    for i in range(n):
        yield record | {"id": f"copy-{i:06d}", "title": f"Copy {i} of a two-arm trial"}


def test_gathering_20000_studies_holds_a_few_dozen_bytes_a_comparison() -> None:
    gather(_records(1))  # everything imported and cached before counting
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        gathered = gather(_records(20_000))
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    comparisons = len(gathered.found) + len(gathered.skipped)
    assert len(gathered.found) == 20_000 and len(gathered.skipped) == 40_000
    assert held / comparisons < 40  # as objects, a comparison held 300 to 700 bytes
    assert gathered.found[12_345].study_id == "copy-012345"
    assert gathered.skipped[24_691].study_id == "copy-012345"


@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c-ü"]), st.sampled_from(["x", "y"]))))
def test_left_out_studies_read_back_as_they_were_added(found: list[tuple[str, str]]) -> None:
    expected = [LeftOut(study, reason) for study, reason in found]
    kept = LeftOuts(expected[:3])
    kept += expected[3:]
    assert kept == expected and list(kept) == expected and len(kept) == len(expected)
    assert kept[:2] == expected[:2]


@given(st.lists(st.floats(0, 1) | st.sampled_from([0.0, 0.2, 0.5]), min_size=1, max_size=99))
def test_the_comparator_risk_is_the_median_statistics_gives(risks: list[float]) -> None:
    assert median(array("d", risks)) == statistics.median(risks)


def test_a_table_of_more_shapes_than_two_bytes_count_reads_each_one_back() -> None:
    facts = StudyFacts(True)
    found = [
        (f"s{i}", Shape(f"o{i}", f"measure:o{i}", None, ("A", "B"), True, True, facts, None), {})
        for i in range(70_000)
    ]
    view = Contributions.of(found)
    assert [view[i].outcome for i in (0, 65_535, 65_536, 69_999)] == [
        "o0",
        "o65535",
        "o65536",
        "o69999",
    ]
