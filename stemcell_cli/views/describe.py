"""Plain-text descriptions of a study's parts, shared by every human-readable format."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..synthesis.proportions import wilson

if TYPE_CHECKING:
    from ..model.descriptor import Study
    from ..model.outcome import Counts, Estimate, Interval, Outcome, PublishedEffect

CELL_TYPES = {
    "msc": "MSC",
    "hsc": "HSC",
    "ipsc-derived": "iPSC-derived",
    "esc-derived": "ESC-derived",
    "fetal-precursor": "fetal precursors",
    "bone-marrow-cells": "bone-marrow cells",
    "other": "other cells",
}
MASKING = {
    "NONE": "not blinded",
    "SINGLE": "single-blind",
    "DOUBLE": "double-blind",
    "TRIPLE": "triple-blind",
    "QUADRUPLE": "quadruple-blind",
}
CONTROL = {
    "placebo": "placebo",
    "sham": "sham procedure",
    "untreated": "untreated group",
    "standard-care": "standard care",
    "active": "active treatment",
    "alternative-delivery": "the same treatment given another way (no untreated group)",
    "delayed-start": "the same treatment started later (delayed start)",
    "none": "none",
}
EFFECTS = {
    "hazard-ratio": "HR",
    "odds-ratio": "OR",
    "risk-ratio": "RR",
    "risk-difference": "risk difference",
    "rate-ratio": "rate ratio",
    "mean-difference": "mean difference",
    "standardized-mean-difference": "SMD",
    "median-difference": "median difference",
    "other": "effect",
}


def code_words(code: str) -> str:
    """A registry code as words: ``RANDOMIZED`` -> ``randomized``, ``NA`` -> ``not applicable``,
    ``PHASE3`` -> ``phase 3``, ``ACTIVE_NOT_RECRUITING`` -> ``active, not recruiting``."""
    if code == "NA":
        return "not applicable"
    text = re.sub(r"PHASE(\d)", r"phase \1", code).replace("_NOT_", ", not ")
    return text.replace("_", " ").replace("NON ", "non-").lower()


def number(value: float | int) -> str:
    """A number as written in the descriptor: 20 stays 20, 71.0 stays 71.0."""
    return repr(value) if isinstance(value, float) else str(value)


def span(interval: Interval, unit: str = "") -> str:
    """``95% CI 76.9–94.1%``, or ``95% CI -0.15 to -0.04`` when a bound is negative."""
    unit = unit if unit == "%" else ""
    dash = " to " if min(interval.lower, interval.upper) < 0 else "–"
    return (
        f"{number(interval.level)}% CI {number(interval.lower)}{dash}{number(interval.upper)}{unit}"
    )


def with_unit(value: float, unit: str | None) -> str:
    """``85.5%`` or ``-0.09 EDSS points/year``."""
    if not unit:
        return number(value)
    return f"{number(value)}{unit}" if unit == "%" else f"{number(value)} {unit}"


def counts_text(counts: Counts) -> str:
    """``9/11 = 81.8% (95% CI 52.3–94.9, computed)``."""
    low, high = wilson(counts.events, counts.total)
    share = 100 * counts.events / counts.total
    return (
        f"{counts.events}/{counts.total} = {share:.1f}% "
        f"(95% CI {100 * low:.1f}–{100 * high:.1f}%, computed)"
    )


def estimate_text(estimate: Estimate) -> str:
    """``85.5% (95% CI 76.9–94.1%, published)``, ``9.02 → 7.52``, or a group's figure with
    what it is: ``mean −5 WOMAC points (SD 3.6; n = 30; change from baseline)``."""
    parts = []
    if estimate.baseline is not None and estimate.final is not None:
        parts.append(f"{number(estimate.baseline)} → {with_unit(estimate.final, estimate.unit)}")
    if estimate.value is not None:
        value = with_unit(estimate.value, estimate.unit)
        if estimate.statistic in ("mean", "median") and not parts:
            value = f"{estimate.statistic} {value}"
        parts.append(f"change {value}" if parts else value)
    text = ", ".join(parts)
    if estimate.method:
        text += f" [{estimate.method}]"
    if estimate.interval:
        text += f" ({span(estimate.interval, estimate.unit or '')}, published)"
    spread = [
        x
        for x in (
            estimate.sd is not None and f"SD {number(estimate.sd)}",
            estimate.se is not None and f"SE {number(estimate.se)}",
            estimate.iqr and f"IQR {number(estimate.iqr.lower)} to {number(estimate.iqr.upper)}",
            estimate.n is not None and f"n = {estimate.n}",
            estimate.measured_as and MEASURED_AS[estimate.measured_as],
        )
        if x
    ]
    return text + (f" ({'; '.join(spread)})" if spread else "")


MEASURED_AS = {"final": "final values", "change": "change from baseline"}


def effect_text(effect: PublishedEffect, group: str | None = None) -> str:
    """``HR 0.07 (95% CI 0.02–0.24, published)``."""
    text = effect.parameter or EFFECTS[effect.measure]
    if effect.value is not None:
        text += f" {number(effect.value)}"
    if effect.interval:
        text += f" ({span(effect.interval)}, published)"
    if effect.comparison and effect.comparison != group:
        text += f", {effect.comparison}"
    if effect.method:
        text += f" [{effect.method}]"
    return text


def in_sentence(text: str) -> str:
    """``text`` continuing a sentence: a capitalised first word lower-cased (``Which
    progressive`` -> ``which progressive``), an acronym or a name like ``iPSC`` kept."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[0].isupper() and first[1:].islower():
        return first[0].lower() + text[1:]
    return text


