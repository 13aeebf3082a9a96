"""What ``compare`` shows: each study's column, and the columns aligned into rows.

A column is JSON-ready (kept in the index). Every row names the record field it comes from,
so ``--fields`` picks rows in every output format.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from ..evidence.grading import CAUTION, LEVEL_MEANING, assess, level_word
from ..evidence.risk_of_bias import judge
from ..query import words
from . import describe
from .effect_lines import compare_cells
from .rating_text import bias_cell, compare_phrase, primary_bias
from .record import study_record

if TYPE_CHECKING:
    from ..model.descriptor import Study


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
    def compare_column(self) -> dict: ...


@dataclass(frozen=True)
class Comparison:
    """Studies (catalog entries) side by side."""

    entries: tuple[HasColumn, ...]
    rows: tuple[Row, ...]


def column(study: Study) -> dict[str, list[list[str]]]:
    """One study's side of a comparison, JSON-ready (kept in the index).

    ``head`` and ``tail`` are [field, section, label, text] rows, the same for every study;
    ``outcomes`` are [row key, label, heading, text, bar] items (see :func:`outcome_item`).
    """
    e = assess(study)
    record = study_record(study)
    _, bias = primary_bias(record)
    bias = bias or judge(study)  # no two-arm comparison: the study's own judgements
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
        ["evidence", "Evidence", "Certainty", compare_phrase(record)],
        [
            "evidence",
            "Evidence",
            "Risk of bias",
            bias_cell(bias) if study.kind == "clinical" else "",
        ],
        ["evidence", "Evidence", "Cautions", joined(CAUTION[c] for c in e.codes)],
        ["population", "Population", "Participants", describe.population(study)],
        ["arms", "Population", "Arms", describe.arms(study)],
        ["intervention", "Intervention", "Cells", describe.cells(study)],
        ["intervention", "Intervention", "Route", (i and i.route) or ""],
        ["intervention", "Intervention", "Conditioning", (i and i.conditioning) or ""],
    ]
    primary = {o.measure.casefold() for o in study.outcomes if o.primary}
    outcomes = [
        outcome_item(
            o.primary,
            o.endpoint,
            o.measure,
            o.timepoint,
            f"{o.group + ': ' if o.group else ''}{describe.result_text(o)} [{o.source}]",
            describe.bar(o),
        )
        for o in study.outcomes
    ]
    # a computed effect joins the row of the outcome it computes
    endpoints = {o.measure.casefold(): o.endpoint for o in study.outcomes if o.endpoint}
    outcomes += [
        outcome_item(
            measure.casefold() in primary,
            endpoints.get(measure.casefold()),
            measure,
            time,
            text,
            bar,
        )
        for measure, time, text, bar in compare_cells(study)
    ]
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


PRIMARY = "Primary endpoint"


def outcome_item(
    primary: bool,
    endpoint: str | None,
    measure: str,
    timepoint: str | None,
    text: str,
    bar: str,
) -> list[str]:
    """[row key, label, heading, text, bar]: outcomes are aligned by endpoint. Every study's
    primary outcomes share one row ("Primary endpoint", each cell headed by its measure);
    the others share a row when they name the same endpoint slug, else the same measure
    (any case and spacing), each cell headed by its timepoint."""
    if primary:
        key, label = "primary", PRIMARY
        heading = ", ".join(x for x in (measure, timepoint) if x)
    else:
        key = f"endpoint:{endpoint}" if endpoint else f"measure:{' '.join(words(measure))}"
        label, heading = measure, timepoint or ""
    return [key, label, heading, text, bar]


def _fixed_rows(columns: Sequence[dict], part: str) -> list[Row]:
    return [
        Row(name, section, label, tuple(c[part][n][3] for c in columns))
        for n, (name, section, label, _) in enumerate(columns[0][part])
    ]


def _outcome_rows(columns: Sequence[dict]) -> list[Row]:
    """One row per endpoint (the primary endpoints first), in first-seen order; each cell
    lists the study's items under their headings."""
    labels: dict[str, str] = {}
    for c in columns:
        for key, label, _, _, _ in c["outcomes"]:
            labels.setdefault(key, label)
    order = sorted(labels, key=lambda key: key != "primary")
    rows = []
    for key in order:
        cells, bars = [], []
        for c in columns:
            mine = [(head, text, bar) for k, _, head, text, bar in c["outcomes"] if k == key]
            cells.append(_cell(mine, with_bars=False))
            bars.append(_cell(mine, with_bars=True))
        rows.append(Row("outcomes", "Outcomes", labels[key], tuple(cells), tuple(bars)))
    return rows


def _cell(items: Sequence[tuple[str, str, str]], with_bars: bool) -> str:
    """Items grouped under their headings (in first-seen order), each heading written once."""
    grouped: dict[str, list[str]] = {}
    for head, text, bar in items:
        grouped.setdefault(head, []).append(text + ("\n" + bar if with_bars and bar else ""))
    return "\n".join(
        "\n".join([f"{head}:", *texts] if head else texts) for head, texts in grouped.items()
    )


def compare(entries: Sequence[HasColumn], fields: Sequence[str] | None = None) -> Comparison:
    """Aligned rows for design, evidence, population, intervention, outcomes and caveats.

    ``fields`` keeps only the rows that come from those record fields (``evidence.level``
    keeps the evidence rows).
    """
    tops = None if fields is None else {name.partition(".")[0] for name in fields}
    columns = [e.compare_column for e in entries]
    rows = []
    if columns:
        rows = [
            *_fixed_rows(columns, "head"),
            *_outcome_rows(columns),
            *_fixed_rows(columns, "tail"),
        ]
    kept = (r for r in rows if any(r.cells) and (tops is None or r.field in tops))
    return Comparison(tuple(entries), tuple(kept))
