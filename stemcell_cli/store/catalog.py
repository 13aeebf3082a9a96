"""The catalog: the valid studies of the chosen folders by id, and every problem met.

With ``cache=True`` each folder goes through its persistent index (``indexer``): only files
whose stamp (size, modification and change time, inode) changed are read again, and the
studies are streamed from the index in id order rather than held in memory.
"""

from __future__ import annotations

import difflib
import heapq
import os
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import StemcellError, UsageError
from ..progress import progress
from .entry import Entry, IndexedEntry
from .problems import Problem
from .walk import Walk, find_descriptors, stamp_of, study_stem

if TYPE_CHECKING:
    from .index import Index, IndexRow

ENV_VAR = "STEMCELL_STUDIES_DIR"


def bundled_dir() -> Path:
    """The catalog shipped with the package (inside the wheel, or the repo's studies/)."""
    here = Path(__file__).resolve().parent.parent  # the package folder
    packaged = here / "studies"
    return packaged if packaged.is_dir() else here.parent / "studies"


def catalog_dirs(
    dirs: Sequence[str | Path] | None = None, environ: dict | None = None
) -> list[Path]:
    """Folders to read: the given ones, else $STEMCELL_STUDIES_DIR, else the bundled catalog.

    An empty folder name (``--studies-dir ''``, ``a::b`` in the variable) is a usage error,
    never the current folder or the bundled catalog.
    """
    if dirs:
        if any(not str(d).strip() for d in dirs):
            raise UsageError("--studies-dir needs a folder name, not an empty one")
        return [Path(d) for d in dirs]
    value = (os.environ if environ is None else environ).get(ENV_VAR, "")
    if not value:
        return [bundled_dir()]
    names = value.split(os.pathsep)
    if any(not name.strip() for name in names):
        raise UsageError(f"{ENV_VAR} holds an empty folder name: {value!r}")
    return [Path(name) for name in names]


