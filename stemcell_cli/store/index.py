"""A persistent per-folder index (SQLite, in the user cache) so repeated commands skip parsing.

One database per catalog folder (chosen by its resolved path), one ``IndexRow`` per file,
keyed by the file's path relative to the folder (so every spelling of the folder shares it;
rows are shown with the folder as the user wrote it) and stamped with size, modification and
change times and inode: an edited, added or deleted file is re-read, so nothing stale is
served; a digest of the whole folder's state, kept while the index is current, lets one scan
prove that nothing changed. Each valid study is kept ready to display (its views, see
``views``), compressed with a dictionary taken from the first study stored, so warm commands
neither parse YAML nor validate. The index is versioned with the descriptor schema and the
release, and rebuilt when either changes; a file that is not a database (or a damaged one) is
deleted and built again. Any other trouble (unwritable, locked) raises ``IndexUnavailable``;
callers then read the files directly and warn.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import time
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from .. import __version__
from ..errors import StemcellError
from ..model.vocab import SCHEMA_VERSION
from ..views import LARGE_VIEWS, SMALL_VIEWS, VIEWS
from .locking import one_at_a_time
from .problems import Problem, problems_from_text, problems_to_text
from .walk import display_prefix

T = TypeVar("T")
FORMAT = 13  # 13: a computed effect on its outcome's compare row; 12: the pooling view
VERSION = f"{FORMAT}:{SCHEMA_VERSION}:{__version__}"
RAW = -15  # raw deflate: no header or checksum (SQLite keeps its pages sound; damage is
# still caught, as a stream that does not end where the stored bytes do)
WINDOW_BITS = 14  # views are packed in a 16 KiB window (quick to set up, per view) ...
WINDOW = 8192  # ... with a dictionary of at most 8 KiB
BATCH = 500  # rows per transaction at most: an interrupted build keeps what it stored ...
BATCH_SECONDS = 0.25  # ... and a transaction at least this often while rows come in


class IndexRow(NamedTuple):
    """One file as the index keeps it: its stamp, what reading it found, its study's views.

    ``path`` is the file as shown (the folder as the user wrote it) in a row made from the
    file, and relative to the folder in one read from the index (``Index.shown`` shows it).
    ``study_id`` and the views are None for a file with problems. Rows read from the index
    hold their views packed (bytes: ``Index.unpack`` them when used) and leave the large views
    (``show_view``, ``compare_column``) None: ``Index.fetch`` reads them when shown.
    """

    path: str
    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    study_id: str | None
    problems: str  # JSON list, see problems_to_text
    record: str | bytes | None
    summary: str | bytes | None
    facets: str | bytes | None
    pooling: str | bytes | None
    show_view: str | bytes | None
    compare_column: str | bytes | None

    @property
    def stamp(self) -> tuple[int, int, int, int]:
        """(size, mtime_ns, ctime_ns, inode): what tells that the file changed."""
        return self.size, self.mtime_ns, self.ctime_ns, self.inode


class StoredStudy(NamedTuple):
    """A valid study as ``Index.studies`` streams it: what serving it needs, no more (no
    stamp, no problems, no large views: those are read apart). Its path is relative to the
    folder (``Index.shown`` shows it); its views are packed."""

    path: str
    study_id: str
    record: bytes | None
    summary: bytes | None
    facets: bytes | None
    pooling: bytes | None


FIELDS = IndexRow._fields
if FIELDS[7:] != VIEWS:  # a view added to StoredViews needs its column here too
    raise ImportError(f"IndexRow's views {FIELDS[7:]} are not the stored views {VIEWS}")
LISTED = tuple(f for f in FIELDS if f not in LARGE_VIEWS)

_META = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL)"
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL, inode INTEGER NOT NULL, study_id TEXT, problems TEXT NOT NULL,
    {", ".join(f"{name} BLOB" for name in VIEWS)}
);
CREATE INDEX IF NOT EXISTS files_by_id ON files (study_id, path) WHERE study_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS files_with_problems ON files (path) WHERE problems != '[]';
CREATE TABLE IF NOT EXISTS folders (path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL);
"""
_DAMAGED = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}


class IndexUnavailable(StemcellError):
    """The cache cannot be used; read the catalog directly instead."""


