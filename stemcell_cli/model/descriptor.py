"""Pydantic v2 models of a study descriptor: strict, closed, no I/O.

Registry-shaped fields reuse ClinicalTrials.gov API v2 vocabulary (``PHASE2``,
``RANDOMIZED``, ``QUADRUPLE``, ``COMPLETED`` ...). A value the sources do not give
is left out (null); nothing is guessed.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from ..safe import TOKEN
from .registry import NCT_PATTERN
from .vocab import (
    DESIGN_KIND,
    MAX_PEOPLE,
    Allocation,
    ArmRole,
    CellSource,
    CellType,
    Control,
    DesignType,
    EffectMeasure,
    EventsAre,
    Kind,
    Masking,
    OverallStatus,
    Phase,
    Results,
    SourceKind,
    Species,
    TissueOrigin,
)

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


class Source(Model):
    """A document the descriptor draws on; outcomes name it by ``key``."""

    key: Slug = Field(description="short local name, e.g. paper, registry, news")
    kind: SourceKind
    title: Text | None = None
    url: Url | None = None
    date: PartialDate | None = None
    secondary: bool = Field(False, description="a second-hand copy (forum, press) of a primary")
    note: Text | None = None


class Publication(Model):
    """The main paper (or registry record) the study is known by."""

    title: Text | None = None
    journal: Text | None = None
    date: PartialDate | None = Field(None, description="publication date (online first)")
    print_date: PartialDate | None = None
    volume: Text | None = None
    issue: Text | None = None
    pages: Text | None = None
    authors: list[Text] = Field(default_factory=list, description="as listed; '...' for elisions")
    doi: Annotated[str, StringConstraints(pattern=DOI_PATTERN)] | None = None
    pmid: Annotated[str, StringConstraints(pattern=PMID_PATTERN)] | None = None
    pmcid: Annotated[str, StringConstraints(pattern=PMCID_PATTERN)] | None = None
    institution: Text | None = None
    country: Text | None = None
    people: list[Text] = Field(
        default_factory=list, description="named people and their roles (spokespeople, leads)"
    )


class Registration(Model):
    """A trial registry entry (ClinicalTrials.gov vocabulary)."""

    nct_id: Annotated[str, StringConstraints(pattern=NCT_PATTERN)] | None = None
    registry: Text = "ClinicalTrials.gov"
    status: OverallStatus | None = None
    status_date: PartialDate | None = None
    first_posted: PartialDate | None = None
    start_date: PartialDate | None = None
    primary_completion: PartialDate | None = Field(
        None, description="primary completion date (actual or anticipated), as registered"
    )
    completion: PartialDate | None = Field(None, description="study completion date, as registered")
    why_stopped: Text | None = Field(
        None, description="the registry's reason for a withdrawn, terminated or suspended study"
    )
    brief_title: Text | None = Field(None, description="the registry's brief title")
    sponsor: Text | None = None
    design_as_registered: Text | None = None
    url: Url | None = None


class Condition(Model):
    """The condition studied; ``synonyms`` drive ``--condition`` matching."""

    name: Text
    synonyms: list[Text] = Field(default_factory=list, description="other names, abbreviations")
    chronic: bool = True
    model: Text | None = Field(None, description="for animal studies: the disease model")


class FollowUp(Model):
    """How long participants were followed."""

    months: Months | None = Field(None, description="typical length in months")
    statistic: Literal["mean", "median", "planned", "fixed", "maximum"] | None = None
    sd_months: Months | None = None
    schedule: Text | None = Field(None, description="assessment visits, in words")


class Design(Model):
    """How the study was built: allocation, control, blinding, phase."""

    type: DesignType = Field(
        description="'unknown' when the source does not state the design: no evidence level"
    )
    allocation: Allocation | None = None
    allocation_note: Text | None = None
    control: Control | None = Field(
        None, description="required for clinical studies; null only when design.type is unknown"
    )
    control_basis: Text | None = Field(None, description="which signal decided the control")
    comparator: Text | None = None
    masking: Masking | None = None
    masking_note: Text | None = None
    phases: list[Phase] = Field(default_factory=list)
    centres: int | None = Field(None, ge=1, lt=MAX_PEOPLE)
    follow_up: FollowUp = Field(default_factory=FollowUp)


class Arm(Model):
    """One arm of a trial (ClinicalTrials.gov arm group types)."""

    key: Slug
    label: Text
    role: ArmRole | None = None
    n: Count | None = None
    description: Text | None = None


class Age(Model):
    """Participants' age in years, as reported."""

    mean: Years | None = None
    median: Years | None = None
    minimum: Years | None = None
    maximum: Years | None = None
    note: Text | None = None


