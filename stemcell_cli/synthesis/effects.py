"""Effect measures for one two-arm comparison (a 2×2 table of events/total per arm).

Conventions (as metafor's ``escalc`` with its defaults, unless said otherwise):

* the experimental arm is "1" (a = events, b = non-events), the comparator arm "2" (c, d);
* RR and OR use the log method: log ratio ± 1.959964·SE, SE from the usual large-sample
  variances, then exponentiated;
* a table with a zero cell gets 1/2 added to each of its four cells for RR and OR
  (``add=1/2, to="only0"``);
* a table with no events in either arm, or only events in both, is *not estimable* for RR
  and OR (as ``drop00=TRUE``; metafor's ``escalc`` default ``drop00=FALSE`` would instead
  add 1/2 and report RR = OR = 1 with a huge variance): the result says so, nothing raises;
* RD has Newcombe's hybrid score interval (method 10 of Newcombe 1998), built from the two
  arms' Wilson intervals; no correction is needed for it (the RD's *pooling* variance,
  from :func:`escalc`, follows metafor and is corrected).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from .distributions import Z95
from .proportions import wilson

Measure = Literal["RR", "OR", "RD"]
MEASURE_NAMES = {
    "RR": "risk ratio",
    "OR": "odds ratio",
    "RD": "risk difference",
    "MD": "mean difference",
    "SMD": "standardized mean difference (Hedges' g)",
    "HR": "hazard ratio",
}
RATIO_MEASURES: frozenset[str] = frozenset({"RR", "OR"})

LOG_METHOD = "log method, Wald 95% CI"
NEWCOMBE = "Newcombe hybrid score"
ADD = 0.5


@dataclass(frozen=True)
class Table2x2:
    """Events and totals in the experimental and the comparator arm, validated."""

    events_exp: int
    total_exp: int
    events_ctl: int
    total_ctl: int

    def __post_init__(self) -> None:
        for arm, events, total in (
            ("experimental", self.events_exp, self.total_exp),
            ("comparator", self.events_ctl, self.total_ctl),
        ):
            _check_arm(arm, events, total)

    @property
    def cells(self) -> tuple[int, int, int, int]:
        """(a, b, c, d): events and non-events, experimental then comparator."""
        return (
            self.events_exp,
            self.total_exp - self.events_exp,
            self.events_ctl,
            self.total_ctl - self.events_ctl,
        )

    @property
    def has_zero_cell(self) -> bool:
        return 0 in self.cells

    @property
    def double_zero(self) -> bool:
        """No events in either arm, or only events in both (drop00)."""
        a, b, c, d = self.cells
        return (a == 0 and c == 0) or (b == 0 and d == 0)


def _check_arm(arm: str, events: object, total: object) -> None:
    for name, value in (("events", events), ("total", total)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(f"{arm} arm: {name} must be a whole number, got {value!r}")
    assert isinstance(events, int) and isinstance(total, int)
    if total <= 0:
        raise ValueError(f"{arm} arm: total must be at least 1, got {total}")
    if not 0 <= events <= total:
        raise ValueError(f"{arm} arm: events must be between 0 and the total {total}, got {events}")


@dataclass(frozen=True)
class Effect:
    """One effect with its 95 % CI (unrounded; None when not estimable)."""

    measure: str
    estimate: float | None
    lower: float | None
    upper: float | None
    method: str
    corrected: bool = False
    note: str = ""

    @property
    def estimable(self) -> bool:
        return self.estimate is not None


@dataclass(frozen=True)
class YiVi:
    """An effect on its analysis scale (log for RR/OR) and its sampling variance."""

    yi: float
    vi: float
    corrected: bool


def escalc(measure: Measure, table: Table2x2) -> YiVi | None:
    """Observed effect and sampling variance as metafor's ``escalc`` gives them.

    RR: log(p1/p2), v = 1/a − 1/n1 + 1/c − 1/n2; OR: log(ad/bc), v = 1/a + 1/b + 1/c + 1/d;
    RD: p1 − p2, v = p1(1−p1)/n1 + p2(1−p2)/n2 (vtype "LS"). All three after adding 1/2
    to every cell of a table with a zero cell (escalc applies ``to="only0"`` to RD too, which
    keeps a double-zero RD at 0 with a positive variance). Returns None for a double-zero
    table for RR/OR (not estimable).
    """
    if measure not in ("RR", "OR", "RD"):
        raise ValueError(f"unknown measure {measure!r}: use RR, OR or RD")
    if measure != "RD" and table.double_zero:
        return None
    corrected = table.has_zero_cell
    add = ADD if corrected else 0.0
    fa, fb, fc, fd = (cell + add for cell in table.cells)
    if measure == "RD":
        n1, n2 = fa + fb, fc + fd
        p1, p2 = fa / n1, fc / n2
        return YiVi(p1 - p2, p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2, corrected)
    if measure == "RR":
        n1, n2 = fa + fb, fc + fd
        yi = math.log(fa / n1) - math.log(fc / n2)
        # b/(a·n1) is 1/a − 1/n1 without cancellation (huge totals stay exact and positive)
        vi = fb / (fa * n1) + fd / (fc * n2)
    else:
        yi = math.log(fa) + math.log(fd) - math.log(fb) - math.log(fc)
        vi = 1 / fa + 1 / fb + 1 / fc + 1 / fd
    return YiVi(yi, vi, corrected)


def _not_estimable(measure: str, table: Table2x2) -> Effect:
    what = "no events in either arm" if table.cells[0] == 0 else "only events in both arms"
    return Effect(measure, None, None, None, LOG_METHOD, False, f"not estimable: {what}")


def _ratio(measure: Measure, *counts: int) -> Effect:
    table = Table2x2(*counts)
    log_effect = escalc(measure, table)
    if log_effect is None:
        return _not_estimable(measure, table)
    half = Z95 * math.sqrt(log_effect.vi)
    note = "1/2 added to every cell (zero cell)" if log_effect.corrected else ""
    return Effect(
        measure,
        math.exp(log_effect.yi),
        math.exp(log_effect.yi - half),
        math.exp(log_effect.yi + half),
        LOG_METHOD,
        log_effect.corrected,
        note,
    )


def risk_ratio(events_exp: int, total_exp: int, events_ctl: int, total_ctl: int) -> Effect:
    """Risk ratio (experimental / comparator) with its log-method 95 % CI."""
    return _ratio("RR", events_exp, total_exp, events_ctl, total_ctl)


def odds_ratio(events_exp: int, total_exp: int, events_ctl: int, total_ctl: int) -> Effect:
    """Odds ratio (experimental / comparator) with its log-method (Woolf) 95 % CI."""
    return _ratio("OR", events_exp, total_exp, events_ctl, total_ctl)


def risk_difference(events_exp: int, total_exp: int, events_ctl: int, total_ctl: int) -> Effect:
    """Risk difference p1 − p2 with Newcombe's hybrid score 95 % CI (1998, method 10).

    With Wilson limits (l1, u1) and (l2, u2): lower = d − √((p1−l1)² + (u2−p2)²),
    upper = d + √((u1−p1)² + (p2−l2)²).
    """
    Table2x2(events_exp, total_exp, events_ctl, total_ctl)  # validates
    p1, p2 = events_exp / total_exp, events_ctl / total_ctl
    l1, u1 = wilson(events_exp, total_exp)
    l2, u2 = wilson(events_ctl, total_ctl)
    diff = p1 - p2
    lower = diff - math.hypot(p1 - l1, u2 - p2)
    upper = diff + math.hypot(u1 - p1, p2 - l2)
    return Effect("RD", diff, max(-1.0, lower), min(1.0, upper), NEWCOMBE)


@dataclass(frozen=True)
class NumberNeeded:
    """Number needed to treat (benefit) or harm, 1/|RD|, with its CI when estimable."""

    kind: str  # "NNT" or "NNH"; "" when not estimable
    estimate: float | None
    lower: float | None
    upper: float | None
    note: str = ""

    @property
    def estimable(self) -> bool:
        return self.estimate is not None


def number_needed(rd: Effect, *, events_are_harmful: bool = True) -> NumberNeeded:
    """NNT or NNH = 1/|RD| and its CI (1/limits), only when the RD CI excludes 0.

    With harmful events (deaths, relapses: the default) a negative RD is a benefit (NNT)
    and a positive one a harm (NNH); with desirable events (remission) the reverse.
    When the RD CI includes 0 the number is not estimable ("CI crosses no effect").
    """
    if rd.measure != "RD":
        raise ValueError(f"number needed to treat comes from a risk difference, not {rd.measure}")
    assert rd.estimate is not None and rd.lower is not None and rd.upper is not None
    if rd.lower <= 0.0 <= rd.upper:
        return NumberNeeded("", None, None, None, "NNT not estimable: the RD CI crosses no effect")
    benefit = (rd.estimate < 0) == events_are_harmful
    kind = "NNT" if benefit else "NNH"
    limits = sorted((1.0 / abs(rd.lower), 1.0 / abs(rd.upper)))
    return NumberNeeded(kind, 1.0 / abs(rd.estimate), limits[0], limits[1])


@dataclass(frozen=True)
class AbsoluteEffect:
    """Anticipated absolute effects per `per` people, as a GRADE summary-of-findings table."""

    per: int
    comparator: float
    intervention: float | None
    lower: float | None
    upper: float | None
    method: str


def _apply(measure: str, risk: float, ratio: float) -> float:
    if measure == "RR":
        return min(1.0, risk * ratio)
    # OR: convert the odds back to a risk
    return risk * ratio / (1 - risk + risk * ratio)


def absolute_effects(comparator_risk: float, relative: Effect, per: int = 1000) -> AbsoluteEffect:
    """Risk with the comparator and with the intervention (and its CI) per `per` people.

    Intervention risk = ACR × RR (its limits ACR × the RR limits), capped at `per`;
    for an OR, ACR·OR / (1 − ACR + ACR·OR). The assumed comparator risk (ACR) is usually
    the comparator arm's (or pooled comparator arms') observed risk.
    """
    if not 0.0 <= comparator_risk <= 1.0 or math.isnan(comparator_risk):
        raise ValueError(f"comparator risk must be a fraction in [0, 1], got {comparator_risk!r}")
    if relative.measure not in RATIO_MEASURES:
        raise ValueError(f"absolute effects come from a RR or OR, not {relative.measure}")
    method = f"assumed comparator risk × {relative.measure} (and its CI limits)"
    if not relative.estimable:
        return AbsoluteEffect(per, comparator_risk * per, None, None, None, method)
    assert relative.estimate is not None and relative.lower is not None
    assert relative.upper is not None
    return AbsoluteEffect(
        per,
        comparator_risk * per,
        _apply(relative.measure, comparator_risk, relative.estimate) * per,
        _apply(relative.measure, comparator_risk, relative.lower) * per,
        _apply(relative.measure, comparator_risk, relative.upper) * per,
        method,
    )


def effect(measure: Measure, *counts: int) -> Effect:
    """Dispatch on the measure name: RR, OR or RD."""
    functions = {"RR": risk_ratio, "OR": odds_ratio, "RD": risk_difference}
    if measure not in functions:
        raise ValueError(f"unknown measure {measure!r}: use RR, OR or RD")
    return functions[measure](*counts)
