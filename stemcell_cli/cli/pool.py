"""``stemcell pool``: a summary of findings, or one outcome pooled with its forest plot."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import replace
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
    md = "md"
    smd = "smd"
    hr = "hr"


class MethodChoice(StrEnum):
    reml = "reml"
    dl = "dl"
    fixed = "fixed"


class CiChoice(StrEnum):
    z = "z"
    hksj = "hksj"


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
            autocompletion=measure_names,
            help="Pool this outcome (endpoint slug or measure text) and draw its forest plot; "
            "without it, a summary-of-findings table of every outcome.",
        ),
    ] = None,
    effect: Annotated[
        EffectChoice | None,
        typer.Option(
            rich_help_panel=POOL,
            help="rr, or, rd (counts); md, smd (means with SD and n: mean difference, Hedges' "
            "g); hr (published hazard ratios). Default: rr for counts, md for means, else the "
            "published effect's own.",
        ),
    ] = None,
    method: Annotated[
        MethodChoice,
        typer.Option(
            rich_help_panel=POOL,
            help="Random effects by REML (as metafor) or DerSimonian-Laird, or fixed effect "
            "(inverse variance).",
        ),
    ] = MethodChoice.reml,
    ci: Annotated[
        CiChoice,
        typer.Option(
            "--ci",
            rich_help_panel=POOL,
            help="The pooled CI and test: z (normal, metafor's default) or hksj "
            "(Hartung-Knapp-Sidik-Jonkman: t with k-1 df, metafor's test='knha').",
        ),
    ] = CiChoice.z,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            metavar="FIELD",
            rich_help_panel=POOL,
            help="With --measure: pool by subgroup and test the difference (as RevMan): "
            "design, cell-type, source, condition, route, or a dotted field (design.masking).",
        ),
    ] = None,
    leave_one_out: Annotated[
        bool,
        typer.Option(
            "--leave-one-out",
            rich_help_panel=POOL,
            help="With --measure: each study left out in turn (metafor leave1out).",
        ),
    ] = False,
    exclude_high_risk: Annotated[
        bool,
        typer.Option(
            "--exclude-high-risk",
            rich_help_panel=POOL,
            help="Leave out studies at high risk of bias for the outcome (and say which).",
        ),
    ] = False,
    include_secondary: Annotated[
        bool,
        typer.Option(
            "--include-secondary",
            rich_help_panel=POOL,
            help="Pool figures that rest only on a secondary source (a review's table, a "
            "summary site): left out by default, and said so.",
        ),
    ] = False,
    draw_all: Annotated[
        bool,
        typer.Option(
            "--all",
            rich_help_panel=POOL,
            help="Draw every study in the forest plot (by default the 40 of the largest "
            "weights; the others are pooled, counted and said).",
        ),
    ] = False,
    favours: Annotated[
        str | None,
        typer.Option(
            "--favours",
            metavar="A,B",
            rich_help_panel=POOL,
            help="Name the forest plot's sides: 'Favours A' left of no effect, 'Favours B' "
            "right (default: from the arm names and whether the events are harmful).",
        ),
    ] = None,
    data: Annotated[
        str | None,
        typer.Option(
            "--data",
            metavar="FILE",
            rich_help_panel=POOL,
            help="Pool the rows of this CSV or JSON-lines table instead of the catalog ('-': "
            "stdin). Columns: study, and events_exp,total_exp,events_ctl,total_ctl, or "
            "mean_exp,sd_exp,n_exp,mean_ctl,sd_ctl,n_ctl, or estimate,lower,upper (a 95% CI "
            "on the --effect scale), or yi,vi; optionally subgroup.",
        ),
    ] = None,
    *,
    origin: Origin,
    filters: Filters,
    output: Output,
) -> int:
    """Summary of findings and pooled effects of two-arm comparisons, with a certainty rating.

    Randomized and non-randomized comparisons, and human and animal studies, are never pooled
    together. Figures resting only on a secondary source are left out unless asked for. The
    certainty is a transparent first rating by fixed rules, not a panel's judgement. --format
    svg writes the forest plot as a standalone SVG picture.

    \b
    Example: stemcell pool --condition diabetes
    Example: stemcell pool --condition "myocardial infarction" --measure lvef-change
    Example: stemcell pool --measure mortality --by design --leave-one-out -f svg > forest.svg
    Example: stemcell pool --data trials.csv --effect or --ci hksj
    """
    import json

    from ..analysis.bodies import PoolOptions
    from ..analysis.findings import summary_of_findings
    from ..analysis.outcome import pool_outcome

    if output.fields is not None:
        raise UsageError("--fields does not apply to stemcell pool")
    if (by or leave_one_out) and measure is None and data is None:
        raise UsageError("--by and --leave-one-out apply to one outcome: add --measure TEXT")
    sides = None
    if favours is not None:
        parts = [part.strip() for part in favours.split(",")]
        if len(parts) != 2 or not all(parts):
            raise UsageError("--favours takes two names joined by a comma: --favours HSCT,DMT")
        sides = (parts[0], parts[1])
    options = PoolOptions(
        effect.value if effect else None,
        method.value,
        ci.value,
        include_secondary,
        exclude_high_risk,
    )
    renderer = make_renderer(output.format, sys.stdout)
    if data is not None:
        if measure is not None or filters.active() or by is not None:
            raise UsageError("--data pools the table's rows: no --measure, --by or filters")
        from ..analysis.data_file import read_data
        from ..analysis.table_pool import pool_table
        from ..synthesis.generic import is_ratio

        measure_name = options.measure or ""
        table = read_data(data, ratio=is_ratio(measure_name))
        drawn = pool_table(table, options, leave_one_out)
        renderer.pooled(
            replace(drawn, draw_limit=None if draw_all else drawn.draw_limit, favours=sides)
        )
        return 0
    view = "record" if by else "pooling"  # --by may name any field of the record
    catalog = origin.load({view, "facets"} if filters.active() else {view})
    selected = 0

    def records() -> Iterator[dict]:
        """The selected studies' stored records (or only what pooling reads of them), parsed
        one at a time as the analysis reads."""
        nonlocal selected
        for entry in matching(catalog.stream(), filters):
            selected += 1
            yield json.loads(entry.record) if by else entry.pooling

    try:
        if measure is None:
            findings = summary_of_findings(records(), options)
        else:
            result = pool_outcome(records(), measure, options, by, leave_one_out)
    finally:
        say(f"{selected} of {catalog.count} studies selected")
    if measure is None:
        renderer.findings(findings)
    else:
        if result.others and output.format is Format.svg:
            kinds = ", ".join(a.label for a in result.others)
            say(f"also pooled apart, not drawn: {kinds} (choose with --design)")
        limit = None if draw_all else result.draw_limit
        renderer.pooled(replace(result, draw_limit=limit, favours=sides))
    return finish(catalog)