class Subgroup(Model):
    """A named part of the population and its size."""

    label: Text
    n: Count | None = None
    percent: Number | None = Field(None, ge=0, le=100)
    source: Slug | None = None
    note: Text | None = None


class Population(Model):
    """Who (or what) was studied."""

    species: Species | None = None
    n: Count | None = Field(None, description="participants (or animals) analysed or enrolled")
    n_type: Literal["ACTUAL", "ESTIMATED"] | None = Field(
        None, description="ClinicalTrials.gov enrollment type: ESTIMATED for planned sizes"
    )
    description: Text | None = None
    age: Age | None = None
    subgroups: list[Subgroup] = Field(default_factory=list)
    inclusion: list[Text] = Field(default_factory=list)
    baseline: list[Text] = Field(default_factory=list, description="baseline characteristics")


class Intervention(Model):
    """The cells given and how."""

    name: Text
    cell_type: CellType | None = None
    cell_description: Text | None = None
    tissue_origin: TissueOrigin | None = None
    tissue_detail: Text | None = None
    cell_source: CellSource | None = Field(None, description="autologous, allogeneic or xenogeneic")
    route: Text | None = None
    doses: int | None = Field(None, ge=1, lt=MAX_PEOPLE, description="number of administrations")
    schedule: Text | None = None
    cell_dose: Text | None = None
    conditioning: Text | None = Field(None, description="conditioning or co-treatment")


class Interval(Model):
    """A published confidence interval."""

    lower: Number
    upper: Number
    level: Number = Field(95, gt=0, lt=100)

    @model_validator(mode="after")
    def _ordered(self) -> Interval:
        if self.lower > self.upper:
            raise ValueError("lower bound is above the upper bound")
        return self


class Counts(Model):
    """A proportion given as k events among n people."""

    events: Count
    total: Count

    @model_validator(mode="after")
    def _fits(self) -> Counts:
        if self.total == 0 or self.events > self.total:
            raise ValueError("events must be between 0 and total, and total above 0")
        return self


class Estimate(Model):
    """A published estimate: a value (or a before/after pair) with its interval."""

    value: Number | None = None
    unit: Text | None = Field(None, description="%, points, IU/day ...")
    method: Text | None = Field(None, description="Kaplan-Meier, mean, mean change ...")
    interval: Interval | None = None
    baseline: Number | None = None
    final: Number | None = None

    @model_validator(mode="after")
    def _has_number(self) -> Estimate:
        if self.value is None and (self.baseline is None or self.final is None):
            raise ValueError("give a value, or both baseline and final")
        return self


class PublishedEffect(Model):
    """A between-group effect measure as published."""

    measure: EffectMeasure
    parameter: Text | None = Field(
        None, description="the measure as published, e.g. 'Mean Difference (Net)'"
    )
    value: Number | None = None
    interval: Interval | None = None
    comparison: Text | None = Field(None, description="which groups, e.g. 'HSCT vs DMT'")
    method: Text | None = Field(None, description="statistical method, e.g. 'ANCOVA'")


class Outcome(Model):
    """One reported result: measure, group, timepoint, and the numbers as published."""

    measure: Text
    endpoint: Slug | None = Field(
        None,
        description="a slug naming the endpoint (e.g. disease-progression): outcomes with the "
        "same endpoint are compared across arms and pooled across studies; without it, the "
        "same measure text (case and spacing ignored) is the same outcome",
    )
    group: Text | None = Field(None, description="arm or subgroup; null means everyone")
    timepoint: Text | None = None
    primary: bool = False
    counts: Counts | None = None
    events_are: EventsAre | None = Field(
        None,
        description="whether the counted event is harmful (progression, death) or desirable "
        "(remission): decides NNT (benefit) or NNH (harm); unknown when absent",
    )
    estimate: Estimate | None = None
    effect: PublishedEffect | None = None
    p_value: PValue | None = None
    statement: Text | None = None
    source: Slug = Field(description="key of the source these numbers come from")

    @model_validator(mode="after")
    def _has_result(self) -> Outcome:
        if not (self.counts or self.estimate or self.effect or self.statement):
            raise ValueError("give counts, an estimate, an effect or a statement")
        return self


class Finding(Model):
    """A plain statement attributed to a source."""

    text: Text
    source: Slug | None = None


