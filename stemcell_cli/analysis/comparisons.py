"""Two-arm comparisons in one study: how they are found, and the effects computed from them.

How a comparison is found (conservative: when in doubt, nothing is computed and the JSON says
why in ``reason``):

1. Outcomes are grouped by (outcome key, timepoint). The outcome key is the ``endpoint`` slug
   when the outcome has one, else its ``measure`` text with case and spacing ignored; the
   timepoint is compared the same way.
2. A group is a candidate when at least two of its outcomes report arm-level results (counts
   or an estimate) for different ``group`` names, and the study has a control (its design
   names one, or an arm has a comparator role). Other groups are not comparisons and are
   not mentioned.
3. Each result's ``group`` is matched to an arm by the arm's key or label (case, spaces and
   punctuation ignored: ``UC-MSC`` names the arm ``ucmsc``). Arms with role EXPERIMENTAL are
   experimental; ACTIVE_COMPARATOR, PLACEBO_COMPARATOR, SHAM_COMPARATOR and NO_INTERVENTION
   are comparators; OTHER is neither; an arm without a role named like a control (below) is
   the comparator, and one other arm without a role the intervention.
   When no group names an arm (or the study lists no arms), a group named like a control
   (control, placebo, sham, untreated, usual or standard care, or the design's comparator
   text) is the comparator, and the one other group, if there is exactly one, experimental.
4. Exactly one experimental and one comparator result, each with counts, give a 2×2 table.

Effects (from :mod:`stemcell_cli.synthesis`, unrounded, each labelled "computed" with its
method): risk ratio and odds ratio (log method; a zero cell gets 1/2 added to every cell, as
metafor's ``escalc``; no events in either arm is not estimable), risk difference (Newcombe's
hybrid score CI), the number needed to treat or harm when the RD CI excludes no effect, and
anticipated absolute effects per 1,000 from the risk ratio and the comparator arm's risk.
Published effects of the same outcome (hazard ratios, differences) are carried beside,
exactly as published.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from ..evidence.controls import CONTROLLED, names_control
from ..evidence.risk_of_bias import judge
from ..query import words
from ..synthesis import (
    Effect,
    absolute_effects,
    number_needed,
    odds_ratio,
    risk_difference,
    risk_ratio,
)
from ..synthesis.effects import MEASURE_NAMES
from .continuous_arms import NEEDED, continuous_arm, continuous_effects

if TYPE_CHECKING:
    from ..model.descriptor import Arm, Study
    from ..model.outcome import Outcome

EXPERIMENTAL = {"EXPERIMENTAL"}
COMPARATOR = {"ACTIVE_COMPARATOR", "PLACEBO_COMPARATOR", "SHAM_COMPARATOR", "NO_INTERVENTION"}
NO_COUNTS = "counts (events of total) are needed in both arms; {!r} gives none"
NNT_METHOD = "1/|RD|, CI from the inverted Newcombe RD limits"
NO_COMPARATOR_EVENTS = (
    "No events in the comparator arm: the risk with the intervention cannot be derived from "
    "a ratio; see the risk difference."
)
TIME_TO_EVENT = (
    "A hazard ratio is published for this outcome: the crude ratio from counts ignores "
    "follow-up time (when events happened and how long each person was followed), so the "
    "published hazard ratio is the better estimate."
)


def folded(text: str | None) -> str:
    """Text with case and spacing ignored: ``'Major  Relapse'`` -> ``'major relapse'``."""
    return " ".join((text or "").casefold().split())


def outcome_key(outcome: Outcome) -> str:
    """What makes outcomes the same outcome: ``endpoint:<slug>`` or ``measure:<text>``."""
    if outcome.endpoint:
        return f"endpoint:{outcome.endpoint}"
    return f"measure:{folded(outcome.measure)}"


def comparisons(study: Study) -> list[dict[str, Any]]:
    """Every candidate two-arm comparison of the study, computed or with the reason it is not."""
    groups: dict[tuple[str, str], list[Outcome]] = {}
    for outcome in study.outcomes:
        groups.setdefault((outcome_key(outcome), folded(outcome.timepoint)), []).append(outcome)
    found = []
    for (key, _), outcomes in groups.items():
        if not _controlled(study):
            continue
        results = [o for o in outcomes if o.counts or o.estimate]
        if len({folded(o.group) for o in results}) >= 2:
            found.append(_comparison(study, key, outcomes, results))
        elif published := [o for o in outcomes if o.effect and o.effect.interval]:
            found.append(_published_only(study, key, outcomes, published))
    return found


def _base(
    study: Study, key: str, outcomes: Sequence[Outcome], results: Sequence[Outcome]
) -> dict[str, Any]:
    """A comparison's fields before anything is computed: what it is about, its published
    effects and its risk of bias."""
    first = results[0]
    return {
        "outcome": first.measure,
        "key": key,
        "endpoint": first.endpoint,
        "timepoint": first.timepoint,
        "primary": any(o.primary for o in results),
        "events_are": next((o.events_are for o in results if o.events_are), None),
        "published": [_published(o) for o in outcomes if o.effect],
        "computed": False,
        "reason": None,
        "experimental": None,
        "comparator": None,
        "compared": None,
        "matched_by": None,
        "effects": [],
        "number_needed": None,
        "absolute": None,
        "notes": [],
        "risk_of_bias": judge(study, first),
        "kind": None,
        "secondary": False,
    }


def _published_only(
    study: Study, key: str, outcomes: Sequence[Outcome], published: Sequence[Outcome]
) -> dict[str, Any]:
    """An outcome reported only as a between-group effect (a hazard ratio, a rate ratio):
    nothing to compute, but it can be pooled on its own scale."""
    return _base(study, key, outcomes, published) | {
        "kind": "published",
        "secondary": _secondary(study, published),
    }


def _controlled(study: Study) -> bool:
    return study.design.control in CONTROLLED or any(a.role in COMPARATOR for a in study.arms)


def _bare(text: str | None) -> str:
    """Letters and digits only: ``UC-MSC``, ``uc msc`` and ``ucmsc`` are the same name."""
    return "".join(words(text or ""))


# words of a results group's title that name an analysis population, not an arm
_NOT_ARM = frozenset({"fas", "itt", "mitt", "pp", "set", "population", "analysis", "arm", "group"})


def _title_words(text: str | None) -> frozenset[str]:
    return frozenset(w for w in words(text or "") if not w.isdigit()) - _NOT_ARM


def _arm_of(study: Study, group: str | None) -> Arm | None:
    """The arm a results group names: the same key or label, else the one arm whose label's
    words all appear in the group's title, or the other way round ("Placebo (FAS)" names the
    arm "Placebo", "Repaglinide" the arm "2. repaglinide"), else the one arm whose label and
    description hold every word of the group's title."""
    name = _bare(group)
    found = next((a for a in study.arms if name in (_bare(a.key), _bare(a.label))), None)
    if found or not name:
        return found
    mine = _title_words(group)
    hits = [
        a
        for a in study.arms
        if (theirs := _title_words(a.label)) and mine and (theirs <= mine or mine <= theirs)
    ]
    if not hits and mine:  # "CZP 200 mg Q2W" for the arm "Certolizumab pegol (CZP) 200 mg Q2W"
        hits = [a for a in study.arms if mine <= _title_words(f"{a.label} {a.description}")]
    return hits[0] if len(hits) == 1 else None


