"""Publication bias: the small-study (funnel asymmetry) test metafor calls ``regtest``.

Implemented as metafor's ``regtest()`` default (``model="rma"``, ``predictor="sei"``):
a random-effects meta-regression (REML tau²) of the effects on their standard errors,
yi = b0 + b1·sei, and a z-test of b1 (two-sided normal p). b0 is the "limit estimate"
(the effect as sei → 0). This is not the classic Egger (1997) OLS regression of yi/sei
on 1/sei with a t-test (metafor's ``model="lm"``). Only judged with at least 10 studies.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

from . import _wls
from .distributions import Z95, normal_two_sided_p
from .estimable import NotEstimable

MIN_STUDIES = 10
METHOD = "small-study test (metafor regtest: REML meta-regression on the SE, z test)"


@dataclass(frozen=True)
class RegtestResult:
    """The funnel-asymmetry test, or why it was not done."""

    k: int
    assessable: bool
    z: float | None = None
    p: float | None = None
    limit: float | None = None
    limit_lower: float | None = None
    limit_upper: float | None = None
    tau2: float | None = None
    method: str = METHOD
    note: str = ""


def regtest(yi: Sequence[float], vi: Sequence[float]) -> RegtestResult:
    """The small-study test on effects ``yi`` (log scale for ratios) with sampling variances ``vi``
    (lists or arrays; the fit holds its vectors as arrays, no object per study).

    Fewer than 10 studies: not assessable (too little power to judge asymmetry).
    """
    k = len(yi)
    if k != len(vi):
        raise ValueError("effects and variances must have the same length")
    if k < MIN_STUDIES:
        return RegtestResult(
            k, False, note=f"not assessable: {k} studies (a funnel test needs at least 10)"
        )
    for value in vi:
        if not _wls.finite(value) or value <= 0:
            raise ValueError(f"sampling variance {value!r} must be a positive finite number")
    sei = array("d", map(math.sqrt, vi))
    if max(sei) - min(sei) <= 1e-12 * max(sei):
        return RegtestResult(k, False, note="not assessable: all studies have the same SE")
    x = _wls.Design.slope(sei)  # built once for every step of the fit
    try:
        tau2, _ = _wls.tau2_reml(yi, vi, x)
        fit = _wls.wls(yi, array("d", (1.0 / (v + tau2) for v in vi)), x)
    except NotEstimable as problem:  # no convergence, or out-of-range variances
        return RegtestResult(k, False, note=f"not assessable: {problem}")
    z = fit.beta[1] / math.sqrt(fit.vcov[1][1])
    se0 = math.sqrt(fit.vcov[0][0])
    return RegtestResult(
        k,
        True,
        z=z,
        p=normal_two_sided_p(z),
        limit=fit.beta[0],
        limit_lower=fit.beta[0] - Z95 * se0,
        limit_upper=fit.beta[0] + Z95 * se0,
        tau2=tau2,
    )
