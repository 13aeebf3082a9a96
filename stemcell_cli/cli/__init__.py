"""The ``stemcell`` command: parse options, call the library, render, exit.

``app.app`` is the typer application; the modules here define the commands, each loaded when
it is used (``app.COMMANDS`` lists them).
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from typing import Annotated

import typer

from .. import __version__
from ..interrupts import INTERRUPTED, Interrupted, answer_interrupts
from . import app
from .app import interrupted, say

__all__ = ["main"]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"stemcell {__version__}")
        raise typer.Exit()


@app.app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """See what stem-cell studies actually did, in whom, what they found, how far to trust them."""


def main() -> None:
    """Console-script entry point: run the app. Ctrl-C ends it at once (one line, exit 130),
    a closed pipe quietly (exit 1), text the terminal's encoding lacks is replaced."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
                stream.reconfigure(errors="replace")
    answer_interrupts()
    try:
        app.app(prog_name="stemcell")  # also when run as python -m stemcell_cli
    except Interrupted:  # raised outside a command (while options were read)
        interrupted()
        sys.exit(INTERRUPTED)
    except BrokenPipeError:  # click handles most; this catches one raised outside it
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except Exception:  # a last resort: the command wrapper handles domain errors
        if os.environ.get("STEMCELL_DEBUG"):
            raise
        say("stemcell: internal error (set STEMCELL_DEBUG=1 for a traceback)")
        sys.exit(1)
