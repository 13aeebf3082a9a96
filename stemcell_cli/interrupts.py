"""How the ``stemcell`` command answers Ctrl-C (installed by the entry point before anything
else loads): the first one raises ``Interrupted`` (which click and typer leave alone), so the
command unwinds and keeps what it stored; should anything hold the process up, a watchdog ends
it 0.8 s later all the same; later ones are ignored. Either way: one line, exit 130.
"""

from __future__ import annotations

import os
import signal
import threading

INTERRUPTED = 130  # the shell's code for a command ended by Ctrl-C (128 + SIGINT)
MESSAGE = "stemcell: interrupted"
GRACE = 0.8  # seconds the command has to unwind before it is ended regardless


class Interrupted(BaseException):
    """Ctrl-C, as ``answer_interrupts`` raises it."""


def answer_interrupts() -> None:
    """From now on, Ctrl-C raises ``Interrupted`` (main thread only: signals go there)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _on_interrupt)


def _on_interrupt(_signum: int, _frame: object) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watchdog = threading.Timer(GRACE, _end_now)
    watchdog.daemon = True
    watchdog.start()
    raise Interrupted


def _end_now() -> None:
    os.write(2, f"{MESSAGE}\n".encode())
    os._exit(INTERRUPTED)