def _control_arms(study: Study) -> set[str]:
    """Keys of the arms the design names as its control (``design.comparator``, or the arm in
    ``design.control_basis``), when the study has a control."""
    design = study.design
    if design.control not in CONTROLLED:
        return set()
    parts = {folded(p) for p in (design.comparator or "").split(";")} - {""}
    basis = re.search(r"\(arm '(.+)'\)$", design.control_basis or "")
    if basis:
        parts.add(folded(basis.group(1)))
    return {
        a.key
        for a in study.arms
        if any(p == folded(a.label) or p.startswith(f"{folded(a.label)} (") for p in parts)
    }


Side = list[tuple["Outcome", "Arm | None"]]


def _sides(study: Study, results: Sequence[Outcome]) -> tuple[Side, Side, str]:
    """(experimental, comparator) results as (outcome, arm or None), and how they were told."""
    comparator = study.design.comparator
    arms = [(o, _arm_of(study, o.group)) for o in results]
    controls = _control_arms(study)
    exp: Side
    ctl: Side
    if controls and any(arm for _, arm in arms):  # the control the design found, by any sign
        ctl = [(o, a) for o, a in arms if a and a.key in controls]
        exp = [(o, a) for o, a in arms if a and a.key not in controls and a.role not in COMPARATOR]
        return exp, ctl, "the design's control (design.control_basis)"
    if any(arm for _, arm in arms):
        exp = [(o, a) for o, a in arms if a and a.role in EXPERIMENTAL]
        ctl = [(o, a) for o, a in arms if a and a.role in COMPARATOR]
        # arms without a role: one named like a control is the comparator, one other the
        # intervention (as when the study lists no arms)
        bare = [(o, a) for o, a in arms if a is not None and a.role is None]
        named: Side = [
            (o, a)
            for o, a in bare
            if any(names_control(name, comparator) for name in (o.group, a.key, a.label))
        ]
        rest: Side = [x for x in bare if x not in named]
        if named and not ctl:
            ctl = named
        if not exp and len(rest) == 1 and len(ctl) == 1:
            exp = rest
        return exp, ctl, "arm roles" if not bare else "arm roles and names"
    named_ctl: Side = [(o, None) for o in results if names_control(o.group, comparator)]
    others: Side = [(o, None) for o in results if not names_control(o.group, comparator)]
    return others, named_ctl, "group names"


