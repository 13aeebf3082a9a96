"""Subgroups and sensitivity of one pooled body of evidence: the studies split by a field
(RevMan's test for subgroup differences), and each study left out in turn (metafor
``leave1out``), on the same measure, model and CI method as the main analysis."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..synthesis.subgroups import Omitted, Subgroups, leave_one_out, pool_subgroups
from .measures import effect_of

if TYPE_CHECKING:
    from .bodies import Analysis, PoolOptions

# --by takes the filter names, or a dotted field of the study record
BY_FIELDS = {
    "design": "design.type",
    "cell-type": "intervention.cell_type",
    "source": "intervention.cell_source",
    "condition": "condition.name",
    "route": "intervention.route",
}
NOT_GIVEN = "not given"


def subgroup_of(by: str) -> Callable[[Mapping[str, Any]], str]:
    """A function giving a study record's subgroup: the value of the field ``by`` names."""
    path = BY_FIELDS.get(by, by).split(".")
    if not all(part.replace("_", "").isalnum() for part in path):
        raise UsageError(
            f"--by {by!r}: use {', '.join(BY_FIELDS)} or a dotted field such as design.masking"
        )

    def value(record: Mapping[str, Any]) -> str:
        found: Any = record
        for part in path:
            if not isinstance(found, Mapping) or part not in found:
                if found is record:
                    raise UsageError(f"--by {by!r}: the study record has no field {part!r}")
                return NOT_GIVEN
            found = found[part]
        if found is None or found == []:
            return NOT_GIVEN
        if isinstance(found, list):
            return ", ".join(str(x) for x in found)
        return str(found)

    return value


def _effects(a: Analysis) -> tuple[list[str], list[float], list[float], list[str]]:
    used = a.used
    found = [effect_of(c, a.measure) for c in used]
    kept = [(c, e) for c, e in zip(used, found, strict=True) if e is not None]
    return (
        [c.study_id for c, _ in kept],
        [e[0] for _, e in kept],
        [e[1] for _, e in kept],
        [c.subgroup or NOT_GIVEN for c, _ in kept],
    )


def subgroups(a: Analysis, options: PoolOptions) -> Subgroups:
    """Each subgroup pooled, and RevMan's test for the difference between them."""
    labels, yi, vi, groups = _effects(a)
    return pool_subgroups(yi, vi, groups, labels=labels, **_same_as(a, options))


def omitted(a: Analysis, options: PoolOptions) -> tuple[Omitted, ...]:
    """The pooled estimate with each study left out in turn."""
    labels, yi, vi, _ = _effects(a)
    return leave_one_out(yi, vi, labels=labels, **_same_as(a, options))


def _same_as(a: Analysis, options: PoolOptions) -> dict[str, Any]:
    """The measure, model, CI and prediction-interval methods of the main analysis."""
    return {"measure": a.measure, "method": a.pooled.method, "ci": options.ci, "pi": "handbook"}
