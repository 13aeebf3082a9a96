"""Paging long table output on a terminal, as gh does.

The pager is ``STEMCELL_PAGER``, else ``PAGER``, else ``less -FRX`` (which quits at once when
the text fits the screen); an empty value turns paging off. Only a terminal is paged.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from typing import TextIO

DEFAULT_PAGER = "less -FRX"


def pager_command(environ: Mapping[str, str], is_terminal: bool) -> list[str] | None:
    """The pager to run (as argv), or None to write directly."""
    if not is_terminal:
        return None
    import shlex  # only a terminal needs it

    for name in ("STEMCELL_PAGER", "PAGER"):
        if name in environ:
            value = environ[name]
            break
    else:
        value = DEFAULT_PAGER
    try:
        argv = shlex.split(value)
    except ValueError:
        return None
    return argv or None


@contextlib.contextmanager
def paged(enabled: bool) -> Iterator[TextIO]:
    """A stream to write to: a buffer piped to the pager afterwards, or stdout itself."""
    argv = pager_command(os.environ, sys.stdout.isatty()) if enabled else None
    if argv is None:
        yield sys.stdout
        return
    buffer = _TerminalBuffer()
    yield buffer
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    try:
        subprocess.run(argv, input=buffer.getvalue(), text=True, env=env, check=False)
    except OSError:  # no such pager: write directly
        sys.stdout.write(buffer.getvalue())


class _TerminalBuffer(io.StringIO):
    """Text on its way to the pager, written as for the terminal (colour, width)."""

    def isatty(self) -> bool:
        return True
