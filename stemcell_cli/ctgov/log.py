"""What one import learned about a record: notes for the user, gaps for ``not_available``."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Log:
    """Notes on what was missing or left out, and the descriptor's ``not_available``."""

    notes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def lack(self, what: str) -> None:
        if what not in self.missing:
            self.missing.append(what)
