"""Closed vocabularies of the descriptor (ClinicalTrials.gov v2 values where they fit).

Plain typing only, so the CLI can offer them as choices without importing pydantic.
"""

from typing import Literal

SCHEMA_VERSION = 3  # bump when descriptors change shape (the index is rebuilt)
MAX_PEOPLE = 10**10  # a count of people (or animals, or events among them) is below this

Kind = Literal["clinical", "preclinical", "expert-opinion"]
DesignType = Literal[
    "systematic-review",
    "randomized-trial",
    "non-randomized-trial",
    "single-group-trial",
    "prospective-cohort",
    "retrospective-cohort",
    "case-series",
    "observational-study",
    "animal-study",
    "laboratory-study",
    "expert-opinion",
    "unknown",  # the source does not state the design: no evidence level (null)
]
Allocation = Literal["RANDOMIZED", "NON_RANDOMIZED", "NA"]
Masking = Literal["NONE", "SINGLE", "DOUBLE", "TRIPLE", "QUADRUPLE"]
Phase = Literal["EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4", "NA"]
OverallStatus = Literal[
    "NOT_YET_RECRUITING",
    "RECRUITING",
    "ENROLLING_BY_INVITATION",
    "ACTIVE_NOT_RECRUITING",
    "SUSPENDED",
    "TERMINATED",
    "COMPLETED",
    "WITHDRAWN",
    "UNKNOWN",
]
Control = Literal[
    "placebo",
    "sham",
    "untreated",
    "standard-care",
    "active",
    "alternative-delivery",
    "delayed-start",
    "none",
]
ArmRole = Literal[
    "EXPERIMENTAL",
    "ACTIVE_COMPARATOR",
    "PLACEBO_COMPARATOR",
    "SHAM_COMPARATOR",
    "NO_INTERVENTION",
    "OTHER",
]
Species = Literal["human", "mouse", "rat", "pig", "non-human primate", "other"]
CellType = Literal[
    "msc", "hsc", "ipsc-derived", "esc-derived", "fetal-precursor", "bone-marrow-cells", "other"
]
TissueOrigin = Literal[
    "bone-marrow",
    "peripheral-blood",
    "umbilical-cord",
    "adipose",
    "embryonic-tissue",
    "other",
]
CellSource = Literal["autologous", "allogeneic", "xenogeneic"]
SourceKind = Literal[
    "paper",
    "preprint",
    "abstract",
    "registry",
    "review",
    "news",
    "video",
    "web-page",
    "library-record",
    "forum-copy",
]
EffectMeasure = Literal[
    "hazard-ratio",
    "odds-ratio",
    "risk-ratio",
    "risk-difference",
    "rate-ratio",
    "mean-difference",
    "standardized-mean-difference",
    "median-difference",
    "other",
]
EventsAre = Literal["harmful", "desirable"]
Statistic = Literal["mean", "median", "proportion", "other"]
MeasuredAs = Literal["final", "change"]  # final values, or change from baseline
AssessedBy = Literal["participant", "clinician", "blinded-assessor", "objective"]
RiskLevel = Literal["low", "some-concerns", "high", "not-reported"]  # RoB 2 judgements
# unknown: the source does not say whether results exist (e.g. a partial registry record)
Results = Literal["published", "pending", "not-applicable", "unknown"]
DESIGN_KIND = {
    "animal-study": "preclinical",
    "laboratory-study": "preclinical",
    "expert-opinion": "expert-opinion",
}
