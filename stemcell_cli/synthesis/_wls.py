"""Weighted least squares and REML heterogeneity for an intercept (and one moderator).

Shared by pooling (intercept only) and the small-study test (intercept + standard error), following
metafor's ``rma.uni``: weights w = 1/(v + tau²), P = W − W X (X'WX)⁻¹ X'W.

Numerics (issue 18): weights are divided by their largest value before any sum (the fit and
the REML step are invariant to that scale, so a variance of 1e-14 next to one of 0.8 neither
overflows nor cancels), and the intercept-only traces are sums of non-negative terms
(tr P = Σ wᵢ(S − wᵢ)/S with S − wᵢ summed directly for the largest weight). What still
cannot be computed raises :class:`NotEstimable` with the reason; a REML fit that has not
settled after ``REML_MAX_ITER`` steps raises :class:`NotConverged`, never a silent stop.

Memory (issue 23): every per-study vector is an ``array('d')`` (8 bytes a study, not a float
object each) or an iterator summed as it goes; the design is held by columns, the intercept
as no column at all, so pooling 100,000 studies allocates a few arrays, never 100,000 objects.
"""

from __future__ import annotations

import math
import operator
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, repeat

from .estimable import NotConverged, NotEstimable

REML_TOLERANCE = 1e-10  # relative change in tau²
REML_FLOOR = 1e-16  # change, relative to the smallest variance, counted as converged (tau² ≈ 0)
REML_MAX_ITER = 1000

Row = tuple[float, ...]
INTERCEPT: Row = (1.0,)
TOO_FAR_APART = "not estimable: the variances are too far apart to weigh the studies"
Column = Iterable[float] | None  # None: the constant column of ones (the intercept)


@dataclass(frozen=True)
class Fit:
    """Coefficients, their variance-covariance matrix and the residuals y − Xb (an array)."""

    beta: Row
    vcov: tuple[Row, ...]
    residuals: Sequence[float]


def _inverse(m: list[list[float]]) -> list[list[float]]:
    if len(m) == 1:
        return [[1.0 / m[0][0]]]
    (a, b), (c, d) = m
    det = a * d - b * c
    return [[d / det, -b / det], [-c / det, a / det]]


def _times(values: Iterable[float], column: Column) -> Iterable[float]:
    """values · column, term by term, as an iterator (values itself for the intercept)."""
    return values if column is None else map(operator.mul, values, column)


class _Product:
    """The column aᵢ·bᵢ of two columns, computed each time it is read (not held: at 100,000
    studies an array of it would be 800 KB more at the fit's peak)."""

    __slots__ = ("a", "b")

    def __init__(self, a: Iterable[float], b: Iterable[float]) -> None:
        self.a, self.b = a, b

    def __iter__(self) -> Iterator[float]:
        return map(operator.mul, self.a, self.b)


def _product(a: Column, b: Column) -> Column:
    """The column aᵢ·bᵢ (the other column itself when one is the intercept)."""
    if a is None or b is None:
        return b if a is None else a
    return _Product(a, b)


def scaled(w: Sequence[float]) -> tuple[float, Sequence[float]]:
    """(m, w/m) with m the largest weight: sums of w/m can neither overflow nor all vanish.
    Weights already scaled (m = 1) are returned as they are, not copied."""
    m = max(w)
    if not (m > 0.0 and math.isfinite(m)):
        raise NotEstimable(f"not estimable: a weight of {m!r} (variances out of range)")
    if m == 1.0:
        return m, w
    return m, array("d", map(operator.truediv, w, repeat(m)))


