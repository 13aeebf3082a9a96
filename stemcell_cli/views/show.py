"""What ``show`` says about one study, format-neutral: titled sections of pairs and rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..evidence.grading import CAUTION, LEVEL_MEANING, assess, level_label, level_word
from ..evidence.risk_of_bias import judge
from . import describe, rating_text
from .effect_lines import HEADERS as EFFECT_HEADERS
from .effect_lines import TITLE as EFFECTS_TITLE
from .effect_lines import effect_rows
from .record import study_record

if TYPE_CHECKING:
    from ..model.descriptor import Finding, Study

CERTAINTY_NOTE = rating_text.STARTING_NOTE


def certainty_text(certainty: str) -> str:
    """``high (GRADE starting point ...)``; a certainty that does not apply without the note."""
    if certainty.startswith("not applicable"):
        return certainty
    return f"{certainty} ({CERTAINTY_NOTE})"


@dataclass
class Section:
    """A titled block: label/value pairs, an optional table, and bullet lines."""

    title: str
    pairs: list[tuple[str, str]] = field(default_factory=list)
    headers: tuple[str, ...] = ()
    rows: list[tuple[str, ...]] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)

    def pair(self, label: str, value: object) -> None:
        """Add a pair unless the value is empty."""
        if value not in (None, "", []):
            self.pairs.append((label, str(value)))

    def __bool__(self) -> bool:
        return bool(self.pairs or self.rows or self.bullets or self.links)


def _citation(study: Study) -> Section:
    p = study.publication
    section = Section("Publication and sources")
    section.pair("Citation", describe.citation(study) if p.title or p.authors else None)
    section.pair("Published", p.date)
    section.pair("Print issue", p.print_date)
    section.pair("DOI", p.doi)
    section.pair("PMID", p.pmid)
    section.pair("PMCID", p.pmcid)
    section.pair("Institution", p.institution)
    section.pair("Country", p.country)
    section.pair("People", "; ".join(p.people))
    if study.registration:
        r = study.registration
        registered = " · ".join(
            x
            for x in (
                r.nct_id,
                r.status and describe.code_words(r.status),
                r.sponsor and f"sponsor {r.sponsor}",
                r.start_date and f"started {r.start_date}",
                r.primary_completion and f"primary completion {r.primary_completion}",
                r.completion and f"completion {r.completion}",
                r.first_posted and f"first posted {r.first_posted}",
                r.status_date and f"status as of {r.status_date}",
            )
            if x
        )
        section.pair(f"Registry ({r.registry})", registered)
        section.pair("Registered design", r.design_as_registered)
        section.pair("Why stopped", r.why_stopped)
    section.pair("Registry keywords", "; ".join(study.keywords))
    for s in study.sources:
        label = f"[{s.key}] {s.kind}" + (" (secondary copy)" if s.secondary else "")
        text = " · ".join(x for x in (s.title, s.date, s.note) if x)
        section.links.append((f"{label}: {text}" if text else label, s.url or ""))
    return section


def _design(study: Study) -> Section:
    d = study.design
    section = Section("Design")
    section.pair("Type", describe.design(study))
    section.pair("Allocation", d.allocation and describe.code_words(d.allocation))
    section.pair("How allocated", d.allocation_note)
    section.pair("Control", d.control and describe.CONTROL[d.control])
    section.pair("Control decided by", d.control_basis)
    section.pair("Comparator", d.comparator)
    section.pair("Blinding", d.masking and describe.MASKING[d.masking])
    section.pair("Blinding note", d.masking_note)
    section.pair("Phase", ", ".join(describe.code_words(p) for p in d.phases))
    section.pair("Centres", d.centres)
    section.pair("Follow-up", describe.follow_up(study) if d.follow_up.months is not None else None)
    section.pair("Follow-up schedule", d.follow_up.schedule)
    return section


def _population(study: Study) -> Section:
    p = study.population
    section = Section("Population")
    section.pair("Species", p.species)
    section.pair("Participants", describe.population(study))
    section.pair("Who", p.description)
    if p.age:
        ages = [
            f"{k} {describe.number(v)}"
            for k, v in (
                ("mean", p.age.mean),
                ("median", p.age.median),
                ("from", p.age.minimum),
                ("to", p.age.maximum),
            )
            if v is not None
        ]
        section.pair("Age (years)", ", ".join(ages + ([p.age.note] if p.age.note else [])))
    for g in p.subgroups:
        size = "" if g.n is None else f"n={g.n}"
        if g.percent is not None:
            size += f" ({describe.number(g.percent)}%)"
        section.pair(
            f"Subgroup: {g.label}",
            " ".join(x for x in (size, g.note, g.source and f"[{g.source}]") if x),
        )
    section.bullets += [f"Inclusion: {x}" for x in p.inclusion]
    section.bullets += [f"Baseline: {x}" for x in p.baseline]
    if study.arms:
        section.headers = ("Arm", "Role", "n", "Description")
        section.rows = [
            (
                a.label,
                describe.code_words(a.role) if a.role else "",
                "" if a.n is None else str(a.n),
                a.description or "",
            )
            for a in study.arms
        ]
    return section


def _intervention(study: Study) -> Section:
    section = Section("Intervention")
    i = study.intervention
    if i is None:
        return section
    section.pair("Name", i.name)
    section.pair("Cells", describe.cells(study))
    section.pair("Cell description", i.cell_description)
    section.pair("Tissue", i.tissue_detail)
    section.pair("Route", i.route)
    section.pair("Doses", i.doses)
    section.pair("Schedule", i.schedule)
    section.pair("Cell dose", i.cell_dose)
    section.pair("Conditioning / co-treatment", i.conditioning)
    return section


def _outcomes(study: Study) -> Section:
    section = Section("Outcomes")
    section.headers = ("Measure", "Group", "When", "Result", "Source")
    section.rows = [
        (
            o.measure + (" (primary)" if o.primary else ""),
            o.group or "all",
            o.timepoint or "",
            describe.result_text(o),
            describe.source_text(study, o.source),
        )
        for o in study.outcomes
    ]
    return section


def evidence_section(study: Study, record: dict | None = None) -> Section:
    """'How strong is this evidence?': level in words, the primary outcome's certainty (as
    `pool` rates it) apart from the design's starting point, every rated outcome with its
    downgrades, flags, discrepancies."""
    record = record or study_record(study)
    evidence = assess(study)
    section = Section("How strong is this evidence?")
    section.pair(
        "Level",
        f"{level_word(evidence.level)} (of 1 strongest … 5 weakest, not a score): "
        f"{LEVEL_MEANING[evidence.level]}",
    )
    rating = record["evidence"]["primary_outcome_certainty"]
    if rating:
        section.pair(
            "Certainty",
            f"{rating['symbols']} for the primary outcome, as `stemcell pool` rates it "
            f"({rating['label']})",
        )
    section.pair("Starting point", certainty_text(evidence.certainty))
    section.bullets += rating_text.rating_lines(record)
    section.bullets += [f"{CAUTION[f.code]} ({f.code}): {f.reason}" for f in evidence.flags]
    for d in study.discrepancies:
        claims = "; ".join(f"{c.source}: {c.says}" for c in d.claims)
        section.bullets.append(
            f"Sources disagree on {describe.in_sentence(d.topic)} — {claims}"
            + (f" ({d.note})" if d.note else "")
        )
    return section


def evidence_card(study: Study, record: dict | None = None) -> str:
    """The verdict in one line: level, the primary outcome's certainty (or the design's
    starting point, said so), its risk of bias, and cautions (explained at the end)."""
    record = record or study_record(study)
    evidence = assess(study)
    cautions = ", ".join(CAUTION[f.code] for f in evidence.flags) or "none flagged"
    level = level_label(evidence.level)
    parts = [f"Evidence: {level}", rating_text.certainty_phrase(record)]
    _, bias = rating_text.primary_bias(record)
    if study.kind == "clinical":
        bias = bias or judge(study)
        parts.append(f"risk of bias: {rating_text.bias_line(bias)}")
    return " · ".join([*parts, f"cautions: {cautions}"])


def bias_section(study: Study, record: dict) -> Section:
    """The RoB 2 domains of the primary outcome (else the first two-arm comparison): each
    judgement as symbol and word, whether derived, and the note."""
    outcome, bias = rating_text.primary_bias(record)
    if study.kind != "clinical":
        return Section("Risk of bias (RoB 2)")
    if bias is None:
        outcome, bias = "the study as a whole (no two-arm comparison)", judge(study)
    section = Section(
        "Risk of bias (RoB 2)",
        headers=("Domain", "Judgement", "How judged", "Note"),
        rows=list(rating_text.bias_rows(bias)),
    )
    section.pair("Outcome", outcome)
    section.pair("Key", rating_text.ROB_KEY)
    section.bullets += rating_text.other_biases(record, outcome)
    return section


def _opinion(study: Study) -> Section:
    section = Section("Expert opinion")
    o = study.opinion
    if o:
        section.pair("Question", o.question)
        section.pair("Asked by", o.asked_by)
        section.pair("Expert", ", ".join(x for x in (o.expert, o.role) if x))
        section.pair("Gist of the answer", o.answer_gist)
        section.pair("Verdict", o.verdict or "not given in the source")
    return section


def _findings(title: str, findings: Sequence[Finding]) -> Section:
    return Section(
        title, bullets=[f.text + (f" [{f.source}]" if f.source else "") for f in findings]
    )


def show_sections(study: Study, record: dict | None = None) -> list[Section]:
    """Everything about one study, in reading order; empty sections are dropped."""
    record = record or study_record(study)
    sections = [
        _citation(study),
        _design(study),
        _population(study),
        _intervention(study),
        _opinion(study),
        _outcomes(study) if study.outcomes else Section("Outcomes"),
        _effects(study),
        _findings("Safety", study.safety),
        Section("Limitations", bullets=list(study.limitations)),
        bias_section(study, record),
        evidence_section(study, record),
        _findings("Next steps", study.next_steps),
        _findings("Context", study.context),
        Section("Not in the sources", bullets=list(study.not_available)),
    ]
    return [s for s in sections if s]


def _effects(study: Study) -> Section:
    rows, notes = effect_rows(study)
    return Section(EFFECTS_TITLE, headers=EFFECT_HEADERS if rows else (), rows=rows, bullets=notes)


def show_view(study: Study) -> dict:
    """What ``show`` displays, JSON-ready (kept in the index): heading and sections."""
    record = study_record(study)
    return {
        "id": study.id,
        "title": study.title,
        "headline": study.headline,
        "summary": study.summary,
        "card": evidence_card(study, record),
        "sections": [vars(s) for s in show_sections(study, record)],
    }


def view_sections(view: dict) -> list[Section]:
    """The sections of a stored view."""
    return [Section(**s) for s in view["sections"]]