def _comparison(
    study: Study, key: str, outcomes: Sequence[Outcome], results: Sequence[Outcome]
) -> dict[str, Any]:
    base = _base(study, key, outcomes, results)
    counted = [o for o in results if o.counts]
    measured = {id(o): continuous_arm(o) for o in results}
    means = [o for o in results if isinstance(measured[id(o)], dict)]
    if len(counted) < 2 and len(means) < 2:
        lacking = next(o for o in results if o.counts is None)
        why = measured[id(lacking)]
        if lacking.estimate is not None and isinstance(why, str):
            return base | _not_computed(f"counts, or {NEEDED}, are needed in both arms; {why}")
        return base | _not_computed(NO_COUNTS.format(lacking.group))
    exp, ctl, how = _sides(study, results)
    groups = ", ".join(repr(o.group) for o in results)
    if len(exp) != 1 or len(ctl) != 1:
        why = (
            f"groups {groups} do not give exactly one experimental and one comparator arm "
            f"(by {how}: {len(exp)} experimental, {len(ctl)} comparator)"
        )
        return base | _not_computed(why)
    (e_out, e_arm), (c_out, c_arm) = exp[0], ctl[0]
    base |= {"secondary": _secondary(study, (e_out, c_out)), "matched_by": how}
    if e_out.counts and c_out.counts:
        return base | _counted(e_out, e_arm, c_out, c_arm, base)
    e_mean, c_mean = measured[id(e_out)], measured[id(c_out)]
    if isinstance(e_mean, dict) and isinstance(c_mean, dict):
        return base | _continuous(e_out, e_arm, e_mean, c_out, c_arm, c_mean)
    if e_out.counts or c_out.counts:
        missing = next(o for o in (e_out, c_out) if o.counts is None)
        return base | _not_computed(NO_COUNTS.format(missing.group))
    why = next(m for m in (e_mean, c_mean) if isinstance(m, str))
    return base | _not_computed(f"{NEEDED} are needed in both arms; {why}")


def _counted(
    e_out: Outcome, e_arm: Arm | None, c_out: Outcome, c_arm: Arm | None, base: dict[str, Any]
) -> dict[str, Any]:
    assert e_out.counts and c_out.counts
    a, n1 = e_out.counts.events, e_out.counts.total
    c, n2 = c_out.counts.events, c_out.counts.total
    computed = compute(a, n1, c, n2, base["events_are"])
    notes = (
        [TIME_TO_EVENT] if any(p["measure"] == "hazard-ratio" for p in base["published"]) else []
    )
    return (
        {
            "computed": True,
            "kind": "counts",
            "experimental": _arm(e_out, e_arm),
            "comparator": _arm(c_out, c_arm),
            "compared": f"{e_out.group} {a}/{n1} vs {c_out.group} {c}/{n2}",
        }
        | computed
        | {"notes": computed["notes"] + notes}
    )


def _continuous(
    e_out: Outcome,
    e_arm: Arm | None,
    e_mean: dict[str, Any],
    c_out: Outcome,
    c_arm: Arm | None,
    c_mean: dict[str, Any],
) -> dict[str, Any]:
    shown = lambda o, m: f"{o.group} mean {m['mean']} (SD {m['sd']:.4g}, n {m['n']})"  # noqa: E731
    notes = [
        f"{o.group}: {m['sd_from']}" for o, m in ((e_out, e_mean), (c_out, c_mean)) if m["sd_from"]
    ]
    kinds = {m["measured_as"] for m in (e_mean, c_mean)}
    if len(kinds) > 1:
        notes.append("One arm gives final values, the other change from baseline.")
    return {
        "computed": True,
        "kind": "continuous",
        "experimental": _named(e_out, e_arm) | e_mean,
        "comparator": _named(c_out, c_arm) | c_mean,
        "compared": f"{shown(e_out, e_mean)} vs {shown(c_out, c_mean)}",
        "effects": continuous_effects(e_mean, c_mean),
        "notes": notes,
    }


