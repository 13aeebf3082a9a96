"""Every test that starts a real process is marked ``slow``, so that ``pytest -m "not slow"``
is the quick in-process suite and leaves no process-level test in it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
# what starts a process, or prepares one (a subprocess's environment, an import to interrupt)
PROCESS = {"subprocess", "Popen", "pty", "openpty", "fork", "bundled_env", "import_then_ctrl_c"}


def _names(node: ast.AST) -> set[str]:
    return {
        x.id if isinstance(x, ast.Name) else x.attr
        for x in ast.walk(node)
        if isinstance(x, ast.Name | ast.Attribute)
    }


def _marked_slow(decorators: list[ast.expr]) -> bool:
    return any("slow" in ast.unparse(d) for d in decorators)


def _unmarked_process_tests(path: Path) -> list[str]:
    """The tests of a file that start a process (themselves or through the file's own
    helpers) and are not marked slow, neither themselves nor by the file's ``pytestmark``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and "pytestmark" in _names(node)
            and "slow" in ast.unparse(node)
        ):
            return []
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    starting = {name for name, node in functions.items() if _names(node) & PROCESS}
    while grown := {n for n, node in functions.items() if _names(node) & starting} - starting:
        starting |= grown
    return [
        name
        for name in sorted(starting)
        if name.startswith("test_") and not _marked_slow(functions[name].decorator_list)
    ]


def test_the_checker_finds_a_process_test_through_a_helper(tmp_path: Path) -> None:
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "import subprocess\nimport pytest\n"
        "def run(): return subprocess.run(['true'])\n"
        "def test_a(): run()\n"
        "@pytest.mark.slow\ndef test_b(): run()\n"
        "def test_c(): pass\n"
    )
    assert _unmarked_process_tests(sample) == ["test_a"]


@pytest.mark.parametrize("path", sorted(TESTS.glob("test_*.py")), ids=lambda p: p.name)
def test_every_process_level_test_is_marked_slow(path: Path) -> None:
    assert _unmarked_process_tests(path) == []
