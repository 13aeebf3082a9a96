"""Certainty of a body of evidence, GRADE-style, computed by fixed and stated rules.

This is a transparent first rating, not a panel's judgement. Rules (README, "How certainty is
rated", gives each with the figure that fires it):

* Start: high when every study is randomized, otherwise low (observational or mixed).
* Risk of bias, from each study's RoB 2 judgement for the outcome (see
  :mod:`stemcell_cli.evidence.risk_of_bias`): down 2 when studies at high risk hold more than
  half of the pooled weight, else down 1 when studies with some concerns or at high risk do.
  For non-randomized studies the randomization domain is not counted again: such a body
  already starts at low.
* Inconsistency: down 1 when I² > 50 % AND at least two studies' 95 % CIs do not overlap.
* Imprecision (GRADE guidance): the optimal information size (OIS) is about 300 events for a
  binary outcome and 400 participants for a continuous one; appreciable benefit and harm are a
  ratio of 0.75 and 1.25. Down 1 when the 95 % CI includes no effect, crosses one of those
  thresholds, or the information is below the OIS; down 2 when it crosses both thresholds,
  the information is under a third of the OIS, or the interval is extremely wide (its upper
  bound more than ten times its lower). Two levels at most.
* Publication bias: judged only with at least 10 studies, by the small-study test (metafor's
  ``regtest``: REML meta-regression on the standard error, z test); down 1 when p < 0.10.

The rating never goes below "very low".
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from ..synthesis.funnel import MIN_STUDIES, RegtestResult
from ..synthesis.lazy import Lazy
from ..synthesis.pooling import Pooled
from ..synthesis.rows import StudyRows
from ..words import listed

LEVELS = ("very low", "low", "moderate", "high")
SYMBOLS = {"very low": "⊕◯◯◯", "low": "⊕⊕◯◯", "moderate": "⊕⊕⊕◯", "high": "⊕⊕⊕⊕"}
LABEL = "a transparent first rating, not a panel's judgement"
ROB_SHARE = 50.0
I2_LIMIT = 50.0
OIS_EVENTS = 300
OIS_PARTICIPANTS = 400
BENEFIT, HARM = 0.75, 1.25  # appreciable benefit and harm, as ratios
WIDE = 10.0  # an interval whose upper bound is more than this times its lower is very wide
FUNNEL_P = 0.10
HIGH, SOME = ("high",), ("some-concerns", "high")  # the judgements each downgrade counts


@dataclass(frozen=True, slots=True)
class StudyFacts:
    """What the rating needs to know about one study (same order as the pooled studies):
    whether it is randomized, its RoB 2 overall judgement for the outcome and the domains
    behind it. Studies judged alike share one object."""

    randomized: bool
    risk_of_bias: str = "low"  # low, some-concerns or high
    concerns: tuple[str, ...] = ()  # the domains that are not low
    judgements: tuple[tuple[str, str], ...] = ()  # (domain, judgement) as judged


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

    @property
    def symbols(self) -> str:
        """``⊕⊕◯◯ LOW``, as GRADEpro prints a rating."""
        return f"{SYMBOLS[self.final]} {self.final.upper()}"


def rate_certainty(
    pooled: Pooled,
    studies: Sequence[StudyFacts],
    total_events: int | None,
    funnel: RegtestResult | None = None,
    *,
    participants: int | None = None,
) -> Certainty:
    """Rate the certainty of a pooled body of evidence by the rules in the module docstring.

    ``studies`` must match ``pooled.studies`` one to one (weights and CIs come from there).
    A binary outcome gives ``total_events``; a continuous one ``participants`` (and None);
    published effects whose arms' sizes are unknown give neither (the information size is then
    not judged).
    """
    if len(studies) != len(pooled.studies):
        raise ValueError(f"{len(studies)} study facts for {len(pooled.studies)} pooled studies")
    if total_events is not None and total_events < 0:
        raise ValueError("total events cannot be negative")
    start = "high" if all(s.randomized for s in studies) else "low"
    downgrades = [
        found
        for found in (
            _risk_of_bias(pooled, studies),
            _inconsistency(pooled),
            _imprecision(pooled, total_events, participants),
        )
        if found
    ]
    not_assessed: list[tuple[str, str]] = []
    bias = _publication_bias(pooled, funnel)
    if isinstance(bias, Downgrade):
        downgrades.append(bias)
    elif bias:
        not_assessed.append(("publication bias", bias))
    level = LEVELS.index(start) - sum(d.levels for d in downgrades)
    return Certainty(start, tuple(downgrades), LEVELS[max(0, level)], tuple(not_assessed))


def _risk_of_bias(pooled: Pooled, studies: Sequence[StudyFacts]) -> Downgrade | None:
    rows = pooled.studies
    high = some = 0.0  # the weight of the studies at high risk, and at some or high risk
    for facts, vi in zip(studies, rows.vi, strict=True):
        if facts.risk_of_bias != "low":
            weight = rows.weight(vi)
            some += weight
            high += weight if facts.risk_of_bias == "high" else 0.0
    for counted, share, levels, what in (
        (HIGH, high, 2, "at high risk of bias"),
        (SOME, some, 1, "at some risk"),
    ):
        if share > ROB_SHARE:
            alike = {  # studies with the same concerns named together
                (facts.risk_of_bias, facts.concerns): None
                for facts in studies
                if facts.risk_of_bias in counted
            }
            names = "; ".join(_named(studies, rows, group) for group in alike)
            return Downgrade(
                "risk of bias",
                f"studies {what} hold {share:.0f}% of the weight (more than half): {names}",
                levels,
            )
    return None


def _named(
    studies: Sequence[StudyFacts], rows: StudyRows, group: tuple[str, tuple[str, ...]]
) -> str:
    """``S1, S2 (some concerns: ...)``: the studies judged ``group`` (judgement, concerns),
    the first few named (their labels alone are read) and the others counted."""
    places = array("i", (i for i, f in enumerate(studies) if (f.risk_of_bias, f.concerns) == group))
    labels = Lazy(places, rows.labels.__getitem__)
    return f"{listed(labels)} ({group[0].replace('-', ' ')}: {', '.join(group[1])})"


def _inconsistency(pooled: Pooled) -> Downgrade | None:
    if pooled.i2 <= I2_LIMIT:
        return None
    rows = pooled.studies
    k = len(rows)
    # the first pair (i < j) whose CIs do not overlap: i is the first row that some later row
    # lies wholly above or below (suffix extremes, at C speed), j the first such later row
    lowers, uppers = rows.bounds(backwards=True)
    tops = array("d", accumulate(lowers, max, initial=-math.inf))  # largest lower of the last m
    bottoms = array("d", accumulate(uppers, min, initial=math.inf))  # smallest upper of them
    for i, (low, high) in enumerate(zip(*rows.bounds(), strict=True)):
        if high < tops[k - 1 - i] or bottoms[k - 1 - i] < low:
            j = next(
                j for j in range(i + 1, k) if high < rows.limits(j)[0] or rows.limits(j)[1] < low
            )
            return Downgrade(
                "inconsistency",
                f"I² = {pooled.i2:.0f}% (above 50%) and the 95% CIs of {rows[i].label} and "
                f"{rows[j].label} do not overlap",
                1,
            )
    return None


def _imprecision(
    pooled: Pooled, total_events: int | None, participants: int | None
) -> Downgrade | None:
    """One downgrade, of 1 or 2 levels, naming every criterion that fired."""
    low, high = pooled.lower, pooled.upper
    whose = "the pooled" if pooled.k >= 2 else "the study's"
    interval = f"{whose} 95% CI ({low:.3g} to {high:.3g})"
    serious: list[str] = []
    very: list[str] = []
    if pooled.is_ratio:
        crosses = [t for t in (BENEFIT, HARM) if low < t < high]
        if len(crosses) == 2:
            very.append(f"{interval} crosses both appreciable benefit (0.75) and harm (1.25)")
        elif crosses:
            what = "benefit" if crosses[0] == BENEFIT else "harm"
            serious.append(f"{interval} crosses appreciable {what} ({crosses[0]:g})")
        if low > 0 and high / low > WIDE:
            very.append(f"{interval} is very wide (upper bound {high / low:.0f} times the lower)")
    if low <= pooled.null <= high:
        serious.append(f"{interval} includes no effect ({pooled.null:g})")
    if total_events is not None:
        information, optimal, unit = total_events, OIS_EVENTS, "events"
    elif participants is not None:
        information, optimal, unit = participants, OIS_PARTICIPANTS, "participants"
    else:  # published effects without the arms' sizes: the information size is unknown
        information, optimal, unit = -1, 0, ""
    if optimal == 0:
        pass
    elif information * 3 < optimal:
        very.append(
            f"{information} {unit} in total, under a third of the optimal information size "
            f"(about {optimal})"
        )
    elif information < optimal:
        serious.append(
            f"{information} {unit} in total, fewer than the optimal information size "
            f"(about {optimal})"
        )
    if not serious and not very:
        return None
    return Downgrade("imprecision", "; ".join(very + serious), 2 if very else 1)


def _publication_bias(pooled: Pooled, funnel: RegtestResult | None) -> Downgrade | str:
    if pooled.k < MIN_STUDIES:
        studies = "1 study" if pooled.k == 1 else f"{pooled.k} studies"
        return f"not assessable: {studies} (a small-study test needs at least 10)"
    if funnel is None or not funnel.assessable or funnel.p is None:
        return "not assessable: no small-study test result"
    if funnel.p < FUNNEL_P:
        return Downgrade(
            "publication bias",
            f"funnel asymmetry: small-study test (metafor regtest) p = {funnel.p:.3g} (below 0.10)",
            1,
        )
    return ""
