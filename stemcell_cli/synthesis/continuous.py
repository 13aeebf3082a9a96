"""Effects for a continuous outcome in two arms: mean difference and Hedges' g.

Conventions (as metafor's ``escalc`` with its defaults):

* the experimental arm is "1", the comparator "2"; the difference is arm 1 − arm 2;
* MD: yi = m1 − m2, vi = sd1²/n1 + sd2²/n2 (``measure="MD"``, unequal variances, as RevMan);
* SMD (Hedges' g, ``measure="SMD"``): the pooled SD s = √(((n1−1)sd1² + (n2−1)sd2²)/(n1+n2−2)),
  d = (m1 − m2)/s, g = J·d with the exact bias correction
  J = Γ(m/2) / (√(m/2)·Γ((m−1)/2)), m = n1 + n2 − 2, and the large-sample variance
  vi = 1/n1 + 1/n2 + g²/(2(n1 + n2)) (``vtype="LS"``). RevMan's SMD uses the approximate
  J = 1 − 3/(4N − 9) and another variance, so its g differs in the third decimal;
* each study's 95 % CI is yi ± 1.959964·√vi;
* a group's SD from its SE or its 95 % CI follows the Cochrane Handbook (section 6.5.2):
  SD = SE·√n, and SD = √n·(upper − lower)/d with d = 2·t(0.975, n − 1) when n < 60 and
  d = 3.92 otherwise; the conversion comes back as text to show beside the figure;
* final values and change from baseline are never mixed in an SMD; mixing them in an MD is
  allowed (Handbook section 10.5.2) and said (:func:`mixing_note`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .distributions import Z95
from .estimable import NotEstimable
from .student_t import t_quantile

MD_METHOD = "mean difference (inverse variance), Wald 95% CI"
SMD_METHOD = "Hedges' g (exact bias correction, large-sample variance), Wald 95% CI"
LARGE_SAMPLE = 60  # from this group size on, a CI's width is divided by 3.92 (Handbook 6.5.2)


def _positive_finite(name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")


def _group_size(name: str, n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise ValueError(f"{name} must be a whole number, got {n!r}")
    if n < 1:
        raise ValueError(f"{name} must be at least 1, got {n}")
    return n


@dataclass(frozen=True)
class Arm:
    """One arm of a continuous outcome: mean, standard deviation and number of people."""

    mean: float
    sd: float
    n: int

    def __post_init__(self) -> None:
        if isinstance(self.mean, bool) or not isinstance(self.mean, int | float):
            raise ValueError(f"mean must be a number, got {self.mean!r}")
        if not math.isfinite(self.mean):
            raise ValueError(f"mean must be a finite number, got {self.mean!r}")
        _positive_finite("SD", self.sd)
        _group_size("n", self.n)


@dataclass(frozen=True)
class ContinuousEffect:
    """An MD or SMD with its sampling variance and 95 % CI (unrounded)."""

    measure: str  # "MD" or "SMD"
    yi: float
    vi: float
    lower: float
    upper: float
    method: str

    @property
    def estimate(self) -> float:
        return self.yi

    @property
    def se(self) -> float:
        return math.sqrt(self.vi)


def _effect(measure: str, yi: float, vi: float, method: str) -> ContinuousEffect:
    if not (math.isfinite(yi) and math.isfinite(vi) and vi > 0):
        raise NotEstimable(f"not estimable: the {measure} or its variance overflows")
    half = Z95 * math.sqrt(vi)
    return ContinuousEffect(measure, yi, vi, yi - half, yi + half, method)


def mean_difference(exp: Arm, ctl: Arm) -> ContinuousEffect:
    """Mean difference exp − ctl with vi = sd1²/n1 + sd2²/n2."""
    return _effect(
        "MD", float(exp.mean - ctl.mean), exp.sd**2 / exp.n + ctl.sd**2 / ctl.n, MD_METHOD
    )


def bias_correction(m: int) -> float:
    """Hedges' exact J(m) = Γ(m/2) / (√(m/2)·Γ((m−1)/2)), for m = n1 + n2 − 2 >= 2."""
    if m < 2:
        raise NotEstimable(f"not estimable: Hedges' g needs n1 + n2 >= 4 (m = {m})")
    return math.exp(math.lgamma(m / 2) - 0.5 * math.log(m / 2) - math.lgamma((m - 1) / 2))


