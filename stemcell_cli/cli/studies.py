"""Commands that show studies: list, filter, show, compare."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Annotated

import typer

from ..errors import UsageError
from ..query import Filters, matching
from ..render import FIELD_FORMATS, STREAMED, Format, make_renderer
from ..store.entry import Entry
from .app import command, finish, say
from .complete import study_ids
from .options import (
    TABLE_COLUMNS,
    TABLE_ROWS,
    Limit,
    Origin,
    Output,
    Sort,
    catalog_options,
    filter_options,
    limit_options,
    output_options,
    sort_options,
)

Wide = Annotated[
    bool,
    typer.Option(
        "--wide",
        rich_help_panel="Output",
        help="Table: every column (cells, design, size, follow-up), wrapped to fit.",
    ),
]


def count_note(
    total: int,
    filters: Filters,
    matched: int,
    shown: int,
    verb: str,
    everything: Callable[[], list[Entry]],
) -> None:
    """One note on stderr: how many studies matched, how many are shown, or why none (with a
    hint drawn from ``everything``, the whole catalog, asked for only then)."""
    if not matched and filters.active():
        say(f"no studies match {filters.describe()} ({total} in the catalog)")
        if hint := filters.hint(everything()):
            say(hint)
        return
    what = f"{matched} of {total} studies{verb}"
    if shown < matched:
        what = f"showing {shown} of {matched} studies{verb}"
        if matched < total:
            what = f"showing {shown} of {matched} matching studies{verb} ({total} in the catalog)"
        what += "; use --all or --limit N for more"
    say(what)


def _list(
    origin: Origin, filters: Filters, output: Output, limit: Limit, sort: Sort, wide: bool
) -> int:
    """Studies streamed from the catalog through the filters to the renderer, one at a time
    (table and markdown, which lay out every row at once, and sorting get them as a list);
    the count note comes last, when every study has been seen."""
    views = {"record"} if output.format in FIELD_FORMATS else {"summary", "facets"}
    if filters.active() or sort.key is not None:
        views.add("facets")
    catalog = origin.load(views)
    lines = output.lines()
    default = None if lines else TABLE_ROWS
    shown: Iterable[Entry] = limit.cut(
        sort.apply(matching(catalog.stream(), filters)), output, default
    )
    if lines:
        from ..render.lines import study_lines

        study_lines(shown, sys.stdout)
    else:
        if output.format not in STREAMED:
            shown = list(shown)
        make_renderer(output.format, sys.stdout, output.fields, wide=wide).studies(shown)
    everything = lambda: origin.load().sorted_entries()  # noqa: E731 - the stream is spent
    count_note(catalog.count, filters, limit.seen, limit.shown, "", everything)
    if output.format in (Format.table, Format.markdown) and not lines and isinstance(shown, list):
        say(by_condition(shown))
    return finish(catalog)


def by_condition(entries: list[Entry]) -> str:
    """``by condition: AMI 11, OA 10, covid 9, ...``: how many studies shown of each condition
    (named as the table's condition column names it), most first."""
    from ..views.listing import SUMMARY_HEADERS

    column = SUMMARY_HEADERS.index("Condition")
    counts = Counter(e.summary[column] for e in entries)
    return "by condition: " + ", ".join(f"{name} {n}" for name, n in counts.most_common())


@command
@catalog_options
@filter_options
@output_options
@limit_options
@sort_options
def list_studies(
    origin: Origin, filters: Filters, output: Output, limit: Limit, sort: Sort, wide: Wide = False
) -> int:
    """One line per study: id, condition, evidence level, cautions, headline (--wide: all).

    Through a pipe, one tab-separated line per study with every column in full and no header
    (as gh does; the count stays on stderr), unless --format table is given.

    Example: stemcell list --condition diabetes --sort level
    """
    return _list(origin, filters, output, limit, sort, wide)


@command
@catalog_options
@filter_options
@output_options
@limit_options
@sort_options
def filter_studies(
    origin: Origin, filters: Filters, output: Output, limit: Limit, sort: Sort, wide: Wide = False
) -> int:
    """The same rows as list, for the studies matching at least one given criterion.

    Example: stemcell filter --species mouse --json
    """
    if not filters.active():
        raise UsageError("give at least one filter, e.g. stemcell filter --condition ms")
    return _list(origin, filters, output, limit, sort, wide)


@command
@catalog_options
@output_options
def show(
    study_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="Study id, any case (see stemcell list).", autocompletion=study_ids
        ),
    ],
    origin: Origin,
    output: Output,
    pager: Annotated[
        bool,
        typer.Option(
            "--pager/--no-pager",
            rich_help_panel="Output",
            help="Page a table on a terminal through STEMCELL_PAGER, PAGER or less -FRX.",
        ),
    ] = True,
) -> int:
    """Everything about one study: the verdict first, how strong its evidence is at the end.

    The evidence level is Oxford CEBM 2011; the certainty is GRADE's starting point for the
    design, not a full GRADE rating. A table is paged on a terminal (STEMCELL_PAGER, PAGER,
    else less -FRX; empty turns paging off).

    Example: stemcell show ms-hsct
    """
    from .pager import paged  # only show pages

    study_id = study_id.casefold()
    catalog, entry = origin.load_for(study_id)
    with paged(pager and output.format == "table") as out:
        make_renderer(output.format, out, output.fields).study(entry)
    return finish(catalog)


@command
@catalog_options
@filter_options
@output_options
@limit_options
@sort_options
def compare_studies(
    study_ids: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="ID...",
            help="Studies to compare, any case (default: all that match the filters).",
            autocompletion=study_ids,
        ),
    ] = None,
    *,
    origin: Origin,
    filters: Filters,
    output: Output,
    limit: Limit,
    sort: Sort,
    wide: Annotated[
        bool,
        typer.Option(
            "--wide",
            rich_help_panel="Output",
            help="Table: every line of every cell (by default cut to a few lines, ending in …).",
        ),
    ] = False,
) -> int:
    """Studies side by side: one column per study, aligned rows; outcomes aligned by
    endpoint, every study's primary endpoint on one row.

    \b
    Example: stemcell compare --condition ms --sort level
    Example: stemcell compare ms-mist ms-hsct
    """
    catalog = origin.load()
    entries = catalog.find(study_ids) if study_ids else catalog.stream()  # only these are kept
    shown = list(limit.cut(sort.apply(matching(entries, filters)), output, TABLE_COLUMNS))
    everything = lambda: origin.load().sorted_entries()  # noqa: E731 - the stream is spent
    count_note(catalog.count, filters, limit.seen, limit.shown, " compared", everything)
    from ..views.compare import compare

    comparison = compare(shown, output.fields)
    make_renderer(output.format, sys.stdout, output.fields, wide=wide).comparison(comparison)
    return finish(catalog)
