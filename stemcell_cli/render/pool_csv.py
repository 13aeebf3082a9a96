"""The CSV shape of ``stemcell pool``: numbers unrounded, one row per study and pooled line."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..analysis.findings import Findings
    from ..analysis.outcome import PoolResult

CSV_HEADERS = (
    "analysis",
    "row",
    "id",
    "exp_events",
    "exp_total",
    "ctl_events",
    "ctl_total",
    "measure",
    "estimate",
    "lower",
    "upper",
    "weight",
    "tau2",
    "i2",
    "q",
    "q_df",
    "q_p",
    "pi_lower",
    "pi_upper",
    "certainty",
)


def csv_rows(result: PoolResult) -> Iterator[list[str]]:
    """One row per study and one per pooled estimate, per analysis (under CSV_HEADERS), made
    as they are written."""
    for a in (result.main, *result.others):
        p = a.pooled
        for s, found in zip(p.studies, a.used, strict=True):
            table = [str(x) for x in found.counts] if found.counts else [""] * 4
            yield (
                [a.label, "study", s.label, *table, p.measure]
                + [repr(x) for x in (s.estimate, s.lower, s.upper, s.weight)]
                + [""] * 8
            )
        pi = [p.pi_lower, p.pi_upper]
        yield (
            [a.label, "pooled", p.method, *[""] * 4, p.measure]
            + [repr(x) for x in (p.estimate, p.lower, p.upper)]
            + ["100", *(repr(x) for x in (p.tau2, p.i2, p.q, p.q_df, p.q_p))]
            + ["" if x is None else repr(x) for x in pi]
            + [a.certainty.final]
        )


SOF_CSV = (
    "outcome",
    "comparisons",
    "participants",
    "studies",
    "ids",
    "measure",
    "estimate",
    "lower",
    "upper",
    "pooled",
    "comparator_per_1000",
    "intervention_per_1000",
    "intervention_lower",
    "intervention_upper",
    "certainty",
    "downgrades",
)


def sof_csv_rows(findings: Findings) -> list[list[str]]:
    """Summary-of-findings rows under SOF_CSV, numbers unrounded."""
    out = []
    for a in findings.rows:
        p, x = a.pooled, a.absolute
        figures = (x["comparator"], x["intervention"], x["lower"], x["upper"])
        out.append(
            [a.outcome, a.label, "" if a.participants is None else str(a.participants), str(p.k)]
            + ["; ".join(c.study_id for c in a.used), p.measure]
            + [repr(v) for v in (p.estimate, p.lower, p.upper)]
            + [p.label if p.k >= 2 else "one study"]
            + ["" if v is None else repr(v) for v in figures]
            + [
                a.certainty.final,
                "; ".join(f"{d.domain}: {d.reason}" for d in a.certainty.downgrades),
            ]
        )
    return out
