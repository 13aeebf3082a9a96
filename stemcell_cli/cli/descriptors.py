"""Commands about descriptor files themselves: validate, schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..catalog import catalog_dirs, load_paths
from .app import command, say
from .options import StudiesDir


@command
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="PATH", help="Descriptor files or folders (default: the active catalog)."
        ),
    ] = None,
    *,
    studies_dir: StudiesDir = None,
) -> int:
    """Check descriptors; every problem as file:line:col: field: message.

    Exit 0 when all are valid, 1 when any problem was found.

    Example: stemcell validate my-studies/
    """
    catalog = load_paths(paths) if paths else load_paths(catalog_dirs(studies_dir))
    for problem in catalog.problems:
        say(str(problem), err=False)
    bad = len({p.path for p in catalog.problems})
    say(f"{len(catalog.entries)} valid, {bad} with problems")
    return 1 if catalog.problems else 0


@command
def schema() -> None:
    """Print the descriptor's JSON Schema (for editors and other tools).

    Example: stemcell schema > study.schema.json
    """
    from ..jsontext import dumps
    from ..models import descriptor_schema

    typer.echo(dumps(descriptor_schema(), indent=2))
