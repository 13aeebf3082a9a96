"""Pooling at registry scale keeps no per-study Python objects (issue 23): the statistics hold
their vectors as arrays, a pooled result computes its study rows when they are read, and the
labels are fetched one at a time, only when something names a study."""

from __future__ import annotations

import math
import tracemalloc
from array import array
from collections.abc import Iterator, Sequence
from typing import overload

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stemcell_cli.synthesis import NotEstimable, StudyRow, pool, pool_tables, regtest

K = 20_000
KEPT_PER_STUDY = 40  # bytes a pooled result may keep per study (a list of floats alone is 32)
PEAK_PER_STUDY = 64  # bytes a fit may hold at once per study (eight arrays of doubles)


def effects(k: int) -> tuple[array[float], array[float]]:
    """k spread effects with unequal variances (a real tau² to estimate), as arrays."""
    yi = array("d", (0.4 * math.sin(i) for i in range(k)))
    vi = array("d", (0.01 + (i * 37 % 100) / 100 for i in range(k)))
    return yi, vi


def traced(call):  # type: ignore[no-untyped-def]
    """(result, bytes still allocated after the call, peak bytes during it)."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        result = call()
        after, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, after - before, peak - before


def test_pooling_twenty_thousand_studies_keeps_no_object_per_study() -> None:
    yi, vi = effects(K)
    pooled, kept, peak = traced(lambda: pool(yi, vi, measure="MD", method="REML"))
    assert pooled.k == K and pooled.tau2 > 0 and pooled.method == "REML"
    assert kept < KEPT_PER_STUDY * K, f"{kept / K:.0f} bytes kept per study"
    assert peak < PEAK_PER_STUDY * K, f"{peak / K:.0f} bytes per study at the peak"
    # and the rows are all there when read
    assert len(pooled.studies) == K
    assert math.fsum(row.weight for row in pooled.studies) == pytest.approx(100.0)


def test_the_funnel_test_on_twenty_thousand_studies_builds_no_row_per_study() -> None:
    yi, vi = effects(K)
    result, _, peak = traced(lambda: regtest(yi, vi))
    assert result.assessable and result.z is not None
    assert peak < PEAK_PER_STUDY * K, f"{peak / K:.0f} bytes per study at the peak"


class CountingLabels(Sequence[str]):
    """A lazy sequence of names, built on demand, counting how many were asked for."""

    def __init__(self, k: int) -> None:
        self.k = k
        self.fetched: list[int] = []

    def __len__(self) -> int:
        return self.k

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            raise AssertionError("pool sliced the labels")
        if not -self.k <= index < self.k:
            raise IndexError(index)
        self.fetched.append(index % self.k)
        return f"trial {index % self.k}"

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("pool iterated over every label")


@pytest.mark.parametrize("measure", ["RR", "MD"])
@pytest.mark.parametrize("method", ["FE", "DL", "REML"])
def test_pool_fetches_a_label_only_when_a_row_is_read(measure: str, method: str) -> None:
    yi, vi = effects(1000)
    labels = CountingLabels(1000)
    pooled = pool(yi, vi, measure=measure, method=method, labels=labels)  # type: ignore[arg-type]
    assert labels.fetched == []
    labels.fetched.clear()
    assert pooled.studies[3].label == "trial 3"
    assert labels.fetched == [3]


def test_an_error_still_names_the_study_it_is_about() -> None:
    yi, vi = effects(1000)
    vi[617] = 0.0
    labels = CountingLabels(1000)
    with pytest.raises(NotEstimable, match="trial 617 has zero sampling variance"):
        pool(yi, vi, labels=labels)  # type: ignore[arg-type]
    assert labels.fetched == [617]
    yi[998] = 709.5  # exp(709.5 + 1.96·√v) overflows a float: refused when pooled, named
    vi[617] = 0.5
    with pytest.raises(NotEstimable, match="95% CI of trial 998 overflows"):
        pool(yi, vi, labels=CountingLabels(1000), measure="RR")


def eager_rows(labels, yi, vi, tau2, ratio):  # type: ignore[no-untyped-def]
    """The rows as pooling built them before issue 23: weight 100·uᵢ/Σu, u = w / max w."""
    w = [1.0 / (v + tau2) for v in vi]
    m = max(w)
    u = [wi / m for wi in w]
    total = math.fsum(u)
    return tuple(
        StudyRow(name, y, v, 100.0 * ui / total, ratio)
        for name, y, v, ui in zip(labels, yi, vi, u, strict=True)
    )


def shown(row: StudyRow) -> tuple[object, ...]:
    return (row.label, row.yi, row.vi, row.weight, row.estimate, row.lower, row.upper)


studies = st.lists(
    st.tuples(
        st.floats(min_value=-5, max_value=5, allow_nan=False),
        st.floats(min_value=1e-6, max_value=1e3, allow_nan=False),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(studies, st.sampled_from(["FE", "DL", "REML"]), st.sampled_from(["RR", "MD"]))
def test_lazy_rows_equal_the_eager_ones(data, method, measure) -> None:  # type: ignore[no-untyped-def]
    yi, vi = [y for y, _ in data], [v for _, v in data]
    labels = [f"study {i}" for i in range(len(data))]
    try:
        pooled = pool(yi, vi, method=method, measure=measure, labels=labels)
    except NotEstimable:
        return
    want = eager_rows(labels, yi, vi, pooled.tau2, measure == "RR")
    assert pooled.studies == want
    assert [shown(row) for row in pooled.studies] == [shown(row) for row in want]
    assert [shown(pooled.studies[i]) for i in range(-len(want), 0)] == [shown(r) for r in want]
    assert pooled.studies[1:3] == want[1:3]
    assert list(pooled.studies.yi) == yi and list(pooled.studies.vi) == vi


def test_two_pooled_results_compare_by_their_rows_and_show_them() -> None:
    a = pool([0.1, 0.5, -0.2], [0.1, 0.2, 0.05], labels=["a", "b", "c"])
    same = pool(array("d", [0.1, 0.5, -0.2]), array("d", [0.1, 0.2, 0.05]), labels=["a", "b", "c"])
    other = pool([0.1, 0.5, -0.2], [0.1, 0.2, 0.05], labels=["a", "b", "z"])
    assert a == same and a.studies == same.studies
    assert a != other and a.studies != other.studies
    assert a.studies != tuple(a.studies)[:2]
    assert "StudyRow(label='a'" in repr(a.studies) and "3 studies" in repr(a.studies)
    with pytest.raises(IndexError):
        a.studies[3]


def test_unnamed_studies_and_tables_left_out_keep_their_numbers() -> None:
    yi, vi = effects(1000)
    assert pool(yi, vi).studies[-1].label == "Study 1000"
    tables = [(3, 20, 6, 20), (0, 15, 0, 15), (4, 30, 9, 31), (2, 12, 5, 12)]
    unnamed = pool_tables(tables)
    assert unnamed.excluded == ("Study 2",)
    assert [row.label for row in unnamed.studies] == ["Study 1", "Study 3", "Study 4"]
    labels = CountingLabels(4)
    named = pool_tables(tables, labels=labels)  # type: ignore[arg-type]
    assert named.excluded == ("trial 1",) and labels.fetched == [1]
    assert [named.studies[i].label for i in range(3)] == ["trial 0", "trial 2", "trial 3"]
