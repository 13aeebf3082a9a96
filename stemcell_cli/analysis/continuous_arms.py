"""Continuous outcomes in two arms: one arm's mean, SD and n as the descriptor gives them, and
the mean difference and Hedges' g between two arms (as :mod:`stemcell_cli.synthesis`).

An arm counts when its estimate is a mean (``statistic: mean``) with its SD, or an SE or a 95 %
CI from which the SD is worked out as the Cochrane Handbook (6.5.2) says (the conversion is kept
beside the figure), and the number of people it is about (``n``). A median is never taken for
a mean.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..synthesis.continuous import Arm as ContinuousArm
from ..synthesis.continuous import (
    hedges_g,
    mean_difference,
    sd_from_ci,
    sd_from_se,
)
from ..synthesis.estimable import NotEstimable

if TYPE_CHECKING:
    from ..model.outcome import Outcome

NEEDED = "a mean with its SD (or SE or 95% CI) and n"
NAMES = {"MD": "mean difference", "SMD": "standardized mean difference (Hedges' g)"}


def continuous_arm(outcome: Outcome) -> dict[str, Any] | str:
    """The arm's mean, SD, n (and how the SD was found), or why it cannot be used."""
    e = outcome.estimate
    if e is None or e.value is None:
        return f"{outcome.group!r} gives no {NEEDED}"
    if e.statistic != "mean":
        what = f"a {e.statistic}, not a mean" if e.statistic else "neither counts nor a mean"
        return f"{outcome.group!r} gives {what}"
    if not e.n:
        return f"{outcome.group!r} gives a mean without the number of people (n)"
    sd_from = None
    try:
        if e.sd is not None:
            sd = float(e.sd)
        elif e.se is not None:
            found = sd_from_se(float(e.se), e.n)
            sd, sd_from = found.sd, found.text
        elif e.interval is not None and e.interval.level == 95:
            found = sd_from_ci(float(e.interval.lower), float(e.interval.upper), e.n)
            sd, sd_from = found.sd, found.text
        else:
            return f"{outcome.group!r} gives a mean without its SD, SE or 95% CI"
        ContinuousArm(float(e.value), sd, e.n)  # validates
    except (ValueError, NotEstimable) as problem:
        return f"{outcome.group!r}: {problem}"
    return {
        "mean": e.value,
        "sd": sd,
        "n": e.n,
        "sd_from": sd_from,
        "measured_as": e.measured_as,
        "unit": e.unit,
    }


def continuous_effects(exp: dict[str, Any], ctl: dict[str, Any]) -> list[dict[str, Any]]:
    """MD and Hedges' g (experimental minus comparator), JSON-ready and unrounded."""
    arms = [ContinuousArm(float(a["mean"]), float(a["sd"]), int(a["n"])) for a in (exp, ctl)]
    found = []
    for measure, effect in (("MD", mean_difference(*arms)), ("SMD", hedges_g(*arms))):
        found.append(
            {
                "measure": measure,
                "name": NAMES[measure],
                "estimate": effect.estimate,
                "lower": effect.lower,
                "upper": effect.upper,
                "method": effect.method,
                "corrected": False,
                "note": None,
                "label": "computed",
            }
        )
    return found
