"""The ``stemcell`` command: parse options, call the library, render, exit. Nothing more."""

from __future__ import annotations

import functools
import inspect
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import typer

from . import __version__
from .catalog import ENV_VAR, Catalog, catalog_dirs, load_catalog, load_one, load_paths
from .errors import StemcellError, UsageError
from .query import Filters, compare, select
from .render import Format, make_renderer
from .safe import visible
from .vocab import CellSource, DesignType, Species

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


TABLE_ROWS = 200  # default row limit for table and markdown lists
TABLE_COLUMNS = 12  # default study limit for table and markdown comparisons


@dataclass(frozen=True)
class Output:
    """The chosen output format, fields and row limit (None: the command's default)."""

    format: Format
    fields: list[str] | None
    limit: int | None
    all_rows: bool

    def cut(self, items: list, default: int, what: str) -> list:
        """The first ``limit`` items (a default for people's formats); a note if cut."""
        limit = self.limit
        if limit is None and not self.all_rows and self.format in (Format.table, Format.markdown):
            limit = default
        if limit is None or len(items) <= limit:
            return items
        say(f"showing {limit} of {len(items)} {what}; use --all or --limit N for more")
        return items[:limit]


@dataclass(frozen=True)
class Source:
    """Where the catalog comes from, and whether its index may be used."""

    dirs: list[Path]
    cache: bool

    def load(self) -> Catalog:
        """Every study of the catalog."""
        catalog = load_catalog(self.dirs, cache=self.cache)
        for warning in catalog.warnings:
            say(f"stemcell: warning: {warning}")
        return catalog

    def load_for(self, study_id: str) -> Catalog:
        """A catalog that holds ``study_id`` if the catalog does: from the index when current."""
        return (load_one(self.dirs, study_id) if self.cache else None) or self.load()


def _option(kind: Any, *names: str, panel: str, default: Any = None, **settings: Any) -> Any:
    """(annotation, default) of one shared option."""
    return Annotated[kind, typer.Option(*names, rich_help_panel=panel, **settings)], default


def _year(help: str) -> Any:
    return _option(int | None, panel=FILTERS, min=1900, max=2100, metavar="YEAR", help=help)


# Shared options: name -> (annotation, default). Declared once, injected into commands.
FILTER_OPTIONS: dict[str, tuple[Any, Any]] = {
    "condition": _option(
        str | None,
        panel=FILTERS,
        metavar="TEXT",
        help="Condition name, synonym or abbreviation, any case (ms, 'type 2 diabetes').",
    ),
    "cell_type": _option(
        str | None, "--cell-type", panel=FILTERS, metavar="TEXT", help="Cell type: msc, hsc, ipsc."
    ),
    "source": _option(
        _choices(CellSource) | None, panel=FILTERS, help="Where the cells came from."
    ),
    "design": _option(_choices(DesignType) | None, panel=FILTERS, help="Study design."),
    "species": _option(_choices(Species) | None, panel=FILTERS, help="Who was treated."),
    "min_n": _option(
        int | None, "--min-n", panel=FILTERS, min=0, metavar="N", help="At least N participants."
    ),
    "since": _year("Dated this year or later."),
    "until": _year("Dated this year or earlier."),
    "search": _option(
        str | None,
        panel=FILTERS,
        metavar="WORDS",
        help="Words that must all appear in titles, summaries or outcomes.",
    ),
    "max_level": _option(
        int | None,
        "--max-level",
        panel=FILTERS,
        min=1,
        max=5,
        metavar="N",
        help="Evidence level N or stronger (1 strongest, 5 weakest).",
    ),
}
OUTPUT_OPTIONS: dict[str, tuple[Any, Any]] = {
    "format": _option(
        Format, "--format", "-f", panel=OUTPUT, default=Format.table, help="Output format."
    ),
    "json": _option(
        bool, "--json", panel=OUTPUT, default=False, help="Shortcut for --format json."
    ),
    "fields": _option(
        str | None,
        panel=OUTPUT,
        metavar="FIELDS",
        help="Comma-separated top-level fields for json, jsonl and csv (e.g. id,evidence).",
    ),
    "limit": _option(
        int | None,
        panel=OUTPUT,
        min=0,
        metavar="N",
        help=f"Show at most N studies (table and markdown: {TABLE_ROWS} in lists, "
        f"{TABLE_COLUMNS} in comparisons; other formats: all).",
    ),
    "all_rows": _option(
        bool, "--all", panel=OUTPUT, default=False, help="Show every study, however many."
    ),
}
StudiesDir = Annotated[
    list[Path] | None,
    typer.Option(
        "--studies-dir",
        metavar="DIR",
        file_okay=False,
        rich_help_panel=CATALOG,
        help=f"Catalog folder to use instead of the bundled one (repeatable; or set {ENV_VAR}, "
        "several paths joined with the OS path separator).",
    ),
]
CATALOG_OPTIONS: dict[str, tuple[Any, Any]] = {
    "studies_dir": (StudiesDir, None),
    "no_cache": _option(
        bool,
        "--no-cache",
        panel=CATALOG,
        default=False,
        help="Read every descriptor instead of using the index in the user cache folder.",
    ),
}


def _output(
    format: Format, json: bool, fields: str | None, limit: int | None, all_rows: bool
) -> Output:
    from .records import parse_fields

    if json and format not in (Format.table, Format.json):
        raise UsageError(f"--json conflicts with --format {format.value}")
    if all_rows and limit is not None:
        raise UsageError("--all and --limit cannot be combined")
    format = Format.json if json else format
    return Output(format, parse_fields(fields), limit, all_rows)


