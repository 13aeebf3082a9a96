"""``stemcell pool``: a summary of findings, or one outcome pooled with its forest plot."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from ..errors import UsageError
from ..query import Filters, select
from ..render import Format, make_renderer
from .app import command, finish, say
from .complete import measure_names
from .options import Origin, Output, catalog_options, filter_options, output_options

POOL = "Pooling"


class EffectChoice(StrEnum):
    rr = "rr"
    or_ = "or"
    rd = "rd"


class MethodChoice(StrEnum):
    reml = "reml"
    dl = "dl"
    fixed = "fixed"


@command
@catalog_options
@filter_options
@output_options
def pool(
    measure: Annotated[
        str | None,
        typer.Option(
            metavar="TEXT",
            rich_help_panel=POOL,
            help="Pool this outcome (endpoint slug or measure text) and draw its forest plot; "
            "without it, a summary-of-findings table of every outcome.",
            autocompletion=measure_names,
        ),
    ] = None,
    effect: Annotated[
        EffectChoice,
        typer.Option(rich_help_panel=POOL, help="Risk ratio, odds ratio or risk difference."),
    ] = EffectChoice.rr,
    method: Annotated[
        MethodChoice,
        typer.Option(
            rich_help_panel=POOL,
            help="Random effects by REML (as metafor) or DerSimonian-Laird, or fixed effect "
            "(inverse variance).",
        ),
    ] = MethodChoice.reml,
    *,
    origin: Origin,
    filters: Filters,
    output: Output,
) -> int:
    """Summary of findings and pooled effects of two-arm comparisons, with a certainty rating.

    Randomized and non-randomized comparisons, and human and animal studies, are never pooled
    together. The certainty is a transparent first rating by fixed rules, not a panel's
    judgement. --format svg writes the forest plot as a standalone SVG picture.

    Example: stemcell pool --condition diabetes   ·   stemcell pool --studies-dir trials/
    --measure mortality -f svg > forest.svg
    """
    from ..pooling_outcome import pool_outcome
    from ..pooling_view import summary_of_findings

    if output.fields is not None:
        raise UsageError("--fields does not apply to stemcell pool")
    if output.format is Format.svg and measure is None:
        raise UsageError("--format svg draws one outcome's forest plot: add --measure TEXT")
    catalog = origin.load()
    entries = select(catalog.sorted_entries(), filters)
    say(f"{len(entries)} of {len(catalog.entries)} studies selected")
    renderer = make_renderer(output.format, sys.stdout)
    if measure is None:
        renderer.findings(summary_of_findings(entries, effect.value, method.value))
    else:
        result = pool_outcome(entries, measure, effect.value, method.value)
        if result.others and output.format is Format.svg:
            kinds = ", ".join(a.label for a in result.others)
            say(f"also pooled apart, not drawn: {kinds} (choose with --design)")
        renderer.pooled(result)
    return finish(catalog)
