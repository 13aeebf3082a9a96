"""Author lists as descriptors give them: names, and where names were left out.

A descriptor lists authors in published order and marks an omission in place with an elision
marker (``"..."``, ``"…"``, ``"et al"``, ``"et al."``, ``"and others"``)::

    ["Boffa G", "Massacesi L", "Inglese M", "...", "Mancardi G"]

is the first three authors, some omitted, then the last author. Everything here keeps that
order: nobody is moved, and an omission is never dropped silently (``AuthorList.partial``,
``AuthorList.omissions``). Names are cleaned with :mod:`stemcell_cli.safe` as they are read.

Name forms understood by :func:`parse_name`:

- ``"Boffa G"``, ``"Littleboy JB"``: family name then up to four capital initials
  (family ``Boffa``, given ``G.``; ``Littleboy``, ``J. B.``);
- ``"Smith, Jane"``: family, given;
- ``"Burt"``: a family name alone;
- anything else with a space (``"G. Gregory Neely"``): kept whole as a literal name, since
  splitting it would be a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..safe import one_line

ELISION_MARKERS = ("...", "…", "et al", "et al.", "and others")
_ELISIONS = frozenset(marker.casefold() for marker in ELISION_MARKERS)
_INITIALS = re.compile(r"^(.+?)\s+([A-Z]{1,4})$")


@dataclass(frozen=True)
class Name:
    """One author: a person (``family``, ``given``) or a name kept whole (``literal``).

    ``text`` is the name as the descriptor wrote it (cleaned), for messages and notes.
    """

    text: str
    family: str | None = None
    given: str | None = None
    literal: str | None = None
    organisation: bool = False


def is_elision(text: str) -> bool:
    """Whether ``text`` marks left-out authors (``...``, ``…``, ``et al``, ``and others``)."""
    return (one_line(text) or "").casefold() in _ELISIONS


def parse_name(text: str) -> Name | None:
    """``"Boffa G"`` -> Boffa, G.; ``"Burt"`` -> Burt; an elision or empty text -> None."""
    name = one_line(text)
    if name is None or is_elision(name):
        return None
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
        if family:
            return Name(name, family=family, given=given or None)
        return Name(name, literal=name)
    initials = _INITIALS.match(name)
    if initials:
        given = " ".join(f"{c}." for c in initials.group(2))
        return Name(name, family=initials.group(1), given=given)
    if " " not in name:
        return Name(name, family=name)
    return Name(name, literal=name)


def organisation(text: str) -> Name | None:
    """A corporate author (a sponsor), kept whole; None when the text is empty."""
    name = one_line(text)
    return Name(name, literal=name, organisation=True) if name else None


@dataclass(frozen=True)
class Omission:
    """Authors left out between two named authors (``None`` at the start or the end)."""

    before: Name | None
    after: Name | None

    def describe(self) -> str:
        """``between Inglese M and Mancardi G``, ``after Burt``, ``before Neely GG``."""
        if self.before and self.after:
            return f"between {self.before.text} and {self.after.text}"
        if self.before:
            return f"after {self.before.text}"
        if self.after:
            return f"before {self.after.text}"
        return "all"


@dataclass(frozen=True)
class AuthorList:
    """Authors in published order; ``None`` items stand where authors were left out.

    Consecutive elision markers count as one omission.
    """

    items: tuple[Name | None, ...] = ()

    def __iter__(self) -> Iterator[Name]:
        """The named authors, in order (omissions skipped)."""
        return (item for item in self.items if item is not None)

    def __bool__(self) -> bool:
        return any(item is not None for item in self.items)

    @property
    def named(self) -> list[Name]:
        """The named authors, in published order."""
        return list(self)

    @property
    def partial(self) -> bool:
        """Whether some authors were left out."""
        return None in self.items

    @property
    def before(self) -> list[Name]:
        """The named authors before the first omission (all of them when none)."""
        out = []
        for item in self.items:
            if item is None:
                break
            out.append(item)
        return out

    @property
    def after(self) -> list[Name]:
        """The named authors after the last omission (none when the list is complete)."""
        if not self.partial:
            return []
        last = len(self.items) - 1 - self.items[::-1].index(None)
        return [item for item in self.items[last + 1 :] if item is not None]

    @property
    def omissions(self) -> list[Omission]:
        """Each place where authors were left out, with the named authors around it."""
        return [
            Omission(self.items[i - 1] if i else None, _next(self.items, i))
            for i, item in enumerate(self.items)
            if item is None
        ]

    def omission_note(self) -> str | None:
        """``Author list incomplete: authors omitted between X and Y; last author Y.``; None
        when complete."""
        if not self.partial:
            return None
        places = "; ".join(o.describe() for o in self.omissions)
        last = self.items[-1]
        tail = f"; last author {last.text}" if last is not None else ""
        return f"Author list incomplete: authors omitted {places}{tail}."

    def short(self, limit: int = 3) -> str:
        """One line for people: up to ``limit`` first authors, then ``et al.`` or ``…, Last``.

        A last author named after an omission stays last: ``Boffa G, Massacesi L,
        Inglese M, …, Mancardi G``. A complete list longer than ``limit`` ends in ``et al.``;
        a list that starts with an omission starts with ``…``.
        """
        named = self.named
        if not named:
            return ""
        if not self.partial:
            text = ", ".join(n.text for n in named[:limit])
            return text + (" et al." if len(named) > limit else "")
        head = [n.text for n in self.before[:limit]] or ["…", named[0].text]
        last = self.items[-1]
        if last is None:
            return ", ".join(head) + " et al."
        if last is named[0] or last.text == head[-1]:
            return ", ".join(head)
        return ", ".join([*head, "…", last.text])


def _next(items: Sequence[Name | None], i: int) -> Name | None:
    """The item after position ``i`` (None at the end)."""
    return items[i + 1] if i + 1 < len(items) else None


def split_authors(names: Sequence[str]) -> AuthorList:
    """The descriptor's author strings as an :class:`AuthorList` (elisions kept in place)."""
    items: list[Name | None] = []
    for text in names:
        name = parse_name(text)
        if name is None and not is_elision(text):
            continue  # empty after cleaning: nothing to keep
        if name is None and items and items[-1] is None:
            continue  # "...", "et al." in a row: one omission
        items.append(name)
    return AuthorList(tuple(items))
