"""Cold builds as real processes (issue #18, items 6 and 12): the workers of a build end with
it however it ends, and builds running at once share the work without a warning."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import bundled_env, make_study, write_study

from stemcell_cli.store import index
from stemcell_cli.store.locking import one_at_a_time

FILES = 2500
BUILD = """
import os, sys
os.cpu_count = lambda: 2  # two workers, whatever the machine
from stemcell_cli.store import indexer
from stemcell_cli.store import lifeline
{patch}
from stemcell_cli.cli import main
sys.argv = ["stemcell", *sys.argv[1:]]
main()
"""


@pytest.fixture(scope="module")
def big_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,500 small valid descriptors."""
    folder = tmp_path_factory.mktemp("big")
    text = yaml.safe_dump(make_study(), sort_keys=False)
    for n in range(FILES):
        (folder / f"study-{n:04d}.yaml").write_text(text.replace("demo-study", f"study-{n:04d}"))
    return folder


@pytest.fixture(scope="module")
def direct_listing(big_folder: Path) -> bytes:
    """``list --json`` of the big folder, read without the index."""
    argv = [sys.executable, "-m", "stemcell_cli", "list", "--json", "--no-cache"]
    done = subprocess.run(
        [*argv, "--studies-dir", str(big_folder)], env=bundled_env(), capture_output=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _processes() -> list[tuple[int, int, int]]:
    """(pid, parent pid, process group) of every process (Linux /proc)."""
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                stat = Path(f"/proc/{name}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            if fields[0] != "Z":  # a zombie has ended already
                found.append((int(name), int(fields[1]), int(fields[2])))
    return found


def _until(condition, seconds: float = 60.0) -> bool:
    """Whether ``condition()`` came true, polled for at most ``seconds``."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _build(folder: Path, cache: Path, out: Path, patch: str = "") -> subprocess.Popen:
    """A cold ``list --json`` of ``folder`` in a process group of its own, its stdout and
    stderr written to ``out``.stdout and ``out``.stderr (files: a worker left behind would
    keep a pipe open)."""
    env = {**bundled_env(), "XDG_CACHE_HOME": str(cache)}
    argv = [
        sys.executable,
        "-c",
        BUILD.format(patch=patch),
        "list",
        "--json",
        "--studies-dir",
        str(folder),
    ]
    with open(f"{out}.stdout", "wb") as stdout, open(f"{out}.stderr", "wb") as stderr:
        return subprocess.Popen(argv, env=env, stdout=stdout, stderr=stderr, start_new_session=True)


@pytest.mark.slow  # a real process
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize(
    ("how", "patch"),
    [
        (signal.SIGKILL, ""),
        (signal.SIGTERM, ""),
        (signal.SIGKILL, "lifeline._kernel_ends_us = lambda: False"),  # the watching thread
        (signal.SIGKILL, "indexer.end_with_parent = lambda parent: None"),  # the pipes alone
    ],
    ids=["kill -9", "kill -TERM", "kill -9, no prctl", "kill -9, pipes alone"],
)
def test_the_workers_of_a_cold_build_end_with_it_however_it_is_killed(
    big_folder: Path, tmp_path: Path, how: signal.Signals, patch: str
) -> None:
    proc = _build(big_folder, tmp_path / "cache", tmp_path / "build", patch)
    try:
        workers = lambda: [p for p, parent, _ in _processes() if parent == proc.pid]  # noqa: E731
        assert _until(lambda: len(workers()) == 2)
        os.kill(proc.pid, how)  # the parent alone, as `kill` does
        assert proc.wait(timeout=30) == -how
        group = lambda: [p for p, _, g in _processes() if g == proc.pid]  # noqa: E731
        assert _until(lambda: not group(), 20), f"workers left running: {group()}"
    finally:
        if any(g == proc.pid for _, _, g in _processes()):
            os.killpg(proc.pid, signal.SIGKILL)  # leave nothing behind, even on failure


@pytest.mark.slow  # a real process
@pytest.mark.parametrize("round_", [1, 2, 3])
def test_two_cold_builds_at_once_share_the_work_silently(
    big_folder: Path, direct_listing: bytes, tmp_path: Path, round_: int
) -> None:
    cache = tmp_path / "cache"
    runs = [_build(big_folder, cache, tmp_path / f"run{n}") for n in (1, 2)]
    assert [run.wait(timeout=120) for run in runs] == [0, 0]
    expected = [f"study-{n:04d}" for n in range(FILES)]
    for n in (1, 2):
        assert (tmp_path / f"run{n}.stderr").read_text() == f"{FILES} of {FILES} studies\n"
        listed = json.loads((tmp_path / f"run{n}.stdout").read_text())
        assert [study["id"] for study in listed] == expected
    outputs = {(tmp_path / f"run{n}.stdout").read_bytes() for n in (1, 2)}
    assert outputs == {direct_listing}  # the same output as a direct reading, byte for byte
    assert len(list((cache / "stemcell").glob("index-*.sqlite"))) == 1


def _waiting_for_a_lock(pid: int) -> bool:
    """Whether process ``pid`` is blocked on a file lock (Linux /proc/locks: ``->`` marks a
    waiter)."""
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if "->" in fields and str(pid) in fields:
            return True
    return False


@pytest.mark.slow  # a real process
@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs Linux /proc/locks")
def test_a_build_waiting_for_another_still_ends_at_once_on_ctrl_c(
    catalog_dir: Path, tmp_path: Path
) -> None:
    write_study(catalog_dir)
    cache = tmp_path / "cache"
    index_file = cache / "stemcell" / index.index_path(catalog_dir).name  # the name: the folder's
    index_file.parent.mkdir(parents=True)
    with one_at_a_time(index_file):  # another builder holds the index
        proc = _build(catalog_dir, cache, tmp_path / "waiting")
        assert _until(lambda: _waiting_for_a_lock(proc.pid))
        os.kill(proc.pid, signal.SIGINT)
        assert proc.wait(timeout=30) == 130
    assert (tmp_path / "waiting.stderr").read_text() == "stemcell: interrupted\n"
    rerun = _build(catalog_dir, cache, tmp_path / "rerun")  # the lock is free again
    assert rerun.wait(timeout=60) == 0
    assert json.loads((tmp_path / "rerun.stdout").read_text())[0]["id"] == "demo-study"


def test_updates_that_overlap_without_the_lock_still_store_the_folder(catalog_dir: Path) -> None:
    """Where no lock can be had (no ``fcntl``), two builders' updates may overlap: the one
    that finishes last must not fail on the folder times the other stored."""
    write_study(catalog_dir)
    first, second = index.Index(catalog_dir), index.Index(catalog_dir)
    folders = {"": 1}

    def rows():
        second.update([], [], folders)  # the other builder, from start to end, meanwhile
        yield from ()

    first.update(rows(), [], folders)
    assert first.folders() == second.folders() == folders
