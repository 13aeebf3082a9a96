"""Find descriptor files in catalog folders and load them, keeping every problem.

With ``cache=True`` each folder goes through its persistent index (``index.py``): only files
whose size or modification time changed are read again.
"""

from __future__ import annotations

import difflib
import os
import stat
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .entry import Entry
from .errors import StemcellError
from .problems import Problem

if TYPE_CHECKING:
    from .index import Index
    from .models import Study

ENV_VAR = "STEMCELL_STUDIES_DIR"
SUFFIXES = (".yaml", ".yml")
RACY_NS = 2_000_000_000  # a file changed this recently may change again within the same tick
PARALLEL_FROM = 400  # files to (re)read before a cold build uses every core
PROGRESS_AFTER = 1.0  # seconds of building before a progress bar appears (terminals only)


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
    """Valid studies by id, every problem met while reading, and cache warnings."""

    entries: dict[str, Entry] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

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

        study, problems = load_study(path, expect_id=_stem(path) if check_name else None)
        self.problems.extend(problems)
        if study is not None:
            self.add_entry(Entry(study.id, str(path), study=study))

    @property
    def studies(self) -> dict[str, Study]:
        """Every valid study by id (loads each one)."""
        return {k: e.study for k, e in self.entries.items()}

    def sorted_entries(self) -> list[Entry]:
        """Entries in id order."""
        return [self.entries[k] for k in sorted(self.entries)]

    def sorted(self) -> list[Study]:
        """Studies in id order."""
        return [e.study for e in self.sorted_entries()]

    def entry(self, study_id: str) -> Entry:
        """The entry with this id, or an error suggesting close ids."""
        try:
            return self.entries[study_id]
        except KeyError:
            close = difflib.get_close_matches(study_id.lower(), list(self.entries), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else "; see `stemcell list`"
            raise StemcellError(f"no study with id '{study_id[:80]}'{hint}") from None

    def get(self, study_id: str) -> Study:
        """The study with this id, or an error suggesting close ids."""
        return self.entry(study_id).study


def _stem(path: Path) -> str:
    return path.name.rsplit(".", 1)[0]


def _within(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


@dataclass
class Walk:
    """What a folder holds: descriptor files with their stat, folder times, and problems."""

    files: list[tuple[Path, os.stat_result]] = field(default_factory=list)
    folders: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def find_descriptors(root: Path) -> Walk:
    """Descriptor files under ``root``: real sub-folders only, no FIFOs or devices, no escapes."""
    real_root = root.resolve()
    walk = Walk()
    seen: set[tuple[int, int]] = set()
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            info = folder.stat()
            if (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            walk.folders[str(folder)] = info.st_mtime_ns
            entries = list(os.scandir(folder))
        except OSError as error:
            walk.problems.append(
                Problem(str(folder), f"cannot read folder: {error.strerror or error}")
            )
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if entry.is_symlink() and not _within(path, real_root):
                if entry.name.endswith(SUFFIXES) or entry.is_dir():
                    walk.problems.append(
                        Problem(str(path), "symlink points outside the catalog; skipped")
                    )
                continue
            if entry.is_dir(follow_symlinks=False):
                pending.append(path)
            elif entry.name.endswith(SUFFIXES) and not entry.is_dir():
                try:
                    info = entry.stat()
                except OSError as error:
                    walk.problems.append(
                        Problem(str(path), f"cannot read: {error.strerror or error}")
                    )
                    continue
                if stat.S_ISREG(info.st_mode):
                    walk.files.append((path, info))
                else:
                    walk.problems.append(Problem(str(path), "not a regular file; skipped"))
    walk.files.sort(key=lambda item: str(item[0]))
    walk.problems.sort(key=lambda p: p.path)
    return walk


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


def load_catalog(dirs: Iterable[Path], *, cache: bool = False) -> Catalog:
    """Read every descriptor in the folders (through their indexes when ``cache``)."""
    catalog = Catalog()
    for root in _folders(dirs):
        walk = find_descriptors(root)
        catalog.problems.extend(walk.problems)
        if cache and _load_indexed(catalog, root, walk):
            continue
        for path, _ in walk.files:
            catalog.add(path)
    return catalog


def load_one(dirs: Iterable[Path], study_id: str) -> Catalog | None:
    """A catalog holding just ``study_id``, from the indexes, when they prove it current.

    Current means: no folder changed (so no file was added, removed or renamed) since the
    last full reading, and the study's own file is unchanged. Problems are those recorded at
    each file's last reading. Returns None when unsure; then read the whole catalog.
    """
    from .index import Index, IndexUnavailable

    catalog = Catalog()
    try:
        for root in _folders(dirs):
            index = Index(root)
            folders = index.folders()
            if not folders or any(_mtime(Path(f)) != m for f, m in folders.items()):
                return None
            for path, size, mtime_ns, found_id in index.locate(study_id):
                if _stamp(Path(path)) != (size, mtime_ns):
                    return None
                catalog.add_entry(_indexed_entry(index, path, found_id, *index.stored(path)))
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


def _indexed_entry(index: Index, path: str, study_id: str, *stored: str) -> Entry:
    return Entry(study_id, path, fetch=lambda name: index.value(path, name), stored=stored)


def _load_indexed(catalog: Catalog, root: Path, walk: Walk) -> bool:
    """Fill the catalog from the folder's index, re-reading changed files; False if unusable."""
    from .index import Index, IndexUnavailable

    try:
        index = Index(root)
        known = index.stamps()
        now = time.time_ns()
        current = {str(p): (s.st_size, s.st_mtime_ns) for p, s in walk.files}
        changed = [p for p, _ in walk.files if known.get(str(p)) != current[str(p)]]
        gone = [p for p in known if p not in current]
        fresh: list[tuple] = []
        if changed or gone or walk.folders != index.folders():
            rows = _read(changed, current, now)
            index.update(_keep(rows, fresh), gone, walk.folders)
        if len(fresh) < len(current):  # unchanged files come from the index
            done = {row[0] for row in fresh}
            fresh += [row for row in index.rows() if row[0] not in done]
        for path, study_id, stored, problems in sorted(fresh, key=lambda row: row[0]):
            catalog.problems.extend(problems)
            if study_id is not None:
                catalog.add_entry(_indexed_entry(index, path, study_id, *stored))
    except IndexUnavailable as error:
        catalog.warnings.append(f"index not used ({error}); reading the folder directly")
        return False
    return True


def _keep(rows: Iterable[tuple], kept: list[tuple]) -> Iterator[tuple]:
    """Pass index rows on to be stored, keeping what the catalog needs of each."""
    from .index import problems_from_text

    for row in rows:
        kept.append((row[0], row[3], row[5:8], problems_from_text(row[4])))
        yield row


def index_row(path: str, stamp: tuple[int, int], now: int) -> tuple:
    """Read one file and make its index row (a racy stamp is stored so it is read again)."""
    size, mtime_ns = stamp
    if now - mtime_ns < RACY_NS:
        size = -1
    from .index import problems_to_text
    from .loader import load_study

    study, problems = load_study(Path(path), expect_id=_stem(Path(path)))

    if study is None:
        return (path, size, mtime_ns, None, problems_to_text(problems), *[None] * 5)
    entry = Entry(study.id, path, study=study)
    return (path, size, mtime_ns, study.id, problems_to_text(problems), *entry.stored())


def _index_row_args(args: tuple[str, tuple[int, int], int]) -> tuple:
    return index_row(*args)


def _read(paths: list[Path], stamps: dict[str, tuple[int, int]], now: int) -> Iterator[tuple]:
    """Index rows for these files: in parallel when there are many, with progress when slow."""
    jobs = [(str(p), stamps[str(p)], now) for p in paths]
    if len(jobs) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        yield from _with_progress(map(_index_row_args, jobs), len(jobs))
        return
    import multiprocessing

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(os.cpu_count()) as pool:
        yield from _with_progress(pool.imap(_index_row_args, jobs, chunksize=64), len(jobs))


def _with_progress(rows: Iterator[tuple], total: int) -> Iterator[tuple]:
    """Pass rows through; after PROGRESS_AFTER seconds on a terminal, show a bar on stderr."""
    start = time.perf_counter()
    progress = None
    try:
        for done, row in enumerate(rows, 1):
            yield row
            if (
                progress is None
                and time.perf_counter() - start > PROGRESS_AFTER
                and sys.stderr.isatty()
            ):
                from rich.console import Console
                from rich.progress import Progress

                progress = Progress(console=Console(stderr=True), transient=True)
                progress.start()
                task = progress.add_task("indexing descriptors", total=total)
            if progress is not None:
                progress.update(task, completed=done)
    finally:
        if progress is not None:
            progress.stop()


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
            catalog.problems.append(Problem(str(path), "no such file or folder"))
    return catalog
