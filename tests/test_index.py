"""The persistent index: same answers as a direct read, never stale, never in the way."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import BUNDLED, invoke, write_study

from stemcell_cli import index
from stemcell_cli.catalog import load_catalog, load_one


def titles(result) -> dict[str, str]:
    assert result.exit_code == 0, result.stderr
    return {r["id"]: r["title"] for r in json.loads(result.stdout)}


def cache_files() -> list[Path]:
    return sorted(index.cache_home().glob("index-*.sqlite"))


def test_warm_answers_equal_a_direct_read(catalog_dir: Path) -> None:
    for n in range(3):
        write_study(catalog_dir, id=f"study-{n}", title=f"Title {n}")
    args = ["--studies-dir", str(catalog_dir)]
    for command in (["list", "--json"], ["show", "study-1"], ["compare", "--json"]):
        cold = invoke(*command, *args)
        warm = invoke(*command, *args)
        direct = invoke(*command, *args, "--no-cache")
        assert cold.stdout == warm.stdout == direct.stdout
    assert len(cache_files()) == 1


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


def test_same_size_edit_within_the_same_timestamp_is_still_seen(catalog_dir: Path) -> None:
    path = write_study(catalog_dir, id="study-a", title="AAAA")
    stamp = path.stat().st_mtime_ns
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


def test_show_from_a_current_index_needs_only_its_own_file(catalog_dir: Path) -> None:
    for name in ("study-a", "study-b"):
        path = write_study(catalog_dir, id=name)
        os.utime(path, (path.stat().st_atime - 60, path.stat().st_mtime - 60))  # not racy
    load_catalog([catalog_dir], cache=True)
    one = load_one([catalog_dir], "study-b")
    assert one is not None and list(one.entries) == ["study-b"]
    assert one.entry("study-b").view["id"] == "study-b"
    write_study(catalog_dir, id="study-c")  # the folder changed: no shortcut
    assert load_one([catalog_dir], "study-b") is None


def test_invalid_files_are_reported_from_the_index_too(catalog_dir: Path) -> None:
    write_study(catalog_dir)
    (catalog_dir / "broken.yaml").write_text("id: broken\ntitle: [\n", encoding="utf-8")
    for _ in range(2):  # cold, then warm
        result = invoke("list", "--studies-dir", str(catalog_dir))
        assert result.exit_code == 1
        assert "broken.yaml:3:1: YAML syntax error" in result.stderr


@pytest.mark.parametrize("damage", ["garbage", "unwritable"])
def test_a_damaged_cache_is_ignored_with_a_warning(catalog_dir: Path, damage: str) -> None:
    write_study(catalog_dir)
    if damage == "garbage":
        invoke("list", "--studies-dir", str(catalog_dir))
        (path,) = cache_files()
        path.write_bytes(b"this is not a database" * 100)
        for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            extra.unlink(missing_ok=True)
    else:
        home = index.cache_home()
        home.parent.mkdir(parents=True, exist_ok=True)
        home.write_text("a file where the cache folder should be")
    result = invoke("list", "--json", "--studies-dir", str(catalog_dir))
    assert result.exit_code == 0
    assert [r["id"] for r in json.loads(result.stdout)] == ["demo-study"]
    assert "warning: index not used" in result.stderr
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
        assert "study" not in vars(entry)  # nothing was validated to serve the listing
        assert entry.study == direct.entries[study_id].study
        assert entry.record == direct.entries[study_id].record
