"""The pieces compact compare is laid out with: cells cut to their lines and width, a cut
always marked, and the studies shared out over the tables in order."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from stemcell_cli.render.compare_table import balanced, clip
from stemcell_cli.render.fit import groups, tight, wrap

words = st.text(st.characters(codec="utf-8", exclude_categories=("C", "Z")), min_size=1)
cells = st.lists(words, max_size=40).map(" ".join) | st.lists(
    st.lists(words, max_size=8).map(" ".join), max_size=5
).map("\n".join)


@given(cells, st.integers(4, 60), st.integers(1, 6), st.none() | st.integers(1, 3))
def test_a_clipped_cell_fits_and_says_when_it_was_cut(
    value: str, width: int, lines: int, each: int | None
) -> None:
    out = clip(value, width, lines, each).split("\n")
    assert len(out) <= lines
    assert all(len(line) <= width for line in out)
    whole = wrap(tight(value), width).split("\n")
    if out != whole:  # something was left out: the reader is told
        assert any(line.endswith("…") for line in out)


@given(cells, st.integers(4, 60))
def test_with_no_limit_nothing_is_cut(value: str, width: int) -> None:
    assert clip(value, width, None) == "\n".join(wrap(p, width) for p in tight(value).split("\n"))


@given(st.lists(st.integers(14, 40), min_size=1, max_size=12), st.integers(20, 200))
def test_the_tables_keep_every_study_in_order(widths: list[int], room: int) -> None:
    greedy = groups([w + 1 for w in widths], room)
    parts = balanced(greedy, widths, room)
    assert [n for part in parts for n in part] == list(range(len(widths)))
    assert len(parts) == len(greedy)  # no more tables than the width needs
    assert parts == greedy or max(map(len, parts)) - min(map(len, parts)) <= 1