class Design:
    """The design matrix x of one fit held by its (one or two) columns, ``None`` standing for
    the intercept's column of ones, with the products of each pair of columns that every step
    of the fit sums (``products[r][c]`` is the column xᵢᵣ·xᵢ꜀, computed as it is summed, at C
    speed; a product with the intercept is the other column itself). Build it once per fit:
    :meth:`intercept` for pooling, :meth:`slope` for the small-study test."""

    __slots__ = ("columns", "intercept_only", "k", "p", "products")

    def __init__(self, k: int, columns: Sequence[Column]) -> None:
        self.k = k
        self.columns = tuple(columns)
        self.p = len(self.columns)
        self.intercept_only = self.p == 1 and self.columns[0] is None
        cols = range(self.p)
        upper = {
            (r, c): _product(self.columns[r], self.columns[c]) for r in cols for c in cols if r <= c
        }
        self.products = tuple(tuple(upper[min(r, c), max(r, c)] for c in cols) for r in cols)

    def gram(self, u: Sequence[float], power: int = 1) -> list[list[float]]:
        """X'UᵖX: Σᵢ uᵢᵖ·xᵢᵣ·xᵢ꜀ for each pair of columns (symmetric: each pair summed once)."""

        def total(column: Column) -> float:
            terms = u if power == 1 else map(operator.pow, u, repeat(power))
            return math.fsum(_times(terms, column))

        cols = range(self.p)
        sums = {(r, c): total(self.products[r][c]) for r in cols for c in cols if r <= c}
        return [[sums[min(r, c), max(r, c)] for c in cols] for r in cols]

    @classmethod
    def intercept(cls, k: int) -> Design:
        """The intercept alone (pooling): no per-study data at all."""
        return cls(k, (None,))

    @classmethod
    def slope(cls, column: Sequence[float]) -> Design:
        """An intercept and one moderator column (the small-study test's standard errors)."""
        return cls(len(column), (None, column))


X = Sequence[Row] | Design


def design(x: X) -> Design:
    """x as a :class:`Design` (itself when it is one already); rows become columns."""
    if isinstance(x, Design):
        return x
    if x.count(INTERCEPT) == len(x):
        return Design.intercept(len(x))
    columns = [array("d", column) for column in zip(*x, strict=True)]
    return Design(len(x), [None if c.count(1.0) == len(c) else c for c in columns])


def _gram_inverse(u: Sequence[float], x: Design) -> list[list[float]]:
    """(X'UX)⁻¹ for scaled weights u."""
    try:
        return _inverse(x.gram(u))
    except ZeroDivisionError:
        raise NotEstimable("not estimable: the weighted design is singular") from None


def covariance(w: Sequence[float], x: X) -> tuple[Row, ...]:
    """The coefficients' variance-covariance matrix (X'WX)⁻¹ of a fit with weights w."""
    x = design(x)
    m, u = scaled(w)
    if x.intercept_only:
        return ((1.0 / math.fsum(u) / m,),)
    return tuple(tuple(value / m for value in row) for row in _gram_inverse(u, x))


def wls(y: Sequence[float], w: Sequence[float], x: X) -> Fit:
    """Weighted least squares of y on the columns of x (one or two columns)."""
    x = design(x)
    p = x.p
    m, u = scaled(w)
    if x.intercept_only:  # the weighted mean, without the general matrix algebra
        total = math.fsum(u)
        mean = math.fsum(map(operator.mul, u, y)) / total
        return Fit((mean,), ((1.0 / total / m,),), array("d", map(operator.sub, y, repeat(mean))))
    inv = _gram_inverse(u, x)
    xtwy = [math.fsum(_times(map(operator.mul, u, y), column)) for column in x.columns]
    beta = tuple(math.fsum(inv[r][c] * xtwy[c] for c in range(p)) for r in range(p))
    fitted: Iterator[float] = repeat(0.0)
    for b, column in zip(beta, x.columns, strict=True):
        fitted = map(operator.add, fitted, _times(repeat(b), column))
    resid = array("d", map(operator.sub, y, fitted))
    return Fit(beta, tuple(tuple(value / m for value in row) for row in inv), resid)


def weights(v: Sequence[float], tau2: float = 0.0) -> Sequence[float]:
    """The weights 1/(vᵢ + tau²), as an array."""
    w = array("d", map(operator.truediv, repeat(1.0), map(operator.add, v, repeat(tau2))))
    if not all(map(math.isfinite, w)) or (w and min(w) <= 0.0):
        raise NotEstimable("not estimable: a weight 1/v overflows (variances out of range)")
    return w


def _scaled_q(y: Sequence[float], v: Sequence[float], x: X) -> tuple[float, float]:
    """(m, Q/m): Cochran's Q divided by the largest inverse-variance weight m."""
    m, u = scaled(weights(v))
    r = wls(y, u, x).residuals
    return m, math.fsum(map(operator.mul, map(operator.mul, u, r), r))


def q_statistic(y: Sequence[float], v: Sequence[float], x: X) -> float:
    """Cochran's Q (residual heterogeneity) with inverse-variance weights."""
    m, q_scaled = _scaled_q(y, v, x)
    return q_scaled * m


def trace_p(v: Sequence[float], x: X, tau2: float = 0.0) -> float:
    """tr(P) at a given tau²."""
    x = design(x)
    m, u = scaled(weights(v, tau2))
    return _traces(u, x, covariance(u, x))[0] * m


