"""One API v2 study record -> one descriptor: a table of plain fields, a few named decisions.

Only what the record states is mapped; everything else is left out and named in
``not_available`` and in the import notes. Choices worth knowing:

- ``condition.chronic`` keeps the model default (true): the registry does not say.
- ``results`` is ``published`` when the record has a ``resultsSection`` (or says
  ``hasResults``), ``not-applicable`` for a withdrawn study, ``unknown`` when the record says
  neither (a partial record, e.g. a search fetched with a field filter), else ``pending``.
- A count of people of ``MAX_PEOPLE`` (10**10) or more is not one: it is left out, noted.
- The design, the arms and the intervention: see ``design.py``.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from ..model.descriptor import Study
from ..model.registry import CTGOV, registry_url
from ..model.vocab import MAX_PEOPLE, OverallStatus
from ..views.describe import code_words
from .arms import arms_of, groups_of
from .design import (
    NOT_STATED,
    design_as_registered,
    design_of,
    intervention_of,
    population_of,
)
from .log import Log
from .record import (
    CONDITIONS,
    DESCRIPTION,
    DESIGN,
    IDENT,
    PROTOCOL,
    REFERENCES,
    RESULTS,
    SPONSOR,
    STATUS,
    Record,
    json_kind,
    nct_id_of,
)
from .results import outcomes_of

SUMMARY_CHARS = 1500
MAX_SYNONYMS = 30

PROVENANCE = (
    f"Imported from {CTGOV} record {{nct}} (API v2) by stemcell import; not curated: "
    "check against the record and papers before relying on it."
)
NOT_CURATED = "Imported registry record: not curated."

MODULES = (  # named in the notes when missing
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
_STATUSES = frozenset(typing.get_args(OverallStatus))

Reader = Callable[[Record, str], Any]


def _text(limit: int) -> Reader:
    """Reads one line of text of at most ``limit`` characters."""
    return lambda rec, path: rec.text(path, limit)


def _one_of(allowed: typing.Collection[str]) -> Reader:
    """Reads an enum value that the model knows (another one reads as missing)."""
    return lambda rec, path: code if (code := rec.code(path)) in allowed else None


# descriptor field <- (registry path, reader); the decisions below fill in the rest
FIELDS: dict[str, tuple[str, Reader]] = {
    "summary": (f"{DESCRIPTION}.briefSummary", _text(SUMMARY_CHARS)),
    "publication.title": (f"{IDENT}.officialTitle", _text(1000)),
    "publication.institution": (f"{IDENT}.organization.fullName", _text(300)),
    "registration.status": (f"{STATUS}.overallStatus", _one_of(_STATUSES)),
    "registration.status_date": (f"{STATUS}.statusVerifiedDate", Record.date),
    "registration.first_posted": (f"{STATUS}.studyFirstPostDateStruct.date", Record.date),
    "registration.start_date": (f"{STATUS}.startDateStruct.date", Record.date),
    "registration.primary_completion": (f"{STATUS}.primaryCompletionDateStruct.date", Record.date),
    "registration.completion": (f"{STATUS}.completionDateStruct.date", Record.date),
    "registration.why_stopped": (f"{STATUS}.whyStopped", _text(300)),
    "registration.brief_title": (f"{IDENT}.briefTitle", _text(300)),
    "registration.sponsor": (f"{SPONSOR}.leadSponsor.name", _text(300)),
    "population.n": (f"{DESIGN}.enrollmentInfo.count", Record.count),
    "population.n_type": (f"{DESIGN}.enrollmentInfo.type", _one_of({"ACTUAL", "ESTIMATED"})),
}
FIXED: dict[str, Any] = {
    "kind": "clinical",
    "condition.chronic": True,
    "registration.registry": CTGOV,
    "population.species": "human",
}


def descriptor_from_record(record: Any) -> tuple[dict[str, Any], list[str]]:
    """The descriptor for one API v2 study record, as plain data, and notes on what is missing.

    The dict has the model's key order, no empty values, and validates as a ``Study``.
    Raises ``ValueError`` for a record that cannot be used (not a record, no NCT id,
    an expanded-access record, a descriptor that does not validate).
    """
    if not isinstance(record, dict):
        raise ValueError(f"a study record is a JSON object, not {json_kind(record)}")
    rec = Record(record)
    if not rec.has(PROTOCOL):
        raise ValueError("no protocolSection: not a ClinicalTrials.gov API v2 study record")
    nct = nct_id_of(record)
    if nct is None:
        raise ValueError("no valid NCT id (protocolSection.identificationModule.nctId)")
    if rec.code(f"{DESIGN}.studyType") == "EXPANDED_ACCESS":
        raise ValueError(f"{nct} is an expanded-access record, not a study; not imported")
    log = Log()
    for name in MODULES:
        if not rec.has(f"{PROTOCOL}.{name}"):
            log.note(f"no {name}")
    data = _build(rec, nct, log)
    try:
        study = Study.model_validate(data)
    except ValidationError as error:
        raise ValueError(f"{nct}: the imported descriptor is not valid: {_errors(error)}") from None
    return plain_descriptor(study), log.notes


def _build(rec: Record, nct: str, log: Log) -> dict[str, Any]:
    """Every descriptor field: the table, then the decisions (in the order they depend)."""
    fields = {**FIXED, **{name: read(rec, path) for name, (path, read) in FIELDS.items()}}
    fields["results"] = _results_state(rec, log)
    groups = groups_of(rec)
    arms = arms_of(rec, groups, log)
    fields.update(design_of(rec, groups, log))
    fields.update(population_of(rec, fields, log))
    fields["title"] = _title(rec, nct, log)
    fields["headline"] = _headline(fields)
    fields.update(_condition(rec, log))
    _check_status(rec, log)
    fields.update(
        {
            "id": nct.lower(),
            "registration.nct_id": nct,
            "registration.design_as_registered": design_as_registered(rec),
            "registration.url": registry_url(nct),
            "sources": _sources(rec, nct, log),
            "arms": arms,
            "intervention": intervention_of(rec, groups, fields["design.type"], log),
            "outcomes": outcomes_of(rec, log),
            "limitations": _limitations(rec),
        }
    )
    if rec.too_large:
        places = list(dict.fromkeys(rec.too_large))
        more = " ..." if len(places) > 3 else ""
        log.note(
            f"{len(places)} count(s) of {MAX_PEOPLE:,} or more left out (not a number of "
            f"people): {', '.join(places[:3])}{more}"
        )
    fields["not_available"] = log.missing
    fields["provenance"] = PROVENANCE.format(nct=nct)
    return _nest(fields)


def _nest(fields: dict[str, Any]) -> dict[str, Any]:
    """``{"a.b": 1}`` -> ``{"a": {"b": 1}}``."""
    out: dict[str, Any] = {}
    for key, value in fields.items():
        *parents, last = key.split(".")
        node = out
        for parent in parents:
            node = node.setdefault(parent, {})
        node[last] = value
    return out


def _results_state(rec: Record, log: Log) -> str:
    """``published``, ``pending`` or ``not-applicable`` (withdrawn: nobody was enrolled)."""
    if rec.has(RESULTS):
        return "published"
    if rec.get("hasResults") is True:
        log.note("hasResults is true but the file has no resultsSection: results not imported")
        log.lack("posted results (not in the downloaded file)")
        return "published"
    if rec.code(f"{STATUS}.overallStatus") == "WITHDRAWN":
        log.note("no resultsSection: study withdrawn before enrolment")
        return "not-applicable"
    if not isinstance(rec.get("hasResults"), bool):
        log.note("no resultsSection or hasResults: whether results were posted is not known")
        log.lack("whether results were posted")
        return "unknown"
    log.note("no resultsSection: results pending")
    log.lack("results")
    return "pending"


def _title(rec: Record, nct: str, log: Log) -> str:
    """The brief title, else the official one, else the record's name."""
    title = rec.text(f"{IDENT}.briefTitle", 300) or rec.text(f"{IDENT}.officialTitle", 300)
    if title is None:
        log.note("no briefTitle or officialTitle")
    return title or f"{CTGOV} record {nct}"


