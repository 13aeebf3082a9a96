"""Weighted least squares and REML heterogeneity for an intercept (and one moderator).

Shared by pooling (intercept only) and the small-study test (intercept + standard error), following
metafor's ``rma.uni``: weights w = 1/(v + tau²), P = W − W X (X'WX)⁻¹ X'W.

Numerics (issue 18): weights are divided by their largest value before any sum (the fit and
the REML step are invariant to that scale, so a variance of 1e-14 next to one of 0.8 neither
overflows nor cancels), and the intercept-only traces are sums of non-negative terms
(tr P = Σ wᵢ(S − wᵢ)/S with S − wᵢ summed directly for the largest weight). What still
cannot be computed raises :class:`NotEstimable` with the reason; a REML fit that has not
settled after ``REML_MAX_ITER`` steps raises :class:`NotConverged`, never a silent stop.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass

from .estimable import NotConverged, NotEstimable

REML_TOLERANCE = 1e-10  # relative change in tau²
REML_FLOOR = 1e-16  # change, relative to the smallest variance, counted as converged (tau² ≈ 0)
REML_MAX_ITER = 1000

Row = tuple[float, ...]
INTERCEPT: Row = (1.0,)
TOO_FAR_APART = "not estimable: the variances are too far apart to weigh the studies"


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


def scaled(w: Sequence[float]) -> tuple[float, list[float]]:
    """(m, w/m) with m the largest weight: sums of w/m can neither overflow nor all vanish."""
    m = max(w)
    if not (m > 0.0 and math.isfinite(m)):
        raise NotEstimable(f"not estimable: a weight of {m!r} (variances out of range)")
    return m, [wi / m for wi in w]


class Design:
    """The design matrix x of one fit (rows of one or two columns), with what every step of
    the fit reuses: whether it is the intercept alone, its columns, and the products of each
    pair of columns (``products[r][c]`` is the column of xᵢᵣ·xᵢ꜀, so that sums over i run at
    C speed). Build it once per fit with :func:`design`."""

    __slots__ = ("columns", "intercept_only", "p", "products", "rows")

    def __init__(self, x: Sequence[Row]) -> None:
        self.rows = x
        self.p = len(x[0])
        self.intercept_only = self.p == 1 and x.count(INTERCEPT) == len(x)
        self.columns: list[list[float]] = []
        self.products: list[list[list[float]]] = []
        if not self.intercept_only:
            self.columns = [list(column) for column in zip(*x, strict=True)]
            self.products = [
                [list(map(operator.mul, a, b)) for b in self.columns] for a in self.columns
            ]


X = Sequence[Row] | Design


def design(x: X) -> Design:
    """x as a :class:`Design` (itself when it is one already)."""
    return x if isinstance(x, Design) else Design(x)


def wls(y: Sequence[float], w: Sequence[float], x: X) -> Fit:
    """Weighted least squares of y on the columns of x (one or two columns)."""
    x = design(x)
    p = x.p
    m, u = scaled(w)
    if x.intercept_only:  # the weighted mean, without the general matrix algebra
        total = math.fsum(u)
        mean = math.fsum(map(operator.mul, u, y)) / total
        return Fit((mean,), ((1.0 / total / m,),), tuple(yi - mean for yi in y))
    columns, products = x.columns, x.products
    xtwx = [[math.fsum(map(operator.mul, u, products[r][c])) for c in range(p)] for r in range(p)]
    uy = list(map(operator.mul, u, y))
    xtwy = [math.fsum(map(operator.mul, uy, columns[r])) for r in range(p)]
    try:
        inv = _inverse(xtwx)
    except ZeroDivisionError:
        raise NotEstimable("not estimable: the weighted design is singular") from None
    beta = tuple(math.fsum(inv[r][c] * xtwy[c] for c in range(p)) for r in range(p))
    fitted = [0.0] * len(y)
    for b, column in zip(beta, columns, strict=True):
        fitted = [f + b * xv for f, xv in zip(fitted, column, strict=True)]
    resid = tuple(map(operator.sub, y, fitted))
    vcov = tuple(tuple(value / m for value in row) for row in inv)
    return Fit(beta, vcov, resid)


def _weights(v: Sequence[float], tau2: float = 0.0) -> list[float]:
    w = [1.0 / (vi + tau2) for vi in v]
    if not all(0.0 < wi < math.inf for wi in w):
        raise NotEstimable("not estimable: a weight 1/v overflows (variances out of range)")
    return w


def _scaled_q(y: Sequence[float], v: Sequence[float], x: X) -> tuple[float, float]:
    """(m, Q/m): Cochran's Q divided by the largest inverse-variance weight m."""
    m, u = scaled(_weights(v))
    fit = wls(y, u, x)
    return m, math.fsum(ui * r * r for ui, r in zip(u, fit.residuals, strict=True))


