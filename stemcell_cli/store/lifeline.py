"""A forked worker ends with the process that started it, however that one ends (even
``kill -9``, which leaves it no chance to clean up).

On Linux the kernel sees to it (``prctl(PR_SET_PDEATHSIG, SIGKILL)``: strictly, when the
thread that started the worker ends, which for the indexer is the thread waiting on it);
elsewhere a thread of the worker watches its parent and ends the worker once it is gone.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
WATCH_EVERY = 0.5  # seconds between two looks at the parent, where the kernel cannot help


def end_with_parent(parent: int) -> None:
    """End this process (at once, exit code 1) when ``parent``, its parent, ends."""
    if not _kernel_ends_us():
        threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent ended before the kernel was told
        os._exit(1)


def _kernel_ends_us() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_EVERY)
    os._exit(1)
