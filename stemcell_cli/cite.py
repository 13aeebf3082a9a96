"""Citations of studies in BibTeX, RIS and CSL-JSON, from their descriptors only.

What is cited, per study (decided once, in :func:`reference_for`, whatever the format):

- its paper (entry type ``article``), when the publication has a journal, DOI, PMID or
  PMCID, or a title and no registration;
- else its registry record (``registry-record``), when it has a registration or a registry
  source: the sponsor as corporate author, dated by the record's first posting (else the
  registry copy's date, else the status date);
- an expert-opinion descriptor cites its video or web page (``web-page``);
- anything else is a ``document`` pointing at its first source with an address.

Each entry type maps to one type per format (:data:`ENTRY_TYPES`) and has required fields;
a missing one is a :class:`CitationWarning` returned with the text (:func:`citations`).
Nothing is looked up or invented: a field the descriptor lacks is left out, and a warning
says so. The descriptor's own short ``title`` and its sources' labels are never written as a
work's title: that is ``publication.title`` (for an imported registry record, the registry's
official title), else, for an imported registry record, the registry's brief title.

Author lists come from :mod:`stemcell_cli.authors`: named authors in published order (a last
author named after an omission stays last). A partial list is marked in every format:
BibTeX ends the list with ``and others`` and RIS lists the named ``AU`` lines; both, and
CSL-JSON, carry a note saying where authors were left out. CSL-JSON has no "et al." marker
(an ``{"literal": "et al."}`` name would be imported by Zotero and rendered by citeproc as an
author called "et al."), so the note (``note``) is the marker there.

Keys: first author's family name (ASCII) and year, e.g. ``burt2019``; else the study id. They
depend only on the study. When two studies cited together (or in ``universe``) would share a
key, each of them takes its study id after the base instead (``burt2019-ms-mist``), so no key
depends on the order of the studies.

BibTeX titles brace-protect every word that has a capital letter, except a word capitalised
only on its first letter that starts the title or follows a colon: ``{HSCT}``, ``{GABAergic}``,
``{iPSC}``, ``{Italian}`` keep their case in styles that lowercase titles (plain.bst).

Every value is cleaned with :mod:`stemcell_cli.safe` (control characters, terminal escapes and
bidi overrides dropped; addresses percent-encode them), so no output can act on a terminal.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple
from urllib.parse import quote

from .authors import AuthorList, Name, organisation, split_authors
from .errors import UsageError
from .models import Source, Study
from .registry import CTGOV, registry_url
from .safe import UNSAFE, one_line


class CitationFormat(StrEnum):
    """The citation formats ``stemcell cite`` writes (usable directly as a CLI option type)."""

    BIBTEX = "bibtex"
    RIS = "ris"
    CSL_JSON = "csl-json"


FORMATS: tuple[str, ...] = tuple(f.value for f in CitationFormat)


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

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


class CitationWarning(NamedTuple):
    """Something a reference manager will miss: ``(study_id, message)``."""

    study_id: str
    message: str

    def __str__(self) -> str:
        return f"{self.study_id}: {self.message}"


@dataclass(frozen=True)
class Citations:
    """Citations in one format, and what is missing from them."""

    text: str
    warnings: list[CitationWarning] = field(default_factory=list)


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
    """The registry's brief title, when the descriptor was imported (``stemcell import``)."""
    from .ctgov import PROVENANCE  # only for imported records; keeps the import light

    nct = study.registration.nct_id if study.registration else None
    if nct is None or study.provenance != PROVENANCE.format(nct=nct):
        return None
    return None if study.title == f"{CTGOV} record {nct}" else study.title


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
        title=study.publication.title or _imported_brief_title(study),
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


def references(studies: Sequence[Study], universe: Sequence[Study] = ()) -> list[Reference]:
    """One reference per study, keyed, in the given order (see :func:`assign_keys`)."""
    out = [reference_for(study) for study in studies]
    assign_keys(out, [reference_for(study) for study in universe])
    return out


# --- shared cleaning ----------------------------------------------------------------------


def address(text: str | None) -> str | None:
    """A URL or DOI on one line: unsafe characters and whitespace percent-encoded."""
    if not text:
        return None
    cleaned = re.sub(
        r"\s", lambda m: quote(m.group()), UNSAFE.sub(lambda m: quote(m.group()), text)
    )
    return cleaned or None


def _page_range(pages: str | None, dash: str) -> str | None:
    """``"165–174"`` with the range dash written as ``dash``."""
    return re.sub(r"\s*[-–—]+\s*", dash, pages) if pages else None


