"""Reliability at scale (issue #10): one odd file never takes a catalog down, Ctrl-C always
works, the index survives damage, stale data is never served, every spelling of a folder
shares one index, and empty or unprintable input is handled plainly."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import bundled_env, invoke, write_study
from test_index import cache_files, no_file_reading

from stemcell_cli.store import index

ARGS = ["list", "--json", "--studies-dir"]


def ids(result) -> list[str]:
    return [r["id"] for r in json.loads(result.stdout)]


@pytest.mark.parametrize("cache", [[], ["--no-cache"]])
def test_a_name_that_is_not_utf8_is_a_problem_of_its_own(catalog_dir: Path, cache: list) -> None:
    write_study(catalog_dir, id="fine-study")
    os.mkdir(os.fsencode(catalog_dir) + b"/dir\xe9")
    (Path(os.fsdecode(os.fsencode(catalog_dir) + b"/dir\xe9")) / "x.yaml").write_text("id: x\n")
    Path(os.fsdecode(os.fsencode(catalog_dir) + b"/bad\xff.yaml")).write_text("id: x\n")
    for _ in range(2):  # cold, then warm
        result = invoke(*ARGS, str(catalog_dir), *cache)
        assert result.exit_code == 1, result.stderr
        assert ids(result) == ["fine-study"]
        assert f"{catalog_dir}/dir\\xe9: name is not valid UTF-8; skipped" in result.stderr
        assert f"{catalog_dir}/bad\\xff.yaml: name is not valid UTF-8" in result.stderr
        assert "internal error" not in result.stderr


def test_every_spelling_of_a_folder_shares_one_index_and_is_reported_as_written(
    catalog_dir: Path, monkeypatch: pytest.MonkeyPatch, later: None
) -> None:
    for n in range(3):
        write_study(catalog_dir, id=f"study-{n}")
    broken = catalog_dir / "broken.yaml"
    broken.write_text("id: [\n")
    assert invoke(*ARGS, str(catalog_dir.resolve())).exit_code == 1  # built once
    no_file_reading(monkeypatch)
    monkeypatch.chdir(catalog_dir.parent)
    for spelling in ("catalog", "./catalog/", f"../{catalog_dir.parent.name}/catalog"):
        result = invoke(*ARGS, spelling)
        assert ids(result) == ["study-0", "study-1", "study-2"], result.stderr
        assert f"\n{os.path.normpath(spelling)}/broken.yaml:" in result.stderr, result.stderr
    assert len(cache_files()) == 1


def test_show_names_the_invalid_file_of_the_id(catalog_dir: Path) -> None:
    write_study(catalog_dir, id="fine-study")
    (catalog_dir / "ms-mist.yaml").write_text("id: ms-mist\ntitle: [\n")
    for _ in range(2):
        result = invoke("show", "ms-mist", "--studies-dir", str(catalog_dir))
        assert result.exit_code == 1
        assert result.stderr.startswith(
            f"stemcell: error: study 'ms-mist' is not valid: {catalog_dir}/ms-mist.yaml:3:1:"
        ), result.stderr


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["list", "--studies-dir", ""], {}, "--studies-dir needs a folder name"),
        (["list"], {"STEMCELL_STUDIES_DIR": os.pathsep}, "STEMCELL_STUDIES_DIR holds an empty"),
        (["list"], {"STEMCELL_STUDIES_DIR": f"a{os.pathsep}"}, "holds an empty folder name"),
        (["list", "--json", "--fields", ""], {}, "--fields is empty (valid fields: id, title"),
        (["list", "--condition", ""], {}, "--condition needs words"),
        (["list", "--search", " "], {}, "--search needs words"),
        (["filter", "--cell-type", ""], {}, "--cell-type needs words"),
        (["compare", "--condition", ""], {}, "--condition needs words"),
    ],
)
def test_empty_values_are_usage_errors(args: list, env: dict, message: str) -> None:
    result = invoke(*args, env=env)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert message in result.stderr


def test_an_interrupt_right_after_the_index_commit_still_ends_with_130(
    catalog_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_study(catalog_dir)
    update = index.Index.update

    def then_interrupted(self, *args, **kwargs):
        update(self, *args, **kwargs)
        raise KeyboardInterrupt  # as if Ctrl-C came during COMMIT

    monkeypatch.setattr(index.Index, "update", then_interrupted)
    result = invoke(*ARGS, str(catalog_dir))
    assert (result.exit_code, result.stdout, result.stderr) == (130, "", "stemcell: interrupted\n")


def test_progress_shows_files_done_of_total_only_on_a_terminal_after_a_moment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from stemcell_cli import progress

    shown = []

    class Display:
        def update(self, _task, completed):
            shown.append(completed)

        def stop(self):
            shown.append("stopped")

    monkeypatch.setattr(progress, "_start", lambda what, total: (Display(), total))
    monkeypatch.setattr(progress, "on_terminal", lambda: False)
    assert list(progress.progress(range(3), 3, "x")) == [0, 1, 2] and shown == []
    monkeypatch.setattr(progress, "on_terminal", lambda: True)
    assert list(progress.progress(range(3), 3, "x")) == [0, 1, 2] and shown == []  # quick
    monkeypatch.setattr(progress, "PROGRESS_AFTER", 0)
    assert list(progress.progress(range(3), 3, "x")) == [0, 1, 2]
    assert shown == [1, 2, 3, "stopped"]


# real processes: signals, pipes, encodings

# a cold build that reads the first half of the files, slowly enough for a batch to be stored
# on the way (a row comes in after BATCH_SECONDS), then waits on the second half until Ctrl-C
HALF_A_BUILD = """
import sys, time
from stemcell_cli.store import indexer
indexer.PARALLEL_FROM = 50
read = indexer.index_row
def slowly(path, *args):
    time.sleep(0.005 if int(path[-9:-5]) < 250 else 3600)
    return read(path, *args)
