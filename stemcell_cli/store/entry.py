"""A catalog entry: one valid study and its views, in one of two explicit states.

- ``Entry``: the study was read from its file; every view is built from the model.
- ``IndexedEntry``: the study was served by the index; views are the stored JSON, decoded
  when first used, and the model is never needed to display it. Any cache trouble at any
  moment (the database fails, a stored view is damaged) falls back to reading the file,
  with one warning, and the damaged row is forgotten so the next run re-reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import StemcellError
from ..views import VIEWS, StoredViews
from .index import IndexUnavailable

if TYPE_CHECKING:
    from ..model.descriptor import Study
    from ..query import Facets
    from .index import Index, IndexRow, StoredStudy


class cached_view:
    """A view of the entry, named by the attribute that holds it (a ``StoredViews`` field),
    computed once per entry and kept in the instance (``functools.cached_property`` without
    its lock: entries are never shared between threads)."""

    def __init__(self, func: Callable[[Any], Any]) -> None:
        self.func = func
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.func(instance)
        return value


class Entry:
    """A valid study read from its file; views built from the model when first used."""

    def __init__(self, study: Study, path: str) -> None:
        self.study = study
        self.id = study.id
        self.path = path

    def _view(self, name: str) -> Any:
        from ..views.stored import build  # imported when a view is built, not served

        return build(name, self.study)

    @cached_view
    def record(self) -> str:
        """The study's JSON record (descriptor fields plus evidence), compact."""
        return self._view("record")

    @cached_view
    def summary(self) -> tuple[str, ...]:
        """The row ``list`` shows."""
        return self._view("summary")

    @cached_view
    def facets(self) -> Facets:
        """What the filters look at."""
        return self._view("facets")

    @cached_view
    def pooling(self) -> dict:
        """What ``pool`` reads of the record."""
        return self._view("pooling")

    @cached_view
    def show_view(self) -> dict:
        """What ``show`` displays."""
        return self._view("show_view")

    @cached_view
    def compare_column(self) -> dict:
        """This study's side of a comparison."""
        return self._view("compare_column")

    def stored(self) -> StoredViews[str]:
        """Every view as the index keeps it."""
        from ..views.stored import encode

        return StoredViews(*(encode(name, getattr(self, name)) for name in VIEWS))


class IndexedEntry(Entry):
    """A valid study as the index keeps it; the file is read only if the cache fails."""

    def __init__(
        self, row: IndexRow | StoredStudy, index: Index, on_failure: Callable[[Exception], None]
    ) -> None:
        self.id = row.study_id or ""
        self.path = index.shown(row.path)  # rows read from the index hold relative paths
        self._row = row
        self._index = index
        self._on_failure = on_failure

    @cached_view
    def study(self) -> Study:
        """The descriptor model, rebuilt from the stored record (only commands that need the
        model ask: ``cite``); from the file when the record is damaged."""
        import json

        from ..model.descriptor import Study
        from ..views.record import descriptor_fields

        try:
            return Study.model_validate(descriptor_fields(json.loads(self.record)))
        except (ValueError, TypeError, AttributeError) as error:  # ValidationError: ValueError
            self._failed(error)
            return self._read_file()

    def _read_file(self) -> Study:
        from .loader import load_study

        study, problems = load_study(Path(self.path), expect_id=Path(self.path).stem)
        if study is None:
            raise StemcellError(f"{problems[0]}" if problems else f"{self.path}: not readable")
        return study

    def _failed(self, error: Exception) -> None:
        """Say the cache failed (once per catalog) and forget the row, so it is read again."""
        self._on_failure(error)
        self._index.forget(self.path)

    @cached_view
    def record(self) -> str:
        """The stored record as it is (the hot path of ``list --json``), once it is known to
        be this study's."""
        try:
            text = self._stored("record")
            if not text.startswith(f'{{"id":"{self.id}",'):
                raise ValueError("the stored record is not this study's")
            return text
        except (IndexUnavailable, ValueError) as error:
            return self._recovered("record", error)

    def _view(self, name: str) -> Any:
        try:
            text = self._stored(name)
            from ..views.stored import decode

            return decode(name, text)
        except (IndexUnavailable, ValueError) as error:
            return self._recovered(name, error)

    def _stored(self, name: str) -> str:
        """A stored view as text: unpacked from the row, or fetched when the row left it out
        (the large views always, the small ones when the command did not ask for them)."""
        packed = getattr(self._row, name, None)  # a StoredStudy has no large views
        return self._index.fetch(self.path, name) if packed is None else self._index.unpack(packed)

    def _recovered(self, name: str, error: Exception) -> Any:
        """The view built from the file, once the cache failed for it."""
        self._failed(error)
        return Entry(self._read_file(), self.path)._view(name)