_DESIGN_WORDS = {
    "randomized-trial": "randomized trial",
    "non-randomized-trial": "non-randomized trial",
    "single-group-trial": "single-group trial",
    "unknown": "study of unstated design",
    "observational-study": "observational study",
    "prospective-cohort": "prospective cohort study",
    "retrospective-cohort": "retrospective cohort study",
}
_POSTED = {
    "published": "results posted on the registry",
    "pending": "no results posted",
    "not-applicable": "no results (withdrawn)",
    "unknown": "results not known from the record",
}


def _headline(fields: dict[str, Any]) -> str:
    """A factual line: what was registered, its status and size, whether results are posted."""
    phases = _phase_words(fields["design.phases"])
    what = " ".join(filter(None, [phases, _DESIGN_WORDS.get(fields["design.type"], "study")]))
    status = fields["registration.status"]
    facts = [code_words(status)] if status else []  # words, not registry codes
    if fields["population.n"] is not None:
        kind = (fields["population.n_type"] or "").lower()
        facts.append(f"n = {fields['population.n']}" + (f" {kind}" if kind else ""))
    detail = f" ({', '.join(facts)})" if facts else ""
    return f"Registered {what}{detail}, {_POSTED[fields['results']]}; imported, not curated"


def _phase_words(phases: list[str]) -> str:
    """``["PHASE1", "PHASE2"]`` -> ``Phase 1/2``; NA -> ``""``."""
    numbers = [p.removeprefix("EARLY_").removeprefix("PHASE") for p in phases if p != "NA"]
    if not numbers:
        return ""
    early = "Early " if "EARLY_PHASE1" in phases and len(numbers) == 1 else ""
    return f"{early}Phase {'/'.join(numbers)}"


