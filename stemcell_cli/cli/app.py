"""The typer application, its messages on stderr, and how commands end (errors to exit codes)."""

from __future__ import annotations

import errno
import functools
import os
import sys
from collections.abc import Callable
from typing import Any

import typer

from ..catalog import Catalog
from ..errors import StemcellError
from ..interrupts import INTERRUPTED, MESSAGE, Interrupted
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


def interrupted() -> None:
    """Say that Ctrl-C ended the command: one short line on stderr."""
    say(MESSAGE)


def reader_left() -> bool:
    """Whether stdout is a pipe whose reader has gone (``| head``), once output is flushed.

    Output that all fit in the pipe before the reader left raises no error by itself; this
    check makes every format end the same way (exit 1) however much it wrote.
    """
    import select
    import stat

    try:
        sys.stdout.flush()
        fd = sys.stdout.fileno()
        if not stat.S_ISFIFO(os.fstat(fd).st_mode) or not hasattr(select, "poll"):
            return False
    except BrokenPipeError:
        return True
    except (OSError, ValueError, AttributeError):  # not a real file (tests, captured output)
        return False
    poller = select.poll()
    poller.register(fd, 0)  # POLLERR is reported when the read end is closed
    return bool(poller.poll(READER_GRACE_MS))


READER_GRACE_MS = 50  # how long a reader that read enough (head) is given to leave


def command(func: Callable[..., int | None]) -> Callable[..., None]:
    """Run a command: a domain error becomes its message and exit code, a bug one line,
    Ctrl-C one line and exit 130, a reader that left (``| head``) a quiet exit 1.

    With ``STEMCELL_DEBUG=1`` an unexpected error shows its traceback.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            code = func(*args, **kwargs)
            if reader_left():
                raise BrokenPipeError(errno.EPIPE, "the reader closed the pipe")
        except (KeyboardInterrupt, Interrupted):
            interrupted()
            raise typer.Exit(INTERRUPTED) from None
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
