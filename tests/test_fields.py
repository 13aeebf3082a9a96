"""--fields: listing, dotted names in every format; computed figures in JSON."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import invoke

from stemcell_cli.store.catalog import bundled_dir, load_catalog
from stemcell_cli.views.record import select_fields

pytestmark = pytest.mark.usefixtures("seed_catalog")  # the nine seed studies


def test_fields_help_lists_top_level_and_dotted_names() -> None:
    result = invoke("list", "--fields", "help")
    assert result.exit_code == 0
    names = result.stdout.splitlines()
    assert names[0] == "id" and "evidence" in names
    assert {"evidence.level", "population.n", "design.type"} <= set(names)
    assert invoke("compare", "--fields", "help").stdout == result.stdout
    for bare in (["list", "--fields"], ["show", "ms-hsct", "--fields", "--json"]):
        alone = invoke(*bare)  # no value: list them, as gh's --json does
        assert (alone.exit_code, alone.stdout) == (0, result.stdout)


def test_empty_fields_is_a_usage_error_naming_the_fields() -> None:
    result = invoke("list", "--json", "--fields", "")
    assert result.exit_code == 2
    assert "--fields is empty (valid fields: id, title" in result.stderr


def test_a_misspelt_field_gets_a_suggestion() -> None:
    result = invoke("list", "--json", "--fields", "id,evidence.levl")
    assert result.exit_code == 2
    assert "did you mean evidence.level?" in result.stderr


def test_dotted_fields_in_json_keep_only_the_selected_keys() -> None:
    records = json.loads(
        invoke("list", "--json", "--fields", "id,evidence.level,population.n").stdout
    )
    assert records[0] == {"id": "ms-hsct", "evidence": {"level": 4}, "population": {"n": 210}}


def test_dotted_fields_in_jsonl_and_csv() -> None:
    line = invoke("show", "ms-mist", "-f", "jsonl", "--fields", "design.type").stdout
    assert json.loads(line) == {"design": {"type": "randomized-trial"}}
    out = invoke(
        "list", "-f", "csv", "--fields", "id,evidence.level,evidence.starting_point"
    ).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["id", "evidence.level", "evidence.starting_point"]
    assert rows[0] == {"id": "ms-hsct", "evidence.level": "4", "evidence.starting_point": "low"}


def test_a_whole_object_wins_over_its_dotted_part() -> None:
    record = {"id": "x", "evidence": {"level": 2, "starting_point": "high"}, "opinion": None}
    assert select_fields(record, ["evidence.level", "evidence"]) == {"evidence": record["evidence"]}
    assert select_fields(record, ["opinion.verdict"]) == {"opinion": None}


def test_compare_keeps_the_rows_of_a_dotted_field() -> None:
    rows = json.loads(invoke("compare", "ms-mist", "--json", "--fields", "evidence.level").stdout)
    assert {r["section"] for r in rows["rows"]} == {"Evidence"}


def test_the_wilson_interval_shown_in_tables_is_in_json_with_its_method() -> None:
    record = json.loads(invoke("show", "ms-mist", "--json").stdout)
    first = record["outcomes"][0]
    assert first["counts"] == {"events": 3, "total": 55}
    assert first["computed"] == {
        "proportion": 0.054545,
        "interval": {"lower": 0.018723, "upper": 0.148531, "level": 95, "method": "Wilson score"},
    }
    assert "1.9–14.9%, computed" in invoke("show", "ms-mist").stdout
    no_counts = [o for o in record["outcomes"] if not o["counts"]]
    assert no_counts and all("computed" not in o for o in no_counts)


def test_an_indexed_study_is_rebuilt_from_a_record_with_computed_figures() -> None:
    load_catalog([bundled_dir()], cache=True)
    warnings: list[str] = []
    entry = load_catalog([bundled_dir()], cache=True, notify=warnings.append).entries["ms-mist"]
    assert type(entry).__name__ == "IndexedEntry"
    assert entry.study.outcomes[0].counts.events == 3
    assert warnings == []  # rebuilt from the stored record, not read again from the file
