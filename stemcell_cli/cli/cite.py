"""``stemcell cite``: citations for reference managers."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ..cite import CitationFormat, citations
from .app import command, finish, warn
from .complete import study_ids
from .options import Origin, catalog_options


@command
@catalog_options
def cite_studies(
    study_ids: Annotated[
        list[str],
        typer.Argument(
            metavar="ID...", help="Studies to cite, any case.", autocompletion=study_ids
        ),
    ],
    *,
    style: Annotated[
        CitationFormat,
        typer.Option("--format", "-f", help="Citation format for reference managers."),
    ] = CitationFormat.BIBTEX,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Exit 1 when a citation lacks a field its type requires."),
    ] = False,
    origin: Origin,
) -> int:
    """Citations of the studies' papers (or registry records) for reference managers.

    A study's key depends only on the catalog, never on what else is cited with it. A
    missing required field (title, journal, year ...) is a warning on stderr.

    Example: stemcell cite ms-mist ms-hsct --format ris > studies.ris
    """
    catalog = origin.load()
    studies = [catalog.entry(i).study for i in dict.fromkeys(study_ids)]
    universe = [e.study for e in catalog.sorted_entries()]
    result = citations(studies, style, universe)
    sys.stdout.write(result.text)
    for warning in result.warnings:
        warn(str(warning))
    code = finish(catalog)
    return 1 if strict and result.warnings else code
