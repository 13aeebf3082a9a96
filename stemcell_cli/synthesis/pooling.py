"""Pooling one effect across studies: fixed effect, DerSimonian–Laird and REML.

Everything follows metafor's ``rma.uni`` (and ``predict``/``weights``) with its defaults:
inverse-variance weights on the analysis scale (log RR / log OR, raw RD), normal-based
95 % CI and test (``test="z"``), Cochran's Q on k − 1 df with inverse-variance weights,
I² and H² as metafor computes them for each model:

* fixed effect (FE): I² = max(0, (Q − df)/Q)·100, H² = Q/df;
* random effects (DL, REML): I² = 100·tau²/(tau² + s²), H² = (tau² + s²)/s², with the
  "typical" within-study variance s² = (k − 1)·Σw / ((Σw)² − Σw²).

The CI and test are normal (``ci="z"``, the default) or Hartung–Knapp–Sidik–Jonkman
(``ci="hksj"``, metafor's ``test="knha"``); the 95 % prediction interval (random effects,
k ≥ 3) is metafor's ``predict()`` (``pi="metafor"``, the default: mu ± 1.959964·√(SE² + tau²)
with the z CI) or the Cochrane Handbook's (``pi="handbook"``: t with k − 2 df); see
:mod:`.intervals`. The result names both methods (``ci_label``, ``pi_label``).
Ratios (RR, OR, HR and the other names in :data:`generic.RATIO_SCALES`) are pooled on the
log scale and exponentiated back. A REML fit that does not converge falls back to
DerSimonian–Laird and says so in ``notes``; fewer than 5 studies under random effects
get a note too.

Memory (issue 23): effects and variances are held as arrays, and the result's ``studies``
are computed when read (:class:`.rows.StudyRows`), their labels fetched one at a time:
pooling 100,000 studies builds no object per study.
"""

from __future__ import annotations

import math
import operator
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import repeat
from typing import Literal

from . import _wls
from .distributions import Z95, chi2_sf
from .effects import Measure, Table2x2, escalc
from .estimable import NotConverged, NotEstimable
from .generic import is_ratio
from .intervals import CI_METHODS, CiMethod, PiMethod, infer, pi_label, prediction_interval
from .lazy import Lazy
from .rows import StudyRows, as_array

Method = Literal["FE", "DL", "REML"]
METHOD_LABELS: dict[str, str] = {
    "FE": "fixed effect, inverse variance",
    "DL": "random effects, DerSimonian–Laird",
    "REML": "random effects, REML",
}
FEW_STUDIES = 5  # fewer than this under random effects: tau² (and the CI) are imprecise


@dataclass(frozen=True)
class Pooled:
    """A pooled estimate with heterogeneity statistics (unrounded).

    ``beta``, ``se``, ``ci_lb``, ``ci_ub``, ``pi_lb``, ``pi_ub`` are on the analysis scale
    (log for RR/OR); ``estimate``, ``lower``, ``upper``, ``pi_lower``, ``pi_upper`` are on
    the reporting scale (exponentiated for RR/OR).
    """

    measure: str
    method: str
    k: int
    beta: float
    se: float
    ci_lb: float
    ci_ub: float
    z: float
    p: float
    q: float
    q_df: int
    q_p: float
    i2: float
    h2: float
    tau2: float
    pi_lb: float | None
    pi_ub: float | None
    studies: StudyRows  # computed when read: see :class:`.rows.StudyRows`
    iterations: int = 0
    excluded: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    ci_method: str = "z"
    pi_method: str = "metafor"
    test_df: int | None = None  # t-test degrees of freedom (HKSJ); None for a z-test

    @property
    def ci_label(self) -> str:
        return CI_METHODS[self.ci_method]

    @property
    def pi_label(self) -> str:
        return pi_label(self.pi_method, self.test_df, self.k)  # type: ignore[arg-type]

    @property
    def test_name(self) -> str:
        """ "z", or "t" (with ``test_df`` degrees of freedom) under HKSJ."""
        return "z" if self.test_df is None else "t"

    @property
    def tau(self) -> float:
        return math.sqrt(self.tau2)

    @property
    def is_ratio(self) -> bool:
        return is_ratio(self.measure)

    def back(self, value: float) -> float:
        """Analysis scale → reporting scale (exp for ratios)."""
        return math.exp(value) if self.is_ratio else value

    @property
    def estimate(self) -> float:
        return self.back(self.beta)

    @property
    def lower(self) -> float:
        return self.back(self.ci_lb)

    @property
    def upper(self) -> float:
        return self.back(self.ci_ub)

    @property
    def pi_lower(self) -> float | None:
        return None if self.pi_lb is None else self.back(self.pi_lb)

    @property
    def pi_upper(self) -> float | None:
        return None if self.pi_ub is None else self.back(self.pi_ub)

    @property
    def null(self) -> float:
        """The value of no effect on the reporting scale."""
        return 1.0 if self.is_ratio else 0.0

    @property
    def label(self) -> str:
        return METHOD_LABELS[self.method]


