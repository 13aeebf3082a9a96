"""Weighted least squares and REML heterogeneity for an intercept (and one moderator).

Shared by pooling (intercept only) and the small-study test (intercept + standard error), following
metafor's ``rma.uni``: weights w = 1/(v + tau²), P = W − W X (X'WX)⁻¹ X'W.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

REML_TOLERANCE = 1e-10  # relative change in tau²
REML_FLOOR = 1e-16  # absolute change counted as converged (tau² at or near 0)
REML_MAX_ITER = 1000

Row = tuple[float, ...]


@dataclass(frozen=True)
class Fit:
    """Coefficients, their variance-covariance matrix and the weighted residuals."""

    beta: Row
    vcov: tuple[Row, ...]
    residuals: Row  # y − Xb


def _inverse(m: list[list[float]]) -> list[list[float]]:
    if len(m) == 1:
        return [[1.0 / m[0][0]]]
    (a, b), (c, d) = m
    det = a * d - b * c
    return [[d / det, -b / det], [-c / det, a / det]]


def wls(y: Sequence[float], w: Sequence[float], x: Sequence[Row]) -> Fit:
    """Weighted least squares of y on the columns of x (one or two columns)."""
    p = len(x[0])
    xtwx = [
        [sum(wi * xi[r] * xi[c] for wi, xi in zip(w, x, strict=True)) for c in range(p)]
        for r in range(p)
    ]
    xtwy = [sum(wi * xi[r] * yi for wi, xi, yi in zip(w, x, y, strict=True)) for r in range(p)]
    inv = _inverse(xtwx)
    beta = tuple(sum(inv[r][c] * xtwy[c] for c in range(p)) for r in range(p))
    resid = tuple(
        yi - sum(b * xv for b, xv in zip(beta, xi, strict=True))
        for yi, xi in zip(y, x, strict=True)
    )
    return Fit(beta, tuple(tuple(row) for row in inv), resid)


def p_matrix(w: Sequence[float], x: Sequence[Row], vcov: Sequence[Row]) -> list[list[float]]:
    """P = W − W X (X'WX)⁻¹ X'W as a k × k matrix."""
    p = len(x[0])
    k = len(w)
    ax = [[sum(vcov[r][c] * x[j][c] for c in range(p)) for r in range(p)] for j in range(k)]
    return [
        [
            (w[i] if i == j else 0.0) - w[i] * w[j] * sum(x[i][r] * ax[j][r] for r in range(p))
            for j in range(k)
        ]
        for i in range(k)
    ]


def q_statistic(y: Sequence[float], v: Sequence[float], x: Sequence[Row]) -> float:
    """Cochran's Q (residual heterogeneity) with inverse-variance weights."""
    w = [1.0 / vi for vi in v]
    fit = wls(y, w, x)
    return sum(wi * r * r for wi, r in zip(w, fit.residuals, strict=True))


def trace_p(v: Sequence[float], x: Sequence[Row], tau2: float = 0.0) -> float:
    """tr(P) at a given tau²."""
    w = [1.0 / (vi + tau2) for vi in v]
    fit = wls([0.0] * len(v), w, x)
    return _traces(w, x, fit.vcov)[0]


def tau2_dl(y: Sequence[float], v: Sequence[float], x: Sequence[Row]) -> float:
    """DerSimonian–Laird: max(0, (Q − (k − p)) / tr(P)) with P at tau² = 0."""
    df = len(y) - len(x[0])
    if df <= 0:
        return 0.0
    return max(0.0, (q_statistic(y, v, x) - df) / trace_p(v, x))


def _traces(w: Sequence[float], x: Sequence[Row], vcov: Sequence[Row]) -> tuple[float, float]:
    """(tr P, tr PP); closed form for an intercept-only model (P = W − w wᵀ/Σw)."""
    if len(x[0]) == 1 and all(row[0] == 1.0 for row in x):
        s1 = sum(w)
        s2 = sum(wi * wi for wi in w)
        s3 = sum(wi**3 for wi in w)
        return s1 - s2 / s1, s2 - 2 * s3 / s1 + (s2 / s1) ** 2
    pm = p_matrix(w, x, vcov)
    return sum(pm[i][i] for i in range(len(w))), sum(value * value for row in pm for value in row)


def tau2_reml(
    y: Sequence[float], v: Sequence[float], x: Sequence[Row], start: float | None = None
) -> tuple[float, int]:
    """REML tau² by Fisher scoring (as metafor), truncated at 0; returns (tau², iterations).

    Step: tau² += (y'PPy − tr(P)) / tr(PP); a step below 0 stops at 0, and the iteration
    ends when the change is below 1e-10 relative to tau² (or 1e-16 absolute); metafor's
    default threshold is 1e-5 absolute.
    """
    if len(y) - len(x[0]) <= 0:
        return 0.0, 0
    tau2 = tau2_dl(y, v, x) if start is None else max(0.0, start)
    for iteration in range(1, REML_MAX_ITER + 1):
        w = [1.0 / (vi + tau2) for vi in v]
        fit = wls(y, w, x)
        py = [wi * r for wi, r in zip(w, fit.residuals, strict=True)]  # P y = W (y − Xb)
        ypy2 = sum(value * value for value in py)
        tr_p, tr_pp = _traces(w, x, fit.vcov)
        new = tau2 + (ypy2 - tr_p) / tr_pp
        if new < 0.0:
            new = 0.0
        change = abs(new - tau2)
        tau2 = new
        if change <= REML_TOLERANCE * tau2 or change < REML_FLOOR:
            return tau2, iteration
    return tau2, REML_MAX_ITER


def finite(value: float) -> bool:
    return not (math.isnan(value) or math.isinf(value))
