"""Reading one descriptor: every problem located as path:line:col, nothing executed."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from conftest import VALID_YAML, write_study
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stemcell_cli.store import loader
from stemcell_cli.store.catalog import load_catalog
from stemcell_cli.store.loader import MAX_BYTES, load_study


def load_text(tmp_path: Path, text: str, name: str = "demo-study.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    study, problems = load_study(path, expect_id=path.stem)
    return path, study, [str(p) for p in problems]


def test_valid_text_loads(tmp_path: Path) -> None:
    _, study, problems = load_text(tmp_path, VALID_YAML)
    assert problems == [] and study is not None and study.population.n == 120


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "  masking: DOUBLE\n",
            "  masking: DOUBLE\n  blinded: yes\n",
            "12:3: design.blinded: unknown field (not part of the descriptor; "
            "see `stemcell schema`)",
        ),
        (
            "  n: 120\n",
            "  n: many\n",
            "16:6: population.n: Input should be a valid integer; YAML read 'many' as text",
        ),
        (
            "  type: randomized-trial\n",
            "  type: rct\n",
            "8:9: design.type: Input should be 'systematic-review', ",
        ),
        (
            "    kind: paper\n",
            "    kind: paper\n    kind: news\n",
            "20:5: sources[0].kind: duplicate key 'kind' (first at line 19)",
        ),
        (
            "headline: Something happened\n",
            "headline: Something happened\ntitle: Second title\n",
            "4:1: title: duplicate key 'title' (first at line 2)",
        ),
    ],
    ids=["unknown-field", "wrong-type", "bad-enum", "duplicate-nested-key", "duplicate-key"],
)
def test_problem_points_at_the_right_line(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    path, study, problems = load_text(tmp_path, VALID_YAML.replace(old, new))
    assert study is None
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:{expected}")


def test_every_problem_is_listed_in_file_order(tmp_path: Path) -> None:
    text = VALID_YAML.replace("  n: 120\n", "  n: -4\n").replace(
        "title: A demo study\n", "title: A demo study\ncolour: red\n"
    )
    path, _, problems = load_text(tmp_path, text)
    assert [p.split(": ")[0] for p in problems] == [f"{path}:3:1", f"{path}:17:6"]
    assert "population.n: Input should be greater than or equal to 0" in problems[1]


def test_python_tag_is_an_error_and_is_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = VALID_YAML.replace(
        "title: A demo study", f'title: !!python/object/apply:os.system ["touch {marker}"]'
    )
    path, study, problems = load_text(tmp_path, text)
    assert study is None
    assert problems == [
        f"{path}:2:8: title: YAML tag '!!python/object/apply:os.system' is not allowed "
        "(plain data only)"
    ]
    assert not marker.exists()


@pytest.mark.parametrize(
    "text",
    [
        VALID_YAML.replace("headline: Something happened", "headline: &h Something happened")
        + "summary: *h\n",
        VALID_YAML.replace("condition:\n", "condition: &c\n"),
    ],
    ids=["anchor-and-alias", "anchor-only"],
)
def test_anchors_and_aliases_are_refused(tmp_path: Path, text: str) -> None:
    path, study, problems = load_text(tmp_path, text)
    assert study is None
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:")
    assert "anchors (&name) and aliases (*name) are not allowed" in problems[0]


def test_billion_laughs_is_refused_before_anything_is_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    path = tmp_path / "laughs.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def never(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the document was composed: aliases could have expanded")

    monkeypatch.setattr(loader.yaml, "compose", never)
    study, problems = load_study(path)
    assert study is None
    assert [(p.line, p.column) for p in problems] == [(1, 4)]


@pytest.mark.parametrize(
    ("value", "read_as"),
    [
        ("NO", "the boolean false"),
        ("yes", "the boolean true"),
        ("1.10", "the number 1.1"),
        ("2021-01-20", "the date 2021-01-20"),
        ("01234", "the number 668"),
    ],
)
def test_yaml_11_surprises_say_what_yaml_read_and_to_quote(
    tmp_path: Path, value: str, read_as: str
) -> None:
    path, study, problems = load_text(
        tmp_path, VALID_YAML.replace("title: A demo study", f"title: {value}")
    )
    assert study is None
    assert problems == [
        f"{path}:2:8: title: Input should be a valid string; "
        f"YAML read '{value}' as {read_as}: put it in quotes"
    ]


def test_quoted_yaml_11_values_are_kept_as_text(tmp_path: Path) -> None:
    _, study, problems = load_text(tmp_path, VALID_YAML.replace("A demo study", '"NO"'))
    assert problems == [] and study.title == "NO"


def test_non_utf8_byte_reports_its_offset(tmp_path: Path) -> None:
    data = VALID_YAML.replace("A demo study", "Caf\xe9 study").encode("latin-1")
    path = tmp_path / "demo-study.yaml"
    path.write_bytes(data)
    study, problems = load_study(path)
    offset = data.index(b"\xe9")
    assert study is None
    assert [str(p) for p in problems] == [
        f"{path}:2:11: not UTF-8 text: byte 0xe9 at offset {offset}"
    ]


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "demo-study.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + VALID_YAML.encode())
    study, problems = load_study(path, expect_id="demo-study")
    assert problems == [] and study.id == "demo-study"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty: no descriptor in it"),
        ("\n\n   \n", "the file is empty: no descriptor in it"),
        ("# just a comment\n# another\n", "the file holds only comments: no descriptor in it"),
        ("- id: a\n- id: b\n", "1:1: the top level is a list; a descriptor is a mapping (id: ...)"),
        (
            "just text\n",
            "1:1: the top level is a single value; a descriptor is a mapping (id: ...)",
        ),
        (
            VALID_YAML + "---\nid: second\n",
            "23:1: YAML syntax error: more than one YAML document (---) in the file",
        ),
        ("id: [unclosed\n", "2:1: YAML syntax error: "),
    ],
    ids=["empty", "blank", "comments", "list", "scalar", "two-documents", "syntax"],
)
def test_files_without_a_descriptor(tmp_path: Path, text: str, message: str) -> None:
    path, study, problems = load_text(tmp_path, text)
    assert study is None
    assert len(problems) == 1
    sep = ":" if message[0].isdigit() else ": "
    assert problems[0].startswith(f"{path}{sep}{message}")


def test_file_over_one_mib_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "demo-study.yaml"
    path.write_bytes(VALID_YAML.encode() + b"summary: " + b"x" * MAX_BYTES + b"\n")
    study, problems = load_study(path)
    assert study is None
    assert len(problems) == 1 and "larger than 1 MiB" in str(problems[0])


def test_file_of_exactly_one_mib_is_read(tmp_path: Path) -> None:
    head = VALID_YAML.encode() + b"summary: "
    path = tmp_path / "demo-study.yaml"
    path.write_bytes(head + b"x" * (MAX_BYTES - len(head) - 1) + b"\n")
    _, problems = load_study(path)
    assert problems and "larger than" not in str(problems[0])  # read, then the length rule
    assert "summary" in str(problems[0])


def _in_thread(func, timeout: float = 5.0):
    result: list = []
    thread = threading.Thread(target=lambda: result.append(func()), daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), "blocked (a FIFO was opened?)"
    return result[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_fifo_in_a_catalog_is_skipped_and_reported(catalog_dir: Path) -> None:
    write_study(catalog_dir)
    fifo = catalog_dir / "pipe.yaml"
    os.mkfifo(fifo)
    catalog = _in_thread(lambda: load_catalog([catalog_dir]))
    assert list(catalog.entries) == ["demo-study"]
    assert [str(p) for p in catalog.problems] == [f"{fifo}: not a regular file; skipped"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_fifo_given_directly_does_not_block(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    study, problems = _in_thread(lambda: load_study(fifo))
    assert study is None
    assert [str(p) for p in problems] == [f"{fifo}: cannot read: not a regular file"]


def test_symlink_outside_the_catalog_is_reported_and_skipped(tmp_path: Path) -> None:
    outside = write_study(tmp_path / "outside", id="secret-study")
    catalog_dir = tmp_path / "catalog"
    write_study(catalog_dir)
    link = catalog_dir / "secret-study.yaml"
    link.symlink_to(outside)
    (catalog_dir / "up").symlink_to(outside.parent, target_is_directory=True)
    (catalog_dir / "loop").symlink_to(catalog_dir, target_is_directory=True)
    catalog = load_catalog([catalog_dir])
    assert list(catalog.entries) == ["demo-study"]
    assert sorted(str(p) for p in catalog.problems) == [
        f"{link}: symlink points outside the catalog; skipped",
        f"{catalog_dir}/up: symlink points outside the catalog; skipped",
    ]


def test_symlink_inside_the_catalog_is_followed(catalog_dir: Path) -> None:
    target = write_study(catalog_dir / ".store", id="linked-study")  # hidden: not scanned
    (catalog_dir / "linked-study.yaml").symlink_to(target)
    catalog = load_catalog([catalog_dir])
    assert list(catalog.entries) == ["linked-study"]
    assert catalog.problems == []


@pytest.mark.parametrize(
    "value", ["!!bool maybe", "!!timestamp soon", '!!int ""', '!!float ""', '!!int "-"']
)
def test_explicit_tag_that_cannot_be_read_is_a_problem(tmp_path: Path, value: str) -> None:
    path, study, problems = load_text(
        tmp_path, VALID_YAML.replace("title: A demo study", f"title: {value}")
    )
    assert study is None
    assert problems and problems[0].startswith(f"{path}:2:8: title: ")


@pytest.mark.parametrize("value", ["!!int 0x", "!!float .", "!!binary aGk=", "!!set {a}"])
def test_explicit_tags_that_are_handled(tmp_path: Path, value: str) -> None:
    path, study, problems = load_text(
        tmp_path, VALID_YAML.replace("title: A demo study", f"title: {value}")
    )
    assert study is None
    assert problems and problems[0].startswith(f"{path}:2:8: title: ")


# Hypothesis: nothing a file can hold makes load_study raise.

FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _check(path: Path, result) -> None:
    study, problems = result
    assert (study is None) != (problems == [])
    for problem in problems:
        assert problem.path == str(path)
        assert str(problem).startswith(str(path))


@FUZZ
@given(data=st.binary(max_size=600))
def test_arbitrary_bytes_never_raise(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("bytes") / "fuzz.yaml"
    path.write_bytes(data)
    _check(path, load_study(path, expect_id="fuzz"))


@FUZZ
@given(data=st.binary(max_size=200))
def test_bytes_spliced_into_a_descriptor_never_raise(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("splice") / "demo-study.yaml"
    raw = VALID_YAML.encode()
    cut = len(data) % len(raw)
    path.write_bytes(raw[:cut] + data + raw[cut:])
    _check(path, load_study(path, expect_id="demo-study"))


edits = st.lists(
    st.tuples(
        st.integers(0, len(VALID_YAML)),
        st.integers(0, 12),
        st.text(
            alphabet=st.one_of(
                st.sampled_from(list(":-[]{}&*!|>'\"#%@`, \n\t?~0123456789.")),
                st.characters(blacklist_categories=("Cs",)),  # a file holds no lone surrogates
            ),
            max_size=12,
        ),
    ),
    min_size=1,
    max_size=4,
)


@FUZZ
@given(changes=edits)
def test_text_mutations_of_a_valid_descriptor_never_raise(
    tmp_path_factory: pytest.TempPathFactory, changes: list[tuple[int, int, str]]
) -> None:
    text = VALID_YAML
    for at, length, insert in changes:
        at = min(at, len(text))
        text = text[:at] + insert + text[at + length :]
    path = tmp_path_factory.mktemp("mutate") / "demo-study.yaml"
    path.write_text(text, encoding="utf-8")
    _check(path, load_study(path, expect_id="demo-study"))


def test_cross_field_problem_points_at_the_field_it_is_about(tmp_path: Path) -> None:
    text = VALID_YAML + "outcomes:\n  - measure: m\n    statement: s\n    source: news\n"
    path = tmp_path / "demo-study.yaml"
    path.write_text(text, encoding="utf-8")
    study, problems = load_study(path)
    assert study is None
    assert [str(p) for p in problems] == [
        f"{path}:26:13: outcomes[0].source: unknown source key 'news'; known: paper"
    ]


def test_sub_folders_are_searched_and_hidden_ones_skipped(catalog_dir: Path) -> None:
    write_study(catalog_dir / "ms" / "trials", id="deep-study")
    write_study(catalog_dir / "other.yml.d", id="yml-folder")  # a folder, whatever its name
    write_study(catalog_dir / ".git", id="hidden-study")
    (catalog_dir / "notes.txt").write_text("not a descriptor", encoding="utf-8")
    catalog = load_catalog([catalog_dir])
    assert sorted(catalog.entries) == ["deep-study", "yml-folder"]
    assert catalog.problems == []
