"""Bring a folder's index up to date: read changed files (on every core when there are many)
into index rows and store them.

Worker processes ignore Ctrl-C and answer through one pipe each; on any interruption the
parent kills them and returns at once (nothing waits on a worker), while the batches already
stored stay stored, so the next run continues where this one stopped. A parent that dies
without a chance to do so (``kill -9``) takes its workers with it: the kernel ends them (see
``lifeline``), and each holds only the write end of its pipe, so its next write fails.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import struct
import threading
import time
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..progress import progress
from .entry import Entry
from .index import Index, IndexRow, packed_views
from .lifeline import end_with_parent
from .locking import one_at_a_time
from .problems import Problem, problems_to_text
from .walk import Walk, stamp_of, study_stem

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

RACY_NS = 2_000_000_000  # a file changed this recently may change again within the same tick
AHEAD_NS = 3600 * 10**9  # a file time further ahead of the clock was set on purpose (touch -d)
PARALLEL_FROM = 400  # files to (re)read before a cold build uses every core
SEND_EVERY = 32  # rows a worker sends at a time


def racy(time_ns: int, now: int) -> bool:
    """Whether a file time is too recent for its stamp to be trusted: less than ``RACY_NS``
    before ``now``, or ahead of it (a skewed clock) by less than ``AHEAD_NS``. A time far
    ahead says nothing about when the file changed: it was set (the change time was not)."""
    return now - RACY_NS < time_ns < now + AHEAD_NS


def index_row(path: str, now: int) -> IndexRow:
    """Read one file and make its row (a racy stamp is stored so that it is read again).

    The file is stamped before it is read: if it changes meanwhile, the stamp no longer
    matches and the next run reads it again. Any failure is a problem of this file alone.
    """
    from .loader import load_study

    try:
        size, mtime_ns, ctime_ns, inode = stamp_of(os.stat(path))
    except OSError as error:
        problem = Problem(path, f"cannot read: {error.strerror or error}")
        return IndexRow(path, -1, 0, 0, 0, None, problems_to_text([problem]), *[None] * 6)
    if racy(mtime_ns, now) or racy(ctime_ns, now):
        size = -1
    stamp = (size, mtime_ns, ctime_ns, inode)
    study, problems = load_study(Path(path), expect_id=study_stem(Path(path)))
    if study is None:
        return IndexRow(path, *stamp, None, problems_to_text(problems), *[None] * 6)
    views = Entry(study, path).stored()
    return IndexRow(path, *stamp, study.id, problems_to_text(problems), *views)


def read_rows(paths: list[str], now: int, index: Index) -> Iterator[IndexRow]:
    """Index rows for these files, their views packed for ``index``: in parallel when there
    are many, with progress when slow. Until the index has its compression dictionary, files
    are read here, and the first study read gives it."""
    return progress(_rows(paths, now, index), len(paths), "indexing descriptors")


def _rows(paths: list[str], now: int, index: Index) -> Iterator[IndexRow]:
    done = 0
    while index.dictionary is None and done < len(paths):
        row = index_row(paths[done], now)
        if row.record is not None:
            index.set_dictionary(row)
        done += 1
        yield row
    rest, zdict = paths[done:], index.dictionary or b""
    workers = min(os.cpu_count() or 1, max(1, len(rest) // (PARALLEL_FROM // 2)))
    if len(rest) < PARALLEL_FROM or workers < 2:
        yield from (packed_views(index_row(path, now), zdict) for path in rest)
    else:
        yield from _in_parallel(rest, now, workers, zdict)


def _work(
    paths: list[str], now: int, zdict: bytes, sending: Connection, parent: int, inherited: list
) -> None:
    """A worker: packed rows for its share of the files, sent a few at a time through
    ``sending`` (a Connection); Ctrl-C is the parent's business. It ends with ``parent``, and
    closes the read ends it inherited (``inherited``), so that a write to a pipe nobody reads
    fails rather than waits."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _unblock_interrupts()
    end_with_parent(parent)
    for receiving in inherited:
        receiving.close()
    batch = []
    try:
        for path in paths:
            batch.append(packed_views(index_row(path, now), zdict))
            if len(batch) >= SEND_EVERY:
                sending.send(batch)
                batch = []
        sending.send(batch)
        sending.close()
    except OSError:  # the parent is gone (a broken pipe): nobody is left to tell
        os._exit(1)


