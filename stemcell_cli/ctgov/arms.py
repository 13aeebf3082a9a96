"""Arm groups as the record means them: one per label, each with the interventions it gets.

A record may list an arm once per intervention (the same label twice) and link arms and
interventions either way (``armGroups[].interventionNames``, ``interventions[].armGroupLabels``);
both are read. ``Given.control_like`` says which control an intervention is.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass, field
from typing import Any

from ..evidence.controls import control_word
from ..model.vocab import ArmRole
from .log import Log
from .record import ARMS, RESULTS, Record, code, norm, slug
from .results import arm_sizes

_ARM_ROLES = frozenset(typing.get_args(ArmRole))


@dataclass
class Given:
    """One intervention as registered: type, name and other names."""

    type: str | None
    name: str
    other_names: list[str] = field(default_factory=list)

    @property
    def control_like(self) -> str | None:
        """The control this intervention is (placebo, sham, standard care) by type or name."""
        return "placebo" if self.type == "PLACEBO" else control_word(self.name)


@dataclass
class Group:
    """One arm group, merged over repeated labels, with the interventions it receives."""

    label: str
    roles: list[str] = field(default_factory=list)  # every arm type it was listed with
    description: str | None = None
    given: list[Given] = field(default_factory=list)

    @property
    def role(self) -> str | None:
        """The arm type, when the record gives one (and only one)."""
        return self.roles[0] if len(self.roles) == 1 else None

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys(once(g.name) for g in self.given))

    @property
    def labelled(self) -> bool:
        """Whether the label says something beyond a number or letter ("1", "Arm B")."""
        words = re.sub(r"\b(?:arm|group|cohort|part|[a-z]|\d+)\b", " ", self.label.casefold())
        return bool(re.sub(r"[\W_]+", "", words))

    @property
    def shown(self) -> str:
        """The label, with its interventions when the label alone says nothing."""
        if self.labelled or not self.names:
            return self.label
        return f"{self.label} ({', '.join(self.names)})"


def treatments(group: Group) -> frozenset[str]:
    """What an arm receives, in matching form (``norm``) of the interventions' names."""
    return frozenset(norm(g.name) for g in group.given) - {""}


def same_treatment(groups: list[Group]) -> bool:
    """Whether every arm receives the same interventions (and some are named)."""
    given = {treatments(g) for g in groups}
    return len(groups) >= 2 and len(given) == 1 and frozenset() not in given


def _same(label: str) -> str:
    """A label as the record would repeat it: case and spacing aside ("1. MSC" is not "2. MSC")."""
    return " ".join(label.casefold().split())


def groups_of(rec: Record) -> list[Group]:
    """The arm groups, one per label, each with its interventions (by either cross-link)."""
    linked = [
        (Given(i.code("type"), name, i.texts("otherNames", 100)), i.texts("armGroupLabels", 200))
        for i in rec.objs(f"{ARMS}.interventions")
        if (name := i.text("name", 150))
    ]
    registered = [given for given, _ in linked]
    groups: dict[str, Group] = {}
    for item in rec.objs(f"{ARMS}.armGroups"):
        label = item.text("label", 200)
        if label is None:
            continue
        role = item.code("type")
        group = groups.setdefault(_same(label), Group(label))
        if role is not None and role in _ARM_ROLES and role not in group.roles:
            group.roles.append(role)
        group.description = group.description or item.text("description")
        for entry in item.texts("interventionNames", 200):
            kind, _, name = entry.partition(": ")
            found = next((g for g in registered if name and norm(g.name) == norm(name)), None)
            group.given.append(found or Given(code(kind) if name else None, name or entry))
    for key, group in groups.items():
        group.given += [given for given, labels in linked if key in map(_same, labels)]
        unique: dict[str, Given] = {}
        for given in group.given:
            unique.setdefault(norm(given.name), given)
        group.given = list(unique.values())
    return list(groups.values())


def arms_of(rec: Record, groups: list[Group], log: Log) -> list[dict[str, Any]]:
    """Arm groups as registered; n per arm from the participant flow where it can be matched."""
    arms: list[dict[str, Any]] = []
    keys: set[str] = set()
    for index, group in enumerate(groups, 1):
        key = base = slug(group.label, f"arm-{index}")
        suffix = 2
        while key in keys:
            key, suffix = f"{base}-{suffix}", suffix + 1
        keys.add(key)
        given = f"Interventions: {'; '.join(group.names)}" if group.names else None
        if len(group.roles) > 1:
            listed = f"Listed once per intervention, as {' and '.join(group.roles)}."
            given = f"{listed} {given}" if given else listed
        arms.append(
            {
                "key": key,
                "label": group.label,
                "role": group.role,
                "description": group.description or given,
            }
        )
    terms = [
        " ".join([g.label, *(x for i in g.given for x in (i.name, *i.other_names))]) for g in groups
    ]
    arm_sizes(arms, terms, rec.obj(f"{RESULTS}.participantFlowModule"), log)
    return arms


def once(name: str) -> str:
    """A name with a word repeated by mistake said once ("a a b" -> "a b")."""
    return re.sub(r"\b(\w+)(?:\s+\1\b)+", r"\1", name, flags=re.IGNORECASE)
