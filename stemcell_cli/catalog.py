"""The catalog: the valid studies of the chosen folders by id, and every problem met.

With ``cache=True`` each folder goes through its persistent index (``indexer``): only files
whose size or modification time changed are read again.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .entry import Entry, IndexedEntry
from .errors import StemcellError
from .problems import Problem, problems_from_text
from .walk import find_descriptors, study_stem

if TYPE_CHECKING:
    from .index import Index, IndexRow

ENV_VAR = "STEMCELL_STUDIES_DIR"


def bundled_dir() -> Path:
    """The catalog shipped with the package (inside the wheel, or the repo's studies/)."""
    here = Path(__file__).resolve().parent
    packaged = here / "studies"
    return packaged if packaged.is_dir() else here.parent / "studies"


def catalog_dirs(dirs: Sequence[Path] | None = None, environ: dict | None = None) -> list[Path]:
    """Folders to read: the given ones, else $STEMCELL_STUDIES_DIR, else the bundled catalog."""
    if dirs:
        return list(dirs)
    value = (os.environ if environ is None else environ).get(ENV_VAR, "")
    from_env = [Path(p) for p in value.split(os.pathsep) if p.strip()]
    return from_env or [bundled_dir()]


@dataclass
class Catalog:
    """Valid studies by id, every problem met while reading, and cache warnings.

    ``notify`` is called with each warning as it happens (the CLI prints it on stderr).
    """

    entries: dict[str, Entry] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notify: Callable[[str], None] | None = None

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

    def add_entry(self, entry: Entry) -> None:
        """Keep the first study with an id; a second one is a problem naming both files."""
        first = self.entries.get(entry.id)
        if first is None:
            self.entries[entry.id] = entry
            return
        message = f"duplicate id '{entry.id}': also defined in {first.path}; this copy is ignored"
        self.problems.append(Problem(entry.path, message, field="id"))

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
            self.problems.extend(problems_from_text(row.problems))
        except ValueError as error:
            self.cache_failed(error)
            index.forget(row.path)
            self.add(Path(row.path))
            return
        if row.study_id is not None:
            self.add_entry(IndexedEntry(row, index, self.cache_failed))

    def sorted_entries(self) -> list[Entry]:
        """Entries in id order."""
        return [self.entries[k] for k in sorted(self.entries)]

    def entry(self, study_id: str) -> Entry:
        """The entry with this id (in any case: ids are lowercase), or an error suggesting
        close ids."""
        try:
            return self.entries[study_id if study_id in self.entries else study_id.casefold()]
        except KeyError:
            close = difflib.get_close_matches(study_id.lower(), list(self.entries), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else "; see `stemcell list`"
            raise StemcellError(f"no study with id '{study_id[:80]}'{hint}") from None


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
    dirs: Iterable[Path], *, cache: bool = False, notify: Callable[[str], None] | None = None
) -> Catalog:
    """Read every descriptor in the folders (through their indexes when ``cache``)."""
    catalog = Catalog(notify=notify)
    for root in _folders(dirs):
        walk = find_descriptors(root)
        catalog.problems.extend(walk.problems)
        if cache:
            from .index import IndexUnavailable
            from .indexer import indexed_rows

            try:
                index, rows = indexed_rows(root, walk)
            except IndexUnavailable as error:
                catalog.warn(f"index not used ({error}); reading the folder directly")
            else:
                for row in rows:
                    catalog.add_row(index, row)
                continue
        for path, _ in walk.files:
            catalog.add(path)
    return catalog


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
            if not folders or any(_mtime(Path(f)) != m for f, m in folders.items()):
                return None
            for row in index.locate(study_id):
                if _stamp(Path(row.path)) != (row.size, row.mtime_ns):
                    return None
                catalog.add_row(index, row)
            catalog.problems.extend(index.problems())
    except IndexUnavailable:
        return None
    return catalog if study_id in catalog.entries else None


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


MISSING = "no such file or folder"  # the problem of a path given to validate that is not there


def load_paths(paths: Iterable[Path]) -> Catalog:
    """Read the given files and folders (for ``validate``); missing paths are problems."""
    catalog = Catalog()
    for path in paths:
        if path.is_dir():
            walk = find_descriptors(path)
            catalog.problems.extend(walk.problems)
            for item, _ in walk.files:
                catalog.add(item)
        elif path.exists():
            catalog.add(path)
        else:
            catalog.problems.append(Problem(str(path), MISSING))
    return catalog
