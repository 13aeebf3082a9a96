"""Tables for people: nothing split at 80, 120 or 200 columns, one line per study, the verdict
first in show, codes as words, and empty results said on stderr."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import MS_IDS, SEED_IDS, invoke, write_study

from stemcell_cli.evidence.grading import CAUTION
from stemcell_cli.store.catalog import bundled_dir, load_catalog

pytestmark = pytest.mark.usefixtures("seed_catalog")  # the nine seed studies

WIDTHS = ("80", "120", "200")
_CUT = re.compile(r"[\s│─┃━╭╮╰╯┌┐└┘├┤┬┴┼]+")


def tokens(text: str) -> set[str]:
    return set(_CUT.split(text)) - {""}


def shown(*args: str, width: str) -> str:
    if args[0] in ("list", "filter") and "--format" not in args:
        args = (*args, "--format", "table")  # the table, not the lines a pipe gets
    result = invoke(*args, env={"COLUMNS": width})
    assert result.exit_code == 0, result.stderr
    return result.stdout


def known_tokens(*args: str) -> set[str]:
    """Every word the command prints when nothing has to wrap, the catalog's names and the
    caution labels (the list may show a condition's synonym, or one caution and a count)."""
    known = tokens(shown(*args, width="1000")) | tokens(" ".join(CAUTION.values()))
    for entry in load_catalog([bundled_dir()]).entries.values():
        known |= {w for name in entry.facets.conditions for w in name.split()}
    return known


def fragments(text: str, known: set[str]) -> set[str]:
    """Tokens that are no whole word: pieces of a word split across lines."""
    return {
        t
        for t in tokens(text)
        if t not in known
        and t.rstrip(":") not in known
        and not t.endswith("…")
        and not re.fullmatch(r"\+\d+", t)
    }


COMMANDS = [
    ("list",),
    ("list", "--wide"),
    ("compare", "--condition", "diabetes"),
    ("compare", "--condition", "ms"),
    ("compare",),
    ("pool", "--condition", "diabetes"),
    ("pool", "--condition", "ms"),
    *(("show", study_id) for study_id in sorted(SEED_IDS)),
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_no_word_or_id_is_split_at_any_width(args: tuple[str, ...]) -> None:
    known = known_tokens(*args)
    for width in WIDTHS:
        assert fragments(shown(*args, width=width), known) == set(), (args, width)


def test_the_split_check_can_fail() -> None:
    known = {"relapsing-remitting", "MS"}
    assert fragments("relapsing-remittin\ng MS", known) == {"relapsing-remittin", "g"}


@pytest.mark.parametrize("width", WIDTHS)
def test_list_is_one_line_per_study(width: str) -> None:
    lines = shown("list", width=width).splitlines()
    rows = [line for line in lines if line.split(" ")[0] in SEED_IDS]
    assert len(rows) == 9
    assert len(lines) <= 9 + 4  # header, rule, level legend (two lines at 80 columns)
    for line in rows:
        assert len(line) <= int(width)
        assert re.search(r"\s[1-5] · (strongest|strong|moderate|weak|weakest)\s", line)


def test_list_at_80_columns_keeps_condition_and_cautions() -> None:
    lines = shown("list", width="80").splitlines()
    mouse = next(line for line in lines if line.startswith("pain-mge-mouse "))
    assert "pain" in mouse and "animal study" in mouse and "5 · weakest" in mouse
    assert lines[0].split() == ["ID", "Condition", "Level", "Caution", "Headline"]
    assert "…" in shown("list", width="80")  # headlines cut, not wrapped


def test_list_wide_shows_every_column() -> None:
    out = shown("list", "--wide", width="200")
    for header in ("Cells", "Design", "N", "Follow-up"):
        assert header in out.splitlines()[0]
    narrow = shown("list", "--wide", width="80")  # no room for a table: one block per study
    assert "  Follow-up: mean 74.4 months" in narrow


@pytest.mark.parametrize("width", WIDTHS)
def test_show_puts_the_evidence_card_under_the_headline(width: str) -> None:
    lines = shown("show", "ms-hsct", width=width).splitlines()
    card = next(n for n, line in enumerate(lines) if line.startswith("Evidence: level"))
    assert card <= 6
    text = " ".join(" ".join(lines[card : card + 4]).split())
    # nothing rated (no two-arm comparison): the design's starting point, said so
    assert (
        "Evidence: level 4 · weak · starting point: low (not randomized) · risk of bias: high"
        in text
    )
    assert "cautions: no control group, not blinded" in text
    assert lines.index("How strong is this evidence?") > card  # the full explanation stays


def test_show_card_for_a_study_without_cautions(catalog_dir: Path) -> None:
    write_study(catalog_dir)  # randomized, blinded, 120 people, 24 months: nothing to flag
    env = {"COLUMNS": "200", "STEMCELL_STUDIES_DIR": str(catalog_dir)}
    lines = invoke("show", "demo-study", env=env).stdout.splitlines()
    card = next(line for line in lines[:6] if line.startswith("Evidence:"))
    assert card.startswith("Evidence: level 2 · strong · starting point: high (randomized) · ")
    assert card.endswith(" · cautions: none flagged")
    assert " high · " not in card.replace("starting point: high", "")  # never a bare "high"


def test_registry_codes_read_as_words_in_tables_and_stay_codes_in_json() -> None:
    out = " ".join(shown("show", "ms-ram-ms", width="200").split())
    assert "Allocation randomized" in out and "Phase phase 3" in out
    assert "active, not recruiting" in out and "ACTIVE_NOT_RECRUITING" not in out
    record = invoke("show", "ms-ram-ms", "--json").stdout
    assert '"allocation": "RANDOMIZED"' in record and "PHASE3" in record


def test_show_accepts_an_id_in_any_case() -> None:
    result = invoke("show", "MS-HSCT", "--json")
    assert result.exit_code == 0 and '"id": "ms-hsct"' in result.stdout
    compared = json.loads(invoke("compare", "MS-MIST", "ms-mist", "Ms-Hsct", "--json").stdout)
    assert [s["id"] for s in compared["studies"]] == ["ms-mist", "ms-hsct"]
    assert invoke("cite", "MS-MIST").stdout.startswith("@article{")


def test_an_empty_result_says_so_on_stderr() -> None:
    result = invoke("list", "--condition", "parkinson")
    assert result.exit_code == 0
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == "no studies match --condition parkinson (9 in the catalog)"
    assert lines[1].startswith("conditions in the catalog: multiple sclerosis, neuropathic pain")


def test_an_empty_result_suggests_a_close_condition() -> None:
    result = invoke("filter", "--condition", "diabtes", "--min-n", "5")
    assert result.stderr.splitlines() == [
        "no studies match --condition diabtes --min-n 5 (9 in the catalog)",
        "did you mean --condition diabetes?",
    ]
    assert invoke("compare", "--condition", "parkinson").stderr.startswith("no studies match")


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (
            ("--condition", "diabetes", "--min-n", "1000"),
            "by itself, --min-n 1000 matches no study",
        ),
        (
            ("--min-n", "100000", "--since", "2100"),
            "by themselves, --min-n 100000 and --since 2100 match no study",
        ),
        (
            ("--condition", "diabetes", "--species", "mouse"),
            "each criterion matches some studies, but no study matches them all",
        ),
    ],
)
def test_an_empty_result_says_which_criterion_matched_nothing(args: tuple, hint: str) -> None:
    assert invoke("list", *args).stderr.splitlines()[1] == hint


