"""Bodies of evidence: the contributions to one outcome of one kind, pooled and rated.

* Contributions share an outcome when their outcome keys are equal (the ``endpoint`` slug,
  else the measure text with case and spacing ignored); timepoints may differ.
* A *body of evidence* is the contributions to one outcome of one kind: randomized or not,
  in people or in animals. Kinds are never pooled together. A study that compares the same
  outcome at several timepoints is left out of it (counting it twice would double its
  weight), and said so.
* Each body is pooled with :func:`synthesis.pool_tables` (one study: its own effect), rated
  with :func:`.certainty.rate_certainty` (with the funnel test from 10 studies), and given
  anticipated absolute effects per 1,000 from the median control-group risk (as GRADE
  suggests, and as the summary of findings states it).
* Risk of bias comes from the studies' evidence flags (not blinded, retrospective). Being
  non-randomized is not counted again: such a body already starts at low. Animal bodies end
  very low, with an indirectness downgrade that says why.

The statistics live in :mod:`stemcell_cli.synthesis`; here they are only called and labelled.
"""

from __future__ import annotations

from array import array
from dataclasses import asdict, dataclass, replace
from typing import Any, NamedTuple

from ..synthesis import (
    Effect,
    Pooled,
    RegtestResult,
    absolute_effects,
    pool,
    regtest,
)
from ..synthesis.continuous import mixing_note
from ..synthesis.estimable import NotEstimable
from ..synthesis.funnel import MIN_STUDIES
from ..synthesis.median import median
from .certainty import LEVELS, Certainty, Downgrade, rate_certainty
from .columns import Contribution, Contributions, LeftOut, LeftOuts, Shape
from .contributions import NothingToPool
from .measures import CHOICES, default_measure, effect_of

METHODS = {"reml": "REML", "dl": "DL", "fixed": "FE"}
MEANS = ("final", "change")  # kinds of value a mean difference may mix


class PoolOptions(NamedTuple):
    """How bodies of evidence are pooled: the effect measure (None: by outcome, see
    :mod:`.measures`), the model, the CI method, and which studies are left out."""

    effect: str | None = None  # rr, or, rd, md, smd, hr
    method: str = "reml"  # reml, dl, fixed
    ci: str = "z"  # z or hksj
    include_secondary: bool = False
    exclude_high_risk: bool = False

    @property
    def measure(self) -> str | None:
        return CHOICES[self.effect][0] if self.effect else None


DEFAULT = PoolOptions()
SECONDARY = "rests only on a secondary source (a review's table, a summary site): left out"
NOT_ESTIMABLE = "not estimable (no events, or all events, in both arms)"
HIGH_RISK = "at high risk of bias for this outcome: left out (--exclude-high-risk)"


def screen(studies: Contributions, options: PoolOptions, left_out: LeftOuts) -> Contributions:
    """The studies that enter: secondary figures only when asked for, high risk of bias not
    when asked to leave it out; each one left out is said, with why."""

    def why(c: Shape | Contribution) -> str | None:
        if c.secondary and not options.include_secondary:
            return f"{c.outcome}: {SECONDARY} (--include-secondary)"
        if options.exclude_high_risk and c.facts.risk_of_bias == "high":
            return f"{c.outcome}: {HIGH_RISK}"
        return None

    left_out += (LeftOut(c.study_id, why(c) or "") for c in studies.where(lambda s: bool(why(s))))
    return studies.where(lambda s: why(s) is None)


KINDS = ((True, True), (False, True), (True, False), (False, False))  # (randomized, human)
ANIMAL_REASON = (
    "only animal studies: evidence about people is indirect (GRADE starts animal evidence "
    "at very low)"
)


def kind_label(randomized: bool, human: bool) -> str:
    """``randomized, human`` ... ``non-randomized, animal``."""
    return f"{'randomized' if randomized else 'non-randomized'}, {'human' if human else 'animal'}"


@dataclass(frozen=True)
class Analysis:
    """One body of evidence for one outcome, pooled (or one study's effect), with its rating."""

    key: str
    outcome: str
    randomized: bool
    human: bool
    measure: str
    method: str
    studies: Contributions
    pooled: Pooled
    certainty: Certainty
    funnel: RegtestResult | None
    comparator_risk: float | None  # counts only
    absolute: dict[str, Any]
    participants: int | None  # in the pooled studies whose arms' sizes are given (None: none)
    used: Contributions  # the studies in the pooled estimate (not estimable ones left out)

    @property
    def label(self) -> str:
        return kind_label(self.randomized, self.human)


