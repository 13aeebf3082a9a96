"""Which arm is the control, and how the record says so (the signals, in order of trust);
and whether the unit randomized is a cluster.

- ``control_of`` reads the first of ``SIGNALS`` that marks some arms (not all) as a control:
  arm types PLACEBO_COMPARATOR and SHAM_COMPARATOR, interventions typed PLACEBO, labels and
  names (and a bare label's description) saying placebo, sham or standard care, an arm given
  only part of what another gets (add-on), NO_INTERVENTION (untreated only when nothing is
  given), then an ACTIVE_COMPARATOR given something else. Randomized arms that are all
  treatments compare ways of giving one (alternative delivery), starting times (delayed
  start) or different treatments (active, head-to-head).
- ``cluster_unit`` finds where the record says clusters were randomized (stepped wedge,
  cluster randomized, "health systems were randomized").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..evidence.controls import control_word, only_control, says_standard
from .arms import Group, same_treatment, treatments
from .record import ARMS, DESIGN, IDENT, Record, norm, shorten

_UNITS = (
    r"(?:clinics|practices|health systems|hospitals|schools|villages|communities|wards|sites"
    r"|nursing homes|districts)"
)
_CLUSTER = re.compile(
    r"\bstepped[- ]?wedge\b|\bcluster[- ]?(?:randomi[sz]\w*|rct|trial|design)\b"
    rf"|\b{_UNITS}\s+(?:will be|were|are)\s+(?:\w+\s+)?randomi[sz]ed\b"
    rf"|\brandomi[sz](?:e|ing|ation of)\s+(?:\d+\s+|the\s+)?(?:\w+\s+)?{_UNITS}\b",
    re.IGNORECASE,
)


# "patients at 10 hospitals will be randomized": people are, not the hospitals
_PEOPLE_AT = re.compile(r"\b(?:at|in|from|across|within|of)\s+(?:\d+\s+|the\s+)?(?:\w+\s+)?$")


def cluster_unit(rec: Record) -> str | None:
    """The words by which the record says the unit randomized is a cluster, if it does:
    titles, summary, description, keywords, the model description, arm labels and descriptions."""
    texts = [
        rec.get(f"{IDENT}.briefTitle"),
        rec.get(f"{IDENT}.officialTitle"),
        rec.get("protocolSection.descriptionModule.briefSummary"),
        rec.get("protocolSection.descriptionModule.detailedDescription"),
        rec.get(f"{DESIGN}.designInfo.interventionModelDescription"),
        *rec.values("protocolSection.conditionsModule.keywords"),
    ]
    for arm in rec.objs(f"{ARMS}.armGroups"):
        texts += [arm.get("label"), arm.get("description")]
    for item in texts:
        line = " ".join(item.split()) if isinstance(item, str) else ""
        for found in _CLUSTER.finditer(line):
            unit_first = re.match(_UNITS, found.group(0), re.IGNORECASE)
            if not (unit_first and _PEOPLE_AT.search(line[: found.start()])):
                return found.group(0).lower()
    return None


ControlHit = tuple[str, str] | None  # (control, why) for one group
Signal = Callable[[Group, list[Group]], ControlHit]

# a NO_INTERVENTION arm is untreated when its description says nothing is given
_NOTHING = re.compile(
    r"\b(?:no (?:treatment|intervention|therapy|study drug)|untreated|nothing|observation"
    r"|not (?:be )?(?:receive|given|treated)|watchful waiting|wait(?:ing)?[- ]?list"
    r"|(?:be |only )?(?:followed|monitored|observed)(?: up)?(?: only)?\b|no additional)",
    re.IGNORECASE,
)
# an arm given the same treatment as the others, later
_LATER = re.compile(
    r"\b(?:delay(?:ed)?|deferred|staggered|later|wait(?:ing)?[- ]?list(?:ed)?|stepped[- ]?wedge)\b",
    re.IGNORECASE,
)
RANDOMIZED_KINDS = frozenset({"randomized-trial"})


def _by_role(role: str, control: str) -> Signal:
    return lambda g, _: (control, f"arm type {role}") if role in g.roles else None


def _by_type(group: Group, _: list[Group]) -> ControlHit:
    typed = [g.name for g in group.given if g.type == "PLACEBO"]
    if typed and len(typed) == len(group.given):
        return "placebo", f"intervention type PLACEBO ({', '.join(typed)})"
    return None


def _by_words(group: Group, _: list[Group]) -> ControlHit:
    """The label or the intervention names say placebo, sham or standard care; a label counts
    when it names nothing else ("Placebo qw") or the arm receives nothing else ("Saline-washed
    MSC" given MSC is no control). A label that says nothing ("Arm B") lets the arm's
    description speak ("Standard adjuvant endocrine therapy alone")."""
    kinds = {g.control_like for g in group.given}
    said = control_word(group.label)
    if said and (not group.given or None not in kinds or only_control(group.label)):
        return said, f"arm label '{group.label}' says {said.replace('-', ' ')}"
    (named,) = kinds if len(kinds) == 1 else (None,)
    if group.given and named:
        names = ", ".join(group.names)
        return named, f"intervention name ({names}) says {named.replace('-', ' ')}"
    described = control_word(group.description or "") if not group.labelled else None
    if described and (not group.given or None not in kinds):
        return described, f"arm description says {described.replace('-', ' ')}"
    return None


def _add_on(group: Group, groups: list[Group]) -> ControlHit:
    """An arm that receives only part of what another arm receives: the add-on's control."""
    mine = treatments(group)
    other = next((g for g in groups if mine and mine < treatments(g) and _adds(g, mine)), None)
    if other is None:
        return None
    names = ", ".join(group.names)
    return "standard-care", (
        f"the arm receives only what arm '{other.label}' also receives ({names}): add-on design"
    )


def _adds(group: Group, given: frozenset[str]) -> bool:
    """Whether the arm gets a treatment beyond ``given`` that is not a placebo or sham."""
    return any(norm(g.name) not in given and not g.control_like for g in group.given)


def _no_intervention(group: Group, _: list[Group]) -> ControlHit:
    """A NO_INTERVENTION arm is untreated only when nothing is given: an arm whose description
    or interventions name what it receives ("colonoscopy without the software") has standard
    care."""
    if "NO_INTERVENTION" not in group.roles:
        return None
    said = [t for t in (group.description, *group.names) if t]
    standard = any(map(says_standard, [group.label, *said]))
    if not standard and all(_NOTHING.search(t) for t in said):
        return "untreated", "arm type NO_INTERVENTION"
    given = shorten((said or [group.label])[0], 100)
    return "standard-care", (
        f"arm type NO_INTERVENTION, but the record says what the arm receives ('{given}'): "
        "standard care, not untreated"
    )


def _active(group: Group, groups: list[Group]) -> ControlHit:
    """An ACTIVE_COMPARATOR arm given something else than the other arms."""
    if "ACTIVE_COMPARATOR" in group.roles and not same_treatment(groups):
        return "active", "arm type ACTIVE_COMPARATOR"
    return None


# the first signal that finds a control arm decides; later ones are weaker readings
SIGNALS: tuple[Signal, ...] = (
    _by_role("PLACEBO_COMPARATOR", "placebo"),
    _by_role("SHAM_COMPARATOR", "sham"),
    _by_type,
    _by_words,
    _add_on,
    _no_intervention,
    _active,
)


def control_of(
    groups: list[Group], kind: str, *, crossover: bool = False, stepped: bool = False
) -> tuple[str | None, str, str | None]:
    """Control, the signal that decided it, and the comparator arms (as the record names them).

    A control needs another arm to compare with: a one-arm study has none, unless it is a
    crossover in which everyone also receives a placebo, sham or standard care, or a
    randomized stepped-wedge design (each cluster's time before the roll-out is its control).
    When no arm is a control, a randomized trial whose arms all get the same treatment compares
    ways of giving it (alternative delivery) or times of starting it (delayed start); one whose
    arms get different treatments, one typed ACTIVE_COMPARATOR, is head-to-head (active).
    An unknown design with no arms has an unknown control (None).
    """
    if kind == "unknown" and not groups:
        return None, "no arms in the record", None
    if len(groups) >= 2:
        for signal in SIGNALS:
            found = [(g, hit) for g in groups if (hit := signal(g, groups))]
            if found and len(found) < len(groups):
                control, why = found[0][1]
                arms = [g for g, hit in found if hit[0] == control]
                basis = f"{why} (arm '{found[0][0].label}')"
                return control, basis, "; ".join(g.shown for g in arms)
        if kind in RANDOMIZED_KINDS and not crossover:  # crossover sequences: below
            all_active = _all_active(groups)
            if all_active:
                return all_active
    given = list({g.name: g for group in groups for g in group.given}.values())
    controls = [g for g in given if g.control_like]
    if crossover and controls and len(controls) < len(given):
        crossed = controls[0].control_like
        names = ", ".join(g.name for g in controls if g.control_like == crossed)
        return crossed, f"crossover: participants also receive {names}", names
    if stepped and kind in RANDOMIZED_KINDS:
        return (
            "delayed-start",
            (
                "stepped-wedge cluster design: clusters start the intervention at random times, "
                "and each cluster's time before its start is the control"
            ),
            "clusters before the roll-out",
        )
    basis = (
        "one arm" if len(groups) < 2 else "no arm is a placebo, sham, untreated or active control"
    )
    return "none", basis, None


def _all_active(groups: list[Group]) -> tuple[str, str, str | None] | None:
    """Randomized arms that are all treatments: the same one (alternative delivery, or delayed
    start when an arm says it starts later), or different ones with an ACTIVE_COMPARATOR. Arms
    registered with one shared intervention ("Diet") whose labels name different treatments
    ("Specific Carbohydrate Diet", "Mediterranean Style Diet") get different treatments."""
    active = [g for g in groups if "ACTIVE_COMPARATOR" in g.roles]
    compared = "; ".join(g.shown for g in active)
    if same_treatment(groups):
        names = ", ".join(groups[0].names)
        later = [g for g in groups if _LATER.search(f"{g.label} {g.description or ''}")]
        if later and len(later) < len(groups):
            return (
                "delayed-start",
                (
                    f"every arm receives {names}, arm '{later[0].label}' later: randomized between "
                    "starting times"
                ),
                "; ".join(g.shown for g in later),
            )
        named = _label_differences(groups)
        if not named:
            return (
                "alternative-delivery",
                (f"every arm receives {names}: randomized only between ways of giving it"),
                None,
            )
        if not active:
            return None
        return (
            "active",
            (
                f"head-to-head: the arms share the registered intervention {names}, but "
                f"their labels name different treatments ({', '.join(named)}), "
                f"arm '{active[0].label}' typed ACTIVE_COMPARATOR"
            ),
            compared,
        )
    if active and all(treatments(g) for g in groups):
        return (
            "active",
            (
                "head-to-head: the randomized arms receive different treatments, "
                f"arm '{active[0].label}' typed ACTIVE_COMPARATOR"
            ),
            compared,
        )
    return None


# words by which arms given the same intervention differ in how, not what, they get
_DELIVERY = frozenset(
    re.findall(
        r"[a-z]+",
        "vial vials single one two three dose doses dosing dosed high higher low lower medium "
        "intermediate route iv intravenous intravenously intramuscular im subcutaneous sc "
        "oral orally topical intrathecal intra arterial intraarterial intracoronary "
        "intramyocardial intralesional intradermal local systemic infusion infusions "
        "injection injections injected daily weekly monthly once twice thrice times frequency "
        "schedule fresh frozen cryopreserved thawed washed saline lyophilized liquid "
        "formulation presentation tablet tablets capsule capsules form bolus continuous short "
        "long course cycle cycles repeated repeat multiple first second mg ml kg g mcg ug "
        "cells million billion per day days week weeks month months arm group cohort part "
        "level regimen",
    )
)


def _label_differences(groups: list[Group]) -> list[str]:
    """The words by which the arms' labels differ, other than the shared intervention's name,
    numbers, letters and delivery words (dose, route, form, schedule): the names of different
    treatments ("carbohydrate", "mediterranean"), or none."""
    given = {w for g in groups for name in g.names for w in _label_words(name)}
    words = [_label_words(g.label) - given for g in groups]
    common = frozenset.intersection(*words)
    return sorted({w for ws in words for w in ws - common if w not in _DELIVERY})


def _label_words(text: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"[a-z]+", text.casefold()) if len(w) > 1)
