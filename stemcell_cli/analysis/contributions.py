"""What each selected study brings to a pooled analysis, read off its plain stored record.

A *contribution* is one study's computed two-arm comparison of one outcome (the record's
``comparisons``, see :mod:`.comparisons`) with what the rating needs to know about the study:
randomized or not, in people or animals, and its risk-of-bias flags (from the record's
``evidence``). Records are plain JSON-ready dicts (the whole record, or its pooling view): the
descriptor model is never rebuilt. They are kept as columns (:mod:`.columns`): what thousands
of contributions repeat (outcome names, groups, follow-up, risk-of-bias facts) once, their
figures in arrays.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from ..errors import StemcellError
from ..evidence.grading import randomized
from ..evidence.risk_of_bias import DOMAINS, overall
from .certainty import StudyFacts
from .columns import Contributions, ContributionTable, LeftOut, LeftOuts, Shape


class NothingToPool(StemcellError):
    """No body of evidence to show: nothing selected, one study only, no comparable arms."""


@dataclass
class Gathered:
    """The contributions of the selected studies (as columns), the comparisons that could not
    be computed, and how many studies were selected."""

    found: Contributions
    skipped: LeftOuts
    selected: int


def gather(
    records: Iterable[Mapping[str, Any]], by: Callable[[Mapping[str, Any]], str] | None = None
) -> Gathered:
    """Every computed comparison of the records, and every published effect (each record read
    once, then let go); ``by`` names each record's subgroup."""
    table = ContributionTable()
    skipped = LeftOuts()
    selected = 0
    for record in records:
        selected += 1
        every = record["comparisons"]
        skipped += (
            LeftOut(record["id"], _not_computed(c["outcome"], c["reason"]))
            for c in every
            if c["reason"]
        )
        usable = [c for c in every if c["computed"] or c["published"]]
        if usable:
            study = _study(record, by(record) if by else None)
            number = table.add_study(record["id"], record["title"])
            judged: Any = None
            for c in usable:
                if c["risk_of_bias"] != judged:  # a study's comparisons are often judged alike
                    judged = c["risk_of_bias"]
                    facts = study_facts(study.randomized, judged)
                _add(table, number, study, c, facts)
    return Gathered(table.every(), skipped, selected)


class _Study(NamedTuple):
    """What a study's contributions share, read once per record."""

    randomized: bool
    human: bool
    follow_up: str | None
    subgroup: str | None


def _study(record: Mapping[str, Any], subgroup: str | None) -> _Study:
    design = record["design"]
    return _Study(
        randomized(design["allocation"], design["type"]),
        record["kind"] == "clinical",
        follow_up_text(design.get("follow_up") or {}),
        subgroup,
    )


@functools.lru_cache(maxsize=4096)
def _not_computed(outcome: str, reason: str) -> str:
    """One text for each (outcome, reason), however many studies give it."""
    return f"{outcome}: {reason}"


def _add(
    table: ContributionTable,
    number: int,
    study: _Study,
    c: Mapping[str, Any],
    facts: StudyFacts,
) -> None:
    """One comparison of a record, judged ``facts``, added to the table."""
    e, k = c["experimental"] or {}, c["comparator"] or {}
    counts = means = measured_as = kind = None
    if c["computed"] and c["kind"] == "counts":
        counts, kind = (e["events"], e["total"], k["events"], k["total"]), "counts"
    elif c["computed"] and c["kind"] == "continuous":
        means, kind = ((e["mean"], e["sd"], e["n"]), (k["mean"], k["sd"], k["n"])), "means"
        kinds = {e["measured_as"], k["measured_as"]}
        measured_as = kinds.pop() if len(kinds) == 1 else "mixed"
    shape = Shape(
        c["outcome"],
        c["key"],
        c["timepoint"],
        (e.get("group") or "", k.get("group") or ""),
        study.randomized,
        study.human,
        facts,
        kind,
        measured_as,
        bool(c.get("secondary")),
        c["events_are"],
        study.follow_up,
        study.subgroup,
    )
    table.add(number, shape, counts=counts, means=means, published=tuple(c["published"]))


def follow_up_text(follow_up: Mapping[str, Any]) -> str | None:
    """``median 24 months``, ``12 months``, or the schedule in words; None when not given."""
    months = follow_up.get("months")
    if months is None:
        return follow_up.get("schedule")
    statistic = follow_up.get("statistic")
    return f"{statistic + ' ' if statistic else ''}{months:g} months"


def study_facts(is_randomized: bool, judged: Mapping[str, Any]) -> StudyFacts:
    """What the rating needs from a comparison's RoB 2 judgements: the overall judgement and
    the domains behind it. A non-randomized study's randomization domain is not counted again
    (its body of evidence already starts at low)."""
    judgements = tuple(
        (name, d["judgement"])
        for name, d in judged["domains"].items()
        if is_randomized or name != "randomization"
    )
    return _facts(is_randomized, judgements)


@functools.lru_cache(maxsize=1024)
def _facts(is_randomized: bool, judgements: tuple[tuple[str, str], ...]) -> StudyFacts:
    """One object for every comparison judged alike: the overall judgement, the concerns
    (domains not at low risk) and the judgements."""
    concerns = tuple(
        f"{DOMAINS[name]} {judgement.replace('-', ' ')}"
        for name, judgement in judgements
        if judgement != "low"
    )
    overall_judgement = overall(judgement for _, judgement in judgements)
    return StudyFacts(is_randomized, overall_judgement, concerns, judgements)


def nothing(gathered: Gathered) -> NothingToPool:
    """Why none of the selected studies can be pooled."""
    text = (
        f"nothing to pool: none of the {gathered.selected} selected studies has an outcome "
        "compared in an experimental and a comparator arm (counts in both, means with SD and "
        "n in both, or a published effect with its 95% CI)"
    )
    if gathered.skipped:
        text += (
            f" ({len(gathered.skipped)} not computed; see `stemcell show ID --json`, 'comparisons')"
        )
    return NothingToPool(text)
