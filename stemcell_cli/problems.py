"""A problem found in a descriptor file, printable as ``path:line:col: field: message``."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .safe import visible


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, printable as ``path:line:col: field: message``."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        """The report line, with control characters made visible."""
        where = self.path
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        line = (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )
        return visible(line)


def problems_to_text(problems: list[Problem]) -> str:
    """Problems as the index stores them (JSON)."""
    return json.dumps([[p.path, p.message, p.line, p.column, p.field] for p in problems])


def problems_from_text(text: str) -> list[Problem]:
    """Stored problems back as objects; ``ValueError`` when the text is damaged."""
    try:
        return [Problem(*item) for item in json.loads(text)]
    except TypeError as error:
        raise ValueError(f"stored problems are damaged ({error})") from error
