"""The ``stemcell`` command: parse options, call the library, render, exit. Nothing more."""

from __future__ import annotations

import functools
import inspect
import os
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import typer

from . import __version__
from .catalog import ENV_VAR, Catalog, catalog_dirs, load_catalog, load_paths
from .errors import StemcellError, UsageError
from .models import CellSource, DesignType, Species
from .query import Filters, compare, select
from .render import Format, make_renderer
from .safe import visible

app = typer.Typer(
    name="stemcell",
    help="See what stem-cell studies actually did, in whom, what they found, and how far to "
    "trust them.",
    epilog="Example: stemcell list --condition ms   ·   stemcell show ms-hsct   ·   "
    "stemcell list --json | jq '.[].id'",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

FILTERS = "Filters"
OUTPUT = "Output"
CATALOG = "Catalog"


def _choices(literal: Any) -> Any:
    return Literal[get_args(literal)]  # type: ignore[valid-type]


@dataclass(frozen=True)
class Output:
    """The chosen output format and fields."""

    format: Format
    fields: list[str] | None


# Shared options: name -> (annotation, default). Declared once, injected into commands.
FILTER_OPTIONS: dict[str, tuple[Any, Any]] = {
    "condition": (
        Annotated[
            str | None,
            typer.Option(
                metavar="TEXT",
                help="Condition name, synonym or abbreviation, any case (ms, 'type 2 diabetes').",
                rich_help_panel=FILTERS,
            ),
        ],
        None,
    ),
    "cell_type": (
        Annotated[
            str | None,
            typer.Option(
                "--cell-type",
                metavar="TEXT",
                help="Cell type, e.g. msc, hsc, ipsc.",
                rich_help_panel=FILTERS,
            ),
        ],
        None,
    ),
    "source": (
        Annotated[
            _choices(CellSource) | None,
            typer.Option(help="Where the cells came from.", rich_help_panel=FILTERS),
        ],
        None,
    ),
    "design": (
        Annotated[
            _choices(DesignType) | None, typer.Option(help="Study design.", rich_help_panel=FILTERS)
        ],
        None,
    ),
    "species": (
        Annotated[
            _choices(Species) | None, typer.Option(help="Who was treated.", rich_help_panel=FILTERS)
        ],
        None,
    ),
    "min_n": (
        Annotated[
            int | None,
            typer.Option(
                "--min-n",
                metavar="N",
                min=0,
                help="At least this many participants.",
                rich_help_panel=FILTERS,
            ),
        ],
        None,
    ),
    "since": (
        Annotated[
            int | None,
            typer.Option(
                min=1900,
                max=2100,
                metavar="YEAR",
                help="Dated this year or later.",
                rich_help_panel=FILTERS,
            ),
        ],
        None,
    ),
    "until": (
        Annotated[
            int | None,
            typer.Option(
                min=1900,
                max=2100,
                metavar="YEAR",
                help="Dated this year or earlier.",
                rich_help_panel=FILTERS,
            ),
        ],
        None,
    ),
    "search": (
        Annotated[
            str | None,
            typer.Option(
                metavar="WORDS",
                help="Words that must all appear in titles, summaries or outcomes.",
                rich_help_panel=FILTERS,
            ),
        ],
        None,
    ),
    "max_level": (
        Annotated[
            int | None,
            typer.Option(
                "--max-level",
                metavar="N",
                min=1,
                max=5,
                help="Evidence level N or stronger (1 strongest, 5 weakest).",
                rich_help_panel=FILTERS,
            ),
        ],
        None,
    ),
}
OUTPUT_OPTIONS: dict[str, tuple[Any, Any]] = {
    "format": (
        Annotated[
            Format, typer.Option("--format", "-f", help="Output format.", rich_help_panel=OUTPUT)
        ],
        Format.table,
    ),
    "json": (
        Annotated[
            bool, typer.Option("--json", help="Shortcut for --format json.", rich_help_panel=OUTPUT)
        ],
        False,
    ),
    "fields": (
        Annotated[
            str | None,
            typer.Option(
                metavar="FIELDS",
                help="Comma-separated top-level fields for json, jsonl and csv (e.g. id,evidence).",
                rich_help_panel=OUTPUT,
            ),
        ],
        None,
    ),
}
CATALOG_OPTIONS: dict[str, tuple[Any, Any]] = {
    "studies_dir": (
        Annotated[
            list[Path] | None,
            typer.Option(
                "--studies-dir",
                metavar="DIR",
                file_okay=False,
                help=f"Catalog folder to use instead of the bundled one (repeatable; or set "
                f"{ENV_VAR}, several paths joined with the OS path separator).",
                rich_help_panel=CATALOG,
            ),
        ],
        None,
    ),
}


def _output(format: Format, json: bool, fields: str | None) -> Output:
    from .records import parse_fields

    if json and format not in (Format.table, Format.json):
        raise UsageError(f"--json conflicts with --format {format.value}")
    return Output(Format.json if json else format, parse_fields(fields))


def _catalog(studies_dir: list[Path] | None) -> Catalog:
    return load_catalog(catalog_dirs(studies_dir))


GROUPS: dict[str, tuple[dict[str, tuple[Any, Any]], Callable[..., Any]]] = {
    "filters": (FILTER_OPTIONS, Filters),
    "output": (OUTPUT_OPTIONS, _output),
    "catalog": (CATALOG_OPTIONS, _catalog),
}


def say(message: str, err: bool = True) -> None:
    """A message line (stderr by default), with control characters made visible."""
    typer.echo(visible(message), err=err)


def report_problems(catalog: Catalog) -> None:
    """Invalid files on stderr, one ``file:line:col: field: message`` line each."""
    for problem in catalog.problems:
        say(str(problem))


def command(func: Callable[..., int | None]) -> Callable[..., None]:
    """Give a command its shared option groups and turn domain errors into exit codes.

    A parameter named ``filters``, ``output`` or ``catalog`` in ``func`` is replaced by that
    group's options on the command line and receives the built object.
    """
    signature = inspect.signature(func, eval_str=True)
    groups = [name for name in signature.parameters if name in GROUPS]
    params = [p for p in signature.parameters.values() if p.name not in GROUPS]
    for group in groups:
        for name, (annotation, default) in GROUPS[group][0].items():
            params.append(
                inspect.Parameter(
                    name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
                )
            )

    @functools.wraps(func)
    def wrapper(**kwargs: Any) -> None:
        try:
            for group in groups:
                options, build = GROUPS[group]
                kwargs[group] = build(**{name: kwargs.pop(name) for name in options})
            code = func(**kwargs)
        except StemcellError as error:
            say(f"stemcell: error: {error}")
            raise typer.Exit(error.exit_code) from None
        except (typer.Exit, BrokenPipeError):
            raise
        except Exception as error:
            if os.environ.get("STEMCELL_DEBUG"):
                raise
            say(
                f"stemcell: internal error: {type(error).__name__}: {error} "
                "(set STEMCELL_DEBUG=1 for a traceback)"
            )
            raise typer.Exit(1) from None
        if code:
            raise typer.Exit(code)

    wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    return wrapper


def _render_studies(studies: list, total: int, catalog: Catalog, output: Output) -> int:
    make_renderer(output.format, sys.stdout, output.fields).studies(studies)
    say(f"{len(studies)} of {total} studies")
    report_problems(catalog)
    return 1 if catalog.problems else 0


@app.command("list")
@command
def list_studies(catalog: Catalog, filters: Filters, output: Output) -> int:
    """One row per study: condition, cells, design, size, follow-up, evidence level.

    Example: stemcell list --condition diabetes --max-level 2
    """
    return _render_studies(select(catalog.sorted(), filters), len(catalog.studies), catalog, output)


@app.command("filter")
@command
def filter_studies(catalog: Catalog, filters: Filters, output: Output) -> int:
    """The same rows as list, for the studies matching at least one given criterion.

    Example: stemcell filter --species mouse --json
    """
    if not filters.active():
        raise UsageError("give at least one filter, e.g. stemcell filter --condition ms")
    return _render_studies(select(catalog.sorted(), filters), len(catalog.studies), catalog, output)


@app.command("show")
@command
def show(
    study_id: Annotated[str, typer.Argument(metavar="ID", help="Study id (see stemcell list).")],
    catalog: Catalog,
    output: Output,
) -> int:
    """Everything about one study, with how strong its evidence is.

    The evidence level is Oxford CEBM 2011; the certainty is GRADE's starting point for the
    design, not a full GRADE rating.

    Example: stemcell show ms-hsct
    """
    study = catalog.get(study_id)
    make_renderer(output.format, sys.stdout, output.fields).study(study)
    report_problems(catalog)
    return 1 if catalog.problems else 0


@app.command("compare")
@command
def compare_studies(
    study_ids: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="ID", help="Studies to compare (default: all that match the filters)."
        ),
    ] = None,
    *,
    catalog: Catalog,
    filters: Filters,
    output: Output,
) -> int:
    """Studies side by side: one column per study, aligned rows.

    Example: stemcell compare --condition ms   ·   stemcell compare ms-mist ms-hsct
    """
    chosen = [catalog.get(i) for i in dict.fromkeys(study_ids)] if study_ids else catalog.sorted()
    studies = select(chosen, filters)
    make_renderer(output.format, sys.stdout, output.fields).comparison(compare(studies))
    say(f"{len(studies)} of {len(catalog.studies)} studies compared")
    report_problems(catalog)
    return 1 if catalog.problems else 0


