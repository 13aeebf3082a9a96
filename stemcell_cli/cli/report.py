"""``stemcell report``: the evidence brief to share, as one self-contained HTML page."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import StemcellError
from ..query import Filters
from .app import command, finish, say
from .complete import measure_names
from .options import Origin, catalog_options, filter_options
from .pool import POOL, EffectChoice, MethodChoice


@command
@catalog_options
@filter_options
def report(
    measure: Annotated[
        str | None,
        typer.Option(
            metavar="TEXT",
            rich_help_panel=POOL,
            help="Pool this outcome (endpoint slug or measure text) and draw its forest plot; "
            "without it, every outcome pooled in two or more studies is drawn.",
            autocompletion=measure_names,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            dir_okay=False,
            help="Write the page to FILE (an existing file only with --force); default: stdout.",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
    effect: Annotated[
        EffectChoice | None,
        typer.Option(
            rich_help_panel=POOL,
            help="As stemcell pool: rr, or, rd, md, smd or hr; default: by outcome.",
        ),
    ] = None,
    method: Annotated[
        MethodChoice,
        typer.Option(rich_help_panel=POOL, help="REML, DerSimonian-Laird or fixed effect."),
    ] = MethodChoice.reml,
    draw_all: Annotated[
        bool,
        typer.Option(
            "--all",
            rich_help_panel=POOL,
            help="Draw every study in the forest plots (by default the 40 of the largest "
            "weights; the others are pooled, counted and said).",
        ),
    ] = False,
    *,
    origin: Origin,
    filters: Filters,
) -> int:
    """An evidence brief to share: one HTML page with the question asked, the summary of
    findings, forest plots, one card per study, citations and how each number was computed.

    The page is self-contained (inline style and pictures, no script, nothing fetched from
    elsewhere); it reads on a phone and prints cleanly. Exit 1 when no study matches.

    \b
    Example: stemcell report --condition ms -o ms-brief.html
    Example: stemcell report --condition covid --measure "all-cause mortality" > brief.html
    """
    import datetime

    from .. import __version__
    from ..analysis.outcome import DRAW_LIMIT
    from ..files import write_atomic
    from ..render.brief import build_report, select_studies
    from ..render.html import brief_parts
    from .studies import count_note

    if output is not None and output.exists() and not force:
        raise StemcellError(f"{output} exists: not replaced (use --force to replace it)")
    views = {"record", "pooling", "facets"} if filters.active() else {"record", "pooling"}
    catalog = origin.load(views)
    chosen = select_studies(catalog.stream(), filters)  # one pass; no model kept
    matched = len(chosen.studies)
    everything = lambda: origin.load().sorted_entries()  # noqa: E731 - the stream is spent
    count_note(chosen.total, filters, matched, matched, " in the brief", everything)
    if not matched:
        finish(catalog)
        return 1
    page = brief_parts(
        build_report(
            chosen,
            filters,
            measure=measure,
            date=datetime.date.today().isoformat(),
            version=__version__,
            effect=effect.value if effect else None,
            method=method.value,
            draw_limit=None if draw_all else DRAW_LIMIT,
        )
    )
    if output is None:
        for piece in page:
            sys.stdout.write(piece)
    else:
        try:
            write_atomic(output, page, replace=force)
        except FileExistsError:
            raise StemcellError(
                f"{output} exists: not replaced (use --force to replace it)"
            ) from None
        except OSError as error:
            raise StemcellError(f"{output}: cannot write: {error.strerror or error}") from None
        say(f"wrote {output}")
    return finish(catalog)
