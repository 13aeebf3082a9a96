"""Evidence synthesis: effect measures, proportions, pooling, the funnel test.

Counts (:mod:`.effects`), continuous outcomes (:mod:`.continuous`) and published effects with
a CI (:mod:`.generic`) become (yi, vi) pairs; :func:`pool` pools them with the interval
methods of :mod:`.intervals`; :mod:`.subgroups` adds subgroups and leave-one-out.

A pure library on plain numbers (no descriptor models, no I/O), standard library only.
Figures agree with R's metafor defaults; see each module for the exact conventions.
"""

from __future__ import annotations

from .continuous import (
    Arm,
    ContinuousEffect,
    SdConversion,
    continuous_effect,
    hedges_g,
    mean_difference,
    mixing_note,
    sd_from_ci,
    sd_from_se,
)
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
from .funnel import RegtestResult, regtest
from .generic import Published, from_interval, is_ratio
from .intervals import CI_METHODS, PI_METHODS, CiMethod, PiMethod
from .pooling import Pooled, pool, pool_tables
from .proportions import wilson
from .rows import StudyRow, StudyRows
from .student_t import t_quantile, t_two_sided_p
from .subgroups import Omitted, Subgroups, SubgroupTest, leave_one_out, pool_subgroups

__all__ = [
    "CI_METHODS",
    "PI_METHODS",
    "Z95",
    "AbsoluteEffect",
    "Arm",
    "CiMethod",
    "ContinuousEffect",
    "Effect",
    "NotConverged",
    "NotEstimable",
    "NumberNeeded",
    "Omitted",
    "PiMethod",
    "Pooled",
    "Published",
    "RegtestResult",
    "SdConversion",
    "StudyRow",
    "StudyRows",
    "SubgroupTest",
    "Subgroups",
    "Table2x2",
    "YiVi",
    "absolute_effects",
    "chi2_sf",
    "continuous_effect",
    "effect",
    "escalc",
    "from_interval",
    "gamma_q",
    "hedges_g",
    "is_ratio",
    "leave_one_out",
    "mean_difference",
    "mixing_note",
    "normal_sf",
    "normal_two_sided_p",
    "number_needed",
    "odds_ratio",
    "pool",
    "pool_subgroups",
    "pool_tables",
    "regtest",
    "risk_difference",
    "risk_ratio",
    "sd_from_ci",
    "sd_from_se",
    "t_quantile",
    "t_two_sided_p",
    "wilson",
]