def _check(yi: Sequence[float], vi: Sequence[float], names: Sequence[str]) -> None:
    """Bad input is a ValueError; valid but uncomputable input is :class:`NotEstimable`.
    A study's name is fetched only when a message names it."""
    if all(map(math.isfinite, yi)) and all(map(math.isfinite, vi)):
        smallest = min(vi)
        if smallest > 0 and not math.isinf(1.0 / smallest):
            return  # all valid: the loops below find the first problem, in order
    for i, value in enumerate(yi):
        if not _wls.finite(value):
            raise ValueError(f"{names[i]}: effect {value!r} is not a finite number")
    for i, value in enumerate(vi):
        if value < 0:
            raise ValueError(f"{names[i]}: sampling variance {value!r} must be positive and finite")
        if value == 0:
            raise NotEstimable(
                f"not estimable: {names[i]} has zero sampling variance "
                "(a sampling variance must be a positive finite number)"
            )
        if not _wls.finite(value):
            raise NotEstimable(
                f"not estimable: {names[i]}'s sampling variance {value!r} is not a finite number"
            )
        if math.isinf(1.0 / value):
            raise NotEstimable(
                f"not estimable: {names[i]}'s sampling variance {value!r} is so small "
                "that its weight 1/v overflows"
            )


def pool(
    yi: Sequence[float],
    vi: Sequence[float],
    *,
    measure: str = "RR",
    method: Method = "REML",
    labels: Sequence[str] | None = None,
    ci: CiMethod = "z",
    pi: PiMethod = "metafor",
) -> Pooled:
    """Pool effects ``yi`` (log scale for ratios) with sampling variances ``vi``.

    ``measure`` only decides the back-transformation (ratios: exp; anything else: none);
    ``ci`` and ``pi`` choose the interval methods (:mod:`.intervals`). ``yi`` and ``vi`` may be
    lists or arrays (an ``array('d')`` is kept as given, not copied: leave it unchanged);
    ``labels`` may build each name on demand: a name is fetched only when an error or a row
    read from ``studies`` needs it.
    """
    if method not in METHOD_LABELS:
        raise ValueError(f"unknown pooling method {method!r}: use FE, DL or REML")
    if len(yi) == 0:
        raise ValueError("pooling needs at least one study")
    if len(yi) != len(vi) or (labels is not None and len(labels) != len(yi)):
        raise ValueError("effects, variances and labels must have the same length")
    k = len(yi)
    names = labels if labels is not None else numbered(k)
    yi, vi = as_array(yi), as_array(vi)
    _check(yi, vi, names)
    x = _wls.Design.intercept(k)
    q = _wls.q_statistic(yi, vi, x) if k > 1 else 0.0
    df = k - 1
    iterations = 0
    notes: list[str] = []
    if method == "FE":
        tau2 = 0.0
    elif method == "DL":
        tau2 = _wls.tau2_dl(yi, vi, x)
    else:
        try:
            tau2, iterations = _wls.tau2_reml(yi, vi, x)
        except NotConverged as problem:
            tau2, method = _wls.tau2_dl(yi, vi, x), "DL"
            notes.append(f"{problem}; DerSimonian–Laird used instead")
    w = array("d", (1.0 / (v + tau2) for v in vi))
    fit = _wls.wls(yi, w, x)
    beta = fit.beta[0]
    se = math.sqrt(fit.vcov[0][0])
    del fit  # its residuals
    if not (se > 0.0 and math.isfinite(se) and math.isfinite(q) and math.isfinite(beta)):
        raise NotEstimable("not estimable: the pooled figures overflow (variances out of range)")
    scale, u = _wls.scaled(w)
    del w
    inference = infer(beta, se, yi, u, ci)
    total_u = math.fsum(u)
    del u
    if inference.note:
        notes.append(inference.note)
    i2, h2 = _heterogeneity(method, q, df, vi, tau2)
    pi_lb = pi_ub = None
    if method != "FE":
        interval = prediction_interval(beta, inference, tau2, k, pi)
        if interval is not None:
            pi_lb, pi_ub = interval
        if 1 < k < FEW_STUDIES:
            notes.append(
                f"only {k} studies: with fewer than {FEW_STUDIES} a random-effects tau² "
                "and its CI are imprecise"
            )
    ratio = is_ratio(measure)
    if ratio:
        for value in (inference.ci_lb, inference.ci_ub, pi_lb or 0.0, pi_ub or 0.0):
            exp_or_refuse(value, "the pooled estimate's interval")
        _check_rows(yi, vi, names)
    rows = StudyRows(names, yi, vi, tau2=tau2, scale=scale, total=total_u, ratio=ratio)
    return Pooled(
        measure=measure,
        method=method,
        k=k,
        beta=beta,
        se=inference.se,
        ci_lb=inference.ci_lb,
        ci_ub=inference.ci_ub,
        z=inference.stat,
        p=inference.p,
        q=q,
        q_df=df,
        q_p=chi2_sf(q, df) if df > 0 else 1.0,
        i2=i2,
        h2=h2,
        tau2=tau2,
        pi_lb=pi_lb,
        pi_ub=pi_ub,
        studies=rows,
        iterations=iterations,
        notes=tuple(notes),
        ci_method=ci if inference.df is not None else "z",
        pi_method=pi,
        test_df=inference.df,
    )


