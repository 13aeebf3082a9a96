"""Generic inverse variance: a published effect with its 95 % CI enters pooling as it is.

Conventions (Cochrane Handbook 6.3.1 and 6.3.2; RevMan's "generic inverse variance"):

* a ratio (hazard ratio, odds ratio, risk ratio, adjusted or not) is pooled on the natural
  log scale: yi = ln(estimate), SE = (ln upper − ln lower) / (2·1.959964);
* a difference (mean difference, risk difference, ...) is pooled as published:
  yi = estimate, SE = (upper − lower) / (2·1.959964);
* vi = SE²; the published estimate is used as it is, not the midpoint of its interval;
* a 90 % or 99 % interval can be given with ``level`` (the divisor is then the normal
  quantile for that level).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

from .distributions import Z95
from .estimable import NotEstimable

RATIO_SCALES: frozenset[str] = frozenset({"HR", "OR", "RR", "IRR", "RoM"})
METHOD = "generic inverse variance (SE from the published 95% CI)"


@dataclass(frozen=True)
class Published:
    """A published effect on its analysis scale (log for ratios), with its variance."""

    measure: str
    estimate: float
    lower: float
    upper: float
    yi: float
    vi: float
    log_scale: bool
    method: str = METHOD

    @property
    def se(self) -> float:
        return math.sqrt(self.vi)


def _number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def is_ratio(measure: str) -> bool:
    """Whether a measure name is a ratio (pooled on the log scale)."""
    return measure in RATIO_SCALES


def from_interval(
    measure: str, estimate: float, lower: float, upper: float, *, level: float = 0.95
) -> Published:
    """A published estimate and its CI as (yi, vi) for pooling; ratios on the log scale.

    ``measure`` names the scale: HR, OR, RR, IRR, RoM are ratios; anything else (MD, RD,
    SMD ...) a difference. The estimate must lie within its interval.
    """
    est, lo, hi = (
        _number(n, v) for n, v in (("estimate", estimate), ("lower", lower), ("upper", upper))
    )
    if not 0.5 < level < 1.0:
        raise ValueError(f"confidence level must be between 0.5 and 1, got {level!r}")
    if not lo < hi:
        raise ValueError(f"the lower limit {lo:g} must be below the upper limit {hi:g}")
    if not lo <= est <= hi:
        raise ValueError(f"the estimate {est:g} lies outside its interval {lo:g} to {hi:g}")
    ratio = is_ratio(measure)
    if ratio and lo <= 0:
        raise ValueError(f"a {measure} and its limits must be above 0, got lower limit {lo:g}")
    z = Z95 if level == 0.95 else NormalDist().inv_cdf(0.5 + level / 2)
    if ratio:
        yi, width = math.log(est), math.log(hi) - math.log(lo)
    else:
        yi, width = est, hi - lo
    se = width / (2 * z)
    vi = se * se
    if not (math.isfinite(vi) and vi > 0):
        raise NotEstimable(f"not estimable: the interval {lo:g} to {hi:g} gives no usable SE")
    return Published(measure, est, lo, hi, yi, vi, ratio)
