"""Citations of studies in BibTeX, RIS and CSL-JSON, from their descriptors only.

What is cited, per study:

- its paper, when the publication has a journal, DOI, PMID or PMCID (or a title and no
  registration): journal article (BibTeX ``@article``, or ``@misc`` when no journal is given);
- else its registry record, when it has a registration or a registry source: web page
  (BibTeX ``@misc``, RIS ``ELEC``, CSL ``webpage``), the sponsor as corporate author, dated
  by the record's first posting (else the registry source's date);
- an expert-opinion descriptor cites its video or web page (``@misc``/``ELEC``/``webpage``).

Nothing is looked up or invented: a field the descriptor lacks is left out. Author lists
shortened with "..." end in ``and others`` (BibTeX); RIS and CSL-JSON list the named authors.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from .errors import UsageError
from .models import Source, Study

CitationFormat = Literal["bibtex", "ris", "csl-json"]
FORMATS: tuple[str, ...] = ("bibtex", "ris", "csl-json")
EntryKind = Literal["article", "registry", "page", "misc"]

_ELISIONS = frozenset({"...", "…", "et al", "et al.", "and others"})
_INITIALS = re.compile(r"^(.+?)\s+([A-Z]{1,4})$")
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
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
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_CTGOV = "ClinicalTrials.gov"


@dataclass(frozen=True)
class Author:
    """A person (family and given names) or a name kept whole (``literal``)."""

    family: str | None = None
    given: str | None = None
    literal: str | None = None
    organisation: bool = False


@dataclass
class Reference:
    """One reference, independent of the output format."""

    study_id: str
    kind: EntryKind
    title: str | None = None
    container: str | None = None
    authors: list[Author] = field(default_factory=list)
    others: bool = False
    date: tuple[int, ...] = ()
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    url: str | None = None
    medium: str | None = None
    note: str | None = None
    key: str = ""


# --- descriptor -> entries ----------------------------------------------------------------


def parse_author(name: str) -> Author | None:
    """``"Boffa G"`` -> Boffa, G.; ``"Burt"`` -> Burt; ``"..."`` -> None (an elision)."""
    name = " ".join(name.split())
    if not name or name.casefold() in _ELISIONS:
        return None
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
        return Author(family=family, given=given or None)
    initials = _INITIALS.match(name)
    if initials:
        return Author(family=initials.group(1), given=" ".join(f"{c}." for c in initials.group(2)))
    if " " not in name:
        return Author(family=name)
    return Author(literal=name)


def _authors(names: Sequence[str]) -> tuple[list[Author], bool]:
    """Parsed authors, and whether the list was shortened ("...")."""
    parsed = [parse_author(name) for name in names]
    return [a for a in parsed if a is not None], any(a is None for a in parsed)


def _date_parts(value: str | None) -> tuple[int, ...]:
    """``"2019-01-15"`` -> (2019, 1, 15); ``"2021"`` -> (2021,); None -> ()."""
    return tuple(int(part) for part in value.split("-")) if value else ()


def _first(study: Study, kinds: set[str]) -> Source | None:
    """The first source of one of these kinds (one with a URL preferred)."""
    found = [s for s in study.sources if s.kind in kinds]
    return next((s for s in found if s.url), found[0] if found else None)


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
    return _misc(study)


def _article(study: Study) -> Reference:
    publication = study.publication
    authors, others = _authors(publication.authors)
    paper = _first(study, {"paper"})
    return Reference(
        study.id,
        "article",
        title=publication.title,
        container=publication.journal,
        authors=authors,
        others=others,
        date=_date_parts(publication.print_date or publication.date),
        volume=publication.volume,
        issue=publication.issue,
        pages=publication.pages,
        doi=publication.doi,
        pmid=publication.pmid,
        pmcid=publication.pmcid,
        url=paper.url if paper else None,
    )


def _registry(study: Study) -> Reference:
    registration = study.registration
    source = _first(study, {"registry"})
    nct = registration.nct_id if registration else None
    registry = registration.registry if registration else None
    url = registration.url if registration else None
    if url is None and nct and registry == _CTGOV:
        url = f"https://clinicaltrials.gov/study/{nct}"
    dates = [source.date if source else None]
    if registration is not None:  # first posted, else the copy's date, else last verified
        dates = [registration.first_posted, *dates, registration.status_date]
    sponsor = registration.sponsor if registration else None
    return Reference(
        study.id,
        "registry",
        title=study.publication.title or study.title,
        container=registry,
        authors=[Author(literal=sponsor, organisation=True)] if sponsor else [],
        date=_date_parts(next((d for d in dates if d), None)),
        url=url or (source.url if source else None),
        note=f"{registry} identifier: {nct}" if nct else None,
    )


def _page(study: Study, page: Source) -> Reference:
    opinion = study.opinion
    note = None
    if opinion is not None:
        note = f"Expert: {opinion.expert}" + (f", {opinion.role}" if opinion.role else "")
    return Reference(
        study.id,
        "page",
        title=page.title or study.title,
        date=_date_parts(page.date),
        url=page.url,
        medium="Video" if page.kind == "video" else None,
        note=note,
    )


def _misc(study: Study) -> Reference:
    publication = study.publication
    authors, others = _authors(publication.authors)
    source = next((s for s in study.sources if s.url), study.sources[0])
    return Reference(
        study.id,
        "misc",
        title=publication.title or study.title,
        authors=authors,
        others=others,
        date=_date_parts(publication.print_date or publication.date or source.date),
        url=source.url,
    )


# --- keys ---------------------------------------------------------------------------------


def ascii_fold(text: str) -> str:
    """``"Bráz"`` -> ``"Braz"``: accents dropped, anything else non-ASCII removed."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _key_base(entry: Reference) -> str:
    """``burt2019`` from the first author's family name and the year, else the study id."""
    family = next((a.family for a in entry.authors if a.family), None)
    stem = re.sub(r"[^a-z0-9]", "", ascii_fold(family or "").lower())[:30]
    if stem:
        return stem + (str(entry.date[0]) if entry.date else "")
    return entry.study_id


