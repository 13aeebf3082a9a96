"""Shell completion of values: study ids and condition names, read from the active catalog.

Completion runs in the shell's own process for every Tab press, so it must stay quiet and
quick: the index is used, and any problem simply means no suggestions.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated

import typer

from .app import command


class Shell(StrEnum):
    """The shells ``stemcell completion`` writes a script for."""

    bash = "bash"
    zsh = "zsh"
    fish = "fish"


def _entries(ctx: typer.Context) -> list:
    from ..store.catalog import catalog_dirs, load_catalog

    try:
        catalog = load_catalog(catalog_dirs(ctx.params.get("studies_dir")), cache=True)
    except Exception:
        return []
    return catalog.sorted_entries()


def completing(names: Iterable[str], incomplete: str) -> list[str]:
    """The names that start with what was typed, in any case, each given the typed start as
    it was typed (the shell keeps only candidates that start with it)."""
    start = incomplete.casefold()
    return sorted(
        {incomplete + n[len(incomplete) :] for n in names if n.casefold().startswith(start)}
    )


def study_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    """Ids of the catalog's studies that start with what was typed (any case)."""
    start = incomplete.casefold()
    return [e.id for e in _entries(ctx) if e.id.startswith(start)]


def condition_names(ctx: typer.Context, incomplete: str) -> list[str]:
    """Condition names and synonyms that start with what was typed (any case)."""
    return completing({n for e in _entries(ctx) for n in e.facets.conditions}, incomplete)


def measure_names(ctx: typer.Context, incomplete: str) -> list[str]:
    """Outcomes ``pool --measure`` can pool (endpoint slugs, else measures) that start with
    what was typed (any case)."""
    import json

    from ..analysis.contributions import gather

    try:
        found = gather(json.loads(e.record) for e in _entries(ctx)).found
    except Exception:
        return []
    names = {
        s.key.partition(":")[2] if s.key.startswith("endpoint:") else s.outcome
        for s in found.shapes()
    }
    return completing(names, incomplete)


@command
def completion(
    shell: Annotated[
        Shell, typer.Argument(metavar="SHELL", help="bash, zsh or fish.", show_default=False)
    ],
) -> None:
    """Print the shell completion script for bash, zsh or fish (as gh completion -s does).

    It completes commands, options, study ids, condition names and pool's measures (a name
    with spaces is inserted quoted). Or run
    stemcell --install-completion for the current shell.

    \b
    Example: stemcell completion bash > ~/.bash_completion.d/stemcell
    Example: stemcell completion fish > ~/.config/fish/completions/stemcell.fish
    """
    from typer._completion_shared import get_completion_script

    script = get_completion_script(
        prog_name="stemcell", complete_var="_STEMCELL_COMPLETE", shell=shell.value
    )
    typer.echo(script)
