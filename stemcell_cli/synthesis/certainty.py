"""Certainty of a body of evidence, GRADE-style, computed by fixed and stated rules.

This is a transparent first rating, not a panel's judgement. Rules:

* Start: high when every study is randomized, otherwise low (observational or mixed).
* Risk of bias: down 1 when the studies flagged not blinded, not randomized or
  retrospective hold more than half of the pooled weight.
* Inconsistency: down 1 when I² > 50 % AND at least two studies' 95 % CIs do not overlap
  (both conditions; the I² and the non-overlapping pair are named).
* Imprecision: down 1 when the pooled 95 % CI crosses no effect (1 for ratios, 0 for RD),
  and down 1 more when the total number of events is below 300 (GRADE's rule of thumb for
  the optimal information size); each criterion is one level, two at most.
* Publication bias: judged only with at least 10 studies, by Egger's test; down 1 when
  p < 0.10. With fewer studies: "not assessable", no downgrade.

The rating never goes below "very low".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .funnel import MIN_STUDIES, EggerResult
from .pooling import Pooled

LEVELS = ("very low", "low", "moderate", "high")
LABEL = "a transparent first rating, not a panel's judgement"
ROB_SHARE = 50.0
I2_LIMIT = 50.0
OIS_EVENTS = 300
FUNNEL_P = 0.10


@dataclass(frozen=True)
class StudyFacts:
    """What the rating needs to know about one study (same order as the pooled studies)."""

    label: str
    randomized: bool
    not_blinded: bool = False
    not_randomized: bool = False
    retrospective: bool = False

    @property
    def flags(self) -> tuple[str, ...]:
        names = ("not blinded", "not randomized", "retrospective")
        values = (self.not_blinded, self.not_randomized, self.retrospective)
        return tuple(name for name, on in zip(names, values, strict=True) if on)


@dataclass(frozen=True)
class Downgrade:
    domain: str
    reason: str
    levels: int


@dataclass(frozen=True)
class Certainty:
    start: str
    downgrades: tuple[Downgrade, ...]
    final: str
    not_assessed: tuple[tuple[str, str], ...] = ()
    label: str = LABEL


def rate_certainty(
    pooled: Pooled,
    studies: Sequence[StudyFacts],
    total_events: int,
    funnel: EggerResult | None = None,
) -> Certainty:
    """Rate the certainty of a pooled body of evidence by the rules in the module docstring.

    ``studies`` must match ``pooled.studies`` one to one (weights and CIs come from there).
    """
    if len(studies) != len(pooled.studies):
        raise ValueError(f"{len(studies)} study facts for {len(pooled.studies)} pooled studies")
    if total_events < 0:
        raise ValueError("total events cannot be negative")
    start = "high" if all(s.randomized for s in studies) else "low"
    downgrades: list[Downgrade] = []
    not_assessed: list[tuple[str, str]] = []
    for check in (_risk_of_bias(pooled, studies), _inconsistency(pooled)):
        if check:
            downgrades.append(check)
    downgrades.extend(_imprecision(pooled, total_events))
    bias = _publication_bias(pooled, funnel)
    if isinstance(bias, Downgrade):
        downgrades.append(bias)
    elif bias:
        not_assessed.append(("publication bias", bias))
    level = LEVELS.index(start) - sum(d.levels for d in downgrades)
    return Certainty(start, tuple(downgrades), LEVELS[max(0, level)], tuple(not_assessed))


def _risk_of_bias(pooled: Pooled, studies: Sequence[StudyFacts]) -> Downgrade | None:
    flagged = [
        (facts, row.weight)
        for facts, row in zip(studies, pooled.studies, strict=True)
        if facts.flags
    ]
    share = sum(weight for _, weight in flagged)
    if share <= ROB_SHARE:
        return None
    names = ", ".join(f"{facts.label} ({'/'.join(facts.flags)})" for facts, _ in flagged)
    return Downgrade(
        "risk of bias",
        f"studies at risk of bias hold {share:.0f}% of the weight (more than half): {names}",
        1,
    )


def _inconsistency(pooled: Pooled) -> Downgrade | None:
    if pooled.i2 <= I2_LIMIT:
        return None
    rows = pooled.studies
    for i, first in enumerate(rows):
        for second in rows[i + 1 :]:
            if first.upper < second.lower or second.upper < first.lower:
                return Downgrade(
                    "inconsistency",
                    f"I² = {pooled.i2:.0f}% (above 50%) and the 95% CIs of {first.label} and "
                    f"{second.label} do not overlap",
                    1,
                )
    return None


def _imprecision(pooled: Pooled, total_events: int) -> list[Downgrade]:
    found: list[Downgrade] = []  # one study's interval is not "pooled"
    if pooled.lower <= pooled.null <= pooled.upper:
        found.append(
            Downgrade(
                "imprecision",
                ("the pooled" if pooled.k >= 2 else "the study's")
                + f" 95% CI ({pooled.lower:.3g} to {pooled.upper:.3g}) "
                f"includes no effect ({pooled.null:g})",
                1,
            )
        )
    if total_events < OIS_EVENTS:
        found.append(
            Downgrade(
                "imprecision",
                f"{total_events} events in total, fewer than 300 (optimal information size "
                "rule of thumb)",
                1,
            )
        )
    return found


def _publication_bias(pooled: Pooled, funnel: EggerResult | None) -> Downgrade | str:
    if pooled.k < MIN_STUDIES:
        return f"not assessable: {pooled.k} studies (a funnel test needs at least 10)"
    if funnel is None or not funnel.assessable or funnel.p is None:
        return "not assessable: no funnel test result"
    if funnel.p < FUNNEL_P:
        return Downgrade(
            "publication bias",
            f"funnel asymmetry: Egger's test p = {funnel.p:.3g} (below 0.10)",
            1,
        )
    return ""
