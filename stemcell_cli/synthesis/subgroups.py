"""Subgroup analysis (RevMan's test for subgroup differences) and leave-one-out sensitivity.

Conventions:

* subgroups: each subgroup is pooled on its own with the same model (so each random-effects
  subgroup has its own tau², as RevMan does); the test for subgroup differences compares the
  subgroup estimates θ_g with their standard errors SE_g as a fixed-effect meta-analysis of
  the subgroups: Q_between = Σ (θ_g − θ̄)²/SE_g², θ̄ = Σ(θ_g/SE_g²)/Σ(1/SE_g²), df = G − 1,
  p from χ², and I² = max(0, (Q − df)/Q) (RevMan 5 and RevMan Web). metafor's
  ``rma(mods = ~ subgroup)`` instead fits one meta-regression with a tau² shared by all
  subgroups, so its Q_M differs whenever tau² differs between subgroups; stemcell follows
  RevMan. Subgroups are kept in the order they first appear; a subgroup of one study takes
  part with that study's own effect;
* leave-one-out: as metafor's ``leave1out``: each study omitted in turn, the rest pooled with
  the same model and interval methods (estimate, CI, test, Q, tau², I², H² per omission).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .distributions import chi2_sf
from .intervals import CiMethod, PiMethod
from .pooling import Method, Pooled, pool

TEST_METHOD = "test for subgroup differences (RevMan): χ² on the subgroup estimates and SEs"


@dataclass(frozen=True)
class SubgroupTest:
    """RevMan's test for subgroup differences: Chi² (Q between), df, p and I²."""

    q: float
    df: int
    p: float
    i2: float
    method: str = TEST_METHOD


@dataclass(frozen=True)
class Subgroups:
    """Each subgroup pooled on its own, the test between them, and all studies pooled."""

    groups: tuple[tuple[str, Pooled], ...]
    test: SubgroupTest | None  # None with a single subgroup
    overall: Pooled


def subgroup_test(estimates: Sequence[float], ses: Sequence[float]) -> SubgroupTest:
    """Q between subgroups from their estimates (analysis scale) and standard errors."""
    if len(estimates) < 2 or len(estimates) != len(ses):
        raise ValueError("the subgroup test needs two or more subgroups, each with an SE")
    between = pool(
        list(estimates),
        [se * se for se in ses],
        measure="difference",
        method="FE",
        labels=[f"subgroup {i + 1}" for i in range(len(ses))],
    )
    df = len(estimates) - 1
    q = between.q
    i2 = min(100.0, max(0.0, 100.0 * (q - df) / q)) if q > 0 else 0.0
    return SubgroupTest(q, df, chi2_sf(q, df), i2)


def pool_subgroups(
    yi: Sequence[float],
    vi: Sequence[float],
    groups: Sequence[str],
    *,
    labels: Sequence[str] | None = None,
    measure: str = "RR",
    method: Method = "REML",
    ci: CiMethod = "z",
    pi: PiMethod = "metafor",
) -> Subgroups:
    """Pool each subgroup, test the difference between them, and pool everything."""
    k = len(yi)
    if len(groups) != k:
        raise ValueError("each study needs its subgroup")
    names = list(labels) if labels is not None else [f"Study {i + 1}" for i in range(k)]
    options = {"measure": measure, "method": method, "ci": ci, "pi": pi}
    overall = pool(yi, vi, labels=names, **options)  # type: ignore[arg-type]
    order = list(dict.fromkeys(groups))
    pooled: list[tuple[str, Pooled]] = []
    for group in order:
        members = [i for i in range(k) if groups[i] == group]
        sub = pool(
            [yi[i] for i in members],
            [vi[i] for i in members],
            labels=[names[i] for i in members],
            **options,  # type: ignore[arg-type]
        )
        pooled.append((group, sub))
    test = None
    if len(pooled) >= 2:
        test = subgroup_test([p.beta for _, p in pooled], [p.se for _, p in pooled])
    return Subgroups(tuple(pooled), test, overall)


@dataclass(frozen=True)
class Omitted:
    """The pooled result with one study left out."""

    omitted: str
    pooled: Pooled


def leave_one_out(
    yi: Sequence[float],
    vi: Sequence[float],
    *,
    labels: Sequence[str] | None = None,
    measure: str = "RR",
    method: Method = "REML",
    ci: CiMethod = "z",
    pi: PiMethod = "metafor",
) -> tuple[Omitted, ...]:
    """Each study omitted in turn (metafor ``leave1out``); needs two or more studies."""
    k = len(yi)
    if k < 2:
        raise ValueError("leave-one-out needs at least two studies")
    if len(vi) != k or (labels is not None and len(labels) != k):
        raise ValueError("effects, variances and labels must have the same length")
    names = list(labels) if labels is not None else [f"Study {i + 1}" for i in range(k)]
    results = []
    for i in range(k):
        keep = [j for j in range(k) if j != i]
        rest = pool(
            [yi[j] for j in keep],
            [vi[j] for j in keep],
            labels=[names[j] for j in keep],
            measure=measure,
            method=method,
            ci=ci,
            pi=pi,
        )
        results.append(Omitted(names[i], rest))
    return tuple(results)
