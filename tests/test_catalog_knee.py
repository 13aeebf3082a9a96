"""The knee-osteoarthritis studies of the bundled catalog: their key figures as the facts sheet
gives them, read back through `stemcell show ID --json`, so an edit that changes a number fails."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import invoke

KNEE_IDS = {
    "koa-lamo-espinosa-2016",
    "koa-vega",
    "koa-gupta",
    "koa-bmsc-saline-2018",
    "koa-kuah",
    "koa-lee-2019",
    "koa-lu",
    "koa-bmsc-prgf-2020",
    "koa-chen",
    "koa-lee-2025",
}

# id: (participants, [(arm key, n)], control, masking, NCT id)
DESIGNS: dict[str, tuple[int, list[tuple[str, int | None]], str, str | None, str | None]] = {
    "koa-lamo-espinosa-2016": (
        30,
        [("ha", 10), ("low-dose", 10), ("high-dose", 10)],
        "active",
        None,
        "NCT02123368",
    ),
    "koa-vega": (30, [("msc", 15), ("ha", 15)], "active", "DOUBLE", "NCT01586312"),
    "koa-gupta": (
        60,
        [
            ("placebo", None),
            ("cells-25m", None),
            ("cells-50m", None),
            ("cells-75m", None),
            ("cells-150m", None),
        ],
        "placebo",
        None,
        None,
    ),
    "koa-bmsc-saline-2018": (43, [("msc", 19), ("placebo", 24)], "placebo", "TRIPLE", None),
    "koa-kuah": (20, [("placebo", 4), ("prg-3-9m", 8), ("prg-6-7m", 8)], "placebo", "DOUBLE", None),
    "koa-lee-2019": (24, [("msc", 12), ("saline", 12)], "placebo", "DOUBLE", None),
    "koa-lu": (53, [("rejoin", None), ("ha", None)], "active", "DOUBLE", "NCT02162693"),
    "koa-bmsc-prgf-2020": (60, [("prgf", None), ("msc-prgf", None)], "active", None, None),
    "koa-chen": (
        57,
        [("ha", None), ("elixcyte-low", None), ("elixcyte-mid", None), ("elixcyte-high", None)],
        "active",
        "SINGLE",
        "NCT02784964",
    ),
    "koa-lee-2025": (24, [("msc", None), ("saline", None)], "placebo", "DOUBLE", None),
}

# id: [(endpoint, group, timepoint, statistic, value, spread, measured_as, source)]; spread is
# the SD for means and (lower, upper) of the IQR for medians.
ESTIMATES: dict[str, list[tuple[str, str, str, str, float, Any, str, str]]] = {
    # 2020 BM-MSC + PRGF: VAS (abstract) and WOMAC overall (Table 3), mean (SD)
    "koa-bmsc-prgf-2020": [
        ("knee-pain", "prgf", "12 months", "mean", 4.5, 2.2, "final", "paper"),
        ("knee-pain", "msc-prgf", "12 months", "mean", 3.5, 2.5, "final", "paper"),
        ("knee-function", "prgf", "12 months", "mean", 22.3, 15.8, "final", "table-3"),
        ("knee-function", "msc-prgf", "12 months", "mean", 23.0, 16.6, "final", "table-3"),
        ("womac-total-6-months", "prgf", "6 months", "mean", 23, 15, "final", "table-3"),
        ("womac-total-6-months", "msc-prgf", "6 months", "mean", 21.3, 16.6, "final", "table-3"),
        ("womac-pain", "prgf", "12 months", "mean", 4.5, 3.2, "final", "table-3"),
        ("womac-pain", "msc-prgf", "12 months", "mean", 4.1, 3.6, "final", "table-3"),
        ("womac-function", "prgf", "12 months", "mean", 15.5, 11.9, "final", "table-3"),
        ("womac-function", "msc-prgf", "12 months", "mean", 16.7, 11.6, "final", "table-3"),
    ],
    # Lee 2025: change from baseline at 9 months, mean ± (presumably SD)
    "koa-lee-2025": [
        ("knee-function", "msc", "9 months", "mean", -5.0, 3.6, "change", "pubmed"),
        ("knee-function", "saline", "9 months", "mean", -0.1, 5.5, "change", "pubmed"),
        ("koos", "msc", "9 months", "mean", 23.9, 18.3, "change", "pubmed"),
        ("koos", "saline", "9 months", "mean", 7.2, 15.9, "change", "pubmed"),
    ],
    # Lamo-Espinosa 2016: medians (IQR) only
    "koa-lamo-espinosa-2016": [
        ("knee-pain", "ha", "12 months", "median", 4, (3, 5), "final", "pubmed"),
        ("knee-pain", "low-dose", "12 months", "median", 2, (1, 3), "final", "pubmed"),
        ("knee-pain", "high-dose", "12 months", "median", 2, (0, 4), "final", "pubmed"),
        ("knee-function", "ha", "12 months", "median", 13.5, (8, 33), "final", "paper"),
        ("knee-function", "low-dose", "12 months", "median", 21.5, (15, 26), "final", "paper"),
        ("knee-function", "high-dose", "12 months", "median", 16.5, (12, 19), "final", "paper"),
        ("womac-total-6-months", "ha", "6 months", "median", 10, (4, 20), "final", "paper"),
        ("joint-space-width", "ha", "12 months", "median", -4, (-18, 0), "change", "paper"),
    ],
}

# (id, endpoint, group, p value as published)
P_VALUES = [
    ("koa-lamo-espinosa-2016", "knee-pain", "low-dose", "0.005"),
    ("koa-lamo-espinosa-2016", "knee-pain", "high-dose", "<0.009"),
    ("koa-bmsc-prgf-2020", "knee-pain", "prgf", "0.389"),
    ("koa-bmsc-prgf-2020", "knee-pain", "msc-prgf", "0.01"),
    ("koa-lee-2025", "knee-function", "msc", "0.02"),
    ("koa-lee-2025", "koos", "msc", "0.028"),
]

# (id, measure, group, events, total): the safety counts the sheet gives
COUNTS = [
    ("koa-kuah", "Patients with at least one treatment-emergent adverse event", None, 20, 20),
    ("koa-kuah", "Serious adverse events", None, 0, 20),
]

# id: baseline characteristics, as printed (Kuah: Table 2, mean ± SD)
BASELINES = {
    "koa-kuah": [
        "43.8 ± 7.41 (placebo), 57.0 ± 13.82 (3.9 million), 60.8 ± 13.01 (6.7 million)",
        "6.3 ± 3.86, 6.6 ± 2.07, 7.9 ± 3.04",
        "16.7 ± 10.69, 22.0 ± 9.80, 26.8 ± 10.20",
    ],
}

# id: words that must appear in a safety finding (serious events and deaths, as the sheet says)
SAFETY = {
    "koa-lamo-espinosa-2016": "No adverse effects",
    "koa-bmsc-saline-2018": "No major adverse events",
    "koa-kuah": "no serious adverse events",
    "koa-lee-2019": "No serious adverse events in either group",
    "koa-lu": "right knee joint infection, was in the HA group",
    "koa-bmsc-prgf-2020": "No adverse effects",
    "koa-chen": "no deaths",
    "koa-lee-2025": "No serious adverse events",
}


@pytest.fixture(scope="module")
def shown() -> dict[str, dict[str, Any]]:
    """`stemcell show ID --json` for every knee study, read once."""
    out = {}
    for study_id in sorted(KNEE_IDS):
        result = invoke("show", study_id, "--json")
        assert result.exit_code == 0, result.stderr
        out[study_id] = json.loads(result.stdout)
    return out


def _outcome(study: dict[str, Any], endpoint: str, group: str | None) -> dict[str, Any]:
    (found,) = [
        o for o in study["outcomes"] if o["endpoint"] == endpoint and o["group"] == group
    ] or [o for o in study["outcomes"] if o["measure"] == endpoint and o["group"] == group]
    return found


def test_condition_filters_find_all_ten_knee_studies() -> None:
    for words in ("knee osteoarthritis", "osteoarthritis", "knee OA"):
        result = invoke("list", "--condition", words, "--json")
        assert result.exit_code == 0, result.stderr
        assert {r["id"] for r in json.loads(result.stdout)} == KNEE_IDS, words


@pytest.mark.parametrize("study_id", sorted(DESIGNS))
def test_design_arms_and_size(shown: dict[str, dict[str, Any]], study_id: str) -> None:
    n, arms, control, masking, nct = DESIGNS[study_id]
    study = shown[study_id]
    assert study["population"]["n"] == n
    assert [(a["key"], a["n"]) for a in study["arms"]] == arms
    assert study["design"]["allocation"] == "RANDOMIZED"
    assert study["design"]["control"] == control
    assert study["design"]["masking"] == masking
    assert ((study["registration"] or {}).get("nct_id")) == nct
    assert study["condition"]["chronic"] is True


@pytest.mark.parametrize(
    ("study_id", "endpoint", "group", "timepoint", "statistic", "value", "spread", "as_", "source"),
    [(study_id, *row) for study_id, rows in ESTIMATES.items() for row in rows],
)
def test_per_arm_estimates_as_published(
    shown: dict[str, dict[str, Any]],
    study_id: str,
    endpoint: str,
    group: str,
    timepoint: str,
    statistic: str,
    value: float,
    spread: Any,
    as_: str,
    source: str,
) -> None:
    outcome = _outcome(shown[study_id], endpoint, group)
    estimate = outcome["estimate"]
    assert outcome["timepoint"] == timepoint and outcome["source"] == source
    assert (estimate["statistic"], estimate["value"]) == (statistic, value)
    assert estimate["measured_as"] == (as_ or None)
    if statistic == "mean":
        assert estimate["sd"] == spread and estimate["iqr"] is None
    else:
        assert (estimate["iqr"]["lower"], estimate["iqr"]["upper"]) == spread
        assert estimate["sd"] is None


@pytest.mark.parametrize(("study_id", "endpoint", "group", "p_value"), P_VALUES)
def test_p_values_as_published(
    shown: dict[str, dict[str, Any]], study_id: str, endpoint: str, group: str, p_value: str
) -> None:
    assert _outcome(shown[study_id], endpoint, group)["p_value"] == p_value


@pytest.mark.parametrize(("study_id", "measure", "group", "events", "total"), COUNTS)
def test_safety_counts(
    shown: dict[str, dict[str, Any]],
    study_id: str,
    measure: str,
    group: str | None,
    events: int,
    total: int,
) -> None:
    outcome = _outcome(shown[study_id], measure, group)
    assert outcome["counts"] == {"events": events, "total": total}
    assert outcome["primary"] is True and outcome["events_are"] == "harmful"


@pytest.mark.parametrize(("study_id", "figures"), [(k, f) for k, v in BASELINES.items() for f in v])
def test_baseline_figures(shown: dict[str, dict[str, Any]], study_id: str, figures: str) -> None:
    assert any(figures in line for line in shown[study_id]["population"]["baseline"])


@pytest.mark.parametrize("study_id", sorted(SAFETY))
def test_safety_findings(shown: dict[str, dict[str, Any]], study_id: str) -> None:
    texts = [f["text"] for f in shown[study_id]["safety"]]
    assert any(SAFETY[study_id] in text for text in texts), texts


def test_medians_and_unconfirmed_arm_sizes_cannot_be_pooled_as_means(
    shown: dict[str, dict[str, Any]],
) -> None:
    """The sheet's bottom line: no knee trial gives per-arm mean, SD and n on a primary page."""
    poolable = [
        (study_id, o["group"])
        for study_id, study in shown.items()
        for o in study["outcomes"]
        if o["endpoint"] in {"knee-pain", "knee-function"}
        and o["estimate"]
        and o["estimate"]["statistic"] == "mean"
        and o["estimate"]["sd"] is not None
        and o["estimate"]["n"] is not None
    ]
    assert poolable == []
    result = invoke("pool", "--condition", "knee osteoarthritis")
    assert "Traceback" not in result.stderr
    if result.exit_code:  # nothing to pool: one line that says why
        assert result.exit_code == 1
        (why,) = [line for line in result.stderr.splitlines() if "error" in line]
        assert why.startswith("stemcell: error: nothing to pool")


