"""Descriptors with two arms and counts per arm, for the comparison and pooling tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import write_study

# dat.bcg (metafor): (trial, year, tpos, tpos + tneg, cpos, cpos + cneg), in metafor's order
BCG = [
    ("Aronson", 1948, 4, 123, 11, 139),
    ("Ferguson & Simes", 1949, 6, 306, 29, 303),
    ("Rosenthal et al", 1960, 3, 231, 11, 220),
    ("Hart & Sutherland", 1977, 62, 13598, 248, 12867),
    ("Frimodt-Moller et al", 1973, 33, 5069, 47, 5808),
    ("Stein & Aronson", 1953, 180, 1541, 372, 1451),
    ("Vandiviere et al", 1973, 8, 2545, 10, 629),
    ("TPT Madras", 1980, 505, 88391, 499, 88391),
    ("Coetzee & Berjak", 1968, 29, 7499, 45, 7277),
    ("Rosenthal et al", 1961, 17, 1716, 65, 1665),
    ("Comstock et al", 1974, 186, 50634, 141, 27338),
    ("Comstock & Webster", 1969, 5, 2498, 3, 2341),
    ("Comstock et al", 1976, 27, 16913, 29, 17854),
]


# RoB 2 judged low in every domain, as a review would record it (so only the other GRADE
# domains can rate these studies down)
LOW_RISK = {
    domain: {"judgement": "low", "note": "judged low in the review", "source": "paper"}
    for domain in ("randomization", "deviations", "missing_data", "measurement", "reporting")
}


def arms_outcomes(
    a: int, n1: int, c: int, n2: int, measure: str = "Tuberculosis", **extra: Any
) -> dict[str, Any]:
    """``arms`` and ``outcomes`` overrides: an experimental and a placebo arm with counts."""
    return {
        "arms": [
            {"key": "cells", "label": "Cell therapy", "role": "EXPERIMENTAL", "n": n1},
            {"key": "placebo", "label": "Placebo", "role": "PLACEBO_COMPARATOR", "n": n2},
        ],
        "outcomes": [
            {"measure": measure, "group": group, "counts": {"events": e, "total": t}}
            | {"source": "paper"}
            | extra
            for group, e, t in (("cells", a, n1), ("placebo", c, n2))
        ],
    }


def write_two_arm(folder: Path, study_id: str, a: int, n1: int, c: int, n2: int, **over: Any):
    """A randomized placebo-controlled human study with one two-arm count outcome."""
    measure = over.pop("measure", "Tuberculosis")
    extra = over.pop("extra", {})
    fields = arms_outcomes(a, n1, c, n2, measure, **extra) | {"id": study_id} | over
    fields.setdefault("population", {"species": "human", "n": n1 + n2})
    return write_study(folder, **fields)


def write_bcg(folder: Path, **over: Any) -> list[str]:
    """The 13 BCG trials as descriptors (ids bcg-01 ... bcg-13), in metafor's order."""
    ids = []
    for i, (_, _, a, n1, c, n2) in enumerate(BCG, 1):
        ids.append(f"bcg-{i:02d}")
        write_two_arm(folder, ids[-1], a, n1, c, n2, **over)
    return ids
