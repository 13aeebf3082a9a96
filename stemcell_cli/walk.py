"""Find descriptor files under a catalog folder: real files only, no escapes, every problem kept."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .problems import Problem

SUFFIXES = (".yaml", ".yml")


def study_stem(path: Path) -> str:
    """The id a descriptor file must hold: its name without the suffix."""
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
