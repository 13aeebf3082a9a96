"""Option groups shared by several commands, each declared once and applied explicitly.

A group is a decorator (as sqlite-utils' ``@output_options``): it adds its options to the
command's signature and hands the command one built object in the parameter it names,
e.g. ``@filter_options`` gives ``filters: Filters``. A command without that parameter, or
with an option of the same name, is a programming error caught at import.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable, Collection, Iterable, Iterator
from enum import EnumMeta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, NamedTuple, TypeVar

import typer

from ..errors import UsageError
from ..model.vocab import CellSource, DesignType, Species
from ..query import Filters, Item, order
from ..render import Format
from ..store.catalog import ENV_VAR, Catalog, catalog_dirs, load_catalog, load_one
from .app import say, warn
from .complete import condition_names

if TYPE_CHECKING:
    from ..store.entry import Entry

T = TypeVar("T")
FILTERS = "Filters"
OUTPUT = "Output"
CATALOG = "Catalog"
TABLE_ROWS = 200  # default row limit for table and markdown lists
TABLE_COLUMNS = 12  # default study limit for table and markdown comparisons


class OptionGroup(NamedTuple):
    """Options declared once; the command receives ``build(**options)`` as ``param``."""

    param: str
    options: dict[str, tuple[Any, Any]]  # name -> (annotation, default)
    build: Callable[..., Any]

    def __call__(self, func: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(func, eval_str=True)
        if self.param not in signature.parameters:
            raise TypeError(f"{func.__name__} takes no '{self.param}' for these options")
        params = [p for p in signature.parameters.values() if p.name != self.param]
        if clash := set(self.options) & {p.name for p in params}:
            raise TypeError(f"{func.__name__}: option names used twice: {sorted(clash)}")
        params += [
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=d, annotation=a)
            for name, (a, d) in self.options.items()
        ]

        @functools.wraps(func)
        def wrapper(**kwargs: Any) -> Any:
            built = self.build(**{name: kwargs.pop(name) for name in self.options})
            return func(**kwargs, **{self.param: built})

        wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
        return wrapper


def _option(kind: Any, *names: str, panel: str, default: Any = None, **settings: Any) -> Any:
    """(annotation, default) of one shared option."""
    return Annotated[kind, typer.Option(*names, rich_help_panel=panel, **settings)], default


def _choices(kind: Any) -> str:
    """Allowed values as a list that wraps between words in help."""
    values = [m.value for m in kind] if isinstance(kind, EnumMeta) else typing.get_args(kind)  # type: ignore[var-annotated]
    return ", ".join(values)


def _closed(kind: Any, metavar: str, help: str) -> Any:
    """A filter on a closed vocabulary, its values listed in the help."""
    return _option(kind | None, panel=FILTERS, metavar=metavar, help=f"{help}: {_choices(kind)}.")


def _year(help: str) -> Any:
    return _option(int | None, panel=FILTERS, min=1900, max=2100, metavar="YEAR", help=help)


def _filters(**criteria: Any) -> Filters:
    """The filters; an empty text criterion (``--condition ''``) is a usage error."""
    for name in ("condition", "cell_type", "search"):
        value = criteria[name]
        if value is not None and not value.strip():
            option = "--" + name.replace("_", "-")
            raise UsageError(f"{option} needs words to look for, not an empty value")
    return Filters(**criteria)


filter_options = OptionGroup(
    "filters",
    {
        "condition": _option(
            str | None,
            panel=FILTERS,
            metavar="TEXT",
            help="Condition name, synonym or abbreviation, words in any order, any case "
            "(ms, 'type 2 diabetes').",
            autocompletion=condition_names,
        ),
        "cell_type": _option(
            str | None,
            "--cell-type",
            panel=FILTERS,
            metavar="TEXT",
            help="Cell type: msc, hsc, ipsc.",
        ),
        "source": _closed(CellSource, "SOURCE", "Where the cells came from"),
        "design": _closed(DesignType, "TYPE", "Study design"),
        "species": _closed(Species, "SPECIES", "Who was treated"),
        "min_n": _option(
            int | None,
            "--min-n",
            panel=FILTERS,
            min=0,
            metavar="N",
            help="At least N participants.",
        ),
        "since": _year("Dated this year or later."),
        "until": _year("Dated this year or earlier."),
        "search": _option(
            str | None,
            panel=FILTERS,
            metavar="WORDS",
            help="Whole words that must all appear in titles, summaries, conditions or outcomes "
            "(a plural finds its singular; ids are not searched).",
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
    },
    _filters,
)


class Output(NamedTuple):
    """The chosen output format and record fields (json, jsonl and csv only); ``chosen``:
    whether a format was asked for (else a listing through a pipe is tab-separated lines)."""

    format: Format
    fields: list[str] | None
    chosen: bool = True

    def lines(self) -> bool:
        """Whether a listing is written as tab-separated lines: no format asked for, and
        stdout not a terminal."""
        import sys

        return not self.chosen and not sys.stdout.isatty()


def _output(format: Format | None, json: bool, fields: str | None) -> Output:
    chosen = format is not None or json
    format = format or Format.table
    if json and format not in (Format.table, Format.json):
        raise UsageError(f"--json conflicts with --format {format.value}")
    format = Format.json if json else format
    if fields is None:  # the views (and what they import) are left unloaded
        return Output(format, None, chosen)
    from ..views.record import FIELDS_HELP, field_names, parse_fields

    if fields == FIELDS_HELP:
        say("\n".join(field_names()), err=False)
        raise typer.Exit(0)
    return Output(format, parse_fields(fields), chosen)


output_options = OptionGroup(
    "output",
    {
        "format": _option(
            Format | None,
            "--format",
            "-f",
            panel=OUTPUT,
            metavar="FORMAT",
            help=f"Output format: {_choices(Format)} (default: table; list and filter through "
            "a pipe: one tab-separated line per study unless --format table).",
        ),
        "json": _option(
            bool, "--json", panel=OUTPUT, default=False, help="Shortcut for --format json."
        ),
        "fields": _option(
            str | None,
            panel=OUTPUT,
            metavar="FIELDS",
            help="Comma-separated fields for json, jsonl and csv: top-level (id,evidence) or "
            "dotted (evidence.level,population.n); --fields alone lists them.",
        ),
    },
    _output,
)


class Limit:
    """How many studies to show: ``limit``, everything (``all_rows``), or the default.

    ``seen`` counts the items ``cut`` went through (all of them), ``shown`` those it passed on.
    """

    def __init__(self, limit: int | None, all_rows: bool) -> None:
        self.limit = limit
        self.all_rows = all_rows
        self.seen = 0
        self.shown = 0

    def cut(self, items: Iterable[T], output: Output, default: int | None) -> Iterator[T]:
        """The first ``limit`` items (``default`` for people's formats), as they come; every
        item is counted (``seen``), so a note can say how many were left out."""
        limit = self.limit
        people = output.format in (Format.table, Format.markdown)
        if limit is None and not self.all_rows and people and default is not None:
            limit = default
        seen = self.seen = 0
        try:
            for seen, item in enumerate(items, 1):
                if limit is None or seen <= limit:
                    yield item
        finally:
            self.seen = seen
        self.shown = seen if limit is None else min(limit, seen)


def _limit(limit: int | None, all_rows: bool) -> Limit:
    if all_rows and limit is not None:
        raise UsageError("--all and --limit cannot be combined")
    return Limit(limit, all_rows)


limit_options = OptionGroup(
    "limit",
    {
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
    },
    _limit,
)

SortKey = Literal["level", "year", "n", "follow-up", "id"]


class Sort(NamedTuple):
    """The order of the studies: by ``key`` (else as given), turned round when ``reverse``."""

    key: str | None
    reverse: bool

    def apply(self, items: Iterable[Item]) -> Iterable[Item]:
        """The items in this order (as they come when no order is asked for)."""
        if self.key is None:
            return list(items)[::-1] if self.reverse else items
        return order(items, self.key, self.reverse)


sort_options = OptionGroup(
    "sort",
    {
        "sort": _option(
            SortKey | None,
            panel=OUTPUT,
            metavar="KEY",
            help="Order by level (strongest first), year, n, follow-up or id; unknown values "
            "come last.",
        ),
        "reverse": _option(
            bool, "--reverse", "-r", panel=OUTPUT, default=False, help="Reverse the order."
        ),
    },
    lambda sort, reverse: Sort(sort, reverse),
)

StudiesDir = Annotated[
    list[str] | None,  # text as given: an empty name is refused, not read as "."
    typer.Option(
        "--studies-dir",
        metavar="DIR",
        rich_help_panel=CATALOG,
        help=f"Catalog folder to use instead of the bundled one (repeatable; or set {ENV_VAR}, "
        "several paths joined with the OS path separator).",
    ),
]


class Origin(NamedTuple):
    """Where the catalog comes from, and whether its index may be used."""

    dirs: list[Path]
    cache: bool

    def load(self, views: Collection[str] | None = None) -> Catalog:
        """Every study of the catalog; cache warnings go to stderr as they happen. ``views``:
        the stored views the command uses (see ``Index.studies``)."""
        return load_catalog(self.dirs, cache=self.cache, notify=warn, views=views)

    def load_for(self, study_id: str) -> tuple[Catalog, Entry]:
        """The study ``study_id`` and the catalog it was found in: from the index alone when
        it is current, else picked from the whole catalog's stream (the others not kept)."""
        one = load_one(self.dirs, study_id, notify=warn) if self.cache else None
        if one is not None:
            return one, one.entry(study_id)
        catalog = self.load()
        (entry,) = catalog.find([study_id])
        return catalog, entry


def _origin(studies_dir: list[str] | None, no_cache: bool) -> Origin:
    return Origin(catalog_dirs(studies_dir), cache=not no_cache)


catalog_options = OptionGroup(
    "origin",
    {
        "studies_dir": (StudiesDir, None),
        "no_cache": _option(
            bool,
            "--no-cache",
            panel=CATALOG,
            default=False,
            help="Read every descriptor instead of using the index in the user cache folder.",
        ),
    },
    _origin,
)
