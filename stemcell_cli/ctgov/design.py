"""What a record says was done, and to whom: design, arms, intervention, population.

- ``design.control`` comes from the arm types: placebo, else sham, else no intervention
  (untreated), else active comparator; otherwise ``none``. Observational studies: ``none``.
- Without a study type (no designModule) the design is recorded conservatively, never as
  randomized: single-group trial (one arm), non-randomized trial (two or more arms) or
  observational study (no arms), with the reason in ``design.allocation_note``.
- The model requires an ``intervention``: the registered interventions' names, or, for an
  observational study that lists none, ``"none (observational study: no intervention
  assigned)"``. Cell type, tissue origin and autologous/allogeneic are set only when the
  titles, interventions or experimental arms name exactly one of them.
"""

from __future__ import annotations

import re
import typing
from typing import Any

from ..models import Allocation, ArmRole, Masking, Phase
from .log import Log
from .record import ARMS, DESIGN, ELIGIBILITY, IDENT, RESULTS, Record, code, shorten, slug, text
from .results import arm_sizes

MAX_INCLUSION = 5
NO_INTERVENTION = "none (observational study: no intervention assigned)"
NOT_STATED = "not stated in the registry record"

_ALLOCATIONS = frozenset(typing.get_args(Allocation))
_ARM_ROLES = frozenset(typing.get_args(ArmRole))
_MASKINGS = frozenset(typing.get_args(Masking))
_PHASES = frozenset(typing.get_args(Phase))
_OBSERVATIONAL = frozenset({"observational-study", "prospective-cohort", "retrospective-cohort"})
_CONTROL_BY_ROLE = (
    ("PLACEBO_COMPARATOR", "placebo"),
    ("SHAM_COMPARATOR", "sham"),
    ("NO_INTERVENTION", "untreated"),
    ("ACTIVE_COMPARATOR", "active"),
)
_COMPARATOR_ROLES = frozenset(role for role, _ in _CONTROL_BY_ROLE)
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


def arms_of(rec: Record, log: Log) -> list[dict[str, Any]]:
    """Arm groups as registered; n per arm only from an unambiguous participant-flow match."""
    arms: list[dict[str, Any]] = []
    keys: set[str] = set()
    for index, group in enumerate(rec.objs(f"{ARMS}.armGroups"), 1):
        label = group.text("label", 200)
        if label is None:
            continue
        key = base = slug(label, f"arm-{index}")
        suffix = 2
        while key in keys:
            key, suffix = f"{base}-{suffix}", suffix + 1
        keys.add(key)
        role = group.code("type")
        arms.append(
            {
                "key": key,
                "label": label,
                "role": role if role in _ARM_ROLES else None,
                "description": group.text("description"),
            }
        )
    arm_sizes(arms, rec.obj(f"{RESULTS}.participantFlowModule"), log)
    return arms


def design_of(rec: Record, arms: list[dict[str, Any]], log: Log) -> dict[str, Any]:
    """Design type, allocation, control, comparator, masking and phases as registered."""
    info = rec.obj(f"{DESIGN}.designInfo")
    study_type = rec.code(f"{DESIGN}.studyType")
    allocation = info.code("allocation")
    allocation = allocation if allocation in _ALLOCATIONS else None
    observational = study_type == "OBSERVATIONAL" or (study_type is None and not arms)
    if observational:
        kind, note = _observational_type(info, study_type), None
    else:
        kind, note = _interventional_type(allocation, info.code("interventionModel"), arms)
    if study_type not in {"INTERVENTIONAL", "OBSERVATIONAL"}:
        what = f"study type {study_type}" if study_type else "no study type"
        note = f"Registry record gives {what}; design type recorded conservatively as {kind}."
        log.lack("study type")
    if note:
        log.note(note)
    control, comparator = ("none", None) if observational else _control(arms)
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
    allocation: str | None, model: str | None, arms: list[dict[str, Any]]
) -> tuple[str, str | None]:
    """The trial type from allocation and intervention model, with a note when inferred."""
    if allocation == "RANDOMIZED":
        return "randomized-trial", None
    if allocation == "NON_RANDOMIZED":
        return "non-randomized-trial", None
    if allocation == "NA" or model == "SINGLE_GROUP":
        return "single-group-trial", None
    if len(arms) >= 2:
        return "non-randomized-trial", (
            "Allocation not given in the registry record; recorded as non-randomized "
            "(randomization is not assumed)."
        )
    return "single-group-trial", "Allocation not given in the registry record; one arm or none."


def _control(arms: list[dict[str, Any]]) -> tuple[str, str | None]:
    """Control from the arm types (placebo > sham > no intervention > active) and its labels."""
    roles = {arm.get("role") for arm in arms}
    control = next((name for role, name in _CONTROL_BY_ROLE if role in roles), "none")
    labels = [arm["label"] for arm in arms if arm.get("role") in _COMPARATOR_ROLES]
    return control, ("; ".join(labels) if labels and control != "none" else None)


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


def intervention_of(rec: Record, design_type: str, log: Log) -> dict[str, Any]:
    """Registered interventions (those of the experimental arms when marked) and cell facts."""
    interventions = rec.objs(f"{ARMS}.interventions")
    experimental = [g for g in rec.objs(f"{ARMS}.armGroups") if g.code("type") == "EXPERIMENTAL"]
    labels = {g.text("label") for g in experimental}
    chosen = [
        i for i in interventions if labels & {text(x) for x in i.values("armGroupLabels")}
    ] or interventions
    names = list(dict.fromkeys(n for n in (i.text("name", 150) for i in chosen) if n))
    if not names:
        observational = design_type in _OBSERVATIONAL
        if not observational:
            log.lack("intervention")
            log.note("no interventions in the record: intervention recorded as not stated")
        return {"name": NO_INTERVENTION if observational else NOT_STATED}
    texts = [rec.get(f"{IDENT}.briefTitle"), rec.get(f"{IDENT}.officialTitle")]
    for item in chosen:
        texts += [item.get("name"), item.get("description"), *item.values("otherNames")]
    texts += [group.get("description") for group in experimental]
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
    """Enrollment type only with a count; the eligibility summary in words."""
    n = fields["population.n"]
    if n is None:
        log.lack("number of participants")
    eligibility = rec.obj(ELIGIBILITY)
    if not eligibility:
        log.lack("eligibility criteria")
    log.lack("participants' age (the registry gives eligibility limits only)")
    return {
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
