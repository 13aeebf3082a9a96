"""File I/O with limits: bounded reads that never block, atomic writes that never clobber."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable


def size_text(n: int) -> str:
    """``1048576`` -> ``1 MiB``; ``1536`` -> ``1.5 KiB``; ``100`` -> ``100 bytes``."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} bytes"


def read_bounded(path: Path, limit: int) -> bytes:
    """A regular file of at most ``limit`` bytes, read without blocking on FIFOs or devices.

    Raises ``OSError`` whose ``strerror`` says what is wrong (missing, a folder, too large ...).
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise OSError(errno.EISDIR, "is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        if info.st_size > limit:
            too_big = f"larger than {size_text(limit)} ({info.st_size} bytes); not read"
            raise OSError(errno.EFBIG, too_big)
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"larger than {size_text(limit)}; not read")
    return data


def write_atomic(target: Path, text: str | Iterable[str], *, replace: bool = False) -> None:
    """Write ``text`` (or its pieces, one after another) to ``target`` via a synced temporary
    file in the same folder.

    Without ``replace`` an existing ``target`` is left alone (``FileExistsError``), even
    one created meanwhile; the temporary file never outlives the call.
    """
    mode = _file_mode(target)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            for piece in [text] if isinstance(text, str) else text:
                stream.write(piece.encode("utf-8"))
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, mode)
        if replace:
            os.replace(temp, target)
        else:
            _link_new(temp, target)
        _sync_folder(target.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)


def _link_new(temp: str, target: Path) -> None:
    """Give ``temp`` the name ``target`` only if that name is free (atomic where links work)."""
    try:
        os.link(temp, target)
    except FileExistsError:
        raise
    except OSError:  # no hard links on this file system: check, then rename
        if target.exists() or target.is_symlink():
            raise FileExistsError(errno.EEXIST, "file exists", str(target)) from None
        os.replace(temp, target)


def _file_mode(target: Path) -> int:
    """The existing file's permissions, else the usual ones for a new file (umask applied)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _sync_folder(folder: Path) -> None:
    """Make the rename durable where the platform allows syncing a folder."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
