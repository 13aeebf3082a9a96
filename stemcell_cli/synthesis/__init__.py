"""Evidence synthesis: effect measures, proportions, pooling, the funnel test.

A pure library on plain numbers (no descriptor models, no I/O), standard library only.
Figures agree with R's metafor defaults; see each module for the exact conventions.
"""

from __future__ import annotations

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
from .funnel import RegtestResult, regtest
from .pooling import Pooled, StudyRow, pool, pool_tables
from .proportions import wilson

__all__ = [
    "Z95",
    "AbsoluteEffect",
    "Effect",
    "NumberNeeded",
    "Pooled",
    "RegtestResult",
    "StudyRow",
    "Table2x2",
    "YiVi",
    "absolute_effects",
    "chi2_sf",
    "effect",
    "escalc",
    "gamma_q",
    "normal_sf",
    "normal_two_sided_p",
    "number_needed",
    "odds_ratio",
    "pool",
    "pool_tables",
    "regtest",
    "risk_difference",
    "risk_ratio",
    "wilson",
]
