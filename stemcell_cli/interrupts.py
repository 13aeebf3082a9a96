"""How the ``stemcell`` command answers Ctrl-C (installed by the entry point before anything
else loads): the first one raises ``Interrupted`` (which click and typer leave alone), so the
command unwinds and keeps what it stored; should anything hold the process up, a watchdog ends
it 0.8 s later all the same; later ones are ignored. Either way: one line, exit 130.

``Interrupted`` is raised only where it can unwind the command. Not in the import machinery's
own code (in a module-lock callback it would be printed as "Exception ignored in ..." and lost,
or leave the import lock held), nor in this module's: there it is held back and raised again a
moment later. Raised in any other callback whose exceptions Python only prints, it is not
printed but raised again a moment later. The helpers are bare threads (``_thread``), so that
answering Ctrl-C runs no Python code of ``threading`` in the main thread.
"""

from __future__ import annotations

import _thread
import os
import signal
import sys
import threading
import time

INTERRUPTED = 130  # the shell's code for a command ended by Ctrl-C (128 + SIGINT)
MESSAGE = "stemcell: interrupted"
GRACE = 0.8  # seconds the command has to unwind before it is ended regardless
AGAIN = 0.005  # seconds after which a held-back Ctrl-C comes again


class Interrupted(BaseException):
    """Ctrl-C, as ``answer_interrupts`` raises it."""


_watching = False  # whether the watchdog runs (from the first Ctrl-C on)
_chained = sys.__unraisablehook__  # the hook that prints everything else


def answer_interrupts() -> None:
    """From now on, Ctrl-C raises ``Interrupted`` (main thread only: signals go there)."""
    global _chained
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _on_interrupt)
        if sys.unraisablehook is not _unraisable:
            _chained, sys.unraisablehook = sys.unraisablehook, _unraisable


def _on_interrupt(_signum: int, frame: object) -> None:
    global _watching
    if not _watching:
        _watching = True
        _thread.start_new_thread(_end_after, (GRACE,))
    if _held_back_in(frame):
        _thread.start_new_thread(_again_after, (AGAIN,))
        return
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise Interrupted


def _held_back_in(frame: object) -> bool:
    """Whether the main thread is where Ctrl-C must not be raised: the import machinery's own
    code, or this module's."""
    filename = getattr(getattr(frame, "f_code", None), "co_filename", "")
    return filename.startswith("<frozen importlib") or filename == __file__


def _unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    """An ``Interrupted`` that Python could only print (raised in a callback) comes again."""
    if isinstance(unraisable.exc_value, Interrupted):
        signal.signal(signal.SIGINT, _on_interrupt)
        _thread.start_new_thread(_again_after, (AGAIN,))
    else:
        _chained(unraisable)


def _again_after(seconds: float) -> None:
    time.sleep(seconds)
    _thread.interrupt_main(signal.SIGINT)  # does nothing once Ctrl-C is ignored


def _end_after(seconds: float) -> None:
    time.sleep(seconds)
    os.write(2, f"{MESSAGE}\n".encode())
    os._exit(INTERRUPTED)
