"""Import ClinicalTrials.gov API v2 JSON records as study descriptors (imported, not curated).

Input is what the API serves, saved to a file, for example::

    curl -fsS -o NCT00763412.json 'https://clinicaltrials.gov/api/v2/studies/NCT00763412'
    curl -fsS -o page.json \\
      'https://clinicaltrials.gov/api/v2/studies?query.term=mesenchymal&pageSize=20'

A file holds one study record (``{"protocolSection": ...}``) or a search page
(``{"studies": [...], "nextPageToken": ...}``). Each study becomes one descriptor,
``<out>/nct01234567.yaml``. Only what the record states is mapped; everything else is
left out and named in ``not_available`` and in the import notes. Choices worth knowing:

- ``condition.chronic`` keeps the model default (true): the registry does not say.
- ``design.control`` comes from the arm types: placebo, else sham, else no intervention
  (untreated), else active comparator; otherwise ``none``. Observational studies: ``none``.
- The model requires an ``intervention``: the registered interventions' names, or, for an
  observational study that lists none, ``"none (observational study: no intervention
  assigned)"``. Cell type, tissue origin and autologous/allogeneic are set only when the
  titles, interventions or experimental arms name exactly one of them.
- Without a study type (no designModule) the design is recorded conservatively, never as
  randomized: single-group trial (one arm), non-randomized trial (two or more arms) or
  observational study (no arms), with the reason in ``design.allocation_note``.
- ``results`` is ``published`` when the record has a ``resultsSection`` (or says
  ``hasResults``), ``not-applicable`` for a withdrawn study, else ``pending``.
"""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import re
import stat
import tempfile
import typing
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .errors import StemcellError
from .loader import MAX_BYTES as MAX_DESCRIPTOR_BYTES
from .models import (
    NCT_PATTERN,
    Allocation,
    ArmRole,
    Masking,
    OverallStatus,
    Phase,
    Study,
)

MAX_INPUT_BYTES = 64 << 20
SUMMARY_CHARS = 1500
TEXT_CHARS = 500
MAX_INCLUSION = 5
MAX_OUTCOMES = 400
MAX_SYNONYMS = 30

PROVENANCE = (
    "Imported from ClinicalTrials.gov record {nct} (API v2) by stemcell import; not curated: "
    "check against the record and papers before relying on it."
)
NOT_CURATED = "Imported registry record: not curated."
NO_RESULT = "Registered outcome; no result in the record"
NO_INTERVENTION = "none (observational study: no intervention assigned)"
NOT_STATED = "not stated in the registry record"

_ALLOCATIONS = frozenset(typing.get_args(Allocation))
_ARM_ROLES = frozenset(typing.get_args(ArmRole))
_MASKINGS = frozenset(typing.get_args(Masking))
_PHASES = frozenset(typing.get_args(Phase))
_STATUSES = frozenset(typing.get_args(OverallStatus))
_PROTOCOL_MODULES = (
    "identificationModule",
    "statusModule",
    "sponsorCollaboratorsModule",
    "descriptionModule",
    "conditionsModule",
    "designModule",
    "armsInterventionsModule",
    "outcomesModule",
    "eligibilityModule",
)
_CONTROL_BY_ROLE = (
    ("PLACEBO_COMPARATOR", "placebo"),
    ("SHAM_COMPARATOR", "sham"),
    ("NO_INTERVENTION", "untreated"),
    ("ACTIVE_COMPARATOR", "active"),
)
_COMPARATOR_ROLES = frozenset(role for role, _ in _CONTROL_BY_ROLE)
_DESIGN_WORDS = {
    "randomized-trial": "randomized trial",
    "non-randomized-trial": "non-randomized trial",
    "single-group-trial": "single-group trial",
    "observational-study": "observational study",
    "prospective-cohort": "prospective cohort study",
    "retrospective-cohort": "retrospective cohort study",
}
_PARTICIPANT_UNITS = frozenset({"participant", "participants", "number of participants"})
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
_CLASSIC_KEYS = frozenset({"FullStudiesResponse", "StudyFieldsResponse", "FullStudy", "Study"})
_CONTROL_CHARS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]"
)
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>=|~^])")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d{1,15}")
_DATE = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")
_BULLET = re.compile(r"^(?:[*\-+•·]|\d{1,3}[.)])\s+(.+)$")


# --- small readers: tolerate any JSON shape, keep only well-typed values ------------------


def _obj(value: object) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def _dicts(value: object) -> list[dict[str, Any]]:
    """The JSON objects in a list (anything else is skipped)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _raw_text(value: object) -> str | None:
    """Registry text without control characters or Markdown escapes (``\\<`` -> ``<``)."""
    if not isinstance(value, str):
        return None
    text = _MARKDOWN_ESCAPE.sub(r"\1", _CONTROL_CHARS.sub(" ", value.replace("\r", "")))
    return text if text.strip() else None


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a sentence (else word) boundary, with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    sentence = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    if sentence >= limit // 2:
        return cut[: sentence + 1] + " …"
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"


def _text(value: object, limit: int = TEXT_CHARS) -> str | None:
    """One line of registry text, whitespace collapsed, at most ``limit`` characters."""
    raw = _raw_text(value)
    return shorten(" ".join(raw.split()), limit) if raw else None


def _texts(value: object, limit: int = 200) -> list[str]:
    """The non-empty strings of a list, cleaned."""
    items = value if isinstance(value, list) else []
    return [t for t in (_text(item, limit) for item in items) if t]


def _code(value: object) -> str | None:
    """An enum value as the API writes it (``RANDOMIZED``), upper-cased; else None."""
    if not isinstance(value, str) or not value.strip() or len(value) > 60:
        return None
    return value.strip().upper()


def _id(value: object) -> str | None:
    """A group id ("OG000") when it is text, else None."""
    return value if isinstance(value, str) else None


def _date(value: object) -> str | None:
    """A (partial) ISO date: ``2006``, ``2006-11`` or ``2006-11-05``; else None."""
    return value.strip() if isinstance(value, str) and _DATE.fullmatch(value.strip()) else None


def _count(value: object) -> int | None:
    """A non-negative whole number given as an integer or as digits ("8")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and re.fullmatch(r"\d{1,15}", value.strip()):
        return int(value.strip())
    return None


