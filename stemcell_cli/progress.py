"""A progress display for long work over many files: files done of total, on stderr, only on a
terminal, and only once the work has taken a moment (quick commands stay quiet)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
PROGRESS_AFTER = 1.0  # seconds of work before the display appears


def on_terminal() -> bool:
    """Whether stderr is a terminal (the display is for people watching)."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def progress(items: Iterable[T], total: int, what: str) -> Iterator[T]:
    """Pass ``items`` through; after ``PROGRESS_AFTER`` seconds on a terminal, show
    ``what  N/total files`` with a bar on stderr, removed when done or interrupted."""
    start = time.perf_counter()
    display = None
    watched = None  # unknown until the work has taken a moment
    try:
        for done, item in enumerate(items, 1):
            yield item
            if display is None:
                if watched is False or time.perf_counter() - start < PROGRESS_AFTER:
                    continue
                watched = on_terminal()
                if not watched:
                    continue
                display, task = _start(what, total)
            display.update(task, completed=done)
    finally:
        if display is not None:
            display.stop()


def _start(what: str, total: int) -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    display = Progress(
        TextColumn(what),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files"),
        console=Console(file=sys.stderr),
        transient=True,
    )
    display.start()
    return display, display.add_task(what, total=total)
