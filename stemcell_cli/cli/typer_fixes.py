"""The two places where stemcell reaches into typer's and click's private parts, kept here.

pyproject allows typer 0.20 to 0.25: 0.26 and later build a pydantic adapter per option at
every start (about 50 ms). ``tests/test_typer_fixes.py`` fails loudly when a typer or click
release changes what these rely on.
"""

from __future__ import annotations

import os
from typing import Any

from typer.core import TyperArgument


def keep_argument_help() -> None:
    """typer < 0.26 sets an argument's help before click >= 8.3 resets it to None: keep it."""
    init = TyperArgument.__init__

    def __init__(self: TyperArgument, *args: Any, help: str | None = None, **kwargs: Any) -> None:
        init(self, *args, help=help, **kwargs)
        self.help = help

    TyperArgument.__init__ = __init__  # type: ignore[method-assign]


class ClickCompletionStyles:
    """Accept click's completion instruction style too (``bash_source``, ``zsh_complete``)
    beside typer's (``source_bash``): a mix-in for the top-level group."""

    def _main_shell_completion(
        self, ctx_args: Any, prog_name: str, complete_var: str | None = None
    ) -> None:
        var = complete_var or f"_{prog_name}_COMPLETE".replace("-", "_").upper()
        shell, _, action = os.environ.get(var, "").partition("_")
        if shell in ("bash", "zsh", "fish") and action in ("source", "complete"):
            os.environ[var] = f"{action}_{shell}"
        if os.environ.get(var):
            from .shells import use_safe_completion

            use_safe_completion()
        super()._main_shell_completion(ctx_args, prog_name, complete_var)  # type: ignore[misc]