class Catalog:
    """Valid studies by id, every problem met while reading, and cache warnings.

    Studies come folder by folder, each folder's either read from its files or streamed from
    its index; ``stream()`` gives each id once, in id order, without holding the catalog in
    memory (the first folder, then the first path, wins; later copies are ``duplicate id``
    problems); ``entries`` holds them all, by id, for commands that look studies up.
    ``notify`` is called with each warning as it happens (the CLI prints it on stderr).
    """

    def __init__(self, notify: Callable[[str], None] | None = None) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.notify = notify
        self.count = 0  # studies streamed so far (every valid id once)
        self._folders: list[tuple[list[Entry], Callable[[], Iterator[Entry]] | None]] = []
        self._streamed = False

    def warn(self, message: str) -> None:
        """Record a warning (once) and pass it on."""
        if message in self.warnings:
            return
        self.warnings.append(message)
        if self.notify is not None:
            self.notify(message)

    def cache_failed(self, error: Exception) -> None:
        """A stored study could not be used: say so once; it is read from its file instead."""
        self.warn(f"index not used for some studies ({error}); reading their files instead")

    def folder(self, indexed: Callable[[], Iterator[Entry]] | None = None) -> None:
        """Start the next folder (its studies streamed from ``indexed``, if given)."""
        self._folders.append(([], indexed))

    def add_entry(self, entry: Entry) -> None:
        """Add a study of the current folder."""
        if not self._folders:
            self.folder()
        self._folders[-1][0].append(entry)

    def add(self, path: Path, *, check_name: bool = True) -> None:
        """Load one file into the catalog (or record why not)."""
        from .loader import load_study

        study, problems = load_study(path, expect_id=study_stem(path) if check_name else None)
        self.problems.extend(problems)
        if study is not None:
            self.add_entry(Entry(study, str(path)))

    def add_row(self, index: Index, row: IndexRow) -> None:
        """Put one stored file into the catalog: its problems, and its study if it is valid."""
        try:
            self.problems.extend(index.read_problems(row.problems))
        except ValueError as error:
            self.cache_failed(error)
            index.forget(index.shown(row.path))
            self.add(Path(index.shown(row.path)))
            return
        if row.study_id is not None:
            self.add_entry(IndexedEntry(row, index, self.cache_failed))

    def add_index(self, index: Index, views: Collection[str] | None = None) -> None:
        """A folder served by its index: problems now (a damaged row is read from its file
        instead, with one warning), studies streamed from the index when used, with the
        stored ``views`` read along (default: all the small ones; see ``Index.studies``)."""
        damaged = []
        for path, found in index.problems():
            if isinstance(found, ValueError):
                self.cache_failed(found)
                index.forget(path)
                damaged.append(path)
            else:
                self.problems.extend(found)
        entry = partial(IndexedEntry, index=index, on_failure=self.cache_failed)
        skip = frozenset(damaged)
        self.folder(lambda: map(entry, index.studies(skip, views)))
        for path in damaged:
            self.add(Path(path))

    def stream(self) -> Iterator[Entry]:
        """Every valid study once, in id order, produced as it is used (once per catalog)."""
        if self._streamed:
            raise RuntimeError("a catalog is streamed once; use entries")
        self._streamed = True
        first: Entry | None = None
        for entry in _merged([_folder_stream(files, rows) for files, rows in self._folders]):
            if first is not None and entry.id == first.id:
                message = (
                    f"duplicate id '{entry.id}': also defined in {first.path}; this copy is ignored"
                )
                self.problems.append(Problem(entry.path, message, field="id"))
                continue
            first = entry
            self.count += 1
            yield entry

    @cached_property
    def entries(self) -> dict[str, Entry]:
        """Every valid study by id (the whole catalog in memory)."""
        return {entry.id: entry for entry in self.stream()}

    def sorted_entries(self) -> list[Entry]:
        """Entries in id order."""
        return list(self.entries.values())

    def entry(self, study_id: str) -> Entry:
        """The entry with this id (in any case: ids are lowercase), or an error naming its
        invalid file or suggesting close ids."""
        found = self.entries.get(study_id.casefold())
        if found is None:
            raise self._missing(study_id, list(self.entries))
        return found

    def find(self, study_ids: Iterable[str]) -> list[Entry]:
        """The entries with these ids (in any case), each once, in the order given, picked
        from the stream so that only they are kept; a missing one is an error, as ``entry``."""
        wanted = {study_id.casefold(): study_id for study_id in study_ids}
        found: dict[str, Entry] = {}
        ids = []  # every id, for suggestions
        for entry in self.stream():
            ids.append(entry.id)
            if entry.id in wanted:
                found[entry.id] = entry
        for key, study_id in wanted.items():
            if key not in found:
                raise self._missing(study_id, ids)
        return [found[key] for key in wanted]

    def _missing(self, study_id: str, ids: list[str]) -> StemcellError:
        """Why there is no entry for ``study_id``: its file's problem, or close ids."""
        invalid = [p for p in self.problems if study_stem(Path(p.path)) == study_id]
        if invalid:
            more = f" (and {len(invalid) - 1} more problem(s))" if len(invalid) > 1 else ""
            return StemcellError(f"study '{study_id}' is not valid: {invalid[0]}{more}")
        close = difflib.get_close_matches(study_id.lower(), ids, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else "; see `stemcell list`"
        return StemcellError(f"no study with id '{study_id[:80]}'{hint}")


def _by_id(entry: Entry) -> tuple[str, str]:
    return entry.id, entry.path


def _folder_stream(
    files: list[Entry], rows: Callable[[], Iterator[Entry]] | None
) -> Iterator[Entry]:
    """A folder's studies in (id, path) order: those read from files and those indexed."""
    if rows is None:
        return iter(sorted(files, key=_by_id))
    return heapq.merge(sorted(files, key=_by_id), rows(), key=_by_id) if files else rows()


def _merged(streams: list[Iterator[Entry]]) -> Iterator[Entry]:
    """The folders' studies in id order (a folder before the ones after it, for one id)."""
    return streams[0] if len(streams) == 1 else heapq.merge(*streams, key=lambda e: e.id)


def _distinct(paths: Iterable[Path]) -> list[Path]:
    """The paths without repeats of the same folder."""
    seen: dict[Path, Path] = {}
    for path in paths:
        try:
            key = path.resolve()
        except (OSError, RuntimeError):
            key = path
        seen.setdefault(key, path)
    return list(seen.values())


def _folders(dirs: Iterable[Path]) -> list[Path]:
    roots = _distinct(dirs)
    for root in roots:
        if not root.is_dir():
            raise StemcellError(f"catalog folder not found: {root}")
    return roots


def load_catalog(
    dirs: Iterable[Path],
    *,
    cache: bool = False,
    notify: Callable[[str], None] | None = None,
    views: Collection[str] | None = None,
) -> Catalog:
    """Read every descriptor in the folders (through their indexes when ``cache``, reading
    the stored ``views`` along with each study: see ``Index.studies``)."""
    catalog = Catalog(notify=notify)
    for root in _folders(dirs):
        if cache and _from_index(catalog, root, views):
            continue
        walk = find_descriptors(root)
        catalog.problems.extend(walk.problems)
        catalog.folder()
        for path in progress([p for p, _ in walk.files], len(walk.files), "reading descriptors"):
            catalog.add(path)
    return catalog


def _from_index(catalog: Catalog, root: Path, views: Collection[str] | None) -> bool:
    """Serve a folder from its index, brought up to date; False (with a warning) when the
    index cannot be used. A damaged index file is deleted and built again, once."""
    from .index import IndexDamaged, IndexUnavailable
    from .indexer import refresh

    for attempt in (1, 2):
        walk = Walk(root)
        try:
            index = refresh(root, walk)
        except IndexUnavailable as error:
            if isinstance(error, IndexDamaged) and attempt == 1:
                continue
            catalog.warn(f"index not used ({error}); reading the folder directly")
            return False
        catalog.problems.extend(walk.problems)
        catalog.add_index(index, views)
        return True
    return False


def load_one(
    dirs: Iterable[Path], study_id: str, notify: Callable[[str], None] | None = None
) -> Catalog | None:
    """A catalog holding just ``study_id``, from the indexes, when they prove it current.

    Current means: no folder changed (so no file was added, removed or renamed) since the
    last full reading, and the study's own file is unchanged. Problems are those recorded at
    each file's last reading. Returns None when unsure; then read the whole catalog.
    """
    from .index import Index, IndexUnavailable

    catalog = Catalog(notify=notify)
    try:
        for root in _folders(dirs):
            index = Index(root)
            folders = index.folders()
            if not folders or any(_mtime(index.prefix + f) != m for f, m in folders.items()):
                return None
            catalog.folder()
            for row in index.locate(study_id):
                if _stamp(index.shown(row.path)) != row.stamp:
                    return None
                catalog.add_row(index, row)
            for _, found in index.problems():
                if isinstance(found, ValueError):
                    return None
                catalog.problems.extend(found)
    except IndexUnavailable:
        return None
    return catalog if study_id in catalog.entries else None


def _mtime(path: str) -> int | None:
    try:
        return os.stat(path or ".").st_mtime_ns
    except OSError:
        return None


def _stamp(path: str) -> tuple[int, int, int, int] | None:
    try:
        return stamp_of(os.stat(path))
    except OSError:
        return None


MISSING = "no such file or folder"  # the problem of a path given to validate that is not there


def load_paths(paths: Iterable[Path]) -> Catalog:
    """Read the given files and folders (for ``validate``); missing paths are problems."""
    catalog = Catalog()
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            walk = find_descriptors(path)
            catalog.problems.extend(walk.problems)
            files += [item for item, _ in walk.files]
        elif path.exists():
            files.append(path)
        else:
            catalog.problems.append(Problem(str(path), MISSING))
    for path in progress(files, len(files), "checking descriptors"):
        catalog.add(path)
    return catalog
