"""What a record says was done, and to whom: design, arms, intervention, population.

- ``design.control`` and ``design.control_basis``: see ``control.py``. Observational studies
  have a control only when a cohort is named as one (standard care, placebo, sham).
- A trial randomized by cluster (``control.cluster_unit``) says so in
  ``design.allocation_note``, and its enrolment is left out (it may count clusters).
- Arm groups listed once per intervention (the same label twice) are one arm.
- Without a study type (no designModule, as in field-filtered search results) the design is
  ``unknown`` (no evidence level), with the reason in ``design.allocation_note``.
- The model requires an ``intervention``: the registered interventions' names, or, for an
  observational study that lists none, ``"none (observational study: no intervention
  assigned)"``. Cell type, tissue origin and autologous/allogeneic are set only when the
  titles, interventions or experimental arms name exactly one of them.
"""

from __future__ import annotations

import re
import typing
from typing import Any

from ..model.vocab import Allocation, Masking, Phase
from .arms import Given, Group, once
from .control import cluster_unit, control_of
from .log import Log
from .record import (
    ARMS,
    DESIGN,
    ELIGIBILITY,
    IDENT,
    Record,
    code,
    norm,
    shorten,
    text,
)

MAX_INCLUSION = 5
NO_INTERVENTION = "none (observational study: no intervention assigned)"
NOT_STATED = "not stated in the registry record"

_ALLOCATIONS = frozenset(typing.get_args(Allocation))
_MASKINGS = frozenset(typing.get_args(Masking))
_PHASES = frozenset(typing.get_args(Phase))
_OBSERVATIONAL = frozenset({"observational-study", "prospective-cohort", "retrospective-cohort"})
_AS_REGISTERED = (  # label, designInfo fields (the first one that is there)
    ("allocation", ("allocation",)),
    ("model", ("interventionModel", "observationalModel")),
    ("time perspective", ("timePerspective",)),
    ("masking", ("maskingInfo.masking",)),
    ("purpose", ("primaryPurpose",)),
)
_BULLET = re.compile(r"^(?:[*\-+•·]|\d{1,3}[.)])\s+(.+)$")
_CELL_TYPES = {
    "msc": r"\bmesenchymal\b|\bmscs?\b",
    "hsc": r"\bha?ematopoietic (?:stem|progenitor)|\bhscs?\b|\bhsct\b",
    "ipsc-derived": r"\binduced pluripotent\b|\bipscs?\b|\bips cells?\b",
    "esc-derived": r"\bembryonic stem\b|\bh?escs?\b",
    "bone-marrow-cells": r"\bbone[ -]marrow[ -](?:derived )?mononuclear\b|\bbm-?mncs?\b",
}
_TISSUES = {
    "bone-marrow": r"\bbone[ -]marrow\b",
    "umbilical-cord": r"\bumbilical\b|\bcord blood\b|\bwharton",
    "adipose": r"\badipose\b|\blipoaspirate\b",
    "peripheral-blood": r"\bperipheral blood\b",
}
_CELL_SOURCES = {
    "autologous": r"\bautologous\b",
    "allogeneic": r"\ballogene?ic\b",
    "xenogeneic": r"\bxenogene?ic\b",
}
_CELL_FACTS = (  # descriptor field, its patterns, what is missing when it is not set
    ("cell_type", _CELL_TYPES, "cell type"),
    ("tissue_origin", _TISSUES, "tissue origin"),
    ("cell_source", _CELL_SOURCES, "autologous or allogeneic"),
)


