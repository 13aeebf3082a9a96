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