def hedges_g(exp: Arm, ctl: Arm) -> ContinuousEffect:
    """Standardized mean difference (Hedges' g) as metafor ``escalc(measure="SMD")``."""
    m = exp.n + ctl.n - 2
    correction = bias_correction(m)
    pooled_sd = math.sqrt(((exp.n - 1) * exp.sd**2 + (ctl.n - 1) * ctl.sd**2) / m)
    g = correction * (exp.mean - ctl.mean) / pooled_sd
    vi = 1 / exp.n + 1 / ctl.n + g * g / (2 * (exp.n + ctl.n))
    return _effect("SMD", g, vi, SMD_METHOD)


def continuous_effect(measure: str, exp: Arm, ctl: Arm) -> ContinuousEffect:
    """Dispatch on the measure name: MD or SMD."""
    if measure == "MD":
        return mean_difference(exp, ctl)
    if measure == "SMD":
        return hedges_g(exp, ctl)
    raise ValueError(f"unknown continuous measure {measure!r}: use MD or SMD")


@dataclass(frozen=True)
class SdConversion:
    """An SD worked out from a published SE or CI, and how (to show beside the figure)."""

    sd: float
    text: str


def _g(value: float) -> str:
    return f"{value:.6g}"


def sd_from_se(se: float, n: int) -> SdConversion:
    """SD = SE·√n (Cochrane Handbook 6.5.2.2)."""
    _positive_finite("SE", se)
    _group_size("n", n)
    sd = se * math.sqrt(n)
    return SdConversion(sd, f"SD = SE × √n = {_g(se)} × √{n} = {_g(sd)} (Cochrane Handbook 6.5.2)")


def sd_from_ci(lower: float, upper: float, n: int) -> SdConversion:
    """SD from a group mean's 95 % CI: √n·(upper − lower)/d (Cochrane Handbook 6.5.2.2).

    d = 3.92 for n >= 60, else 2·t(0.975, n − 1) (the t distribution for small samples).
    """
    for name, value in (("lower limit", lower), ("upper limit", upper)):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{name} must be a number, got {value!r}")
        if not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {value!r}")
    if not upper > lower:
        raise ValueError(f"the CI's upper limit {upper!r} must be above its lower limit {lower!r}")
    _group_size("n", n)
    if n < 2:
        raise NotEstimable("not estimable: an SD from a CI needs at least 2 people in the group")
    if n >= LARGE_SAMPLE:
        divisor, how = 3.92, "3.92"
    else:
        divisor = 2 * t_quantile(0.975, n - 1)
        how = f"(2 × t(0.975, {n - 1} df))"
    sd = math.sqrt(n) * (upper - lower) / divisor
    text = (
        f"SD = √n × (upper − lower) / {how} = √{n} × ({_g(upper)} − {_g(lower)}) / "
        f"{divisor:.6g} = {_g(sd)} (Cochrane Handbook 6.5.2)"
    )
    return SdConversion(sd, text)


def mixing_note(kinds: Sequence[str], measure: str) -> str:
    """ "" when every study reports the same kind ("final" or "change"); a note for an MD that
    mixes them (allowed); :class:`NotEstimable` for an SMD that mixes them (never)."""
    unknown = sorted(set(kinds) - {"final", "change"})
    if unknown:
        raise ValueError(f"unknown kind of value {unknown[0]!r}: use final or change")
    if len(set(kinds)) < 2:
        return ""
    if measure == "SMD":
        raise NotEstimable(
            "not estimable: an SMD cannot combine final values with change from baseline "
            "(Cochrane Handbook 10.5.2); pool them as an MD or separately"
        )
    finals, changes = kinds.count("final"), kinds.count("change")
    return (
        f"final values ({finals} studies) and changes from baseline ({changes}) pooled "
        "together as a mean difference, as the Cochrane Handbook (10.5.2) allows"
    )
