"""What each selected study brings to a pooled analysis, read off its plain stored record.

A *contribution* is one study's computed two-arm comparison of one outcome (the record's
``comparisons``, see :mod:`.comparisons`) with what the rating needs to know about the study:
randomized or not, in people or animals, and its risk-of-bias flags (from the record's
``evidence``). Records are plain JSON-ready dicts: the descriptor model is never rebuilt.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import StemcellError
from ..evidence.grading import randomized
from ..evidence.risk_of_bias import DOMAINS, overall
from .certainty import StudyFacts


class NothingToPool(StemcellError):
    """No body of evidence to show: nothing selected, one study only, no comparable arms."""


@dataclass(frozen=True)
class Contribution:
    """One study's two-arm comparison of one outcome: a 2×2 table and what the rating needs."""

    study_id: str
    title: str
    outcome: str
    key: str
    timepoint: str | None
    groups: tuple[str, str]
    table: tuple[int, int, int, int]
    randomized: bool
    human: bool
    facts: StudyFacts
    published: tuple[dict[str, Any], ...] = ()

    @property
    def participants(self) -> int:
        return self.table[1] + self.table[3]


@dataclass(frozen=True)
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


def gather(records: Iterable[Mapping[str, Any]]) -> Gathered:
    """Every computed comparison of the records (each record read once, then let go)."""
    gathered = Gathered([], [], 0)
    for record in records:
        gathered.selected += 1
        every = record["comparisons"]
        gathered.skipped += [
            LeftOut(record["id"], f"{c['outcome']}: {c['reason']}") for c in every if c["reason"]
        ]
        computed = [c for c in every if c["computed"]]
        if computed:
            gathered.found += _contributions(record, computed)
    return gathered


def _contributions(record: Mapping[str, Any], computed: list[dict]) -> list[Contribution]:
    design = record["design"]
    is_randomized = randomized(design["allocation"], design["type"])
    found = []
    for c in computed:
        e, k = c["experimental"], c["comparator"]
        found.append(
            Contribution(
                record["id"],
                record["title"],
                c["outcome"],
                c["key"],
                c["timepoint"],
                (e["group"], k["group"]),
                (e["events"], e["total"], k["events"], k["total"]),
                is_randomized,
                record["kind"] == "clinical",
                study_facts(record["id"], is_randomized, c["risk_of_bias"]),
                tuple(c["published"]),
            )
        )
    return found


def study_facts(study_id: str, is_randomized: bool, judged: Mapping[str, Any]) -> StudyFacts:
    """What the rating needs from a comparison's RoB 2 judgements: the overall judgement and
    the domains behind it. A non-randomized study's randomization domain is not counted again
    (its body of evidence already starts at low)."""
    domains = dict(judged["domains"])
    if not is_randomized:
        domains.pop("randomization", None)
    concerns = tuple(
        f"{DOMAINS[name]} {d['judgement'].replace('-', ' ')}"
        for name, d in domains.items()
        if d["judgement"] != "low"
    )
    level = overall(d["judgement"] for d in domains.values())
    return StudyFacts(study_id, is_randomized, level, concerns)


def nothing(gathered: Gathered) -> NothingToPool:
    """Why none of the selected studies can be pooled."""
    text = (
        f"nothing to pool: none of the {gathered.selected} selected studies has an outcome "
        "counted in an experimental and a comparator arm"
    )
    if gathered.skipped:
        text += (
            f" ({len(gathered.skipped)} not computed; see `stemcell show ID --json`, 'comparisons')"
        )
    return NothingToPool(text)
