"""Tail probabilities of the normal and chi-square distributions, standard library only.

The chi-square upper tail is the regularized upper incomplete gamma function
Q(df/2, x/2), computed by its power series when x < a + 1 and by a Lentz continued
fraction otherwise (the classic split, e.g. Press et al., Numerical Recipes, §6.2).
"""

from __future__ import annotations

import math

Z95 = 1.959963984540054
"""Two-sided 95 % standard normal quantile, qnorm(0.975), as metafor uses with test="z"."""

_EPS = 1e-15
_TINY = 1e-300
_MAX_ITER = 10_000


def normal_sf(z: float) -> float:
    """Upper tail P(Z > z) of the standard normal distribution."""
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def normal_two_sided_p(z: float) -> float:
    """Two-sided p-value 2·P(Z > |z|)."""
    return min(1.0, 2.0 * normal_sf(abs(z)))


def _lower_series(a: float, x: float) -> float:
    """Regularized lower incomplete gamma P(a, x) by its power series (x < a + 1)."""
    term = 1.0 / a
    total = term
    n = a
    for _ in range(_MAX_ITER):
        n += 1.0
        term *= x / n
        total += term
        if abs(term) < abs(total) * _EPS:
            break
    return total * math.exp(-x + a * math.log(x) - math.lgamma(a))


def _upper_fraction(a: float, x: float) -> float:
    """Regularized upper incomplete gamma Q(a, x) by a continued fraction (x >= a + 1)."""
    b = x + 1.0 - a
    c = 1.0 / _TINY
    d = 1.0 / b
    h = d
    for i in range(1, _MAX_ITER):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        if abs(d) < _TINY:
            d = _TINY
        c = b + an / c
        if abs(c) < _TINY:
            c = _TINY
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return math.exp(-x + a * math.log(x) - math.lgamma(a)) * h


def gamma_q(a: float, x: float) -> float:
    """Regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a), for a > 0."""
    if a <= 0:
        raise ValueError("gamma_q needs a > 0")
    if x <= 0:
        return 1.0
    if math.isinf(x):
        return 0.0
    if x < a + 1.0:
        return min(1.0, max(0.0, 1.0 - _lower_series(a, x)))
    return min(1.0, max(0.0, _upper_fraction(a, x)))


def chi2_sf(x: float, df: float) -> float:
    """Upper tail P(X > x) of a chi-square distribution with df > 0 degrees of freedom."""
    if df <= 0:
        raise ValueError("chi2_sf needs df > 0")
    return gamma_q(df / 2.0, x / 2.0)
