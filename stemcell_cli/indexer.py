"""Bring a folder's index up to date: read changed files (on every core when there are many)
into index rows and store them."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from .entry import Entry
from .index import Index, IndexRow
from .problems import problems_to_text
from .walk import Walk, study_stem

RACY_NS = 2_000_000_000  # a file changed this recently may change again within the same tick
PARALLEL_FROM = 400  # files to (re)read before a cold build uses every core
PROGRESS_AFTER = 1.0  # seconds of building before a progress bar appears (terminals only)


def index_row(path: str, stamp: tuple[int, int], now: int) -> IndexRow:
    """Read one file and make its row (a racy stamp is stored so that it is read again)."""
    from .loader import load_study

    size, mtime_ns = stamp
    if now - mtime_ns < RACY_NS:
        size = -1
    study, problems = load_study(Path(path), expect_id=study_stem(Path(path)))
    if study is None:
        return IndexRow(path, size, mtime_ns, None, problems_to_text(problems), *[None] * 5)
    views = Entry(study, path).stored()
    return IndexRow(path, size, mtime_ns, study.id, problems_to_text(problems), *views)


def _index_row_args(args: tuple[str, tuple[int, int], int]) -> IndexRow:
    return index_row(*args)


def read_rows(paths: list[Path], stamps: dict[str, tuple[int, int]], now: int) -> Iterator:
    """Index rows for these files: in parallel when there are many, with progress when slow."""
    jobs = [(str(p), stamps[str(p)], now) for p in paths]
    if len(jobs) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        yield from _with_progress(map(_index_row_args, jobs), len(jobs))
        return
    import multiprocessing

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(os.cpu_count()) as pool:
        yield from _with_progress(pool.imap(_index_row_args, jobs, chunksize=64), len(jobs))


def _with_progress(rows: Iterator[IndexRow], total: int) -> Iterator[IndexRow]:
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


def _light(row: IndexRow) -> IndexRow:
    """The row as a listing keeps it: the large views are fetched again when shown."""
    return row._replace(show_view=None, compare_column=None)


def _keep(rows: Iterable[IndexRow], kept: list[IndexRow]) -> Iterator[IndexRow]:
    """Pass rows on to be stored, keeping the listing part of each for the catalog."""
    for row in rows:
        kept.append(_light(row))
        yield row


def indexed_rows(root: Path, walk: Walk) -> tuple[Index, list[IndexRow]]:
    """The folder's index brought up to date (changed files re-read) and its rows in path order.

    Raises ``IndexUnavailable`` when the index cannot be used.
    """
    index = Index(root)
    known = index.stamps()
    current = {str(p): (s.st_size, s.st_mtime_ns) for p, s in walk.files}
    changed = [p for p, _ in walk.files if known.get(str(p)) != current[str(p)]]
    gone = [p for p in known if p not in current]
    fresh: list[IndexRow] = []
    if changed or gone or walk.folders != index.folders():
        rows = read_rows(changed, current, time.time_ns())
        index.update(_keep(rows, fresh), gone, walk.folders)
    if len(fresh) < len(current):  # unchanged files come from the index
        done = {row.path for row in fresh}
        fresh += [row for row in index.rows() if row.path not in done]
    return index, sorted(fresh)