class Claim(Model):
    """What one source says about a disputed point."""

    source: Slug
    says: Text


class Discrepancy(Model):
    """A point on which sources disagree, recorded rather than resolved."""

    topic: Text
    claims: list[Claim] = Field(min_length=1)
    note: Text | None = None


class Opinion(Model):
    """Expert-opinion content: a question and the gist of an answer, not a study."""

    question: Text
    asked_by: Text | None = None
    expert: Text
    role: Text | None = None
    answer_gist: Text
    verdict: Text | None = Field(None, description="the expert's final answer, if given")


class Study(Model):
    """A study descriptor: one YAML file per study, file name ``<id>.yaml``."""

    id: Slug
    title: Text = Field(description="short descriptive title")
    headline: Text = Field(description="the main result in one line, with its caveat")
    summary: Text | None = None
    kind: Kind
    condition: Condition
    keywords: list[Text] = Field(
        default_factory=list, description="registry keywords: searched by --search, not --condition"
    )
    design: Design
    results: Results = "published"
    publication: Publication = Field(default_factory=Publication)
    registration: Registration | None = None
    sources: list[Source] = Field(min_length=1)
    population: Population = Field(default_factory=Population)
    arms: list[Arm] = Field(default_factory=list)
    intervention: Intervention | None = None
    outcomes: list[Outcome] = Field(default_factory=list)
    safety: list[Finding] = Field(default_factory=list)
    limitations: list[Text] = Field(default_factory=list)
    discrepancies: list[Discrepancy] = Field(default_factory=list)
    opinion: Opinion | None = None
    next_steps: list[Finding] = Field(default_factory=list)
    context: list[Finding] = Field(default_factory=list)
    not_available: list[Text] = Field(
        default_factory=list, description="what the sources do not give (left empty on purpose)"
    )
    provenance: Text | None = Field(
        None, description="how this descriptor was made, e.g. imported from a registry, not curated"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Study:
        """Cross-field rules; each message starts with the field path it is about."""
        keys = [s.key for s in self.sources]
        for i, key in enumerate(keys):
            if key in keys[:i]:
                raise ValueError(f"sources[{i}].key: source key '{key}' is used twice")
        for path, key in self._source_references():
            if key not in keys:
                raise ValueError(f"{path}: unknown source key '{key}'; known: {', '.join(keys)}")
        if self.kind == "expert-opinion" and self.opinion is None:
            raise ValueError("opinion: an expert-opinion descriptor needs an 'opinion' section")
        if self.kind != "expert-opinion" and self.intervention is None:
            raise ValueError("intervention: a study needs an 'intervention' section")
        expected_kind = DESIGN_KIND.get(self.design.type, "clinical")
        if self.kind != expected_kind:
            raise ValueError(f"kind: design.type {self.design.type} needs kind {expected_kind}")
        if self.kind == "clinical" and self.population.species not in (None, "human"):
            raise ValueError("kind: a study in animals is kind preclinical, not clinical")
        known = self.design.type != "unknown"
        if self.kind == "clinical" and self.design.control is None and known:
            raise ValueError("design.control: a clinical study must say its control (none if none)")
        return self

    def _source_references(self) -> list[tuple[str, str]]:
        """(field path, key) of every place that names a source."""
        refs = [(f"outcomes[{i}].source", o.source) for i, o in enumerate(self.outcomes)]
        for name in ("safety", "next_steps", "context"):
            findings = getattr(self, name)
            refs += [(f"{name}[{i}].source", f.source) for i, f in enumerate(findings) if f.source]
        refs += [
            (f"discrepancies[{i}].claims[{j}].source", c.source)
            for i, d in enumerate(self.discrepancies)
            for j, c in enumerate(d.claims)
        ]
        refs += [
            (f"population.subgroups[{i}].source", g.source)
            for i, g in enumerate(self.population.subgroups)
            if g.source
        ]
        return refs

    @property
    def year(self) -> int | None:
        """Year the study is dated by: publication, else registry start or first posting, else
        the first dated source."""
        candidates = [self.publication.date]
        if self.registration:
            candidates += [self.registration.start_date, self.registration.first_posted]
        candidates += [s.date for s in self.sources]
        for date in candidates:
            if date:
                return int(date[:4])
        return None


def descriptor_schema() -> dict:
    """The JSON Schema of a descriptor file (standard Draft 2020-12 keywords only)."""
    from .schema import standard

    return standard(Study.model_json_schema())
