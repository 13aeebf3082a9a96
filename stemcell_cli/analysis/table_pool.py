"""``stemcell pool --data FILE``: rows given directly (a reviewer's own table) pooled as the
catalog's studies are, so stemcell can be checked against a spreadsheet, RevMan or metafor.

Rows carry no design or risk of bias: their certainty is not rated (said in the output).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..errors import UsageError
from .bodies import PoolOptions
from .certainty import Certainty, StudyFacts
from .columns import Contributions, LeftOuts, Shape
from .data_file import ContinuousRow, CountsRow, DataTable, EffectRow, IntervalRow, Row
from .generic_rows import interval_effect
from .outcome import PoolResult, _pooled

OUTCOME = "rows of the data table"
NOT_RATED = Certainty(
    "not rated",
    (),
    "not rated",
    label="not rated: rows given directly carry no design or risk of bias",
)
DEFAULTS = {"counts": "rr", "continuous": "md"}
GROUPS = ("experimental", "comparator")
FACTS = StudyFacts(randomized=True)


def pool_table(table: DataTable, options: PoolOptions, leave_one_out: bool = False) -> PoolResult:
    """Pool every row of the table (by its ``subgroup`` column when it has one)."""
    effect = options.effect or DEFAULTS.get(table.layout)
    if effect is None:
        raise UsageError(
            f"--effect is needed with a table of {table.layout}: name the scale of its "
            "figures (rr, or, rd, md, smd or hr)"
        )
    options = options._replace(effect=effect)
    measure = options.measure or "RR"
    studies = Contributions.of([_row(row, measure) for row in table.rows])
    by = "subgroup" if any(row.subgroup for row in table.rows) else None
    left_out = LeftOuts()
    result = _pooled(OUTCOME, "data", table.source, studies, left_out, options, leave_one_out, by)
    return replace(result, main=replace(result.main, certainty=NOT_RATED))


def _row(row: Row, measure: str) -> tuple[str, Shape, dict[str, Any]]:
    """(study, shape, figures) of one row of the table."""
    figures: dict[str, Any] = {}
    kind: str | None = None
    if isinstance(row, CountsRow):
        kind = "counts"
        figures["counts"] = (row.events_exp, row.total_exp, row.events_ctl, row.total_ctl)
    elif isinstance(row, ContinuousRow):
        kind = "means"
        figures["means"] = (
            (row.mean_exp, row.sd_exp, row.n_exp),
            (row.mean_ctl, row.sd_ctl, row.n_ctl),
        )
    elif isinstance(row, IntervalRow):
        figures["direct"] = interval_effect(measure, row.estimate, row.lower, row.upper)
    else:
        assert isinstance(row, EffectRow)
        figures["direct"] = (measure, row.yi, row.vi)
    shape = Shape(OUTCOME, "data", None, GROUPS, True, True, FACTS, kind, subgroup=row.subgroup)
    return row.study, shape, figures