def _suffix(n: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa ..."""
    out = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


def assign_keys(entries: Sequence[Reference]) -> None:
    """Give each entry a unique ASCII key; clashing keys get a, b, c ... suffixes."""
    bases = [_key_base(e) for e in entries]
    counts = Counter(bases)
    used: set[str] = set()
    next_suffix: Counter[str] = Counter()
    for entry, base in zip(entries, bases, strict=True):
        key = base
        if counts[base] > 1 or key in used:
            while True:
                key = base + _suffix(next_suffix[base])
                next_suffix[base] += 1
                if key not in used and key not in counts:
                    break
        used.add(key)
        entry.key = key


def references(studies: Sequence[Study]) -> list[Reference]:
    """One entry per study, with unique keys, in the given order."""
    out = [reference_for(study) for study in studies]
    assign_keys(out)
    return out


# --- formats ------------------------------------------------------------------------------


def _clean(text: str | None) -> str | None:
    """One line of text: control and bidi characters removed, whitespace collapsed."""
    if text is None:
        return None
    return " ".join(_UNSAFE.sub(" ", text).split()) or None


def bibtex_escape(text: str) -> str:
    """Text with the BibTeX/LaTeX specials ``\\ { } & % $ # _ ~ ^`` escaped."""
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_ESCAPES[m.group()], text)


def _bibtex_verbatim(text: str) -> str:
    """A URL or DOI: kept as is, but braces and backslashes percent-encoded."""
    return text.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def _page_range(pages: str | None, dash: str) -> str | None:
    """``"165–174"`` with the range dash written as ``dash``."""
    return re.sub(r"\s*[-–—]+\s*", dash, pages) if pages else None


def _protect_and(name: str) -> str:
    """An escaped name braced whole when it contains the word "and" (BibTeX's separator)."""
    return "{" + name + "}" if re.search(r"\band\b", name, re.IGNORECASE) else name


def _bibtex_name(author: Author) -> str:
    """``Boffa, G.``; an organisation braced whole: ``{Haukeland University Hospital}``."""
    if author.literal:
        literal = bibtex_escape(author.literal)
        return "{" + literal + "}" if author.organisation else _protect_and(literal)
    family = _protect_and(bibtex_escape(author.family or ""))
    return f"{family}, {bibtex_escape(author.given)}" if author.given else family