@pytest.mark.parametrize(
    ("args", "note"),
    [
        (("list", "--limit", "2"), "showing 2 of 9 studies; use --all or --limit N for more"),
        (
            ("list", "--condition", "ms", "--limit", "2"),
            "showing 2 of 4 matching studies (9 in the catalog); use --all or --limit N for more",
        ),
        (
            ("compare", "--condition", "ms", "--limit", "2"),
            "showing 2 of 4 matching studies compared (9 in the catalog); "
            "use --all or --limit N for more",
        ),
        (("compare", "--condition", "ms"), "4 of 9 studies compared"),
    ],
)
def test_one_note_says_how_many_matched_and_are_shown(args: tuple[str, ...], note: str) -> None:
    assert invoke(*args).stderr == note + "\n"


def test_sort_by_level_puts_the_strongest_first() -> None:
    def order(*args: str) -> list[str]:
        return [line.split()[0] for line in shown("list", *args, width="120").splitlines()[2:11]]

    by_level = order("--sort", "level")
    assert by_level[:3] == ["ms-mist", "ms-ram-ms", "t2d-bmsc-bhansali"]
    assert set(by_level[-3:]) == {"pain-ipsc", "pain-mge-mouse", "spms-hsct-qa"}
    assert order("--sort", "level", "--reverse")[:3] == [
        "pain-ipsc",
        "pain-mge-mouse",
        "spms-hsct-qa",
    ]
    assert order("--sort", "id", "-r")[0] == "t2d-ucmsc-rct"


