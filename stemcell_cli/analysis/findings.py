"""``stemcell pool`` without ``--measure``: a summary of findings, one row per outcome and
kind of evidence with a two-arm comparison in the selected studies."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .bodies import (
    DEFAULT,
    METHODS,
    NOT_ESTIMABLE,
    Analysis,
    PoolOptions,
    analyse,
    bodies,
    screen,
    single,
)
from .columns import LeftOut, LeftOuts
from .contributions import NothingToPool, gather, nothing


@dataclass(frozen=True)
class Findings:
    """A summary-of-findings table: one row per outcome and kind of evidence."""

    measure: str | None  # None: each outcome on its own default measure
    method: str
    selected: int
    rows: tuple[Analysis, ...]
    left_out: Sequence[LeftOut] = field(default=())
    not_computed: Sequence[LeftOut] = field(default=())


def summary_of_findings(
    records: Iterable[Mapping[str, Any]], options: PoolOptions = DEFAULT
) -> Findings:
    """One row per outcome (and kind) with a two-arm comparison in the selected records."""
    fit = METHODS[options.method]
    gathered = gather(records)
    if not gathered.found:
        raise nothing(gathered)
    rows: list[Analysis] = []
    left_out = LeftOuts()
    for key, outcome in gathered.found.split(lambda s: s.key).items():
        studies = single(screen(outcome, options, left_out), left_out)
        for body in bodies(studies):
            analysis = analyse(key, body, options.measure, fit, options.ci)
            if analysis is None:
                left_out += (LeftOut(c.study_id, f"{c.outcome}: not estimable") for c in body)
            else:
                rows.append(analysis)
                left_out += [
                    LeftOut(x, f"{analysis.outcome}: {NOT_ESTIMABLE}")
                    for x in analysis.pooled.excluded
                ]
    if not rows:
        why = "; ".join(f"{x.study_id}: {x.reason}" for x in left_out[:5])
        more = f" (and {len(left_out) - 5} more)" if len(left_out) > 5 else ""
        raise NothingToPool(f"nothing to pool: no comparison could be estimated ({why}{more})")
    return Findings(
        options.measure,
        fit,
        gathered.selected,
        tuple(rows),
        left_out,
        gathered.skipped,
    )
