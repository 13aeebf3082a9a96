"""A problem found in a descriptor file, printable as ``path:line:col: field: message``."""

from __future__ import annotations

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
