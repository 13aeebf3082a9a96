"""One process at a time: an advisory lock on a file beside the index (``<index>-lock``), so
that commands building the same index at once take turns instead of colliding; the one that
waited then finds the work done.

The lock is the operating system's (``flock``): it is released when its holder ends, however
it ends. Where it cannot be had (no ``fcntl``, a read-only cache without a lock file), the
work goes on unlocked, as it would have without it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # not a POSIX system
    fcntl = None  # type: ignore[assignment]


def lock_path(index: Path) -> Path:
    """The lock file of an index file."""
    return index.with_name(index.name + "-lock")


@contextlib.contextmanager
def one_at_a_time(index: Path) -> Iterator[None]:
    """Hold the lock of ``index`` (waiting for it while another process holds it)."""
    descriptor = _open(lock_path(index)) if fcntl is not None else None
    try:
        if descriptor is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        if descriptor is not None:
            os.close(descriptor)  # releases the lock


def _open(path: Path) -> int | None:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        try:
            return os.open(path, os.O_RDONLY)  # a read-only cache: locks work on it all the same
        except OSError:
            return None
