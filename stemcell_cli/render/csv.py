"""CSV: a header row, then one row per study (list, show) or per aligned row (compare)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import TextIO

from ..models import Study
from ..query import Comparison
from ..records import csv_columns, flat_record, study_record
from ..safe import visible


class CsvRenderer:
    """Comma-separated values; nested fields spread into dotted columns."""

    def __init__(self, out: TextIO, fields: Sequence[str] | None = None) -> None:
        self.writer = csv.writer(out, lineterminator="\n")
        self.fields = fields

    def _row(self, cells: Sequence[str]) -> None:
        self.writer.writerow([visible(c) for c in cells])

    def studies(self, studies: Sequence[Study]) -> None:
        columns = csv_columns(self.fields)
        self._row(columns)
        for study in studies:
            self._row(list(flat_record(study_record(study), columns).values()))

    def study(self, study: Study) -> None:
        self.studies([study])

    def comparison(self, comparison: Comparison) -> None:
        self._row(["section", "label", *(s.id for s in comparison.studies)])
        for row in comparison.rows:
            self._row([row.section, row.label, *row.cells])
