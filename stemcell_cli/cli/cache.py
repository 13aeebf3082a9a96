"""``stemcell cache``: where the indexes are, and clearing them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..store.cachedir import cached_indexes, clear_indexes
from ..store.index import cache_home
from .app import command, say, typer_app, warn

cache_app = typer_app(
    name="cache",
    help="Where the catalog indexes are, their sizes and folders; clearing them.",
    invoke_without_command=True,
)


def _size(size: int) -> str:
    return f"{size / 2**20:.1f} MiB" if size >= 2**20 else f"{size / 2**10:.0f} KiB"


@cache_app.callback()
@command
def show_cache(ctx: typer.Context) -> None:
    """List the indexes: file, size, folder indexed.

    Example: stemcell cache   ·   stemcell cache clear my-studies/
    """
    if ctx.invoked_subcommand is not None:
        return
    found = cached_indexes()
    say(f"cache folder: {cache_home()}", err=False)
    for cached in found:
        say(f"{cached.path.name}  {_size(cached.size):>10}  {cached.folder}", err=False)
    say(f"{len(found)} index(es), {_size(sum(c.size for c in found))}")


@cache_app.command("clear")
@command
def clear_cache(
    folder: Annotated[
        Path | None,
        typer.Argument(metavar="DIR", help="Catalog folder whose index to delete (default: all)."),
    ] = None,
) -> None:
    """Delete the index of one catalog folder, or all of them (always safe: they are rebuilt).

    Example: stemcell cache clear
    """
    removed, kept = clear_indexes(folder)
    for cached in kept:
        warn(f"kept {cached.path}: not a stemcell index")
    say(f"removed {len(removed)} index(es), {_size(sum(c.size for c in removed))}")
