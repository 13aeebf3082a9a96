"""One study, one rating: each computed comparison of a study rated as `pool` rates a body of
evidence made of that study alone (on pool's default effect for it: RR for counts, MD for
means, else the published effect's own; fixed effect, one study).

``show``, ``compare`` and ``pool`` then never disagree about one outcome's certainty: the card's
"certainty" is the rating of the study's primary outcome, read from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .bodies import analyse
from .certainty import Certainty
from .contributions import gather

EFFECT = "RR"  # pool's default effect, so a lone study's row in `pool` carries the same rating


def certainty_dict(certainty: Certainty) -> dict[str, Any]:
    """A rating as JSON: the level, its ⊕ symbols, the start, each downgrade with its reason."""
    return {
        "rating": certainty.final,
        "symbols": certainty.symbols,
        "start": certainty.start,
        "downgrades": [
            {"domain": d.domain, "reason": d.reason, "levels": d.levels}
            for d in certainty.downgrades
        ],
        "not_assessed": [{"domain": d, "reason": r} for d, r in certainty.not_assessed],
        "effect": EFFECT,
        "label": certainty.label,
    }


def ratings(record: Mapping[str, Any]) -> list[dict[str, Any] | None]:
    """One rating per comparison of ``record`` (in order): None where none was computed or
    the effect is not estimable."""
    found = gather([record]).found
    left = list(range(len(found)))  # the places not matched yet
    out: list[dict[str, Any] | None] = []
    for comparison in record["comparisons"]:
        place = next(
            (
                p
                for p in left
                if (comparison["computed"] or comparison["published"])
                and found[p].key == comparison["key"]
                and found[p].timepoint == comparison["timepoint"]
            ),
            None,
        )
        if place is None:
            out.append(None)
            continue
        left.remove(place)
        analysis = analyse(comparison["key"], found[place : place + 1])
        found_rating = None
        if analysis is not None:
            found_rating = certainty_dict(analysis.certainty) | {"effect": analysis.measure}
        out.append(found_rating)
    return out


def primary_rating(record: Mapping[str, Any]) -> dict[str, Any] | None:
    """The rating of the first primary outcome with a rated comparison, naming the outcome."""
    for comparison in record["comparisons"]:
        if comparison.get("primary") and comparison.get("certainty"):
            return {
                "outcome": comparison["outcome"],
                "timepoint": comparison["timepoint"],
            } | comparison["certainty"]
    return None


def downgrade_summary(rating: Mapping[str, Any]) -> str:
    """``down 1 risk of bias, down 2 imprecision``, or ``no downgrades``."""
    found = [f"down {d['levels']} {d['domain']}" for d in rating["downgrades"] if d["levels"]]
    return ", ".join(found) or "no downgrades"
