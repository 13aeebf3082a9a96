"""A persistent per-folder index (SQLite, in the user cache) so repeated commands skip parsing.

One database per catalog folder, keyed per file by path, size and modification time (ns): an
edited, added or deleted file is re-read, so nothing stale is served. Each valid study is kept
ready to display (its JSON record, list row, filter facets, ``show`` view and ``compare``
column), so warm commands neither parse YAML nor validate. The index is versioned with the
descriptor schema and the release, and rebuilt when either changes. Any trouble with the cache
(corrupt, unwritable, locked) raises ``IndexUnavailable``; callers then read the folder directly
and warn.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from . import __version__
from .problems import Problem
from .vocab import SCHEMA_VERSION

T = TypeVar("T")
FORMAT = 4
VERSION = f"{FORMAT}:{SCHEMA_VERSION}:{__version__}"

_META = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    study_id TEXT,
    problems TEXT NOT NULL,
    record TEXT,
    summary TEXT,
    facets TEXT,
    view TEXT,
    compare_column TEXT
);
CREATE INDEX IF NOT EXISTS files_by_id ON files (study_id);
CREATE INDEX IF NOT EXISTS files_with_problems ON files (path) WHERE problems != '[]';
CREATE TABLE IF NOT EXISTS folders (path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL);
"""


COLUMNS = [
    "path", "size", "mtime_ns", "study_id", "problems", "record", "summary", "facets", "view",
    "compare_column",
]  # fmt: skip


class IndexUnavailable(Exception):
    """The cache cannot be used; read the catalog directly instead."""


def cache_home() -> Path:
    """``$XDG_CACHE_HOME/stemcell``, else ``~/.cache/stemcell``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "stemcell"


def index_path(root: Path) -> Path:
    """Where the index of one catalog folder lives."""
    digest = hashlib.sha256(os.fsencode(root.resolve())).hexdigest()[:20]
    return cache_home() / f"index-{digest}.sqlite"


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
            columns = [row[1] for row in self.db.execute("PRAGMA table_info(files)")]
            if found is None or found[0] != VERSION or columns != COLUMNS:  # start afresh
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

    def rows(self) -> list[tuple[str, str | None, tuple[str, str, str], list[Problem]]]:
        """(path, study id, (record, summary, facets), problems) of every file, in path order."""
        query = "SELECT path, study_id, record, summary, facets, problems FROM files ORDER BY path"
        found = self._guard(lambda: self.db.execute(query).fetchall())
        return [(p, i, (r, s, f), problems_from_text(x)) for p, i, r, s, f, x in found]

    def locate(self, study_id: str) -> list[tuple[str, int, int, str]]:
        """(path, size, mtime_ns, id) of the files that held this id at their last reading."""
        query = "SELECT path, size, mtime_ns, study_id FROM files WHERE study_id = ? ORDER BY path"
        return self._guard(lambda: self.db.execute(query, (study_id,)).fetchall())

    def stored(self, path: str) -> tuple[str, str, str]:
        """(record, summary, facets) of one indexed study."""
        query = "SELECT record, summary, facets FROM files WHERE path = ?"
        return self._guard(lambda: self.db.execute(query, (path,)).fetchone())

    def value(self, path: str, name: str) -> str:
        """One stored view of a file's study: ``view`` or ``column``."""
        column = {"view": "view", "column": "compare_column"}[name]
        query = f"SELECT {column} FROM files WHERE path = ?"
        return self._guard(lambda: self.db.execute(query, (path,)).fetchone()[0])

    def problems(self) -> list[Problem]:
        """Problems of every file, as of its last reading."""
        query = "SELECT problems FROM files WHERE problems != '[]' ORDER BY path"
        found = self._guard(lambda: self.db.execute(query).fetchall())
        return [p for (text,) in found for p in problems_from_text(text)]

    def update(self, rows: Iterable[tuple], gone: Iterable[str], folders: dict[str, int]) -> None:
        """Store re-read files, forget deleted ones, record folder times; one transaction."""

        def write() -> None:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self.db.executemany("DELETE FROM files WHERE path = ?", ((p,) for p in gone))
                self.db.executemany(
                    "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
                )
                self.db.execute("DELETE FROM folders")
                self.db.executemany("INSERT INTO folders VALUES (?, ?)", folders.items())
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

        self._guard(write)

    def _guard(self, action: Callable[[], T]) -> T:
        try:
            return action()
        except (sqlite3.Error, OSError, TypeError) as error:
            raise IndexUnavailable(f"{self.path}: {error}") from error


def problems_to_text(problems: list[Problem]) -> str:
    """Problems as stored."""
    return json.dumps([[p.path, p.message, p.line, p.column, p.field] for p in problems])


def problems_from_text(text: str) -> list[Problem]:
    """Problems as stored -> objects."""
    return [Problem(*item) for item in json.loads(text)]
