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
from ..synthesis.subgroups import Omitted, Subgroups
from . import sensitivity
from .bodies import (
    DEFAULT,
    METHODS,
    NOT_ESTIMABLE,
    Analysis,
    PoolOptions,
    analyse,
    bodies,
    kind_label,
    screen,
    single,
)
from .columns import Contributions, LeftOut, LeftOuts
from .comparisons import folded
from .contributions import NothingToPool, gather, nothing
from .sensitivity import subgroup_of

DRAW_LIMIT = 40  # a forest plot of thousands of rows draws the largest weights, counts the rest


@dataclass(frozen=True)
class PoolResult:
    """One outcome pooled: the main body of evidence, the other kinds pooled apart, and what
    was left out and why."""

    outcome: str
    key: str
    main: Analysis
    others: tuple[Analysis, ...]
    left_out: Sequence[LeftOut]
    query: str
    by: str | None = None  # the field the subgroups are by
    subgroups: Subgroups | None = None
    omitted: tuple[Omitted, ...] | None = None  # leave-one-out
    draw_limit: int | None = DRAW_LIMIT  # forest plots draw this many studies at most (None: all)
    favours: tuple[str, str] | None = None  # the plot's sides, named by the user (--favours)


def match_outcome(query: str, outcomes: Mapping[str, str]) -> str:
    """The outcome key ``query`` names among ``outcomes`` (key: name): an endpoint or measure
    exactly (case and spacing ignored), else the one outcome whose measure or endpoint
    contains its words in order."""
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
        f"outcomes with two-arm comparisons in the selected studies: {listed}"
    )


def pool_outcome(
    records: Iterable[Mapping[str, Any]],
    query: str,
    options: PoolOptions = DEFAULT,
    by: str | None = None,
    leave_one_out: bool = False,
) -> PoolResult:
    """Pool the outcome ``query`` names across the selected records, kind by kind; with
    ``by`` (a filter name or a dotted field), subgroup by subgroup too."""
    gathered = gather(records, subgroup_of(by) if by else None)
    found = gathered.found
    if not found:
        raise nothing(gathered)
    outcomes: dict[str, str] = {}
    for s in found.shapes():
        outcomes.setdefault(s.key, s.outcome)  # the name the first study gives it
    key = match_outcome(query, outcomes)
    outcome = outcomes[key]
    left_out = LeftOuts(
        x for x in gathered.skipped if folded(x.reason).startswith(folded(outcome) + ":")
    )
    studies = single(screen(found.where(lambda s: s.key == key), options, left_out), left_out)
    return _pooled(outcome, key, query, studies, left_out, options, leave_one_out, by)


def _pooled(
    outcome: str,
    key: str,
    query: str,
    studies: Contributions,
    left_out: LeftOuts,
    options: PoolOptions,
    leave_one_out: bool,
    by: str | None,
) -> PoolResult:
    fit = METHODS[options.method]
    pooled: list[Analysis] = []
    alone: list[Analysis] = []  # one study of a kind: drawn, not pooled, when nothing pools
    for body in bodies(studies):
        analysis = analyse(key, body, options.measure, fit, options.ci)
        if analysis is not None and analysis.pooled.k >= 2:
            pooled.append(analysis)
            left_out += (LeftOut(x, NOT_ESTIMABLE) for x in analysis.pooled.excluded)
            continue
        if analysis is not None:
            alone.append(analysis)
        why = _alone(body, kind_label(body[0].randomized, body[0].human))
        left_out += (LeftOut(c.study_id, why) for c in body)
    if not pooled and alone:  # the study's own effect, drawn and marked not pooled
        drawn = {c.study_id for c in alone[0].used}
        left_out = LeftOuts(x for x in left_out if x.study_id not in drawn)
        pooled = alone[:1]
    if not pooled:
        ids = {c.study_id for c in studies}
        raise NothingToPool(
            f"nothing to pool for {outcome!r}: "
            + "; ".join(f"{x.study_id}: {x.reason}" for x in left_out if x.study_id in ids)
            if ids
            else f"nothing to pool for {outcome!r}: "
            + "; ".join(f"{x.study_id}: {x.reason}" for x in left_out[:5])
        )
    if any("not computed" in x.reason for x in left_out):
        used = {c.study_id for a in pooled for c in a.used}
        left_out = LeftOuts(
            x for x in left_out if x.study_id not in used or "not computed" not in x.reason
        )
    main = pooled[0]
    return PoolResult(
        outcome,
        key,
        main,
        tuple(pooled[1:]),
        left_out,
        query,
        by,
        sensitivity.subgroups(main, options) if by else None,
        sensitivity.omitted(main, options) if leave_one_out else None,
    )


def _alone(body: Contributions, kind: str) -> str:
    if len(body) == 1:
        return (
            f"the only {kind} comparison of this outcome: one study is not pooled (its effect: "
            f"`stemcell show {body[0].study_id}`), and other kinds of comparison never with it"
        )
    return f"{kind}: fewer than two studies with an estimable effect"
