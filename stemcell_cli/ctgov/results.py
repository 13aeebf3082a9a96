"""Outcomes: posted results (with denominators) and statistical analyses, registered outcomes
without one, adverse events; and arm sizes from the participant flow."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..model.vocab import MAX_PEOPLE
from ..views.describe import number as shown
from .analyses import analysis_of
from .log import Log
from .record import OUTCOMES, RESULTS, Record, norm, parse_number, text

MAX_OUTCOMES = 400
NO_RESULT = "Registered outcome; no result in the record"
PARTICIPANT_UNITS = frozenset({"participant", "participants", "number of participants"})
_ADVERSE_EVENTS = (  # field prefix, measure, whether the frequency threshold applies
    ("serious", "Participants with serious adverse events", False),
    ("other", "Participants with other adverse events", True),
    ("deaths", "Deaths (all causes)", False),
)


def outcomes_of(rec: Record, log: Log) -> list[dict[str, Any]]:
    """Posted results, then registered outcomes without a posted result, then adverse events."""
    results = rec.obj(RESULTS)
    posted, reported = posted_outcomes(results, log)
    extra = _registered_outcomes(rec, reported) + adverse_events(results, log)
    room = max(MAX_OUTCOMES - len(extra), MAX_OUTCOMES // 2)
    if len(posted) > room:  # keep primary results first
        posted = sorted(posted, key=lambda outcome: not outcome.get("primary"))
    outcomes = posted[:room] + extra
    if not outcomes:
        log.lack("outcome measures")
    left_out = len(posted) - len(posted[:room]) + max(len(outcomes) - MAX_OUTCOMES, 0)
    if left_out:
        log.note(f"{left_out} outcome rows left out (at most {MAX_OUTCOMES} are kept)")
    return outcomes[:MAX_OUTCOMES]


def _registered_outcomes(rec: Record, reported: set[str]) -> list[dict[str, Any]]:
    """Registered primary and secondary measures that have no posted result."""
    out = []
    for key, primary in (("primaryOutcomes", True), ("secondaryOutcomes", False)):
        for item in rec.objs(f"{OUTCOMES}.{key}"):
            measure = item.text("measure", 300)
            if measure is None or norm(measure) in reported:
                continue
            out.append(
                {
                    "measure": measure,
                    "timepoint": item.text("timeFrame", 300),
                    "primary": primary,
                    "statement": NO_RESULT,
                    "source": "registry",
                }
            )
    return out


def posted_outcomes(results: Record, log: Log) -> tuple[list[dict[str, Any]], set[str]]:
    """One outcome per group (and class/category) of each posted measure; the measures' titles.

    Titles are in matching form (``norm``), to tell which registered outcomes have a result.
    """
    measures = results.objs("outcomeMeasuresModule.outcomeMeasures")
    posted: list[dict[str, Any]] = []
    skipped = 0
    for measure in measures:
        rows, bad = _measure_outcomes(measure)
        posted += rows
        skipped += bad
    if skipped:
        log.note(f"{skipped} posted result value(s) were not usable numbers and were left out")
    analyses = sum(1 for row in posted if "effect" in row)
    if analyses:
        log.note(f"{analyses} posted statistical analyses imported as published effects")
    return posted, {norm(m.text("title", 300)) for m in measures} - {""}


def _measure_outcomes(measure: Record) -> tuple[list[dict[str, Any]], int]:
    """The rows of one posted measure, and how many of its values were not usable."""
    title = measure.text("title", 300)
    groups = {g.id("id"): g.text("title", 200) for g in measure.objs("groups")}
    if title is None:
        return [], 0
    unit = measure.text("unitOfMeasure", 100)
    param = measure.code("paramType")
    counting = param == "COUNT_OF_PARTICIPANTS" or (unit or "").casefold() in PARTICIPANT_UNITS
    common = {
        "timepoint": measure.text("timeFrame", 300),
        "primary": measure.code("type") == "PRIMARY",
        "source": "registry",
    }
    shape = _Shape(unit, param.replace("_", " ").lower() if param else None, measure, counting)
    rows: list[dict[str, Any]] = []
    skipped = 0
    for cls in measure.objs("classes"):
        denominators = _denominators(cls) or _denominators(measure)
        for category in cls.objs("categories"):
            titles = [title, cls.text("title", 150), category.text("title", 150)]
            name = ": ".join(filter(None, titles))
            for value in category.objs("measurements"):
                group_id = value.id("groupId")
                group = groups.get(group_id) if group_id else None
                total = denominators.get(group_id)
                result = _counts(value, total) if counting else None
                result = result or shape.estimate(value, total)
                if group is None:
                    continue
                if result is None:
                    skipped += 1
                    continue
                rows.append({"measure": name, "group": group, **common, **result})
    rows += [
        {"measure": title, "group": found["effect"]["comparison"], **common, **found}
        for analysis in measure.objs("analyses")
        if (found := analysis_of(analysis, groups))
    ]
    return rows, skipped


def _denominators(part: Record) -> dict[str | None, int]:
    """Participants analysed per group id, from the ``denoms`` counted in participants."""
    for denom in part.objs("denoms"):
        if (denom.text("units", 100) or "").casefold() in PARTICIPANT_UNITS:
            return {
                c.id("groupId"): n
                for c in denom.objs("counts")
                if (n := c.count("value")) is not None
            }
    return {}


def _counts(value: Record, total: int | None) -> dict[str, Any] | None:
    """``{"counts": {events, total}}`` when the count fits its denominator."""
    events = value.count("value")
    if events is None or not total or events > total:
        return None
    return {"counts": {"events": events, "total": total}}


@dataclass(frozen=True)
class _Shape:
    """How a posted measure's numbers are to be read: unit, method, dispersion, counting."""

    unit: str | None
    method: str | None
    measure: Record
    counting: bool

    def estimate(self, value: Record, total: int | None) -> dict[str, Any] | None:
        """``{"estimate": ..., "statement": ...}`` for one group's value, or None if not usable."""
        number = value.number("value")
        if number is None or (self.counting and number >= MAX_PEOPLE):
            return None
        words, level = _dispersion(self.measure.get("dispersionType"))
        estimate: dict[str, Any] = {"value": number, "unit": self.unit, "method": self.method}
        low, high = value.number("lowerLimit"), value.number("upperLimit")
        spread = value.number("spread")
        notes = []
        if level is not None and low is not None and high is not None and low <= high:
            estimate["interval"] = {"lower": low, "upper": high, "level": level}
        elif words and low is not None and high is not None:
            notes.append(f"{words} {shown(low)} to {shown(high)}")
        elif words and spread is not None:
            notes.append(f"{words} {shown(spread)}")
        if total is not None:
            notes.append(f"{total} participants analysed")
        statement = "; ".join(notes)
        return {"estimate": estimate, "statement": (statement[:1].upper() + statement[1:]) or None}


