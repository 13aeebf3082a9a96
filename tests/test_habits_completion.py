"""Shell completion as people press Tab: multi-word candidates quoted for bash, measures
completed, and catalog text never evaluated by zsh (issue 22; issue 18 item 8)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import bundled_env, write_study

from stemcell_cli.cli.shells import bash_word, open_quote, zsh_safe


def completion(env: dict[str, str], studies: Path | None = None) -> str:
    extra = {"STEMCELL_STUDIES_DIR": str(studies)} if studies else {}
    done = subprocess.run(
        [sys.executable, "-m", "stemcell_cli"],
        capture_output=True,
        text=True,
        env={**bundled_env(), **extra, **env},
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def bash(line: str, studies: Path | None = None) -> list[str]:
    """Candidates as bash asks for them: its words (quotes kept together) and the last one's
    index."""
    from click.shell_completion import split_arg_string

    words = split_arg_string(line)
    cword = len(words) - (0 if line.endswith(" ") else 1)
    env = {"_STEMCELL_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(cword)}
    return completion(env, studies).splitlines()


def as_bash_reads(candidate: str) -> list[str]:
    """The arguments bash makes of a candidate inserted on a command line."""
    done = subprocess.run(
        ["bash", "-c", f"printf '%s\\n' {candidate}"], capture_output=True, text=True, check=True
    )
    return done.stdout.splitlines()


@pytest.mark.slow  # a real process
def test_a_multi_word_condition_is_inserted_as_one_argument() -> None:
    candidates = bash("stemcell list --condition type")
    assert "type\\ 2\\ diabetes" in candidates
    for candidate in candidates:
        assert len(as_bash_reads(candidate)) == 1
    assert as_bash_reads("type\\ 2\\ diabetes") == ["type 2 diabetes"]


@pytest.mark.slow  # a real process
def test_inside_a_quote_the_candidate_is_written_for_that_quote() -> None:
    assert bash('stemcell list --condition "type 2 d') == [
        "type 2 diabetes",
        "type 2 diabetes mellitus",
    ]
    assert open_quote("a 'b") == "'" and open_quote('a "b" c') == ""


@pytest.mark.slow  # a real process
def test_pool_measure_completes_the_measures_that_can_be_pooled() -> None:
    assert bash("stemcell pool --measure dis") == ["disease-progression"]
    (insulin,) = bash("stemcell pool --measure ins")
    assert as_bash_reads(insulin) == ["insulin dose cut by at least 50 % with HbA1c < 7 %"]
    (typed,) = bash("stemcell pool --measure Ins")
    assert as_bash_reads(typed) == ["Insulin dose cut by at least 50 % with HbA1c < 7 %"]


HOSTILE = ["zz $(touch pwned)", "zz \\$(touch pwned)", "zz `touch pwned`", 'zz q"; touch pwned; "']


@pytest.fixture
def hostile_catalog(tmp_path: Path) -> Path:
    folder = tmp_path / "catalog"
    for n, name in enumerate(HOSTILE):
        write_study(folder, id=f"hostile-{n}", condition={"name": name})
    write_study(folder, id="plain", condition={"name": "zz plain disease"})
    return folder


@pytest.mark.slow  # a real process
def test_zsh_completion_carries_nothing_zsh_would_evaluate(hostile_catalog: Path) -> None:
    env = {
        "_STEMCELL_COMPLETE": "complete_zsh",
        "_TYPER_COMPLETE_ARGS": "stemcell list --condition zz",
    }
    out = completion(env, hostile_catalog)
    assert "zz plain disease" in out
    assert "$(" not in out and "`" not in out and "pwned" not in out


@pytest.mark.slow  # a real process
def test_bash_completion_of_hostile_names_runs_nothing(
    hostile_catalog: Path, tmp_path: Path
) -> None:
    candidates = bash("stemcell list --condition zz", hostile_catalog)
    assert len(candidates) == len(HOSTILE) + 1
    for candidate in candidates:
        done = subprocess.run(
            ["bash", "-c", f"printf '%s\\n' {candidate}"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            check=True,
        )
        assert len(done.stdout.splitlines()) == 1
    assert not (tmp_path / "pwned").exists()
    assert not any(tmp_path.glob("**/pwned"))


@pytest.mark.slow  # a real process
def test_fish_gets_one_candidate_per_line(hostile_catalog: Path) -> None:
    env = {
        "_STEMCELL_COMPLETE": "complete_fish",
        "_TYPER_COMPLETE_FISH_ACTION": "get-args",
        "_TYPER_COMPLETE_ARGS": "stemcell list --condition zz",
    }
    assert len(completion(env, hostile_catalog).splitlines()) == len(HOSTILE) + 1


@pytest.mark.parametrize("value", ["a\nb", "tab\there", "x\x1b[31m"])
def test_control_characters_are_offered_to_no_shell(value: str) -> None:
    assert bash_word(value) is None and not zsh_safe(value)