def _secondary(study: Study, used: Sequence[Outcome]) -> bool:
    """Whether a figure compared rests only on a secondary source."""
    secondary = {s.key for s in study.sources if s.secondary}
    return any(o.source in secondary for o in used)


def _not_computed(why: str) -> dict[str, Any]:
    return {"reason": f"not computed: {why}"}


def _named(outcome: Outcome, arm: Arm | None) -> dict[str, Any]:
    return {
        "group": outcome.group,
        "arm": arm.key if arm else None,
        "label": arm.label if arm else outcome.group,
        "source": outcome.source,
        "derived": outcome.derived,
    }


def _arm(outcome: Outcome, arm: Arm | None) -> dict[str, Any]:
    assert outcome.counts
    counts = {"events": outcome.counts.events, "total": outcome.counts.total}
    return _named(outcome, arm) | counts


def _published(outcome: Outcome) -> dict[str, Any]:
    effect = outcome.effect
    assert effect
    interval = effect.interval
    return {
        "measure": effect.measure,
        "value": effect.value,
        "lower": interval.lower if interval else None,
        "upper": interval.upper if interval else None,
        "level": interval.level if interval else None,
        "comparison": effect.comparison,
        "p_value": outcome.p_value,
        "outcome": outcome.measure,
        "source": outcome.source,
        "label": "published",
    }


def effect_dict(effect: Effect) -> dict[str, Any]:
    """A computed effect, JSON-ready and unrounded."""
    return {
        "measure": effect.measure,
        "name": MEASURE_NAMES[effect.measure],
        "estimate": effect.estimate,
        "lower": effect.lower,
        "upper": effect.upper,
        "method": effect.method,
        "corrected": effect.corrected,
        "note": effect.note or None,
        "label": "computed",
    }


def compute(a: int, n1: int, c: int, n2: int, events_are: str | None = None) -> dict[str, Any]:
    """Effects of one 2×2 table: RR, OR, RD, NNT/NNH and absolute effects per 1,000."""
    rr, odds, rd = risk_ratio(a, n1, c, n2), odds_ratio(a, n1, c, n2), risk_difference(a, n1, c, n2)
    notes = []
    if not rr.estimable:
        notes.append(f"Risk ratio and odds ratio are {rr.note}.")
    elif rr.corrected:
        notes.append("A zero cell: 1/2 was added to every cell for the ratios (as metafor).")
    absolute = asdict(absolute_effects(c / n2, rr)) | {"relative": "RR", "label": "computed"}
    if c == 0:  # the comparator risk times any ratio is 0: nothing to say per 1,000
        absolute |= dict.fromkeys(("intervention", "lower", "upper"))
        notes.append(NO_COMPARATOR_EVENTS)
    return {
        "effects": [effect_dict(e) for e in (rr, odds, rd)],
        "number_needed": _number_needed(rd, events_are),
        "absolute": absolute,
        "notes": notes,
    }


def _number_needed(rd: Effect, events_are: str | None) -> dict[str, Any]:
    """NNT (benefit) or NNH (harm) when the direction is known; else a neutral sentence."""
    found = number_needed(rd, events_are_harmful=events_are != "desirable")
    base = {"method": NNT_METHOD, "label": "computed"}
    if not found.estimable:
        return base | dict.fromkeys(("kind", "estimate", "lower", "upper")) | {"text": found.note}
    assert rd.estimate is not None and found.estimate is not None
    fewer = "fewer" if rd.estimate < 0 else "more"
    per = f"1 {fewer} with the event for every {found.estimate:.1f} treated"
    if events_are is None:
        kind, text = None, f"{per} (whether the event is good or bad is not recorded)"
    else:
        kind = found.kind
        text = f"{kind} ({'benefit' if kind == 'NNT' else 'harm'}): {per}"
    return base | {
        "kind": kind,
        "estimate": found.estimate,
        "lower": found.lower,
        "upper": found.upper,
        "text": text,
    }
