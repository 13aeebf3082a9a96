"""A published estimate with its 95 % CI as an effect to pool (generic inverse variance)."""

from __future__ import annotations

from ..errors import StemcellError
from ..synthesis.estimable import NotEstimable
from ..synthesis.generic import from_interval


def interval_effect(
    measure: str, estimate: float, lower: float, upper: float
) -> tuple[str, float, float]:
    """(measure, yi, vi) on the analysis scale (log for ratios), the SE from the CI."""
    try:
        found = from_interval(measure, estimate, lower, upper)
    except (ValueError, NotEstimable) as problem:
        raise StemcellError(f"{estimate:g} ({lower:g} to {upper:g}): {problem}") from None
    return measure, found.yi, found.vi
