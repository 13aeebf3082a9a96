"""Pydantic v2 models of a study descriptor: strict, closed, no I/O.

Registry-shaped fields reuse ClinicalTrials.gov API v2 vocabulary (``PHASE2``,
``RANDOMIZED``, ``QUADRUPLE``, ``COMPLETED`` ...). A value the sources do not give
is left out (null); nothing is guessed.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from .fields import (
    DOI_PATTERN,
    PMCID_PATTERN,
    PMID_PATTERN,
    Count,
    Model,
    Months,
    Number,
    PartialDate,
    Slug,
    Text,
    Url,
    Years,
)
from .outcome import Outcome, RiskOfBias
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
    Kind,
    Masking,
    OverallStatus,
    Phase,
    Results,
    SourceKind,
    Species,
    TissueOrigin,
)


class Source(Model):
    """A document the descriptor draws on; outcomes name it by ``key``."""

    key: Slug = Field(description="short local name, e.g. paper, registry, news")
    kind: SourceKind
    title: Text | None = None
    url: Url | None = None
    date: PartialDate | None = None
    secondary: bool = Field(
        False,
        description="a second-hand source: a copy (forum, press) of a primary, a review's table or "
        "a summary site; figures resting only on it are marked and left out of pooling",
    )
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
    risk_of_bias: RiskOfBias | None = Field(
        None,
        description="RoB 2 judgements for the study (each outcome may override a domain); "
        "domains left out are derived from the design and marked derived",
    )
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
        refs += _judgement_sources("risk_of_bias", self.risk_of_bias)
        for i, outcome in enumerate(self.outcomes):
            refs += _judgement_sources(f"outcomes[{i}].risk_of_bias", outcome.risk_of_bias)
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


def _judgement_sources(path: str, judged: RiskOfBias | None) -> list[tuple[str, str]]:
    """(field path, key) of the sources named by risk-of-bias judgements."""
    if judged is None:
        return []
    return [
        (f"{path}.{domain}.source", judgement.source)
        for domain, judgement in judged
        if judgement is not None and judgement.source
    ]


def descriptor_schema() -> dict:
    """The JSON Schema of a descriptor file (standard Draft 2020-12 keywords only)."""
    from .schema import standard

    return standard(Study.model_json_schema())
