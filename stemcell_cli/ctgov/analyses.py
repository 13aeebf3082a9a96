"""Posted statistical analyses as published effects: the measure, value, interval, p-value,
the kind of test in words, and the groups compared in the direction the registry states."""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

from ..views.describe import number as shown
from .record import Record

_EFFECTS = (  # words in a posted parameter type -> the descriptor's effect measure
    ("hazard ratio", "hazard-ratio"),
    ("odds ratio", "odds-ratio"),
    ("risk ratio", "risk-ratio"),
    ("relative risk", "risk-ratio"),
    ("risk difference", "risk-difference"),
    ("mean difference", "mean-difference"),
)
_P_VALUE = re.compile(r"(<|<=|>|=)?\s?(0?\.\d+|0|1(\.0+)?)")


def analysis_of(analysis: Record, groups: dict[str | None, str | None]) -> dict[str, Any] | None:
    """One posted statistical analysis as a published effect: measure, value, interval, p."""
    parameter = analysis.text("paramType", 100)
    value = analysis.number("paramValue")
    low, high = analysis.number("ciLowerLimit"), analysis.number("ciUpperLimit")
    level = analysis.number("ciPctValue")
    raw_p = analysis.text("pValue", 40)
    p_value = raw_p.replace(" ", "") if raw_p else None
    if p_value and not _P_VALUE.fullmatch(p_value):
        p_value = None
    folded = (parameter or "").casefold()
    titles = [t for g in analysis.values("groupIds") if isinstance(g, str) and (t := groups.get(g))]
    comparison, stated, notes = direction(analysis, titles)
    effect: dict[str, Any] = {
        "measure": next((m for words, m in _EFFECTS if words in folded), "other"),
        "parameter": parameter,
        "value": value,
        "comparison": comparison,
        "method": analysis.text("statisticalMethod", 200),
    }
    bounded = low is not None and high is not None and low <= high
    if bounded and level is not None and 0 < level < 100:
        effect["interval"] = {"lower": low, "upper": high, "level": level}
        if analysis.code("ciNumSides") == "ONE_SIDED":
            notes.append("one-sided confidence interval")
    elif low is not None or high is not None:
        bounds = " to ".join(shown(x) if x is not None else "?" for x in (low, high))
        notes.append(f"confidence interval {bounds} (level not given or not usable)")
    if raw_p and p_value is None:
        notes.append(f"p-value as posted: {raw_p}")
    kind = _TESTS.get(analysis.code("nonInferiorityType") or "")
    notes += [n for n in (kind, stated) if n]
    if value is None and "interval" not in effect and p_value is None and not notes:
        return None
    return {
        "effect": effect,
        "p_value": p_value,
        "statement": "Statistical analysis posted on the registry"
        + "".join(f"; {n}" for n in notes),
    }


_TESTS = {  # nonInferiorityType in words ("OTHER" says nothing)
    "SUPERIORITY": "superiority analysis",
    "NON_INFERIORITY": "non-inferiority analysis",
    "EQUIVALENCE": "equivalence analysis",
    "NON_INFERIORITY_OR_EQUIVALENCE": "non-inferiority or equivalence analysis",
    "SUPERIORITY_OR_OTHER": "superiority or other analysis",
    "NON_INFERIORITY_OR_EQUIVALENCE_LEGACY": "non-inferiority or equivalence analysis",
    "SUPERIORITY_OR_OTHER_LEGACY": "superiority or other analysis",
}
_STATED_IN = (
    "groupDescription",
    "estimateComment",
    "otherAnalysisDescription",
    "statisticalComment",
)
_VERSUS = re.compile(
    r"\s*(?:/|\bvs\.?|\bversus\b|\bminus\b|\bover\b|\bcompared (?:with|to)\b"
    r"|\brelative to\b|\bdivided by\b|-)\s*",
    re.IGNORECASE,
)
_PLACEBO = frozenset({"placebo", "pbo", "plc", "pla"})
_LINKS = frozenset(
    {"vs", "versus", "minus", "over", "compared", "with", "to", "relative", "divided", "by"}
)
_SAYS_DIRECTION = re.compile(r"\b(?:vs\.?|versus)\s|\b[a-z]{2,}\s?/\s?[a-z]{2,}\b", re.IGNORECASE)
_NOT_NAMES = frozenset({"fas", "itt", "mitt", "pp", "population", "set", "analysis", "arm"})


def direction(analysis: Record, titles: list[str]) -> tuple[str | None, str | None, list[str]]:
    """The groups compared, in the direction the registry states ("Odds ratio: CZP/Placebo"
    is CZP vs Placebo, whatever the order of ``groupIds``), the statement that says so, and
    notes. Two groups whose direction no text states keep the listed order, and a note says
    so (or quotes a stated direction whose groups could not be told apart)."""
    if len(titles) != 2:
        return " vs ".join(titles) or None, None, []
    own = [_words(t) - _NOT_NAMES for t in titles]
    names = [own[0] - own[1], own[1] - own[0]]
    for index in (0, 1):
        if "placebo" in names[index]:
            names[index] |= _PLACEBO
    texts = [(field, said) for field in _STATED_IN if (said := analysis.text(field, 300))]
    for _, said in texts:
        order = _stated_order(said, names)
        if order is not None:
            first, second = titles[order], titles[1 - order]
            return f"{first} vs {second}", f"direction as stated on the registry: {said}", []
    listed = f"{titles[0]} vs {titles[1]}"
    said = next((t for _, t in texts if _SAYS_DIRECTION.search(t)), None)
    if said:
        return listed, None, [f"groups in the order listed; the registry states: {said}"]
    note = "direction not stated on the registry: groups in the order listed"
    comment = dict(texts).get("estimateComment")
    return listed, None, [note, *([comment] if comment else [])]


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z0-9]+", text.casefold()))


def _which(word: str, names: list[frozenset[str]]) -> list[int]:
    """The groups (0, 1) a word of the text names: those having it as a word, else (3 letters
    or more) those with a word it starts ("Dex" for "Dexamethasone")."""
    exact = [i for i in (0, 1) if word in names[i]]
    if exact or len(word) < 3:
        return exact
    return [i for i in (0, 1) if any(n.startswith(word) for n in names[i])]


def _stated_order(said: str, names: list[frozenset[str]]) -> int | None:
    """Which group (0 or 1) a text names first in "A/B", "A vs B", "A - B"; None if unsure.

    Two words joined by a "versus" (``_VERSUS``, nothing else between them) that name the
    two groups decide; failing that, a pair of which one word names a group and the other
    (a word, not a number) names neither: the other group, as in "CZP/Placebo" for the groups
    "Certolizumab Pegol" and "Placebo"."""
    words = [
        (word, m.start(), m.end())
        for m in re.finditer(r"[a-z0-9]+", said, re.IGNORECASE)
        if (word := m.group(0).casefold()) not in _LINKS
    ]
    pairs = [
        (_which(left, names), _which(right, names))
        for (left, _, end), (right, start, _) in pairwise(words)
        if _VERSUS.fullmatch(said[end:start]) and not left.isdigit() and not right.isdigit()
    ]
    for first, second in pairs:
        if len(first) == 1 and len(second) == 1 and first != second:
            return first[0]
    for first, second in pairs:
        if len(first) + len(second) == 1:  # one side named, the other the other group
            return first[0] if first else 1 - second[0]
    return None
