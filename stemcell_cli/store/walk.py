"""Find descriptor files under a catalog folder: real files only, no escapes, every problem kept.

``Walk.scan`` yields each file as it is found, by its path relative to the folder (what the
index keys it by, whatever spelling of the folder was used) with its stat, keeping nothing
per file in memory; ``find_descriptors`` collects them, sorted, for commands that read every
file. A name that is not valid UTF-8 is a problem of that path alone.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from stat import S_ISREG

from .problems import Problem

SUFFIXES = (".yaml", ".yml")

Stamp = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


def stamp_of(info: os.stat_result) -> Stamp:
    """What tells a file's versions apart: size, modification and change times, inode.

    The change time cannot be set back (``touch -r`` sets the modification time only).
    """
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino


def study_stem(path: Path) -> str:
    """The id a descriptor file must hold: its name without the suffix."""
    return path.name.rsplit(".", 1)[0]


def display_prefix(root: Path) -> str:
    """What goes before a relative path to show it as the user spelled the folder."""
    text = str(root)
    return "" if text == "." else text if text.endswith(os.sep) else text + os.sep


def shown(path: str) -> str:
    """A path as text that can always be printed (undecodable bytes as \\x escapes)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _within(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


class Walk:
    """What a folder holds: descriptor files with their stat, folder times, and problems.

    ``folders`` maps each folder's path relative to the root ('' for the root) to its
    modification time; ``files`` is filled by ``find_descriptors`` only.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: list[tuple[Path, os.stat_result]] = []
        self.folders: dict[str, int] = {}
        self.problems: list[Problem] = []

    @property
    def prefix(self) -> str:
        return display_prefix(self.root)

    def scan(self) -> Iterator[tuple[str, os.stat_result]]:
        """(path relative to the root, stat) of every descriptor file, in no set order (the
        same order while nothing changes). Folder times and problems are this scan's own."""
        self.folders.clear()
        self.problems.clear()
        real_root = self.root.resolve()
        prefix = self.prefix
        seen: set[tuple[int, int]] = set()
        pending = [""]
        while pending:
            relative = pending.pop()
            folder = prefix + relative or "."
            try:
                info = os.stat(folder)
                if (info.st_dev, info.st_ino) in seen:
                    continue
                seen.add((info.st_dev, info.st_ino))
                self.folders[relative] = info.st_mtime_ns
                listing = os.scandir(folder)
            except OSError as error:
                self._problem(folder, f"cannot read folder: {error.strerror or error}")
                continue
            with listing:  # a plain descriptor file, the common case, is checked first
                for entry in listing:
                    name = entry.name
                    if name.startswith(".") or not (name.isascii() or self._decodable(entry)):
                        continue
                    if entry.is_file(follow_symlinks=False):
                        if not name.endswith(SUFFIXES):
                            continue
                    elif entry.is_dir(follow_symlinks=False):
                        pending.append(relative + name + os.sep)
                        continue
                    elif not self._read_other(entry, real_root):
                        continue
                    try:
                        info = entry.stat()
                    except OSError as error:
                        self._problem(entry.path, f"cannot read: {error.strerror or error}")
                        continue
                    if S_ISREG(info.st_mode):
                        yield relative + name, info
                    else:
                        self._problem(entry.path, "not a regular file; skipped")

    def _decodable(self, entry: os.DirEntry) -> bool:
        """Whether the name is valid UTF-8 (if not, it is a problem of this path alone)."""
        try:
            entry.name.encode("utf-8")
        except UnicodeEncodeError:
            self._problem(entry.path, "name is not valid UTF-8; skipped (rename it)")
            return False
        return True

    def _read_other(self, entry: os.DirEntry, real_root: Path) -> bool:
        """Whether an entry that is neither a plain file nor a folder is read as a descriptor:
        a symlink to a file inside the catalog, or anything else named like one (to be told
        it is not a regular file). A symlink that points outside is a problem, if it looks
        like a descriptor or a folder; folders reached through symlinks are not searched."""
        name = entry.name
        if not entry.is_symlink():
            return name.endswith(SUFFIXES)
        if not _within(Path(entry.path), real_root):
            if name.endswith(SUFFIXES) or entry.is_dir():
                self._problem(entry.path, "symlink points outside the catalog; skipped")
            return False
        return name.endswith(SUFFIXES) and not entry.is_dir()

    def _problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(shown(str(Path(path))), message))


def find_descriptors(root: Path) -> Walk:
    """Descriptor files under ``root``, sorted: real sub-folders only, no FIFOs or devices,
    no escapes."""
    walk = Walk(root)
    prefix = walk.prefix
    walk.files = sorted(((Path(prefix + rel), info) for rel, info in walk.scan()), key=_by_path)
    walk.problems.sort(key=lambda p: p.path)
    return walk


def _by_path(item: tuple[Path, os.stat_result]) -> str:
    return str(item[0])
