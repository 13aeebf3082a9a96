"""The cache folder at its edges (issue #18, item 13): a read-only cache, a cache path that
looks like a URI, and files in the cache folder that are not stemcell's."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest
from conftest import invoke, write_study
from test_index import cache_files

from stemcell_cli.store import index


def _built(catalog_dir: Path) -> Path:
    write_study(catalog_dir)
    assert invoke("list", "--studies-dir", str(catalog_dir)).exit_code == 0
    [built] = cache_files()
    return built


def test_clearing_a_read_only_cache_is_a_clear_error(
    catalog_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = _built(catalog_dir)

    def read_only(path: Path, missing_ok: bool = False) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(path))

    monkeypatch.setattr(Path, "unlink", read_only)  # root may delete anything: a mount may not
    result = invoke("cache", "clear")
    assert result.exit_code == 1
    assert result.stderr == (
        f"stemcell: error: cannot remove {built}: Read-only file system (removed 0 index(es))\n"
    )
    assert built.exists()


def test_a_cache_path_that_looks_like_a_uri_is_only_a_path(
    catalog_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", "some/q?x")
    built = _built(catalog_dir)
    assert built.parent == Path("some/q?x/stemcell")
    listed = invoke("cache")
    assert listed.exit_code == 0
    assert listed.stdout.splitlines()[1].endswith(str(catalog_dir.resolve()))
    assert sorted(p.name for p in (tmp_path / "some").iterdir()) == ["q?x"]  # no "q"


def _foreign(cache: Path) -> dict[str, bytes]:
    """Files named like indexes that are not stemcell's: text, another program's database,
    a database with a table called meta of its own."""
    (cache / "index-0000000000text.sqlite").write_text("my notes", encoding="utf-8")
    with sqlite3.connect(cache / "index-00000000other.sqlite") as db:
        db.execute("CREATE TABLE accounts (name TEXT)")
    with sqlite3.connect(cache / "index-0000000000meta.sqlite") as db:
        db.execute("CREATE TABLE meta (key TEXT, value TEXT)")
        db.execute("INSERT INTO meta VALUES ('owner', 'someone else')")
    return {p.name: p.read_bytes() for p in cache.glob("index-0000*.sqlite")}


def test_clearing_the_cache_deletes_only_stemcell_indexes(catalog_dir: Path) -> None:
    built = _built(catalog_dir)
    foreign = _foreign(built.parent)
    result = invoke("cache", "clear")
    assert result.exit_code == 0, result.stderr
    assert not built.exists()
    assert {p.name: p.read_bytes() for p in built.parent.glob("index-*.sqlite")} == foreign
    *kept, removed = result.stderr.splitlines()
    assert kept == [
        f"stemcell: warning: kept {built.parent / name}: not a stemcell index"
        for name in sorted(foreign)
    ]
    assert removed.startswith("removed 1 index(es), ")


def test_an_index_of_another_version_is_still_stemcell_s_and_is_cleared(catalog_dir: Path) -> None:
    built = _built(catalog_dir)
    with sqlite3.connect(built) as db:
        db.execute("UPDATE meta SET value = '1:1:0.0.1' WHERE key = 'version'")
    assert invoke("cache", "clear").exit_code == 0
    assert not built.exists() and index.cache_home().exists()
