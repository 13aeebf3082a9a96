"""The building blocks of the descriptor models: text, identifiers, dates, numbers, and the
strict base every model shares."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from ..safe import TOKEN
from .vocab import MAX_PEOPLE

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
P_VALUE_PATTERN = r"^(<|<=|>|=)?\s?(0?\.\d+|0|1(\.0+)?)$"
# A year, a year-month, or a real calendar date (30 days hath September..., 29 February in
# leap years only): the schema's pattern refuses 2019-02-30 as stemcell does.
_Y = "[0-9]{4}"
_LEAP = "([0-9]{2}(0[48]|[2468][048]|[13579][26])|([02468][048]|[13579][26])00)"
DATE_PATTERN = (
    f"^({_Y}(-(0[1-9]|1[0-2]))?"
    f"|{_Y}-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)"
    f"|02-(0[1-9]|1[0-9]|2[0-8]))"
    f"|{_LEAP}-02-29)$"
)
URL_PATTERN = rf"^https?://{TOKEN}$"  # printable characters only: no spaces or controls
DOI_PATTERN = rf"^10\.\d{{4,9}}/{TOKEN}$"
PMID_PATTERN = r"^\d{1,9}$"
PMCID_PATTERN = r"^PMC\d+$"


def _iso_date(value: object) -> object:
    """Let YAML dates (2021-01-20 read as a date) stand as ISO text."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
Slug = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=80)]
PartialDate = Annotated[
    str,
    StringConstraints(pattern=DATE_PATTERN),
    BeforeValidator(_iso_date),  # after the constraints, so the schema keeps the pattern
    Field(description="ISO date; year or year-month alone when that is all the source gives"),
]
Url = Annotated[
    str,
    StringConstraints(pattern=URL_PATTERN, max_length=2000),
    Field(description="http(s) URL of printable characters: no spaces or control characters"),
]
PValue = Annotated[
    str,
    StringConstraints(pattern=P_VALUE_PATTERN),
    Field(description='p-value as published, quoted: "0.0081", "<0.001"'),
]
MAX_NUMBER = 10**15  # a published figure is within +-10**15: anything larger is not a measurement
MAX_MONTHS = 1200  # a hundred years of follow-up
Count = Annotated[
    int, Field(ge=0, lt=MAX_PEOPLE, description=f"a whole number of people, below {MAX_PEOPLE:,}")
]
Number = Annotated[
    int | float,
    Field(
        ge=-MAX_NUMBER,
        le=MAX_NUMBER,
        description="as published: 20 stays 20, 71.0 stays 71.0; finite, within +-10**15",
    ),
]
Months = Annotated[float, Field(ge=0, le=MAX_MONTHS, description="months, at most 100 years")]
Years = Annotated[Number, Field(ge=0, le=150, description="years of age")]


class Model(BaseModel):
    """Base of every descriptor model: strict types, unknown keys rejected, no NaN."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        allow_inf_nan=False,
        frozen=True,
        str_max_length=20_000,
        defer_build=True,
    )
