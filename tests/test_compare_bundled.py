"""compare over the whole bundled catalog: about 25 lines a study at 80 and 120 columns for
every condition and every topic, outcomes only two studies share kept on rows of their own
(the others named in one row), and nothing lost: --wide and JSON hold every value."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from typer.testing import CliRunner

from stemcell_cli.cli.app import app
from stemcell_cli.render.fit import tight
from stemcell_cli.store.catalog import bundled_dir, load_catalog

CATALOG = load_catalog([bundled_dir()]).entries


def run(*args: str, columns: int = 80) -> str:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.stderr
    return result.stdout


def conditions() -> list[str]:
    """Every condition of the bundled catalog that two or more studies have."""
    names = Counter(json.loads(e.record)["condition"]["name"] for e in CATALOG.values())
    return sorted(name for name, count in names.items() if count >= 2)


def topics() -> dict[str, list[str]]:
    """The bundled studies grouped by topic (their id's first part: ami, covid, koa ...)."""
    groups: dict[str, list[str]] = {}
    for study_id in sorted(CATALOG):
        groups.setdefault(study_id.split("-")[0], []).append(study_id)
    return {topic: ids for topic, ids in groups.items() if len(ids) >= 2}


def comparisons() -> list[list[str]]:
    return [["--condition", name] for name in conditions()] + list(topics().values())


@pytest.mark.parametrize("columns", [80, 120])
def test_about_25_lines_a_study_for_every_condition_and_topic(columns: int) -> None:
    too_long = {}
    for args in comparisons():
        studies = len(json.loads(run("compare", *args, "--json"))["studies"])
        lines = run("compare", *args, columns=columns).splitlines()
        assert max(len(line) for line in lines) <= columns
        if len(lines) > 25 * studies:
            too_long[" ".join(args)] = round(len(lines) / studies, 1)
    assert not too_long, too_long


def test_forty_columns_keep_ids_whole_and_lines_in_the_width() -> None:
    for args in (["--condition", "systemic sclerosis"], topics()["covid"]):
        out = run("compare", *args, columns=40)
        assert max(len(line) for line in out.splitlines()) <= 40
        ids = args if args[0] != "--condition" else ["ssc-astis", "ssc-scot", "ssc-assist"]
        for study_id in ids:
            assert re.search(rf"(?m)^\s+{re.escape(study_id)}\s*$", out), study_id


def columns_text(out: str, ids: list[str]) -> dict[str, str]:
    """Each study's column of a table output, read by position under its header, its lines
    joined with single spaces ("" is the column of row labels)."""
    found: dict[str, list[str]] = {i: [] for i in ["", *ids]}
    starts: list[tuple[int, str]] = []
    for line in out.splitlines():
        words = line.split()
        if words and set(words) <= set(ids):  # a table's header: where its columns start
            starts = sorted((line.index(f" {i}") + 1, i) for i in words)
            continue
        if starts and not set(line.strip()) <= {"─"}:
            found[""].append(line[: starts[0][0]].strip())
        for n, (start, study_id) in enumerate(starts):
            end = starts[n + 1][0] if n + 1 < len(starts) else len(line)
            found[study_id].append(line[start:end].strip())
    return {i: " ".join(" ".join(parts).split()) for i, parts in found.items()}


def flat(value: str) -> str:
    return " ".join(tight(value).split())


def test_wide_and_json_hold_every_value_the_compact_table_cuts() -> None:
    for args in comparisons():
        data = json.loads(run("compare", *args, "--json"))
        ids = [s["id"] for s in data["studies"]]
        compact = run("compare", *args)
        assert "--wide shows everything" in " ".join(compact.split())
        wide = columns_text(run("compare", *args, "--wide", columns=80), ids)
        for row in data["rows"]:
            assert flat(row["label"]) in wide[""], (args, row["label"])
            for study_id, value in row["values"].items():
                for line in value.split("\n"):  # --wide may draw a bar under a line
                    assert flat(line) in wide[study_id], (args, study_id, row["label"])


def test_a_computed_effect_sits_on_its_outcomes_row() -> None:
    labels = [r["label"] for r in json.loads(run("compare", "ssc-scot", "--json"))["rows"]]
    assert labels.count("Treatment-related death") == 1
    assert labels.count("All-cause death") == 1


def test_outcomes_of_one_study_only_are_named_in_one_row() -> None:
    out = run("compare", "--condition", "systemic sclerosis")
    flat_out = " ".join(out.split())
    assert "Other outcomes" in out
    assert "Myositis (per-protocol)" not in [line.strip() for line in out.splitlines()]
    assert re.search(r"\d+ more: ", flat_out)  # how many are left to --wide
    wide = columns_text(run("compare", "ssc-scot", "--wide", columns=120), ["ssc-scot"])
    assert "Myositis (per-protocol)" in wide[""]
    covid = [
        s["id"] for s in json.loads(run("compare", "--condition", "covid", "--json"))["studies"]
    ]
    shared = columns_text(run("compare", "--condition", "covid", columns=120), covid)
    assert "All-cause mortality" in shared[""]  # outcomes two studies share keep their row
