"""Find descriptor files in catalog folders and load them, keeping every problem."""

from __future__ import annotations

import difflib
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import StemcellError
from .loader import Problem, load_study
from .models import Study

ENV_VAR = "STEMCELL_STUDIES_DIR"
SUFFIXES = (".yaml", ".yml")


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
    """Valid studies by id, and every problem met while reading."""

    studies: dict[str, Study] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def add(self, path: Path, *, check_name: bool = True) -> None:
        """Load one file into the catalog (or record why not)."""
        study, problems = load_study(path, expect_id=_stem(path) if check_name else None)
        self.problems.extend(problems)
        if study is None:
            return
        if study.id in self.studies:
            first = self.paths[study.id]
            message = f"duplicate id '{study.id}': also defined in {first}; this copy is ignored"
            self.problems.append(Problem(str(path), message, field="id"))
            return
        self.studies[study.id] = study
        self.paths[study.id] = path

    def sorted(self) -> list[Study]:
        """Studies in id order."""
        return [self.studies[k] for k in sorted(self.studies)]

    def get(self, study_id: str) -> Study:
        """The study with this id, or an error suggesting close ids."""
        try:
            return self.studies[study_id]
        except KeyError:
            close = difflib.get_close_matches(study_id.lower(), list(self.studies), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else "; see `stemcell list`"
            shown = (
                study_id if study_id.isprintable() and len(study_id) <= 80 else repr(study_id[:80])
            )
            raise StemcellError(f"no study with id '{shown}'{hint}") from None


def _stem(path: Path) -> str:
    return path.name.rsplit(".", 1)[0]


def _within(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def find_descriptors(root: Path) -> tuple[list[Path], list[Problem]]:
    """Descriptor files under ``root``: real sub-folders only, no FIFOs or devices, no escapes."""
    real_root = root.resolve()
    found: list[Path] = []
    problems: list[Problem] = []
    seen: set[tuple[int, int]] = set()
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            info = folder.stat()
            if (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as error:
            problems.append(Problem(str(folder), f"cannot read folder: {error.strerror or error}"))
            continue
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith("."):
                continue
            if entry.is_symlink() and not _within(path, real_root):
                if entry.name.endswith(SUFFIXES) or entry.is_dir():
                    problems.append(
                        Problem(str(path), "symlink points outside the catalog; skipped")
                    )
                continue
            if entry.is_dir(follow_symlinks=False):
                pending.append(path)
            elif entry.name.endswith(SUFFIXES) and not entry.is_dir():
                try:
                    mode = path.stat().st_mode
                except OSError as error:
                    problems.append(Problem(str(path), f"cannot read: {error.strerror or error}"))
                    continue
                if stat.S_ISREG(mode):
                    found.append(path)
                else:
                    problems.append(Problem(str(path), "not a regular file; skipped"))
    return sorted(found), problems


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


def load_catalog(dirs: Iterable[Path]) -> Catalog:
    """Read every descriptor in the folders; a missing folder is an error."""
    catalog = Catalog()
    for root in _distinct(dirs):
        if not root.is_dir():
            raise StemcellError(f"catalog folder not found: {root}")
        paths, problems = find_descriptors(root)
        catalog.problems.extend(problems)
        for path in paths:
            catalog.add(path)
    return catalog


def load_paths(paths: Iterable[Path]) -> Catalog:
    """Read the given files and folders (for ``validate``); missing paths are problems."""
    catalog = Catalog()
    for path in paths:
        if path.is_dir():
            found, problems = find_descriptors(path)
            catalog.problems.extend(problems)
            for item in found:
                catalog.add(item)
        elif path.exists():
            catalog.add(path)
        else:
            catalog.problems.append(Problem(str(path), "no such file or folder"))
    return catalog
