"""The typer and click internals stemcell adjusts are still there, in the shape relied on."""

from __future__ import annotations

import inspect

from conftest import invoke
from typer.core import TyperArgument, TyperGroup


def test_typer_still_has_the_completion_hook_overridden() -> None:
    hook = TyperGroup._main_shell_completion
    assert list(inspect.signature(hook).parameters) == [
        "self",
        "ctx_args",
        "prog_name",
        "complete_var",
    ]


def test_an_arguments_help_is_shown() -> None:
    assert "help" in inspect.signature(TyperArgument.__init__).parameters
    result = invoke("show", "--help")
    assert "Study id, any case" in result.stdout
