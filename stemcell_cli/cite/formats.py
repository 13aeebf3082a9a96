"""Writing references as BibTeX, RIS and CSL-JSON, every value cleaned for its reader."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from urllib.parse import quote

from ..model.authors import Name
from ..safe import UNSAFE, one_line
from .references import Reference

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


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


def cited_authors(entry: Reference) -> list[Name]:
    """The authors a citation lists: all of a complete list; of a partial one, only those
    before the first omission (the known first author...), whose places are known, so no
    reader sees a wrong author order or count. The rest (a verified last author) is in the
    note."""
    return entry.authors.before if entry.authors.partial else entry.authors.named


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


def balanced_braces(text: str) -> str:
    """``text`` with every brace that has no partner dropped: ``a}b{c`` -> ``abc``.

    BibTeX counts braces even when escaped (``\\}``), so an unmatched one would end a field
    early and let the rest of the text be read as other fields (issue 18, item 7).
    """
    opened: list[int] = []
    dropped: set[int] = set()
    for i, char in enumerate(text):
        if char == "{":
            opened.append(i)
        elif char == "}":
            if opened:
                opened.pop()
            else:
                dropped.add(i)
    dropped.update(opened)
    return "".join(c for i, c in enumerate(text) if i not in dropped) if dropped else text


def bibtex_escape(text: str) -> str:
    """Text with the BibTeX/LaTeX specials ``\\ { } & % $ # _ ~ ^`` escaped, braces first
    balanced (:func:`balanced_braces`), so every field ends where it should."""
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_ESCAPES[m.group()], balanced_braces(text))


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
    names = [_bibtex_name(a) for a in cited_authors(entry)]
    if entry.authors.partial and names:
        names.append("others")  # BibTeX's own "et al."
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
    pairs += [("AU", _ris_name(a)) for a in cited_authors(entry)]  # RIS has no "et al."
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


ET_AL = {"literal": "et al."}  # CSL-JSON's way to say a list goes on (citeproc prints it)


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
    if authors := [_csl_name(a) for a in cited_authors(entry)]:
        item["author"] = authors + ([ET_AL] if entry.authors.partial else [])
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
