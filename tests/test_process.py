"""Real processes: python -m, the installed entry point, closed pipes, debug tracebacks."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BUNDLED, SEED_IDS, bundled_env

from stemcell_cli import __version__

pytestmark = [
    pytest.mark.usefixtures("seed_catalog"),  # the nine seed studies
    pytest.mark.slow,  # every test here runs a real process
]


def entry_point() -> str:
    """The installed console script (run with this tree's code: see ``bundled_env``)."""
    beside = Path(sys.executable).with_name("stemcell")
    found = str(beside) if beside.exists() else shutil.which("stemcell")
    if not found:
        pytest.skip("the stemcell console script is not installed")
    return found


def run(args: list[str], cwd: Path | None = None, env: dict | None = None):
    return subprocess.run(
        args,
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**bundled_env(), **(env or {})},
        timeout=30,
    )


def test_python_dash_m_lists_json(tmp_path: Path) -> None:
    result = run([sys.executable, "-m", "stemcell_cli", "list", "--json"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert {r["id"] for r in json.loads(result.stdout)} == SEED_IDS
    assert result.stderr == "9 of 9 studies\n"


def test_installed_entry_point_runs_from_another_folder(tmp_path: Path) -> None:
    stemcell = entry_point()
    version = run([stemcell, "--version"], cwd=tmp_path)
    assert (version.returncode, version.stdout) == (0, f"stemcell {__version__}\n")
    shown = run([stemcell, "show", "ms-hsct", "--json"], cwd=tmp_path)
    assert shown.returncode == 0
    assert json.loads(shown.stdout)["population"]["n"] == 210
    missing = run([stemcell, "show", "ms-hsc"], cwd=tmp_path)
    assert missing.returncode == 1
    assert missing.stderr.startswith("stemcell: error: no study with id 'ms-hsc'; did you mean")


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--json"],
        ["compare", "--json"],
        ["list"],
        ["list", "--condition", "pain", "--json"],
        ["show", "ms-mist", "--json"],
        ["schema"],
    ],
)
def test_closed_pipe_ends_quietly(args: list[str]) -> None:
    proc = subprocess.Popen(
        [entry_point(), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=bundled_env()
    )
    proc.stdout.close()  # the reader went away before anything was read
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=30) == 1  # output was lost: scripts can tell
    # nothing but (at most) the usual count line: no traceback, no "Exception ignored"
    assert err == "" or re.fullmatch(r"\d+ of \d+ studies( compared)?\n", err), err


def test_a_reader_that_reads_everything_gets_exit_0() -> None:
    result = subprocess.run(
        f'"{entry_point()}" list --json | cat; exit "${{PIPESTATUS[0]}}"',
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        env=bundled_env(),
        timeout=30,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("[\n{")


def test_pipe_into_head_ends_quietly(tmp_path: Path) -> None:
    err = tmp_path / "stderr.txt"
    shell = shutil.which("sh")
    if shell is None:
        pytest.skip("needs a POSIX shell")
    result = subprocess.run(
        f'"{entry_point()}" list --json 2>"{err}" | head -c 1',
        shell=True,
        capture_output=True,
        text=True,
        env=bundled_env(),
        timeout=30,
    )
    assert result.stdout == "["
    text = err.read_text()
    assert "Traceback" not in text and "rror" not in text
    assert text in ("", "9 of 9 studies\n")


INTERNAL_ERROR = (
    "import stemcell_cli.cli as cli, stemcell_cli.cli.studies as studies\n"
    "def boom(*a, **k):\n"
    "    raise RuntimeError('deliberate failure')\n"
    "studies.matching = boom\n"
    "cli.main()\n"
)


@pytest.mark.parametrize("debug", [False, True])
def test_debug_switch_shows_the_traceback(debug: bool) -> None:
    env = {"STEMCELL_DEBUG": "1"} if debug else {}
    result = run([sys.executable, "-c", INTERNAL_ERROR, "list"], env=env)
    assert result.returncode == 1
    assert result.stdout == ""
    if debug:
        assert "Traceback (most recent call last)" in result.stderr
        assert "RuntimeError: deliberate failure" in result.stderr
    else:
        assert result.stderr == (
            "stemcell: internal error: RuntimeError: deliberate failure "
            "(set STEMCELL_DEBUG=1 for a traceback)\n"
        )


def test_library_imports_without_typer() -> None:
    code = (
        "import sys\n"
        "sys.modules['typer'] = None\n"
        "import stemcell_cli.model.descriptor, stemcell_cli.store.loader\n"
        "import stemcell_cli.store.catalog, stemcell_cli.query, stemcell_cli.evidence.grading\n"
        "import stemcell_cli.views, stemcell_cli.views.describe, stemcell_cli.render.json\n"
        "import stemcell_cli.store.indexer, stemcell_cli.store.index, stemcell_cli.store.entry\n"
        "import stemcell_cli.ctgov, stemcell_cli.cite, stemcell_cli.analysis.bodies\n"
        "from stemcell_cli.store.catalog import bundled_dir, load_catalog\n"
        "from stemcell_cli.evidence.grading import assess\n"
        "catalog = load_catalog([bundled_dir()])\n"
        "print(len(catalog.entries), assess(catalog.entry('ms-hsct').study).level)\n"
        "print('typer' in sys.modules and sys.modules['typer'] is not None)\n"
    )
    result = run([sys.executable, "-c", code])
    assert result.returncode == 0, result.stderr
    bundled = len(list(BUNDLED.glob("*.yaml")))
    assert result.stdout == f"{bundled} 4\nFalse\n"


def test_blocking_typer_really_blocks_the_cli() -> None:
    # The check above is meaningful: with typer blocked, the CLI module cannot import.
    code = "import sys\nsys.modules['typer'] = None\nimport stemcell_cli.cli\n"
    result = run([sys.executable, "-c", code])
    assert result.returncode != 0 and "ModuleNotFoundError" in result.stderr


# No traceback, whatever goes wrong (a real process: CliRunner would hide one)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["list", "--format", "yaml"], 2),
        (["list", "--bogus"], 2),
        (["list", "--min-n", "x"], 2),
        (["nonsense"], 2),
        (["filter"], 2),
        (["show", "nope"], 1),
        (["compare", "nope"], 1),
        (["list", "--json", "--fields", "nope"], 2),
        (["list", "--studies-dir", "/definitely/not/here"], 1),
        (["validate", "/definitely/not/here"], 1),
    ],
)
def test_errors_are_one_message_and_an_exit_code(args: list[str], code: int) -> None:
    result = run([sys.executable, "-m", "stemcell_cli", *args])
    assert result.returncode == code
    assert result.stderr.strip() and "Traceback" not in result.stderr + result.stdout


def test_a_closed_pipe_outside_any_command_ends_quietly() -> None:
    code = (
        "import stemcell_cli.cli as cli\n"
        "def closed(*a, **k):\n"
        "    raise BrokenPipeError\n"
        "cli.app.app = closed\n"
        "cli.main()\n"
    )
    result = run([sys.executable, "-c", code])
    assert (result.returncode, result.stdout, result.stderr) == (1, "", "")


def test_subprocesses_and_the_console_script_import_this_trees_code() -> None:
    """Installed without -e (as CI does), the console script would run the installed copy."""
    code = "import stemcell_cli, sys; sys.stdout.write(stemcell_cli.__file__)"
    result = run([sys.executable, "-c", code])
    assert Path(result.stdout).resolve().parent.parent == Path(__file__).resolve().parent.parent
