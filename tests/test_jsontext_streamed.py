"""JSON written as it is made: a document with streamed arrays reads the same as the one
json.dumps writes, byte for byte, indented or compact."""

from __future__ import annotations

import io
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from stemcell_cli.jsontext import Streamed, dumps, write

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=25,
)


def streamed(value: Any, pick: st.DataObject) -> Any:
    """``value`` with some of its lists made Streamed generators (chosen by hypothesis)."""
    if isinstance(value, dict):
        return {k: streamed(v, pick) for k, v in value.items()}
    if isinstance(value, list):
        items = [streamed(v, pick) for v in value]
        return Streamed(iter(items)) if pick.draw(st.booleans()) else items
    return value


@given(values, st.sampled_from([None, 2]), st.data())
def test_a_streamed_document_is_what_dumps_writes(value: Any, indent: int | None, pick) -> None:
    out = io.StringIO()
    write(out.write, streamed(value, pick), indent)
    assert out.getvalue() == dumps(value, indent)
    assert json.loads(out.getvalue()) == value


def test_each_item_is_written_before_the_next_is_made() -> None:
    out = io.StringIO()
    written_before: list[bool] = []

    def items():
        for i in range(3):
            written_before.append(i == 0 or f'"s{i - 1}"' in out.getvalue())
            yield {"study": f"s{i}"}

    write(out.write, {"k": 3, "studies": Streamed(items())}, 2)
    assert written_before == [True, True, True]
    assert json.loads(out.getvalue()) == {"k": 3, "studies": [{"study": f"s{i}"} for i in range(3)]}
