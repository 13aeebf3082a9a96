"""How the ``stemcell`` command answers Ctrl-C (installed by the entry point before anything
else loads): the first one raises ``Interrupted`` (which click and typer leave alone), so the
command unwinds and keeps what it stored; should anything hold the process up, a watchdog ends
it 0.8 s later all the same; later ones are ignored. Either way: one line, exit 130.

``Interrupted`` is raised only where it can unwind the command: not inside the import
machinery's own code (a module-lock callback: raised there, it would be printed as "Exception
ignored in ..." and lost, or leave the import lock held), and, raised in any other callback
whose exceptions Python only prints, it is not printed but raised again a moment later.
"""

from __future__ import annotations

import _thread
import os
import signal
import sys
import threading

INTERRUPTED = 130  # the shell's code for a command ended by Ctrl-C (128 + SIGINT)
MESSAGE = "stemcell: interrupted"
GRACE = 0.8  # seconds the command has to unwind before it is ended regardless
AGAIN = 0.005  # seconds after which a held-back Ctrl-C is raised again


class Interrupted(BaseException):
    """Ctrl-C, as ``answer_interrupts`` raises it."""


_watchdog: list[threading.Timer] = []  # started at the first Ctrl-C
_chained = sys.__unraisablehook__  # the hook that prints everything else


def answer_interrupts() -> None:
    """From now on, Ctrl-C raises ``Interrupted`` (main thread only: signals go there)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _on_interrupt)
        global _chained
        if sys.unraisablehook is not _unraisable:
            _chained, sys.unraisablehook = sys.unraisablehook, _unraisable


def _on_interrupt(_signum: int, frame: object) -> None:
    if not _watchdog:
        _watchdog.append(threading.Timer(GRACE, _end_now))
        _watchdog[0].daemon = True
        _watchdog[0].start()
    if _in_the_import_machinery(frame):
        _again()
        return
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise Interrupted


def _in_the_import_machinery(frame: object) -> bool:
    code = getattr(frame, "f_code", None)
    return code is not None and code.co_filename.startswith("<frozen importlib")


def _again() -> None:
    """Raise ``Interrupted`` in the main thread a moment from now, from its ordinary code."""
    later = threading.Timer(AGAIN, _thread.interrupt_main, (signal.SIGINT,))
    later.daemon = True
    later.start()


def _unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    """An ``Interrupted`` that Python could only print (raised in a callback) comes again."""
    if isinstance(unraisable.exc_value, Interrupted):
        signal.signal(signal.SIGINT, _on_interrupt)
        _again()
    else:
        _chained(unraisable)


def _end_now() -> None:
    os.write(2, f"{MESSAGE}\n".encode())
    os._exit(INTERRUPTED)
