"""The JSON shape of ``stemcell pool``: a summary of findings, or one outcome pooled.

Numbers are unrounded; every figure says it was computed, and the certainty carries its
label (a transparent first rating).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from ..jsontext import Streamed
from ..synthesis.pooling import METHOD_LABELS

if TYPE_CHECKING:
    from ..analysis.bodies import Analysis
    from ..analysis.certainty import Certainty
    from ..analysis.columns import Contribution
    from ..analysis.findings import Findings
    from ..analysis.outcome import PoolResult
    from ..synthesis import RegtestResult
    from ..synthesis.pooling import Pooled


def findings_json(findings: Findings) -> dict[str, Any]:
    """The summary of findings: one object per row, and what was left out and why."""
    return {
        "effect": findings.measure or "by outcome (rr for counts, md for means, else published)",
        "method": findings.method,
        "method_label": METHOD_LABELS[findings.method],
        "studies_selected": findings.selected,
        "rows": [finding_row(a) for a in findings.rows],
        "left_out": Streamed(asdict(x) for x in findings.left_out),
        "not_computed": Streamed(asdict(x) for x in findings.not_computed),
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
        "ids": Streamed(a.used.ids),
        "relative": {
            "measure": p.measure,
            "ci_method": p.ci_label,
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
        "published": [x for _, x in a.used.published()],
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
            "left_out": Streamed(asdict(x) for x in result.left_out),
            "subgroups": subgroups_json(result),
            "leave_one_out": None
            if result.omitted is None
            else [{"omitted": o.omitted} | pooled_figures(o.pooled) for o in result.omitted],
        }
    )


def subgroups_json(result: PoolResult) -> dict[str, Any] | None:
    """Each subgroup pooled, and RevMan's test for the difference between them."""
    found = result.subgroups
    if found is None:
        return None
    test = found.test
    return {
        "by": result.by,
        "groups": [
            {"subgroup": name, "ids": Streamed(s.label for s in p.studies)} | pooled_figures(p)
            for name, p in found.groups
        ],
        "test": None
        if test is None
        else {"q": test.q, "df": test.df, "p": test.p, "i2": test.i2, "method": test.method},
    }


def pooled_figures(p: Pooled) -> dict[str, Any]:
    """A pooled estimate's figures, unrounded."""
    prediction = None
    if p.pi_lower is not None:
        prediction = {"lower": p.pi_lower, "upper": p.pi_upper, "method": p.pi_label}
    return {
        "measure": p.measure,
        "method": p.method,
        "method_label": p.label,
        "k": p.k,
        "estimate": p.estimate,
        "lower": p.lower,
        "upper": p.upper,
        "ci_method": p.ci_label,
        "test": p.test_name,
        "test_df": p.test_df,
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
        "notes": list(p.notes),
    }


def analysis_json(a: Analysis) -> dict[str, Any]:
    """One body of evidence: the pooled estimate, each study, absolute effects, certainty."""
    p = a.pooled
    return {
        "comparisons": a.label,
        "randomized": a.randomized,
        "human": a.human,
        "k": p.k,
        "participants": a.participants,
        "pooled": pooled_figures(p)
        | {
            "scale": "ratio (log scale pooled)" if p.is_ratio else "difference",
            "label": "computed",
        },
        "studies": Streamed(
            contribution_json(c)
            | {
                "estimate": s.estimate,
                "lower": s.lower,
                "upper": s.upper,
                "weight": s.weight,
                "yi": s.yi,
                "vi": s.vi,
            }
            for s, c in zip(p.studies, a.used, strict=True)
        ),
        "not_estimable": list(p.excluded),
        "absolute": a.absolute,
        "certainty": certainty_json(a.certainty, a.funnel),
    }


def contribution_json(c: Contribution) -> dict[str, Any]:
    """One study's arms as pooled: counts, or mean, SD and n, or only published effects."""
    arms: list[dict[str, Any]] = [{"group": g} for g in c.groups]
    if c.counts:
        a, n1, e, n2 = c.counts
        arms[0] |= {"events": a, "total": n1}
        arms[1] |= {"events": e, "total": n2}
    elif c.means:
        for arm, (mean, sd, n) in zip(arms, c.means, strict=True):
            arm |= {"mean": mean, "sd": sd, "n": n}
    return {
        "id": c.study_id,
        "title": c.title,
        "outcome": c.outcome,
        "timepoint": c.timepoint,
        "experimental": arms[0],
        "comparator": arms[1],
        "measured_as": c.measured_as,
        "secondary": c.secondary,
        "subgroup": c.subgroup,
        "risk_of_bias": c.facts.risk_of_bias,
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
