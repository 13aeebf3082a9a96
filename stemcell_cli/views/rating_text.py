"""A study's certainty and risk of bias as people read them, from its record.

One outcome, one rating: the card, ``show`` and ``compare`` read the rating the record carries
(:mod:`stemcell_cli.analysis.single_study`), the one ``pool`` gives the same outcome. Risk of
bias is written with a symbol and a word (never colour alone): + low, ? some concerns or not
reported, − high, as RevMan draws its dots.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..analysis.single_study import downgrade_summary
from ..evidence.grading import randomized
from ..evidence.risk_of_bias import DOMAINS

STARTING_NOTE = "GRADE starting point for this design, not a full GRADE rating"
ROB_SYMBOLS = {"low": "+", "some-concerns": "?", "not-reported": "?", "high": "−"}
ROB_WORDS = {
    "low": "low",
    "some-concerns": "some concerns",
    "not-reported": "not reported",
    "high": "high",
}
SHORT_DOMAINS = {
    "randomization": "randomization",
    "deviations": "deviations",
    "missing_data": "missing data",
    "measurement": "measurement",
    "reporting": "reporting",
}
ROB_KEY = "+ low · ? some concerns or not reported · − high"
ROB_ORDER = "randomization, deviations, missing data, measurement, reporting"


def judged(judgement: str) -> str:
    """``? some concerns``: the symbol and the word."""
    return f"{ROB_SYMBOLS[judgement]} {ROB_WORDS[judgement]}"


def starting_reason(record: Mapping[str, Any]) -> str:
    """Why the design starts where it does: randomized, not randomized, animal study."""
    if record["kind"] == "preclinical":
        return "animal study"
    design = record["design"]
    return "randomized" if randomized(design["allocation"], design["type"]) else "not randomized"


def certainty_phrase(record: Mapping[str, Any]) -> str:
    """``certainty low (primary outcome: X; down 1 risk of bias, down 2 imprecision)``, or
    ``starting point: high (randomized)`` when there is no rated outcome."""
    evidence = record["evidence"]
    rating = evidence["primary_outcome_certainty"]
    if rating:
        return (
            f"certainty {rating['rating']} (primary outcome: {rating['outcome']}; "
            f"{downgrade_summary(rating)})"
        )
    start = evidence["starting_point"]
    if start.startswith("not applicable"):
        return f"certainty {start}"
    return f"starting point: {start} ({starting_reason(record)})"


def compare_phrase(record: Mapping[str, Any]) -> str:
    """``compare``'s certainty cell: the rating and its downgrades first (cells are cut), then
    the outcome rated; or the starting point, said so."""
    rating = record["evidence"]["primary_outcome_certainty"]
    if not rating:
        return certainty_phrase(record)
    return f"{rating['rating']} ({downgrade_summary(rating)}); primary outcome: {rating['outcome']}"


def bias_cell(judgement: Mapping[str, Any]) -> str:
    """``compare``'s risk-of-bias cell: ``some concerns (? ? ? + ?)`` in ROB_ORDER, then each
    domain in words."""
    symbols = " ".join(ROB_SYMBOLS[d["judgement"]] for d in judgement["domains"].values())
    words = "\n".join(
        f"{SHORT_DOMAINS[name]}: {judged(d['judgement'])}"
        for name, d in judgement["domains"].items()
    )
    return f"{ROB_WORDS[judgement['overall']]} ({symbols})\n{words}"


def primary_bias(record: Mapping[str, Any]) -> tuple[str | None, dict[str, Any] | None]:
    """(outcome, RoB judgement) of the primary outcome's comparison, else of the first
    comparison, else (None, None): the study has no two-arm comparison."""
    found = record["comparisons"]
    chosen = next((c for c in found if c.get("primary")), found[0] if found else None)
    if chosen is None:
        return None, None
    return chosen["outcome"], chosen["risk_of_bias"]


def bias_line(judgement: Mapping[str, Any]) -> str:
    """``some concerns (randomization ?, deviations ?, missing data ?, measurement +, ...)``."""
    domains = ", ".join(
        f"{SHORT_DOMAINS[name]} {ROB_SYMBOLS[d['judgement']]}"
        for name, d in judgement["domains"].items()
    )
    return f"{ROB_WORDS[judgement['overall']]} ({domains})"


def bias_rows(judgement: Mapping[str, Any]) -> list[tuple[str, ...]]:
    """One row per RoB 2 domain: domain, judgement, how judged, note."""
    rows: list[tuple[str, ...]] = []
    for name, d in judgement["domains"].items():
        how = "derived from the descriptor" if d["derived"] else "given"
        if d.get("source"):
            how += f" [{d['source']}]"
        rows.append((DOMAINS[name], judged(d["judgement"]), how, d["note"] or ""))
    rows.append(("overall", judged(judgement["overall"]), "RoB 2 rule", ""))
    return rows


def other_biases(record: Mapping[str, Any], outcome: str | None) -> list[str]:
    """Outcomes whose RoB differs from the primary outcome's, with the domains that differ."""
    _, first = primary_bias(record)
    lines = []
    for c in record["comparisons"]:
        mine = c["risk_of_bias"]
        if c["outcome"] == outcome or first is None or mine == first:
            continue
        changed = ", ".join(
            f"{DOMAINS[name]} {judged(d['judgement'])}"
            for name, d in mine["domains"].items()
            if d["judgement"] != first["domains"][name]["judgement"]
        )
        if changed:
            overall = ROB_WORDS[mine["overall"]]
            lines.append(f"Risk of bias for {c['outcome']}: {overall} ({changed})")
    return lines


def rating_lines(record: Mapping[str, Any]) -> list[str]:
    """Every rated comparison: its rating and each downgrade with its reason."""
    lines = []
    for c in record["comparisons"]:
        rating = c.get("certainty")
        if not rating:
            continue
        when = f", {c['timepoint']}" if c["timepoint"] else ""
        lines.append(
            f"Certainty of {c['outcome']}{when}: {rating['symbols']} "
            f"({downgrade_summary(rating)}; {rating['label']})"
        )
        lines += [
            f"Down {d['levels']} for {d['domain']}: {d['reason']}"
            for d in rating["downgrades"]
            if d["levels"]
        ]
    return lines