class IndexDamaged(IndexUnavailable):
    """The index file is not a (sound) database; it has been deleted, to be built again."""


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
        self.prefix = display_prefix(root)
        self._zdict: bytes | None = None
        try:
            self._open(root)
        except IndexDamaged:
            self._open(root)  # built afresh; a second failure is not caught

    def _open(self, root: Path) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=2, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=DELETE")  # WAL writes a cold build twice
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute(_META)
            if not self._current():
                with one_at_a_time(self.path):  # the others wait, then find it done
                    if not self._current():
                        self._start_afresh(root)
            self.db.executescript(_SCHEMA)  # (creates only what is missing)
            self.reread_dictionary()
        except (sqlite3.Error, OSError, UnicodeError) as error:
            self._failed(error)

    def _start_afresh(self, root: Path) -> None:
        """An empty index of this release for ``root``, made whole (schema included) before
        the lock is released, so no other process finds it half made."""
        self.db.executescript(
            "DROP TABLE IF EXISTS files; DROP TABLE IF EXISTS folders; DELETE FROM meta;"
        )
        insert = "INSERT OR REPLACE INTO meta VALUES (?, ?)"
        self.db.executemany(insert, [("version", VERSION), ("folder", str(root.resolve()))])
        self.db.executescript(_SCHEMA)

    def _current(self) -> bool:
        found = self.db.execute("SELECT value FROM meta WHERE key='version'").fetchone()
        columns = tuple(row[1] for row in self.db.execute("PRAGMA table_info(files)"))
        return found is not None and found[0] == VERSION and columns == FIELDS

    def reread_dictionary(self) -> None:
        """Read the compression dictionary again (another process may have stored it)."""
        self._zdict = self._stored_dictionary()

    def _stored_dictionary(self) -> bytes | None:
        found = self.db.execute("SELECT value FROM meta WHERE key='zdict'").fetchone()
        return found[0] if found else None

    def _failed(self, error: Exception) -> None:
        """Raise ``IndexUnavailable``; for a damaged file, delete it first (``IndexDamaged``)."""
        if getattr(error, "sqlite_errorcode", None) in _DAMAGED:
            with contextlib.suppress(sqlite3.Error, AttributeError):
                self.db.close()
            with contextlib.suppress(OSError):
                self.path.unlink()
                self.path.with_name(self.path.name + "-journal").unlink(missing_ok=True)
            raise IndexDamaged(f"{self.path}: {error}; deleted, to be built again") from error
        raise IndexUnavailable(f"{self.path}: {error}") from error

    def _guard(self, action: Callable[[], T]) -> T:
        try:
            return action()
        except (sqlite3.Error, OSError, UnicodeError, zlib.error) as error:
            self._failed(error)
            raise  # unreachable: _failed raises

    # paths: stored relative to the folder, shown with the folder as written
    def shown(self, relative: str) -> str:
        """A stored (relative) path as the user would write it."""
        return self.prefix + relative

    def _relative(self, path: str) -> str:
        if not path.startswith(self.prefix):
            raise IndexUnavailable(f"{self.path}: {path} is not in this folder")
        return path[len(self.prefix) :]

    # reading
    def changes(
        self, found: Iterable[tuple[str, int, int, int, int]]
    ) -> tuple[list[str], list[str]]:
        """(changed or new, gone) relative paths, given (relative path, *stamp) of every file
        found; compared inside SQLite, so nothing per file is held in memory."""

        def compare() -> tuple[list[str], list[str]]:
            db = self.db
            db.execute(
                "CREATE TEMP TABLE IF NOT EXISTS found (path TEXT PRIMARY KEY, size INTEGER, "
                "mtime_ns INTEGER, ctime_ns INTEGER, inode INTEGER) WITHOUT ROWID"
            )  # in path order: the stored rows are then visited in their order too
            db.execute("DELETE FROM found")
            db.execute("BEGIN")
            db.executemany("INSERT OR REPLACE INTO found VALUES (?, ?, ?, ?, ?)", found)
            db.execute("COMMIT")
            changed = db.execute(
                "SELECT found.path, files.path IS NULL FROM found "
                "LEFT JOIN files ON files.path = found.path "
                "WHERE files.path IS NULL OR (files.size, files.mtime_ns, files.ctime_ns, "
                "files.inode) != (found.size, found.mtime_ns, found.ctime_ns, found.inode) "
                "ORDER BY found.path"
            ).fetchall()
            # each path found (once: the key) matches one stored file at most, so when the
            # stored files are as many as those matched, none is gone
            new = sum(fresh for _, fresh in changed)
            stored, seen = db.execute(
                "SELECT (SELECT count(*) FROM files), (SELECT count(*) FROM found)"
            ).fetchone()
            gone = []
            if stored != seen - new:
                gone = db.execute(
                    "SELECT path FROM files WHERE path NOT IN (SELECT path FROM found)"
                ).fetchall()
            return [p for p, _ in changed], [p for (p,) in gone]

        try:
            return self._guard(compare)
        finally:
            with contextlib.suppress(sqlite3.Error):
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")

    def state(self) -> bytes | None:
        """The digest of the folder as it was when the index was last known to be current
        (see ``indexer.folder_state``); None when it is not known to be."""
        query = "SELECT value FROM meta WHERE key = 'state'"
        found = self._guard(lambda: self.db.execute(query).fetchone())
        return found[0] if found else None

    def version(self) -> int:
        """A number that changes whenever another process commits a change to the index."""
        return self._guard(lambda: self.db.execute("PRAGMA data_version").fetchone()[0])

    def keep_state(self, state: bytes, since: int) -> None:
        """Record ``state`` as the folder's, unless another process changed the index since
        ``version()`` was ``since``. Only saves time later: a failure is ignored."""
        with contextlib.suppress(IndexUnavailable):
            self._transaction(lambda: self._keep_state(state, since))

    def _keep_state(self, state: bytes | None, since: int) -> None:
        if state is not None and self.db.execute("PRAGMA data_version").fetchone()[0] == since:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('state', ?)", (state,))

    def folders(self) -> dict[str, int]:
        """Folder (relative) -> mtime_ns as of the last complete reading ({} if none)."""
        return self._guard(lambda: dict(self.db.execute("SELECT path, mtime_ns FROM folders")))

    def count(self) -> int:
        """How many files are indexed."""
        return self._guard(lambda: self.db.execute("SELECT count(*) FROM files").fetchone()[0])

    def studies(
        self, skip: frozenset[str] = frozenset(), views: Collection[str] | None = None
    ) -> Iterator[StoredStudy]:
        """Valid studies in (id, path) order, read as they are used, with the small views
        named in ``views`` (default: all; the others are None: ``fetch`` them when used);
        those whose shown path is in ``skip`` are left out."""
        wanted = SMALL_VIEWS if views is None else views
        columns = ", ".join(view if view in wanted else "NULL" for view in SMALL_VIEWS)
        query = (
            f"SELECT path, study_id, {columns} FROM files WHERE study_id IS NOT NULL "
            "ORDER BY study_id, path"
        )
        cursor = self._guard(lambda: self.db.execute(query))
        hidden = {self._relative(path) for path in skip}
        while batch := self._guard(lambda: cursor.fetchmany(256)):
            rows = map(StoredStudy._make, batch)  # no other work per row: this loop is hot
            yield from (row for row in rows if row.path not in hidden) if hidden else rows

    def locate(self, study_id: str) -> list[IndexRow]:
        """Rows of the files that held this id at their last reading (paths relative, views
        packed: ``unpack`` them when used), without the large views."""
        query = f"SELECT {', '.join(LISTED)} FROM files WHERE study_id = ? ORDER BY path"
        found = self._guard(lambda: self.db.execute(query, (study_id,)).fetchall())
        return [IndexRow._make((*row, None, None)) for row in found]

    def fetch(self, path: str, view: str) -> str:
        """One stored view of a file's study, as text (the large views are read only so)."""
        if view not in VIEWS:
            raise KeyError(view)
        query = f"SELECT {view} FROM files WHERE path = ?"
        found = self._guard(lambda: self.db.execute(query, (self._relative(path),)).fetchone())
        if found is None or found[0] is None:
            raise IndexUnavailable(f"{self.path}: no stored {view} for {path}")
        return self.unpack(found[0])

    def problems(self) -> Iterator[tuple[str, list[Problem] | ValueError]]:
        """(shown path, its problems) of every file with problems, in path order; the problems
        are a ``ValueError`` when their stored text is damaged."""
        query = "SELECT path, problems FROM files WHERE problems != '[]' ORDER BY path"
        for path, text in self._guard(lambda: self.db.execute(query).fetchall()):
            try:
                found: list[Problem] | ValueError = self.read_problems(text)
            except ValueError as error:
                found = error
            yield self.shown(path), found

    def read_problems(self, text: str) -> list[Problem]:
        """Stored problems text as problems with shown paths; ``ValueError`` when damaged."""
        if text == "[]":
            return []
        return [_moved(p, "", self.prefix) for p in problems_from_text(text)]

    # writing
    def update(
        self,
        rows: Iterable[IndexRow],
        gone: Iterable[str],
        folders: dict[str, int],
        state: bytes | None = None,
        since: int = 0,
    ) -> None:
        """Forget deleted files and store re-read ones in batches (``BATCH`` rows, or what
        came in ``BATCH_SECONDS``), each its own transaction, so an interrupted update keeps
        what it stored; the folder times and ``state`` (as ``keep_state``) are recorded
        last, so the index counts as current only once every file is in."""
        insert = f"INSERT OR REPLACE INTO files VALUES ({', '.join('?' * len(FIELDS))})"

        def start() -> None:
            self.db.execute("DELETE FROM folders")
            self.db.execute("DELETE FROM meta WHERE key = 'state'")
            self.db.executemany("DELETE FROM files WHERE path = ?", ((p,) for p in gone))

        def store(batch: list[IndexRow], final: bool = False) -> None:
            first = next((row for row in batch if isinstance(row.record, str)), None)
            if self._zdict is None and first is not None:
                self._store_dictionary(dictionary_of(first))
            self.db.executemany(insert, [self._packed(row) for row in batch])
            if final:
                self.db.executemany("INSERT OR REPLACE INTO folders VALUES (?, ?)", folders.items())
                self._keep_state(state, since)

        self._transaction(start)
        batch: list[IndexRow] = []
        due = time.monotonic() + BATCH_SECONDS
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH or time.monotonic() >= due:
                self._transaction(partial(store, batch))
                batch = []
                due = time.monotonic() + BATCH_SECONDS
        self._transaction(lambda: store(batch, final=True))

    @property
    def dictionary(self) -> bytes | None:
        """What stored views are compressed with (None until the first study is stored)."""
        return self._zdict

    def set_dictionary(self, row: IndexRow) -> None:
        """Take the compression dictionary from this study's views (once per index, before
        any view is stored: they are all compressed with it)."""
        if self._zdict is None:
            zdict = dictionary_of(row)
            self._transaction(lambda: self._store_dictionary(zdict))

    def _store_dictionary(self, zdict: bytes) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('zdict', ?)", (zdict,))
        self._zdict = zdict

    def _transaction(self, action: Callable[[], object]) -> None:
        def run() -> None:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                action()
                self.db.execute("COMMIT")
            except BaseException:  # Ctrl-C included: it always goes on as it came
                with contextlib.suppress(sqlite3.Error):
                    if self.db.in_transaction:
                        self.db.execute("ROLLBACK")
                    self._zdict = self._stored_dictionary()
                raise

        self._guard(run)

    def _packed(self, row: IndexRow) -> tuple:
        problems = row.problems
        if problems != "[]":  # stored with relative paths too
            found = problems_from_text(problems)
            problems = problems_to_text([_moved(p, self.prefix, "") for p in found])
        packed = packed_views(row, self._zdict or b"")
        return tuple(packed._replace(path=self._relative(row.path), problems=problems))

    def unpack(self, packed: bytes) -> str:
        """A stored view as text; ``ValueError`` when it is not what was stored."""
        try:
            unpacker = zlib.decompressobj(RAW, zdict=self._zdict or b"")
            text = unpacker.decompress(packed).decode()
        except (TypeError, zlib.error, UnicodeDecodeError) as error:
            raise ValueError(f"a stored view is damaged ({error})") from error
        if not unpacker.eof or unpacker.unused_data:
            raise ValueError("a stored view is damaged (cut short or followed by other data)")
        return text

    def forget(self, path: str) -> None:
        """Drop one file's row (found damaged), so the next run reads the file again."""
        with contextlib.suppress(sqlite3.Error, OSError, IndexUnavailable):
            self.db.execute("DELETE FROM meta WHERE key = 'state'")
            self.db.execute("DELETE FROM files WHERE path = ?", (self._relative(path),))


def dictionary_of(row: IndexRow) -> bytes:
    """A compression dictionary: a study's views (studies of a catalog share most of them)."""
    return "".join(getattr(row, v) for v in VIEWS).encode()[-WINDOW:]


def packed_views(row: IndexRow, zdict: bytes) -> IndexRow:
    """The row with its views compressed (raw deflate with ``zdict``), as they are stored;
    views already packed stay as they are. Workers pack their rows before sending them."""
    packed: dict[str, Any] = {}
    for name in VIEWS:
        view = getattr(row, name)
        if isinstance(view, str):
            packer = zlib.compressobj(6, zlib.DEFLATED, -WINDOW_BITS, 6, zdict=zdict)
            packed[name] = packer.compress(view.encode()) + packer.flush()
    return row._replace(**packed)


def _moved(problem: Problem, old: str, new: str) -> Problem:
    """The problem with the folder part of its path ``old`` written ``new``."""
    if not problem.path.startswith(old):
        return problem
    path = new + problem.path[len(old) :]
    return Problem(path, problem.message, problem.line, problem.column, problem.field)
