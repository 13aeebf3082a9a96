"""A study's reference, independent of the output format: what is cited, and its key."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, cast

from ..model.authors import AuthorList, organisation, split_authors
from ..model.registry import CTGOV, registry_url

if TYPE_CHECKING:
    from ..model.descriptor import Source, Study


@dataclass(frozen=True)
class EntryType:
    """What kind of work a reference is, and its type in each format."""

    name: str
    bibtex: str
    ris: str
    csl: str
    required: tuple[str, ...]  # of: author, title, journal, year, url


ENTRY_TYPES: dict[str, EntryType] = {
    t.name: t
    for t in (
        EntryType(
            "article", "article", "JOUR", "article-journal", ("author", "title", "journal", "year")
        ),
        EntryType("registry-record", "misc", "ELEC", "webpage", ("title", "year", "url")),
        EntryType("web-page", "misc", "ELEC", "webpage", ("title", "url")),
        EntryType("document", "misc", "GEN", "document", ("title", "year")),
    )
}


class CitationWarning(NamedTuple):
    """Something a reference manager will miss: ``(study_id, message)``."""

    study_id: str
    message: str

    def __str__(self) -> str:
        return f"{self.study_id}: {self.message}"


@dataclass
class Reference:
    """One reference, independent of the output format."""

    study_id: str
    type: EntryType
    title: str | None = None
    container: str | None = None
    authors: AuthorList = field(default_factory=AuthorList)
    date: tuple[int, ...] = ()
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    url: str | None = None
    medium: str | None = None
    notes: list[str] = field(default_factory=list)
    key: str = ""

    def missing(self) -> list[str]:
        """The entry type's required fields this reference lacks."""
        have = {
            "author": bool(self.authors),
            "title": bool(self.title),
            "journal": bool(self.container),
            "year": bool(self.date),
            "url": bool(self.url),
        }
        return [name for name in self.type.required if not have[name]]

    def warnings(self) -> list[CitationWarning]:
        """One warning per missing required field."""
        return [
            CitationWarning(self.study_id, f"{self.type.name} citation has no {name}")
            for name in self.missing()
        ]


# --- descriptor -> references -------------------------------------------------------------


def _date_parts(value: str | None) -> tuple[int, ...]:
    """``"2019-01-15"`` -> (2019, 1, 15); ``"2021"`` -> (2021,); None -> ()."""
    return tuple(int(part) for part in value.split("-")) if value else ()


def _first(study: Study, kinds: set[str]) -> Source | None:
    """The first source of one of these kinds (one with a URL preferred)."""
    found = [s for s in study.sources if s.kind in kinds]
    return next((s for s in found if s.url), found[0] if found else None)


def _imported_brief_title(study: Study) -> str | None:
    """The registry's brief title, when the descriptor records it (``stemcell import`` does)."""
    return study.registration.brief_title if study.registration else None


def reference_for(study: Study) -> Reference:
    """What to cite for a study: its paper, its registry record, or its page."""
    publication = study.publication
    page = _first(study, {"video", "web-page"})
    if study.kind == "expert-opinion" and page is not None:
        return _page(study, page)
    paper_ids = publication.journal or publication.doi or publication.pmid or publication.pmcid
    if paper_ids or (publication.title and study.registration is None):
        return _article(study)
    if study.registration is not None or _first(study, {"registry"}) is not None:
        return _registry(study)
    if page is not None:
        return _page(study, page)
    return _document(study)


def _with_author_note(reference: Reference) -> Reference:
    note = reference.authors.omission_note()
    if note:
        reference.notes.insert(0, note)
    return reference


def _article(study: Study) -> Reference:
    publication = study.publication
    paper = _first(study, {"paper", "library-record"})
    return _with_author_note(
        Reference(
            study.id,
            ENTRY_TYPES["article"],
            title=publication.title,
            container=publication.journal,
            authors=split_authors(publication.authors),
            date=_date_parts(publication.print_date or publication.date),
            volume=publication.volume,
            issue=publication.issue,
            pages=publication.pages,
            doi=publication.doi,
            pmid=publication.pmid,
            pmcid=publication.pmcid,
            url=paper.url if paper else None,
        )
    )


