"""JSON and JSON Lines: the descriptor's fields plus ``evidence``; valid JSON, no NaN."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

from ..models import Study
from ..query import Comparison
from ..records import study_record
from ..safe import json_escaped


def dumps(value: Any, indent: int | None = None) -> str:
    """Strict JSON text: UTF-8, no NaN or Infinity, terminal-unsafe characters escaped."""
    separators = None if indent else (",", ":")
    text = json.dumps(
        value, ensure_ascii=False, allow_nan=False, indent=indent, separators=separators
    )
    return json_escaped(text)


def comparison_rows(comparison: Comparison) -> list[dict[str, Any]]:
    """Rows as objects: section, label, and the value per study id."""
    ids = [s.id for s in comparison.studies]
    return [
        {"section": r.section, "label": r.label, "values": dict(zip(ids, r.cells, strict=True))}
        for r in comparison.rows
    ]


class JsonRenderer:
    """Indented JSON: lists are arrays (streamed study by study), show is an object."""

    def __init__(self, out: TextIO, fields: Sequence[str] | None = None) -> None:
        self.out = out
        self.fields = fields

    def _record(self, study: Study) -> dict[str, Any]:
        return study_record(study, self.fields)

    def studies(self, studies: Sequence[Study]) -> None:
        if not studies:
            self.out.write("[]\n")
            return
        for i, study in enumerate(studies):
            body = dumps(self._record(study), indent=2).replace("\n", "\n  ")
            self.out.write(("[\n  " if i == 0 else ",\n  ") + body)
        self.out.write("\n]\n")

    def study(self, study: Study) -> None:
        self.out.write(dumps(self._record(study), indent=2) + "\n")

    def comparison(self, comparison: Comparison) -> None:
        value = {
            "studies": [self._record(s) for s in comparison.studies],
            "rows": comparison_rows(comparison),
        }
        self.out.write(dumps(value, indent=2) + "\n")


class JsonLinesRenderer(JsonRenderer):
    """One compact JSON object per line: a study each (list, show) or a row each (compare)."""

    def studies(self, studies: Sequence[Study]) -> None:
        for study in studies:
            self.out.write(dumps(self._record(study)) + "\n")

    def study(self, study: Study) -> None:
        self.studies([study])

    def comparison(self, comparison: Comparison) -> None:
        for row in comparison_rows(comparison):
            self.out.write(dumps(row) + "\n")
