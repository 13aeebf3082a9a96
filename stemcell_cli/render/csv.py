"""CSV: a header row, then one row per study (list, show) or per aligned row (compare)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, TextIO

from ..safe import csv_cell
from ..views.compare import Comparison
from ..views.record import csv_columns, flat_record

if TYPE_CHECKING:
    from ..analysis.findings import Findings
    from ..analysis.outcome import PoolResult
    from ..store.entry import Entry


class CsvRenderer:
    """Comma-separated values; nested fields spread into dotted columns."""

    def __init__(self, out: TextIO, fields: Sequence[str] | None = None) -> None:
        self.writer = csv.writer(out, lineterminator="\n")
        self.fields = fields

    def _row(self, cells: Sequence[str]) -> None:
        self.writer.writerow([csv_cell(c) for c in cells])

    def studies(self, entries: Iterable[Entry]) -> None:
        columns = csv_columns(self.fields)
        self._row(columns)
        for entry in entries:
            self._row(list(flat_record(json.loads(entry.record), columns).values()))

    def study(self, entry: Entry) -> None:
        self.studies([entry])

    def findings(self, findings: Findings) -> None:
        """One row per summary-of-findings row: the numbers unrounded."""
        from .pool_csv import SOF_CSV, sof_csv_rows

        self._row(SOF_CSV)
        for row in sof_csv_rows(findings):
            self._row(row)

    def pooled(self, result: PoolResult) -> None:
        """One row per study and per pooled estimate."""
        from .pool_csv import CSV_HEADERS, csv_rows

        self._row(CSV_HEADERS)
        for row in csv_rows(result):
            self._row(row)

    def comparison(self, comparison: Comparison) -> None:
        self._row(["section", "label", *(e.id for e in comparison.entries)])
        for row in comparison.rows:
            self._row([row.section, row.label, *row.cells])