@pytest.mark.parametrize("study_id", sorted(KNEE_IDS))
def test_every_study_lists_what_is_missing_and_where_it_comes_from(
    shown: dict[str, dict[str, Any]], study_id: str
) -> None:
    study = shown[study_id]
    assert study["not_available"] and study["limitations"] and study["provenance"]
    assert "FACTS" not in study["provenance"]
    keys = {s["key"] for s in study["sources"]}
    assert {o["source"] for o in study["outcomes"]} <= keys
    assert not any(s["url"] and "47.251.13.51" in s["url"] for s in study["sources"])


def test_pubmed_copy_is_cited_as_pubmed(shown: dict[str, dict[str, Any]]) -> None:
    study = shown["koa-lee-2025"]
    (pubmed,) = [s for s in study["sources"] if s["key"] == "pubmed"]
    assert pubmed["url"] == "https://pubmed.ncbi.nlm.nih.gov/39874108/"
    assert "47.251.13.51:8081/39874108" in pubmed["note"] and not pubmed["secondary"]
    assert study["publication"]["authors"] == ["Bong-Woo Lee", "..."]


@pytest.mark.parametrize(
    ("study_id", "key"),
    [
        ("koa-lamo-espinosa-2016", "review"),
        ("koa-lamo-espinosa-2016", "registry-mirror"),
        ("koa-vega", "registry-results"),
        ("koa-bmsc-prgf-2020", "review-2022"),
        ("koa-bmsc-prgf-2020", "copp-2023"),
        ("koa-chen", "registry"),
        ("koa-lee-2025", "catalogue"),
    ],
)
def test_second_hand_sources_are_marked_secondary(
    shown: dict[str, dict[str, Any]], study_id: str, key: str
) -> None:
    (source,) = [s for s in shown[study_id]["sources"] if s["key"] == key]
    assert source["secondary"] is True


def test_disputed_arm_sizes_are_recorded_not_resolved(shown: dict[str, dict[str, Any]]) -> None:
    (dispute,) = shown["koa-bmsc-prgf-2020"]["discrepancies"]
    says = {c["source"]: c["says"] for c in dispute["claims"]}
    assert "24" in says["review-2022"] and "26" in says["review-2022"]
    assert "28 and 28" in says["copp-2023"]
