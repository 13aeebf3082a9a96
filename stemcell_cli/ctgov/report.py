"""What an import did: one status per study, the files that could not be read, the summary."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..safe import visible

_BREAKS = {"\n": "\\n", "\t": "\\t"}
_BREAK = re.compile("[\n\t]")


def shown(text: object) -> str:
    """``text`` on one line with every unsafe character, line break and tab escaped, so that
    file or registry text in a report can never start a line of its own (a forged log line
    or CI command)."""
    return visible(_BREAK.sub(lambda m: _BREAKS[m.group()], str(text)))


class Status(enum.Enum):
    """What happened to one study; the value is how the report prints it."""

    WRITTEN = "written"
    SKIPPED_EXISTS = "skipped: exists"
    SKIPPED_DUPLICATE = "skipped: same study earlier in this import"
    FAILED = "failed"


@dataclass(frozen=True)
class StudyImport:
    """One study of an input file: where it came from, what was done, why, and the notes."""

    source: Path | str  # a file, or what was fetched (an NCT id, a search page)
    position: int | None  # 1-based place in a search page; None for a single-record file
    nct_id: str | None
    path: Path | None = None  # the descriptor file it maps to
    status: Status = Status.FAILED
    reason: str | None = None  # why it failed
    notes: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        """Whether the study could not be imported."""
        return self.status is Status.FAILED

    @property
    def where(self) -> str:
        """``page.json`` or ``page.json, study 2``."""
        return f"{self.source}, study {self.position}" if self.position else str(self.source)

    @property
    def outcome(self) -> str:
        """``written``, ``skipped: exists`` or ``failed: <reason>``."""
        return f"{self.status.value}: {self.reason}" if self.reason else self.status.value

    def lines(self) -> list[str]:
        """Report lines: ``page.json, study 1: NCT... -> out/nct....yaml: written`` and notes,
        each on one line whatever the file or registry text in it."""
        target = f" -> {self.path}" if self.path and not self.failed else ""
        head = f"{self.where}: {self.nct_id or 'no NCT id'}{target}: {self.outcome}"
        return [shown(head), *(f"  note: {shown(note)}" for note in self.notes)]


@dataclass(frozen=True)
class FileError:
    """An input file or fetched page that could not be read; nothing was written from it."""

    path: Path | str
    message: str


@dataclass
class ImportReport:
    """Per-study outcomes and per-file errors of one import run."""

    studies: list[StudyImport] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # not failures (a search cut at its cap)

    @property
    def ok(self) -> bool:
        """True when every file was read and no study failed (skipped ones are fine)."""
        return not self.errors and not any(s.failed for s in self.studies)

    @property
    def exit_code(self) -> int:
        """0 when ``ok``, else 1."""
        return 0 if self.ok else 1

    def count(self, *statuses: Status) -> int:
        """How many studies have one of ``statuses``."""
        return sum(1 for s in self.studies if s.status in statuses)

    def summary(self) -> str:
        """``2 written, 1 skipped, 1 failed; 1 file not read``."""
        written = self.count(Status.WRITTEN)
        skipped = self.count(Status.SKIPPED_EXISTS, Status.SKIPPED_DUPLICATE)
        failed = self.count(Status.FAILED)
        unread = len(self.errors)
        counts = f"{written} written, {skipped} skipped, {failed} failed"
        return counts + (f"; {unread} file{'s' if unread > 1 else ''} not read" if unread else "")
