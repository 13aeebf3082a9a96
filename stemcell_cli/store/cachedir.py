"""The index files in the cache folder: listed with the folder each indexes, and deleted on
request; only files that are stemcell indexes (an SQLite database with stemcell's ``meta``
records) are ever deleted."""

from __future__ import annotations

import contextlib
import re
import sqlite3
from pathlib import Path
from typing import NamedTuple

from ..errors import StemcellError
from .index import cache_home, index_path

EXTRAS = ("", "-journal", "-wal", "-shm", "-lock")  # an index's files: itself, SQLite's, its lock
_VERSION = re.compile(r"[0-9]+:[^:]+:.+")  # index.VERSION, of this release or another


class CachedIndex(NamedTuple):
    """One file in the cache named like an index: where it is, its size, the folder it
    indexes ("?" when it cannot tell), and whether it is a stemcell index at all."""

    path: Path
    size: int
    folder: str
    ours: bool


def cached_indexes() -> list[CachedIndex]:
    """Every file named like an index in the cache folder (``index-*.sqlite``), with the
    folder each was built for, read from its own records."""
    found = []
    for path in sorted(cache_home().glob("index-*.sqlite")):
        folder = folder_of(path)
        with contextlib.suppress(OSError):
            size = path.stat().st_size
            found.append(CachedIndex(path, size, "?" if folder is None else folder, bool(folder)))
    return found


def folder_of(path: Path) -> str | None:
    """The folder the stemcell index at ``path`` was built for; None when the file is not a
    stemcell index (or cannot be read). The file is opened read-only, as a plain path (a
    ``file:`` URI with every special character quoted), and left exactly as it is."""
    uri = f"{path.absolute().as_uri()}?mode=ro&immutable=1"
    try:
        db = sqlite3.connect(uri, uri=True)
        try:
            query = "SELECT key, value FROM meta WHERE key IN ('version', 'folder')"
            records = dict(db.execute(query).fetchall())
        finally:
            db.close()
    except (sqlite3.Error, ValueError):
        return None
    version, folder = records.get("version"), records.get("folder")
    if isinstance(version, str) and _VERSION.fullmatch(version) and isinstance(folder, str):
        return folder or None
    return None


class Cleared(NamedTuple):
    """What ``clear_indexes`` did: the indexes deleted, the look-alikes kept."""

    removed: list[CachedIndex]
    kept: list[CachedIndex]


def clear_indexes(root: Path | None = None) -> Cleared:
    """Delete the index of ``root`` (every index when None), with its journal and lock; files
    named like indexes that are not stemcell's are kept. Raises ``StemcellError`` when one
    cannot be deleted (a read-only cache), saying how many were."""
    chosen = cached_indexes()
    if root is not None:
        chosen = [c for c in chosen if c.path == index_path(root)]
    cleared = Cleared([], [c for c in chosen if not c.ours])
    for cached in (c for c in chosen if c.ours):
        try:
            for extra in EXTRAS:
                with contextlib.suppress(FileNotFoundError):
                    cached.path.with_name(cached.path.name + extra).unlink()
        except OSError as error:
            raise StemcellError(
                f"cannot remove {error.filename or cached.path}: {error.strerror or error} "
                f"(removed {len(cleared.removed)} index(es))"
            ) from error
        cleared.removed.append(cached)
    return cleared
