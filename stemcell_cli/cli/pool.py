"""``stemcell pool``: a summary of findings, or one outcome pooled with its forest plot."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from enum import StrEnum
from typing import Annotated

import typer

from ..errors import UsageError
from ..query import Filters, matching
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
    import json

    from ..analysis.findings import summary_of_findings
    from ..analysis.outcome import pool_outcome

    if output.fields is not None:
        raise UsageError("--fields does not apply to stemcell pool")
    catalog = origin.load({"record", "facets"} if filters.active() else {"record"})
    selected = 0

    def records() -> Iterator[dict]:
        """The selected studies' stored records, parsed one at a time as the analysis reads."""
        nonlocal selected
        for entry in matching(catalog.stream(), filters):
            selected += 1
            yield json.loads(entry.record)

    renderer = make_renderer(output.format, sys.stdout)
    try:
        if measure is None:
            findings = summary_of_findings(records(), effect.value, method.value)
        else:
            result = pool_outcome(records(), measure, effect.value, method.value)
    finally:
        say(f"{selected} of {catalog.count} studies selected")
    if measure is None:
        renderer.findings(findings)
    else:
        if result.others and output.format is Format.svg:
            kinds = ", ".join(a.label for a in result.others)
            say(f"also pooled apart, not drawn: {kinds} (choose with --design)")
        renderer.pooled(result)
    return finish(catalog)
