"""``stemcell pool --data FILE``: rows given directly (a reviewer's own table) pooled as the
catalog's studies are, so stemcell can be checked against a spreadsheet, RevMan or metafor.

Rows carry no design or risk of bias: their certainty is not rated (said in the output).
"""

from __future__ import annotations

from dataclasses import replace

from ..errors import UsageError
from .bodies import PoolOptions
from .certainty import Certainty, StudyFacts
from .contributions import Contribution, LeftOut
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
    studies = [_contribution(row, measure) for row in table.rows]
    by = "subgroup" if any(c.subgroup for c in studies) else None
    left_out: list[LeftOut] = []
    result = _pooled(OUTCOME, "data", table.source, studies, left_out, options, leave_one_out, by)
    return replace(result, main=replace(result.main, certainty=NOT_RATED))


def _contribution(row: Row, measure: str) -> Contribution:
    base = {
        "study_id": row.study,
        "title": row.study,
        "outcome": OUTCOME,
        "key": "data",
        "timepoint": None,
        "groups": ("experimental", "comparator"),
        "randomized": True,
        "human": True,
        "facts": StudyFacts(row.study, True),
        "subgroup": row.subgroup,
    }
    if isinstance(row, CountsRow):
        counts = (row.events_exp, row.total_exp, row.events_ctl, row.total_ctl)
        return Contribution(**base, counts=counts)  # type: ignore[arg-type]
    if isinstance(row, ContinuousRow):
        means = ((row.mean_exp, row.sd_exp, row.n_exp), (row.mean_ctl, row.sd_ctl, row.n_ctl))
        return Contribution(**base, means=means)  # type: ignore[arg-type]
    if isinstance(row, IntervalRow):
        direct = interval_effect(measure, row.estimate, row.lower, row.upper)
        return Contribution(**base, direct=direct)  # type: ignore[arg-type]
    assert isinstance(row, EffectRow)
    return Contribution(**base, direct=(measure, row.yi, row.vi))  # type: ignore[arg-type]
