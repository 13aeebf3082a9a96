"""What ``stemcell pool`` shows, as plain data: bodies of evidence, pooled, with their certainty.

* A *contribution* is one study's computed two-arm comparison (see :mod:`.comparisons`).
* Contributions share an outcome when their outcome keys are equal (the ``endpoint`` slug,
  else the measure text with case and spacing ignored); timepoints may differ.
* A *body of evidence* is the contributions to one outcome of one kind: randomized or not,
  in people or in animals. Kinds are never pooled together. A study that compares the same
  outcome at several timepoints is left out of it (counting it twice would double its
  weight), and said so.
* Each body is pooled with :func:`synthesis.pool_tables` (one study: its own effect), rated
  with :func:`synthesis.rate_certainty` (with Egger's test from 10 studies), and given
  anticipated absolute effects per 1,000 from the summed comparator arms' risk.
* Risk of bias comes from the studies' evidence flags (not blinded, retrospective). Being
  non-randomized is not counted again: such a body already starts at low. Animal bodies end
  very low, with an indirectness downgrade that says why.

The statistics live in :mod:`.synthesis`; here they are only called and labelled.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ..errors import StemcellError
from ..evidence.grading import assess, is_randomized
from ..synthesis import (
    Effect,
    EggerResult,
    Pooled,
    absolute_effects,
    egger_test,
    pool_tables,
)
from ..synthesis.funnel import MIN_STUDIES
from ..synthesis.pooling import METHOD_LABELS
from .certainty import LEVELS, Certainty, Downgrade, StudyFacts, rate_certainty

if TYPE_CHECKING:
    from ..store.entry import Entry

EFFECTS = {"rr": "RR", "or": "OR", "rd": "RD"}
METHODS = {"reml": "REML", "dl": "DL", "fixed": "FE"}
KINDS = ((True, True), (False, True), (True, False), (False, False))  # (randomized, human)
ANIMAL_REASON = (
    "only animal studies: evidence about people is indirect (GRADE starts animal evidence "
    "at very low)"
)


class NothingToPool(StemcellError):
    """No body of evidence to show: nothing selected, one study only, no comparable arms."""


def kind_label(randomized: bool, human: bool) -> str:
    """``randomized, human`` ... ``non-randomized, animal``."""
    return f"{'randomized' if randomized else 'non-randomized'}, {'human' if human else 'animal'}"


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
    published: tuple[dict, ...] = ()

    @property
    def participants(self) -> int:
        return self.table[1] + self.table[3]

    def as_dict(self) -> dict[str, Any]:
        a, n1, c, n2 = self.table
        return {
            "id": self.study_id,
            "title": self.title,
            "outcome": self.outcome,
            "timepoint": self.timepoint,
            "experimental": {"group": self.groups[0], "events": a, "total": n1},
            "comparator": {"group": self.groups[1], "events": c, "total": n2},
            "published": list(self.published),
        }


@dataclass(frozen=True)
class LeftOut:
    """A study (or one comparison of it) not in a body of evidence, and why."""

    study_id: str
    reason: str


def contributions(entries: Iterable[Entry]) -> tuple[list[Contribution], list[LeftOut]]:
    """Computed comparisons of the entries, and the ones that could not be computed."""
    found: list[Contribution] = []
    skipped: list[LeftOut] = []
    for entry in entries:
        every = json.loads(entry.record)["comparisons"]
        skipped += [
            LeftOut(entry.id, f"{c['outcome']}: {c['reason']}") for c in every if c["reason"]
        ]
        computed = [c for c in every if c["computed"]]
        if not computed:
            continue
        study = entry.study
        randomized = is_randomized(study)
        codes = assess(study).codes
        facts = StudyFacts(
            entry.id,
            randomized,
            not_blinded="not-blinded" in codes,
            retrospective="retrospective" in codes,
        )
        for c in computed:
            e, k = c["experimental"], c["comparator"]
            found.append(
                Contribution(
                    entry.id,
                    study.title,
                    c["outcome"],
                    c["key"],
                    c["timepoint"],
                    (e["group"], k["group"]),
                    (e["events"], e["total"], k["events"], k["total"]),
                    randomized,
                    study.kind == "clinical",
                    facts,
                    tuple(c["published"]),
                )
            )
    return found, skipped


@dataclass(frozen=True)
class Analysis:
    """One body of evidence for one outcome, pooled (or one study's effect), with its rating."""

    key: str
    outcome: str
    randomized: bool
    human: bool
    measure: str
    method: str
    studies: tuple[Contribution, ...]
    pooled: Pooled
    certainty: Certainty
    funnel: EggerResult | None
    comparator_risk: float
    absolute: dict[str, Any]

    @property
    def label(self) -> str:
        return kind_label(self.randomized, self.human)

    @property
    def used(self) -> tuple[Contribution, ...]:
        """The studies in the pooled estimate (not estimable ones left out)."""
        return tuple(c for c in self.studies if c.study_id not in self.pooled.excluded)

    @property
    def participants(self) -> int:
        return sum(c.participants for c in self.used)

    def as_dict(self) -> dict[str, Any]:
        p = self.pooled
        by_id = {c.study_id: c for c in self.studies}
        prediction = None
        if p.pi_lower is not None:
            prediction = {"lower": p.pi_lower, "upper": p.pi_upper}
        return {
            "comparisons": self.label,
            "randomized": self.randomized,
            "human": self.human,
            "k": p.k,
            "participants": self.participants,
            "pooled": {
                "measure": p.measure,
                "method": p.method,
                "method_label": p.label,
                "estimate": p.estimate,
                "lower": p.lower,
                "upper": p.upper,
                "beta": p.beta,
                "se": p.se,
                "z": p.z,
                "p": p.p,
                "q": p.q,
                "q_df": p.q_df,
                "q_p": p.q_p,
                "i2": p.i2,
                "h2": p.h2,
                "tau2": p.tau2,
                "tau": p.tau,
                "prediction": prediction,
                "scale": "ratio (log scale pooled)" if p.is_ratio else "difference",
                "label": "computed",
            },
            "studies": [
                by_id[s.label].as_dict()
                | {
                    "estimate": s.estimate,
                    "lower": s.lower,
                    "upper": s.upper,
                    "weight": s.weight,
                    "yi": s.yi,
                    "vi": s.vi,
                }
                for s in p.studies
            ],
            "not_estimable": list(p.excluded),
            "absolute": self.absolute,
            "certainty": certainty_dict(self.certainty, self.funnel),
        }


def certainty_dict(certainty: Certainty, funnel: EggerResult | None) -> dict[str, Any]:
    """The rating, every downgrade with its reason, and what could not be judged."""
    return {
        "rating": certainty.final,
        "start": certainty.start,
        "downgrades": [asdict(d) for d in certainty.downgrades],
        "not_assessed": [{"domain": d, "reason": r} for d, r in certainty.not_assessed],
        "publication_bias_test": None if funnel is None else asdict(funnel),
        "label": certainty.label,
    }


def analyse(
    key: str, studies: Sequence[Contribution], measure: str = "RR", method: str = "REML"
) -> Analysis | None:
    """Pool one body of evidence (fixed effect when only one study is estimable); None when
    no study is estimable."""
    tables = [c.table for c in studies]
    labels = [c.study_id for c in studies]
    try:
        pooled = pool_tables(tables, measure=measure, method="FE", labels=labels)  # type: ignore[arg-type]
    except ValueError:
        return None
    if pooled.k >= 2 and method != "FE":
        pooled = pool_tables(tables, measure=measure, method=method, labels=labels)  # type: ignore[arg-type]
    first = studies[0]
    used = [c for c in studies if c.study_id not in pooled.excluded]
    funnel = None
    if pooled.k >= MIN_STUDIES:
        funnel = egger_test([s.yi for s in pooled.studies], [s.vi for s in pooled.studies])
    events = sum(c.table[0] + c.table[2] for c in used)
    certainty = rate_certainty(pooled, [c.facts for c in used], events, funnel)
    certainty = _adjust(certainty, pooled.k, first.human)
    risk = sum(c.table[2] for c in used) / sum(c.table[3] for c in used)
    return Analysis(
        key,
        first.outcome,
        first.randomized,
        first.human,
        measure,
        pooled.method,
        tuple(studies),
        pooled,
        certainty,
        funnel,
        risk,
        _absolute(risk, pooled),
    )


def _adjust(certainty: Certainty, k: int, human: bool) -> Certainty:
    """One study: inconsistency cannot be judged. Animals: indirect, so very low (said even
    when the other domains already brought it there: then by 0 levels)."""
    if k == 1:
        why = ("inconsistency", "not assessable: one study")
        certainty = replace(certainty, not_assessed=(why, *certainty.not_assessed))
    if not human:
        downgrade = Downgrade("indirectness", ANIMAL_REASON, LEVELS.index(certainty.final))
        certainty = replace(
            certainty, downgrades=(*certainty.downgrades, downgrade), final=LEVELS[0]
        )
    return certainty


def _absolute(risk: float, pooled: Pooled) -> dict[str, Any]:
    """Risk per 1,000 with the comparator (summed comparator arms) and with the intervention."""
    source = "comparator risk: events over participants, summed over the comparator arms"
    if pooled.is_ratio:
        relative = Effect(pooled.measure, pooled.estimate, pooled.lower, pooled.upper, "pooled")
        found = asdict(absolute_effects(risk, relative))
    else:  # a risk difference adds to the comparator risk
        at = lambda d: 1000 * min(1.0, max(0.0, risk + d))  # noqa: E731
        found = {
            "per": 1000,
            "comparator": 1000 * risk,
            "intervention": at(pooled.estimate),
            "lower": at(pooled.lower),
            "upper": at(pooled.upper),
            "method": "assumed comparator risk + RD (and its CI limits)",
        }
    if risk == 0:
        found |= dict.fromkeys(("intervention", "lower", "upper"))
    return found | {"assumed_risk": source, "label": "computed"}


def single(studies: list[Contribution], skipped: list[LeftOut]) -> list[Contribution]:
    """One contribution per study; a study with several (timepoints) is left out, said why."""
    counts: dict[str, int] = {}
    for c in studies:
        counts[c.study_id] = counts.get(c.study_id, 0) + 1
    for study_id, n in counts.items():
        if n > 1:
            why = f"compares this outcome at {n} timepoints; one study is counted once"
            skipped.append(LeftOut(study_id, why))
    return [c for c in studies if counts[c.study_id] == 1]


def bodies(studies: list[Contribution]) -> list[list[Contribution]]:
    """The studies split by kind (randomized or not, human or animal), in KINDS order."""
    groups = [[c for c in studies if (c.randomized, c.human) == kind] for kind in KINDS]
    return [g for g in groups if g]


@dataclass(frozen=True)
class Findings:
    """A summary-of-findings table: one row per outcome and kind of evidence."""

    measure: str
    method: str
    selected: int
    rows: tuple[Analysis, ...]
    left_out: tuple[LeftOut, ...] = field(default=())
    not_computed: tuple[LeftOut, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {
            "effect": self.measure,
            "method": self.method,
            "method_label": METHOD_LABELS[self.method],
            "studies_selected": self.selected,
            "rows": [finding_dict(a) for a in self.rows],
            "left_out": [asdict(x) for x in self.left_out],
            "not_computed": [asdict(x) for x in self.not_computed],
        }


def finding_dict(a: Analysis) -> dict[str, Any]:
    """One summary-of-findings row."""
    p = a.pooled
    return {
        "outcome": a.outcome,
        "key": a.key,
        "comparisons": a.label,
        "participants": a.participants,
        "studies": p.k,
        "ids": [c.study_id for c in a.used],
        "relative": {
            "measure": p.measure,
            "estimate": p.estimate,
            "lower": p.lower,
            "upper": p.upper,
            "pooled": p.k >= 2,
            "method": p.label if p.k >= 2 else "one study",
            "label": "computed",
        },
        "heterogeneity": {"i2": p.i2, "tau2": p.tau2, "q": p.q, "q_df": p.q_df}
        if p.k >= 2
        else None,
        "absolute": a.absolute,
        "certainty": certainty_dict(a.certainty, a.funnel),
        "published": [x for c in a.used for x in c.published],
    }


def summary_of_findings(
    entries: Sequence[Entry], effect: str = "rr", method: str = "reml"
) -> Findings:
    """One row per outcome (and kind) with a two-arm comparison in the selected studies."""
    measure, fit = EFFECTS[effect], METHODS[method]
    found, skipped = contributions(entries)
    if not found:
        raise NothingToPool(nothing(entries, skipped))
    keys = list(dict.fromkeys(c.key for c in found))
    rows: list[Analysis] = []
    left_out: list[LeftOut] = []
    for key in keys:
        studies = single([c for c in found if c.key == key], left_out)
        for body in bodies(studies):
            analysis = analyse(key, body, measure, fit)
            if analysis is None:
                left_out += [LeftOut(c.study_id, f"{c.outcome}: not estimable") for c in body]
            else:
                rows.append(analysis)
    if not rows:
        why = "; ".join(f"{x.study_id}: {x.reason}" for x in left_out[:5])
        more = f" (and {len(left_out) - 5} more)" if len(left_out) > 5 else ""
        raise NothingToPool(f"nothing to pool: no comparison could be estimated ({why}{more})")
    return Findings(measure, fit, len(entries), tuple(rows), tuple(left_out), tuple(skipped))


def nothing(entries: Sequence[Entry], skipped: list[LeftOut]) -> str:
    text = (
        f"nothing to pool: none of the {len(entries)} selected studies has an outcome counted "
        "in an experimental and a comparator arm"
    )
    if skipped:
        text += f" ({len(skipped)} not computed; see `stemcell show ID --json`, 'comparisons')"
    return text