def _source(studies_dir: list[Path] | None, no_cache: bool) -> Source:
    return Source(catalog_dirs(studies_dir), cache=not no_cache)


GROUPS: dict[str, tuple[dict[str, tuple[Any, Any]], Callable[..., Any]]] = {
    "filters": (FILTER_OPTIONS, Filters),
    "output": (OUTPUT_OPTIONS, _output),
    "origin": (CATALOG_OPTIONS, _source),
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

    A parameter named ``filters``, ``output`` or ``origin`` in ``func`` is replaced by that
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


def _list(origin: Source, filters: Filters, output: Output) -> int:
    catalog = origin.load()
    entries = select(catalog.sorted_entries(), filters)
    say(f"{len(entries)} of {len(catalog.entries)} studies")
    shown = output.cut(entries, TABLE_ROWS, "studies")
    make_renderer(output.format, sys.stdout, output.fields).studies(shown)
    report_problems(catalog)
    return 1 if catalog.problems else 0


@app.command("list")
@command
def list_studies(origin: Source, filters: Filters, output: Output) -> int:
    """One row per study: condition, cells, design, size, follow-up, evidence level.

    Example: stemcell list --condition diabetes --max-level 2
    """
    return _list(origin, filters, output)


@app.command("filter")
@command
def filter_studies(origin: Source, filters: Filters, output: Output) -> int:
    """The same rows as list, for the studies matching at least one given criterion.

    Example: stemcell filter --species mouse --json
    """
    if not filters.active():
        raise UsageError("give at least one filter, e.g. stemcell filter --condition ms")
    return _list(origin, filters, output)


@app.command("show")
@command
def show(
    study_id: Annotated[str, typer.Argument(metavar="ID", help="Study id (see stemcell list).")],
    origin: Source,
    output: Output,
) -> int:
    """Everything about one study, with how strong its evidence is.

    The evidence level is Oxford CEBM 2011; the certainty is GRADE's starting point for the
    design, not a full GRADE rating.

    Example: stemcell show ms-hsct
    """
    catalog = origin.load_for(study_id)
    make_renderer(output.format, sys.stdout, output.fields).study(catalog.entry(study_id))
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
    origin: Source,
    filters: Filters,
    output: Output,
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
    chosen = output.cut(chosen, TABLE_COLUMNS, "studies")
    make_renderer(output.format, sys.stdout, output.fields).comparison(compare(chosen))
    report_problems(catalog)
    return 1 if catalog.problems else 0


@app.command("cite")
@command
def cite_studies(
    study_ids: Annotated[list[str], typer.Argument(metavar="ID...", help="Studies to cite.")],
    *,
    style: Annotated[
        Literal["bibtex", "ris", "csl-json"],
        typer.Option("--format", "-f", help="Citation format for reference managers."),
    ] = "bibtex",
    origin: Source,
) -> int:
    """Citations of the studies' papers (or registry records) for reference managers.

    Example: stemcell cite ms-mist ms-hsct --format ris > studies.ris
    """
    from .cite import cite

    catalog = origin.load()
    studies = [catalog.get(i) for i in dict.fromkeys(study_ids)]
    sys.stdout.write(cite(studies, style))
    report_problems(catalog)
    return 1 if catalog.problems else 0


import_app = typer.Typer(
    help="Turn registry records into descriptors.", no_args_is_help=True, add_completion=False
)
app.add_typer(import_app, name="import")


@import_app.command("ctgov")
@command
def import_ctgov(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE...", help="ClinicalTrials.gov API v2 JSON: a study or a page."
        ),
    ],
    *,
    out: Annotated[
        Path, typer.Option("--out", "-o", file_okay=False, help="Folder to write descriptors to.")
    ],
    force: Annotated[
        bool, typer.Option("--force", help="Replace descriptors that already exist.")
    ] = False,
) -> int:
    """Import ClinicalTrials.gov records as descriptors (one nctXXXXXXXX.yaml per study).

    Existing files are kept unless --force; each file is written atomically. Download a
    record with: curl -fsS -o rec.json https://clinicaltrials.gov/api/v2/studies/NCT00763412

    Example: stemcell import ctgov rec.json --out my-studies/
    """
    from .ctgov import import_files

    report = import_files(files, out, force=force)
    for error in report.errors:
        say(error.message)
    for study in report.studies:
        for line in study.lines():
            say(line)
    say(report.summary())
    return report.exit_code


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
    studies_dir: StudiesDir = None,
) -> int:
    """Check descriptors; every problem as file:line:col: field: message.

    Exit 0 when all are valid, 1 when any problem was found.

    Example: stemcell validate my-studies/
    """
    catalog = load_paths(paths) if paths else load_paths(catalog_dirs(studies_dir))
    for problem in catalog.problems:
        say(str(problem), err=False)
    bad = len({p.path for p in catalog.problems})
    say(f"{len(catalog.entries)} valid, {bad} with problems")
    return 1 if catalog.problems else 0


@app.command("schema")
@command
def schema() -> None:
    """Print the descriptor's JSON Schema (for editors and other tools).

    Example: stemcell schema > study.schema.json
    """
    from .jsontext import dumps
    from .models import descriptor_schema

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
    """Console-script entry point: run the app; a closed pipe ends quietly (exit 1)."""
    try:
        app()
    except BrokenPipeError:  # click handles most; this catches one raised outside it
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except Exception:  # a last resort: the command wrapper handles domain errors
        if os.environ.get("STEMCELL_DEBUG"):
            raise
        say("stemcell: internal error (set STEMCELL_DEBUG=1 for a traceback)")
        sys.exit(1)
