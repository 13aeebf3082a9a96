"""The JSON shape of ``stemcell pool``: a summary of findings, or one outcome pooled.

Numbers are unrounded; every figure says it was computed, and the certainty carries its
label (a transparent first rating).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from ..synthesis.pooling import METHOD_LABELS

if TYPE_CHECKING:
    from ..analysis.bodies import Analysis
    from ..analysis.certainty import Certainty
    from ..analysis.contributions import Contribution
    from ..analysis.findings import Findings
    from ..analysis.outcome import PoolResult
    from ..synthesis import RegtestResult


def findings_json(findings: Findings) -> dict[str, Any]:
    """The summary of findings: one object per row, and what was left out and why."""
    return {
        "effect": findings.measure,
        "method": findings.method,
        "method_label": METHOD_LABELS[findings.method],
        "studies_selected": findings.selected,
        "rows": [finding_row(a) for a in findings.rows],
        "left_out": [asdict(x) for x in findings.left_out],
        "not_computed": [asdict(x) for x in findings.not_computed],
    }


def finding_row(a: Analysis) -> dict[str, Any]:
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
        "certainty": certainty_json(a.certainty, a.funnel),
        "published": [x for c in a.used for x in c.published],
    }


def pooled_json(result: PoolResult) -> dict[str, Any]:
    """One outcome pooled: the main analysis, the kinds pooled apart, what was left out."""
    head = {
        "outcome": result.outcome,
        "key": result.key,
        "query": result.query,
        "effect": result.main.measure,
        "method": result.main.method,
    }
    return (
        head
        | analysis_json(result.main)
        | {
            "other_analyses": [analysis_json(a) for a in result.others],
            "left_out": [asdict(x) for x in result.left_out],
        }
    )


def analysis_json(a: Analysis) -> dict[str, Any]:
    """One body of evidence: the pooled estimate, each study, absolute effects, certainty."""
    p = a.pooled
    by_id = {c.study_id: c for c in a.studies}
    prediction = None
    if p.pi_lower is not None:
        prediction = {"lower": p.pi_lower, "upper": p.pi_upper}
    return {
        "comparisons": a.label,
        "randomized": a.randomized,
        "human": a.human,
        "k": p.k,
        "participants": a.participants,
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
            contribution_json(by_id[s.label])
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
        "absolute": a.absolute,
        "certainty": certainty_json(a.certainty, a.funnel),
    }


def contribution_json(c: Contribution) -> dict[str, Any]:
    """One study's arms as pooled."""
    a, n1, e, n2 = c.table
    return {
        "id": c.study_id,
        "title": c.title,
        "outcome": c.outcome,
        "timepoint": c.timepoint,
        "experimental": {"group": c.groups[0], "events": a, "total": n1},
        "comparator": {"group": c.groups[1], "events": e, "total": n2},
        "published": list(c.published),
    }


def certainty_json(certainty: Certainty, funnel: RegtestResult | None) -> dict[str, Any]:
    """The rating, every downgrade with its reason, and what could not be judged."""
    return {
        "rating": certainty.final,
        "start": certainty.start,
        "downgrades": [asdict(d) for d in certainty.downgrades],
        "not_assessed": [{"domain": d, "reason": r} for d, r in certainty.not_assessed],
        "publication_bias_test": None if funnel is None else asdict(funnel),
        "label": certainty.label,
    }