def parse_number(value: object) -> int | float | None:
    """A finite number from API text as written: "4" -> 4, "19.63" -> 19.63, "NA" -> None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if not isinstance(value, str) or not _NUMBER.fullmatch(value.strip()):
        return None
    text = value.strip()
    if _INTEGER.fullmatch(text):
        return int(text)
    number = float(text)
    return number if math.isfinite(number) else None


def _slug(text: str, fallback: str) -> str:
    """A lowercase ASCII slug of ``text`` (accents folded), else ``fallback``."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:60].strip("-")
    return slug or fallback


def _norm(text: str | None) -> str:
    """A loose matching form of a label: no numbering, case, spaces or punctuation."""
    text = re.sub(r"^\s*\d{1,3}\s*[.):-]?\s+", "", (text or "").casefold())
    return re.sub(r"[\W_]+", "", text)


# --- the import log: notes for the user, gaps for not_available --------------------------


@dataclass
class _Log:
    """Notes on what was missing or left out, and the descriptor's ``not_available``."""

    notes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def lack(self, what: str) -> None:
        if what not in self.missing:
            self.missing.append(what)


# --- record -> descriptor -----------------------------------------------------------------


def registry_url(nct_id: str) -> str:
    """The public page of a ClinicalTrials.gov record."""
    return f"https://clinicaltrials.gov/study/{nct_id}"


def nct_id_of(record: object) -> str | None:
    """The record's NCT id when it has a well-formed one, else None."""
    ident = _obj(_obj(_obj(record).get("protocolSection")).get("identificationModule"))
    nct = ident.get("nctId")
    if isinstance(nct, str) and re.fullmatch(NCT_PATTERN, nct.strip()):
        return nct.strip()
    return None


def descriptor_from_record(record: Any) -> tuple[dict[str, Any], list[str]]:
    """The descriptor for one API v2 study record, as plain data, and notes on what is missing.

    The dict has the model's key order, no empty values, and validates as a ``Study``.
    Raises ``ValueError`` for a record that cannot be used (not a record, no NCT id,
    an expanded-access record).
    """
    if not isinstance(record, dict):
        raise ValueError(f"a study record is a JSON object, not {_json_kind(record)}")
    protocol = record.get("protocolSection")
    if not isinstance(protocol, dict):
        raise ValueError("no protocolSection: not a ClinicalTrials.gov API v2 study record")
    nct = nct_id_of(record)
    if nct is None:
        raise ValueError("no valid NCT id (protocolSection.identificationModule.nctId)")
    study_type = _code(_obj(protocol.get("designModule")).get("studyType"))
    if study_type == "EXPANDED_ACCESS":
        raise ValueError(f"{nct} is an expanded-access record, not a study; not imported")
    log = _Log()
    for name in _PROTOCOL_MODULES:
        if not isinstance(protocol.get(name), dict):
            log.note(f"no {name}")
    data = _build(nct, record, protocol, log)
    try:
        study = Study.model_validate(data)
    except ValidationError as error:
        raise ValueError(f"{nct}: the imported descriptor is not valid: {_errors(error)}") from None
    return plain_descriptor(study), log.notes


def _build(nct: str, record: dict[str, Any], protocol: dict[str, Any], log: _Log) -> dict:
    """Every descriptor section, in the model's order."""
    ident = _obj(protocol.get("identificationModule"))
    results = _results_state(record, protocol, log)
    arms = _arms(protocol, _obj(record.get("resultsSection")), log)
    design = _design(protocol, arms, log)
    population = _population(protocol, log)
    title = _text(ident.get("briefTitle"), 300) or _text(ident.get("officialTitle"), 300)
    if title is None:
        log.note("no briefTitle or officialTitle")
    summary = _text(_obj(protocol.get("descriptionModule")).get("briefSummary"), SUMMARY_CHARS)
    return {
        "id": nct.lower(),
        "title": title or f"ClinicalTrials.gov record {nct}",
        "headline": _headline(protocol, design, population, results),
        "summary": summary,
        "kind": "clinical",
        "condition": _condition(protocol, log),
        "design": design,
        "results": results,
        "publication": {
            "title": _text(ident.get("officialTitle"), 1000),
            "institution": _text(_obj(ident.get("organization")).get("fullName"), 300),
        },
        "registration": _registration(nct, protocol, log),
        "sources": _sources(nct, record, protocol, log),
        "population": population,
        "arms": arms,
        "intervention": _intervention(protocol, design["type"], log),
        "outcomes": _outcomes(record, protocol, log),
        "limitations": _limitations(record, protocol),
        "not_available": log.missing,
        "provenance": PROVENANCE.format(nct=nct),
    }


def _results_state(record: dict[str, Any], protocol: dict[str, Any], log: _Log) -> str:
    """``published``, ``pending`` or ``not-applicable`` (withdrawn: nobody was enrolled)."""
    if isinstance(record.get("resultsSection"), dict):
        return "published"
    if record.get("hasResults") is True:
        log.note("hasResults is true but the file has no resultsSection: results not imported")
        log.lack("posted results (not in the downloaded file)")
        return "published"
    if _code(_obj(protocol.get("statusModule")).get("overallStatus")) == "WITHDRAWN":
        log.note("no resultsSection: study withdrawn before enrolment")
        return "not-applicable"
    log.note("no resultsSection: results pending")
    log.lack("results")
    return "pending"


