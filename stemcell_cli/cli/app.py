"""The typer application, its messages on stderr, and how commands end (errors to exit codes)."""

from __future__ import annotations

import difflib
import errno
import functools
import importlib
import inspect
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

import click
import typer
from typer.core import TyperGroup

from ..errors import StemcellError
from ..interrupts import INTERRUPTED, MESSAGE, Interrupted
from ..safe import one_line_visible, visible
from ..store.catalog import Catalog
from .typer_fixes import ClickCompletionStyles, keep_argument_help

keep_argument_help()

# Commands in the order --help lists them: name -> (module of this package, what it defines:
# a command function, or a typer app of sub-commands). Each is built only when used.
COMMANDS = {
    "list": ("studies", "list_studies"),
    "filter": ("studies", "filter_studies"),
    "show": ("studies", "show"),
    "compare": ("studies", "compare_studies"),
    "pool": ("pool", "pool"),
    "report": ("report", "report"),
    "cite": ("cite", "cite_studies"),
    "import": ("imports", "import_app"),
    "validate": ("descriptors", "validate"),
    "new": ("descriptors", "new"),
    "schema": ("descriptors", "schema"),
    "completion": ("complete", "completion"),
    "cache": ("cache", "cache_app"),
}


def typer_app(**settings: Any) -> typer.Typer:
    """A typer app with stemcell's settings (rich help, no guessed commands, no completion
    options), ``settings`` added or changed."""
    defaults: dict[str, Any] = {"add_completion": False, "pretty_exceptions_enable": False}
    defaults |= {"rich_markup_mode": "rich", "suggest_commands": False}
    return typer.Typer(**defaults | settings)


def _built(name: str) -> click.Command:
    """The click command of ``COMMANDS[name]``, its module imported now."""
    module, attribute = COMMANDS[name]
    found = getattr(importlib.import_module(f"{__package__}.{module}"), attribute)
    if isinstance(found, typer.Typer):
        return typer.main.get_group(found)
    single = typer_app()
    single.command(name)(found)
    return typer.main.get_command(single)


class StemcellGroup(ClickCompletionStyles, TyperGroup):
    """The top-level group: commands loaded when used (``COMMANDS``), and every error, click's
    own included, as one ``stemcell: error:`` line followed by where to find help."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in COMMANDS and name not in self.commands:
            self.add_command(_built(name), name)
        return self.commands.get(name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and name not in COMMANDS and not name.startswith("-") and not ctx.resilient_parsing:
            close = difflib.get_close_matches(name, list(COMMANDS))
            hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
            raise click.UsageError(f"No such command {name!r}.{hint}", ctx)
        return super().resolve_command(ctx, args)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        args = bare_fields(sys.argv[1:] if args is None else args)
        try:
            code = super().main(
                args,
                prog_name,
                complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
        except click.exceptions.NoArgsIsHelpError as error:
            if not standalone_mode:
                raise
            typer.echo(error.ctx.get_help(), err=True)
            sys.exit(2)
        except click.ClickException as error:
            if not standalone_mode:
                raise
            show_error(error)
            sys.exit(error.exit_code)
        except click.Abort:
            if not standalone_mode:
                raise
            say("stemcell: error: aborted")
            sys.exit(1)
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)


def bare_fields(args: Sequence[str]) -> list[str]:
    """``--fields`` with no value means ``--fields help`` (list the fields), as gh's ``--json``."""
    out: list[str] = []
    for i, arg in enumerate(args):
        out.append(arg)
        if arg == "--":
            return out + list(args[i + 1 :])
        if arg == "--fields" and (i + 1 == len(args) or args[i + 1].startswith("-")):
            out.append("help")
    return out


def show_error(error: click.ClickException) -> None:
    """``stemcell: error: message``, then (for a usage error) how to get help."""
    say(f"stemcell: error: {error.format_message()}")
    ctx = getattr(error, "ctx", None)
    if ctx is not None:
        say(f"Try '{ctx.command_path} --help' for help.")


app = typer_app(
    name="stemcell",
    help="See what stem-cell studies actually did, in whom, what they found, and how far to "
    "trust them.",
    epilog="Example: stemcell list --condition ms --sort level\n\n"
    "Example: stemcell show ms-hsct\n\n"
    "Example: stemcell list --json | jq '.[].id'",
    no_args_is_help=True,
    cls=StemcellGroup,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def say(message: str, err: bool = True) -> None:
    """A message line (stderr by default), with control characters made visible."""
    typer.echo(visible(message), err=err)


def warn(message: str) -> None:
    """A warning on stderr: one line, whatever text from a file it quotes."""
    say(one_line_visible(f"stemcell: warning: {message}"))


def finish(catalog: Catalog) -> int:
    """Report the catalog's invalid files on stderr; the exit code (1 if any)."""
    for problem in catalog.problems:
        say(str(problem))
    return 1 if catalog.problems else 0


def interrupted() -> None:
    """Say that Ctrl-C ended the command: one short line on stderr."""
    say(MESSAGE)


def reader_left() -> bool:
    """Whether stdout is a pipe whose reader left before reading all the output (``| head``):
    then output was lost, and the command ends with exit 1, however much it wrote.

    No fixed wait: the answer is known as soon as the reader has read everything (``| jq``,
    ``| cat``: it was not lost) or has gone. A reader that does neither is given at most
    ``READER_GRACE_MS``.
    """
    import select
    import stat
    import time

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
    deadline = time.monotonic() + READER_GRACE_MS / 1000
    while not poller.poll(0):
        if _unread(fd) == 0 or time.monotonic() >= deadline:
            return False
        poller.poll(1)  # the reader is still reading: look again in a millisecond
    return True


def _unread(fd: int) -> int:
    """Bytes written to the pipe ``fd`` and not read yet (0 where the system cannot tell)."""
    import array
    import fcntl
    import termios

    count = array.array("i", [0])
    try:
        fcntl.ioctl(fd, termios.FIONREAD, count)
    except OSError:
        return 0
    return count[0]


READER_GRACE_MS = 50  # at most, for a reader that neither reads the rest nor leaves


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
            say(one_line_visible(f"stemcell: error: {error}"))
            raise typer.Exit(error.exit_code) from None
        except (typer.Exit, BrokenPipeError):
            raise
        except Exception as error:
            if os.environ.get("STEMCELL_DEBUG"):
                raise
            say(
                one_line_visible(
                    f"stemcell: internal error: {type(error).__name__}: {error} "
                    "(set STEMCELL_DEBUG=1 for a traceback)"
                )
            )
            raise typer.Exit(1) from None
        if code:
            raise typer.Exit(code)

    wrapper.__doc__ = reflow(func.__doc__ or "")
    return wrapper


def reflow(doc: str) -> str:
    """A docstring for rich help: each paragraph on one line (rich wraps it to the terminal),
    except paragraphs marked ``\\b``, whose lines are kept (examples)."""
    paragraphs = inspect.cleandoc(doc).split("\n\n")
    return "\n\n".join(
        p.removeprefix("\b\n") if p.startswith("\b") else " ".join(p.split("\n"))
        for p in paragraphs
    )
