"""JSON and JSON Lines: the descriptor's fields plus ``evidence``; valid JSON, no NaN."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from ..analysis.findings import Findings
    from ..analysis.outcome import PoolResult
    from ..store.entry import Entry
    from ..views.compare import Comparison, HasColumn
from ..jsontext import dumps, write


def comparison_rows(comparison: Comparison) -> list[dict[str, Any]]:
    """Rows as objects: section, label, and the value per study id."""
    ids = [e.id for e in comparison.entries]
    return [
        {"section": r.section, "label": r.label, "values": dict(zip(ids, r.cells, strict=True))}
        for r in comparison.rows
    ]


class JsonRenderer:
    """JSON: lists are arrays (a compact study per line, streamed), show is an indented object."""

    def __init__(self, out: TextIO, fields: Sequence[str] | None = None) -> None:
        self.out = out
        self.fields = fields

    def _record(self, entry: Entry | HasColumn) -> dict[str, Any]:
        import json  # here: a list of whole records is written as stored, never parsed

        from ..views.record import select_fields

        return select_fields(json.loads(entry.record), self.fields)

    def _line(self, entry: Entry) -> str:
        """One study as compact JSON: the stored record, or the selected fields of it."""
        return entry.record if self.fields is None else dumps(self._record(entry))

    def studies(self, entries: Iterable[Entry]) -> None:
        """An array with one study per line, written as it goes."""
        write = self.out.write
        start = "[\n"
        if self.fields is None:  # the stored records as they are: the common, hot case
            for entry in entries:
                write(start + entry.record)
                start = ",\n"
        else:
            for entry in entries:
                write(start + self._line(entry))
                start = ",\n"
        write("[]\n" if start == "[\n" else "\n]\n")

    def study(self, entry: Entry) -> None:
        self.out.write(dumps(self._record(entry), indent=2) + "\n")

    def findings(self, findings: Findings) -> None:
        from .pool_json import findings_json

        write(self.out.write, findings_json(findings), indent=2)
        self.out.write("\n")

    def pooled(self, result: PoolResult) -> None:
        from .pool_json import pooled_json

        write(self.out.write, pooled_json(result), indent=2)
        self.out.write("\n")

    def comparison(self, comparison: Comparison) -> None:
        value = {
            "studies": [self._record(e) for e in comparison.entries],
            "rows": comparison_rows(comparison),
        }
        self.out.write(dumps(value, indent=2) + "\n")


class JsonLinesRenderer(JsonRenderer):
    """One compact JSON object per line: a study each (list, show) or a row each (compare)."""

    def studies(self, entries: Iterable[Entry]) -> None:
        for entry in entries:
            self.out.write(self._line(entry) + "\n")

    def study(self, entry: Entry) -> None:
        self.out.write(self._line(entry) + "\n")

    def comparison(self, comparison: Comparison) -> None:
        for row in comparison_rows(comparison):
            self.out.write(dumps(row) + "\n")

    def findings(self, findings: Findings) -> None:
        from .pool_json import finding_row

        for row in findings.rows:
            write(self.out.write, finding_row(row))
            self.out.write("\n")

    def pooled(self, result: PoolResult) -> None:
        from .pool_json import pooled_json

        write(self.out.write, pooled_json(result))
        self.out.write("\n")