def _heterogeneity(
    method: str, q: float, df: int, vi: Sequence[float], tau2: float
) -> tuple[float, float]:
    """(I² in percent, H²) as metafor computes them for the given model."""
    if df <= 0:
        return 0.0, 1.0
    if method == "FE":
        i2 = min(100.0, max(0.0, 100.0 * (q - df) / q)) if q > 0 else 0.0
        return i2, q / df
    typical = df / _wls.trace_p(vi, _wls.Design.intercept(len(vi)))  # (k−1)Σw / ((Σw)² − Σw²)
    return min(100.0, 100.0 * tau2 / (tau2 + typical)), (tau2 + typical) / typical


def numbered(k: int) -> Lazy[str]:
    """ "Study 1" … "Study k", each made when read."""
    return Lazy(range(k), lambda i: f"Study {i + 1}")


def exp_or_refuse(value: float, what: str) -> float:
    """exp(value), or :class:`NotEstimable` naming ``what`` when it overflows a float."""
    try:
        return math.exp(value)
    except OverflowError:
        raise NotEstimable(f"not estimable: {what} overflows on the ratio scale") from None


def _check_rows(yi: Sequence[float], vi: Sequence[float], names: Sequence[str]) -> None:
    """Each study's 95% CI must exist on the ratio scale: refused when pooled, not when drawn
    (the upper limit is the largest value). The largest upper limit is tried first, at C
    speed; the rows are walked only when it overflows, to name the first that does."""
    uppers = map(operator.add, yi, map(operator.mul, repeat(Z95), map(math.sqrt, vi)))
    try:
        math.exp(max(max(yi), max(uppers)))
        return
    except OverflowError:
        pass
    for i, (y, v) in enumerate(zip(yi, vi, strict=True)):
        try:
            math.exp(max(y, y + Z95 * math.sqrt(v)))
        except OverflowError:
            raise NotEstimable(
                f"not estimable: the 95% CI of {names[i]} overflows on the ratio scale"
            ) from None


def pool_tables(
    tables: Sequence[tuple[int, int, int, int]],
    *,
    measure: Measure = "RR",
    method: Method = "REML",
    labels: Sequence[str] | None = None,
) -> Pooled:
    """Pool 2×2 tables (events_exp, total_exp, events_ctl, total_ctl) with :func:`escalc`.

    Tables not estimable for RR/OR (no events, or only events, in both arms) are left out
    and named in ``excluded``; if none is left, ValueError.
    """
    names = labels if labels is not None else numbered(len(tables))
    if len(names) != len(tables):
        raise ValueError("tables and labels must have the same length")
    yi, vi = array("d"), array("d")
    kept: list[int] = []
    excluded: list[str] = []
    for i, counts in enumerate(tables):
        effect = escalc(measure, Table2x2(*counts))
        if effect is None:
            excluded.append(names[i])
            continue
        yi.append(effect.yi)
        vi.append(effect.vi)
        kept.append(i)
    if not yi:
        raise ValueError(f"no study has an estimable {measure} (no events, or all events)")
    pooled = pool(yi, vi, measure=measure, method=method, labels=Lazy(kept, names.__getitem__))
    return replace(pooled, excluded=tuple(excluded))
