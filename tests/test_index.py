"""The persistent index: same answers as a direct read, never stale, never in the way."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from conftest import BUNDLED, invoke, write_study

from stemcell_cli.cli import options
from stemcell_cli.store import index, indexer, loader
from stemcell_cli.store.catalog import Catalog, load_catalog, load_one
from stemcell_cli.store.entry import IndexedEntry


def titles(result) -> dict[str, str]:
    assert result.exit_code == 0, result.stderr
    return {r["id"]: r["title"] for r in json.loads(result.stdout)}


def cache_files() -> list[Path]:
    return sorted(index.cache_home().glob("index-*.sqlite"))


def no_file_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, reading any descriptor file fails the test."""

    def never(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a descriptor file was read")

    monkeypatch.setattr(loader, "load_study", never)


COMMANDS = (
    ["list", "--json"],
    ["show", "study-1"],
    ["compare"],
    ["list", "--condition", "diabetes"],
)


def test_warm_answers_equal_a_direct_read_without_reading_any_file(
    catalog_dir: Path, monkeypatch: pytest.MonkeyPatch, later: None
) -> None:
    for n in range(3):
        write_study(catalog_dir, id=f"study-{n}", title=f"Title {n}")
    args = ["--studies-dir", str(catalog_dir)]
    direct = [invoke(*command, *args, "--no-cache").stdout for command in COMMANDS]
    cold = [invoke(*command, *args).stdout for command in COMMANDS]
    no_file_reading(monkeypatch)
    warm = [invoke(*command, *args) for command in COMMANDS]
    assert [r.exit_code for r in warm] == [0] * len(COMMANDS), [r.stderr for r in warm]
    assert direct == cold == [r.stdout for r in warm]
    assert len(cache_files()) == 1


def test_show_takes_the_shortcut_when_the_index_is_current(
    catalog_dir: Path, monkeypatch: pytest.MonkeyPatch, later: None
) -> None:
    for n in range(3):
        write_study(catalog_dir, id=f"study-{n}", title=f"Title {n}")
    args = ["show", "study-1", "--json", "--studies-dir", str(catalog_dir)]
    assert invoke("list", "--studies-dir", str(catalog_dir)).exit_code == 0  # builds the index

    def whole_catalog(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the whole catalog was loaded")

    monkeypatch.setattr(options, "load_catalog", whole_catalog)
    no_file_reading(monkeypatch)
    result = invoke(*args)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["title"] == "Title 1"


def test_show_after_the_folder_changed_keeps_only_its_study(
    catalog_dir: Path, monkeypatch: pytest.MonkeyPatch, later: None
) -> None:
    for n in range(3):
        write_study(catalog_dir, id=f"study-{n}", title=f"Title {n}")
    assert invoke("list", "--studies-dir", str(catalog_dir)).exit_code == 0  # builds the index
    (catalog_dir / "notes.txt").write_text("the folder changed: no shortcut", encoding="utf-8")

    def whole_catalog(_self: object) -> None:
        raise AssertionError("every study of the catalog was held")

    monkeypatch.setattr(Catalog, "entries", property(whole_catalog))
    result = invoke("show", "STUDY-2", "--json", "--studies-dir", str(catalog_dir))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["title"] == "Title 2"
    (catalog_dir / "more-notes.txt").write_text("changed again", encoding="utf-8")
    missing = invoke("show", "study-9", "--studies-dir", str(catalog_dir))
    assert missing.exit_code == 1 and "no study with id 'study-9'" in missing.stderr


def test_no_cache_writes_no_index(catalog_dir: Path) -> None:
    write_study(catalog_dir)
    assert invoke("list", "--studies-dir", str(catalog_dir), "--no-cache").exit_code == 0
    assert cache_files() == []


def test_edited_added_and_deleted_files_are_never_served_stale(catalog_dir: Path) -> None:
    a = write_study(catalog_dir, id="study-a", title="Before")
    write_study(catalog_dir, id="study-b")
    args = ["list", "--json", "--studies-dir", str(catalog_dir)]
    assert titles(invoke(*args))["study-a"] == "Before"
    a.write_text(a.read_text().replace("Before", "After!"), encoding="utf-8")
    (catalog_dir / "study-b.yaml").unlink()
    write_study(catalog_dir, id="study-c")
    assert titles(invoke(*args)) == {"study-a": "After!", "study-c": "A demo study"}


def test_same_size_edit_within_the_same_timestamp_is_still_seen(
    catalog_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_study(catalog_dir, id="study-a", title="AAAA")
    stamp = path.stat().st_mtime_ns
    monkeypatch.setattr(indexer.time, "time_ns", lambda: stamp + 1)  # read in the same tick
    args = ["list", "--json", "--studies-dir", str(catalog_dir)]
    assert titles(invoke(*args))["study-a"] == "AAAA"
    path.write_text(path.read_text().replace("AAAA", "BBBB"), encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))  # same size, same mtime: only the racy guard can tell
    assert titles(invoke(*args))["study-a"] == "BBBB"


def test_show_rereads_its_file_when_edited(catalog_dir: Path) -> None:
    path = write_study(catalog_dir, id="study-a", title="First title")
    args = ["show", "study-a", "--json", "--studies-dir", str(catalog_dir)]
    assert json.loads(invoke(*args).stdout)["title"] == "First title"
    path.write_text(path.read_text().replace("First title", "Second one"), encoding="utf-8")
    assert json.loads(invoke(*args).stdout)["title"] == "Second one"


def test_show_from_a_current_index_needs_only_its_own_file(catalog_dir: Path, later: None) -> None:
    for name in ("study-a", "study-b"):
        write_study(catalog_dir, id=name)
    load_catalog([catalog_dir], cache=True)
    one = load_one([catalog_dir], "study-b")
    assert one is not None and list(one.entries) == ["study-b"]
    assert one.entry("study-b").show_view["id"] == "study-b"
    write_study(catalog_dir, id="study-c")  # the folder changed: no shortcut
    assert load_one([catalog_dir], "study-b") is None


def test_invalid_files_are_reported_from_the_index_too(catalog_dir: Path) -> None:
    write_study(catalog_dir)
    (catalog_dir / "broken.yaml").write_text("id: broken\ntitle: [\n", encoding="utf-8")
    for _ in range(2):  # cold, then warm
        result = invoke("list", "--studies-dir", str(catalog_dir))
        assert result.exit_code == 1
        assert "broken.yaml:3:1: YAML syntax error" in result.stderr


@pytest.mark.parametrize("damage", [b"this is not a database" * 100, b""])
def test_a_damaged_cache_file_is_deleted_and_built_again_once(
    catalog_dir: Path, monkeypatch: pytest.MonkeyPatch, damage: bytes, later: None
) -> None:
    write_study(catalog_dir)
    args = ["list", "--json", "--studies-dir", str(catalog_dir)]
    invoke(*args)
    (path,) = cache_files()
    if damage:
        path.write_bytes(damage)
    else:  # a real database whose pages are damaged
        data = bytearray(path.read_bytes())
        data[4096 : len(data)] = b"\xff" * (len(data) - 4096)
        path.write_bytes(bytes(data))
    rebuilt = invoke(*args)
    assert rebuilt.exit_code == 0, rebuilt.stderr
    assert [r["id"] for r in json.loads(rebuilt.stdout)] == ["demo-study"]
    assert "warning" not in rebuilt.stderr and "Traceback" not in rebuilt.stderr
    no_file_reading(monkeypatch)  # the rebuilt index serves the next run
    warm = invoke(*args)
    assert (warm.exit_code, warm.stdout, warm.stderr) == (0, rebuilt.stdout, "1 of 1 studies\n")


def test_an_unusable_cache_is_bypassed_with_one_warning(catalog_dir: Path) -> None:
    write_study(catalog_dir)
    home = index.cache_home()
    home.parent.mkdir(parents=True, exist_ok=True)
    home.write_text("a file where the cache folder should be")
    result = invoke("list", "--json", "--studies-dir", str(catalog_dir))
    assert result.exit_code == 0
    assert [r["id"] for r in json.loads(result.stdout)] == ["demo-study"]
    assert result.stderr.count("warning: index not used") == 1
    assert "Traceback" not in result.stderr


def test_index_is_rebuilt_when_the_schema_version_changes(
    catalog_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_study(catalog_dir, title="Old")
    load_catalog([catalog_dir], cache=True)
    monkeypatch.setattr(index, "VERSION", "other")
    assert load_catalog([catalog_dir], cache=True).entries["demo-study"].summary
    db = index.Index(catalog_dir)
    assert db.db.execute("SELECT value FROM meta").fetchone() == ("other",)


def test_long_tables_are_cut_with_a_note(catalog_dir: Path) -> None:
    for n in range(5):
        write_study(catalog_dir, id=f"study-{n}")
    args = ["list", "--studies-dir", str(catalog_dir)]
    limited = invoke(*args, "--limit", "2")
    assert "study-1" in limited.stdout and "study-2" not in limited.stdout
    assert "showing 2 of 5 studies; use --all or --limit N for more" in limited.stderr
    every = invoke(*args, "--all")
    assert "study-4" in every.stdout and "showing" not in every.stderr
    assert invoke(*args, "--all", "--limit", "2").exit_code == 2


def test_a_study_rebuilt_from_the_index_equals_the_one_read_from_yaml() -> None:
    direct = load_catalog([BUNDLED])
    load_catalog([BUNDLED], cache=True)
    indexed = load_catalog([BUNDLED], cache=True)  # warm: every entry comes from the index
    assert set(indexed.entries) == set(direct.entries)
    for study_id, entry in indexed.entries.items():
        assert isinstance(entry, IndexedEntry)
        assert entry.study == direct.entries[study_id].study
        assert entry.record == direct.entries[study_id].record


def _damage(column: str, value: str) -> None:
    (path,) = cache_files()
    with sqlite3.connect(path) as db:
        db.execute(f"UPDATE files SET {column} = ? WHERE study_id = 'study-1'", (value,))


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("problems", "garbage"),
        ("problems", "[1]"),
        ("record", "{}"),
        ("record", '{"id":"study-2","title":"not mine"}'),
        ("summary", '["too", "short"]'),
        ("facets", '{"conditions": []}'),
        ("show_view", "[]"),
        ("show_view", '{"id": "study-1"}'),
        ("compare_column", '{"head": [["x"]], "outcomes": [], "tail": []}'),
    ],
)
def test_damaged_rows_are_read_from_their_file_with_one_warning(
    catalog_dir: Path, column: str, value: str, later: None
) -> None:
    for n in range(3):
        write_study(catalog_dir, id=f"study-{n}", title=f"Title {n}")
    args = ["--studies-dir", str(catalog_dir)]
    direct = [invoke(*command, *args, "--no-cache").stdout for command in COMMANDS]
    invoke("list", *args)
    _damage(column, value)
    damaged = [invoke(*command, *args) for command in COMMANDS]
    assert [r.stdout for r in damaged] == direct
    assert all(r.exit_code == 0 for r in damaged)
    warned = [r.stderr.count("warning: index not used") for r in damaged]
    assert set(warned) <= {0, 1} and sum(warned) >= 1  # once, where the damage was met
    healed = [invoke(*command, *args) for command in COMMANDS]  # the damaged row was forgotten
    assert [r.stdout for r in healed] == direct
    assert not any("warning" in r.stderr for r in healed)


def test_an_interrupted_update_keeps_the_batches_it_stored(
    catalog_dir: Path, monkeypatch: pytest.MonkeyPatch, later: None
) -> None:
    for n in range(5):
        write_study(catalog_dir, id=f"study-{n}")
    load_catalog([catalog_dir], cache=True)
    db = index.Index(catalog_dir)
    monkeypatch.setattr(index, "BATCH", 2)
    paths = [str(catalog_dir / f"study-{n}.yaml") for n in range(5)]
    for path in paths:
        Path(path).write_text(Path(path).read_text().replace("A demo", "Edited"))

    def rows():
        for path in paths[:3]:
            yield indexer.index_row(path, 0)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        db.update(rows(), [], {"": 1})
    assert not db.db.in_transaction
    assert db.folders() == {}  # not current: the next run checks every file
    stored = {db.shown(row.path): db.unpack(row.record) for row in db.studies()}
    assert ['"title":"Edited study"' in stored[p] for p in paths] == [True] * 2 + [False] * 3


def test_a_parallel_cold_build_equals_a_direct_read(
    catalog_dir: Path, monkeypatch: pytest.MonkeyPatch, later: None
) -> None:
    for n in range(12):
        write_study(catalog_dir / f"part-{n % 3}", id=f"study-{n:02d}", title=f"T {n}")
    (catalog_dir / "part-1" / "broken.yaml").write_text("id: [\n", encoding="utf-8")
    monkeypatch.setattr(indexer, "PARALLEL_FROM", 4)
    parallel = indexer._in_parallel
    chunks = []

    def spy(paths, now, count, zdict):
        chunks.append(count)
        return parallel(paths, now, count, zdict)

    monkeypatch.setattr(indexer, "_in_parallel", spy)
    direct = load_catalog([catalog_dir])
    built = load_catalog([catalog_dir], cache=True)
    assert chunks  # the files were read by worker processes
    assert [e.record for e in built.sorted_entries()] == [e.record for e in direct.sorted_entries()]
    assert [str(p) for p in built.problems] == [str(p) for p in direct.problems]
    assert len(built.entries) == 12 and len(built.problems) == 1
