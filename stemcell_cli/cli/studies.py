"""Commands that show studies: list, filter, show, compare."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ..errors import UsageError
from ..query import Filters, matching, select
from ..render import STREAMED, make_renderer
from .app import command, finish, say
from .options import (
    TABLE_COLUMNS,
    TABLE_ROWS,
    Limit,
    Origin,
    Output,
    catalog_options,
    filter_options,
    limit_options,
    output_options,
)


def _list(origin: Origin, filters: Filters, output: Output, limit: Limit) -> int:
    """Studies streamed from the catalog through the filters to the renderer, one at a time
    (table and markdown, which lay out every row at once, get the rows as a list)."""
    catalog = origin.load()
    matched = limit.cut(matching(catalog.stream(), filters), output, TABLE_ROWS, "studies")
    shown = matched if output.format in STREAMED else list(matched)
    make_renderer(output.format, sys.stdout, output.fields).studies(shown)
    say(f"{limit.seen} of {catalog.count} studies")
    return finish(catalog)


@command
@catalog_options
@filter_options
@output_options
@limit_options
def list_studies(origin: Origin, filters: Filters, output: Output, limit: Limit) -> int:
    """One row per study: condition, cells, design, size, follow-up, evidence level.

    Example: stemcell list --condition diabetes --max-level 2
    """
    return _list(origin, filters, output, limit)


@command
@catalog_options
@filter_options
@output_options
@limit_options
def filter_studies(origin: Origin, filters: Filters, output: Output, limit: Limit) -> int:
    """The same rows as list, for the studies matching at least one given criterion.

    Example: stemcell filter --species mouse --json
    """
    if not filters.active():
        raise UsageError("give at least one filter, e.g. stemcell filter --condition ms")
    return _list(origin, filters, output, limit)


@command
@catalog_options
@output_options
def show(
    study_id: Annotated[str, typer.Argument(metavar="ID", help="Study id (see stemcell list).")],
    origin: Origin,
    output: Output,
) -> int:
    """Everything about one study, with how strong its evidence is.

    The evidence level is Oxford CEBM 2011; the certainty is GRADE's starting point for the
    design, not a full GRADE rating.

    Example: stemcell show ms-hsct
    """
    catalog = origin.load_for(study_id)
    make_renderer(output.format, sys.stdout, output.fields).study(catalog.entry(study_id))
    return finish(catalog)


@command
@catalog_options
@filter_options
@output_options
@limit_options
def compare_studies(
    study_ids: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="ID", help="Studies to compare (default: all that match the filters)."
        ),
    ] = None,
    *,
    origin: Origin,
    filters: Filters,
    output: Output,
    limit: Limit,
) -> int:
    """Studies side by side: one column per study, aligned rows.

    Example: stemcell compare --condition ms   ·   stemcell compare ms-mist ms-hsct
    """
    catalog = origin.load()
    entries = catalog.sorted_entries()
    if study_ids:
        entries = [catalog.entry(i) for i in dict.fromkeys(study_ids)]
    chosen = select(entries, filters)
    say(f"{len(chosen)} of {len(catalog.entries)} studies compared")
    chosen = list(limit.cut(chosen, output, TABLE_COLUMNS, "studies"))
    from ..views.compare import compare

    comparison = compare(chosen, output.fields)
    make_renderer(output.format, sys.stdout, output.fields).comparison(comparison)
    return finish(catalog)