def _notes(entry: Reference) -> list[str]:
    return [note for note in (one_line(n) for n in entry.notes) if note]


# --- BibTeX -------------------------------------------------------------------------------

_BIBTEX_SPECIAL = re.compile(r"[\\{}&%$#_~^]")
_BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
# A word: letters and digits; a command written by bibtex_escape (``\textbackslash``) is not one.
_WORD = re.compile(r"(?<![\\\w])[^\W_]+")


def bibtex_escape(text: str) -> str:
    """Text with the BibTeX/LaTeX specials ``\\ { } & % $ # _ ~ ^`` escaped."""
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_ESCAPES[m.group()], text)


def protect_case(escaped: str) -> str:
    """Brace each word with a capital, except a plain capitalised first word (or after ``:``).

    ``Long-term outcomes of HSCT in RRMS`` -> ``Long-term outcomes of {HSCT} in {RRMS}``;
    ``Human iPSC-derived GABAergic cells`` -> ``Human {iPSC}-derived {GABAergic} cells``.
    """
    out: list[str] = []
    done = 0
    follows = ""  # the last non-space character before the current word ("" at the start)
    for match in _WORD.finditer(escaped):
        word, gap = match.group(), escaped[done : match.start()].rstrip()
        follows = gap[-1] if gap else follows
        plain_start = follows in ("", ":") and not any(c.isupper() for c in word[1:])
        braced = any(c.isupper() for c in word) and not plain_start
        out += [escaped[done : match.start()], "{" + word + "}" if braced else word]
        follows, done = word[-1], match.end()
    out.append(escaped[done:])
    return "".join(out)


def _bibtex_verbatim(text: str | None) -> str | None:
    """A URL or DOI: percent-encoded where unsafe, braces and backslashes included."""
    value = address(text)
    if value is None:
        return None
    return value.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def _protect_and(name: str) -> str:
    """An escaped name braced whole when it has the word "and" (BibTeX's separator) or a comma."""
    return "{" + name + "}" if re.search(r"\band\b|,", name, re.IGNORECASE) else name


def _bibtex_name(author: Name) -> str:
    """``Boffa, G.``; an organisation braced whole: ``{Haukeland University Hospital}``."""
    if author.literal:
        literal = bibtex_escape(author.literal)
        return "{" + literal + "}" if author.organisation else _protect_and(literal)
    family = _protect_and(bibtex_escape(author.family or ""))
    return f"{family}, {bibtex_escape(author.given)}" if author.given else family


def _braced(value: str | None) -> str | None:
    text = one_line(value)
    return "{" + bibtex_escape(text) + "}" if text else None


def _bibtex_fields(entry: Reference) -> list[tuple[str, str | None]]:
    """``(field, value as written after "=")`` in the usual order; None for absent."""
    names = [_bibtex_name(a) for a in entry.authors]
    if entry.authors.partial and names:
        names.append("others")
    title = one_line(entry.title)
    place = "journal" if entry.type.bibtex == "article" else "howpublished"
    notes = _notes(entry)
    return [
        ("author", "{" + " and ".join(names) + "}" if names else None),
        ("title", "{" + protect_case(bibtex_escape(title)) + "}" if title else None),
        (place, _braced(entry.container or entry.medium)),
        ("year", "{" + str(entry.date[0]) + "}" if entry.date else None),
        ("month", _MONTHS[entry.date[1] - 1] if len(entry.date) > 1 else None),
        ("volume", _braced(entry.volume)),
        ("number", _braced(entry.issue)),
        ("pages", _braced(_page_range(entry.pages, "--"))),
        *((name, _wrap(_bibtex_verbatim(value))) for name, value in _ids(entry)),
        ("note", _braced(" ".join(notes)) if notes else None),
    ]


def _ids(entry: Reference) -> list[tuple[str, str | None]]:
    return [("doi", entry.doi), ("pmid", entry.pmid), ("pmcid", entry.pmcid), ("url", entry.url)]


def _wrap(value: str | None) -> str | None:
    return "{" + value + "}" if value else None


def _bibtex_entry(entry: Reference) -> str:
    lines = [f"  {name} = {value}," for name, value in _bibtex_fields(entry) if value]
    return f"@{entry.type.bibtex}{{{entry.key},\n" + "\n".join(lines) + "\n}\n"


def to_bibtex(items: Sequence[Reference]) -> str:
    """BibTeX entries separated by blank lines."""
    return "\n".join(_bibtex_entry(entry) for entry in items)


