"""Every command through CliRunner: output, exit codes, and what lands on stderr."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import MS_IDS, SEED_IDS, VALID_YAML, invoke, write_study

from stemcell_cli import __version__
from stemcell_cli.cli.app import app
from stemcell_cli.store.catalog import Catalog

pytestmark = pytest.mark.usefixtures("seed_catalog")  # the nine seed studies

COMMANDS = ["list", "filter", "show", "compare", "validate", "schema"]


def ids(result) -> set[str]:
    return {record["id"] for record in json.loads(result.stdout)}


# list and filter


def test_list_shows_every_bundled_study() -> None:
    result = invoke("list")
    assert result.exit_code == 0
    for study_id in SEED_IDS:
        assert study_id in result.stdout
    assert result.stderr == "9 of 9 studies\n"  # the count goes to stderr, never stdout
    assert "9 of 9" not in result.stdout


def test_list_with_a_filter_counts_matches() -> None:
    result = invoke("list", "--condition", "ms", "--json")
    assert result.exit_code == 0
    assert ids(result) == MS_IDS
    assert result.stderr == "4 of 9 studies\n"


def test_filter_without_a_criterion_is_a_usage_error() -> None:
    result = invoke("filter")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "stemcell: error: give at least one filter, e.g. stemcell filter --condition ms\n"
    )


def test_filter_with_a_criterion() -> None:
    result = invoke("filter", "--species", "mouse", "--json")
    assert result.exit_code == 0
    assert ids(result) == {"pain-ipsc", "pain-mge-mouse"}


def test_filter_with_no_match_is_success() -> None:
    result = invoke("filter", "--min-n", "10000", "--json")
    assert (result.exit_code, json.loads(result.stdout)) == (0, [])


# show


def test_show_prints_one_study() -> None:
    result = invoke("show", "ms-hsct")
    assert result.exit_code == 0
    assert result.stdout.startswith("Long-term outcomes of autologous HSCT")
    for heading in (
        "Publication and sources",
        "Design",
        "Population",
        "Intervention",
        "Outcomes",
        "Limitations",
        "How strong is this evidence?",
    ):
        assert f"\n{heading}\n" in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("study_id", "suggested"),
    [("ms-hsc", "ms-hsct"), ("t2d-bmcs", "t2d-bmsc"), ("ms-mits", "ms-mist")],
)
def test_unknown_id_suggests_close_ids(study_id: str, suggested: str) -> None:
    result = invoke("show", study_id)
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"stemcell: error: no study with id '{study_id}'; did you mean ")
    assert suggested in lines[0].split("did you mean ")[1]


def test_unknown_id_far_from_everything_points_to_list() -> None:
    result = invoke("show", "zzzzzz")
    assert result.exit_code == 1
    assert result.stderr == "stemcell: error: no study with id 'zzzzzz'; see `stemcell list`\n"


def test_show_without_an_id_is_a_usage_error() -> None:
    result = invoke("show")
    assert result.exit_code == 2
    assert "Missing argument 'ID'" in result.stderr


# compare


def test_compare_named_ids() -> None:
    result = invoke("compare", "ms-mist", "ms-hsct")
    assert result.exit_code == 0
    header = next(line for line in result.stdout.splitlines() if "ms-mist" in line)
    assert header.index("ms-mist") < header.index("ms-hsct")
    assert "HR 0.07" in result.stdout
    assert result.stderr == "2 of 9 studies compared\n"


def test_compare_by_condition() -> None:
    result = invoke("compare", "--condition", "pain", "--json")
    assert result.exit_code == 0
    assert [s["id"] for s in json.loads(result.stdout)["studies"]] == [
        "pain-ipsc",
        "pain-mge-mouse",
    ]


def test_compare_keeps_only_the_studies_it_compares(monkeypatch: pytest.MonkeyPatch) -> None:
    def whole_catalog(_self: object) -> None:
        raise AssertionError("every study of the catalog was held")

    monkeypatch.setattr(Catalog, "entries", property(whole_catalog))
    for args in (["MS-MIST", "ms-hsct"], ["--condition", "ms"]):
        result = invoke("compare", *args, "--json")
        assert result.exit_code == 0, result.stderr
        assert {s["id"] for s in json.loads(result.stdout)["studies"]} <= MS_IDS


def test_compare_repeated_id_is_one_column() -> None:
    result = invoke("compare", "ms-mist", "ms-mist", "--json")
    assert [s["id"] for s in json.loads(result.stdout)["studies"]] == ["ms-mist"]


def test_compare_unknown_id_fails() -> None:
    result = invoke("compare", "ms-mist", "ms-hsc")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "no study with id 'ms-hsc'; did you mean ms-hsct" in result.stderr


# validate


def test_validate_bundled_catalog() -> None:
    result = invoke("validate")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "9 valid, 0 with problems\n"


def test_validate_a_broken_folder(catalog_dir: Path) -> None:
    good = write_study(catalog_dir)
    bad = catalog_dir / "broken.yaml"
    bad.write_text(
        VALID_YAML.replace("id: demo-study", "id: broken").replace("  n: 120", "  n: lots"),
        encoding="utf-8",
    )
    result = invoke("validate", str(catalog_dir))
    assert result.exit_code == 1
    assert result.stdout == (
        f"{bad}:16:6: population.n: Input should be a valid integer; YAML read 'lots' as text\n"
    )
    assert result.stderr == "1 valid, 1 with problems\n"
    assert invoke("validate", str(good)).exit_code == 0


def test_validate_a_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    result = invoke("validate", str(missing))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert (
        result.stderr
        == f"stemcell: error: {missing}: no such file or folder\n0 valid, 1 with problems\n"
    )


def test_validate_uses_studies_dir(catalog_dir: Path) -> None:
    write_study(catalog_dir)
    result = invoke("validate", "--studies-dir", str(catalog_dir))
    assert result.exit_code == 0 and result.stderr == "1 valid, 0 with problems\n"


# schema, version, help


def test_schema_is_json_with_properties() -> None:
    result = invoke("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert "outcomes" in schema["properties"]
    assert schema["$schema"].startswith("https://json-schema.org/")


def test_version(runner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"stemcell {__version__}\n"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_has_an_example(command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0
    example = [line for line in result.stdout.splitlines() if "Example:" in line]
    assert example and f"stemcell {command}" in example[0]


def test_top_level_help_lists_every_command() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.stdout
    assert "Example:" in result.stdout


def test_show_help_says_certainty_is_only_a_starting_point() -> None:
    assert "not a full GRADE rating" in invoke("show", "--help").stdout


# Catalog selection


def test_studies_dir_replaces_the_bundled_catalog(catalog_dir: Path) -> None:
    write_study(catalog_dir)
    result = invoke("list", "--studies-dir", str(catalog_dir), "--json")
    assert result.exit_code == 0
    assert ids(result) == {"demo-study"}
    assert result.stderr == "1 of 1 studies\n"


def test_studies_dir_is_repeatable(tmp_path: Path) -> None:
    write_study(tmp_path / "a", id="study-a")
    write_study(tmp_path / "b", id="study-b")
    result = invoke(
        "list", "--studies-dir", str(tmp_path / "a"), "--studies-dir", str(tmp_path / "b"), "--json"
    )
    assert result.exit_code == 0 and ids(result) == {"study-a", "study-b"}


def test_environment_variable_replaces_the_bundled_catalog(tmp_path: Path) -> None:
    write_study(tmp_path / "a", id="study-a")
    write_study(tmp_path / "b", id="study-b")
    value = os.pathsep.join([str(tmp_path / "a"), str(tmp_path / "b")])
    result = invoke("list", "--json", env={"STEMCELL_STUDIES_DIR": value})
    assert result.exit_code == 0 and ids(result) == {"study-a", "study-b"}
    shown = invoke("show", "study-b", "--json", env={"STEMCELL_STUDIES_DIR": value})
    assert json.loads(shown.stdout)["id"] == "study-b"


def test_option_wins_over_environment_variable(tmp_path: Path) -> None:
    write_study(tmp_path / "a", id="study-a")
    write_study(tmp_path / "b", id="study-b")
    result = invoke(
        "list",
        "--json",
        "--studies-dir",
        str(tmp_path / "b"),
        env={"STEMCELL_STUDIES_DIR": str(tmp_path / "a")},
    )
    assert ids(result) == {"study-b"}


@pytest.mark.parametrize(
    ("old", "new", "report"),
    [
        (
            "  masking: DOUBLE",
            "  masking: DOUBLE\n  blinded: yes",
            "12:3: design.blinded: unknown field (not part of the descriptor; "
            "see `stemcell schema`)",
        ),
        (
            "title: A demo study",
            "title: !!bool maybe",
            "2:8: title: YAML cannot read 'maybe' as a boolean",
        ),
    ],
    ids=["unknown-field", "unconvertible-tagged-value"],
)
def test_valid_studies_are_shown_beside_an_invalid_file(
    catalog_dir: Path, old: str, new: str, report: str
) -> None:
    write_study(catalog_dir)
    bad = catalog_dir / "bad-study.yaml"
    text = VALID_YAML.replace("id: demo-study", "id: bad-study").replace(old, new)
    bad.write_text(text, encoding="utf-8")
    result = invoke("list", "--studies-dir", str(catalog_dir), "--json")
    assert result.exit_code == 1
    assert ids(result) == {"demo-study"}
    assert result.stderr.splitlines() == ["1 of 1 studies", f"{bad}:{report}"]
    show = invoke("show", "demo-study", "--studies-dir", str(catalog_dir))
    assert show.exit_code == 1 and "Demo cells" in show.stdout and f"{bad}:{report}" in show.stderr


def test_duplicate_id_across_folders_names_both_files(tmp_path: Path) -> None:
    first = write_study(tmp_path / "a")
    second = write_study(tmp_path / "b")
    result = invoke(
        "list", "--studies-dir", str(tmp_path / "a"), "--studies-dir", str(tmp_path / "b"), "--json"
    )
    assert result.exit_code == 1
    assert ids(result) == {"demo-study"}
    assert (
        f"{second}: id: duplicate id 'demo-study': also defined in {first}; this copy is ignored"
    ) in result.stderr.splitlines()


def test_same_folder_given_twice_is_not_a_duplicate(catalog_dir: Path) -> None:
    write_study(catalog_dir)
    result = invoke("list", "--studies-dir", str(catalog_dir), "--studies-dir", str(catalog_dir))
    assert result.exit_code == 0
    assert "duplicate" not in result.stderr


@pytest.mark.parametrize("use_env", [False, True])
def test_missing_catalog_folder_is_an_error(tmp_path: Path, use_env: bool) -> None:
    missing = tmp_path / "nowhere"
    if use_env:
        result = invoke("list", env={"STEMCELL_STUDIES_DIR": str(missing)})
    else:
        result = invoke("list", "--studies-dir", str(missing))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"stemcell: error: catalog folder not found: {missing}\n"


def test_empty_catalog_folder_lists_nothing(catalog_dir: Path) -> None:
    result = invoke("list", "--studies-dir", str(catalog_dir), "--json")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "[]\n", "0 of 0 studies\n")


def test_internal_error_is_one_line_without_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    import stemcell_cli.cli.studies as cli

    def boom(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "matching", boom)
    result = invoke("list")
    assert result.exit_code == 1
    assert result.stderr == (
        "stemcell: internal error: RuntimeError: boom (set STEMCELL_DEBUG=1 for a traceback)\n"
    )
    debug = invoke("list", env={"STEMCELL_DEBUG": "1"})
    assert isinstance(debug.exception, RuntimeError)  # re-raised for the traceback
