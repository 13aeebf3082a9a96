"""What ``compare`` shows: each study's column, and the columns aligned into rows.

A column is JSON-ready (kept in the index). Every row names the record field it comes from,
so ``--fields`` picks rows in every output format.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from .. import describe
from ..evidence import CAUTION, LEVEL_MEANING, assess, level_word
from .effects import compare_cells
from .show import certainty_text

if TYPE_CHECKING:
    from ..models import Study


@dataclass(frozen=True)
class Row:
    """One aligned row of a comparison: a label and one cell per study."""

    field: str
    section: str
    label: str
    cells: tuple[str, ...]
    bars: tuple[str, ...] = ()


class HasColumn(Protocol):
    """A catalog entry: its id, JSON record and comparison column."""

    id: str

    @property
    def record(self) -> str: ...

    @property
    def column(self) -> dict: ...


@dataclass(frozen=True)
class Comparison:
    """Studies (catalog entries) side by side."""

    entries: tuple[HasColumn, ...]
    rows: tuple[Row, ...]


def column(study: Study) -> dict[str, list[list[str]]]:
    """One study's side of a comparison, JSON-ready (kept in the index).

    ``head`` and ``tail`` are [field, section, label, text] rows, the same for every study;
    ``outcomes`` are [measure key, timepoint key, label, text, bar] items to align by key.
    """
    e = assess(study)
    i = study.intervention
    joined = "\n".join
    head = [
        ["title", "Study", "Title", study.title],
        ["condition", "Study", "Condition", study.condition.name],
        ["publication", "Study", "Year", str(study.year) if study.year else ""],
        ["design", "Design", "Design", describe.design(study)],
        ["design", "Design", "Comparator", study.design.comparator or ""],
        ["design", "Design", "Follow-up", describe.follow_up(study)],
        ["evidence", "Evidence", "Level", f"{level_word(e.level)}: {LEVEL_MEANING[e.level]}"],
        ["evidence", "Evidence", "Certainty", certainty_text(e.certainty)],
        ["evidence", "Evidence", "Cautions", joined(CAUTION[c] for c in e.codes)],
        ["population", "Population", "Participants", describe.population(study)],
        ["arms", "Population", "Arms", describe.arms(study)],
        ["intervention", "Intervention", "Cells", describe.cells(study)],
        ["intervention", "Intervention", "Route", (i and i.route) or ""],
        ["intervention", "Intervention", "Conditioning", (i and i.conditioning) or ""],
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
    outcomes += compare_cells(study)
    tail = [
        ["safety", "Caveats", "Safety", joined(f.text for f in study.safety)],
        ["limitations", "Caveats", "Limitations", joined(study.limitations)],
        [
            "discrepancies",
            "Caveats",
            "Sources disagree on",
            joined(d.topic for d in study.discrepancies),
        ],
    ]
    return {"head": head, "outcomes": outcomes, "tail": tail}


def _fixed_rows(columns: Sequence[dict], part: str) -> list[Row]:
    return [
        Row(name, section, label, tuple(c[part][n][3] for c in columns))
        for n, (name, section, label, _) in enumerate(columns[0][part])
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
        rows.append(Row("outcomes", "Outcomes", label, tuple(cells), tuple(bars)))
    return rows


def compare(entries: Sequence[HasColumn], fields: Sequence[str] | None = None) -> Comparison:
    """Aligned rows for design, evidence, population, intervention, outcomes and caveats.

    ``fields`` keeps only the rows that come from those record fields (``evidence.level``
    keeps the evidence rows).
    """
    tops = None if fields is None else {name.partition(".")[0] for name in fields}
    columns = [e.column for e in entries]
    rows = []
    if columns:
        rows = [
            *_fixed_rows(columns, "head"),
            *_outcome_rows(columns),
            *_fixed_rows(columns, "tail"),
        ]
    kept = (r for r in rows if any(r.cells) and (tops is None or r.field in tops))
    return Comparison(tuple(entries), tuple(kept))
