"""The folder state: one scan proves a warm index current, and nothing stale gets through it."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

import pytest
from conftest import invoke, write_study

from stemcell_cli.store import indexer, loader
from stemcell_cli.store.catalog import load_one
from stemcell_cli.store.index import Index, IndexRow
from stemcell_cli.store.walk import Walk


def no_comparison(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, comparing stamps in the index fails the test."""

    def never(*_args: object) -> None:
        raise AssertionError("the stamps were compared")

    monkeypatch.setattr(Index, "changes", never)


def titles(folder: Path) -> dict[str, str]:
    result = invoke("list", "--json", "--studies-dir", str(folder))
    assert result.exit_code == 0, result.stderr
    return {r["id"]: r["title"] for r in json.loads(result.stdout)}


def test_a_settled_folder_is_served_after_one_scan_without_comparing_stamps(
    catalog_dir: Path, later: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(3):
        write_study(catalog_dir, id=f"study-{n}", title=f"Title {n}")
    first = titles(catalog_dir)
    assert Index(catalog_dir).state() is not None
    no_comparison(monkeypatch)
    assert titles(catalog_dir) == first == {f"study-{n}": f"Title {n}" for n in range(3)}


@pytest.mark.parametrize(
    "change", ["same size, times put back", "added in a sub-folder", "deleted"]
)
def test_any_change_gives_another_state_and_is_served(
    catalog_dir: Path, later: None, change: str
) -> None:
    path = write_study(catalog_dir, id="study-a", title="AAAA")
    write_study(catalog_dir, id="study-b")
    assert titles(catalog_dir)["study-a"] == "AAAA"
    before = Index(catalog_dir).state()
    if change == "deleted":
        path.unlink()
        expected = {"study-b": "A demo study"}
    elif change == "added in a sub-folder":
        write_study(catalog_dir / "more", id="study-c", title="CCCC")
        expected = {"study-a": "AAAA", "study-b": "A demo study", "study-c": "CCCC"}
    else:
        info = path.stat()
        path.write_text(path.read_text().replace("AAAA", "BBBB"), encoding="utf-8")
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
        expected = {"study-a": "BBBB", "study-b": "A demo study"}
    assert titles(catalog_dir) == expected
    assert Index(catalog_dir).state() not in (None, before)


def test_files_changed_just_now_keep_no_state(catalog_dir: Path, stopped_clock: None) -> None:
    write_study(catalog_dir, id="study-a")
    assert titles(catalog_dir) == {"study-a": "A demo study"}
    assert Index(catalog_dir).state() is None  # the next run compares the stamps again


def test_a_forgotten_row_drops_the_state_and_its_file_is_read_again(
    catalog_dir: Path, later: None
) -> None:
    path = write_study(catalog_dir, id="study-a", title="AAAA")
    titles(catalog_dir)
    index = Index(catalog_dir)
    index.forget(str(path))
    assert index.state() is None
    assert titles(catalog_dir) == {"study-a": "AAAA"}
    assert Index(catalog_dir).count() == 1


def test_no_state_is_kept_when_another_process_wrote_the_index_meanwhile(
    catalog_dir: Path,
) -> None:
    index = Index(catalog_dir)
    since = index.version()
    other = sqlite3.connect(index.path, isolation_level=None)
    other.execute("INSERT INTO folders VALUES ('elsewhere', 1)")
    other.close()
    index.keep_state(b"s" * 16, since)
    assert index.state() is None
    index.keep_state(b"s" * 16, index.version())
    assert index.state() == b"s" * 16


def test_an_interrupted_update_leaves_no_state(catalog_dir: Path) -> None:
    index = Index(catalog_dir)
    index.keep_state(b"s" * 16, index.version())

    def rows():
        yield IndexRow(str(catalog_dir / "a.yaml"), 1, 1, 1, 1, None, "[]", *[None] * 6)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        index.update(rows(), [], {"": 1}, b"t" * 16, index.version())
    assert index.state() is None


def test_the_state_covers_names_stamps_and_folder_times(catalog_dir: Path, later: None) -> None:
    path = write_study(catalog_dir, id="study-a")
    state = indexer.folder_state(Walk(catalog_dir))
    assert state is not None and state == indexer.folder_state(Walk(catalog_dir))
    path.rename(catalog_dir / "study-b.yaml")
    assert indexer.folder_state(Walk(catalog_dir)) != state


def test_a_folder_change_alone_updates_the_folder_times_for_the_show_shortcut(
    catalog_dir: Path, later: None
) -> None:
    write_study(catalog_dir, id="study-a")
    titles(catalog_dir)
    (catalog_dir / "notes.txt").write_text("not a descriptor", encoding="utf-8")
    titles(catalog_dir)
    assert load_one([catalog_dir], "study-a") is not None


@pytest.mark.parametrize(
    ("offset_s", "expected"), [(-3, False), (-1, True), (0, True), (10, True), (7200, False)]
)
def test_a_time_is_racy_when_recent_or_a_little_ahead_not_when_set_far_ahead(
    offset_s: int, expected: bool
) -> None:
    now = time.time_ns()
    assert indexer.racy(now + offset_s * 10**9, now) is expected


def test_files_dated_far_ahead_are_trusted_once_settled(
    catalog_dir: Path, later: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    ahead = time.time_ns() + 86_400 * 10**9  # touch -d tomorrow, as some archives leave files
    for n in range(3):
        path = write_study(catalog_dir, id=f"study-{n}", title=f"Title {n}")
        os.utime(path, ns=(ahead, ahead))
    first = titles(catalog_dir)
    no_comparison(monkeypatch)
    monkeypatch.setattr(loader, "load_study", lambda *_a, **_k: pytest.fail("a file was read"))
    assert titles(catalog_dir) == first


def test_a_file_changed_just_now_is_read_again_whatever_its_modification_time(
    catalog_dir: Path,
) -> None:
    path = write_study(catalog_dir, id="study-a")
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns - 60 * 10**9))  # touch -r old
    row = indexer.index_row(str(path), time.time_ns())
    assert row.size == -1  # its change time is now: not to be trusted yet
