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
official title), else, for a registry record, the registry's brief title, else the record
named by the registry and its identifier (``ClinicalTrials.gov record NCT03477500``), so a
registry-only study is never cited without a title.

Author lists come from :mod:`stemcell_cli.model.authors`: named authors in published order.
When the middle of a list is unknown, a reference manager must not show a wrong author order
or count, so a partial list is cited as the known leading author(s) followed by the format's
own "et al.": BibTeX ``and others``, a CSL-JSON ``{"literal": "et al."}`` name (citeproc
prints it; a reader can tell there are more authors), RIS the leading author(s) alone (RIS
has no marker). Every format's note says where authors were left out and names a verified
last author, which is never listed after the gap (it would read as the second author).

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

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from ..errors import UsageError

if TYPE_CHECKING:
    from ..model.descriptor import Study
    from .references import CitationWarning


class CitationFormat(StrEnum):
    """The citation formats ``stemcell cite`` writes (usable directly as a CLI option type)."""

    BIBTEX = "bibtex"
    RIS = "ris"
    CSL_JSON = "csl-json"


FORMATS: tuple[str, ...] = tuple(f.value for f in CitationFormat)


@dataclass(frozen=True)
class Citations:
    """Citations in one format, and what is missing from them."""

    text: str
    warnings: list[CitationWarning] = field(default_factory=list)


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
    from . import formats
    from .references import references

    render = {
        CitationFormat.BIBTEX: formats.to_bibtex,
        CitationFormat.RIS: formats.to_ris,
        CitationFormat.CSL_JSON: formats.to_csl_json,
    }[citation_format(fmt)]
    entries = references(studies, universe)
    return Citations(render(entries), [w for entry in entries for w in entry.warnings()])