# --- RIS ----------------------------------------------------------------------------------


def _ris_name(author: Name) -> str:
    if author.literal:
        return author.literal
    return f"{author.family}, {author.given}" if author.given else author.family or ""


def _ris_date(date: tuple[int, ...]) -> str | None:
    """RIS ``DA``: ``2019/01/15``, ``2019/01``; None for a year alone (``PY`` has it)."""
    if len(date) < 2:
        return None
    return "/".join([str(date[0]), *(f"{part:02d}" for part in date[1:])])


def _ris_entry(entry: Reference) -> str:
    start, _, end = (_page_range(entry.pages, "-") or "").partition("-")
    pairs: list[tuple[str, str | None]] = [("TY", entry.type.ris)]
    pairs += [("AU", _ris_name(a)) for a in entry.authors]
    pairs += [
        ("TI", entry.title),
        ("T2", entry.container),
        ("M3", entry.medium),
        ("PY", str(entry.date[0]) if entry.date else None),
        ("DA", _ris_date(entry.date)),
        ("VL", entry.volume),
        ("IS", entry.issue),
        ("SP", start or None),
        ("EP", end or None),
        ("DO", address(entry.doi)),
        ("UR", address(entry.url)),
        ("N1", f"PMID: {entry.pmid}" if entry.pmid else None),
        ("N1", f"PMCID: {entry.pmcid}" if entry.pmcid else None),
    ]
    pairs += [("N1", note) for note in _notes(entry)]
    lines = [f"{tag}  - {value}" for tag, raw in pairs if (value := one_line(raw))]
    return "\n".join([*lines, "ER  - "]) + "\n"


def to_ris(items: Sequence[Reference]) -> str:
    """RIS records (``TY`` first, ``ER`` last), separated by blank lines."""
    return "\n".join(_ris_entry(entry) for entry in items)


# --- CSL-JSON -----------------------------------------------------------------------------


def _csl_name(author: Name) -> dict[str, str]:
    if author.literal:
        return {"literal": author.literal}
    name = {"family": author.family or ""}
    if author.given:
        name["given"] = author.given
    return name


def _csl_item(entry: Reference) -> dict[str, object]:
    item: dict[str, object] = {"id": entry.key, "type": entry.type.csl}
    for name, value in (
        ("title", entry.title),
        ("container-title", entry.container),
        ("medium", entry.medium),
    ):
        if one_line(value):
            item[name] = one_line(value)
    if entry.authors:
        item["author"] = [_csl_name(a) for a in entry.authors]
    if entry.date:
        item["issued"] = {"date-parts": [list(entry.date)]}
    for name, value in (
        ("volume", one_line(entry.volume)),
        ("issue", one_line(entry.issue)),
        ("page", one_line(_page_range(entry.pages, "-"))),
        ("DOI", address(entry.doi)),
        ("PMID", one_line(entry.pmid)),
        ("PMCID", one_line(entry.pmcid)),
        ("URL", address(entry.url)),
        ("note", "\n".join(_notes(entry))),
    ):
        if value:
            item[name] = value
    return item


def to_csl_json(items: Sequence[Reference]) -> str:
    """A CSL-JSON list of items."""
    return json.dumps([_csl_item(e) for e in items], ensure_ascii=False, indent=2) + "\n"


# --- entry points -------------------------------------------------------------------------

_RENDER = {
    CitationFormat.BIBTEX: to_bibtex,
    CitationFormat.RIS: to_ris,
    CitationFormat.CSL_JSON: to_csl_json,
}


def citation_format(fmt: str) -> CitationFormat:
    """``fmt`` as a :class:`CitationFormat`; a :class:`UsageError` for an unknown one."""
    try:
        return CitationFormat(fmt)
    except ValueError:
        raise UsageError(
            f"unknown citation format '{fmt}'; choose one of: {', '.join(FORMATS)}"
        ) from None


def citations(
    studies: Sequence[Study], fmt: CitationFormat | str, universe: Sequence[Study] = ()
) -> Citations:
    """Citations of the studies in one format, and a warning per missing required field.

    ``universe``: other studies whose keys these must not clash with (e.g. the whole
    catalog), so a study's key does not change with what else is cited.
    """
    render = _RENDER[citation_format(fmt)]
    entries = references(studies, universe)
    return Citations(render(entries), [w for entry in entries for w in entry.warnings()])


def cite(studies: Sequence[Study], fmt: CitationFormat | str) -> str:
    """The text of :func:`citations` (warnings dropped: prefer :func:`citations`)."""
    return citations(studies, fmt).text
