"""The rows of a ``--data`` table as effects ready to pool: labels, yi, vi and subgroups.

Conventions:

* the effect measure must fit the table's layout: counts give RR, OR or RD (metafor's
  ``escalc``; a table with no events, or only events, in both arms is left out of RR and
  OR and named in ``excluded``), means give MD or SMD (Hedges' g), a published estimate with
  its CI any measure (a ratio — HR, OR, RR, IRR, RoM — is pooled on the log scale), and
  ``yi,vi`` any measure (taken as already on the analysis scale: log for ratios);
* a measure that does not fit the layout is a :class:`~stemcell_cli.errors.UsageError`
  (exit 2); a row whose effect cannot be computed is a
  :class:`~stemcell_cli.errors.StemcellError` naming its line.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import StemcellError, UsageError
from ..safe import visible
from ..synthesis import Arm, continuous_effect, escalc, from_interval, is_ratio
from ..synthesis.effects import Table2x2
from .data_file import ContinuousRow, CountsRow, DataTable, IntervalRow, Row

MEASURES: dict[str, tuple[str, ...]] = {
    "counts": ("RR", "OR", "RD"),
    "continuous": ("MD", "SMD"),
}


@dataclass(frozen=True)
class TableEffects:
    """Effects on the analysis scale, one per kept row, in the table's order."""

    measure: str
    labels: tuple[str, ...]
    yi: tuple[float, ...]
    vi: tuple[float, ...]
    subgroups: tuple[str | None, ...]
    excluded: tuple[str, ...] = ()

    @property
    def log_scale(self) -> bool:
        return is_ratio(self.measure)


def _effect(row: Row, measure: str) -> tuple[float, float] | None:
    if isinstance(row, CountsRow):
        table = Table2x2(row.events_exp, row.total_exp, row.events_ctl, row.total_ctl)
        found = escalc(measure, table)  # type: ignore[arg-type]
        return None if found is None else (found.yi, found.vi)
    if isinstance(row, ContinuousRow):
        exp = Arm(row.mean_exp, row.sd_exp, row.n_exp)
        ctl = Arm(row.mean_ctl, row.sd_ctl, row.n_ctl)
        found_c = continuous_effect(measure, exp, ctl)
        return found_c.yi, found_c.vi
    if isinstance(row, IntervalRow):
        found_p = from_interval(measure, row.estimate, row.lower, row.upper)
        return found_p.yi, found_p.vi
    return row.yi, row.vi


def table_effects(table: DataTable, measure: str) -> TableEffects:
    """Each row's effect and sampling variance for ``measure`` (upper case, e.g. "SMD")."""
    allowed = MEASURES.get(table.layout)
    if allowed is not None and measure not in allowed:
        raise UsageError(
            f"--effect {measure.lower()} does not fit a table of {table.layout}: "
            f"use {', '.join(m.lower() for m in allowed)}"
        )
    labels: list[str] = []
    yi: list[float] = []
    vi: list[float] = []
    groups: list[str | None] = []
    excluded: list[str] = []
    for row in table.rows:
        try:
            found = _effect(row, measure)
        except ValueError as problem:  # includes NotEstimable
            raise StemcellError(
                f"{table.source}: line {row.line} ({visible(row.study)}): {problem}"
            ) from None
        if found is None:
            excluded.append(row.study)
            continue
        labels.append(row.study)
        yi.append(found[0])
        vi.append(found[1])
        groups.append(row.subgroup)
    if not labels:
        raise StemcellError(f"{table.source}: no row has an estimable {measure}")
    return TableEffects(
        measure, tuple(labels), tuple(yi), tuple(vi), tuple(groups), tuple(excluded)
    )