def design_of(rec: Record, groups: list[Group], log: Log) -> dict[str, Any]:
    """Design type, allocation, control, comparator, masking and phases as registered."""
    info = rec.obj(f"{DESIGN}.designInfo")
    study_type = rec.code(f"{DESIGN}.studyType")
    allocation = info.code("allocation")
    allocation = allocation if allocation in _ALLOCATIONS else None
    observational = study_type == "OBSERVATIONAL"
    if observational:  # nobody is allocated in an observational study, whatever it says
        kind, note, allocation = _observational_type(info, study_type), None, None
    elif study_type == "INTERVENTIONAL":
        kind, note = _interventional_type(allocation, info.code("interventionModel"), groups)
    else:
        kind = "unknown"
        where = "has no designModule" if not rec.has(DESIGN) else "gives no study type"
        what = f"gives study type {study_type}" if study_type else where
        note = f"The registry record {what}: design unknown."
        log.lack("study type")
    if observational and not groups and not info and not rec.has(ARMS):
        kind = "unknown"  # a field-filtered record: its groups and design are not in it
        note = (
            "The registry record is an observational study but holds neither its groups nor "
            "its design details (as a field-filtered search returns it): whether it had a "
            "comparison group cannot be told."
        )
        control, basis, comparator = None, "no arms or design details in the record", None
    elif observational:  # a cohort given standard care (placebo, sham) is a comparison group
        control, basis, comparator = control_of(groups, kind)
        basis = f"observational study: {basis}"
    else:
        crossover = info.code("interventionModel") == "CROSSOVER"
        unit = cluster_unit(rec)
        stepped = unit is not None and "wedge" in unit
        control, basis, comparator = control_of(groups, kind, crossover=crossover, stepped=stepped)
        if unit and kind == "randomized-trial":
            note = (
                f"Randomized by cluster (the record says: {unit}): groups of people, not "
                "people one by one, were assigned"
            )
            note += ", each cluster's time before its start being its control." if stepped else "."
        if allocation is None and kind == "non-randomized-trial" and control != "none":
            kind = "unknown"  # controlled, but randomized or not cannot be told
            note = (
                "The registry record does not give the allocation of its controlled comparison: "
                "whether it was randomized cannot be told, so the design is unknown."
            )
    if note:
        log.note(note)
    masking = info.code("maskingInfo.masking")
    masking = masking if masking in _MASKINGS else None
    if masking is None and not observational:
        log.lack("masking")
    if allocation is None and not observational:
        log.lack("allocation")
    return {
        "design.type": kind,
        "design.allocation": allocation,
        "design.allocation_note": note,
        "design.control": control,
        "design.control_basis": basis,
        "design.comparator": comparator,
        "design.masking": masking,
        "design.phases": _phases(rec, log),
    }


def _observational_type(info: Record, study_type: str | None) -> str:
    """Prospective or retrospective cohort only when the record says both; else generic."""
    if study_type == "OBSERVATIONAL" and info.code("observationalModel") == "COHORT":
        perspective = info.code("timePerspective")
        if perspective in {"PROSPECTIVE", "RETROSPECTIVE"}:
            return f"{perspective.lower()}-cohort"
    return "observational-study"


def _interventional_type(
    allocation: str | None, model: str | None, arms: list[Group]
) -> tuple[str, str | None]:
    """The trial type from allocation and intervention model, with a note when inferred."""
    if allocation == "RANDOMIZED":
        return "randomized-trial", None
    if model == "SINGLE_GROUP" and len(arms) <= 1:
        return "single-group-trial", None
    if allocation == "NON_RANDOMIZED":
        return "non-randomized-trial", None
    if allocation == "NA" or model == "SINGLE_GROUP":
        return "single-group-trial", None
    if len(arms) >= 2:
        return "non-randomized-trial", (
            "Allocation not given in the registry record; recorded as non-randomized "
            "(randomization is not assumed)."
        )
    if arms:
        return "single-group-trial", "Allocation not given in the registry record; one arm."
    return "unknown", "The registry record gives neither allocation nor arms: design unknown."


def _phases(rec: Record, log: Log) -> list[str]:
    """Registered phases that the model knows (NA included)."""
    phases = rec.codes(f"{DESIGN}.phases")
    unknown = [p for p in phases if p not in _PHASES]
    if unknown:
        log.note(f"unknown phase value(s) left out: {', '.join(unknown)}")
    return [p for p in phases if p in _PHASES]


def design_as_registered(rec: Record) -> str | None:
    """``interventional; allocation RANDOMIZED; model PARALLEL; ...`` from the design module."""
    info = rec.obj(f"{DESIGN}.designInfo")
    parts = [(rec.code(f"{DESIGN}.studyType") or "").lower()]
    for label, paths in _AS_REGISTERED:
        found = code(next((v for v in map(info.get, paths) if v), None))
        if found:
            parts.append(f"{label} {found}")
    phases = rec.codes(f"{DESIGN}.phases")
    if phases:
        parts.append("phases " + ", ".join(phases))
    return text("; ".join(p for p in parts if p), 300)