def _condition(rec: Record, log: Log) -> dict[str, Any]:
    """First registered condition, the other conditions as synonyms; the keywords apart (they
    name drugs, methods and places as often as conditions)."""
    conditions = rec.texts(f"{CONDITIONS}.conditions", 150)
    keywords = list({k.casefold(): k for k in rec.texts(f"{CONDITIONS}.keywords", 150)}.values())
    if not conditions:
        log.note("no conditions in the record: condition recorded as not stated")
        log.lack("condition")
    name = conditions[0] if conditions else NOT_STATED
    seen = {name.casefold()}
    synonyms: list[str] = []
    for item in conditions[1:]:
        if item.casefold() not in seen and len(synonyms) < MAX_SYNONYMS:
            seen.add(item.casefold())
            synonyms.append(item)
    return {
        "condition.name": name,
        "condition.synonyms": synonyms,
        "keywords": keywords[:MAX_SYNONYMS],
    }


def _check_status(rec: Record, log: Log) -> None:
    """Note a status the model does not know (the table leaves it out)."""
    status = rec.code(f"{STATUS}.overallStatus")
    if status is not None and status not in _STATUSES:
        log.note(f"status {status} is not a study status the model knows; left out")


def _sources(rec: Record, nct: str, log: Log) -> list[dict[str, Any]]:
    """The registry record, then one PubMed source per referenced PMID."""
    version = rec.text("derivedSection.miscInfoModule.versionHolder")
    sources = [
        {
            "key": "registry",
            "kind": "registry",
            "title": f"{CTGOV} record {nct}",
            "url": registry_url(nct),
            "date": rec.date(f"{STATUS}.lastUpdatePostDateStruct.date"),
            "note": f"API v2 record, data version {version}" if version else "API v2 record",
        }
    ]
    keys = {"registry"}
    skipped = 0
    for reference in rec.objs(f"{REFERENCES}.references"):
        pmid = reference.id("pmid")
        pmid = pmid.strip() if pmid else None
        if not pmid or not re.fullmatch(r"\d{1,9}", pmid):
            skipped += 1
            continue
        if f"pubmed-{pmid}" in keys:
            continue
        keys.add(f"pubmed-{pmid}")
        kind = reference.code("type")
        sources.append(
            {
                "key": f"pubmed-{pmid}",
                "kind": "paper",
                "title": reference.text("citation", 300) or f"PubMed record {pmid}",
                "url": f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/",
                "note": f"reference type on the registry: {kind}" if kind else None,
            }
        )
    if skipped:
        log.note(f"{skipped} reference(s) without a PMID left out")
    return sources


def _limitations(rec: Record) -> list[str]:
    """The not-curated caveat, why the study stopped, and the record's own stated caveats."""
    out = [NOT_CURATED]
    why = rec.text(f"{STATUS}.whyStopped", 300)
    if why:
        out.append(f"Stopped early, as stated on the registry: {why}")
    caveats = rec.text(f"{RESULTS}.moreInfoModule.limitationsAndCaveats.description")
    if caveats:
        out.append(f"Limitations stated on the registry: {caveats}")
    return out


_DEFAULT_FALSE = frozenset({"primary", "secondary"})


def _prune(value: Any) -> Any:
    """Drop None, empty lists and mappings, and false flags whose default is false."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            item = _prune(item)
            empty = item is None or item == [] or item == {}
            if empty or (key in _DEFAULT_FALSE and item is False):
                continue
            out[key] = item
        return out
    if isinstance(value, list):
        return [_prune(item) for item in value]
    return value


def plain_descriptor(study: Study) -> dict[str, Any]:
    """A study as plain data in model order, empty values left out (ready for YAML)."""
    return _prune(study.model_dump(mode="json", exclude_none=True))


def _errors(error: ValidationError) -> str:
    """The first few validation errors on one line."""
    items = error.errors(include_url=False, include_input=False)
    parts = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in items[:3]]
    more = f" (and {len(items) - 3} more)" if len(items) > 3 else ""
    return "; ".join(parts) + more
