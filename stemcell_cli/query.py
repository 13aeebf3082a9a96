"""Filtering studies and building side-by-side comparisons."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

from . import describe
from .evidence import CAUTION, LEVEL_MEANING, assess
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

    def match(self, study: Study) -> bool:
        """Whether the study meets every criterion that is set."""
        i = study.intervention
        checks = (
            (self.condition, lambda q: phrase_in(q, condition_names(study))),
            (
                self.cell_type,
                lambda q: (
                    i is not None
                    and phrase_in(
                        q,
                        (
                            i.cell_type,
                            i.cell_type and describe.CELL_TYPES[i.cell_type],
                            i.cell_description,
                            i.name,
                        ),
                    )
                ),
            ),
            (self.source, lambda q: i is not None and i.cell_source == q),
            (self.design, lambda q: study.design.type == q),
            (self.species, lambda q: (study.population.species or "") == q),
            (self.min_n, lambda q: study.population.n is not None and study.population.n >= q),
            (self.since, lambda q: study.year is not None and study.year >= q),
            (self.until, lambda q: study.year is not None and study.year <= q),
            (self.search, lambda q: all(w in search_text(study) for w in q.casefold().split())),
            (self.max_level, lambda q: assess(study).level <= q),
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


def select(studies: Iterable[Study], filters: Filters) -> list[Study]:
    """The studies that match."""
    return [s for s in studies if filters.match(s)]


@dataclass(frozen=True)
class Row:
    """One aligned row of a comparison: a label and one cell per study."""

    section: str
    label: str
    cells: tuple[str, ...]
    bars: tuple[str, ...] = ()


@dataclass(frozen=True)
class Comparison:
    """Studies side by side."""

    studies: tuple[Study, ...]
    rows: tuple[Row, ...]


def _outcome_rows(studies: Sequence[Study]) -> list[Row]:
    """One row per (measure, timepoint), in first-seen order; each cell lists its groups."""
    keys: list[tuple[str, str]] = []
    for study in studies:
        for o in study.outcomes:
            key = (o.measure.casefold(), (o.timepoint or "").casefold())
            if key not in keys:
                keys.append(key)
    rows = []
    for key in keys:
        label = ""
        cells, bars = [], []
        for study in studies:
            lines, with_bars = [], []
            for o in study.outcomes:
                if (o.measure.casefold(), (o.timepoint or "").casefold()) == key:
                    label = label or describe.outcome_label(o)
                    line = (
                        f"{o.group + ': ' if o.group else ''}{describe.result_text(o)} [{o.source}]"
                    )
                    lines.append(line)
                    with_bars.append(line + ("\n" + describe.bar(o) if describe.bar(o) else ""))
            cells.append("\n".join(lines))
            bars.append("\n".join(with_bars))
        rows.append(Row("Outcomes", label, tuple(cells), tuple(bars)))
    return rows


def compare(studies: Sequence[Study]) -> Comparison:
    """Aligned rows for design, evidence, population, intervention, outcomes and caveats."""
    evidence = [assess(s) for s in studies]

    def row(section: str, label: str, value) -> Row:
        return Row(section, label, tuple(value(s) or "" for s in studies))

    def ev_row(label: str, value) -> Row:
        return Row("Evidence", label, tuple(value(e) for e in evidence))

    def joined(items: Iterable[str]) -> str:
        return "\n".join(items)

    rows = [
        row("Study", "Title", lambda s: s.title),
        row("Study", "Condition", lambda s: s.condition.name),
        row("Study", "Year", lambda s: str(s.year) if s.year else ""),
        row("Design", "Design", describe.design),
        row("Design", "Comparator", lambda s: s.design.comparator or ""),
        row("Design", "Follow-up", describe.follow_up),
        ev_row("Level", lambda e: f"{e.level}: {LEVEL_MEANING[e.level]}"),
        ev_row("Certainty", lambda e: e.certainty),
        ev_row("Cautions", lambda e: joined(CAUTION[c] for c in e.codes)),
        row("Population", "Participants", describe.population),
        row("Population", "Arms", describe.arms),
        row("Intervention", "Cells", describe.cells),
        row("Intervention", "Route", lambda s: s.intervention and s.intervention.route),
        row(
            "Intervention", "Conditioning", lambda s: s.intervention and s.intervention.conditioning
        ),
        *_outcome_rows(studies),
        row("Caveats", "Safety", lambda s: joined(f.text for f in s.safety)),
        row("Caveats", "Limitations", lambda s: joined(s.limitations)),
        row("Caveats", "Sources disagree on", lambda s: joined(d.topic for d in s.discrepancies)),
    ]
    return Comparison(tuple(studies), tuple(r for r in rows if any(r.cells)))
