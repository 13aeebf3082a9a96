"""The ``stemcell`` command: parse options, call the library, render, exit.

``app`` is the typer application; the modules here define the commands, registered below.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Annotated

import typer

from .. import __version__
from ..interrupts import INTERRUPTED, Interrupted, answer_interrupts
from . import cache, cite, complete, descriptors, imports, pool, studies
from .app import app, command, interrupted, say

__all__ = ["app", "main"]

# Commands in the order --help lists them.
app.command("list")(studies.list_studies)
app.command("filter")(studies.filter_studies)
app.command("show")(studies.show)
app.command("compare")(studies.compare_studies)
app.command("pool")(pool.pool)
app.command("cite")(cite.cite_studies)
import_app = typer.Typer(
    help="Turn registry records into descriptors.", no_args_is_help=True, add_completion=False
)
import_app.command("ctgov")(imports.import_ctgov)
app.add_typer(import_app, name="import")
app.command("validate")(descriptors.validate)
app.command("new")(descriptors.new)
app.command("schema")(descriptors.schema)
app.command("completion")(command(complete.completion))
app.add_typer(cache.cache_app, name="cache")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"stemcell {__version__}")
        raise typer.Exit()


@app.callback()
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
            if stream.errors == "strict":
                stream.reconfigure(errors="replace")
    answer_interrupts()
    try:
        app(prog_name="stemcell")  # also when run as python -m stemcell_cli
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
