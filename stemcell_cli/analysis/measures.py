"""Which effect measure a study's contribution gives, and its effect on the analysis scale.

* Counts give a risk ratio (the default), odds ratio or risk difference (``escalc``).
* Means with SD and n give a mean difference (the default) or Hedges' g.
* A published effect with its 95 % CI (a hazard ratio, an adjusted odds ratio, a published
  mean difference ...) enters on its own scale by generic inverse variance (log for ratios,
  the SE from the CI); it is used for its own measure only, and for a ratio or difference that
  the arms' own figures cannot give (a hazard ratio always comes from a published effect).

The default measure of an outcome is the one its contributions give most directly: RR for
counts, MD for means, else the published effect's own measure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..synthesis.continuous import Arm, continuous_effect
from ..synthesis.effects import Table2x2, escalc
from ..synthesis.estimable import NotEstimable
from ..synthesis.generic import from_interval

if TYPE_CHECKING:
    from .columns import Contribution, Contributions, Figures

# --effect name -> (measure, the descriptor's name of a published effect of that measure)
CHOICES = {
    "rr": ("RR", "risk-ratio"),
    "or": ("OR", "odds-ratio"),
    "rd": ("RD", "risk-difference"),
    "md": ("MD", "mean-difference"),
    "smd": ("SMD", "standardized-mean-difference"),
    "hr": ("HR", "hazard-ratio"),
}
PUBLISHED = {published: measure for measure, published in CHOICES.values()}
FROM_COUNTS = ("RR", "OR", "RD")
FROM_MEANS = ("MD", "SMD")


def default_measure(studies: Contributions) -> str:
    """RR when any study gives counts, else MD when any gives means, else the first
    published effect's own measure (RR when there is none)."""
    kinds = {s.kind for s in studies.shapes()}
    if "counts" in kinds:
        return "RR"
    if "means" in kinds:
        return "MD"
    for c in studies:
        for p in c.published:
            if p["measure"] in PUBLISHED:
                return PUBLISHED[p["measure"]]
    return "RR"


def effect_of(c: Contribution | Figures, measure: str) -> tuple[float, float, str] | None:
    """(yi, vi, how) of one contribution for ``measure``; None when it gives none (or the
    effect is not estimable, as a table with no events in either arm)."""
    if measure in FROM_COUNTS and c.counts:
        found = escalc(measure, Table2x2(*c.counts))  # type: ignore[arg-type]
        return None if found is None else (found.yi, found.vi, "counts")
    if measure in FROM_MEANS and c.means:
        exp, ctl = (Arm(float(m[0]), float(m[1]), int(m[2])) for m in c.means)
        effect = continuous_effect(measure, exp, ctl)
        return effect.yi, effect.vi, "means"
    if c.direct is not None:
        direct_measure, yi, vi = c.direct
        return (yi, vi, "as given") if direct_measure == measure else None
    for p in c.published:
        if PUBLISHED.get(p["measure"]) == measure and None not in (p["lower"], p["upper"]):
            if p["level"] not in (None, 95) or p["value"] is None:
                continue
            try:
                found_p = from_interval(measure, p["value"], p["lower"], p["upper"])
            except (ValueError, NotEstimable):
                return None
            return found_p.yi, found_p.vi, "published"
    return None
