"""Risk of bias of one outcome of one study, by the five domains of the Cochrane RoB 2 tool.

Each domain is judged low, some concerns, high or not reported. A judgement the descriptor
gives (for the study, or overridden for the outcome) is used as given; a domain it leaves out
is derived from what the descriptor says, and marked derived:

* randomization: not randomized -> high; randomized -> some concerns (allocation
  concealment is not stated); design unknown -> not reported;
* deviations from intended interventions: masking none -> some concerns (open label);
  double-blind or more -> low; single-blind -> some concerns; not stated -> not reported;
* missing outcome data and selection of the reported result: not reported (the descriptor
  does not say);
* measurement of the outcome: low for objective outcomes (death, laboratory values) and for
  outcomes read by blinded assessors; for outcomes that knowing the treatment can influence
  (participant-reported and clinician-rated, and any outcome whose assessor is not stated):
  masking none -> high, not stated or single-blind -> some concerns, double-blind or more ->
  low.

Overall (RoB 2): high when any domain is high; else some concerns when any domain has some
concerns or is not reported; else low.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..model.descriptor import Study
    from ..model.outcome import Judgement, Outcome, RiskOfBias

DOMAINS = {
    "randomization": "randomization process",
    "deviations": "deviations from intended interventions",
    "missing_data": "missing outcome data",
    "measurement": "measurement of the outcome",
    "reporting": "selection of the reported result",
}
LEVELS = ("low", "some-concerns", "high", "not-reported")
BLINDED = {"DOUBLE", "TRIPLE", "QUADRUPLE"}
NOT_SAID = "not-reported"


def judge(study: Study, outcome: Outcome | None = None) -> dict[str, Any]:
    """The five domains for ``outcome`` of ``study`` (the study's own judgements when no
    outcome is given), each ``{judgement, note, derived}``, and the ``overall`` judgement."""
    given = _given(study.risk_of_bias, outcome.risk_of_bias if outcome else None)
    derived = _derived(study, outcome)
    domains: dict[str, dict[str, Any]] = {}
    for name in DOMAINS:
        found = given.get(name)
        if found is not None:
            domains[name] = {
                "judgement": found.judgement,
                "note": found.note,
                "source": found.source,
                "derived": False,
            }
        else:
            judgement, note = derived[name]
            domains[name] = {"judgement": judgement, "note": note, "source": None, "derived": True}
    return {"domains": domains, "overall": overall(d["judgement"] for d in domains.values())}


def overall(judgements: Any) -> str:
    """RoB 2's overall judgement from the domains' judgements."""
    found = set(judgements)
    if "high" in found:
        return "high"
    if found & {"some-concerns", NOT_SAID}:
        return "some-concerns"
    return "low"


def _given(study: RiskOfBias | None, outcome: RiskOfBias | None) -> dict[str, Judgement]:
    found: dict[str, Judgement] = {}
    for judged in (study, outcome):  # the outcome's own judgements win
        if judged is not None:
            found |= {name: value for name, value in judged if value is not None}
    return found


def _derived(study: Study, outcome: Outcome | None) -> dict[str, tuple[str, str]]:
    design = study.design
    masking = design.masking
    if design.type == "unknown":
        randomization = (NOT_SAID, "the design is not stated")
    elif design.allocation == "RANDOMIZED" or design.type == "randomized-trial":
        randomization = ("some-concerns", "randomized, but allocation concealment is not stated")
    else:
        randomization = ("high", "participants were not randomized")
    if masking is None:
        deviations = (NOT_SAID, "blinding is not stated")
    elif masking in BLINDED:
        deviations = ("low", f"{masking.lower()}-blind")
    elif masking == "SINGLE":
        deviations = ("some-concerns", "single-blind: carers may have known the treatment")
    else:
        deviations = ("some-concerns", "open label: participants and carers knew the treatment")
    return {
        "randomization": randomization,
        "deviations": deviations,
        "missing_data": (NOT_SAID, "losses to follow-up are not stated"),
        "measurement": _measurement(masking, outcome.assessed_by if outcome else None),
        "reporting": (NOT_SAID, "whether the analysis followed a prespecified plan is not stated"),
    }


def _measurement(masking: str | None, assessed_by: str | None) -> tuple[str, str]:
    if assessed_by == "objective":
        return "low", "an objective outcome: knowing the treatment cannot change it"
    if assessed_by == "blinded-assessor":
        return "low", "assessed by people who did not know the treatment"
    who = {"participant": "reported by participants", "clinician": "rated by clinicians"}.get(
        assessed_by or "", "its assessor is not stated"
    )
    if masking in BLINDED:
        return "low", f"{who}, with the treatment masked"
    if masking == "NONE":
        return "high", f"{who}, who knew the treatment: knowing it can sway the result"
    if masking == "SINGLE":
        return "some-concerns", f"{who}; single-blind: who was blinded is not stated"
    return "some-concerns", f"{who}; whether anyone was blinded is not stated"