def test_unknown_values_sort_last_in_both_directions() -> None:
    for args in ((), ("--reverse",)):
        result = invoke("list", "--sort", "follow-up", "--json", *args)
        ids = [r["id"] for r in json.loads(result.stdout)]
        assert ids[-3:] == ["pain-ipsc", "pain-mge-mouse", "spms-hsct-qa"]
        assert ids[0] == ("ms-hsct" if args else "t2d-ucmsc-rct")


def test_sort_applies_to_filter_and_compare() -> None:
    result = invoke("filter", "--condition", "ms", "--sort", "n", "-r", "--json")
    assert json.loads(result.stdout)[0]["id"] == "ms-hsct"
    rows = json.loads(invoke("compare", "--condition", "ms", "--sort", "level", "--json").stdout)
    assert [s["id"] for s in rows["studies"]][:2] == ["ms-mist", "ms-ram-ms"]
    assert {s["id"] for s in rows["studies"]} == MS_IDS
    assert invoke("list", "--sort", "colour").exit_code == 2


def test_an_unknown_level_sorts_last_and_shows_as_a_question_mark() -> None:
    from dataclasses import dataclass

    from stemcell_cli.query import Facets, Filters, order
    from stemcell_cli.render.table import level_text

    @dataclass
    class Item:
        id: str
        facets: Facets

    def item(study_id: str, level: int | None) -> Item:
        return Item(study_id, Facets((), (), None, "case-series", None, None, None, level, ""))

    items = [item("a", None), item("b", 4), item("c", 2)]
    assert [x.id for x in order(items, "level")] == ["c", "b", "a"]
    assert [x.id for x in order(items, "level", reverse=True)] == ["b", "c", "a"]
    assert not Filters(max_level=5).match(items[0].facets)
    assert level_text("?").plain == "unknown" and level_text("3").plain == "3 · moderate"


def test_wrapping_keeps_numbers_with_their_units() -> None:
    from stemcell_cli.render.fit import longest_word, share, wrap

    text = "mean 74.4 months; 9/11 = 81.8% (95% CI 52.3–94.9%, computed); p = 0.002"
    for width in range(12, 40):
        lines = wrap(text, width).split("\n")
        assert " ".join(lines) == text
        assert not any(line.endswith(("74.4", "(95%", " p")) for line in lines), width
        assert all(len(line) <= width for line in lines)
    assert longest_word([text]) == len("74.4 months;")
    assert share([30, 10, 5], [10, 4, 5], 30) == [19, 6, 5]  # the spare goes where it is wanted
    assert share([8, 6], [4, 3], 100) == [8, 6]  # never wider than the text


def test_limit_cut_passes_the_first_items_and_counts_them_all() -> None:
    from stemcell_cli.cli.options import Limit, Output
    from stemcell_cli.render import Format

    table = Output(Format.table, None)
    limit = Limit(None, False)
    assert list(limit.cut(iter(range(5)), table, 2)) == [0, 1]  # people's formats: a default
    assert (limit.seen, limit.shown) == (5, 2)
    every = Limit(None, True)
    assert list(every.cut(iter(range(5)), table, 2)) == list(range(5))
    machine = Limit(None, False)
    assert list(machine.cut(iter(range(5)), Output(Format.json, None), 2)) == list(range(5))
    assert (machine.seen, machine.shown) == (5, 5)
