"""The descriptor model: strict, closed, and faithful to the published numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DROP, invoke, make_study, write_study
from pydantic import ValidationError

from stemcell_cli.model.descriptor import Study, descriptor_schema
from stemcell_cli.store.catalog import load_catalog
from stemcell_cli.store.loader import load_study
from stemcell_cli.views.record import study_record


def errors(**overrides) -> list[tuple[tuple, str, str]]:
    """(loc, type, message) of every validation error for a descriptor with these overrides."""
    with pytest.raises(ValidationError) as info:
        Study.model_validate(make_study(**overrides))
    return [(tuple(e["loc"]), e["type"], e["msg"]) for e in info.value.errors()]


def test_minimal_descriptor_is_valid_with_documented_defaults() -> None:
    study = Study.model_validate(make_study())
    assert study.id == "demo-study"
    assert study.results == "published"
    assert study.condition.chronic is True
    assert study.outcomes == [] and study.discrepancies == []


@pytest.mark.parametrize(
    ("overrides", "loc"),
    [
        ({"colour": "red"}, ("colour",)),
        ({"design__blinded": True}, ("design", "blinded")),
        ({"condition__aliases": ["x"]}, ("condition", "aliases")),
        ({"population__n_per_arm": 3}, ("population", "n_per_arm")),
    ],
)
def test_unknown_key_is_rejected(overrides: dict, loc: tuple) -> None:
    assert (loc, "extra_forbidden") in [(lo, ty) for lo, ty, _ in errors(**overrides)]


@pytest.mark.parametrize(
    ("overrides", "loc"),
    [
        ({"kind": "observational"}, ("kind",)),
        ({"results": "maybe"}, ("results",)),
        ({"design__type": "rct"}, ("design", "type")),
        ({"design__control": "nothing"}, ("design", "control")),
        ({"design__masking": "BLIND"}, ("design", "masking")),
        ({"design__allocation": "random"}, ("design", "allocation")),
        ({"design__phases": ["PHASE9"]}, ("design", "phases", 0)),
        ({"population__species": "dog"}, ("population", "species")),
        ({"intervention__cell_source": "donor"}, ("intervention", "cell_source")),
        ({"intervention__cell_type": "stem"}, ("intervention", "cell_type")),
        ({"sources": [{"key": "paper", "kind": "blog"}]}, ("sources", 0, "kind")),
    ],
)
def test_closed_enumerations_reject_other_values(overrides: dict, loc: tuple) -> None:
    assert (loc, "literal_error") in [(lo, ty) for lo, ty, _ in errors(**overrides)]


@pytest.mark.parametrize("bad_id", ["MS-HSCT", "ms_hsct", "-ms", "ms--hsct", "ms hsct", ""])
def test_id_must_be_a_lowercase_slug(bad_id: str) -> None:
    assert any(lo == ("id",) for lo, _, _ in errors(id=bad_id))


def test_file_name_must_equal_id(tmp_path: Path) -> None:
    path = write_study(tmp_path, name="other-name.yaml")
    study, problems = load_study(path, expect_id="other-name")
    assert study is None
    assert [str(p) for p in problems] == [
        f"{path}:1:5: id: id 'demo-study' does not match the file name 'other-name.yaml'"
    ]
    catalog = load_catalog([tmp_path])
    assert catalog.entries == {}
    assert [p.field for p in catalog.problems] == ["id"]


@pytest.mark.parametrize(
    "p_value", ["0.0081", "<0.001", "< 0.05", "<=0.01", "=0.5", ".05", "0", "1"]
)
def test_p_value_pattern_accepts_published_forms(p_value: str) -> None:
    outcome = {"measure": "m", "statement": "s", "p_value": p_value, "source": "paper"}
    assert Study.model_validate(make_study(outcomes=[outcome])).outcomes[0].p_value == p_value


@pytest.mark.parametrize("p_value", ["p<0.05", "0.05%", "1.5", "abc", "-0.1", "NS", "<<0.1"])
def test_p_value_pattern_rejects_other_text(p_value: str) -> None:
    outcome = {"measure": "m", "statement": "s", "p_value": p_value, "source": "paper"}
    locs = [lo for lo, _, _ in errors(outcomes=[outcome])]
    assert ("outcomes", 0, "p_value") in locs


@pytest.mark.parametrize(
    ("counts", "ok"),
    [
        ({"events": 9, "total": 11}, True),
        ({"events": 10, "total": 10}, True),
        ({"events": 0, "total": 10}, True),
        ({"events": 12, "total": 11}, False),
        ({"events": 0, "total": 0}, False),
        ({"events": -1, "total": 10}, False),
    ],
)
def test_counts_events_cannot_exceed_total(counts: dict, ok: bool) -> None:
    outcome = {"measure": "m", "counts": counts, "source": "paper"}
    if ok:
        assert Study.model_validate(make_study(outcomes=[outcome])).outcomes[0].counts.total
    else:
        assert any(lo[:3] == ("outcomes", 0, "counts") for lo, _, _ in errors(outcomes=[outcome]))


@pytest.mark.parametrize(
    ("estimate", "ok"),
    [
        ({"value": 85.5, "unit": "%"}, True),
        ({"baseline": 9.02, "final": 7.52}, True),
        ({"unit": "%", "method": "Kaplan-Meier"}, False),
        ({"baseline": 9.02}, False),
        ({"interval": {"lower": 1, "upper": 2}}, False),
    ],
)
def test_estimate_needs_a_number(estimate: dict, ok: bool) -> None:
    outcome = {"measure": "m", "estimate": estimate, "source": "paper"}
    if ok:
        Study.model_validate(make_study(outcomes=[outcome]))
    else:
        found = errors(outcomes=[outcome])
        assert any(
            lo == ("outcomes", 0, "estimate") and "give a value" in msg for lo, _, msg in found
        )


def test_outcome_needs_some_result() -> None:
    found = errors(outcomes=[{"measure": "m", "source": "paper"}])
    assert any("give counts, an estimate, an effect or a statement" in m for _, _, m in found)


def test_interval_bounds_must_be_ordered() -> None:
    outcome = {
        "measure": "m",
        "estimate": {"value": 5, "interval": {"lower": 9, "upper": 1}},
        "source": "paper",
    }
    assert any("lower bound is above" in m for _, _, m in errors(outcomes=[outcome]))


def test_expert_opinion_needs_an_opinion_section() -> None:
    overrides = {"kind": "expert-opinion", "design": {"type": "expert-opinion"}}
    found = errors(intervention=DROP, **overrides)
    assert any("needs an 'opinion' section" in m for _, _, m in found)
    opinion = {"question": "Does it work?", "expert": "Dr X", "answer_gist": "Too early to say."}
    assert Study.model_validate(make_study(intervention=DROP, opinion=opinion, **overrides))


def test_clinical_study_must_state_its_control() -> None:
    found = errors(design__control=DROP)
    assert any("design.control" in m for _, _, m in found)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"intervention": DROP}, "intervention: a study needs an 'intervention' section"),
        ({"design__type": "animal-study"}, "kind: design.type animal-study needs kind preclinical"),
        ({"population__species": "mouse"}, "kind: a study in animals is kind preclinical"),
    ],
)
def test_cross_field_rules_name_their_field(overrides: dict, message: str) -> None:
    assert any(message in m for _, _, m in errors(**overrides))


def test_preclinical_study_may_leave_control_out() -> None:
    study = make_study(kind="preclinical", design={"type": "animal-study"})
    assert Study.model_validate(study).design.control is None


def test_unknown_source_key_in_an_outcome_is_rejected() -> None:
    outcome = {"measure": "m", "statement": "s", "source": "registry"}
    found = errors(outcomes=[outcome])
    assert any(
        "outcomes[0].source: unknown source key 'registry'; known: paper" in m for _, _, m in found
    )


def test_source_keys_must_be_unique() -> None:
    sources = [{"key": "paper", "kind": "paper"}, {"key": "paper", "kind": "news"}]
    assert any(
        "sources[1].key: source key 'paper' is used twice" in m
        for _, _, m in errors(sources=sources)
    )


@pytest.mark.parametrize(
    ("overrides", "loc"),
    [
        ({"population__n": "120"}, ("population", "n")),
        ({"population__n": 12.0}, ("population", "n")),
        ({"population__n": True}, ("population", "n")),
        ({"condition__chronic": "yes"}, ("condition", "chronic")),
        ({"title": 2021}, ("title",)),
        ({"title": "   "}, ("title",)),
    ],
)
def test_types_are_strict(overrides: dict, loc: tuple) -> None:
    assert loc in [lo for lo, _, _ in errors(**overrides)]


def test_nan_is_never_a_number() -> None:
    outcome = {"measure": "m", "estimate": {"value": float("nan")}, "source": "paper"}
    assert errors(outcomes=[outcome])


def test_numbers_keep_their_published_form() -> None:
    outcome = {
        "measure": "m",
        "estimate": {"value": 20, "unit": "%", "interval": {"lower": 10, "upper": 71.0}},
        "source": "paper",
    }
    study = Study.model_validate(make_study(outcomes=[outcome]))
    estimate = study.outcomes[0].estimate
    assert type(estimate.value) is int and estimate.value == 20
    assert type(estimate.interval.upper) is float and estimate.interval.upper == 71.0
    text = json.dumps(study_record(study)["outcomes"][0]["estimate"])
    assert '"value": 20,' in text and '"upper": 71.0' in text


def test_published_form_reaches_the_show_output(tmp_path: Path) -> None:
    outcome = {
        "measure": "m",
        "estimate": {"value": 20, "unit": "%", "interval": {"lower": 10, "upper": 71.0}},
        "source": "paper",
    }
    write_study(tmp_path, outcomes=[outcome])
    result = invoke("show", "demo-study", "--studies-dir", str(tmp_path), "--format", "markdown")
    assert "20% (95% CI 10–71.0%, published)" in result.stdout


def test_whole_numbers_in_age_and_subgroups_are_shown_as_published() -> None:
    result = invoke("show", "ms-hsct", "--format", "markdown")
    assert "mean 35," in result.stdout
    assert "n=122 (58%)" in result.stdout


def test_schema_describes_the_descriptor() -> None:
    schema = descriptor_schema()
    assert {"id", "title", "kind", "outcomes", "sources"} <= set(schema["properties"])
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize(
    ("overrides", "loc"),
    [
        ({"population__n": 10**400}, ("population", "n")),
        ({"population__n": 10**10}, ("population", "n")),
        ({"design__follow_up__months": 1e300}, ("design", "follow_up", "months")),
        ({"population__age": {"mean": 10**16}}, ("population", "age", "mean")),
        (
            {
                "outcomes": [
                    {"measure": "m", "counts": {"events": 1, "total": 10**400}, "source": "paper"}
                ]
            },
            ("outcomes", 0, "counts", "total"),
        ),
        (
            {"outcomes": [{"measure": "m", "estimate": {"value": -1e300}, "source": "paper"}]},
            ("outcomes", 0, "estimate", "value"),
        ),
    ],
)
def test_numbers_are_bounded_to_what_is_physically_meaningful(overrides: dict, loc: tuple) -> None:
    assert loc in [lo for lo, _, _ in errors(**overrides)]


def test_a_huge_count_is_a_problem_of_its_own_file_only(catalog_dir: Path) -> None:
    write_study(catalog_dir, id="fine-study")
    outcome = {"measure": "m", "counts": {"events": 1, "total": 10**400}, "source": "paper"}
    write_study(catalog_dir, id="huge-study", outcomes=[outcome])
    for extra in ([], ["--no-cache"]):
        result = invoke("list", "--json", "--studies-dir", str(catalog_dir), *extra)
        assert result.exit_code == 1, result.stderr
        assert [r["id"] for r in json.loads(result.stdout)] == ["fine-study"]
        assert "huge-study.yaml" in result.stderr and "outcomes[0].counts.total" in result.stderr
        assert "internal error" not in result.stderr