def _headline(protocol: dict[str, Any], design: dict, population: dict, results: str) -> str:
    """A factual line: what was registered, its status and size, whether results are posted."""
    phases = _phase_words(design.get("phases") or [])
    what = " ".join(filter(None, [phases, _DESIGN_WORDS.get(design["type"], "study")]))
    status = _code(_obj(protocol.get("statusModule")).get("overallStatus"))
    facts = [status] if status in _STATUSES else []
    if population.get("n") is not None:
        kind = (population.get("n_type") or "").lower()
        facts.append(f"n = {population['n']}" + (f" {kind}" if kind else ""))
    posted = {
        "published": "results posted on the registry",
        "pending": "no results posted",
        "not-applicable": "no results (withdrawn)",
    }[results]
    detail = f" ({', '.join(facts)})" if facts else ""
    return f"Registered {what}{detail}, {posted}; imported, not curated"


def _phase_words(phases: Sequence[str]) -> str:
    """``["PHASE1", "PHASE2"]`` -> ``Phase 1/2``; NA -> ``""``."""
    numbers = [p.removeprefix("EARLY_").removeprefix("PHASE") for p in phases if p != "NA"]
    if not numbers:
        return ""
    early = "Early " if "EARLY_PHASE1" in phases and len(numbers) == 1 else ""
    return f"{early}Phase {'/'.join(numbers)}"


def _condition(protocol: dict[str, Any], log: _Log) -> dict[str, Any]:
    """First registered condition; the other conditions and the keywords as synonyms."""
    module = _obj(protocol.get("conditionsModule"))
    conditions = _texts(module.get("conditions"), 150)
    keywords = _texts(module.get("keywords"), 150)
    if not conditions:
        log.note("no conditions in the record: condition recorded as not stated")
        log.lack("condition")
    name = conditions[0] if conditions else NOT_STATED
    seen = {name.casefold()}
    synonyms = []
    for item in [*conditions[1:], *keywords]:
        if item.casefold() not in seen and len(synonyms) < MAX_SYNONYMS:
            seen.add(item.casefold())
            synonyms.append(item)
    return {"name": name, "synonyms": synonyms, "chronic": True}


def _design(protocol: dict[str, Any], arms: list[dict], log: _Log) -> dict[str, Any]:
    """Design type, allocation, control, comparator, masking and phases as registered."""
    module = _obj(protocol.get("designModule"))
    info = _obj(module.get("designInfo"))
    study_type = _code(module.get("studyType"))
    allocation = _code(info.get("allocation"))
    allocation = allocation if allocation in _ALLOCATIONS else None
    observational = study_type == "OBSERVATIONAL" or (study_type is None and not arms)
    if observational:
        kind, note = _observational_type(info, study_type), None
    else:
        kind, note = _interventional_type(allocation, _code(info.get("interventionModel")), arms)
    if study_type not in {"INTERVENTIONAL", "OBSERVATIONAL"}:
        what = f"study type {study_type}" if study_type else "no study type"
        note = f"Registry record gives {what}; design type recorded conservatively as {kind}."
        log.lack("study type")
    if note:
        log.note(note)
    control, comparator = ("none", None) if observational else _control(arms)
    masking = _code(_obj(info.get("maskingInfo")).get("masking"))
    if masking not in _MASKINGS:
        masking = None
        if not observational:
            log.lack("masking")
    if allocation is None and not observational:
        log.lack("allocation")
    return {
        "type": kind,
        "allocation": allocation,
        "allocation_note": note,
        "control": control,
        "comparator": comparator,
        "masking": masking,
        "phases": _phases(module.get("phases"), log),
    }


def _observational_type(info: dict[str, Any], study_type: str | None) -> str:
    """Prospective or retrospective cohort only when the record says both; else generic."""
    if study_type == "OBSERVATIONAL" and _code(info.get("observationalModel")) == "COHORT":
        perspective = _code(info.get("timePerspective"))
        if perspective in {"PROSPECTIVE", "RETROSPECTIVE"}:
            return f"{perspective.lower()}-cohort"
    return "observational-study"