indexer.index_row = slowly
from stemcell_cli.cli import main
sys.argv = ["stemcell", *sys.argv[1:]]
main()
"""


def _stored(cache: Path) -> int:
    """How many files the index in ``cache`` holds (0 while there is none, or it is busy)."""
    for path in (cache / "stemcell").glob("*.sqlite"):
        try:
            with contextlib.closing(index.sqlite3.connect(path, timeout=0)) as db:
                return db.execute("SELECT count(*) FROM files").fetchone()[0]
        except index.sqlite3.Error:
            return 0
    return 0


@pytest.mark.slow  # a real process
def test_ctrl_c_during_a_parallel_cold_build_is_one_line_130_and_keeps_the_work_done(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "catalog"
    for n in range(500):
        write_study(folder, id=f"study-{n:04d}")
    env = {**bundled_env(), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    args = ["list", "--json", "--studies-dir", str(folder)]
    proc = subprocess.Popen(
        [sys.executable, "-c", HALF_A_BUILD, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    end = time.monotonic() + 120  # a generous bound, not a timing: a batch is stored long before
    while _stored(tmp_path / "cache") == 0 and time.monotonic() < end:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)  # the whole group: the workers get it too
    out, err = proc.communicate(timeout=120)
    assert (proc.returncode, out, err.decode()) == (130, b"", "stemcell: interrupted\n")
    with index.sqlite3.connect(next((tmp_path / "cache" / "stemcell").glob("*.sqlite"))) as db:
        kept = db.execute("SELECT count(*) FROM files").fetchone()[0]
    assert 0 < kept <= 250  # the batches read before Ctrl-C were kept
    rerun = subprocess.run(
        [sys.executable, "-m", "stemcell_cli", *args], env=env, capture_output=True, timeout=120
    )
    assert rerun.returncode == 0, rerun.stderr
    assert [r["id"] for r in json.loads(rerun.stdout)] == [f"study-{n:04d}" for n in range(500)]


@pytest.mark.slow  # a real process
@pytest.mark.parametrize(
    "args",
    [
        ["list", "-f", "table"],
        ["list", "-f", "markdown"],
        ["list", "-f", "json"],
        ["list", "-f", "jsonl"],
        ["list", "-f", "csv"],
        ["compare", "-f", "json"],
    ],
)
def test_a_reader_that_leaves_early_ends_every_format_the_same_way(args: list) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "stemcell_cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=bundled_env(),
    )
    assert len(proc.stdout.read(10)) == 10  # | head -c 10
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=30) == 1
    assert "Traceback" not in err and "Exception" not in err


@pytest.mark.slow  # a real process
def test_an_ascii_terminal_gets_replacement_characters_not_an_error() -> None:
    env = {**bundled_env(), "PYTHONIOENCODING": "ascii"}
    for args in (["list"], ["show", "ms-hsct"], ["list", "--json"]):
        result = subprocess.run(
            [sys.executable, "-m", "stemcell_cli", *args], capture_output=True, env=env
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.isascii() and b"internal error" not in result.stderr


def test_cache_lists_the_indexes_with_sizes_and_folders_and_clears_them(
    tmp_path: Path,
) -> None:
    folders = [tmp_path / "a", tmp_path / "b"]
    for folder in folders:
        write_study(folder)
        assert invoke(*ARGS, str(folder)).exit_code == 0
    listed = invoke("cache")
    assert listed.exit_code == 0
    lines = listed.stdout.splitlines()
    assert lines[0] == f"cache folder: {index.cache_home()}"
    assert sorted(line.split()[-1] for line in lines[1:]) == [str(f.resolve()) for f in folders]
    assert listed.stderr.startswith("2 index(es), ")
    one = invoke("cache", "clear", str(folders[0]))
    assert (one.exit_code, one.stderr[:19]) == (0, "removed 1 index(es)")
    assert [line.split()[-1] for line in invoke("cache").stdout.splitlines()[1:]] == [
        str(folders[1].resolve())
    ]
    assert invoke("cache", "clear").stderr.startswith("removed 1 index(es)")
    assert cache_files() == []


EARLY_INTERRUPT = """
import builtins, os, signal
from stemcell_cli import __main__ as start
load = builtins.__import__
def interrupted_while_loading(name, *args, **kwargs):
    if name == "cli":  # the command line's modules, as the entry point loads them
        os.kill(os.getpid(), signal.SIGINT)
    return load(name, *args, **kwargs)