def q_statistic(y: Sequence[float], v: Sequence[float], x: X) -> float:
    """Cochran's Q (residual heterogeneity) with inverse-variance weights."""
    m, q_scaled = _scaled_q(y, v, x)
    return q_scaled * m


def trace_p(v: Sequence[float], x: X, tau2: float = 0.0) -> float:
    """tr(P) at a given tau²."""
    x = design(x)
    m, u = scaled(_weights(v, tau2))
    fit = wls([0.0] * len(v), u, x)
    return _traces(u, x, fit.vcov)[0] * m


def tau2_dl(y: Sequence[float], v: Sequence[float], x: X) -> float:
    """DerSimonian–Laird: max(0, (Q − (k − p)) / tr(P)) with P at tau² = 0."""
    x = design(x)
    df = len(y) - x.p
    if df <= 0:
        return 0.0
    m, q_scaled = _scaled_q(y, v, x)
    u = [(1.0 / vi) / m for vi in v]
    tr_scaled = _traces(u, x, wls([0.0] * len(v), u, x).vcov)[0]
    if not tr_scaled > 0.0:
        raise NotEstimable(TOO_FAR_APART)
    tau2 = max(0.0, (q_scaled - df / m) / tr_scaled)
    if not math.isfinite(tau2):
        raise NotEstimable("not estimable: tau² overflows (variances out of range)")
    return tau2


def _others(values: Sequence[float], total: float) -> list[float]:
    """total − vᵢ for each i, summed directly for the largest value (no cancellation)."""
    top = max(range(len(values)), key=values.__getitem__)
    out = [total - value for value in values]
    out[top] = math.fsum(value for i, value in enumerate(values) if i != top)
    return out


def _traces(w: Sequence[float], x: X, vcov: Sequence[Row]) -> tuple[float, float]:
    """(tr P, tr PP); closed form for an intercept-only model (P = W − w wᵀ/Σw).

    Pᵢᵢ = wᵢ(S − wᵢ)/S and Pᵢⱼ = −wᵢwⱼ/S, so tr P = Σ wᵢ(S − wᵢ)/S and
    tr PP = (Σ wᵢ²(S − wᵢ)² + Σ wᵢ²(S₂ − wᵢ²)) / S², every term non-negative.
    """
    x = design(x)
    if x.intercept_only:
        s1 = math.fsum(w)
        squares = [wi * wi for wi in w]
        s2 = math.fsum(squares)
        rest = _others(w, s1)
        rest2 = _others(squares, s2)
        tr_p = math.fsum(wi * oi for wi, oi in zip(w, rest, strict=True)) / s1
        diag = math.fsum((wi * oi) ** 2 for wi, oi in zip(w, rest, strict=True))
        off = math.fsum(sq * o2 for sq, o2 in zip(squares, rest2, strict=True))
        return tr_p, (diag + off) / (s1 * s1)
    # P = W − W X A X'W with A = (X'WX)⁻¹: tr P = Σw − tr(AB), tr PP = Σw² − 2 tr(AC) +
    # tr(ABAB), with B = X'W²X and C = X'W³X (p × p: linear in k, not quadratic)
    cols = range(x.p)
    products = x.products

    def gram(power: int) -> list[list[float]]:
        wp = [wi**power for wi in w]
        return [[math.fsum(map(operator.mul, wp, products[r][c])) for c in cols] for r in cols]

    def times(a: Sequence[Sequence[float]], b: Sequence[Sequence[float]]) -> list[list[float]]:
        return [[math.fsum(a[r][i] * b[i][c] for i in cols) for c in cols] for r in cols]

    def trace(m: Sequence[Sequence[float]]) -> float:
        return math.fsum(m[i][i] for i in cols)

    ab, ac = times(vcov, gram(2)), times(vcov, gram(3))
    tr_p = math.fsum(w) - trace(ab)
    tr_pp = math.fsum(wi * wi for wi in w) - 2 * trace(ac) + trace(times(ab, ab))
    return tr_p, tr_pp


