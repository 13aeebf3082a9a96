"""Output formats: parse every machine format back; people's tables never obey the data."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEED_IDS, bundled_env, invoke, write_study

from stemcell_cli.render import Format, make_renderer
from stemcell_cli.store.catalog import bundled_dir, load_catalog
from stemcell_cli.views.compare import compare
from stemcell_cli.views.record import record_fields

pytestmark = pytest.mark.usefixtures("seed_catalog")  # the nine seed studies

MARKUP = "[bold]x[/bold] :smile: [/x] [link=http://e]y[/link]"
CONTROLS = ("\x1b[31m", "\x1b]8;;http://x\x07", "\x9b", "\u202e")
RAW = ("\x1b", "\x07", "\x9b", "\u202e")


def out(*args: str) -> str:
    result = invoke(*args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


# JSON and JSON Lines


def test_list_json_is_an_array_of_full_records() -> None:
    records = json.loads(out("list", "--json"))
    assert {r["id"] for r in records} == SEED_IDS
    for record in records:
        assert list(record) == list(record_fields())  # missing values are null, never dropped
        assert set(record["evidence"]) == {
            "level",
            "starting_point",
            "primary_outcome_certainty",
            "flags",
        }
    spms = next(r for r in records if r["id"] == "spms-hsct-qa")
    assert spms["intervention"] is None and spms["registration"] is None


def test_format_json_equals_json_shortcut() -> None:
    assert out("list", "--format", "json") == out("list", "--json")


def test_show_json_is_one_object() -> None:
    record = json.loads(out("show", "ms-mist", "--json"))
    assert record["id"] == "ms-mist"
    assert record["evidence"]["level"] == 2
    assert record["publication"]["doi"] == "10.1001/jama.2018.18743"


def test_compare_json_has_studies_and_aligned_rows() -> None:
    data = json.loads(out("compare", "ms-mist", "t2d-ucmsc-rct", "--json"))
    assert [s["id"] for s in data["studies"]] == ["ms-mist", "t2d-ucmsc-rct"]
    assert all("evidence" in s for s in data["studies"])
    level = next(r for r in data["rows"] if r["label"] == "Level")
    assert level["values"]["ms-mist"].startswith("2 · strong: ")


def test_empty_result_is_valid_json_and_success() -> None:
    result = invoke("list", "--condition", "cancer", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []
    assert result.stderr.startswith("no studies match --condition cancer (9 in the catalog)\n")


def test_jsonl_has_one_object_per_line() -> None:
    lines = out("list", "--format", "jsonl").splitlines()
    assert len(lines) == 9
    assert {json.loads(line)["id"] for line in lines} == SEED_IDS
    assert all("evidence" in json.loads(line) for line in lines)
    show = out("show", "ms-hsct", "--format", "jsonl").splitlines()
    assert len(show) == 1 and json.loads(show[0])["id"] == "ms-hsct"


def test_jsonl_compare_has_one_row_per_line() -> None:
    lines = out("compare", "ms-mist", "ms-hsct", "--format", "jsonl").splitlines()
    rows = [json.loads(line) for line in lines]
    assert rows[0] == {
        "section": "Study",
        "label": "Title",
        "values": {
            "ms-mist": "MIST: autologous HSCT vs disease-modifying therapy in relapsing-remitting "
            "MS (randomized trial)",
            "ms-hsct": "Long-term outcomes of autologous HSCT for multiple sclerosis "
            "(Italian cohort)",
        },
    }
    assert all(set(r["values"]) == {"ms-mist", "ms-hsct"} for r in rows)


# CSV


def test_csv_with_scalar_and_mapping_fields_has_one_row_per_study() -> None:
    text = out("list", "--format", "csv", "--fields", "id,title,population,evidence")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["id"] for r in rows] == sorted(SEED_IDS)
    hsct = rows[0]
    assert hsct["population.n"] == "210" and hsct["population.species"] == "human"
    assert hsct["evidence.level"] == "4" and hsct["evidence.starting_point"] == "low"
    assert [f["code"] for f in json.loads(hsct["evidence.flags"])] == [
        "no-control",
        "not-blinded",
        "retrospective",
        "sources-disagree",
    ]
    assert all(None not in r for r in rows)  # no row longer than the header


def test_csv_list_has_a_header_and_one_row_per_study() -> None:
    text = out("list", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 9
    assert {r["id"] for r in rows} == SEED_IDS
    assert len(text.splitlines()[0].split(",")) == len(rows[0])
    hsct = next(r for r in rows if r["id"] == "ms-hsct")
    assert hsct["population.n"] == "210"
    assert hsct["evidence.level"] == "4"
    assert hsct["design.type"] == "retrospective-cohort"
    assert json.loads(hsct["evidence.flags"])[0]["code"] == "no-control"
    assert all(None not in r for r in rows)  # no row longer than the header


def test_csv_show_is_header_and_one_row() -> None:
    rows = list(csv.reader(io.StringIO(out("show", "ms-mist", "--format", "csv"))))
    assert len(rows) == 2 and rows[1][0] == "ms-mist"


def test_csv_compare_has_one_column_per_study() -> None:
    text = out("compare", "ms-mist", "ms-hsct", "--format", "csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["section", "label", "ms-mist", "ms-hsct"]
    assert all(len(r) == 4 for r in rows)
    assert ["Population", "Participants", "110", "210"] in rows


def test_csv_empty_result_is_the_header_only() -> None:
    lines = out("list", "--condition", "cancer", "--format", "csv", "--fields", "id,title")
    assert lines == "id,title\n"


# Markdown


def test_markdown_list_is_a_pipe_table() -> None:
    lines = out("list", "--format", "markdown").splitlines()
    assert lines[0].startswith("| ID | Condition |") and lines[0].endswith("| Headline |")
    assert lines[1] == "|" + "---|" * 9
    assert len(lines) == 2 + 9 + 2  # a blank line and the level scale after the table
    assert lines[-1].startswith("Level: 1 strongest")
    rows = lines[2:-2]
    assert all(line.startswith("| ") and line.endswith(" |") for line in rows)
    assert all(line.count(" | ") == 8 for line in rows)


def test_markdown_escapes_pipes_in_data(catalog_dir: Path) -> None:
    write_study(catalog_dir, headline="a | b <c>")
    lines = out("list", "--studies-dir", str(catalog_dir), "--format", "markdown").splitlines()
    assert lines[2].endswith("| a \\| b &lt;c&gt; |")


def test_markdown_show_and_compare() -> None:
    show = out("show", "ms-hsct", "--format", "markdown")
    assert show.startswith("# Long-term outcomes of autologous HSCT")
    assert "## How strong is this evidence?" in show
    compare_md = out("compare", "ms-mist", "ms-hsct", "--format", "markdown")
    assert "|  | ms-mist | ms-hsct |\n|---|---|---|\n| **Title** |" in compare_md


# --fields


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_fields_select_json_keys(fmt: str) -> None:
    text = out("list", "--format", fmt, "--fields", "id, evidence")
    records = json.loads(text) if fmt == "json" else [json.loads(x) for x in text.splitlines()]
    assert len(records) == 9
    assert all(list(r) == ["id", "evidence"] for r in records)


def test_fields_select_csv_columns() -> None:
    text = out("list", "--format", "csv", "--fields", "id,population")
    header = text.splitlines()[0].split(",")
    assert header[0] == "id"
    assert "population.n" in header and "title" not in header


def test_repeated_field_keeps_csv_rows_as_wide_as_the_header() -> None:
    rows = list(csv.reader(io.StringIO(out("list", "--format", "csv", "--fields", "id,title,id"))))
    assert {len(r) for r in rows} == {len(rows[0])}


@pytest.mark.parametrize("command", [["list"], ["show", "ms-hsct"], ["compare", "ms-mist"]])
def test_unknown_field_exits_2_listing_valid_fields(command: list[str]) -> None:
    result = invoke(*command, "--json", "--fields", "id,colour")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "'colour'" in result.stderr
    assert "valid fields: " + ", ".join(record_fields()) in result.stderr


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_fields_with_a_people_format_exits_2(fmt: str) -> None:
    result = invoke("list", "--format", fmt, "--fields", "id")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--fields applies to json, jsonl and csv" in result.stderr


def test_json_shortcut_conflicting_with_format_exits_2() -> None:
    result = invoke("list", "--json", "--format", "csv")
    assert result.exit_code == 2 and "conflicts" in result.stderr


# One renderer per format


STUDY_FORMATS = [f for f in Format if f is not Format.svg]  # svg draws only pooled outcomes


@pytest.mark.parametrize("fmt", STUDY_FORMATS)
def test_every_format_renders_every_kind_of_output(fmt: Format) -> None:
    entries = load_catalog([bundled_dir()]).sorted_entries()
    for method, arg, ids in (
        ("studies", entries, [e.id for e in entries]),
        ("study", entries[0], [entries[0].id]),
        ("comparison", compare(entries[:2]), [e.id for e in entries[:2]]),
    ):
        stream = io.StringIO()
        getattr(make_renderer(fmt, stream), method)(arg)
        assert all(i in stream.getvalue() for i in ids), (fmt, method)


FIELD_CASES = [
    (command, fmt)
    for command in (["list"], ["show", "ms-mist"], ["compare", "ms-mist", "ms-hsct"])
    for fmt in ("json", "jsonl", "csv")
]


def _parsed(text: str, fmt: str) -> list[dict]:
    """Every object (json, jsonl) or row (csv) of an output."""
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(text)))
    if fmt == "jsonl":
        return [json.loads(line) for line in text.splitlines()]
    value = json.loads(text)
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize(("command", "fmt"), FIELD_CASES, ids=lambda v: str(v))
def test_fields_apply_in_every_format_of_every_command(command: list[str], fmt: str) -> None:
    picked = _parsed(out(*command, "--format", fmt, "--fields", "id,evidence"), fmt)
    full = _parsed(out(*command, "--format", fmt), fmt)
    assert picked and len(picked) <= len(full)
    if command[0] != "compare":
        keys = {k.split(".")[0] for row in picked for k in row}
        assert keys == {"id", "evidence"}
        return
    # compare: only the rows that come from these fields (json also trims its study records)
    rows = picked[0]["rows"] if fmt == "json" else picked
    sections = {row["section"] for row in rows}
    assert sections == {"Evidence"}, sections
    if fmt == "json":
        assert all(list(s) == ["id", "evidence"] for s in picked[0]["studies"])


# Hostile strings


def test_markup_in_data_is_shown_literally(catalog_dir: Path) -> None:
    write_study(
        catalog_dir,
        title=MARKUP,
        headline=MARKUP,
        outcomes=[{"measure": MARKUP, "statement": MARKUP, "source": "paper"}],
    )
    args = ("--studies-dir", str(catalog_dir))
    show = invoke("show", "demo-study", *args)
    assert show.exit_code == 0, show.stderr
    assert f"{MARKUP}  (demo-study)" in show.stdout
    assert "😄" not in show.stdout
    compare_out = invoke("compare", *args)
    assert compare_out.exit_code == 0 and "[/bold]" in compare_out.stdout
    listed = invoke("list", *args)
    assert listed.exit_code == 0 and "[/bold]" in listed.stdout


@pytest.fixture
def hostile_catalog(catalog_dir: Path) -> Path:
    nasty = "red" + "".join(CONTROLS) + "end"
    write_study(
        catalog_dir,
        title=f"T {nasty}",
        headline=f"H {nasty}",
        condition__name=f"type 2 diabetes {nasty}",
        outcomes=[{"measure": f"M {nasty}", "statement": f"S {nasty}", "source": "paper"}],
    )
    return catalog_dir


@pytest.mark.parametrize(
    ("command", "fmt"),
    [
        pytest.param(
            command,
            fmt.value,
            id=f"{command[0]}-{fmt.value}",
        )
        for command in (["list"], ["show", "demo-study"], ["compare"])
        for fmt in STUDY_FORMATS
    ],
)
def test_control_characters_never_reach_the_output_raw(
    hostile_catalog: Path, fmt: str, command: list[str]
) -> None:
    result = invoke(*command, "--studies-dir", str(hostile_catalog), "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert "red" in result.stdout
    for raw in RAW:
        assert raw not in result.stdout
        assert raw not in result.stderr


def test_json_escapes_controls_but_keeps_the_value(hostile_catalog: Path) -> None:
    text = out("show", "demo-study", "--studies-dir", str(hostile_catalog), "--json")
    assert "\\u001b" in text and "\\u009b" in text and "\\u202e" in text
    assert json.loads(text)["title"] == "T red" + "".join(CONTROLS) + "end"


def test_table_shows_controls_as_visible_escapes(hostile_catalog: Path) -> None:
    text = out("show", "demo-study", "--studies-dir", str(hostile_catalog))
    assert "T red\\x1b[31m\\x1b]8;;http://x\\x07\\x9b\\u202eend" in text


# Terminal width and terminal independence


@pytest.mark.parametrize("width", [40, 60, 100])
@pytest.mark.parametrize("command", [["list", "-f", "table"], ["compare", "--condition", "ms"]])
def test_tables_fit_the_terminal(width: int, command: list[str]) -> None:
    result = invoke(*command, env={"COLUMNS": str(width)})
    assert result.exit_code == 0
    assert max(len(line) for line in result.stdout.splitlines()) <= width


def _run_on_a_terminal(args: list[str]) -> str:
    pty = pytest.importorskip("pty")
    termios = pytest.importorskip("termios")
    master, slave = pty.openpty()
    attrs = termios.tcgetattr(slave)
    attrs[1] &= ~termios.ONLCR  # keep \n as \n
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    proc = subprocess.Popen(
        [sys.executable, "-m", "stemcell_cli", *args],
        stdout=slave,
        stderr=subprocess.DEVNULL,
        env=bundled_env(),
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO once the child has closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert proc.wait(timeout=20) == 0
    return b"".join(chunks).decode("utf-8")


@pytest.mark.slow  # a real process
@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize("args", [["show", "ms-hsct", "--json"], ["list", "--json"]])
def test_json_is_identical_on_a_terminal_and_in_a_pipe(args: list[str]) -> None:
    piped = subprocess.run(
        [sys.executable, "-m", "stemcell_cli", *args],
        capture_output=True,
        text=True,
        env=bundled_env(),
        check=True,
    ).stdout
    assert _run_on_a_terminal(args) == piped == out(*args)
    assert "\x1b" not in piped
