"""A catalog entry: one valid study and its ready-made views, computed once or read back.

Everything the commands display (the JSON record, the list row, the filter facets, the
``show`` view and the ``compare`` column) is available without the validated model, so a
warm index serves every command without parsing, validating or even importing pydantic;
``study`` is loaded only when a caller needs the model itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .errors import StemcellError
from .query import Facets

if TYPE_CHECKING:
    from .models import Study


class Entry:
    """One valid study in a catalog."""

    def __init__(
        self,
        study_id: str,
        path: str,
        *,
        study: Study | None = None,
        fetch: Callable[[str], Any] | None = None,
        stored: tuple[str, str, str] | None = None,
    ) -> None:
        """From a study, or from stored (record, summary, facets) plus ``fetch(name)``."""
        self.id = study_id
        self.path = path
        self._fetch = fetch
        if study is not None:
            self.__dict__["study"] = study
        self._summary = self._facets = None  # stored JSON, decoded only when used
        if stored is not None:
            self.__dict__["record"], self._summary, self._facets = stored

    def _stored(self, name: str) -> Any:
        if self._fetch is None:
            raise LookupError(f"{self.id}: nothing stored for {name}")
        return self._fetch(name)

    @cached_property
    def study(self) -> Study:
        """The descriptor model, rebuilt from the stored record (commands that only display
        use the stored views instead and never need it)."""
        from pydantic import ValidationError

        from .models import Study

        fields = json.loads(self.record)
        fields.pop("evidence", None)
        try:
            return Study.model_validate(fields)
        except ValidationError as error:  # a damaged cache must not crash a command
            message = f"the index entry for {self.id} is damaged; run again with --no-cache"
            raise StemcellError(message) from error

    @cached_property
    def record(self) -> str:
        """The study's JSON record (descriptor fields plus evidence), compact."""
        from .jsontext import dumps
        from .records import study_record

        return dumps(study_record(self.study))

    @cached_property
    def summary(self) -> tuple[str, ...]:
        """The row ``list`` shows."""
        if self._summary is not None:
            return tuple(json.loads(self._summary))
        from .report import summary_row

        return summary_row(self.study)

    @cached_property
    def facets(self) -> Facets:
        """What the filters look at."""
        if self._facets is not None:
            values = json.loads(self._facets)
            values["conditions"] = tuple(values["conditions"])
            values["cells"] = tuple(values["cells"])
            return Facets(**values)
        return Facets.of(self.study)

    @cached_property
    def view(self) -> dict:
        """What ``show`` displays."""
        if "study" not in self.__dict__ and self._fetch is not None:
            return json.loads(self._stored("view"))
        from .report import show_view

        return show_view(self.study)

    @cached_property
    def column(self) -> dict:
        """This study's side of a comparison."""
        if "study" not in self.__dict__ and self._fetch is not None:
            return json.loads(self._stored("column"))
        from .query import column

        return column(self.study)

    def stored(self) -> tuple[str, str, str, str, str]:
        """(record, summary, facets, view, column) as kept in the index."""
        compact = {"ensure_ascii": False, "separators": (",", ":")}
        return (
            self.record,
            json.dumps(self.summary, **compact),
            json.dumps(vars(self.facets), **compact),
            json.dumps(self.view, **compact),
            json.dumps(self.column, **compact),
        )
