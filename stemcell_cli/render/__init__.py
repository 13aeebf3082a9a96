"""Output formats: one renderer per format behind one interface, chosen by ``Format``.

A renderer writes studies (``list``), one study (``show``), a comparison (``compare``), a
summary of findings (``pool``) or a pooled outcome (``pool --measure``) to a text stream.
``svg`` draws only a pooled outcome's forest plot; asked for anything else it is a usage
error. Modules are imported only when their format is used.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol, TextIO

from ..errors import UsageError

if TYPE_CHECKING:
    from ..analysis.findings import Findings
    from ..analysis.outcome import PoolResult
    from ..store.entry import Entry
    from ..views.compare import Comparison


class Format(StrEnum):
    """The output formats every data command offers."""

    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    markdown = "markdown"
    svg = "svg"


FIELD_FORMATS = {Format.json, Format.jsonl, Format.csv}
STREAMED = FIELD_FORMATS  # formats that write each study as it comes (memory stays flat)

_MODULES = {
    Format.table: ("table", "TableRenderer"),
    Format.json: ("json", "JsonRenderer"),
    Format.jsonl: ("json", "JsonLinesRenderer"),
    Format.csv: ("csv", "CsvRenderer"),
    Format.markdown: ("markdown", "MarkdownRenderer"),
    Format.svg: ("svg", "SvgRenderer"),
}


class Renderer(Protocol):
    """What every output format implements."""

    def __init__(self, out: TextIO, fields: Sequence[str] | None = None) -> None: ...

    def studies(self, entries: Iterable[Entry]) -> None:
        """Write a list of studies (catalog entries; an iterator for ``STREAMED`` formats)."""

    def study(self, entry: Entry) -> None:
        """Write everything about one study."""

    def comparison(self, comparison: Comparison) -> None:
        """Write studies side by side."""

    def findings(self, findings: Findings) -> None:
        """Write a summary-of-findings table."""

    def pooled(self, result: PoolResult) -> None:
        """Write one outcome pooled: studies, pooled estimate, forest plot, certainty."""


def make_renderer(
    fmt: Format, out: TextIO, fields: Sequence[str] | None = None, wide: bool = False
) -> Renderer:
    """The renderer for ``fmt``; ``fields`` only applies to json, jsonl and csv, ``wide``
    (every list column) only to table."""
    if fields is not None and fmt not in FIELD_FORMATS:
        raise UsageError(f"--fields applies to json, jsonl and csv output, not {fmt.value}")
    module, name = _MODULES[fmt]
    cls = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    return cls(out, fields, wide=wide) if fmt == Format.table else cls(out, fields)