def _fisher_step(y: Sequence[float], v: Sequence[float], x: Design, tau2: float) -> float:
    """The Fisher scoring step (y'PPy − tr P) / tr PP at tau², with scaled weights."""
    m, u = scaled(_weights(v, tau2))
    fit = wls(y, u, x)
    ypy2 = math.fsum((ui * r) ** 2 for ui, r in zip(u, fit.residuals, strict=True))
    tr_p, tr_pp = _traces(u, x, fit.vcov)
    if not tr_pp > 0.0:
        raise NotEstimable(TOO_FAR_APART)
    step = (ypy2 - tr_p / m) / tr_pp
    if not math.isfinite(step) or not math.isfinite(tau2 + step):
        raise NotEstimable("not estimable: tau² overflows (variances out of range)")
    return step


def tau2_reml(
    y: Sequence[float], v: Sequence[float], x: X, start: float | None = None
) -> tuple[float, int]:
    """REML tau² by Fisher scoring (as metafor), truncated at 0; returns (tau², iterations).

    Step: tau² += (y'PPy − tr(P)) / tr(PP), computed with the weights scaled by their largest
    value m as (Σ(uᵢrᵢ)² − tr P(u)/m) / tr PP(u); a step below 0 stops at 0, and the iteration
    ends when the change is below 1e-10 relative to tau² (or 1e-16 times the smallest
    variance); metafor's default threshold is 1e-5 absolute. When a step overshoots (the
    next step points back), the root of the step function lies between the two points and
    is found by the Illinois variant of regula falsi instead: plain Fisher scoring can
    zigzag around it for hundreds of steps. The root, and so the estimate, is the same.
    No convergence within ``REML_MAX_ITER`` evaluations raises :class:`NotConverged`
    (metafor stops with an error too).
    """
    x = design(x)
    if len(y) - x.p <= 0:
        return 0.0, 0
    tau2 = tau2_dl(y, v, x) if start is None else max(0.0, start)
    floor = REML_FLOOR * min(v)
    previous: tuple[float, float] | None = None
    step = math.inf
    for iteration in range(1, REML_MAX_ITER + 1):
        step = _fisher_step(y, v, x, tau2)
        new = max(0.0, tau2 + step)
        change = abs(new - tau2)
        if change <= REML_TOLERANCE * new or change < floor:
            return new, iteration
        if previous is not None and (previous[1] > 0) != (step > 0):
            return _illinois(y, v, x, previous, (tau2, step), iteration, floor)
        previous = (tau2, step)
        tau2 = new
    raise NotConverged(
        f"REML did not converge in {REML_MAX_ITER} iterations "
        f"(tau² {tau2:.6g} still changing by {abs(step):.3g})"
    )


def _illinois(
    y: Sequence[float],
    v: Sequence[float],
    x: Design,
    a_point: tuple[float, float],
    b_point: tuple[float, float],
    used: int,
    floor: float,
) -> tuple[float, int]:
    """The root of the Fisher step between two tau² whose steps differ in sign."""
    (a, fa), (b, fb) = a_point, b_point
    for iteration in range(used + 1, REML_MAX_ITER + 1):
        c = (a * fb - b * fa) / (fb - fa)
        fc = _fisher_step(y, v, x, c)
        new = max(0.0, c + fc)
        if abs(fc) <= REML_TOLERANCE * new or abs(fc) < floor or abs(b - a) < floor:
            return new, iteration
        if (fc > 0) != (fb > 0):
            a, fa = b, fb
        else:
            fa /= 2.0
        b, fb = c, fc
    raise NotConverged(
        f"REML did not converge in {REML_MAX_ITER} iterations "
        f"(tau² between {min(a, b):.6g} and {max(a, b):.6g})"
    )


def finite(value: float) -> bool:
    return not (math.isnan(value) or math.isinf(value))
