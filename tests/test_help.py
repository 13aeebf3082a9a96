"""Help that helps, one error style, shell completion, and paging like gh."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import bundled_env, invoke

from stemcell_cli.cli import pager

pytestmark = pytest.mark.usefixtures("seed_catalog")  # the nine seed studies


def words(text: str) -> str:
    return " ".join(text.split())


def test_help_shows_option_groups_and_argument_help() -> None:
    show = words(invoke("show", "--help").stdout)
    assert "Study id, any case (see stemcell list)." in show
    assert "--no-pager" in show and "--limit" not in show
    compare = invoke("compare", "--help").stdout
    assert "Usage: stemcell compare [OPTIONS] [ID...]" in compare
    for panel in ("Filters", "Output", "Catalog"):
        assert f"─ {panel} ─" in compare
    assert "Example: stemcell compare ms-mist ms-hsct" in compare  # an example on one line
    assert (
        "Example: stemcell compare ms-mist ms-hsct"
        in invoke("compare", "--help", env={"COLUMNS": "60"}).stdout
    )


def test_help_does_not_split_choices_or_paragraph_lines() -> None:
    out = invoke("list", "--help", env={"COLUMNS": "80"}).stdout
    assert "retrospective-cohort," in out and "randomiz\n" not in out
    show = invoke("show", "--help", env={"COLUMNS": "200"}).stdout
    assert "starting point for the design, not a full GRADE rating." in show


@pytest.mark.parametrize(
    ("args", "first", "hint"),
    [
        (["lst"], "stemcell: error: No such command 'lst'. Did you mean 'list'?", "stemcell"),
        (["list", "--bogus"], "stemcell: error: No such option '--bogus'.", "stemcell list"),
        (["show"], "stemcell: error: Missing argument 'ID'.", "stemcell show"),
    ],
)
def test_usage_errors_have_one_style(args: list[str], first: str, hint: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == first
    assert lines[1:] == [f"Try '{hint} --help' for help."]
    assert result.stderr.count("Did you mean") <= 1


def test_a_missing_validate_path_is_an_error_line_and_a_problem_for_ci() -> None:
    result = invoke("validate", "nonexist")
    assert result.exit_code == 1
    assert result.stderr.startswith("stemcell: error: nonexist: no such file or folder\n")
    github = invoke("validate", "nonexist", "--format", "github")
    assert github.stdout == "::error file=nonexist::no such file or folder\n"


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "stemcell_cli", *args],
        capture_output=True,
        text=True,
        env={**bundled_env(), **env},
        timeout=30,
    )


@pytest.mark.slow  # a real process
@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_for_each_shell(shell: str) -> None:
    result = run(
        ["--show-completion", shell], {"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    )
    assert result.returncode == 0, result.stderr
    assert "_STEMCELL_COMPLETE" in result.stdout
    assert f"complete_{shell}" in result.stdout
    command = invoke("completion", shell)  # as gh completion -s SHELL
    assert command.exit_code == 0 and command.stdout == result.stdout


@pytest.mark.slow  # a real process
@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_click_style_completion_instructions_work_too(shell: str) -> None:
    click_style = run([], {"_STEMCELL_COMPLETE": f"{shell}_source"})
    typer_style = run([], {"_STEMCELL_COMPLETE": f"source_{shell}"})
    assert click_style.returncode == 0 and "_STEMCELL_COMPLETE" in click_style.stdout
    assert click_style.stdout == typer_style.stdout


def test_completion_refuses_an_unknown_shell() -> None:
    result = invoke("completion", "tcsh")
    assert result.exit_code == 2 and result.stderr.startswith("stemcell: error: Invalid value")


def complete(line: str) -> list[str]:
    words_ = line.split(" ")
    env = {
        "_STEMCELL_COMPLETE": "complete_bash",
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(words_) - 1),
    }
    result = subprocess.run(
        [sys.executable, "-m", "stemcell_cli"],
        capture_output=True,
        text=True,
        env={**bundled_env(), **env},
        timeout=30,
    )
    return result.stdout.splitlines()


@pytest.mark.slow  # a real process
def test_completion_of_commands_options_ids_and_conditions() -> None:
    assert complete("stemcell sh") == ["show"]
    assert "--condition" in complete("stemcell list --co")
    assert complete("stemcell show ms-") == ["ms-hsct", "ms-mist", "ms-ram-ms"]
    assert complete("stemcell compare ms-hsct t2d-bmsc-") == ["t2d-bmsc-bhansali"]
    assert complete("stemcell list --condition ty") == [  # quoted for bash: one word each
        "type\\ 2\\ diabetes",
        "type\\ 2\\ diabetes\\ mellitus",
    ]


@pytest.mark.slow  # a real process
@pytest.mark.parametrize(
    ("shell", "extra"),
    [("zsh", {}), ("fish", {"_TYPER_COMPLETE_FISH_ACTION": "get-args"})],
)
def test_ids_complete_in_zsh_and_fish(shell: str, extra: dict[str, str]) -> None:
    env = {
        "_STEMCELL_COMPLETE": f"complete_{shell}",
        "_TYPER_COMPLETE_ARGS": "stemcell show t2d-bmsc",
        **extra,
    }
    out = run([], env).stdout
    assert "t2d-bmsc-bhansali" in out and "ms-hsct" not in out


@pytest.mark.parametrize(
    ("environ", "terminal", "expected"),
    [
        ({}, True, ["less", "-FRX"]),
        ({}, False, None),
        ({"PAGER": "more"}, True, ["more"]),
        ({"PAGER": "more", "STEMCELL_PAGER": "most -s"}, True, ["most", "-s"]),
        ({"PAGER": "more", "STEMCELL_PAGER": ""}, True, None),
        ({"PAGER": ""}, True, None),
    ],
)
def test_pager_choice(environ: dict, terminal: bool, expected: list[str] | None) -> None:
    assert pager.pager_command(environ, terminal) == expected


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_show_pages_through_the_pager_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    got = tmp_path / "paged.txt"
    script = tmp_path / "fake-pager"
    script.write_text(f"#!/bin/sh\ncat > '{got}'\n")
    script.chmod(0o755)
    monkeypatch.setenv("STEMCELL_PAGER", str(script))
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    with pager.paged(True) as out:
        out.write("a long page\n")
    assert got.read_text() == "a long page\n" and terminal.getvalue() == ""
    with pager.paged(False) as out:  # --no-pager
        out.write("direct\n")
    assert terminal.getvalue() == "direct\n"


def run_on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run stemcell with stdout on a pseudo-terminal; what it wrote there."""
    import os
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "stemcell_cli", *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=subprocess.DEVNULL,
        env={**bundled_env(), "COLUMNS": "80", **env},
    )
    os.close(follower)  # read while it writes, so it never waits for room
    chunks = []
    try:
        while chunk := os.read(leader, 65536):
            chunks.append(chunk)
    except OSError:  # EIO: the process closed the terminal
        pass
    finally:
        os.close(leader)
    assert process.wait(timeout=30) == 0
    return b"".join(chunks).decode()


@pytest.mark.slow  # a real process
def test_show_on_a_terminal_goes_through_the_pager_unless_told_not_to(tmp_path: Path) -> None:
    got = tmp_path / "paged.txt"
    script = tmp_path / "fake-pager"
    script.write_text(f"#!/bin/sh\ncat > '{got}'\n")
    script.chmod(0o755)
    env = {"STEMCELL_PAGER": str(script), "NO_COLOR": "1"}
    assert "Evidence:" not in run_on_a_terminal(["show", "ms-hsct"], env)
    assert "Evidence: level 4 · weak" in got.read_text()
    got.unlink()
    assert "Evidence: level 4 · weak" in run_on_a_terminal(["show", "ms-hsct", "--no-pager"], env)
    assert not got.exists()
    assert "Evidence: level 4 · weak" in run_on_a_terminal(
        ["show", "ms-hsct"], {"STEMCELL_PAGER": ""}
    )
