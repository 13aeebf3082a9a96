"""Bodies of evidence: the contributions to one outcome of one kind, pooled and rated.

* Contributions share an outcome when their outcome keys are equal (the ``endpoint`` slug,
  else the measure text with case and spacing ignored); timepoints may differ.
* A *body of evidence* is the contributions to one outcome of one kind: randomized or not,
  in people or in animals. Kinds are never pooled together. A study that compares the same
  outcome at several timepoints is left out of it (counting it twice would double its
  weight), and said so.
* Each body is pooled with :func:`synthesis.pool_tables` (one study: its own effect), rated
  with :func:`.certainty.rate_certainty` (with the funnel test from 10 studies), and given
  anticipated absolute effects per 1,000 from the summed comparator arms' risk.
* Risk of bias comes from the studies' evidence flags (not blinded, retrospective). Being
  non-randomized is not counted again: such a body already starts at low. Animal bodies end
  very low, with an indirectness downgrade that says why.

The statistics live in :mod:`stemcell_cli.synthesis`; here they are only called and labelled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from ..synthesis import (
    Effect,
    Pooled,
    RegtestResult,
    absolute_effects,
    pool_tables,
    regtest,
)
from ..synthesis.funnel import MIN_STUDIES
from .certainty import LEVELS, Certainty, Downgrade, rate_certainty
from .contributions import Contribution, LeftOut

EFFECTS = {"rr": "RR", "or": "OR", "rd": "RD"}
METHODS = {"reml": "REML", "dl": "DL", "fixed": "FE"}
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
    studies: tuple[Contribution, ...]
    pooled: Pooled
    certainty: Certainty
    funnel: RegtestResult | None
    comparator_risk: float
    absolute: dict[str, Any]

    @property
    def label(self) -> str:
        return kind_label(self.randomized, self.human)

    @property
    def used(self) -> tuple[Contribution, ...]:
        """The studies in the pooled estimate (not estimable ones left out)."""
        return tuple(c for c in self.studies if c.study_id not in self.pooled.excluded)

    @property
    def participants(self) -> int:
        return sum(c.participants for c in self.used)


def analyse(
    key: str, studies: Sequence[Contribution], measure: str = "RR", method: str = "REML"
) -> Analysis | None:
    """Pool one body of evidence (fixed effect when only one study is estimable); None when
    no study is estimable."""
    tables = [c.table for c in studies]
    labels = [c.study_id for c in studies]
    try:
        pooled = pool_tables(tables, measure=measure, method="FE", labels=labels)  # type: ignore[arg-type]
    except ValueError:
        return None
    if pooled.k >= 2 and method != "FE":
        pooled = pool_tables(tables, measure=measure, method=method, labels=labels)  # type: ignore[arg-type]
    first = studies[0]
    used = [c for c in studies if c.study_id not in pooled.excluded]
    funnel = None
    if pooled.k >= MIN_STUDIES:
        funnel = regtest([s.yi for s in pooled.studies], [s.vi for s in pooled.studies])
    events = sum(c.table[0] + c.table[2] for c in used)
    certainty = rate_certainty(pooled, [c.facts for c in used], events, funnel)
    certainty = _adjust(certainty, pooled.k, first.human)
    risk = sum(c.table[2] for c in used) / sum(c.table[3] for c in used)
    return Analysis(
        key,
        first.outcome,
        first.randomized,
        first.human,
        measure,
        pooled.method,
        tuple(studies),
        pooled,
        certainty,
        funnel,
        risk,
        _absolute(risk, pooled),
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
    """Risk per 1,000 with the comparator (summed comparator arms) and with the intervention."""
    source = "comparator risk: events over participants, summed over the comparator arms"
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


def single(studies: list[Contribution], skipped: list[LeftOut]) -> list[Contribution]:
    """One contribution per study; a study with several (timepoints) is left out, said why."""
    counts: dict[str, int] = {}
    for c in studies:
        counts[c.study_id] = counts.get(c.study_id, 0) + 1
    for study_id, n in counts.items():
        if n > 1:
            why = f"compares this outcome at {n} timepoints; one study is counted once"
            skipped.append(LeftOut(study_id, why))
    return [c for c in studies if counts[c.study_id] == 1]


def bodies(studies: list[Contribution]) -> list[list[Contribution]]:
    """The studies split by kind (randomized or not, human or animal), in KINDS order."""
    groups = [[c for c in studies if (c.randomized, c.human) == kind] for kind in KINDS]
    return [g for g in groups if g]
