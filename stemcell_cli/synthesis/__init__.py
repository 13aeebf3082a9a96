"""Evidence synthesis: effect measures, pooling, funnel test, GRADE rating, forest plots.

A pure library on plain numbers (no descriptor models, no I/O), standard library only.
Figures agree with R's metafor defaults; see each module for the exact conventions.
"""

from __future__ import annotations

from .certainty import Certainty, Downgrade, StudyFacts, rate_certainty
from .distributions import Z95, chi2_sf, gamma_q, normal_sf, normal_two_sided_p
from .effects import (
    AbsoluteEffect,
    Effect,
    NumberNeeded,
    Table2x2,
    YiVi,
    absolute_effects,
    effect,
    escalc,
    number_needed,
    odds_ratio,
    risk_difference,
    risk_ratio,
)
from .estimable import NotConverged, NotEstimable
from .forest import ForestRow, ForestSummary, forest_svg, forest_text, from_pooled
from .funnel import EggerResult, egger_test
from .pooling import Pooled, StudyRow, pool, pool_tables

__all__ = [
    "Z95",
    "AbsoluteEffect",
    "Certainty",
    "Downgrade",
    "Effect",
    "EggerResult",
    "ForestRow",
    "ForestSummary",
    "NotConverged",
    "NotEstimable",
    "NumberNeeded",
    "Pooled",
    "StudyFacts",
    "StudyRow",
    "Table2x2",
    "YiVi",
    "absolute_effects",
    "chi2_sf",
    "effect",
    "egger_test",
    "escalc",
    "forest_svg",
    "forest_text",
    "from_pooled",
    "gamma_q",
    "normal_sf",
    "normal_two_sided_p",
    "number_needed",
    "odds_ratio",
    "pool",
    "pool_tables",
    "rate_certainty",
    "risk_difference",
    "risk_ratio",
]
