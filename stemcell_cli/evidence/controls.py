"""The words that mark a control arm, in one place for the importer, the grading and the
two-arm comparisons:

- ``CONTROLLED``: the design's control codes that give a comparison (grading, comparisons);
- ``control_word``: the control a label or name says (placebo, sham, standard care,
  untreated), read by the importer from arm labels and intervention names;
- ``names_control``: whether a results group's name is a control arm (comparisons).
"""

from __future__ import annotations

import re

CONTROLLED = frozenset({"placebo", "sham", "untreated", "standard-care", "active", "delayed-start"})

CONTROL_WORDS = (  # (control, what says it), first match wins
    ("placebo", r"\bplacebos?\b|\bvehicle\b|\bsaline\b"),
    ("sham", r"\bsham\b"),
    (  # "standard adjuvant endocrine therapy", "usual care", "background therapy"
        "standard-care",
        r"\b(?:usual|standard|routine|conventional|background)(?: of)?"
        r"(?: (?!doses?\b|cells?\b|stem\b|mscs?\b|new\b|novel\b)[a-z-]+){0,3}? "
        r"(?:care|treatments?|therap(?:y|ies)|medications?|regimens?|rehabilitation|procedures?"
        r"|practice|management)\b|\bbest supportive care\b",
    ),
    ("untreated", r"\buntreated\b|\bno (?:treatment|intervention)\b"),
)
_COMBINED = re.compile(r"\+|&|\b(?:plus|with|and|add-on|combined|followed)\b", re.IGNORECASE)

# words that say nothing about what an arm receives: arm types, schedules, routes, forms
_FILLER = re.compile(
    r"\b(?:experimental|active|placebo|sham|comparator|control|arm|group|matching|matched|match|"
    r"to|of|only|normal|usual|standard|routine|conventional|medical|best|supportive|care|"
    r"treatment|therapy|vehicle|saline|injections?|infusions?|tablets?|capsules?|oral|iv|sc|"
    r"intravenous|subcutaneous|weekly|daily|monthly|untreated|no|intervention|patients|cohort|q\d*[dwm]|qd|bid|tid|[\d.]+\s*(?:mg|ml|"
    r"mg/kg|kg|%)?)\b"
)
# a name for a control of any kind: "Control", "Controls", "Control group", "Comparator"
_ANY_CONTROL = re.compile(r"(?:controls?|comparators?)(?: (?:group|arm)s?)?")


def says_standard(words: str) -> bool:
    """Whether a text names standard, usual, routine, conventional or background care."""
    return re.search(dict(CONTROL_WORDS)["standard-care"], words.casefold()) is not None


def control_word(words: str) -> str | None:
    """The control a label or name says it is (placebo, sham, standard care), if any."""
    if _COMBINED.search(words):
        return None
    folded = words.casefold()
    return next((name for name, pattern in CONTROL_WORDS if re.search(pattern, folded)), None)


def only_control(label: str) -> bool:
    """Whether a label names a control and nothing else ("Placebo qw", "Saline 0.9% IV"; not
    "Saline-washed MSC")."""
    return control_word(label) is not None and not re.sub(
        r"[\W_]+", "", _FILLER.sub(" ", label.casefold())
    )


def names_control(name: str | None, comparator: str | None = None) -> bool:
    """Whether a results group's name is a control arm: a control of any kind ("Control
    group"), one control and nothing else ("Placebo", "Usual care", "Saline"), or the design's
    comparator text; case and spacing ignored."""
    folded, other = (" ".join((text or "").casefold().split()) for text in (name, comparator))
    return bool(folded) and (
        folded == other or _ANY_CONTROL.fullmatch(folded) is not None or only_control(folded)
    )