def _bibtex_fields(entry: Reference) -> list[tuple[str, str]]:
    """``(field, value as written after "=")`` in the usual order; absent fields left out."""
    names = [_bibtex_name(a) for a in entry.authors]
    if entry.others and names:
        names.append("others")
    place = "journal" if entry.kind == "article" and entry.container else "howpublished"
    out = [("author", "{" + " and ".join(names) + "}")] if names else []
    for name, value in (
        ("title", entry.title),
        (place, entry.container or entry.medium),
        ("year", str(entry.date[0]) if entry.date else None),
    ):
        if _clean(value):
            out.append((name, "{" + bibtex_escape(_clean(value) or "") + "}"))
    if len(entry.date) > 1:
        out.append(("month", _MONTHS[entry.date[1] - 1]))
    for name, value in (
        ("volume", entry.volume),
        ("number", entry.issue),
        ("pages", _page_range(entry.pages, "--")),
    ):
        if _clean(value):
            out.append((name, "{" + bibtex_escape(_clean(value) or "") + "}"))
    for name, value in (
        ("doi", entry.doi),
        ("pmid", entry.pmid),
        ("pmcid", entry.pmcid),
        ("url", entry.url),
    ):
        if value:
            out.append((name, "{" + _bibtex_verbatim(value) + "}"))
    if _clean(entry.note):
        out.append(("note", "{" + bibtex_escape(_clean(entry.note) or "") + "}"))
    return out


def _bibtex_entry(entry: Reference) -> str:
    kind = "article" if entry.kind == "article" and entry.container else "misc"
    lines = [f"  {name} = {value}," for name, value in _bibtex_fields(entry)]
    return f"@{kind}{{{entry.key},\n" + "\n".join(lines) + "\n}\n"


def to_bibtex(items: Sequence[Reference]) -> str:
    """BibTeX entries separated by blank lines."""
    return "\n".join(_bibtex_entry(entry) for entry in items)


_RIS_TYPES = {"article": "JOUR", "registry": "ELEC", "page": "ELEC", "misc": "GEN"}


def _ris_name(author: Author) -> str:
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
    pairs: list[tuple[str, str | None]] = [("TY", _RIS_TYPES[entry.kind])]
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
        ("DO", entry.doi),
        ("UR", entry.url),
        ("N1", f"PMID: {entry.pmid}" if entry.pmid else None),
        ("N1", f"PMCID: {entry.pmcid}" if entry.pmcid else None),
        ("N1", entry.note),
    ]
    lines = [f"{tag}  - {value}" for tag, raw in pairs if (value := _clean(raw))]
    return "\n".join([*lines, "ER  - "]) + "\n"


def to_ris(items: Sequence[Reference]) -> str:
    """RIS records (``TY`` first, ``ER`` last), separated by blank lines."""
    return "\n".join(_ris_entry(entry) for entry in items)


_CSL_TYPES = {
    "article": "article-journal",
    "registry": "webpage",
    "page": "webpage",
    "misc": "document",
}


def _csl_name(author: Author) -> dict[str, str]:
    if author.literal:
        return {"literal": author.literal}
    name = {"family": author.family or ""}
    if author.given:
        name["given"] = author.given
    return name


def _csl_item(entry: Reference) -> dict[str, object]:
    item: dict[str, object] = {"id": entry.key, "type": _CSL_TYPES[entry.kind]}
    for name, value in (
        ("title", entry.title),
        ("container-title", entry.container),
        ("medium", entry.medium),
    ):
        if _clean(value):
            item[name] = _clean(value)
    if entry.authors:
        item["author"] = [_csl_name(a) for a in entry.authors]
    if entry.date:
        item["issued"] = {"date-parts": [list(entry.date)]}
    for name, value in (
        ("volume", entry.volume),
        ("issue", entry.issue),
        ("page", _page_range(entry.pages, "-")),
        ("DOI", entry.doi),
        ("PMID", entry.pmid),
        ("PMCID", entry.pmcid),
        ("URL", entry.url),
        ("note", entry.note),
    ):
        if _clean(value):
            item[name] = _clean(value)
    return item


def to_csl_json(items: Sequence[Reference]) -> str:
    """A CSL-JSON list of items."""
    return json.dumps([_csl_item(e) for e in items], ensure_ascii=False, indent=2) + "\n"


def cite(studies: Sequence[Study], fmt: CitationFormat) -> str:
    """Citations of the studies in one format: ``bibtex``, ``ris`` or ``csl-json``."""
    render = {"bibtex": to_bibtex, "ris": to_ris, "csl-json": to_csl_json}.get(fmt)
    if render is None:
        raise UsageError(f"unknown citation format '{fmt}'; choose one of: {', '.join(FORMATS)}")
    return render(references(studies))