def intervention_of(rec: Record, groups: list[Group], design_type: str, log: Log) -> dict[str, Any]:
    """What the experimental arms receive (not their placebo), and cell facts."""
    interventions = rec.objs(f"{ARMS}.interventions")
    experimental = [g for g in groups if g.role == "EXPERIMENTAL"]
    given = [i for g in experimental for i in g.given] or [
        Given(i.code("type"), n) for i in interventions if (n := i.text("name", 150))
    ]
    active = [g for g in given if not g.control_like] or given
    wanted = {norm(g.name) for g in active}
    chosen = [i for i in interventions if norm(i.text("name", 150)) in wanted] or interventions
    names = list(dict.fromkeys(once(g.name) for g in active))
    if not names:
        observational = design_type in _OBSERVATIONAL
        if not observational:
            log.lack("intervention")
            log.note("no interventions in the record: intervention recorded as not stated")
        return {"name": NO_INTERVENTION if observational else NOT_STATED}
    texts = [rec.get(f"{IDENT}.briefTitle"), rec.get(f"{IDENT}.officialTitle")]
    for item in chosen:
        texts += [item.get("name"), item.get("description"), *item.values("otherNames")]
    texts += [group.description for group in experimental]
    facts = _cell_facts(" ".join(t for t in texts if isinstance(t, str)), log)
    return {"name": shorten("; ".join(names), 300), **facts}


def _cell_facts(words: str, log: Log) -> dict[str, str]:
    """Cell type, tissue origin and cell source, each only when exactly one is named."""
    words = words.casefold()
    facts: dict[str, str] = {}
    for name, patterns, missing in _CELL_FACTS:
        found = [value for value, pattern in patterns.items() if re.search(pattern, words)]
        if len(found) == 1:
            facts[name] = found[0]
            log.note(f"{name} set to {found[0]} from the record text: check it")
        else:
            log.lack(missing)
            if len(found) > 1:
                log.note(f"{name} left out: the record names several ({', '.join(found)})")
    return facts


def population_of(rec: Record, fields: dict[str, Any], log: Log) -> dict[str, Any]:
    """Enrollment type only with a count; the eligibility summary in words. In a cluster
    design the enrolment may count clusters (health systems), not people: it is left out."""
    n = fields["population.n"]
    unit = cluster_unit(rec) if n is not None else None
    if unit:
        log.note(
            f"enrolment {n} left out: the record says the unit is a cluster ({unit}), so the "
            "count may be of clusters, not people"
        )
        log.lack("number of participants (the enrolment may count clusters)")
        n = None
    elif n is None:
        log.lack("number of participants")
    eligibility = rec.obj(ELIGIBILITY)
    if not eligibility:
        log.lack("eligibility criteria")
    log.lack("participants' age (the registry gives eligibility limits only)")
    return {
        "population.n": n,
        "population.n_type": None if n is None else fields["population.n_type"],
        "population.description": _eligibility_words(eligibility),
        "population.inclusion": _inclusion(eligibility.raw("eligibilityCriteria"), log),
    }


_SEX = {
    "ALL": "Participants of any sex",
    "FEMALE": "Female participants",
    "MALE": "Male participants",
}
_VOLUNTEERS = {True: "; healthy volunteers accepted", False: "; no healthy volunteers"}


def _eligibility_words(eligibility: Record) -> str | None:
    """``Participants of any sex, aged 12 years to 24 years; no healthy volunteers.``"""
    if not eligibility:
        return None
    sex = _SEX.get(eligibility.code("sex") or "", "Participants")
    low = eligibility.text("minimumAge", 40)
    high = eligibility.text("maximumAge", 40)
    ages = {
        (True, True): f", aged {low} to {high}",
        (True, False): f", aged {low} or older",
        (False, True): f", aged up to {high}",
        (False, False): "",
    }[(low is not None, high is not None)].lower()
    healthy = eligibility.get("healthyVolunteers")
    words = sex + ages + (_VOLUNTEERS[healthy] if isinstance(healthy, bool) else "") + "."
    population = eligibility.text("studyPopulation", 400)
    if population:
        words += f" Study population: {population}"
    return None if words == "Participants." else words


def _inclusion(raw: str | None, log: Log) -> list[str]:
    """The first few inclusion criteria (bullets under "Inclusion Criteria")."""
    if raw is None:
        return []
    items: list[str] = []
    for line in (line.strip() for line in raw.splitlines() if line.strip()):
        if re.match(r"^\W*exclusion criteria", line, re.IGNORECASE):
            break
        if re.match(r"^\W*inclusion criteria", line, re.IGNORECASE):
            continue
        bullet = _BULLET.match(line)
        item = text(bullet.group(1) if bullet else line, 200)
        if item:
            items.append(item)
    if len(items) > MAX_INCLUSION:
        log.note(f"inclusion criteria: first {MAX_INCLUSION} of {len(items)} kept")
    return items[:MAX_INCLUSION]
