"""What each selected study brings to a pooled analysis, read off its plain stored record.

A *contribution* is one study's computed two-arm comparison of one outcome (the record's
``comparisons``, see :mod:`.comparisons`) with what the rating needs to know about the study:
randomized or not, in people or animals, and its risk-of-bias flags (from the record's
``evidence``). Records are plain JSON-ready dicts (the whole record, or its pooling view): the
descriptor model is never rebuilt. What thousands of contributions repeat (outcome names,
groups, follow-up, risk-of-bias concerns) is kept once.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from ..errors import StemcellError
from ..evidence.grading import randomized
from ..evidence.risk_of_bias import DOMAINS, overall
from .certainty import StudyFacts


class NothingToPool(StemcellError):
    """No body of evidence to show: nothing selected, one study only, no comparable arms."""


Means = tuple[tuple[float, float, int], tuple[float, float, int]]  # (mean, SD, n) per arm


@dataclass(slots=True)  # not frozen: thousands are made, and a frozen init is slow
class Contribution:
    """One study's comparison of one outcome, with what the rating needs: per-arm counts
    (a 2×2 table), or per-arm means, or only published effects (hazard ratios ...), or an
    effect given directly (``--data`` rows of yi, vi)."""

    study_id: str
    title: str
    outcome: str
    key: str
    timepoint: str | None
    groups: tuple[str, str]
    randomized: bool
    human: bool
    facts: StudyFacts
    published: tuple[dict[str, Any], ...] = ()
    counts: tuple[int, int, int, int] | None = None
    means: Means | None = None
    direct: tuple[str, float, float] | None = None  # (measure, yi, vi)
    measured_as: str | None = None  # continuous: final, change or mixed
    secondary: bool = False
    subgroup: str | None = None
    events_are: str | None = None  # harmful or desirable (counts): which side is "favours"
    follow_up: str | None = None  # the study's follow-up, in words ("median 24 months")

    @property
    def table(self) -> tuple[int, int, int, int]:
        """The 2×2 table (counts only)."""
        if self.counts is None:
            raise ValueError(f"{self.study_id}: no counts for {self.outcome}")
        return self.counts

    @property
    def participants(self) -> int | None:
        if self.counts:
            return self.counts[1] + self.counts[3]
        if self.means:
            return self.means[0][2] + self.means[1][2]
        return None


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A study (or one comparison of it) not in a body of evidence, and why."""

    study_id: str
    reason: str


@dataclass
class Gathered:
    """The contributions of the selected studies, the comparisons that could not be computed,
    and how many studies were selected."""

    found: list[Contribution]
    skipped: list[LeftOut]
    selected: int


def gather(
    records: Iterable[Mapping[str, Any]], by: Callable[[Mapping[str, Any]], str] | None = None
) -> Gathered:
    """Every computed comparison of the records, and every published effect (each record read
    once, then let go); ``by`` names each record's subgroup."""
    gathered = Gathered([], [], 0)
    for record in records:
        gathered.selected += 1
        every = record["comparisons"]
        gathered.skipped += [
            LeftOut(record["id"], _not_computed(c["outcome"], c["reason"]))
            for c in every
            if c["reason"]
        ]
        usable = [c for c in every if c["computed"] or c["published"]]
        if usable:
            study = _study(record, by(record) if by else None)
            gathered.found += [_contribution(study, c) for c in usable]
    return gathered


class _Study(NamedTuple):
    """What a study's contributions share, read once per record."""

    id: str
    title: str
    randomized: bool
    human: bool
    follow_up: str | None
    subgroup: str | None


def _study(record: Mapping[str, Any], subgroup: str | None) -> _Study:
    design = record["design"]
    return _Study(
        record["id"],
        record["title"],
        randomized(design["allocation"], design["type"]),
        record["kind"] == "clinical",
        _shared(follow_up_text(design.get("follow_up") or {})),
        _shared(subgroup),
    )


@functools.lru_cache(maxsize=4096)
def _not_computed(outcome: str, reason: str) -> str:
    """One text for each (outcome, reason), however many studies give it."""
    return f"{outcome}: {reason}"


@functools.lru_cache(maxsize=1024)
def _pair(experimental: str, comparator: str) -> tuple[str, str]:
    """One (experimental, comparator) pair of group names for all the studies that share it."""
    return experimental, comparator


def _shared(text: str | None) -> str | None:
    """One copy of a text many contributions repeat (outcomes, groups, follow-up)."""
    return None if text is None else sys.intern(text)


def _contribution(study: _Study, c: Mapping[str, Any]) -> Contribution:
    e, k = c["experimental"] or {}, c["comparator"] or {}
    counts = means = measured_as = None
    if c["computed"] and c["kind"] == "counts":
        counts = (e["events"], e["total"], k["events"], k["total"])
    elif c["computed"] and c["kind"] == "continuous":
        means = ((e["mean"], e["sd"], e["n"]), (k["mean"], k["sd"], k["n"]))
        kinds = {e["measured_as"], k["measured_as"]}
        measured_as = kinds.pop() if len(kinds) == 1 else "mixed"
    return Contribution(
        study.id,
        study.title,
        sys.intern(c["outcome"]),
        sys.intern(c["key"]),
        _shared(c["timepoint"]),
        _pair(e.get("group") or "", k.get("group") or ""),
        study.randomized,
        study.human,
        study_facts(study.id, study.randomized, c["risk_of_bias"]),
        tuple(c["published"]),
        counts,
        means,
        measured_as=measured_as,
        secondary=bool(c.get("secondary")),
        subgroup=study.subgroup,
        events_are=c["events_are"],
        follow_up=study.follow_up,
    )


def follow_up_text(follow_up: Mapping[str, Any]) -> str | None:
    """``median 24 months``, ``12 months``, or the schedule in words; None when not given."""
    months = follow_up.get("months")
    if months is None:
        return follow_up.get("schedule")
    statistic = follow_up.get("statistic")
    return f"{statistic + ' ' if statistic else ''}{months:g} months"


def study_facts(study_id: str, is_randomized: bool, judged: Mapping[str, Any]) -> StudyFacts:
    """What the rating needs from a comparison's RoB 2 judgements: the overall judgement and
    the domains behind it. A non-randomized study's randomization domain is not counted again
    (its body of evidence already starts at low)."""
    judgements = tuple(
        (name, d["judgement"])
        for name, d in judged["domains"].items()
        if is_randomized or name != "randomization"
    )
    return _facts(study_id, is_randomized, judgements)


@functools.lru_cache(maxsize=16)
def _facts(
    study_id: str, is_randomized: bool, judgements: tuple[tuple[str, str], ...]
) -> StudyFacts:
    """One object for a study's comparisons judged alike (they come one after the other)."""
    return StudyFacts(study_id, is_randomized, *_rated(judgements))


@functools.lru_cache(maxsize=1024)
def _rated(
    judgements: tuple[tuple[str, str], ...],
) -> tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The overall judgement, the concerns (domains not at low risk) and the judgements, one
    copy of each for every study that shares them."""
    concerns = tuple(
        f"{DOMAINS[name]} {judgement.replace('-', ' ')}"
        for name, judgement in judgements
        if judgement != "low"
    )
    return overall(judgement for _, judgement in judgements), concerns, judgements


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
