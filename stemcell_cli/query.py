"""Choosing studies: the shared filters of list, filter and compare, and how they match."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence, Set
from typing import NamedTuple, Protocol, TypeVar

_NON_WORD = re.compile(r"[^0-9a-z]+")


def words(text: str) -> list[str]:
    """Lower-case word tokens: ``Type-2 Diabetes`` -> ``['type', '2', 'diabetes']``."""
    return _NON_WORD.sub(" ", text.casefold()).split()


def stem(word: str) -> str:
    """A word's singular, roughly: ``cells`` -> ``cell``, ``therapies`` -> ``therapy``; words
    of three letters or fewer (``ms``, ``gas``) and words in ``ss`` are kept as they are."""
    if len(word) <= 3 or word.endswith("ss") or not word.endswith("s"):
        return word
    return word[:-3] + "y" if word.endswith("ies") else word[:-1]


def word_set(text: str | None) -> set[str]:
    """The text's words, each as its :func:`stem` (for matching a plural to its singular)."""
    return {stem(w) for w in words(text or "")}


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


@functools.lru_cache(maxsize=1024)
def _short_word_set(text: str) -> frozenset[str]:
    return frozenset(word_set(text))


def _words_of(text: str | None) -> Set[str]:
    """:func:`word_set`, kept for short texts (names of conditions, repeated study after study)."""
    return _short_word_set(text) if text is not None and len(text) <= 100 else word_set(text)


def words_in(query: str, texts: Iterable[str | None]) -> bool:
    """Whether every word of the query is a whole word of one of the texts, in any order (a
    plural matching its singular)."""
    wanted = _words_of(query)
    return bool(wanted) and any(wanted <= _words_of(text) for text in texts)


def missing_words(query: str, texts: Iterable[str | None]) -> list[str]:
    """The query's words (as typed) that are a whole word of none of the texts."""
    have: set[str] = set().union(*(word_set(t) for t in texts))
    return [w for w in dict.fromkeys(words(query)) if stem(w) not in have]


class Facets(NamedTuple):
    """What the filters look at, computed once per study (and kept in the index)."""

    conditions: tuple[str, ...]
    cells: tuple[str, ...]
    source: str | None
    design: str
    species: str | None
    n: int | None
    year: int | None
    level: int | None  # None: design unknown (never matches --max-level)
    text: str  # what --search looks through: its words, lower case, space-separated
    follow_up_months: float | None = None


class Filters(NamedTuple):
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
        return any(value is not None for value in self)

    def describe(self) -> str:
        """The criteria as options: ``--condition parkinson --min-n 50``."""
        import shlex

        return " ".join(
            f"--{name.replace('_', '-')} {shlex.quote(str(value))}"
            for name, value in zip(self._fields, self, strict=True)
            if value is not None
        )

    def hint(self, items: Sequence[HasFacets]) -> str | None:
        """Why nothing matched: for a ``--condition`` that matches no study, close names (else
        the catalog's); otherwise the criteria that match no study even alone."""
        if not items:
            return None
        alone = [
            Filters(**{name: value})  # type: ignore[arg-type]
            for name, value in zip(self._fields, self, strict=True)
            if value is not None
        ]
        empty = [one for one in alone if not any(one.match(x.facets) for x in items)]
        if self.search is not None and (absent := missing_words(self.search, _texts(items))):
            quoted = ", ".join(repr(w) for w in absent)
            return f"--search: no study has the word{'s' if len(absent) > 1 else ''} {quoted}"
        if any(one.condition is not None for one in empty):
            return _condition_hint(self.condition or "", items)
        if len(empty) == 1:
            return f"by itself, {empty[0].describe()} matches no study"
        if empty:
            return f"by themselves, {' and '.join(one.describe() for one in empty)} match no study"
        return "each criterion matches some studies, but no study matches them all"

    def match(self, f: Facets) -> bool:
        """Whether a study with these facets meets every criterion that is set."""
        checks = (
            (self.condition, lambda q: words_in(q, f.conditions)),
            (self.cell_type, lambda q: phrase_in(q, f.cells)),
            (self.source, lambda q: f.source == q),
            (self.design, lambda q: f.design == q),
            (self.species, lambda q: f.species == q),
            (self.min_n, lambda q: f.n is not None and f.n >= q),
            (self.since, lambda q: f.year is not None and f.year >= q),
            (self.until, lambda q: f.year is not None and f.year <= q),
            (self.search, lambda q: words_in(q, [f.text])),
            (self.max_level, lambda q: f.level is not None and f.level <= q),
        )
        return all(check(value) for value, check in checks if value is not None)


def _texts(items: Sequence[HasFacets]) -> Iterator[str]:
    return (x.facets.text for x in items)


def _condition_hint(condition: str, items: Sequence[HasFacets]) -> str:
    """Close condition words, else the conditions the catalog has."""
    import difflib

    names = {x.facets.conditions[0]: None for x in items if x.facets.conditions}
    known = {w: None for x in items for c in x.facets.conditions for w in words(c)}
    close = [
        match
        for word in words(condition)
        for match in difflib.get_close_matches(word, list(known), n=2, cutoff=0.75)
        if match != word
    ]
    if close:
        return f"did you mean --condition {' or '.join(dict.fromkeys(close))}?"
    return f"conditions in the catalog: {', '.join(sorted(names, key=str.casefold))}"


class HasFacets(Protocol):
    """Anything that knows its id and facets (a catalog entry)."""

    id: str

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


# --sort keys: the facet each one orders by (id orders by the study id itself).
SORT_KEYS = {"level": "level", "year": "year", "n": "n", "follow-up": "follow_up_months"}


def order(items: Iterable[Item], key: str, reverse: bool = False) -> list[Item]:
    """Items ordered by a ``--sort`` key (``id`` or one of ``SORT_KEYS``), ties by id.

    ``level`` goes from strongest (1) to weakest, the others from small to large; ``reverse``
    turns that round. Unknown values come last whichever the direction.
    """
    by_id = sorted(items, key=lambda x: x.id, reverse=reverse and key == "id")
    if key == "id":
        return by_id
    value = lambda x: getattr(x.facets, SORT_KEYS[key])  # noqa: E731
    known = sorted((x for x in by_id if value(x) is not None), key=value, reverse=reverse)
    return known + [x for x in by_id if value(x) is None]
