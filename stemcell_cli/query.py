"""Filtering studies and building side-by-side comparisons."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Protocol, TypeVar

from . import describe
from .evidence import CAUTION, LEVEL_MEANING, assess

if TYPE_CHECKING:
    from .models import Study

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

    @classmethod
    def of(cls, study: Study) -> Facets:
        """The facets of one study."""
        i = study.intervention
        cells: tuple[str, ...] = ()
        if i is not None:
            kind = describe.CELL_TYPES[i.cell_type] if i.cell_type else None
            cells = tuple(x for x in (i.cell_type, kind, i.cell_description, i.name) if x)
        return cls(
            conditions=tuple(condition_names(study)),
            cells=cells,
            source=i.cell_source if i else None,
            design=study.design.type,
            species=study.population.species,
            n=study.population.n,
            year=study.year,
            level=assess(study).level,
            text=search_text(study),
        )


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


def condition_names(study: Study) -> list[str]:
    """The condition's name, synonyms and animal model."""
    c = study.condition
    return [c.name, *c.synonyms, *([c.model] if c.model else [])]


def search_text(study: Study) -> str:
    """Lower-cased text that ``--search`` looks through."""
    parts = [
        study.id,
        study.title,
        study.headline,
        study.summary,
        study.publication.title,
        *condition_names(study),
    ]
    if study.intervention:
        parts += [study.intervention.name, study.intervention.cell_description]
    for o in study.outcomes:
        parts += [o.measure, o.group, o.statement]
    return " ".join(p for p in parts if p).casefold()


class HasFacets(Protocol):
    """Anything that knows its facets (a catalog entry)."""

    @property
    def facets(self) -> Facets: ...


Item = TypeVar("Item")


def select(items: Iterable[Item], filters: Filters) -> list[Item]:
    """The studies (or catalog entries) that match."""
    if not filters.active():
        return list(items)
    return [x for x in items if filters.match(_facets(x))]


def _facets(item: Study | HasFacets) -> Facets:
    found = getattr(item, "facets", None)  # catalog entries know theirs
    return found if isinstance(found, Facets) else Facets.of(item)


@dataclass(frozen=True)
class Row:
    """One aligned row of a comparison: a label and one cell per study."""

    section: str
    label: str
    cells: tuple[str, ...]
    bars: tuple[str, ...] = ()


@dataclass(frozen=True)
class Comparison:
    """Studies (catalog entries) side by side."""

    entries: tuple[HasColumn, ...]
    rows: tuple[Row, ...]


class HasColumn(Protocol):
    """A catalog entry: its id, JSON record and comparison column."""

    id: str

    @property
    def record(self) -> str: ...

    @property
    def column(self) -> dict: ...


def column(study: Study) -> dict[str, list[list[str]]]:
    """One study's side of a comparison, JSON-ready (kept in the index).

    ``head`` and ``tail`` are [section, label, text] rows, the same labels for every study;
    ``outcomes`` are [measure key, timepoint key, label, text, bar] items to align by key.
    """
    e = assess(study)
    i = study.intervention
    joined = "\n".join
    head = [
        ["Study", "Title", study.title],
        ["Study", "Condition", study.condition.name],
        ["Study", "Year", str(study.year) if study.year else ""],
        ["Design", "Design", describe.design(study)],
        ["Design", "Comparator", study.design.comparator or ""],
        ["Design", "Follow-up", describe.follow_up(study)],
        ["Evidence", "Level", f"{e.level}: {LEVEL_MEANING[e.level]}"],
        ["Evidence", "Certainty", e.certainty],
        ["Evidence", "Cautions", joined(CAUTION[c] for c in e.codes)],
        ["Population", "Participants", describe.population(study)],
        ["Population", "Arms", describe.arms(study)],
        ["Intervention", "Cells", describe.cells(study)],
        ["Intervention", "Route", (i and i.route) or ""],
        ["Intervention", "Conditioning", (i and i.conditioning) or ""],
    ]
    outcomes = [
        [
            o.measure.casefold(),
            (o.timepoint or "").casefold(),
            describe.outcome_label(o),
            f"{o.group + ': ' if o.group else ''}{describe.result_text(o)} [{o.source}]",
            describe.bar(o),
        ]
        for o in study.outcomes
    ]
    tail = [
        ["Caveats", "Safety", joined(f.text for f in study.safety)],
        ["Caveats", "Limitations", joined(study.limitations)],
        ["Caveats", "Sources disagree on", joined(d.topic for d in study.discrepancies)],
    ]
    return {"head": head, "outcomes": outcomes, "tail": tail}


def _fixed_rows(columns: Sequence[dict], part: str) -> list[Row]:
    return [
        Row(section, label, tuple(c[part][n][2] for c in columns))
        for n, (section, label, _) in enumerate(columns[0][part])
    ]


def _outcome_rows(columns: Sequence[dict]) -> list[Row]:
    """One row per (measure, timepoint), in first-seen order; each cell lists its groups."""
    labels: dict[tuple[str, str], str] = {}
    for c in columns:
        for measure, time, label, _, _ in c["outcomes"]:
            labels.setdefault((measure, time), label)
    rows = []
    for key, label in labels.items():
        cells, bars = [], []
        for c in columns:
            mine = [(text, bar) for m, t, _, text, bar in c["outcomes"] if (m, t) == key]
            cells.append("\n".join(text for text, _ in mine))
            bars.append("\n".join(text + ("\n" + bar if bar else "") for text, bar in mine))
        rows.append(Row("Outcomes", label, tuple(cells), tuple(bars)))
    return rows


def compare(entries: Sequence[HasColumn]) -> Comparison:
    """Aligned rows for design, evidence, population, intervention, outcomes and caveats."""
    columns = [e.column for e in entries]
    rows = []
    if columns:
        rows = [
            *_fixed_rows(columns, "head"),
            *_outcome_rows(columns),
            *_fixed_rows(columns, "tail"),
        ]
    return Comparison(tuple(entries), tuple(r for r in rows if any(r.cells)))
