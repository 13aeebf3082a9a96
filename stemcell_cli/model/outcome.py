"""What a study reports: outcomes with their published figures, intervals and effects, and
the risk-of-bias judgements (RoB 2 domains) of a study or of one of its outcomes."""

from __future__ import annotations

from pydantic import Field, model_validator

from .fields import Count, Model, Number, PValue, Slug, Text
from .vocab import AssessedBy, EffectMeasure, EventsAre, MeasuredAs, RiskLevel, Statistic


class Judgement(Model):
    """One risk-of-bias domain as judged in a source (or by the curator from one)."""

    judgement: RiskLevel
    note: Text | None = None
    source: Slug | None = Field(None, description="key of the source the judgement rests on")


class RiskOfBias(Model):
    """The five domains of the Cochrane RoB 2 tool; a domain left out is derived by stemcell
    from the design (and marked derived)."""

    randomization: Judgement | None = Field(None, description="the randomization process")
    deviations: Judgement | None = Field(
        None, description="deviations from the intended interventions"
    )
    missing_data: Judgement | None = Field(None, description="missing outcome data")
    measurement: Judgement | None = Field(None, description="measurement of the outcome")
    reporting: Judgement | None = Field(None, description="selection of the reported result")


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


class Quartiles(Model):
    """A published interquartile range (first and third quartile)."""

    lower: Number
    upper: Number


class Estimate(Model):
    """A published estimate: a value (or a before/after pair) with its interval, and for a
    group's mean the spread and size that let stemcell compare arms (mean differences)."""

    value: Number | None = None
    unit: Text | None = Field(None, description="%, points, IU/day ...")
    method: Text | None = Field(None, description="Kaplan-Meier, mean, mean change ...")
    statistic: Statistic | None = Field(
        None, description="what the value is: a mean, a median, a proportion or other"
    )
    measured_as: MeasuredAs | None = Field(
        None, description="final values, or change from baseline (never mixed in an SMD)"
    )
    interval: Interval | None = Field(None, description="the published CI of the value")
    sd: Number | None = Field(None, ge=0, description="standard deviation, as published")
    se: Number | None = Field(None, ge=0, description="standard error, as published")
    iqr: Quartiles | None = Field(None, description="interquartile range, as published")
    n: Count | None = Field(None, description="how many people the value is about")
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
    derived: Text | None = Field(
        None,
        description="how the figures were worked out from published ones (e.g. deaths as "
        "patients minus survivors): shown as computed, never as published",
    )
    assessed_by: AssessedBy | None = Field(
        None,
        description="who judges the outcome: participant (pain, quality of life), clinician "
        "(EDSS, clinical scores), blinded-assessor (imaging read blind) or objective (death, "
        "laboratory values): decides whether knowing the treatment could bias it",
    )
    risk_of_bias: RiskOfBias | None = Field(
        None, description="this outcome's own judgements, where they differ from the study's"
    )

    @model_validator(mode="after")
    def _has_result(self) -> Outcome:
        if not (self.counts or self.estimate or self.effect or self.statement):
            raise ValueError("give counts, an estimate, an effect or a statement")
        return self