builtins.__import__ = interrupted_while_loading
start.main()
"""


@pytest.mark.slow  # a real process
def test_ctrl_c_while_the_command_line_loads_is_one_line_and_130() -> None:
    result = subprocess.run(
        [sys.executable, "-c", EARLY_INTERRUPT, "list"],
        capture_output=True,
        env=bundled_env(),
        timeout=30,
    )
    assert (result.returncode, result.stderr) == (130, b"stemcell: interrupted\n")


# Ctrl-C while the import machinery runs one of its module-lock callbacks (a weakref callback:
# what is raised there is only printed as "Exception ignored in ...", and lost)
IN_THE_IMPORT_LOCK_CALLBACK = """
import builtins, os, signal, sys
from stemcell_cli import __main__ as start
load = builtins.__import__
def at_the_callback(frame, event, _arg):
    if event == "call" and frame.f_code.co_name == "cb" and "importlib" in frame.f_code.co_filename:
        sys.settrace(None)
        ANSWER
def loading(name, *args, **kwargs):
    if name == "cli":
        sys.settrace(at_the_callback)
    return load(name, *args, **kwargs)
builtins.__import__ = loading
start.main()
"""

# Ctrl-C inside any other callback whose exceptions are only printed
IN_A_CALLBACK = """
import builtins, os, signal, weakref
from stemcell_cli import __main__ as start
load = builtins.__import__
class Held: pass
def callback(_ref):
    os.kill(os.getpid(), signal.SIGINT)
    for _ in range(100_000): pass  # Ctrl-C is answered here, inside the callback
def loading(name, *args, **kwargs):
    if name == "cli":
        held = Held()
        ref = weakref.ref(held, callback)
        del held
    return load(name, *args, **kwargs)
builtins.__import__ = loading
start.main()
"""


@pytest.mark.slow  # a real process
@pytest.mark.parametrize(
    "script",
    [
        IN_THE_IMPORT_LOCK_CALLBACK.replace("ANSWER", "os.kill(os.getpid(), signal.SIGINT)"),
        # answered in the callback's own frame
        IN_THE_IMPORT_LOCK_CALLBACK.replace("ANSWER", "signal.getsignal(2)(2, frame)"),
        IN_A_CALLBACK,
    ],
    ids=["import lock callback", "in its frame", "weakref callback"],
)
def test_ctrl_c_inside_a_callback_is_not_lost_but_one_line_and_130(script: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", script, "list"], capture_output=True, env=bundled_env(), timeout=30
    )
    assert (result.returncode, result.stderr.decode()) == (130, "stemcell: interrupted\n")
    assert result.stdout == b""


def test_ctrl_c_inside_a_transaction_goes_on_even_when_the_rollback_fails(
    catalog_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_study(catalog_dir)
    db = index.Index(catalog_dir)
    connection = db.db

    class RollbackFails:
        def __getattr__(self, name: str):
            return getattr(connection, name)

        def execute(self, sql: str, *args):
            if sql == "ROLLBACK":
                raise index.sqlite3.OperationalError("cannot rollback - no transaction is active")
            return connection.execute(sql, *args)

    def interrupted(_row):
        raise KeyboardInterrupt  # Ctrl-C while a batch is being stored

    db.db = RollbackFails()
    monkeypatch.setattr(db, "_packed", interrupted)
    row = index.IndexRow(str(catalog_dir / "demo-study.yaml"), 1, 2, 3, 4, None, "[]", *[None] * 6)
    with pytest.raises(KeyboardInterrupt):
        db.update([row], [], {})
