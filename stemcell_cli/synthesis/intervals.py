"""Confidence and prediction intervals for a pooled estimate: the method is chosen and named.

Conventions:

* ``ci="z"`` (the default, as metafor's ``test="z"``): beta ± 1.959964·SE and a z-test;
* ``ci="hksj"`` (Hartung–Knapp–Sidik–Jonkman, as metafor's ``test="knha"``): the SE is
  multiplied by √s² with s² = Σwᵢ(yᵢ − beta)²/(k − 1), wᵢ = 1/(vᵢ + tau²), *not* truncated
  at 1 (metafor's default), and the CI and test use t with k − 1 degrees of freedom;
* ``pi="metafor"`` (the default, metafor's ``predict()``): beta ± c·√(SE² + tau²) with c the
  CI's own critical value (1.959964, or t(0.975, k − 1) with HKSJ);
* ``pi="handbook"`` (Cochrane Handbook 10.10.4.3, Higgins et al. 2009):
  beta ± t(0.975, k − 2)·√(SE² + tau²), SE being the pooled estimate's (HKSJ-adjusted when
  HKSJ is used);
* a prediction interval needs a random-effects model and at least three studies.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .distributions import Z95, normal_two_sided_p
from .estimable import NotEstimable
from .student_t import t_quantile, t_two_sided_p

CiMethod = Literal["z", "hksj"]
PiMethod = Literal["metafor", "handbook"]
CI_METHODS: dict[str, str] = {
    "z": "normal 95% CI and z-test",
    "hksj": "Hartung–Knapp–Sidik–Jonkman 95% CI and t-test (k − 1 df, no truncation)",
}
PI_METHODS: dict[str, str] = {
    "metafor": "metafor predict(): the CI's critical value × √(SE² + tau²)",
    "handbook": "Cochrane Handbook: t(k − 2 df) × √(SE² + tau²)",
}
MIN_PI_STUDIES = 3


@dataclass(frozen=True)
class Inference:
    """The pooled estimate's SE, 95 % CI and test under one CI method."""

    se: float
    ci_lb: float
    ci_ub: float
    stat: float
    p: float
    df: int | None  # t degrees of freedom; None for a z-test
    note: str = ""


def infer(
    beta: float,
    se: float,
    yi: Sequence[float],
    weights: Sequence[float],
    method: CiMethod,
) -> Inference:
    """SE, CI and test for ``beta``; ``weights`` are 1/(vᵢ + tau²) in any common scale."""
    if method not in CI_METHODS:
        raise ValueError(f"unknown CI method {method!r}: use z or hksj")
    k = len(yi)
    if method == "z" or k < 2:
        note = "" if method == "z" else "one study: HKSJ needs two or more; normal CI used"
        return Inference(
            se,
            beta - Z95 * se,
            beta + Z95 * se,
            beta / se,
            normal_two_sided_p(beta / se),
            None,
            note,
        )
    # SE² = 1/Σw and s² = Σwᵢrᵢ²/(k − 1), so SE_hksj² = SE²·s² = Σwᵢrᵢ² / ((k − 1)·Σw),
    # which does not depend on the scale of the weights
    spread = math.fsum(w * (y - beta) ** 2 for w, y in zip(weights, yi, strict=True))
    se_hksj = math.sqrt(spread / math.fsum(weights) / (k - 1))
    if not se_hksj > 0.0:
        raise NotEstimable(
            "not estimable with HKSJ: the studies' effects are identical, so its SE is 0"
        )
    crit = t_quantile(0.975, k - 1)
    stat = beta / se_hksj
    return Inference(
        se_hksj,
        beta - crit * se_hksj,
        beta + crit * se_hksj,
        stat,
        t_two_sided_p(stat, k - 1),
        k - 1,
    )


def prediction_interval(
    beta: float, inference: Inference, tau2: float, k: int, method: PiMethod
) -> tuple[float, float] | None:
    """The 95 % prediction interval, or None with fewer than three studies."""
    if method not in PI_METHODS:
        raise ValueError(f"unknown prediction interval method {method!r}: use metafor or handbook")
    if k < MIN_PI_STUDIES:
        return None
    if method == "handbook":
        crit = t_quantile(0.975, k - 2)
    else:
        crit = Z95 if inference.df is None else t_quantile(0.975, inference.df)
    half = crit * math.sqrt(inference.se**2 + tau2)
    return beta - half, beta + half


def pi_label(pi: PiMethod, df: int | None, k: int) -> str:
    """The prediction interval's method in words, with its critical value's distribution."""
    if pi == "handbook":
        return f"Cochrane Handbook: t with {k - 2} df × √(SE² + tau²)"
    if df is None:
        return "metafor predict(): 1.96 × √(SE² + tau²) (normal)"
    return f"metafor predict(): t with {df} df × √(SE² + tau²)"
