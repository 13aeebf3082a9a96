"""Every view of a study built from its model, and kept as the index keeps it: compact JSON
text, read back by ``decode``, which refuses text of the wrong shape."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..jsontext import COMPACT, dumps
from ..query import Facets
from . import StoredViews
from .compare import column
from .listing import SUMMARY_HEADERS, facets, summary_row
from .pooling import pooling_record
from .record import study_record
from .show import Section, show_view

if TYPE_CHECKING:
    from ..model.descriptor import Study


_last_record: list[tuple[Study, dict[str, Any]]] = []


def _record_of(study: Study) -> dict[str, Any]:
    """The study's record, computed once for the views built from it one after the other."""
    if not _last_record or _last_record[0][0] is not study:
        _last_record[:] = [(study, study_record(study))]
    return _last_record[0][1]


BUILDERS: StoredViews[Callable[[Study], Any]] = StoredViews(
    record=lambda study: dumps(_record_of(study)),  # kept as the JSON text it is output as
    summary=summary_row,
    facets=facets,
    pooling=lambda study: pooling_record(_record_of(study)),
    show_view=show_view,
    compare_column=column,
)


def encode(name: str, value: Any) -> str:
    """A view's value as stored JSON text."""
    if name == "record":
        return value
    plain = value._asdict() if name == "facets" else value
    return json.dumps(plain, ensure_ascii=False, separators=COMPACT)


def _summary(value: Any) -> tuple[str, ...]:
    if len(value) != len(SUMMARY_HEADERS) or not all(isinstance(c, str) for c in value):
        raise ValueError("not a summary row")
    return tuple(value)


def _facets(value: Any) -> Facets:
    value = dict(value, conditions=tuple(value["conditions"]), cells=tuple(value["cells"]))
    return Facets(**value)


def _pooling(value: Any) -> dict:
    if not {"id", "kind", "design", "comparisons"} <= value.keys():
        raise ValueError("not a pooling view")
    return value


def _show(value: Any) -> dict:
    if not {"id", "title", "headline", "summary"} <= value.keys():
        raise ValueError("not a show view")
    value["sections"] = [vars(Section(**s)) for s in value["sections"]]
    return value


def _compare(value: Any) -> dict:
    widths = {"head": 4, "outcomes": 5, "tail": 4}
    if any(len(row) != widths[part] for part in widths for row in value[part]):
        raise ValueError("not a comparison column")
    return value


_DECODERS: StoredViews[Callable[[Any], Any]] = StoredViews(
    record=lambda value: value,  # never decoded: a record is kept and served as its text
    summary=_summary,
    facets=_facets,
    pooling=_pooling,
    show_view=_show,
    compare_column=_compare,
)


def decode(name: str, text: str) -> Any:
    """A stored view back as its value; ``ValueError`` when the text is not what was stored."""
    if name == "record":
        if not text.startswith('{"id":'):
            raise ValueError("not a study record")
        return text
    try:
        return getattr(_DECODERS, name)(json.loads(text))
    except (KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"damaged ({type(error).__name__}: {error})") from error


def build(name: str, study: Study) -> Any:
    """The view ``name`` of a study, built from its model."""
    return getattr(BUILDERS, name)(study)
