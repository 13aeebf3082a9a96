"""``--update``: re-fetch every registry-imported descriptor of a folder and say what changed.

A descriptor is registry-imported when its file starts with the import header (``write.py``).
Each file is read with the project's loader (aliases refused; a YAML error is reported with
its file:line), its NCT id checked, and the record fetched again and mapped (a record of
another study is that file's failure). What changed in the registry since the import
(``TRACKED``) is the new record against the values kept in the header as imported, not against
the file; what a curator changed (the file against those values) is listed apart as hand
edits. A file that stemcell wrote and nobody edited since (its hash line matches) is rewritten
atomically; a file edited by hand is never overwritten without ``force``: it is listed with
the registry's changes, so the curator can merge them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import StemcellError
from ..files import read_bounded, write_atomic
from ..model.registry import checked_nct
from ..store.loader import MAX_BYTES, parse
from ..store.walk import find_descriptors
from .api import ApiError, Client
from .fetch import fetch_study
from .mapping import descriptor_from_record
from .record import Record
from .report import shown
from .run import Progress
from .tracked import TRACKED, imported_values, tracked
from .write import is_imported, to_yaml, unedited


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
    by_hand: bool = False  # the file against the import, not the registry against it

    def __str__(self) -> str:
        if self.field == "results" and self.after == "published" and not self.by_hand:
            return "results newly posted"
        if self.field == "primary outcomes":
            added = [m for m in self.after or [] if m not in (self.before or [])]
            gone = [m for m in self.before or [] if m not in (self.after or [])]
            parts = [f"+ {m}" for m in added] + [f"- {m}" for m in gone]
            return f"primary outcomes: {'; '.join(parts)}"
        return f"{self.field}: {_shown(self.before)} -> {_shown(self.after)}"

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "before": self.before, "after": self.after}


def _shown(value: Any) -> str:
    return "none" if value is None else str(value)


def _changes(before: dict[str, Any], after: dict[str, Any], by_hand: bool) -> tuple[Change, ...]:
    """The tracked fields that differ, in ``TRACKED`` order."""
    return tuple(
        Change(label, before.get(label), after.get(label), by_hand)
        for label in TRACKED
        if before.get(label) != after.get(label)
    )


@dataclass(frozen=True)
class StudyUpdate:
    """One imported file: its study, what changed in the registry, what was done."""

    path: Path
    nct_id: str | None
    action: Action
    changes: tuple[Change, ...] = ()
    reason: str | None = None
    hand_edits: tuple[Change, ...] = ()  # tracked fields a curator changed since the import

    @property
    def failed(self) -> bool:
        return self.action is Action.FAILED

    def line(self) -> str:
        """One report line, whatever the file or registry text in it."""
        if self.action is Action.FAILED:
            return shown(f"{self.path} ({self.nct_id or 'no NCT id'}): failed: {self.reason}")
        what = "; ".join(map(str, self.changes)) or "no registry change"
        if self.hand_edits:
            what += f"; edited by hand: {'; '.join(map(str, self.hand_edits))}"
        return shown(f"{self.path} ({self.nct_id}): {what} [{self.action.value}]")

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "nct_id": self.nct_id,
            "action": self.action.name.lower(),
            "changes": [c.as_dict() for c in self.changes],
            "hand_edits": [c.as_dict() for c in self.hand_edits],
            "reason": self.reason,
        }


@dataclass
class UpdateReport:
    """Every imported file's outcome; unchanged ones are counted, not listed."""

    studies: list[StudyUpdate] = field(default_factory=list)

    @property
    def listed(self) -> list[StudyUpdate]:
        return [s for s in self.studies if s.changes or s.hand_edits or s.failed]

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
    client: Client,
    folder: Path,
    *,
    force: bool = False,
    progress: Progress | None = None,
    report: UpdateReport | None = None,
) -> UpdateReport:
    """Re-fetch each imported study of ``folder``; refresh unedited files, report changes.

    ``report`` (when given) is filled as the update goes, so that a caller interrupted by
    Ctrl-C can still say what was done.
    """
    report = UpdateReport() if report is None else report
    files = imported_files(folder)
    for path, text in files:
        report.studies.append(_update_one(client, path, text, force))
        if progress:
            progress(len(report.studies), len(files))
    return report


def _update_one(client: Client, path: Path, text: str, force: bool) -> StudyUpdate:
    data, built = parse(str(path), text)  # the loader: aliases refused, errors with file:line
    if data is None:
        problem = built.problems[0] if built.problems else f"{path}: not a descriptor"
        return StudyUpdate(path, None, Action.FAILED, reason=str(problem))
    old_rec = Record(data)
    given = old_rec.get("registration.nct_id")
    if not isinstance(given, str):
        reason = "no registration.nct_id in the file"
        return StudyUpdate(path, None, Action.FAILED, reason=reason)
    try:
        nct = checked_nct(given)  # never a URL before this
    except ValueError as error:
        return StudyUpdate(path, None, Action.FAILED, reason=f"registration.nct_id {error}")
    try:
        descriptor, _ = descriptor_from_record(fetch_study(client, nct))
    except (ApiError, ValueError) as error:
        return StudyUpdate(path, nct, Action.FAILED, reason=str(error))
    current = tracked(old_rec)
    imported = imported_values(text) or current  # an older import: only the file is known
    changes = _changes(imported, tracked(Record(descriptor)), by_hand=False)
    if any(c.field == "results" for c in changes):  # posted rows replace registered ones
        changes = tuple(c for c in changes if c.field != "primary outcomes")
    hand_edits = _changes(imported, current, by_hand=True)
    new_text = to_yaml(descriptor)
    edited = not unedited(text)
    if edited and not force:
        return StudyUpdate(path, nct, Action.KEPT, changes, hand_edits=hand_edits)
    if new_text == text:
        return StudyUpdate(path, nct, Action.UNCHANGED, changes)
    try:
        write_atomic(path, new_text, replace=True)
    except OSError as error:
        reason = f"cannot write {path}: {error.strerror or error}"
        return StudyUpdate(path, nct, Action.FAILED, changes, reason)
    action = Action.REPLACED if edited else Action.REFRESHED
    return StudyUpdate(path, nct, action, changes, hand_edits=hand_edits)
