"""A persistent per-folder index (SQLite, in the user cache) so repeated commands skip parsing.

One database per catalog folder, one ``IndexRow`` per file, keyed by path and stamped with size
and modification time (ns): an edited, added or deleted file is re-read, so nothing stale is
served. Each valid study is kept ready to display (its views, see ``views``), so warm commands
neither parse YAML nor validate. The index is versioned with the descriptor schema and the
release, and rebuilt when either changes. Any trouble with the cache (corrupt, unwritable,
locked) raises ``IndexUnavailable``; callers then read the files directly and warn.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple, TypeVar

from . import __version__
from .errors import StemcellError
from .problems import Problem, problems_from_text
from .vocab import SCHEMA_VERSION

T = TypeVar("T")
FORMAT = 8
VERSION = f"{FORMAT}:{SCHEMA_VERSION}:{__version__}"


class IndexRow(NamedTuple):
    """One file as the index keeps it: its stamp, what reading it found, its study's views.

    ``study_id`` and the views are None for a file with problems. Rows listed for a whole
    catalog leave the large views (``show_view``, ``compare_column``) None: ``Index.fetch``
    reads them when one is shown.
    """

    path: str
    size: int
    mtime_ns: int
    study_id: str | None
    problems: str  # JSON list, see problems_to_text
    record: str | None
    summary: str | None
    facets: str | None
    show_view: str | None
    compare_column: str | None


FIELDS = IndexRow._fields
LARGE_VIEWS = ("show_view", "compare_column")
LISTED = tuple(f for f in FIELDS if f not in LARGE_VIEWS)

_META = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, study_id TEXT,
    problems TEXT NOT NULL, {", ".join(f"{name} TEXT" for name in FIELDS[5:])}
);
CREATE INDEX IF NOT EXISTS files_by_id ON files (study_id);
CREATE INDEX IF NOT EXISTS files_with_problems ON files (path) WHERE problems != '[]';
CREATE TABLE IF NOT EXISTS folders (path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL);
"""


class IndexUnavailable(StemcellError):
    """The cache cannot be used; read the catalog directly instead."""


def cache_home() -> Path:
    """``$XDG_CACHE_HOME/stemcell``, else ``~/.cache/stemcell``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "stemcell"


def index_path(root: Path) -> Path:
    """Where the index of one catalog folder lives."""
    digest = hashlib.sha256(os.fsencode(root.resolve())).hexdigest()[:20]
    return cache_home() / f"index-{digest}.sqlite"


def _listed(row: tuple) -> IndexRow:
    return IndexRow(*row, None, None)


class Index:
    """The index of one catalog folder."""

    def __init__(self, root: Path) -> None:
        self.path = index_path(root)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=2, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=DELETE")  # WAL writes a cold build twice
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute(_META)
            found = self.db.execute("SELECT value FROM meta WHERE key='version'").fetchone()
            columns = tuple(row[1] for row in self.db.execute("PRAGMA table_info(files)"))
            if found is None or found[0] != VERSION or columns != FIELDS:  # start afresh
                self.db.executescript("DROP TABLE IF EXISTS files; DROP TABLE IF EXISTS folders;")
                self.db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (VERSION,))
            self.db.executescript(_SCHEMA)
        except (sqlite3.Error, OSError) as error:
            raise IndexUnavailable(f"{self.path}: {error}") from error

    def stamps(self) -> dict[str, tuple[int, int]]:
        """Path -> (size, mtime_ns) of every indexed file."""
        query = "SELECT path, size, mtime_ns FROM files"
        return self._guard(lambda: {p: (s, m) for p, s, m in self.db.execute(query)})

    def folders(self) -> dict[str, int]:
        """Folder -> mtime_ns as of the last full reading."""
        return self._guard(lambda: dict(self.db.execute("SELECT path, mtime_ns FROM folders")))

    def rows(self) -> list[IndexRow]:
        """Every file's row in path order, without the large views."""
        query = f"SELECT {', '.join(LISTED)} FROM files ORDER BY path"
        return self._guard(lambda: [_listed(row) for row in self.db.execute(query)])

    def locate(self, study_id: str) -> list[IndexRow]:
        """Rows of the files that held this id at their last reading, without the large views."""
        query = f"SELECT {', '.join(LISTED)} FROM files WHERE study_id = ? ORDER BY path"
        return self._guard(lambda: [_listed(row) for row in self.db.execute(query, (study_id,))])

    def fetch(self, path: str, view: str) -> str:
        """One large stored view of a file's study: ``show_view`` or ``compare_column``."""
        if view not in LARGE_VIEWS:
            raise KeyError(view)
        query = f"SELECT {view} FROM files WHERE path = ?"
        found = self._guard(lambda: self.db.execute(query, (path,)).fetchone())
        if found is None or not isinstance(found[0], str):
            raise IndexUnavailable(f"{self.path}: no stored {view} for {path}")
        return found[0]

    def problems(self) -> list[Problem]:
        """Problems of every file, as of its last reading."""
        query = "SELECT problems FROM files WHERE problems != '[]' ORDER BY path"
        found = self._guard(lambda: self.db.execute(query).fetchall())
        try:
            return [p for (text,) in found for p in problems_from_text(text)]
        except ValueError as error:
            raise IndexUnavailable(f"{self.path}: {error}") from error

    def update(
        self, rows: Iterable[IndexRow], gone: Iterable[str], folders: dict[str, int]
    ) -> None:
        """Store re-read files, forget deleted ones, record folder times; one transaction."""
        insert = f"INSERT OR REPLACE INTO files VALUES ({', '.join('?' * len(FIELDS))})"

        def write() -> None:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self.db.executemany("DELETE FROM files WHERE path = ?", ((p,) for p in gone))
                self.db.executemany(insert, rows)
                self.db.execute("DELETE FROM folders")
                self.db.executemany("INSERT INTO folders VALUES (?, ?)", folders.items())
                self.db.execute("COMMIT")
            except BaseException:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise

        self._guard(write)

    def forget(self, path: str) -> None:
        """Drop one file's row (found damaged), so the next run reads the file again."""
        with contextlib.suppress(sqlite3.Error, OSError):
            self.db.execute("DELETE FROM files WHERE path = ?", (path,))

    def _guard(self, action: Callable[[], T]) -> T:
        try:
            return action()
        except (sqlite3.Error, OSError) as error:
            raise IndexUnavailable(f"{self.path}: {error}") from error