def _registry(study: Study) -> Reference:
    registration = study.registration
    source = _first(study, {"registry"})
    nct = registration.nct_id if registration else None
    registry = registration.registry if registration else None
    url = registration.url if registration else None
    if url is None and nct and registry == CTGOV:
        url = registry_url(nct)
    dates = [source.date if source else None]
    if registration is not None:  # first posted, else the copy's date, else last verified
        dates = [registration.first_posted, *dates, registration.status_date]
    sponsor = organisation(registration.sponsor) if registration and registration.sponsor else None
    return Reference(
        study.id,
        ENTRY_TYPES["registry-record"],
        title=study.publication.title
        or _imported_brief_title(study)
        or (f"{registry} record {nct}" if registry and nct else None),
        container=registry,
        authors=AuthorList((sponsor,)) if sponsor else AuthorList(),
        date=_date_parts(next((d for d in dates if d), None)),
        url=url or (source.url if source else None),
        notes=[f"{registry} identifier: {nct}"] if nct else [],
    )


def _page(study: Study, page: Source) -> Reference:
    opinion = study.opinion
    notes = []
    if opinion is not None:
        notes.append(f"Expert: {opinion.expert}" + (f", {opinion.role}" if opinion.role else ""))
    return Reference(
        study.id,
        ENTRY_TYPES["web-page"],
        title=study.publication.title,  # a source's title is our label for it, not the work's
        date=_date_parts(page.date),
        url=page.url,
        medium="Video" if page.kind == "video" else None,
        notes=notes,
    )


def _document(study: Study) -> Reference:
    publication = study.publication
    source = next((s for s in study.sources if s.url), study.sources[0])
    return _with_author_note(
        Reference(
            study.id,
            ENTRY_TYPES["document"],
            title=publication.title,
            authors=split_authors(publication.authors),
            date=_date_parts(publication.print_date or publication.date or source.date),
            url=source.url,
        )
    )


# --- keys ---------------------------------------------------------------------------------


def ascii_fold(text: str) -> str:
    """``"Bráz"`` -> ``"Braz"``: accents dropped, anything else non-ASCII removed."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def key_base(entry: Reference) -> str:
    """``burt2019`` from the first author's family name and the year, else the study id."""
    family = next((a.family for a in entry.authors if a.family), None)
    stem = re.sub(r"[^a-z0-9]", "", ascii_fold(family or "").lower())[:30]
    if stem:
        return stem + (str(entry.date[0]) if entry.date else "")
    return entry.study_id


def assign_keys(entries: Sequence[Reference], universe: Iterable[Reference] = ()) -> None:
    """Give each entry its key: its base, or ``base-<study id>`` when the base is shared.

    A base is shared when two different studies among ``entries`` and ``universe`` have it;
    study ids are unique, so the keys are, and no key depends on the order of the studies.
    """
    owners: dict[str, set[str]] = {}
    for entry in [*entries, *universe]:
        owners.setdefault(key_base(entry), set()).add(entry.study_id)
    for entry in entries:
        base = key_base(entry)
        shared = len(owners[base]) > 1 and base != entry.study_id
        entry.key = f"{base}-{entry.study_id}" if shared else base


def stored_reference(record: str) -> Reference:
    """A study's reference read from its stored JSON record (the descriptor's fields, by the
    model's names) without building the model: quick enough for the citation keys of every
    study in a large catalog. Raises ValueError, TypeError or AttributeError on a damaged one."""
    import json
    from types import SimpleNamespace

    fields = json.loads(record, object_hook=lambda d: SimpleNamespace(**d))
    return reference_for(cast("Study", fields))


def references(studies: Sequence[Study], universe: Sequence[Study] = ()) -> list[Reference]:
    """One reference per study, keyed, in the given order (see :func:`assign_keys`)."""
    out = [reference_for(study) for study in studies]
    assign_keys(out, [reference_for(study) for study in universe])
    return out