def analyse(
    key: str,
    studies: Contributions,
    measure: str | None = None,
    method: str = "REML",
    ci: str = "z",
    pi: str = "handbook",
) -> Analysis | None:
    """Pool one body of evidence on ``measure`` (by default the one its studies give most
    directly: see :mod:`.measures`), fixed effect when only one study is estimable; None when
    no study gives an estimable effect."""
    measure = measure or default_measure(studies)
    yi, vi, risks = array("d"), array("d"), array("d")
    excluded: list[str] = []
    events = participants = 0
    counted = sized = True  # every effect from counts; every study's arms' sizes known
    known = False  # some study's arms' sizes known
    for place, c in enumerate(studies.figures()):  # no study's texts read
        if (effect := effect_of(c, measure)) is None:
            excluded.append(studies.ids[place])
            continue
        yi.append(effect[0])
        vi.append(effect[1])
        counts = c.counts if effect[2] == "counts" else None
        counted = counted and counts is not None
        if counted and counts:
            events += counts[0] + counts[2]
            risks.append(counts[2] / counts[3])
        people = c.participants
        sized = sized and people is not None
        known = known or people is not None
        participants += people or 0
    if not yi:
        return None
    risk = median(risks) if counted else None  # as GRADE suggests
    del risks  # not held while the fits run
    used = studies.without(excluded)
    fit = method if len(used) >= 2 else "FE"
    try:
        pooled = pool(
            yi,
            vi,
            measure=measure,
            method=fit,  # type: ignore[arg-type]
            labels=used.ids,
            ci=ci,  # type: ignore[arg-type]
            pi=pi,  # type: ignore[arg-type]
        )
    except ValueError:  # not estimable (the reason is in the exception)
        return None
    pooled = replace(pooled, excluded=tuple(excluded))
    kinds = [s.measured_as for s in used.shapes() if s.kind == "means" and s.measured_as in MEANS]
    if measure in ("MD", "SMD") and kinds:
        try:
            mixed = mixing_note(kinds, measure)
        except NotEstimable as problem:  # an SMD never mixes final values and changes
            raise NothingToPool(f"nothing to pool for {studies[0].outcome!r}: {problem}") from None
        if mixed:
            pooled = replace(pooled, notes=(*pooled.notes, mixed))
    first = studies[0]
    funnel = regtest(yi, vi) if pooled.k >= MIN_STUDIES else None
    certainty = rate_certainty(
        pooled,
        used.facts,
        events if counted else None,
        funnel,
        participants=participants if sized and not counted else None,
    )
    certainty = _adjust(certainty, pooled.k, first.human)
    return Analysis(
        key,
        first.outcome,
        first.randomized,
        first.human,
        measure,
        pooled.method,
        studies,
        pooled,
        certainty,
        funnel,
        risk,
        _absolute(risk, pooled) if risk is not None else _difference(pooled),
        participants if known else None,
        used,
    )


def _adjust(certainty: Certainty, k: int, human: bool) -> Certainty:
    """One study: inconsistency cannot be judged. Animals: indirect, so very low (said even
    when the other domains already brought it there: then by 0 levels)."""
    if k == 1:
        why = ("inconsistency", "not assessable: one study")
        certainty = replace(certainty, not_assessed=(why, *certainty.not_assessed))
    if not human:
        downgrade = Downgrade("indirectness", ANIMAL_REASON, LEVELS.index(certainty.final))
        certainty = replace(
            certainty, downgrades=(*certainty.downgrades, downgrade), final=LEVELS[0]
        )
    return certainty


def _absolute(risk: float, pooled: Pooled) -> dict[str, Any]:
    """Risk per 1,000 with the comparator (the median control-group risk) and with the
    intervention."""
    source = "comparator risk: the median control-group risk of the pooled studies"
    if pooled.is_ratio:
        relative = Effect(pooled.measure, pooled.estimate, pooled.lower, pooled.upper, "pooled")
        found = asdict(absolute_effects(risk, relative))
    else:  # a risk difference adds to the comparator risk
        at = lambda d: 1000 * min(1.0, max(0.0, risk + d))  # noqa: E731
        found = {
            "per": 1000,
            "comparator": 1000 * risk,
            "intervention": at(pooled.estimate),
            "lower": at(pooled.lower),
            "upper": at(pooled.upper),
            "method": "assumed comparator risk + RD (and its CI limits)",
        }
    if risk == 0:
        found |= dict.fromkeys(("intervention", "lower", "upper"))
    return found | {"assumed_risk": source, "label": "computed"}


def _difference(pooled: Pooled) -> dict[str, Any]:
    """No risk per 1,000 without counts: a difference is said as the mean one, a ratio from
    published effects has no comparator risk to apply to."""
    if pooled.is_ratio:
        text = "not derivable: no comparator risk (published effects only)"
    else:
        word = lambda v: f"{abs(v):.3g} {'higher' if v >= 0 else 'lower'}"  # noqa: E731
        text = (
            f"the mean was {word(pooled.estimate)} with the intervention "
            f"({word(pooled.lower)} to {word(pooled.upper)})"
        )
    return {
        "per": None,
        "comparator": None,
        "intervention": None,
        "lower": None,
        "upper": None,
        "method": f"{pooled.measure}, as pooled",
        "text": text,
        "label": "computed",
    }


def single(studies: Contributions, skipped: LeftOuts) -> Contributions:
    """One contribution per study; a study with several (timepoints) is left out, said why."""
    once, more = studies.once_per_study()
    skipped += (
        LeftOut(study_id, f"compares this outcome at {n} timepoints; one study is counted once")
        for study_id, n in more
    )
    return once


def bodies(studies: Contributions) -> list[Contributions]:
    """The studies split by kind (randomized or not, human or animal), in KINDS order."""
    groups = studies.split(lambda s: (s.randomized, s.human))
    return [groups[kind] for kind in KINDS if kind in groups]
