"""``stemcell pool --measure``: one outcome pooled kind by kind.

Which outcome: the ``--measure`` text names an endpoint slug or a measure exactly (case and
spacing ignored), else the one outcome whose measure or endpoint holds its words in order.
Each kind of evidence (randomized or not, human or animal) with at least two studies with an
estimable effect is pooled on its own; the first in the order randomized human,
non-randomized human, randomized animal, non-randomized animal is the main analysis.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import UsageError
from ..query import phrase_in
from .bodies import EFFECTS, METHODS, Analysis, analyse, bodies, kind_label, single
from .comparisons import folded
from .contributions import Contribution, LeftOut, NothingToPool, gather, nothing

NOT_ESTIMABLE = "not estimable (no events, or all events, in both arms)"


@dataclass(frozen=True)
class PoolResult:
    """One outcome pooled: the main body of evidence, the other kinds pooled apart, and what
    was left out and why."""

    outcome: str
    key: str
    main: Analysis
    others: tuple[Analysis, ...]
    left_out: tuple[LeftOut, ...]
    query: str


def match_outcome(query: str, found: Sequence[Contribution]) -> str:
    """The outcome key ``query`` names: an endpoint or measure exactly (case and spacing
    ignored), else the one outcome whose measure or endpoint contains its words in order."""
    outcomes = {c.key: c.outcome for c in found}
    wanted = folded(query)
    exact = [k for k in outcomes if k in (f"endpoint:{wanted}", f"measure:{wanted}")]
    if exact:
        return exact[0]
    near = [
        k
        for k, text in outcomes.items()
        if phrase_in(query, [text, k.partition(":")[2].replace("-", " ")])
    ]
    if len(near) == 1:
        return near[0]
    listed = "; ".join(f"{outcomes[k]!r}" for k in (near or outcomes))
    if near:
        raise UsageError(f"--measure {query!r} matches {len(near)} outcomes: {listed}; give one")
    raise NothingToPool(
        f"nothing to pool: no two-arm comparison of an outcome matching {query!r}; "
        f"outcomes with two-arm counts in the selected studies: {listed}"
    )


def pool_outcome(
    records: Iterable[Mapping[str, Any]], query: str, effect: str = "rr", method: str = "reml"
) -> PoolResult:
    """Pool the outcome ``query`` names across the selected records, kind by kind."""
    measure, fit = EFFECTS[effect], METHODS[method]
    gathered = gather(records)
    found = gathered.found
    if not found:
        raise nothing(gathered)
    key = match_outcome(query, found)
    outcome = next(c.outcome for c in found if c.key == key)
    left_out = [
        LeftOut(x.study_id, x.reason)
        for x in gathered.skipped
        if folded(x.reason).startswith(folded(outcome) + ":")
    ]
    studies = single([c for c in found if c.key == key], left_out)
    pooled: list[Analysis] = []
    for body in bodies(studies):
        analysis = analyse(key, body, measure, fit)
        if analysis is not None and analysis.pooled.k >= 2:
            pooled.append(analysis)
            left_out += [LeftOut(x, NOT_ESTIMABLE) for x in analysis.pooled.excluded]
            continue
        why = _alone(body, kind_label(body[0].randomized, body[0].human))
        left_out += [LeftOut(c.study_id, why) for c in body]
    if not pooled:
        ids = {c.study_id for c in studies}
        raise NothingToPool(
            f"nothing to pool for {outcome!r}: "
            + "; ".join(f"{x.study_id}: {x.reason}" for x in left_out if x.study_id in ids)
        )
    return PoolResult(outcome, key, pooled[0], tuple(pooled[1:]), tuple(left_out), query)


def _alone(body: Sequence[Contribution], kind: str) -> str:
    if len(body) == 1:
        return (
            f"the only {kind} comparison of this outcome: one study is not pooled (its effect: "
            f"`stemcell show {body[0].study_id}`), and other kinds of comparison never with it"
        )
    return f"{kind}: fewer than two studies with an estimable effect"
