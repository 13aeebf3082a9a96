"""Anticipated absolute effects as a GRADEpro summary of findings states them.

* Risk with the comparator: the median control-group risk of the pooled studies (GRADE's
  suggestion for an assumed comparator risk), the study's own for one study.
* Risk difference with the intervention, per 1,000: the comparator risk times the relative
  effect (and its CI limits) minus the comparator risk, as GRADEpro computes it. When the
  comparator risk is 0 a ratio gives nothing, so the risk difference supplies the absolute
  effect: Newcombe's hybrid score interval for one study, the pooled risk difference (same
  method as the ratio) for several.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..synthesis import Effect, absolute_effects, pool_tables
from ..synthesis.effects import risk_difference

if TYPE_CHECKING:
    from .bodies import Analysis

PER = 1000


@dataclass(frozen=True)
class Anticipated:
    """Per 1,000: the comparator risk and the difference with the intervention (and its CI)."""

    comparator: float
    comparator_basis: str
    difference: float | None
    lower: float | None
    upper: float | None
    method: str


def anticipated(a: Analysis) -> Anticipated | None:
    """The anticipated absolute effects of one body of evidence (see the module docstring);
    None without counts in every study (means, or published effects only)."""
    risk = a.comparator_risk
    if risk is None:
        return None
    basis = (
        "the study's control-group risk"
        if a.pooled.k == 1
        else f"median control-group risk of the {a.pooled.k:,} pooled studies"
    )
    p = a.pooled
    if risk > 0 and p.is_ratio:
        relative = Effect(p.measure, p.estimate, p.lower, p.upper, "pooled")
        found = absolute_effects(risk, relative, PER)
        if found.intervention is None or found.lower is None or found.upper is None:
            return Anticipated(PER * risk, basis, None, None, None, found.method)
        return Anticipated(
            PER * risk,
            basis,
            found.intervention - PER * risk,
            found.lower - PER * risk,
            found.upper - PER * risk,
            f"comparator risk × {p.measure} (and its CI limits), minus the comparator risk",
        )
    if not p.is_ratio:  # a pooled risk difference is the absolute effect itself
        return Anticipated(
            PER * risk, basis, PER * p.estimate, PER * p.lower, PER * p.upper, f"{p.measure}"
        )
    return _from_difference(a, risk, basis)


def _from_difference(a: Analysis, risk: float, basis: str) -> Anticipated:
    """Comparator risk 0: the risk difference (Newcombe for one study, pooled for several)."""
    tables = [c.table for c in a.used]
    why = "the comparator risk is 0, so a ratio gives no absolute effect"
    if len(tables) == 1:
        rd = risk_difference(*tables[0])
        if rd.estimate is None or rd.lower is None or rd.upper is None:
            return Anticipated(0.0, basis, None, None, None, f"not estimable ({why})")
        return Anticipated(
            0.0,
            basis,
            PER * rd.estimate,
            PER * rd.lower,
            PER * rd.upper,
            f"risk difference, Newcombe hybrid score interval ({why})",
        )
    try:
        pooled = pool_tables(tables, measure="RD", method=a.pooled.method)  # type: ignore[arg-type]
    except ValueError:
        return Anticipated(0.0, basis, None, None, None, f"not estimable ({why})")
    return Anticipated(
        0.0,
        basis,
        PER * pooled.estimate,
        PER * pooled.lower,
        PER * pooled.upper,
        f"pooled risk difference, {pooled.label} ({why})",
    )


def _count(value: float) -> str:
    return f"{abs(value):,.0f}"


def _way(value: float) -> str:
    return "fewer" if round(value) < 0 else "more"


def difference_text(x: Anticipated) -> str:
    """``563 fewer per 1,000 (from 681 fewer to 402 fewer)``, ``818 more per 1,000 (from 413
    to 949 more)``; ``not estimable`` when there is none."""
    if x.difference is None or x.lower is None or x.upper is None:
        return "not estimable"
    head = f"{_count(x.difference)} {_way(x.difference)} per 1,000"
    if round(x.difference) == 0:
        head = "0 fewer per 1,000"
    low, high = x.lower, x.upper
    if round(low) > 0:  # all more
        return f"{head} (from {_count(low)} to {_count(high)} more)"
    if round(high) < 0:  # all fewer
        return f"{head} (from {_count(low)} fewer to {_count(high)} fewer)"
    return f"{head} (from {_count(low)} {_way(low)} to {_count(high)} {_way(high)})"