def _in_parallel(paths: list[str], now: int, count: int, zdict: bytes) -> Iterator[IndexRow]:
    import multiprocessing
    from multiprocessing.connection import wait

    from ..views import stored  # noqa: F401  (imported once, before the workers fork)
    from . import loader  # noqa: F401

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context: Any = multiprocessing.get_context(method)  # its Process is the method's
    started: list = []
    try:
        for share in (paths[i::count] for i in range(count)):
            receiving, sending = context.Pipe(duplex=False)
            forked = [r for _, r, _, _ in started] + [receiving] if method == "fork" else []
            arguments = (share, now, zdict, sending, os.getpid(), forked)
            worker = context.Process(target=_work, args=arguments, daemon=True)
            with _interrupts_blocked():  # the worker starts with Ctrl-C ignored
                worker.start()
            sending.close()
            started.append((worker, receiving, share, [0]))
        waiting = {receiving: (worker, share, done) for worker, receiving, share, done in started}
        while waiting:
            for ready in wait(list(waiting)):
                receiving = typing.cast("Connection", ready)  # a receiving end waited on
                worker, share, done = waiting[receiving]
                try:
                    batch = receiving.recv()
                except EOFError:  # the worker finished (or died: its files are read here)
                    del waiting[receiving]
                    yield from (packed_views(index_row(p, now), zdict) for p in share[done[0] :])
                    continue
                done[0] += len(batch)
                yield from batch
    finally:
        for worker, receiving, _, _ in started:
            with contextlib.suppress(OSError, ValueError):
                if worker.is_alive():
                    worker.kill()
                worker.join()
                receiving.close()


@contextlib.contextmanager
def _interrupts_blocked() -> Iterator[None]:
    """Hold Ctrl-C back (not lost: delivered after) while a worker is forked."""
    block = (
        hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread()
    )
    if block:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        if block:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _unblock_interrupts() -> None:
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


_DIGESTED = struct.Struct("<IQqqQ")  # name length, stamp (the name follows)


def folder_state(walk: Walk) -> bytes | None:
    """A digest of what one scan of ``walk`` finds: every file's path and stamp and every
    folder's time, in scan order. None unless settled: no time in it is ``racy`` (a change
    that quick could leave a stamp as it was)."""
    digest = hashlib.blake2b(digest_size=16)
    update, pack = digest.update, _DIGESTED.pack
    latest, ahead = 0, time.time_ns() + AHEAD_NS  # the latest time short of "set on purpose"
    for relative, info in walk.scan():
        size, mtime, ctime, inode = stamp_of(info)
        name = relative.encode(errors="surrogateescape")
        update(pack(len(name), size, mtime, ctime, inode) + name)
        if latest < ctime < ahead:
            latest = ctime
        if latest < mtime < ahead:
            latest = mtime
    update(repr(list(walk.folders.items())).encode(errors="surrogateescape"))
    latest = max([latest, *(t for t in walk.folders.values() if t < ahead)])
    return None if racy(latest, time.time_ns()) else digest.digest()


def refresh(root: Path, walk: Walk) -> Index:
    """The folder's index brought up to date: changed and new files read again, deleted
    ones forgotten. ``walk`` collects the folder's problems and folder times on the way.

    One scan finds the folder's state; when it is the one the index was last current for,
    nothing changed. Otherwise a second scan compares the files' stamps with the stored
    ones, and the state is recorded once the index is current again.

    Raises ``IndexUnavailable`` when the index cannot be used.
    """
    index = Index(root)
    state = folder_state(walk)
    if state is None or state != index.state():
        with one_at_a_time(index.path):  # another process building it: wait, then share
            _bring_up_to_date(index, walk, state)
    walk.problems.sort(key=lambda p: p.path)
    return index


def _bring_up_to_date(index: Index, walk: Walk, state: bytes | None) -> None:
    """Store what changed since the index was last current (unless another process, which
    held the lock meanwhile, has just done so)."""
    index.reread_dictionary()
    if state is not None and state == index.state():
        return  # another process did it meanwhile
    since = index.version()
    found = ((relative, *stamp_of(info)) for relative, info in walk.scan())
    changed, gone = index.changes(found)
    if changed or gone or walk.folders != index.folders():
        paths = [walk.prefix + relative for relative in changed]
        index.update(read_rows(paths, time.time_ns(), index), gone, walk.folders, state, since)
    elif state is not None:
        index.keep_state(state, since)
