"""A problem found in a descriptor file, printable as ``path:line:col: field: message``."""

from __future__ import annotations

from typing import NamedTuple

from ..safe import one_line_visible, visible


class Problem(NamedTuple):
    """One thing wrong with one file, printable as ``path:line:col: field: message``."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        """The report line: one line, control characters and line breaks made visible."""
        where = self.path
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        line = (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )
        return one_line_visible(line)

    def as_dict(self) -> dict:
        """JSON shape: {"path", "line", "column", "field", "message"}."""
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "message": self.message,
        }

    def github(self) -> str:
        """A GitHub Actions error annotation (shown on the file's line in a pull request)."""
        where = [f"file={_escape(self.path, True)}"]
        if self.line is not None:
            where += [f"line={self.line}", f"col={self.column or 1}"]
        if self.field:
            where.append(f"title={_escape(self.field, True)}")
        return f"::error {','.join(where)}::{_escape(visible(self.message))}"


def _escape(text: str, property: bool = False) -> str:
    """GitHub's workflow-command escaping of a message or a property value."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property else text


def problems_to_text(problems: list[Problem]) -> str:
    """Problems as the index stores them (JSON)."""
    import json  # here: a warm command reads no problems text unless some file has problems

    return json.dumps([[p.path, p.message, p.line, p.column, p.field] for p in problems])


def problems_from_text(text: str) -> list[Problem]:
    """Stored problems back as objects; ``ValueError`` when the text is damaged."""
    import json

    try:
        return [Problem(*item) for item in json.loads(text)]
    except TypeError as error:
        raise ValueError(f"stored problems are damaged ({error})") from error
