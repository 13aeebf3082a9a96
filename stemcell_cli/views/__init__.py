"""What a study looks like in each view: one module per view, all built from the model.

- ``record``: the JSON record (descriptor fields plus ``evidence``) for json, jsonl and csv;
- ``listing``: the row ``list`` shows, and the facets the filters look at;
- ``pooling``: the record cut to what ``pool`` reads (its comparisons and the design);
- ``show``: the sections ``show`` displays;
- ``compare``: the study's column of a comparison, and the alignment of columns.

``StoredViews`` names them, once: the index keeps one column per field, an entry one
attribute per field. ``stored`` builds them as the index keeps them (compact JSON text) and
reads them back. This module stays light: serving a stored study imports no view module.
"""

from __future__ import annotations

from typing import Generic, NamedTuple, TypeVar

T = TypeVar("T")


class StoredViews(NamedTuple, Generic[T]):
    """One value per view of a study (the views' text, their builders, their readers)."""

    record: T
    summary: T
    facets: T
    pooling: T
    show_view: T
    compare_column: T


VIEWS: tuple[str, ...] = StoredViews._fields
LARGE_VIEWS = ("show_view", "compare_column")  # read only when shown, never with the list
SMALL_VIEWS = tuple(name for name in VIEWS if name not in LARGE_VIEWS)
