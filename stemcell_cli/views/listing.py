"""What ``list`` shows of a study (one summary row) and what the filters look at (facets)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..evidence.grading import CAUTION, assess, level_text
from ..query import Facets, words
from . import describe

if TYPE_CHECKING:
    from ..model.descriptor import Study

SUMMARY_HEADERS = (
    "ID",
    "Condition",
    "Cells",
    "Design",
    "N",
    "Follow-up",
    "Level",
    "Caution",
    "Headline",
)


def summary_row(study: Study) -> tuple[str, ...]:
    """The one-line summary shown by ``list``."""
    evidence = assess(study)
    caution = ", ".join(CAUTION[code] for code in evidence.codes) or "—"
    return (
        study.id,
        study.condition.name,
        describe.cells(study),
        study.design.type.replace("-", " "),
        describe.population(study),
        describe.follow_up(study),
        level_text(evidence.level),
        caution,
        study.headline,
    )


def condition_names(study: Study) -> list[str]:
    """The condition's name, synonyms and animal model."""
    c = study.condition
    return [c.name, *c.synonyms, *([c.model] if c.model else [])]


def search_text(study: Study) -> str:
    """The words ``--search`` looks through (lower case, space-separated): titles, summaries,
    conditions, keywords, cells and outcomes, never the id."""
    parts = [
        study.title,
        study.headline,
        study.summary,
        study.publication.title,
        *condition_names(study),
        *study.keywords,
    ]
    if study.intervention:
        parts += [study.intervention.name, study.intervention.cell_description]
    for o in study.outcomes:
        parts += [o.measure, o.group, o.statement]
    return " ".join(words(" ".join(p for p in parts if p)))


def facets(study: Study) -> Facets:
    """What the filters look at in one study."""
    i = study.intervention
    cells: tuple[str, ...] = ()
    if i is not None:
        kind = describe.CELL_TYPES[i.cell_type] if i.cell_type else None
        cells = tuple(x for x in (i.cell_type, kind, i.cell_description, i.name) if x)
    return Facets(
        conditions=tuple(condition_names(study)),
        cells=cells,
        source=i.cell_source if i else None,
        design=study.design.type,
        species=study.population.species,
        n=study.population.n,
        year=study.year,
        level=assess(study).level,
        text=search_text(study),
        follow_up_months=study.design.follow_up.months,
    )
