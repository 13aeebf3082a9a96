"""``stemcell cite``: citations for reference managers."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ..cite import CitationFormat, citations
from ..errors import UsageError
from ..query import Filters, select
from .app import command, finish, say, warn
from .complete import study_ids
from .options import Origin, catalog_options, filter_options

STDIN = "-"


def wanted_ids(given: list[str]) -> list[str]:
    """The ids given, ``-`` replaced by the ids read from stdin (separated by whitespace)."""
    if STDIN not in given:
        return given
    read = sys.stdin.read().split()
    return [x for i in given for x in (read if i == STDIN else [i])]


@command
@catalog_options
@filter_options
def cite_studies(
    study_ids: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[ID...|-]",
            help="Studies to cite, any case; - reads ids from stdin (default: all that match "
            "the filters).",
            autocompletion=study_ids,
            show_default=False,
        ),
    ] = None,
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
    filters: Filters,
) -> int:
    """Citations of the studies' papers (or registry records) for reference managers.

    Give ids, filters (the studies that match; with ids, those of them that match), or - to
    read ids from stdin. A study's key depends only on the catalog, never on what else is
    cited with it. A missing required field (title, journal, year ...) is a warning on
    stderr.

    \b
    Example: stemcell cite ms-mist ms-hsct --format ris > studies.ris
    Example: stemcell cite --condition ms --format csl-json
    Example: stemcell list --json | jq -r '.[].id' | stemcell cite -
    """
    from .studies import count_note

    given = list(study_ids or [])
    if not given and not filters.active():
        raise UsageError("give study ids, filters (e.g. --condition ms) or - to read ids")
    ids = wanted_ids(given)
    if given and not ids:  # "-" and an empty stdin (jq found nothing): nothing to cite
        say("no study ids on stdin: nothing cited")
        return 0
    catalog = origin.load()
    everything = catalog.sorted_entries()
    entries = list({e.id: e for e in map(catalog.entry, ids)}.values()) if ids else everything
    chosen = select(entries, filters)
    if filters.active() or not chosen:
        count = len(entries)
        count_note(count, filters, len(chosen), len(chosen), " cited", lambda: everything)
    universe = [e.study for e in everything]
    result = citations([e.study for e in chosen], style, universe)
    sys.stdout.write(result.text)
    for warning in result.warnings:
        warn(str(warning))
    code = finish(catalog)
    return 1 if strict and result.warnings else code