@app.command("validate")
@command
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="PATH", help="Descriptor files or folders (default: the active catalog)."
        ),
    ] = None,
    *,
    studies_dir: Annotated[
        list[Path] | None,
        typer.Option(
            "--studies-dir",
            metavar="DIR",
            help=f"Catalog folder (repeatable; or set {ENV_VAR}).",
            rich_help_panel=CATALOG,
        ),
    ] = None,
) -> int:
    """Check descriptors; every problem as file:line:col: field: message.

    Exit 0 when all are valid, 1 when any problem was found.

    Example: stemcell validate my-studies/
    """
    catalog = load_paths(paths) if paths else load_paths(catalog_dirs(studies_dir))
    for problem in catalog.problems:
        say(str(problem), err=False)
    bad = len({p.path for p in catalog.problems})
    say(f"{len(catalog.studies)} valid, {bad} with problems")
    return 1 if catalog.problems else 0


@app.command("schema")
@command
def schema() -> None:
    """Print the descriptor's JSON Schema (for editors and other tools).

    Example: stemcell schema > study.schema.json
    """
    from .models import descriptor_schema
    from .render.json import dumps

    typer.echo(dumps(descriptor_schema(), indent=2))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"stemcell {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """See what stem-cell studies actually did, in whom, what they found, how far to trust them."""


def main() -> None:
    """Console-script entry point: run the app; a closed pipe ends quietly."""
    try:
        app()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(141)
    except Exception:  # a last resort: the command wrapper handles domain errors
        if os.environ.get("STEMCELL_DEBUG"):
            raise
        say("stemcell: internal error (set STEMCELL_DEBUG=1 for a traceback)")
        traceback.clear_frames(sys.exc_info()[2])
        sys.exit(1)