def tau2_dl(y: Sequence[float], v: Sequence[float], x: X) -> float:
    """DerSimonian–Laird: max(0, (Q − (k − p)) / tr(P)) with P at tau² = 0."""
    x = design(x)
    df = len(y) - x.p
    if df <= 0:
        return 0.0
    m, q_scaled = _scaled_q(y, v, x)
    inverse = map(operator.truediv, repeat(1.0), v)
    u = array("d", map(operator.truediv, inverse, repeat(m)))
    tr_scaled = _traces(u, x, covariance(u, x))[0]
    if not tr_scaled > 0.0:
        raise NotEstimable(TOO_FAR_APART)
    tau2 = max(0.0, (q_scaled - df / m) / tr_scaled)
    if not math.isfinite(tau2):
        raise NotEstimable("not estimable: tau² overflows (variances out of range)")
    return tau2


def _sum_with(terms: Iterable[float], wrong: float, right: float) -> float:
    """Σ terms with its term ``wrong`` counted as ``right``: exact (fsum adds exactly, so
    ``wrong`` and ``−wrong`` cancel), at C speed over an array."""
    return math.fsum(chain(terms, (-wrong, right)))


def _traces(w: Sequence[float], x: X, vcov: Sequence[Row]) -> tuple[float, float]:
    """(tr P, tr PP); closed form for an intercept-only model (P = W − w wᵀ/Σw).

    Pᵢᵢ = wᵢ(S − wᵢ)/S and Pᵢⱼ = −wᵢwⱼ/S, so tr P = Σ wᵢ(S − wᵢ)/S and
    tr PP = (Σ wᵢ²(S − wᵢ)² + Σ wᵢ²(S₂ − wᵢ²)) / S², every term non-negative; S − wᵢ is
    the sum of the others, summed directly for the largest wᵢ (no cancellation).
    """
    x = design(x)
    if x.intercept_only:
        squares = array("d", map(operator.mul, w, w))
        s1, s2 = math.fsum(w), math.fsum(squares)
        top = w.index(max(w))  # the first largest (squares are largest there too)
        top2 = squares.index(squares[top])
        wt, sq = w[top], squares[top2]
        rest, rest2 = math.fsum(chain(w, (-wt,))), math.fsum(chain(squares, (-sq,)))
        terms = map(operator.mul, w, map(operator.sub, repeat(s1), w))  # wᵢ(S − wᵢ)
        tr_p = _sum_with(terms, wt * (s1 - wt), wt * rest) / s1
        terms = map(operator.mul, w, map(operator.sub, repeat(s1), w))
        diag = _sum_with(
            map(operator.pow, terms, repeat(2)), (wt * (s1 - wt)) ** 2, (wt * rest) ** 2
        )
        terms = map(operator.mul, squares, map(operator.sub, repeat(s2), squares))
        off = _sum_with(terms, sq * (s2 - sq), sq * rest2)
        return tr_p, (diag + off) / (s1 * s1)
    # P = W − W X A X'W with A = (X'WX)⁻¹: tr P = Σw − tr(AB), tr PP = Σw² − 2 tr(AC) +
    # tr(ABAB), with B = X'W²X and C = X'W³X (p × p: linear in k, not quadratic)
    cols = range(x.p)

    def times(a: Sequence[Sequence[float]], b: Sequence[Sequence[float]]) -> list[list[float]]:
        return [[math.fsum(a[r][i] * b[i][c] for i in cols) for c in cols] for r in cols]

    def trace(m: Sequence[Sequence[float]]) -> float:
        return math.fsum(m[i][i] for i in cols)

    ab, ac = times(vcov, x.gram(w, 2)), times(vcov, x.gram(w, 3))
    tr_p = math.fsum(w) - trace(ab)
    tr_pp = math.fsum(map(operator.mul, w, w)) - 2 * trace(ac) + trace(times(ab, ab))
    return tr_p, tr_pp


def _fisher_step(y: Sequence[float], v: Sequence[float], x: Design, tau2: float) -> float:
    """The Fisher scoring step (y'PPy − tr P) / tr PP at tau², with scaled weights."""
    m, u = scaled(weights(v, tau2))
    fit = wls(y, u, x)
    ypy2 = math.fsum(map(operator.pow, map(operator.mul, u, fit.residuals), repeat(2)))
    vcov = fit.vcov
    del fit  # the residuals are not held while the traces are summed
    tr_p, tr_pp = _traces(u, x, vcov)
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