def _interventional_type(
    allocation: str | None, model: str | None, arms: list[dict]
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


def _control(arms: list[dict]) -> tuple[str, str | None]:
    """Control from the arm types (placebo > sham > no intervention > active) and its labels."""
    roles = {arm.get("role") for arm in arms}
    control = next((name for role, name in _CONTROL_BY_ROLE if role in roles), "none")
    labels = [arm["label"] for arm in arms if arm.get("role") in _COMPARATOR_ROLES]
    return control, ("; ".join(labels) if labels and control != "none" else None)


def _phases(value: object, log: _Log) -> list[str]:
    """Registered phases that the model knows (NA included)."""
    phases = [code for code in (_code(item) for item in _as_list(value)) if code]
    unknown = [p for p in phases if p not in _PHASES]
    if unknown:
        log.note(f"unknown phase value(s) left out: {', '.join(unknown)}")
    return [p for p in phases if p in _PHASES]


def _as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _registration(nct: str, protocol: dict[str, Any], log: _Log) -> dict[str, Any]:
    """Registry facts: status and dates as the record gives them, sponsor, registered design."""
    status_module = _obj(protocol.get("statusModule"))
    status = _code(status_module.get("overallStatus"))
    if status is not None and status not in _STATUSES:
        log.note(f"status {status} is not a study status the model knows; left out")
    sponsor = _obj(_obj(protocol.get("sponsorCollaboratorsModule")).get("leadSponsor"))
    return {
        "nct_id": nct,
        "registry": "ClinicalTrials.gov",
        "status": status if status in _STATUSES else None,
        "status_date": _date(status_module.get("statusVerifiedDate")),
        "first_posted": _date(_obj(status_module.get("studyFirstPostDateStruct")).get("date")),
        "start_date": _date(_obj(status_module.get("startDateStruct")).get("date")),
        "sponsor": _text(sponsor.get("name"), 300),
        "design_as_registered": _design_as_registered(protocol),
        "url": registry_url(nct),
    }


def _design_as_registered(protocol: dict[str, Any]) -> str | None:
    """``interventional; allocation RANDOMIZED; model PARALLEL; ...`` from the design module."""
    module = _obj(protocol.get("designModule"))
    info = _obj(module.get("designInfo"))
    parts = [(_code(module.get("studyType")) or "").lower()]
    for label, value in (
        ("allocation", info.get("allocation")),
        ("model", info.get("interventionModel") or info.get("observationalModel")),
        ("time perspective", info.get("timePerspective")),
        ("masking", _obj(info.get("maskingInfo")).get("masking")),
        ("purpose", info.get("primaryPurpose")),
    ):
        code = _code(value)
        if code:
            parts.append(f"{label} {code}")
    phases = [p for p in (_code(v) for v in _as_list(module.get("phases"))) if p]
    if phases:
        parts.append("phases " + ", ".join(phases))
    text = "; ".join(p for p in parts if p)
    return _text(text, 300) if text else None


def _sources(
    nct: str, record: dict[str, Any], protocol: dict[str, Any], log: _Log
) -> list[dict[str, Any]]:
    """The registry record, then one PubMed source per referenced PMID."""
    status_module = _obj(protocol.get("statusModule"))
    version = _text(
        _obj(_obj(record.get("derivedSection")).get("miscInfoModule")).get("versionHolder")
    )
    sources = [
        {
            "key": "registry",
            "kind": "registry",
            "title": f"ClinicalTrials.gov record {nct}",
            "url": registry_url(nct),
            "date": _date(_obj(status_module.get("lastUpdatePostDateStruct")).get("date")),
            "note": f"API v2 record, data version {version}" if version else "API v2 record",
        }
    ]
    keys = {"registry"}
    skipped = 0
    for reference in _dicts(_obj(protocol.get("referencesModule")).get("references")):
        pmid = reference.get("pmid")
        pmid = pmid.strip() if isinstance(pmid, str) else None
        if not pmid or not re.fullmatch(r"\d{1,9}", pmid):
            skipped += 1
            continue
        if f"pubmed-{pmid}" in keys:
            continue
        keys.add(f"pubmed-{pmid}")
        kind = _code(reference.get("type"))
        sources.append(
            {
                "key": f"pubmed-{pmid}",
                "kind": "paper",
                "title": _text(reference.get("citation"), 300) or f"PubMed record {pmid}",
                "url": f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/",
                "note": f"reference type on the registry: {kind}" if kind else None,
            }
        )
    if skipped:
        log.note(f"{skipped} reference(s) without a PMID left out")
    return sources


def _population(protocol: dict[str, Any], log: _Log) -> dict[str, Any]:
    """Enrollment (count and ACTUAL/ESTIMATED) and the eligibility summary in words."""
    enrollment = _obj(_obj(protocol.get("designModule")).get("enrollmentInfo"))
    n = _count(enrollment.get("count"))
    n_type = _code(enrollment.get("type"))
    if n is None:
        log.lack("number of participants")
    eligibility = _obj(protocol.get("eligibilityModule"))
    if not eligibility:
        log.lack("eligibility criteria")
    log.lack("participants' age (the registry gives eligibility limits only)")
    return {
        "species": "human",
        "n": n,
        "n_type": n_type if n is not None and n_type in {"ACTUAL", "ESTIMATED"} else None,
        "description": _eligibility_words(eligibility),
        "inclusion": _inclusion(eligibility.get("eligibilityCriteria"), log),
    }


def _eligibility_words(eligibility: dict[str, Any]) -> str | None:
    """``Participants of any sex, aged 12 years to 24 years; no healthy volunteers.``"""
    if not eligibility:
        return None
    sex = {
        "ALL": "Participants of any sex",
        "FEMALE": "Female participants",
        "MALE": "Male participants",
    }.get(_code(eligibility.get("sex")) or "", "Participants")
    low = _text(eligibility.get("minimumAge"), 40)
    high = _text(eligibility.get("maximumAge"), 40)
    ages = {
        (True, True): f", aged {low} to {high}",
        (True, False): f", aged {low} or older",
        (False, True): f", aged up to {high}",
        (False, False): "",
    }[(low is not None, high is not None)].lower()
    healthy = eligibility.get("healthyVolunteers")
    volunteers = {True: "; healthy volunteers accepted", False: "; no healthy volunteers"}
    words = sex + ages + (volunteers[healthy] if isinstance(healthy, bool) else "") + "."
    population = _text(eligibility.get("studyPopulation"), 400)
    if population:
        words += f" Study population: {population}"
    return None if words == "Participants." else words


def _inclusion(criteria: object, log: _Log) -> list[str]:
    """The first few inclusion criteria (bullets under "Inclusion Criteria")."""
    raw = _raw_text(criteria)
    if raw is None:
        return []
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    items: list[str] = []
    for line in lines:
        if re.match(r"^\W*exclusion criteria", line, re.IGNORECASE):
            break
        if re.match(r"^\W*inclusion criteria", line, re.IGNORECASE):
            continue
        bullet = _BULLET.match(line)
        text = _text(bullet.group(1) if bullet else line, 200)
        if text:
            items.append(text)
    if len(items) > MAX_INCLUSION:
        log.note(f"inclusion criteria: first {MAX_INCLUSION} of {len(items)} kept")
    return items[:MAX_INCLUSION]


def _arms(protocol: dict[str, Any], results: dict[str, Any], log: _Log) -> list[dict[str, Any]]:
    """Arm groups as registered; n per arm only from an unambiguous participant-flow match."""
    module = _obj(protocol.get("armsInterventionsModule"))
    arms: list[dict[str, Any]] = []
    keys: set[str] = set()
    for index, group in enumerate(_dicts(module.get("armGroups")), 1):
        label = _text(group.get("label"), 200)
        if label is None:
            continue
        key = base = _slug(label, f"arm-{index}")
        suffix = 2
        while key in keys:
            key, suffix = f"{base}-{suffix}", suffix + 1
        keys.add(key)
        role = _code(group.get("type"))
        arms.append(
            {
                "key": key,
                "label": label,
                "role": role if role in _ARM_ROLES else None,
                "description": _text(group.get("description")),
            }
        )
    _arm_sizes(arms, _obj(results.get("participantFlowModule")), log)
    return arms


def _arm_sizes(arms: list[dict[str, Any]], flow: dict[str, Any], log: _Log) -> None:
    """Set ``n`` from the first period's STARTED milestone where group and arm names match."""
    periods = _dicts(flow.get("periods"))
    if not arms or not periods:
        return
    started = next(
        (m for m in _dicts(periods[0].get("milestones")) if _code(m.get("type")) == "STARTED"), {}
    )
    counts = {
        _id(a.get("groupId")): _count(a.get("numSubjects"))
        for a in _dicts(started.get("achievements"))
    }
    by_name: dict[str, list[int]] = {}
    for index, arm in enumerate(arms):
        by_name.setdefault(_norm(arm["label"]), []).append(index)
    matched: dict[int, int] = {}
    taken: set[int] = set()
    counts.pop(None, None)
    by_name.pop("", None)
    for group in _dicts(flow.get("groups")):
        hits = by_name.get(_norm(_text(group.get("title"))), [])
        n = counts.get(_id(group.get("id")) or "")
        if len(hits) == 1 and n is not None:
            if hits[0] in taken:
                matched.pop(hits[0], None)
                continue
            taken.add(hits[0])
            matched[hits[0]] = n
    for index, n in matched.items():
        arms[index]["n"] = n
    if len(matched) < len(arms):
        log.lack("number of participants in some arms")


def _intervention(protocol: dict[str, Any], design_type: str, log: _Log) -> dict[str, Any]:
    """Registered interventions (those of the experimental arms when marked) and cell facts."""
    module = _obj(protocol.get("armsInterventionsModule"))
    interventions = _dicts(module.get("interventions"))
    experimental = [
        g for g in _dicts(module.get("armGroups")) if _code(g.get("type")) == "EXPERIMENTAL"
    ]
    labels = {_text(g.get("label")) for g in experimental}
    chosen = [
        i for i in interventions if labels & {_text(x) for x in _as_list(i.get("armGroupLabels"))}
    ] or interventions
    names = list(dict.fromkeys(n for n in (_text(i.get("name"), 150) for i in chosen) if n))
    if not names:
        observational = design_type in {
            "observational-study",
            "prospective-cohort",
            "retrospective-cohort",
        }
        if not observational:
            log.lack("intervention")
            log.note("no interventions in the record: intervention recorded as not stated")
        return {"name": NO_INTERVENTION if observational else NOT_STATED}
    ident = _obj(protocol.get("identificationModule"))
    texts = [ident.get("briefTitle"), ident.get("officialTitle")]
    for item in chosen:
        texts += [item.get("name"), item.get("description"), *_as_list(item.get("otherNames"))]
    texts += [group.get("description") for group in experimental]
    facts = _cell_facts(" ".join(t for t in texts if isinstance(t, str)), log)
    return {"name": shorten("; ".join(names), 300), **facts}


def _cell_facts(text: str, log: _Log) -> dict[str, str]:
    """Cell type, tissue origin and cell source, each only when exactly one is named."""
    text = text.casefold()
    facts: dict[str, str] = {}
    for name, patterns, missing in (
        ("cell_type", _CELL_TYPES, "cell type"),
        ("tissue_origin", _TISSUES, "tissue origin"),
        ("cell_source", _CELL_SOURCES, "autologous or allogeneic"),
    ):
        found = [value for value, pattern in patterns.items() if re.search(pattern, text)]
        if len(found) == 1:
            facts[name] = found[0]
            log.note(f"{name} set to {found[0]} from the record text: check it")
        else:
            log.lack(missing)
            if len(found) > 1:
                log.note(f"{name} left out: the record names several ({', '.join(found)})")
    return facts


# --- outcomes -----------------------------------------------------------------------------


def _outcomes(record: dict[str, Any], protocol: dict[str, Any], log: _Log) -> list[dict]:
    """Posted results, then registered outcomes without a posted result, then adverse events."""
    results = record.get("resultsSection")
    results = results if isinstance(results, dict) else {}
    measures = _dicts(_obj(results.get("outcomeMeasuresModule")).get("outcomeMeasures"))
    posted: list[dict[str, Any]] = []
    skipped = 0
    for measure in measures:
        rows, bad = _measure_outcomes(measure)
        posted += rows
        skipped += bad
    if skipped:
        log.note(f"{skipped} posted result value(s) were not usable numbers and were left out")
    reported = {_norm(_text(m.get("title"), 300)) for m in measures} - {""}
    extra = _registered_outcomes(protocol, reported) + _adverse_events(results, log)
    room = max(MAX_OUTCOMES - len(extra), MAX_OUTCOMES // 2)
    if len(posted) > room:  # keep primary results first
        posted = sorted(posted, key=lambda outcome: not outcome.get("primary"))
    outcomes = posted[:room] + extra
    if not outcomes:
        log.lack("outcome measures")
    left_out = len(posted) - len(posted[:room]) + max(len(outcomes) - MAX_OUTCOMES, 0)
    if left_out:
        log.note(f"{left_out} outcome rows left out (at most {MAX_OUTCOMES} are kept)")
    return outcomes[:MAX_OUTCOMES]


def _registered_outcomes(protocol: dict[str, Any], reported: set[str]) -> list[dict[str, Any]]:
    """Registered primary and secondary measures that have no posted result."""
    module = _obj(protocol.get("outcomesModule"))
    out = []
    for key, primary in (("primaryOutcomes", True), ("secondaryOutcomes", False)):
        for item in _dicts(module.get(key)):
            measure = _text(item.get("measure"), 300)
            if measure is None or _norm(measure) in reported:
                continue
            out.append(
                {
                    "measure": measure,
                    "timepoint": _text(item.get("timeFrame"), 300),
                    "primary": primary,
                    "statement": NO_RESULT,
                    "source": "registry",
                }
            )
    return out


def _measure_outcomes(measure: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """One outcome per group (and class/category) of a posted measure; count of skipped values."""
    title = _text(measure.get("title"), 300)
    groups = {_id(g.get("id")): _text(g.get("title"), 200) for g in _dicts(measure.get("groups"))}
    if title is None:
        return [], 0
    unit = _text(measure.get("unitOfMeasure"), 100)
    param = _code(measure.get("paramType"))
    counting = param == "COUNT_OF_PARTICIPANTS" or (unit or "").casefold() in _PARTICIPANT_UNITS
    common = {
        "timepoint": _text(measure.get("timeFrame"), 300),
        "primary": _code(measure.get("type")) == "PRIMARY",
        "source": "registry",
    }
    shape = _Shape(unit, param.replace("_", " ").lower() if param else None, measure)
    rows: list[dict[str, Any]] = []
    skipped = 0
    for cls in _dicts(measure.get("classes")):
        denominators = _denominators(cls) or _denominators(measure)
        for category in _dicts(cls.get("categories")):
            name = ": ".join(
                filter(
                    None, [title, _text(cls.get("title"), 150), _text(category.get("title"), 150)]
                )
            )
            for value in _dicts(category.get("measurements")):
                group_id = _id(value.get("groupId"))
                group = groups.get(group_id) if group_id else None
                total = denominators.get(group_id)
                result = _counts(value, total) if counting else None
                result = result or shape.estimate(value, total)
                if group is None:
                    continue
                if result is None:
                    skipped += 1
                    continue
                rows.append({"measure": name, "group": group, **common, **result})
    return rows, skipped


def _denominators(part: dict[str, Any]) -> dict[str | None, int]:
    """Participants analysed per group id, from the ``denoms`` counted in participants."""
    for denom in _dicts(part.get("denoms")):
        units = _text(denom.get("units"), 100) or ""
        if units.casefold() in _PARTICIPANT_UNITS:
            return {
                _id(c.get("groupId")): n
                for c in _dicts(denom.get("counts"))
                if (n := _count(c.get("value"))) is not None
            }
    return {}


def _counts(value: dict[str, Any], total: int | None) -> dict[str, Any] | None:
    """``{"counts": {events, total}}`` when the count fits its denominator."""
    events = _count(value.get("value"))
    if events is None or not total or events > total:
        return None
    return {"counts": {"events": events, "total": total}}


@dataclass(frozen=True)
class _Shape:
    """How a posted measure's numbers are to be read: unit, method, dispersion."""

    unit: str | None
    method: str | None
    measure: dict[str, Any]

    def estimate(self, value: dict[str, Any], total: int | None) -> dict[str, Any] | None:
        """``{"estimate": ..., "statement": ...}`` for one group's value, or None if not numeric."""
        number = parse_number(value.get("value"))
        if number is None:
            return None
        words, level = _dispersion(self.measure.get("dispersionType"))
        estimate: dict[str, Any] = {"value": number, "unit": self.unit, "method": self.method}
        low, high = parse_number(value.get("lowerLimit")), parse_number(value.get("upperLimit"))
        spread = parse_number(value.get("spread"))
        notes = []
        if level is not None and low is not None and high is not None and low <= high:
            estimate["interval"] = {"lower": low, "upper": high, "level": level}
        elif words and low is not None and high is not None:
            notes.append(f"{words} {_num(low)} to {_num(high)}")
        elif words and spread is not None:
            notes.append(f"{words} {_num(spread)}")
        if total is not None:
            notes.append(f"{total} participants analysed")
        statement = "; ".join(notes)
        return {"estimate": estimate, "statement": (statement[:1].upper() + statement[1:]) or None}


def _num(value: int | float) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def _dispersion(value: object) -> tuple[str | None, int | float | None]:
    """Dispersion in words, and the confidence level when it is a confidence interval.

    Accepts the display form ("95% Confidence Interval", "Full Range") and the enum form
    ("CONFIDENCE_95", "FULL_RANGE").
    """
    text = _text(value, 100)
    if text is None or text.upper() in {"NA", "NOT APPLICABLE"}:
        return None, None
    if "CONFIDENCE" in text.upper():
        found = re.search(r"(\d+(?:\.\d+)?)\s*%", text) or re.search(
            r"CONFIDENCE_(\d+)", text.upper()
        )
        level = parse_number(found.group(1)) if found else None
        if isinstance(level, int) and level > 100:
            level = level / 10  # CONFIDENCE_975
        if level is not None and 0 < level < 100:
            return f"{_num(level)}% confidence interval", level
        return "confidence interval (level not given)", None
    return text.replace("_", " ").lower(), None


def _adverse_events(results: dict[str, Any], log: _Log) -> list[dict[str, Any]]:
    """Per event group: participants with serious and with other adverse events, and deaths."""
    module = _obj(results.get("adverseEventsModule"))
    groups = _dicts(module.get("eventGroups"))
    if results and not groups:
        log.lack("adverse-event counts")
    threshold = parse_number(module.get("frequencyThreshold"))
    other_note = (
        f"Other adverse events are reported above a frequency threshold of {_num(threshold)}%"
        if threshold
        else None
    )
    timepoint = _text(module.get("timeFrame"), 300)
    out = []
    for group in groups:
        label = _text(group.get("title"), 200)
        for prefix, measure, statement in (
            ("serious", "Participants with serious adverse events", None),
            ("other", "Participants with other adverse events", other_note),
            ("deaths", "Deaths (all causes)", None),
        ):
            events = _count(group.get(f"{prefix}NumAffected"))
            total = _count(group.get(f"{prefix}NumAtRisk"))
            if label is None or events is None or not total or events > total:
                continue
            out.append(
                {
                    "measure": measure,
                    "group": label,
                    "timepoint": timepoint,
                    "counts": {"events": events, "total": total},
                    "statement": statement,
                    "source": "registry",
                }
            )
    return out


def _limitations(record: dict[str, Any], protocol: dict[str, Any]) -> list[str]:
    """The not-curated caveat, why the study stopped, and the record's own stated caveats."""
    out = [NOT_CURATED]
    why = _text(_obj(protocol.get("statusModule")).get("whyStopped"), 300)
    if why:
        out.append(f"Stopped early, as stated on the registry: {why}")
    more = _obj(_obj(record.get("resultsSection")).get("moreInfoModule"))
    caveats = _text(_obj(more.get("limitationsAndCaveats")).get("description"))
    if caveats:
        out.append(f"Limitations stated on the registry: {caveats}")
    return out


# --- descriptor as plain data and YAML ----------------------------------------------------


_DEFAULT_FALSE = frozenset({"primary", "secondary"})


def _prune(value: Any) -> Any:
    """Drop None, empty lists and mappings, and false flags whose default is false."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            item = _prune(item)
            if (
                item is None
                or item == []
                or item == {}
                or (key in _DEFAULT_FALSE and item is False)
            ):
                continue
            out[key] = item
        return out
    if isinstance(value, list):
        return [_prune(item) for item in value]
    return value


def plain_descriptor(study: Study) -> dict[str, Any]:
    """A study as plain data in model order, empty values left out (ready for YAML)."""
    return _prune(study.model_dump(mode="json", exclude_none=True))


class _Dumper(yaml.SafeDumper):
    """Safe YAML without anchors or aliases (the loader refuses them)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def to_yaml(descriptor: dict[str, Any]) -> str:
    """Descriptor YAML text with a header saying it was imported and is not curated."""
    nct = _obj(descriptor.get("registration")).get("nct_id") or descriptor.get("id")
    header = (
        f"# Imported from ClinicalTrials.gov record {nct} by stemcell import.\n"
        "# Not curated: check it against the registry record and the papers.\n"
    )
    body = yaml.dump(
        descriptor, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, indent=2
    )
    return header + body


def _errors(error: ValidationError) -> str:
    """The first few validation errors on one line."""
    items = error.errors(include_url=False, include_input=False)
    parts = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in items[:3]]
    more = f" (and {len(items) - 3} more)" if len(items) > 3 else ""
    return "; ".join(parts) + more


# --- reading input files ------------------------------------------------------------------


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "a single value"


def _read_bytes(path: Path) -> bytes:
    """A regular file of at most MAX_INPUT_BYTES, read without blocking on FIFOs."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise StemcellError(f"{path}: cannot read: {error.strerror or error}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise StemcellError(f"{path}: is a folder, not a JSON file")
        if not stat.S_ISREG(info.st_mode):
            raise StemcellError(f"{path}: not a regular file")
        if info.st_size > MAX_INPUT_BYTES:
            raise StemcellError(f"{path}: larger than 64 MiB ({info.st_size} bytes); not read")
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(MAX_INPUT_BYTES + 1)
    except OSError as error:
        raise StemcellError(f"{path}: cannot read: {error.strerror or error}") from None
    finally:
        os.close(fd)
    if len(data) > MAX_INPUT_BYTES:
        raise StemcellError(f"{path}: larger than 64 MiB; not read")
    return data


def _read_records(path: Path) -> tuple[list[Any], bool]:
    """The study records in a file, and whether the file was a search page."""
    data = _read_bytes(path)
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise StemcellError(f"{path}: not UTF-8 text (bad byte at offset {error.start})") from None
    except RecursionError:
        raise StemcellError(f"{path}: not usable JSON: nested too deeply") from None
    except ValueError as error:
        raise StemcellError(f"{path}: not valid JSON: {error}") from None
    expected = 'a ClinicalTrials.gov API v2 study record {"protocolSection": ...} or search page'
    if not isinstance(document, dict):
        raise StemcellError(f"{path}: the top level is {_json_kind(document)}; expected {expected}")
    if "protocolSection" in document:
        return [document], False
    if "studies" in document:
        studies = document["studies"]
        if not isinstance(studies, list):
            raise StemcellError(f"{path}: 'studies' is {_json_kind(studies)}, not a list")
        if not studies:
            raise StemcellError(f"{path}: the search page holds no studies")
        return studies, True
    if _CLASSIC_KEYS & set(document):
        raise StemcellError(
            f"{path}: a record of the retired classic (v1) API; download API v2 JSON instead"
        )
    raise StemcellError(f"{path}: no protocolSection or studies; expected {expected}")


def records_from_file(path: Path) -> list[Any]:
    """The study records in a file: one record, or every entry of a search page.

    Raises ``StemcellError`` naming the file when it cannot be read, is not JSON, or has
    another shape. Page entries are checked one by one later (``descriptor_from_record``).
    """
    return _read_records(path)[0]


# --- writing descriptors ------------------------------------------------------------------


@dataclass(frozen=True)
class StudyImport:
    """What happened to one study: ``written``, ``skipped: ...`` or ``failed: <reason>``."""

    source: Path
    position: int | None  # 1-based place in a search page; None for a single-record file
    nct_id: str | None
    path: Path | None
    status: str
    notes: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        """Whether the study could not be imported."""
        return self.status.startswith("failed")

    @property
    def where(self) -> str:
        """``page.json`` or ``page.json, study 2``."""
        return f"{self.source}, study {self.position}" if self.position else str(self.source)

    def lines(self) -> list[str]:
        """Report lines: ``page.json, study 1: NCT... -> out/nct....yaml: written`` and notes."""
        target = f" -> {self.path}" if self.path and not self.failed else ""
        head = f"{self.where}: {self.nct_id or 'no NCT id'}{target}: {self.status}"
        return [head, *(f"  note: {note}" for note in self.notes)]


@dataclass(frozen=True)
class FileError:
    """An input file that could not be read as records; nothing was written from it."""

    path: Path
    message: str


@dataclass
class ImportReport:
    """Per-study outcomes and per-file errors of one import run."""

    studies: list[StudyImport] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every file was read and no study failed (skipped ones are fine)."""
        return not self.errors and not any(s.failed for s in self.studies)

    @property
    def exit_code(self) -> int:
        """0 when ``ok``, else 1."""
        return 0 if self.ok else 1

    def count(self, status: str) -> int:
        """How many studies have a status starting with ``status`` (written/skipped/failed)."""
        return sum(1 for s in self.studies if s.status.startswith(status))

    def summary(self) -> str:
        """``2 written, 1 skipped, 1 failed; 1 file not read``."""
        counts = ", ".join(f"{self.count(s)} {s}" for s in ("written", "skipped", "failed"))
        unread = len(self.errors)
        return counts + (f"; {unread} file{'s' if unread > 1 else ''} not read" if unread else "")


def import_files(paths: Iterable[Path], out_dir: Path, *, force: bool = False) -> ImportReport:
    """Import every study in the files into ``out_dir`` (created if missing).

    Never overwrites an existing descriptor unless ``force``; writes each file atomically;
    an unreadable file or a bad study is reported and the rest carries on.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StemcellError(
            f"cannot create the output folder {out_dir}: {error.strerror or error}"
        ) from None
    if not out_dir.is_dir():
        raise StemcellError(f"output folder {out_dir} is not a folder")
    report = ImportReport()
    done: set[str] = set()
    for path in paths:
        try:
            records, paged = _read_records(path)
        except StemcellError as error:
            report.errors.append(FileError(path, str(error)))
            continue
        for index, record in enumerate(records, 1):
            position = index if paged else None
            report.studies.append(_import_one(record, path, position, out_dir, force, done))
    return report


def _import_one(
    record: Any, source: Path, position: int | None, out_dir: Path, force: bool, done: set[str]
) -> StudyImport:
    """Convert, validate and write one record; never raises for bad content."""
    nct = nct_id_of(record)
    try:
        descriptor, notes = descriptor_from_record(record)
        Study.model_validate(descriptor)
        text = to_yaml(descriptor)
    except (ValueError, RecursionError) as error:
        return StudyImport(source, position, nct, None, f"failed: {error}")
    if len(text.encode("utf-8")) > MAX_DESCRIPTOR_BYTES:
        return StudyImport(source, position, nct, None, "failed: descriptor larger than 1 MiB")
    target = out_dir / f"{descriptor['id']}.yaml"
    result = StudyImport(source, position, nct, target, "written", tuple(notes))
    if descriptor["id"] in done:
        return _status(result, "skipped: same study earlier in this import")
    done.add(descriptor["id"])
    existed = target.exists() or target.is_symlink()
    if existed and not force:
        return _status(result, "skipped: exists")
    try:
        write_atomic(target, text, replace=force)
    except FileExistsError:
        return _status(result, "skipped: exists")
    except OSError as error:
        return _status(result, f"failed: cannot write {target}: {error.strerror or error}")
    if existed:
        return StudyImport(source, position, nct, target, "written", (*notes, "replaced (--force)"))
    return result


def _status(result: StudyImport, status: str) -> StudyImport:
    return StudyImport(
        result.source, result.position, result.nct_id, result.path, status, result.notes
    )


def write_atomic(target: Path, text: str, *, replace: bool = False) -> None:
    """Write ``text`` to ``target`` via a synced temporary file in the same folder.

    Without ``replace`` an existing ``target`` is left alone (``FileExistsError``), even
    one created meanwhile; the temporary file never outlives the call.
    """
    mode = _file_mode(target)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(text.encode("utf-8"))
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, mode)
        if replace:
            os.replace(temp, target)
        else:
            _link_new(temp, target)
        _sync_folder(target.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)


def _link_new(temp: str, target: Path) -> None:
    """Give ``temp`` the name ``target`` only if that name is free (atomic where links work)."""
    try:
        os.link(temp, target)
    except FileExistsError:
        raise
    except OSError:  # no hard links on this file system: check, then rename
        if target.exists() or target.is_symlink():
            raise FileExistsError(errno.EEXIST, "file exists", str(target)) from None
        os.replace(temp, target)


def _file_mode(target: Path) -> int:
    """The existing file's permissions, else the usual ones for a new file (umask applied)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _sync_folder(folder: Path) -> None:
    """Make the rename durable where the platform allows syncing a folder."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
