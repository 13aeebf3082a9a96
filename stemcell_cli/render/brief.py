"""What ``stemcell report`` puts in its evidence brief, gathered from the library as plain data.

The selected studies' pooling views (what pooling reads of their records) go through the same
analyses as ``stemcell pool`` (a summary of findings; with a measure, that outcome pooled kind
by kind), so one outcome has one certainty in ``show``, ``compare``, ``pool`` and ``report``.
The HTML is written by :mod:`.html`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..analysis.bodies import PoolOptions
from ..analysis.contributions import NothingToPool
from ..analysis.findings import summary_of_findings
from ..analysis.outcome import DRAW_LIMIT, pool_outcome
from ..cite.references import assign_keys, reference_for, stored_reference
from ..evidence.grading import ANIMALS, Evidence, assess
from ..query import Filters
from ..views.describe import citation, code_words, design, follow_up, population
from ..views.effect_lines import TITLE as EFFECTS
from ..views.show import Section, view_sections
from .sof_text import left_out_lines

if TYPE_CHECKING:
    from ..analysis.bodies import Analysis
    from ..analysis.findings import Findings
    from ..cite.references import Reference
    from ..model.descriptor import Discrepancy, Source, Study
    from ..store.entry import Entry

CARD_SECTIONS = ("Intervention", "Expert opinion", "Outcomes", EFFECTS, "Safety", "Limitations")
NOT_GIVEN = "Not in the sources"


@dataclass(frozen=True)
class StudyBrief:
    """What the brief shows of one study, its card and its citation, kept without the model
    (a brief of thousands of studies holds these, not thousands of models and views)."""

    id: str
    title: str
    headline: str
    summary: str | None
    evidence: Evidence
    facts: tuple[str, ...]  # design, participants, follow-up (an animal study says so first)
    sections: dict[str, Section]  # the show view's sections a card shows, by title
    discrepancies: tuple[Discrepancy, ...]
    sources: tuple[Source, ...]
    citation: str  # in words, from the publication ("—" when it gives none)

    @classmethod
    def of(cls, study: Study, view: dict) -> StudyBrief:
        """The brief of ``study``, whose show view is ``view``."""
        facts = [
            f"Design: {design(study)}",
            f"Participants: {population(study)}",
            f"Follow-up: {follow_up(study)}",
        ]
        if study.population.species and study.population.species != "human":
            facts.insert(0, f"Animal study ({study.population.species}), not people")
        shown = (*CARD_SECTIONS, NOT_GIVEN)
        return cls(
            id=study.id,
            title=study.title,
            headline=study.headline,
            summary=study.summary,
            evidence=assess(study),
            facts=tuple(facts),
            sections={s.title: s for s in view_sections(view) if s.title in shown},
            discrepancies=tuple(study.discrepancies),
            sources=tuple(study.sources),
            citation=citation(study),
        )


@dataclass
class Selection:
    """The selected studies of one pass over the catalog, with what the analyses need."""

    studies: list[StudyBrief] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)  # keyed against the catalog
    records: list[dict] = field(default_factory=list)  # what pooling reads of each record
    total: int = 0  # studies in the catalog


def select_studies(entries: Iterable[Entry], filters: Filters) -> Selection:
    """One pass over the catalog's ``entries``: each selected study's brief, reference and
    pooling view are kept, and of the others only their citation key's base (so that the keys
    are those ``cite`` gives); no model, record or show view is kept."""
    chosen = Selection()
    others: list[Reference] = []
    for entry in entries:
        chosen.total += 1
        if filters.active() and not filters.match(entry.facets):
            others.append(other_reference(entry))
            continue
        study = entry.study
        chosen.studies.append(StudyBrief.of(study, entry.show_view))
        chosen.references.append(reference_for(study))
        chosen.records.append(entry.pooling)
    assign_keys(chosen.references, others)
    return chosen


@dataclass
class Report:
    """Everything the brief shows, computed; the renderer only lays it out."""

    question: str
    command: str
    studies: list[StudyBrief]
    references: list[Reference]
    total: int  # studies in the catalog
    date: str
    version: str
    findings: Findings | None = None
    no_findings: str | None = None  # why there is no summary of findings
    analyses: list[Analysis] = field(default_factory=list)  # each drawn as a forest plot
    pool_notes: list[str] = field(default_factory=list)
    measure: str | None = None
    method: str = "reml"
    draw_limit: int | None = DRAW_LIMIT  # forest plots draw this many studies at most (None: all)


def filters_in_words(filters: Filters) -> list[str]:
    """Each criterion set, as words that follow "studies": ``of a condition matching ...``."""
    f = filters
    people = {"human": "people", "other": "other species", **ANIMALS}
    words = [
        f.condition
        and f"of a condition matching “{f.condition}” (by name, synonym or abbreviation)",
        f.cell_type and f"using cells matching “{f.cell_type}”",
        f.source and f"using {f.source} cells",
        f.design and f"designed as {code_words(f.design)}",
        f.species and f"in {people.get(f.species, f.species)}",
        f.min_n is not None and f"with at least {f.min_n} participants",
        f.since is not None and f"dated {f.since} or later",
        f.until is not None and f"dated {f.until} or earlier",
        f.search and f"mentioning “{f.search}”",
        f.max_level is not None
        and f"at evidence level {f.max_level} or stronger (1 strongest … 5 weakest)",
    ]
    return [w for w in words if isinstance(w, str)]


def question(filters: Filters, measure: str | None, selected: int, total: int) -> str:
    """The question asked, in one sentence."""
    criteria = filters_in_words(filters)
    if criteria:
        joined = ", ".join(criteria[:-1]) + (" and " if len(criteria) > 1 else "") + criteria[-1]
        what = f"What do the {selected} studies (of {total} catalogued) {joined} show"
    else:
        what = f"What do all {total} catalogued studies show"
    about = f" about “{measure}”" if measure else ""
    return f"{what}{about}, and how far can it be trusted?"


def other_reference(entry: Entry) -> Reference:
    """The reference of a study not in the brief, for its citation key: from the stored
    record, or from the model when the record is damaged."""
    try:
        return stored_reference(entry.record)
    except (ValueError, TypeError, AttributeError):
        return reference_for(entry.study)


def build_report(
    chosen: Selection,
    filters: Filters,
    *,
    measure: str | None,
    date: str,
    version: str,
    effect: str | None = None,
    method: str = "reml",
    draw_limit: int | None = DRAW_LIMIT,
) -> Report:
    """The brief of the ``chosen`` studies.

    Raises ``NothingToPool`` when a measure is asked for and cannot be pooled.
    """
    command = " ".join(
        x
        for x in ("stemcell report", filters.describe(), measure and f"--measure {measure!r}")
        if x
    )
    report = Report(
        question=question(filters, measure, len(chosen.studies), chosen.total),
        command=command,
        studies=chosen.studies,
        references=chosen.references,
        total=chosen.total,
        date=date,
        version=version,
        measure=measure,
        method=method,
        draw_limit=draw_limit,
    )

    options = PoolOptions(effect, method)
    try:
        report.findings = summary_of_findings(chosen.records, options)
    except NothingToPool as error:
        report.no_findings = str(error)
    if measure is None:
        rows = report.findings.rows if report.findings else ()
        report.analyses = [a for a in rows if a.pooled.k >= 2]
        return report
    result = pool_outcome(chosen.records, measure, options)
    report.analyses = [result.main, *result.others]
    report.pool_notes = left_out_lines(result.left_out)
    if report.findings is not None:
        rows = tuple(a for a in report.findings.rows if a.key == result.key)
        report.findings = replace(report.findings, rows=rows) if rows else None
    return report
