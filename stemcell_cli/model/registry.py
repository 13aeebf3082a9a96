"""ClinicalTrials.gov identifiers and links: the one place they are spelled out."""

from __future__ import annotations

import re

CTGOV = "ClinicalTrials.gov"
NCT_PATTERN = r"^NCT[0-9]{8}$"
_NCT = re.compile(NCT_PATTERN)


def is_nct_id(text: str) -> bool:
    """Whether ``text`` is a well-formed NCT id (ASCII digits only)."""
    return bool(_NCT.fullmatch(text))


def registry_url(nct_id: str) -> str:
    """The public page of a ClinicalTrials.gov record."""
    return f"https://clinicaltrials.gov/study/{nct_id}"


def checked_nct(text: str) -> str:
    """``text`` as an upper-case NCT id (``nct01234567`` -> ``NCT01234567``), or ``ValueError``.

    Only ``NCT`` and 8 ASCII digits pass (any case of the letters, nothing around them): an id
    from an argument, a file or the registry becomes a URL path and a file name only after this.
    """
    upper = text.upper() if text.isascii() else text
    if not is_nct_id(upper):
        more = "…" if len(text) > 40 else ""
        raise ValueError(f"{text[:40]!r}{more}: not an NCT id (NCT + 8 ASCII digits)")
    return upper
