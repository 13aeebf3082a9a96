"""``stemcell cite``: citations for reference managers."""

from __future__ import annotations

import sys
from typing import Annotated, Literal

import typer

from .app import command, finish
from .options import Origin, catalog_options


@command
@catalog_options
def cite_studies(
    study_ids: Annotated[list[str], typer.Argument(metavar="ID...", help="Studies to cite.")],
    *,
    style: Annotated[
        Literal["bibtex", "ris", "csl-json"],
        typer.Option("--format", "-f", help="Citation format for reference managers."),
    ] = "bibtex",
    origin: Origin,
) -> int:
    """Citations of the studies' papers (or registry records) for reference managers.

    Example: stemcell cite ms-mist ms-hsct --format ris > studies.ris
    """
    from ..cite import cite

    catalog = origin.load()
    studies = [catalog.entry(i).study for i in dict.fromkeys(study_ids)]
    sys.stdout.write(cite(studies, style))
    return finish(catalog)
