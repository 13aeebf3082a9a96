"""Choosing studies: the shared filters of list, filter and compare, and how they match."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from typing import Protocol, TypeVar

_NON_WORD = re.compile(r"[^0-9a-z]+")


def words(text: str) -> list[str]:
    """Lower-case word tokens: ``Type-2 Diabetes`` -> ``['type', '2', 'diabetes']``."""
    return _NON_WORD.sub(" ", text.casefold()).split()


def phrase_in(query: str, texts: Iterable[str | None]) -> bool:
    """Whether the query's words appear together, in order, in any of the texts."""
    wanted = words(query)
    if not wanted:
        return False
    for text in texts:
        have = words(text or "")
        if any(have[i : i + len(wanted)] == wanted for i in range(len(have) - len(wanted) + 1)):
            return True
    return False


@dataclass(frozen=True)
class Facets:
    """What the filters look at, computed once per study (and kept in the index)."""

    conditions: tuple[str, ...]
    cells: tuple[str, ...]
    source: str | None
    design: str
    species: str | None
    n: int | None
    year: int | None
    level: int
    text: str


@dataclass(frozen=True)
class Filters:
    """The shared filter criteria of list, filter and compare; None means 'any'."""

    condition: str | None = None
    cell_type: str | None = None
    source: str | None = None
    design: str | None = None
    species: str | None = None
    min_n: int | None = None
    since: int | None = None
    until: int | None = None
    search: str | None = None
    max_level: int | None = None

    def active(self) -> bool:
        """Whether any criterion is set."""
        return any(getattr(self, f.name) is not None for f in fields(self))

    def match(self, f: Facets) -> bool:
        """Whether a study with these facets meets every criterion that is set."""
        checks = (
            (self.condition, lambda q: phrase_in(q, f.conditions)),
            (self.cell_type, lambda q: phrase_in(q, f.cells)),
            (self.source, lambda q: f.source == q),
            (self.design, lambda q: f.design == q),
            (self.species, lambda q: f.species == q),
            (self.min_n, lambda q: f.n is not None and f.n >= q),
            (self.since, lambda q: f.year is not None and f.year >= q),
            (self.until, lambda q: f.year is not None and f.year <= q),
            (self.search, lambda q: all(w in f.text for w in q.casefold().split())),
            (self.max_level, lambda q: f.level <= q),
        )
        return all(check(value) for value, check in checks if value is not None)


class HasFacets(Protocol):
    """Anything that knows its facets (a catalog entry)."""

    @property
    def facets(self) -> Facets: ...


Item = TypeVar("Item", bound=HasFacets)


def matching(items: Iterable[Item], filters: Filters) -> Iterator[Item]:
    """The catalog entries that match, in the given order, as they come."""
    if not filters.active():
        return iter(items)
    return (x for x in items if filters.match(x.facets))


def select(items: Iterable[Item], filters: Filters) -> list[Item]:
    """The catalog entries that match, in the given order."""
    return list(matching(items, filters))
