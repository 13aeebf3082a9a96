"""Student's t distribution (tail probabilities and quantiles), standard library only.

Conventions:

* the tail probability comes from the regularized incomplete beta function,
  P(|T| > t) = I_x(df/2, 1/2) with x = df/(df + t²), evaluated by its continued fraction
  (modified Lentz; Press et al., Numerical Recipes, §6.4), using I_x(a, b) = 1 − I_{1−x}(b, a)
  where the fraction converges faster;
* the quantile is found by Newton steps on the cumulative distribution from the normal
  quantile, kept inside a bracket that bisection shrinks whenever a step leaves it, so it
  always converges; df = 1 and df = 2 have closed forms;
* df may be any positive real number (as R's ``qt``/``pt``); results agree with R to about
  1e-12 relative.
"""

from __future__ import annotations

import math
from statistics import NormalDist

_EPS = 1e-16
_TINY = 1e-300
_MAX_ITER = 10_000


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of I_x(a, b) (converges fast for x < (a + 1)/(a + b + 2))."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) >= _TINY else _TINY)
    h = d
    for m in range(1, _MAX_ITER):
        m2 = 2 * m
        for numerator in (
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) >= _TINY else _TINY)
            c = 1.0 + numerator / c
            c = c if abs(c) >= _TINY else _TINY
            h *= d * c
        if abs(d * c - 1.0) < _EPS:
            break
    return h


def betainc(a: float, b: float, x: float) -> float:
    """Regularized incomplete beta function I_x(a, b) for a, b > 0 and 0 <= x <= 1."""
    if a <= 0 or b <= 0:
        raise ValueError("betainc needs a > 0 and b > 0")
    if not 0.0 <= x <= 1.0:
        raise ValueError(f"betainc needs 0 <= x <= 1, got {x!r}")
    if x in (0.0, 1.0):
        return x
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return min(1.0, front * _beta_fraction(a, b, x) / a)
    return max(0.0, 1.0 - front * _beta_fraction(b, a, 1.0 - x) / b)


def _check_df(df: float) -> None:
    if not (df > 0 and math.isfinite(df)):
        raise ValueError(f"degrees of freedom must be a positive number, got {df!r}")


def t_two_sided_p(t: float, df: float) -> float:
    """Two-sided p-value P(|T| > |t|) with df degrees of freedom."""
    _check_df(df)
    if math.isnan(t):
        raise ValueError("t statistic is not a number")
    if math.isinf(t):
        return 0.0
    # df/(df + t²) loses t² when t² ≪ df: use t²/(df + t²) and the complement then
    t2 = t * t
    x = df / (df + t2)
    if x > 0.5:
        return 1.0 - betainc(0.5, df / 2.0, t2 / (df + t2))
    return betainc(df / 2.0, 0.5, x)


def t_sf(t: float, df: float) -> float:
    """Upper tail P(T > t) with df degrees of freedom."""
    half = 0.5 * t_two_sided_p(t, df)
    return half if t >= 0 else 1.0 - half


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) with df degrees of freedom."""
    return 1.0 - t_sf(t, df)


def _pdf(t: float, df: float) -> float:
    log_c = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    return math.exp(log_c - (df + 1) / 2 * math.log1p(t * t / df))


def t_quantile(p: float, df: float) -> float:
    """The p-quantile of Student's t with df degrees of freedom (R's ``qt(p, df)``)."""
    _check_df(df)
    if not 0.0 < p < 1.0:
        raise ValueError(f"quantile needs 0 < p < 1, got {p!r}")
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        return (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    tail = 1.0 - p
    low, high = 0.0, math.inf
    t = max(NormalDist().inv_cdf(p), 1e-3)
    for _ in range(200):
        gap = t_sf(t, df) - tail  # decreasing in t: positive means t is too small
        if gap > 0:
            low = t
        else:
            high = t
        step = gap / _pdf(t, df)
        new = t + step
        if not low < new < high:
            new = (low + high) / 2 if math.isfinite(high) else 2 * t
        if abs(new - t) <= 1e-14 * max(1.0, abs(new)):
            return new
        t = new
    return t
