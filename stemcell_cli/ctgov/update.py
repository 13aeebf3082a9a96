"""``--update``: re-fetch every registry-imported descriptor of a folder and say what changed.

A descriptor is registry-imported when its file starts with the import header (``write.py``).
For each one the record is fetched again and mapped; what changed in the registry since the
import (``TRACKED``) is reported. A file that stemcell wrote and nobody edited since (its hash
line matches) is rewritten atomically; a file edited by hand is never overwritten without
``force``: it is listed with the registry's changes, so the curator can merge them.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import StemcellError
from ..store.files import read_bounded, write_atomic
from ..store.loader import MAX_BYTES
from ..store.walk import find_descriptors
from .api import ApiError, Client
from .fetch import fetch_study
from .mapping import descriptor_from_record
from .record import Record
from .run import Progress
from .write import is_imported, to_yaml, unedited


def _enrollment(d: Record) -> str | None:
    n = d.get("population.n")
    kind = d.get("population.n_type")
    return None if n is None else f"{n}" + (f" {kind}" if kind else "")


def _primary(d: Record) -> list[str] | None:
    found = sorted({o.text("measure", 300) or "" for o in d.objs("outcomes") if o.get("primary")})
    return found or None


def _at(path: str) -> Callable[[Record], Any]:
    return lambda d: d.get(path)


# what a curator wants to hear about: label -> how to read it from a descriptor
TRACKED: dict[str, Callable[[Record], Any]] = {
    "status": _at("registration.status"),
    "design": _at("design.type"),
    "control": _at("design.control"),
    "enrollment": _enrollment,
    "results": _at("results"),
    "start date": _at("registration.start_date"),
    "primary completion": _at("registration.primary_completion"),
    "completion": _at("registration.completion"),
    "why stopped": _at("registration.why_stopped"),
    "primary outcomes": _primary,
}


class Action(enum.Enum):
    """What ``--update`` did with one file; the value is how the report prints it."""

    REFRESHED = "refreshed"
    UNCHANGED = "unchanged"
    KEPT = "edited by hand since import: not overwritten (--force replaces it)"
    REPLACED = "edited by hand since import: replaced (--force)"
    FAILED = "failed"


@dataclass(frozen=True)
class Change:
    """One tracked field that differs: its label and both values."""

    field: str
    before: Any
    after: Any

    def __str__(self) -> str:
        if self.field == "results" and self.after == "published":
            return "results newly posted"
        if self.field == "primary outcomes":
            added = [m for m in self.after or [] if m not in (self.before or [])]
            gone = [m for m in self.before or [] if m not in (self.after or [])]
            parts = [f"+ {m}" for m in added] + [f"- {m}" for m in gone]
            return f"primary outcomes: {'; '.join(parts)}"
        return f"{self.field}: {_shown(self.before)} -> {_shown(self.after)}"


def _shown(value: Any) -> str:
    return "none" if value is None else str(value)


@dataclass(frozen=True)
class StudyUpdate:
    """One imported file: its study, what changed in the registry, what was done."""

    path: Path
    nct_id: str | None
    action: Action
    changes: tuple[Change, ...] = ()
    reason: str | None = None

    @property
    def failed(self) -> bool:
        return self.action is Action.FAILED

    def line(self) -> str:
        what = "; ".join(map(str, self.changes)) or "no tracked change"
        if self.action is Action.FAILED:
            return f"{self.path} ({self.nct_id or 'no NCT id'}): failed: {self.reason}"
        return f"{self.path} ({self.nct_id}): {what} [{self.action.value}]"

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "nct_id": self.nct_id,
            "action": self.action.name.lower(),
            "changes": [vars(c) for c in self.changes],
            "reason": self.reason,
        }


@dataclass
class UpdateReport:
    """Every imported file's outcome; unchanged ones are counted, not listed."""

    studies: list[StudyUpdate] = field(default_factory=list)

    @property
    def listed(self) -> list[StudyUpdate]:
        return [s for s in self.studies if s.changes or s.action is Action.FAILED]

    def count(self, *actions: Action) -> int:
        return sum(1 for s in self.studies if s.action in actions)

    @property
    def exit_code(self) -> int:
        return 1 if self.count(Action.FAILED) else 0

    def summary(self) -> str:
        changed = sum(1 for s in self.studies if s.changes)
        unchanged = sum(1 for s in self.studies if not s.changes and s.action is not Action.FAILED)
        return (
            f"{len(self.studies)} imported studies: {changed} changed, {unchanged} unchanged, "
            f"{self.count(Action.KEPT)} edited by hand and kept, "
            f"{self.count(Action.FAILED)} failed"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "studies": [s.as_dict() for s in self.listed],
            "changed": sum(1 for s in self.studies if s.changes),
            "unchanged": len(self.studies) - len(self.listed),
            "failed": self.count(Action.FAILED),
        }


def imported_files(folder: Path) -> list[tuple[Path, str]]:
    """(file, text) of each descriptor in ``folder`` written by ``stemcell import``."""
    if not folder.is_dir():
        raise StemcellError(f"no such folder: {folder}")
    found = []
    for path, _ in find_descriptors(folder).files:
        try:
            text = read_bounded(path, MAX_BYTES).decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if is_imported(text):
            found.append((path, text))
    return found


def update_folder(
    client: Client, folder: Path, *, force: bool = False, progress: Progress | None = None
) -> UpdateReport:
    """Re-fetch each imported study of ``folder``; refresh unedited files, report changes."""
    report = UpdateReport()
    files = imported_files(folder)
    for path, text in files:
        report.studies.append(_update_one(client, path, text, force))
        if progress:
            progress(len(report.studies), len(files))
    return report


def _update_one(client: Client, path: Path, text: str, force: bool) -> StudyUpdate:
    try:
        old = yaml.safe_load(text)
    except yaml.YAMLError:
        old = None
    old_rec = Record(old)
    nct = old_rec.get("registration.nct_id")
    if not isinstance(nct, str):
        reason = "no registration.nct_id in the file"
        return StudyUpdate(path, None, Action.FAILED, reason=reason)
    try:
        descriptor, _ = descriptor_from_record(fetch_study(client, nct))
    except (ApiError, ValueError) as error:
        return StudyUpdate(path, nct, Action.FAILED, reason=str(error))
    new_rec = Record(descriptor)
    changes = tuple(
        Change(label, before, after)
        for label, read in TRACKED.items()
        if (before := read(old_rec)) != (after := read(new_rec))
    )
    if any(c.field == "results" for c in changes):  # posted rows replace registered ones
        changes = tuple(c for c in changes if c.field != "primary outcomes")
    new_text = to_yaml(descriptor)
    edited = not unedited(text)
    if edited and not force:
        return StudyUpdate(path, nct, Action.KEPT if changes else Action.UNCHANGED, changes)
    if new_text == text:
        return StudyUpdate(path, nct, Action.UNCHANGED, changes)
    try:
        write_atomic(path, new_text, replace=True)
    except OSError as error:
        reason = f"cannot write {path}: {error.strerror or error}"
        return StudyUpdate(path, nct, Action.FAILED, changes, reason)
    return StudyUpdate(path, nct, Action.REPLACED if edited else Action.REFRESHED, changes)
