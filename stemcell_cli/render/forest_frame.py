"""What a forest plot of one body of evidence says around its rows, as RevMan draws it: each
study's RoB 2 symbols, the axis title, which side favours which arm, and the lines under the
plot (overall effect, method, prediction interval, zero-cell corrections, studies left out)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..evidence.risk_of_bias import DOMAINS
from ..synthesis.effects import MEASURE_NAMES
from ..words import listed
from .forest import ROB_SYMBOLS, ForestFrame, fixed, overall_text

if TYPE_CHECKING:
    from ..analysis.bodies import Analysis
    from ..analysis.columns import Contribution

ZERO_CELLS = '1/2 added to every cell (metafor escalc add=1/2, to="only0")'


def bias_symbols(c: Contribution) -> str:
    """One symbol per RoB 2 domain (``+??+?``), from the judgements the rating used. A
    non-randomized study's randomization domain is high (participants were not randomized)."""
    judged = dict(c.facts.judgements)
    if not c.randomized:
        judged.setdefault("randomization", "high")
    return "".join(ROB_SYMBOLS.get(judged.get(name, "low"), "?") for name in DOMAINS)


def favours(a: Analysis) -> tuple[str, str]:
    """(left, right) of the line of no effect, named for the arms: "Favours HSCT" on the side
    where fewer harmful (or more desirable) events fall; "Fewer/More events with ..." when the
    descriptors do not say whether the events are harmful."""
    shapes = set(a.used.shapes())
    groups = {s.groups for s in shapes}
    treated, control = groups.pop() if len(groups) == 1 else ("intervention", "comparator")
    if not all(s.kind == "counts" for s in shapes):  # means or published effects: no events
        return f"Lower with {treated}", f"Higher with {treated}"
    kinds = {s.events_are for s in shapes}
    if kinds == {"harmful"}:
        return f"Favours {treated}", f"Favours {control}"
    if kinds == {"desirable"}:
        return f"Favours {control}", f"Favours {treated}"
    return f"Fewer events with {treated}", f"More events with {treated}"


def frame(a: Analysis) -> ForestFrame:
    """Decimals, axis title, favours labels and the lines under the plot."""
    p = a.pooled
    decimals = 2 if p.is_ratio else 3
    scale = " (log scale)" if p.is_ratio else ""
    axis = f"{MEASURE_NAMES[p.measure].capitalize()}{scale}, 95% CI"
    below: list[str] = []
    if p.k >= 2:
        below.append(overall_text(p))
        below.append(f"Method: {p.label}, inverse variance; CI: {p.ci_label}.")
        if p.pi_lower is not None and p.pi_upper is not None:
            below.append(
                f"95% prediction interval: {fixed(p.pi_lower, decimals)} to "
                f"{fixed(p.pi_upper, decimals)}; method: {p.pi_label}."
            )
        else:
            below.append("Prediction interval: not computed (random effects with 3+ studies).")
    else:
        below.append("One study: not pooled.")
    excluded = set(p.excluded)
    used = a.used
    zero = (
        used.ids[place]
        for place, f in enumerate(used.figures())
        if p.is_ratio and f.counts and 0 in f.counts
    )
    if zero_cells := listed(s for s in zero if s not in excluded):
        below.append(f"Zero cells in {zero_cells}: {ZERO_CELLS}.")
    if p.excluded:
        below.append(
            f"Left out, not estimable (no events, or all events, in both arms): "
            f"{listed(p.excluded)}."
        )
    return ForestFrame(decimals, axis, favours(a), tuple(below))
