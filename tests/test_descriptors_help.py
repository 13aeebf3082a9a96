"""validate explains itself (suggestions, patterns in words, tabs, json and GitHub reports);
new writes a template that validates once filled; the schema is standard and agrees with
validate, dates included."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import BUNDLED, invoke, write_study

from stemcell_cli.model.descriptor import descriptor_schema
from stemcell_cli.model.schema import SCHEMA_ID
from stemcell_cli.model.template import descriptor_template
from stemcell_cli.store.loader import parse


def problems(folder: Path, *args: str) -> list[str]:
    result = invoke("validate", str(folder), *args)
    return result.stdout.splitlines()


def test_an_unknown_field_gets_the_field_meant(catalog_dir: Path) -> None:
    write_study(catalog_dir, design__folow_up={"months": 3}, population__nn=3)
    lines = problems(catalog_dir)
    assert any(
        line.endswith("design.folow_up: unknown field folow_up — did you mean follow_up?")
        for line in lines
    )
    assert any("population.nn: unknown field nn" in line for line in lines)


def test_a_misspelt_value_gets_the_value_meant(catalog_dir: Path) -> None:
    write_study(catalog_dir, design__control="shame", design__type="randomised-trial")
    out = "\n".join(problems(catalog_dir))
    assert "design.control: Input should be 'placebo'," in out
    assert "or 'none' — did you mean 'sham'?" in out
    assert "— did you mean 'randomized-trial'?" in out


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        (
            {"id": "My_Trial"},
            "id: must be lowercase words joined by hyphens, e.g. my-trial (got 'My_Trial')",
        ),
        (
            {"publication": {"print_date": "2019-02-30"}},
            "publication.print_date: must be a real date",
        ),
        (
            {"sources": [{"key": "paper", "kind": "paper", "url": "ftp://x"}]},
            "must be a web address",
        ),
    ],
)
def test_patterns_are_explained_in_words(catalog_dir: Path, override: dict, expected: str) -> None:
    write_study(catalog_dir, name="study.yaml", **override)
    out = "\n".join(problems(catalog_dir))
    assert expected in out
    assert "should match pattern" not in out and "^[" not in out


def test_a_tab_in_the_indentation_is_explained(catalog_dir: Path) -> None:
    (catalog_dir / "tabbed.yaml").write_text("id: tabbed\ncondition:\n\tname: x\n")
    assert problems(catalog_dir) == [
        f"{catalog_dir}/tabbed.yaml:3:1: YAML syntax error: a tab in the indentation: YAML "
        "indents with spaces only; use spaces instead"
    ]


def test_validate_reports_as_json_and_as_github_annotations(catalog_dir: Path) -> None:
    write_study(catalog_dir, id="demo-study", title="")
    report = json.loads(invoke("validate", str(catalog_dir), "--format", "json").stdout)
    assert report["valid"] == 0 and report["with_problems"] == 1
    assert report["problems"][0]["field"] == "title"
    assert report["problems"][0]["line"] == 2
    result = invoke("validate", str(catalog_dir), "--format", "github")
    assert result.exit_code == 1
    assert re.fullmatch(
        r"::error file=.*demo-study\.yaml,line=2,col=\d+,title=title::empty: fill it in.*\n",
        result.stdout,
    )


def fill(text: str) -> str:
    """Fill the template's placeholders as a person would."""
    values = {"url": '"https://example.org/paper"', "date": '"2021-01-20"'}
    out = []
    for line in text.splitlines():
        key = line.strip().lstrip("- ").split(":")[0]
        line = line.replace('""', values.get(key, '"Filled in"'), 1)
        out.append(line.replace("{events: 0, total: 0}", "{events: 3, total: 10}"))
    return "\n".join(out) + "\n"


def test_new_writes_a_template_that_validates_once_filled(tmp_path: Path) -> None:
    result = invoke("new", "my-trial", "--out", str(tmp_path / "mine"))
    assert result.exit_code == 0, result.stderr
    path = tmp_path / "mine" / "my-trial.yaml"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=study.schema.json\n")
    unfilled = invoke("validate", str(path))
    assert unfilled.exit_code == 1 and "title: empty: fill it in" in unfilled.stdout
    path.write_text(fill(text))
    filled = invoke("validate", str(path))
    assert filled.exit_code == 0, filled.stdout
    assert filled.stderr == "1 valid, 0 with problems\n"
    again = invoke("new", "my-trial", "--out", str(tmp_path / "mine"))
    assert again.exit_code == 1 and "exists already" in again.stderr
    assert path.read_text() == fill(text)  # never replaced


def test_new_refuses_an_id_that_is_no_slug(tmp_path: Path) -> None:
    result = invoke("new", "My Trial", "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "must be lowercase words joined by hyphens" in result.stderr
    assert list(tmp_path.iterdir()) == []


def plain(path: Path) -> dict:
    """A descriptor as plain data, the way an editor reads it (dates as text)."""
    data, built = parse(str(path), path.read_text())
    assert not built.problems
    return json.loads(json.dumps(data, default=lambda d: d.isoformat()))


def test_the_schema_is_standard_draft_2020_12_with_an_id() -> None:
    schema = descriptor_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] == SCHEMA_ID and schema["$schema"].endswith("/draft/2020-12/schema")
    text = json.dumps(schema)
    for keyword in ('"ge"', '"le"', '"gt"', '"lt"'):
        assert f"{keyword}:" not in text
    assert '"minimum": 0' in text and '"exclusiveMaximum": 100' in text


def test_every_bundled_descriptor_and_a_filled_template_match_the_schema(tmp_path: Path) -> None:
    validator = jsonschema.Draft202012Validator(descriptor_schema())
    for path in sorted(BUNDLED.glob("*.yaml")):
        assert list(validator.iter_errors(plain(path))) == [], path
    filled = tmp_path / "my-trial.yaml"
    filled.write_text(fill(descriptor_template("my-trial")))
    assert list(validator.iter_errors(plain(filled))) == []


@pytest.mark.parametrize(
    ("written", "valid"),
    [
        ('"2019-02-28"', True),
        ('"2019-02-30"', False),
        ('"2020-02-29"', True),
        ('"1900-02-29"', False),
        ('"2021-04"', True),
        ('"2021-13"', False),
        ("2021-01-20", True),  # unquoted: YAML reads a date; both accept it
        ("2019-02-30", False),  # unquoted and not a real date: both refuse it
    ],
)
def test_validate_and_the_schema_agree_on_dates(tmp_path: Path, written: str, valid: bool) -> None:
    path = write_study(tmp_path, publication={"date": "2000"})
    path.write_text(path.read_text().replace("date: '2000'", f"date: {written}"))
    assert (invoke("validate", str(path)).exit_code == 0) is valid
    editor = yaml.load(path.read_text(), Loader=yaml.BaseLoader)  # YAML 1.2 core: text
    editor["population"]["n"] = int(editor["population"]["n"])
    editor["design"]["follow_up"]["months"] = int(editor["design"]["follow_up"]["months"])
    validator = jsonschema.Draft202012Validator(descriptor_schema())
    date_errors = [e for e in validator.iter_errors(editor) if "date" in e.json_path]
    assert (date_errors == []) is valid
