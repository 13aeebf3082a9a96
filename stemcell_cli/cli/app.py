"""The typer application, its messages on stderr, and how commands end (errors to exit codes)."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any

import typer

from ..catalog import Catalog
from ..errors import StemcellError
from ..safe import visible

app = typer.Typer(
    name="stemcell",
    help="See what stem-cell studies actually did, in whom, what they found, and how far to "
    "trust them.",
    epilog="Example: stemcell list --condition ms   ·   stemcell show ms-hsct   ·   "
    "stemcell list --json | jq '.[].id'",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def say(message: str, err: bool = True) -> None:
    """A message line (stderr by default), with control characters made visible."""
    typer.echo(visible(message), err=err)


def warn(message: str) -> None:
    """A warning line on stderr."""
    say(f"stemcell: warning: {message}")


def finish(catalog: Catalog) -> int:
    """Report the catalog's invalid files on stderr; the exit code (1 if any)."""
    for problem in catalog.problems:
        say(str(problem))
    return 1 if catalog.problems else 0


def command(func: Callable[..., int | None]) -> Callable[..., None]:
    """Run a command: a domain error becomes its message and exit code, a bug one line.

    With ``STEMCELL_DEBUG=1`` an unexpected error shows its traceback.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            code = func(*args, **kwargs)
        except StemcellError as error:
            say(f"stemcell: error: {error}")
            raise typer.Exit(error.exit_code) from None
        except (typer.Exit, BrokenPipeError):
            raise
        except Exception as error:
            if os.environ.get("STEMCELL_DEBUG"):
                raise
            say(
                f"stemcell: internal error: {type(error).__name__}: {error} "
                "(set STEMCELL_DEBUG=1 for a traceback)"
            )
            raise typer.Exit(1) from None
        if code:
            raise typer.Exit(code)

    return wrapper