def _dispersion(value: object) -> tuple[str | None, int | float | None]:
    """Dispersion in words, and the confidence level when it is a confidence interval.

    Accepts the display form ("95% Confidence Interval", "Full Range") and the enum form
    ("CONFIDENCE_95", "FULL_RANGE").
    """
    words = text(value, 100)
    if words is None or words.upper() in {"NA", "NOT APPLICABLE"}:
        return None, None
    if "CONFIDENCE" in words.upper():
        found = re.search(r"(\d+(?:\.\d+)?)\s*%", words) or re.search(
            r"CONFIDENCE_(\d+)", words.upper()
        )
        level = parse_number(found.group(1)) if found else None
        if isinstance(level, int) and level > 100:
            level = level / 10  # CONFIDENCE_975
        if level is not None and 0 < level < 100:
            return f"{shown(level)}% confidence interval", level
        return "confidence interval (level not given)", None
    return words.replace("_", " ").lower(), None


def adverse_events(results: Record, log: Log) -> list[dict[str, Any]]:
    """Per event group: participants with serious and with other adverse events, and deaths."""
    module = results.obj("adverseEventsModule")
    groups = module.objs("eventGroups")
    if results and not groups:
        log.lack("adverse-event counts")
    threshold = module.number("frequencyThreshold")
    other_note = (
        f"Other adverse events are reported above a frequency threshold of {shown(threshold)}%"
        if threshold
        else None
    )
    timepoint = module.text("timeFrame", 300)
    out = []
    for group in groups:
        label = group.text("title", 200)
        for prefix, measure, thresholded in _ADVERSE_EVENTS:
            events = group.count(f"{prefix}NumAffected")
            total = group.count(f"{prefix}NumAtRisk")
            if label is None or events is None or not total or events > total:
                continue
            out.append(
                {
                    "measure": measure,
                    "group": label,
                    "timepoint": timepoint,
                    "counts": {"events": events, "total": total},
                    "statement": other_note if thresholded else None,
                    "source": "registry",
                }
            )
    return out


