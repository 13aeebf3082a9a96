"""Evidence assessment computed from a descriptor: level, starting certainty, caution flags.

Pure functions, no I/O. The rules are written out in README.md ("How the evidence is
graded"); each step is explained in the flag reasons shown to users.

- level: Oxford CEBM 2011, "does this intervention help?" (1 strongest ... 5 weakest).
- certainty: the GRADE *starting point* for the design, not a full GRADE rating; a study
  without results (``results`` other than ``published``) has none to claim.
- an unknown design (``design.type: unknown``) has no level (None, ``null`` in JSON).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from .controls import CONTROLLED

if TYPE_CHECKING:
    from ..model.descriptor import Study


SMALL_SAMPLE = 50
SHORT_FOLLOW_UP_MONTHS = 12

ANIMALS = {"mouse": "mice", "rat": "rats", "pig": "pigs", "non-human primate": "monkeys or apes"}

LEVEL_MEANING = {
    1: "systematic review of randomized trials",
    2: "randomized trial with a control group",
    3: "controlled study without randomization",
    4: "uncontrolled study (case series or cohort without a comparison group)",
    5: "animal or laboratory study, expert opinion or reasoning from mechanism",
    None: "unknown: the design is not stated, or nobody took part",
}
NO_RESULTS = "not applicable: no results"
RESULTS_UNKNOWN = "not applicable: results unknown"
DESIGN_UNKNOWN = "not applicable: design unknown"
NOBODY_ENROLLED = "not applicable: nobody took part"
RETROSPECTIVE = "time perspective RETROSPECTIVE"  # as the importer writes the registered design

CAUTION = {
    "animal-only": "animal study",
    "expert-opinion": "opinion, not a study",
    "no-control": "no control group",
    "not-randomized": "not randomized",
    "not-blinded": "not blinded",
    "retrospective": "retrospective",
    "small-sample": "small sample",
    "short-follow-up": "short follow-up",
    "no-results": "no results yet",
    "withdrawn": "withdrawn",
    "terminated": "stopped early",
    "design-unknown": "design unknown",
    "results-unknown": "results unknown",
    "sources-disagree": "sources disagree",
}


@dataclass(frozen=True)
class Flag:
    """A caution with a one-sentence reason for a non-specialist."""

    code: str
    reason: str


@dataclass(frozen=True)
class Evidence:
    """The computed assessment of one descriptor."""

    level: int | None  # None: the design is unknown
    certainty: str
    flags: tuple[Flag, ...]

    def as_dict(self) -> dict:
        """JSON shape: {"level", "certainty", "flags": [{"code", "reason"}]}."""
        return {
            "level": self.level,
            "certainty": self.certainty,
            "flags": [asdict(f) for f in self.flags],
        }

    @property
    def codes(self) -> list[str]:
        """The flag codes, in order."""
        return [f.code for f in self.flags]


def randomized(allocation: str | None, design_type: str) -> bool:
    """Whether a design with this allocation and type allocated participants at random (also
    read off a stored record's ``design``)."""
    return allocation == "RANDOMIZED" or design_type == "randomized-trial"


def is_randomized(study: Study) -> bool:
    """Whether participants were allocated at random."""
    return randomized(study.design.allocation, study.design.type)


def has_control(study: Study) -> bool:
    """Whether a comparison group got something other than the same treatment."""
    return study.design.control in CONTROLLED


def level_text(value: int | None) -> str:
    """``2`` or ``?`` (unknown design)."""
    return "?" if value is None else str(value)


# The level in a word, so that nobody reads "4" as a good score out of five.
LEVEL_WORD = {1: "strongest", 2: "strong", 3: "moderate", 4: "weak", 5: "weakest"}
LEVEL_SCALE = (
    "Level: "
    + " · ".join(f"{n} {word}" for n, word in LEVEL_WORD.items())
    + " (Oxford CEBM 2011: how strong the design is, not a score)"
)


def level_word(level: str | int | None) -> str:
    """``4 · weak``; ``unknown`` when the design is not stated (``?``)."""
    text = str(level) if level is not None else "?"
    if not text.isdigit() or int(text) not in LEVEL_WORD:
        return "unknown"
    return f"{text} · {LEVEL_WORD[int(text)]}"


def level_label(level: str | int | None) -> str:
    """``level 4 · weak``; ``level unknown`` when the design is not stated (``?``)."""
    return f"level {level_word(level)}"


def nobody_enrolled(study: Study) -> bool:
    """A withdrawn study (stopped before anyone took part), unless it counts people enrolled."""
    registration = study.registration
    withdrawn = registration is not None and registration.status == "WITHDRAWN"
    return withdrawn and not study.population.n


def level(study: Study) -> int | None:
    """Oxford CEBM 2011 level for treatment benefit; None when the design is unknown or
    nobody took part (no evidence)."""
    if study.design.type == "unknown" or nobody_enrolled(study):
        return None
    if study.kind != "clinical":
        return 5
    if study.design.type == "systematic-review":
        return 1
    if has_control(study):
        return 2 if is_randomized(study) else 3
    return 4


def certainty(study: Study) -> str:
    """GRADE starting certainty for the design."""
    if study.kind == "expert-opinion":
        return "not applicable"
    if study.kind == "preclinical":
        return "very low"
    if nobody_enrolled(study):
        return NOBODY_ENROLLED
    if study.results == "unknown":
        return RESULTS_UNKNOWN
    if study.results != "published":
        return NO_RESULTS
    found = level(study)
    if found is None:
        return DESIGN_UNKNOWN
    if found <= 2:
        return "high"
    return "low"


def flags(study: Study) -> tuple[Flag, ...]:
    """Caution flags, each with its reason."""
    out: list[Flag] = []
    add = lambda code, reason: out.append(Flag(code, reason))  # noqa: E731
    design = study.design
    if study.kind == "preclinical":
        who = ANIMALS.get(study.population.species or "", "animals")
        add("animal-only", f"Only {who} were treated; results in animals often fail in people.")
    if study.kind == "expert-opinion":
        add("expert-opinion", "This is one expert's view, not a study with patients or data.")
    if design.type == "unknown":
        add("design-unknown", _unknown_design_reason(study))
    elif study.kind == "clinical" and not nobody_enrolled(study):  # no evidence to caution
        if not has_control(study):
            why = (
                "Patients were only randomized between two ways of giving the same treatment, "
                "with no untreated or standard-care group"
                if design.control == "alternative-delivery"
                else "There was no comparison group"
            )
            add(
                "no-control",
                f"{why}, so any improvement cannot be told apart from chance, placebo effects "
                "or the natural course of the disease.",
            )
        elif not is_randomized(study):
            add(
                "not-randomized",
                "Groups were not assigned at random, so they may have differed from the start.",
            )
    if study.kind == "clinical" and not nobody_enrolled(study):
        if design.masking == "NONE":
            add(
                "not-blinded",
                "The people assessing the results knew who was treated, which "
                "can bias their judgement.",
            )
        registered = study.registration.design_as_registered if study.registration else None
        if design.type == "retrospective-cohort" or RETROSPECTIVE in (registered or ""):
            add(
                "retrospective",
                "Records were looked at after the fact, so data may be missing "
                "and patients were not selected by a plan.",
            )
        n = study.population.n
        if n and n < SMALL_SAMPLE:
            planned = study.population.n_type == "ESTIMATED"
            add(
                "small-sample",
                f"Only {n} people {'are planned to take' if planned else 'took'} part "
                f"(fewer than {SMALL_SAMPLE}), so results could easily be due to chance.",
            )
        months = design.follow_up.months
        if study.condition.chronic and months is not None and months < SHORT_FOLLOW_UP_MONTHS:
            add(
                "short-follow-up",
                f"Follow-up was about {months:g} months, short for a lifelong "
                "condition; benefits may not last.",
            )
    status = study.registration.status if study.registration else None
    stopped = study.registration.why_stopped if study.registration else None
    because = (
        f" The registry gives the reason: {stopped.rstrip('.')}."
        if stopped
        else " No reason is given."
    )
    if status == "WITHDRAWN":
        add("withdrawn", "The study was withdrawn before anyone took part." + because)
    if status == "TERMINATED":
        add("terminated", "The study was stopped early." + because)
    if study.results == "pending":
        add(
            "no-results",
            "The study is completed but has posted no results yet."
            if status == "COMPLETED"
            else "The trial is registered but has not published results yet.",
        )
    if study.results == "unknown":
        add(
            "results-unknown",
            "The record does not say whether results were posted; check the registry.",
        )
    if study.discrepancies:
        add(
            "sources-disagree",
            f"The sources disagree on {len(study.discrepancies)} point(s); see the discrepancies.",
        )
    return tuple(out)


def _unknown_design_reason(study: Study) -> str:
    """Why the level is unknown: the design note when there is one."""
    note = study.design.allocation_note
    why = f" ({note.rstrip('.')})" if note else ""
    return f"The design is not stated{why}, so how strong this evidence is cannot be judged."


def assess(study: Study) -> Evidence:
    """The full assessment of one study."""
    return Evidence(level(study), certainty(study), flags(study))
