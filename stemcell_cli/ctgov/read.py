"""Reading input files: one API v2 study record, or a search page of them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import StemcellError
from ..files import read_bounded
from .record import json_kind

MAX_INPUT_BYTES = 64 << 20
_CLASSIC_KEYS = frozenset({"FullStudiesResponse", "StudyFieldsResponse", "FullStudy", "Study"})
_EXPECTED = 'a ClinicalTrials.gov API v2 study record {"protocolSection": ...} or search page'


def read_records(path: Path) -> tuple[list[Any], bool]:
    """The study records in a file, and whether the file was a search page.

    Raises ``StemcellError`` naming the file when it cannot be read, is not JSON, or has
    another shape. Page entries are checked one by one later (``descriptor_from_record``).
    """
    try:
        data = read_bounded(path, MAX_INPUT_BYTES)
    except OSError as error:
        raise StemcellError(f"{path}: cannot read: {error.strerror or error}") from None
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise StemcellError(f"{path}: not UTF-8 text (bad byte at offset {error.start})") from None
    except RecursionError:
        raise StemcellError(f"{path}: not usable JSON: nested too deeply") from None
    except ValueError as error:
        raise StemcellError(f"{path}: not valid JSON: {error}") from None
    if not isinstance(document, dict):
        raise StemcellError(f"{path}: the top level is {json_kind(document)}; expected {_EXPECTED}")
    if "protocolSection" in document:
        return [document], False
    if "studies" in document:
        studies = document["studies"]
        if not isinstance(studies, list):
            raise StemcellError(f"{path}: 'studies' is {json_kind(studies)}, not a list")
        if not studies:
            raise StemcellError(f"{path}: the search page holds no studies")
        return studies, True
    if _CLASSIC_KEYS & set(document):
        raise StemcellError(
            f"{path}: a record of the retired classic (v1) API; download API v2 JSON instead"
        )
    raise StemcellError(f"{path}: no protocolSection or studies; expected {_EXPECTED}")