def arm_sizes(arms: list[dict[str, Any]], terms: list[str], flow: Record, log: Log) -> None:
    """Set each arm's ``n`` from the first period's STARTED milestone, matching flow groups to
    arms (``match_groups``); a group that matches no arm is noted, not dropped silently.

    ``terms`` are, per arm, its label with its interventions' names and other names.
    """
    periods = flow.objs("periods")
    if not arms or not periods:
        return
    started = next(
        (m for m in periods[0].objs("milestones") if m.code("type") == "STARTED"), Record(None)
    )
    counts = {a.id("groupId"): a.count("numSubjects") for a in started.objs("achievements")}
    groups = [
        (g.text("title", 200) or g.id("id") or "?", g.text("description") or "", n)
        for g in flow.objs("groups")
        if (n := counts.get(g.id("id"))) is not None
    ]
    titles = [title for title, _, _ in groups]
    about = [description for _, description, _ in groups]
    pairs = match_groups(titles, [a["label"] for a in arms], terms, about)
    for index, (title, _, n) in enumerate(groups):
        if index in pairs:
            arms[pairs[index]]["n"] = n
        else:
            log.note(f"participant-flow group '{title}' (n = {n}) matched no arm; n not set")
    if len(pairs) < len(arms):
        log.lack("number of participants in some arms")


_GENERIC = frozenset({"arm", "group", "mg", "kg", "the", "of", "and", "with", "dose", "a"})


def _tokens(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z0-9]+", text.casefold())) - _GENERIC


def match_groups(
    titles: list[str], labels: list[str], terms: list[str], about: list[str] | None = None
) -> dict[int, int]:
    """Results group index -> arm index, one to one, by the first means that is unambiguous:
    the same title (case, numbering and punctuation aside); then the most words shared with
    the arm's label and interventions (names and other names), in the group's title first and
    its description (``about``) to break ties, when that best is mutual and unique; then order,
    when the groups left and the arms left are as many and nothing else told them apart."""
    about = about or [""] * len(titles)
    pairs: dict[int, int] = {}
    for index, title in enumerate(titles):
        hits = [a for a, label in enumerate(labels) if norm(label) == norm(title) and norm(title)]
        if len(hits) == 1 and hits[0] not in pairs.values():
            pairs[index] = hits[0]
    free = [i for i in range(len(titles)) if i not in pairs]
    arms = [a for a in range(len(labels)) if a not in pairs.values()]
    score = {
        (i, a): (
            len(_tokens(titles[i]) & _tokens(terms[a])),
            len(_tokens(about[i]) & _tokens(labels[a])),
        )
        for i in free
        for a in arms
    }

    def unique_best(options: list[tuple[int, int]]) -> tuple[int, int] | None:
        best = max((score[o] for o in options), default=(0, 0))
        top = [o for o in options if score[o] == best]
        return top[0] if best > (0, 0) and len(top) == 1 else None

    for _ in range(len(free)):  # each pass may free a tie for the next
        for i in [i for i in free if i not in pairs]:
            found = unique_best([(i, a) for a in arms if a not in pairs.values()])
            rivals = [(j, found[1]) for j in free if j not in pairs] if found else []
            if found and unique_best(rivals) == found:
                pairs[i] = found[1]
    free = [i for i in free if i not in pairs]
    arms = [a for a in arms if a not in pairs.values()]
    if free and len(titles) == len(labels) and len(free) == len(arms):
        pairs.update(zip(free, arms, strict=True))
    return pairs