def result_text(outcome: Outcome) -> str:
    """Everything an outcome reports, on one line, with where intervals came from; figures
    worked out from published ones say how."""
    parts = []
    if outcome.counts:
        parts.append(counts_text(outcome.counts))
    if outcome.estimate:
        parts.append(estimate_text(outcome.estimate))
    if outcome.effect:
        parts.append(effect_text(outcome.effect, outcome.group))
    if outcome.p_value:
        relation, value = re.match(r"([<>=]*)\s*(.*)", outcome.p_value).groups()  # type: ignore[union-attr]
        parts.append(f"p {relation or '='} {value}")
    numbers = "; ".join(parts)
    if outcome.derived:
        numbers += f" [computed from published figures: {outcome.derived}]"
    if not outcome.statement:
        return numbers
    if not numbers:
        return outcome.statement
    return f"{numbers.rstrip('.')}. {outcome.statement}"  # a statement is its own sentence


BAR_WIDTH = 16
BAR_LEGEND = "Bars: 0–100 % scale; ● estimate, ─ its 95 % interval."


def percent_range(outcome: Outcome) -> tuple[float, float | None, float | None] | None:
    """An outcome's value and interval in percent, when it is a proportion."""
    if outcome.counts:
        low, high = wilson(outcome.counts.events, outcome.counts.total)
        return 100 * outcome.counts.events / outcome.counts.total, 100 * low, 100 * high
    e = outcome.estimate
    if e and e.unit == "%" and e.value is not None and 0 <= e.value <= 100:
        if e.interval:
            return e.value, e.interval.lower, e.interval.upper
        return e.value, None, None
    return None


def bar(outcome: Outcome, width: int = BAR_WIDTH) -> str:
    """A 0–100 % scale with the interval as ─ and the estimate as ●, e.g. ``····──●──···``."""
    found = percent_range(outcome)
    if found is None:
        return ""
    value, low, high = found
    at = lambda x: min(width - 1, max(0, round(x / 100 * (width - 1))))  # noqa: E731
    chars = ["·"] * width
    if low is not None and high is not None:
        for i in range(at(low), at(high) + 1):
            chars[i] = "─"
    chars[at(value)] = "●"
    return "│" + "".join(chars) + "│"


def outcome_label(outcome: Outcome) -> str:
    """``disability-worsening-free survival, 5 years``."""
    return ", ".join(x for x in (outcome.measure, outcome.timepoint) if x)


def cells(study: Study) -> str:
    """``autologous MSC, bone marrow``."""
    i = study.intervention
    if i is None:
        return "—"
    kind = CELL_TYPES[i.cell_type] if i.cell_type else (i.cell_description or i.name)
    origin = (i.tissue_origin or "").replace("-", " ")
    return ", ".join(x for x in (" ".join(x for x in (i.cell_source, kind) if x), origin) if x)


def design(study: Study) -> str:
    """``randomized trial, placebo-controlled, double-blind``."""
    d = study.design
    text = d.type.replace("-", " ")
    if study.kind == "clinical" and d.control and d.control != "none":
        text += f", vs {CONTROL[d.control]}"
    if d.masking:
        text += f", {MASKING[d.masking]}"
    return text


def follow_up(study: Study) -> str:
    """``mean 74.4 months`` or what the schedule says."""
    f = study.design.follow_up
    if f.months is None:
        return f.schedule or "—"
    months = f"{f.months:g} months"
    return f"{f.statistic} {months}" if f.statistic else months


def population(study: Study) -> str:
    """``210``, ``100 planned``, ``not given`` (or ``—`` for an opinion)."""
    p = study.population
    if p.n is None:
        return "—" if study.kind == "expert-opinion" else "not given"
    return f"{p.n} planned" if p.n_type == "ESTIMATED" else str(p.n)


def arms(study: Study) -> str:
    """``HSCT n=55; DMT n=55``."""
    return "; ".join(a.label + (f" n={a.n}" if a.n is not None else "") for a in study.arms)


def citation(study: Study) -> str:
    """A one-line citation from the publication fields (authors as :mod:`.authors` shortens them).

    Only the publication's own title is shown, never the descriptor's short title.
    """
    from ..model.authors import split_authors

    p = study.publication
    authors = split_authors(p.authors).short()
    where = " ".join(x for x in (p.journal, (p.print_date or p.date or "")[:4] or None) if x)
    issue = f"{p.volume}({p.issue})" if p.volume and p.issue else p.volume
    tail = ":".join(x for x in (issue, p.pages) if x)
    text = ""
    for part in (x for x in (authors, p.title, where, tail) if x):
        text += (" " if text.endswith(".") else ". ") + part if text else part
    return text or "—"


def source_text(study: Study, key: str) -> str:
    """An outcome's source key, marked ``[secondary: forum]`` when that source is second-hand
    (a copy, a review's table): a figure resting only on it is marked wherever it is shown."""
    found = next((s for s in study.sources if s.key == key), None)
    if found is None or not found.secondary:
        return key
    return f"{key} [secondary: {found.kind}]"
