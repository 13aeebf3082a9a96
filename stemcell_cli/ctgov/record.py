"""One registry record read by dotted path: any JSON shape; a wrongly typed value is missing."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from ..model.registry import is_nct_id
from ..model.vocab import MAX_PEOPLE
from ..safe import NUMBER, one_line, without_unsafe

TEXT_CHARS = 500

# where an API v2 record keeps things
PROTOCOL = "protocolSection"
IDENT = f"{PROTOCOL}.identificationModule"
STATUS = f"{PROTOCOL}.statusModule"
SPONSOR = f"{PROTOCOL}.sponsorCollaboratorsModule"
DESCRIPTION = f"{PROTOCOL}.descriptionModule"
CONDITIONS = f"{PROTOCOL}.conditionsModule"
DESIGN = f"{PROTOCOL}.designModule"
ARMS = f"{PROTOCOL}.armsInterventionsModule"
OUTCOMES = f"{PROTOCOL}.outcomesModule"
ELIGIBILITY = f"{PROTOCOL}.eligibilityModule"
REFERENCES = f"{PROTOCOL}.referencesModule"
RESULTS = "resultsSection"
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>=|~^])")
_INTEGER = re.compile(r"[+-]?\d{1,15}")
_DIGITS = re.compile(r"\d+")
_DATE = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")


class Record:
    """A JSON object with typed readers by dotted path (``"designModule.enrollmentInfo.count"``).

    Objects read from it remember where they are, and share one list of the places whose
    count was too large to be a number of people (``too_large``), so the mapping can say so.
    """

    __slots__ = ("data", "too_large", "where")

    def __init__(self, data: object, where: str = "", too_large: list[str] | None = None) -> None:
        self.data: dict[str, Any] = data if isinstance(data, dict) else {}
        self.where = where
        self.too_large = [] if too_large is None else too_large

    def __bool__(self) -> bool:
        return bool(self.data)

    def _at(self, path: str) -> str:
        return f"{self.where}.{path}" if self.where else path

    def get(self, path: str) -> object:
        """The value at ``path`` as it is, or None when a step on the way is not an object."""
        value: object = self.data
        for key in path.split("."):
            if not isinstance(value, dict):
                return None
            value = value.get(key)
        return value

    def has(self, path: str) -> bool:
        """Whether ``path`` holds a JSON object."""
        return isinstance(self.get(path), dict)

    def obj(self, path: str) -> Record:
        """The object at ``path`` (an empty one when there is none)."""
        return Record(self.get(path), self._at(path), self.too_large)

    def objs(self, path: str) -> list[Record]:
        """The objects in the list at ``path`` (other items are skipped)."""
        return [
            Record(item, f"{self._at(path)}[{index}]", self.too_large)
            for index, item in enumerate(self.values(path))
            if isinstance(item, dict)
        ]

    def values(self, path: str) -> list[Any]:
        """The list at ``path`` as it is (an empty one when it is not a list)."""
        value = self.get(path)
        return value if isinstance(value, list) else []

    def raw(self, path: str) -> str | None:
        """Text with its line breaks (see ``raw_text``)."""
        return raw_text(self.get(path))

    def text(self, path: str, limit: int = TEXT_CHARS) -> str | None:
        """One line of text (see ``text``)."""
        return text(self.get(path), limit)

    def texts(self, path: str, limit: int = 200) -> list[str]:
        """The non-empty texts of the list at ``path``, cleaned."""
        return [t for t in (text(item, limit) for item in self.values(path)) if t]

    def code(self, path: str) -> str | None:
        """An enum value (see ``code``)."""
        return code(self.get(path))

    def codes(self, path: str) -> list[str]:
        """The enum values of the list at ``path``."""
        return [c for c in (code(item) for item in self.values(path)) if c]

    def id(self, path: str) -> str | None:
        """An id such as a group id ("OG000") when it is text, else None."""
        value = self.get(path)
        return value if isinstance(value, str) else None

    def date(self, path: str) -> str | None:
        """A (partial) ISO date: ``2006``, ``2006-11`` or ``2006-11-05``; else None."""
        value = self.get(path)
        return value.strip() if isinstance(value, str) and _DATE.fullmatch(value.strip()) else None

    def number(self, path: str) -> int | float | None:
        """A finite number (see ``parse_number``)."""
        return parse_number(self.get(path))

    def count(self, path: str) -> int | None:
        """A count of people: a whole number below ``MAX_PEOPLE``, as an integer or digits ("8").

        A larger one is not a count: it reads as None and its place joins ``too_large``.
        """
        value = self.get(path)
        if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
            digits = value.strip()
            value = int(digits) if len(digits) <= 15 else MAX_PEOPLE
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return None
        if value >= MAX_PEOPLE:
            self.too_large.append(self._at(path))
            return None
        return value


def nct_id_of(record: object) -> str | None:
    """The record's NCT id when it has a well-formed one (ASCII digits), else None."""
    nct = Record(record).get(f"{IDENT}.nctId")
    return nct.strip() if isinstance(nct, str) and is_nct_id(nct.strip()) else None


def json_kind(value: object) -> str:
    """``a list``, ``an object`` or ``a single value``, for messages."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "a single value"


def raw_text(value: object) -> str | None:
    """Registry text without unsafe characters or Markdown escapes (``\\<`` -> ``<``)."""
    if not isinstance(value, str):
        return None
    cleaned = _MARKDOWN_ESCAPE.sub(r"\1", without_unsafe(value.replace("\r", "")))
    return cleaned if cleaned.strip() else None


def text(value: object, limit: int = TEXT_CHARS) -> str | None:
    """One line of registry text, whitespace collapsed, at most ``limit`` characters."""
    line = one_line(raw_text(value))
    return shorten(line, limit) if line else None


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


def code(value: object) -> str | None:
    """An enum value as the API writes it (``RANDOMIZED``), upper-cased; else None."""
    if not isinstance(value, str) or not value.strip() or len(value) > 60:
        return None
    return value.strip().upper()


def parse_number(value: object) -> int | float | None:
    """A finite number from API text as written: "4" -> 4, "19.63" -> 19.63, "NA" -> None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if not isinstance(value, str) or not NUMBER.fullmatch(value.strip()):
        return None
    digits = value.strip()
    if _INTEGER.fullmatch(digits):
        return int(digits)
    number = float(digits)
    return number if math.isfinite(number) else None


def slug(text: str, fallback: str) -> str:
    """A lowercase ASCII slug of ``text`` (accents folded), else ``fallback``."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    out = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:60].strip("-")
    return out or fallback


def norm(text: str | None) -> str:
    """A loose matching form of a label: no numbering, case, spaces or punctuation."""
    text = re.sub(r"^\s*\d{1,3}\s*[.):-]?\s+", "", (text or "").casefold())
    return re.sub(r"[\W_]+", "", text)
