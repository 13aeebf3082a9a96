"""``stemcell import``: registry records (files, or fetched live) to descriptors; ``--update``."""

from __future__ import annotations

import re
import sys
import typing
from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError
from ..interrupts import Interrupted
from ..model.vocab import OverallStatus
from .app import command, say, typer_app

if typing.TYPE_CHECKING:
    from ..ctgov.api import Client
    from ..ctgov.fetch import Search
    from ..ctgov.report import ImportReport
    from ..ctgov.update import UpdateReport

_NCT_LIKE = re.compile(r"NCT", re.IGNORECASE)  # checked as NCT + 8 ASCII digits when fetched
_STATUSES = typing.get_args(OverallStatus)
_MAX_TIMEOUT = 86_400.0  # a day
_FETCH = "Fetching (ClinicalTrials.gov API v2)"


def _progress() -> typing.Callable[[int, int | None], None] | None:
    """``12 of 40 studies`` on stderr, rewritten in place; only on a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int | None) -> None:
        of = f" of {total}" if total is not None else ""
        sys.stderr.write(f"\r{done}{of} studies")
        sys.stderr.flush()

    return show


def _statuses(values: list[str]) -> list[str]:
    """``--status recruiting,completed`` -> ``["RECRUITING", "COMPLETED"]``; else a usage error."""
    out = [v.strip().upper() for value in values for v in value.split(",") if v.strip()]
    unknown = [v for v in out if v not in _STATUSES]
    if unknown:
        raise UsageError(f"unknown --status {', '.join(unknown)}; known: {', '.join(_STATUSES)}")
    return out


def _split(sources: list[str]) -> tuple[list[Path], list[str]]:
    """Files (existing paths) and NCT ids (anything starting NCT: a malformed one fails alone
    when it is fetched); anything else is a usage error."""
    files, ids = [], []
    for source in sources:
        if Path(source).exists():
            files.append(Path(source))
        elif _NCT_LIKE.match(source.strip()):
            ids.append(source.strip())
        else:
            raise UsageError(f"{source}: neither an existing file nor an NCT id (NCT + 8 digits)")
    return files, ids


@command
def import_ctgov(
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[FILE|NCT_ID]...",
            help="API v2 JSON files (a study or a search page) or NCT ids to fetch.",
            show_default=False,
        ),
    ] = None,
    *,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", file_okay=False, help="Folder to write descriptors to."),
    ] = None,
    query: Annotated[
        str | None,
        typer.Option(
            "--query", "-q", help="Search the registry (query.term).", rich_help_panel=_FETCH
        ),
    ] = None,
    condition: Annotated[
        str | None,
        typer.Option(
            "--condition", help="Search by condition (query.cond).", rich_help_panel=_FETCH
        ),
    ] = None,
    intervention: Annotated[
        str | None,
        typer.Option(
            "--intervention", help="Search by intervention (query.intr).", rich_help_panel=_FETCH
        ),
    ] = None,
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            help="Only these overall statuses (RECRUITING, COMPLETED ...; repeat or comma-join).",
            rich_help_panel=_FETCH,
        ),
    ] = None,
    max_studies: Annotated[
        int | None,
        typer.Option(
            "--max", min=1, help="Import at most N studies of a search.", rich_help_panel=_FETCH
        ),
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout",
            min=0.001,
            help="Seconds each registry request may take, retries and waits included "
            "[default: 60].",
            show_default=False,
            rich_help_panel=_FETCH,
        ),
    ] = None,
    api_url: Annotated[
        str | None,
        typer.Option(
            "--api-url",
            help="API base URL (default: $STEMCELL_CTGOV_API, else "
            "https://clinicaltrials.gov/api/v2).",
            rich_help_panel=_FETCH,
        ),
    ] = None,
    update: Annotated[
        Path | None,
        typer.Option(
            "--update",
            file_okay=False,
            help="Re-fetch the imported descriptors in DIR and report what changed.",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Replace existing descriptors (and, with --update, edited ones)."
        ),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="With --update: the change report as JSON on stdout.")
    ] = False,
) -> int:
    """Import ClinicalTrials.gov records as descriptors (one nctXXXXXXXX.yaml per study).

    From saved API v2 JSON files, NCT ids fetched from the registry, or a registry search.
    Existing files are kept unless --force; each file is written atomically. --update DIR
    re-fetches a folder of imports, refreshes the files nobody edited and lists what changed.

    Example: stemcell import ctgov NCT00763412 --out my-studies/ ·
    stemcell import ctgov --query mesenchymal --status RECRUITING --max 50 -o my-studies/ ·
    stemcell import ctgov --update my-studies/
    """
    from ..ctgov.fetch import Search

    sources = sources or []
    statuses = _statuses(status or [])
    searching = any([query, condition, intervention, statuses])
    if update is not None:
        if sources or searching or out is not None or max_studies is not None:
            raise UsageError("--update DIR takes no FILE, NCT id, search option or --out")
        return _update(_client(api_url, timeout), update, force, as_json)
    if as_json:
        raise UsageError("--json goes with --update")
    if out is None:
        raise UsageError("missing --out DIR (or use --update DIR)")
    if not sources and not searching:
        raise UsageError("give FILEs, NCT ids, or a search (--query, --condition, --intervention)")
    if max_studies is not None and not searching:
        raise UsageError("--max limits a search (--query, --condition, --intervention, --status)")
    files, ids = _split(sources)
    search = Search(query, condition, intervention, statuses) if searching else None
    client = _client(api_url, timeout) if ids or search else None
    return _import(files, ids, search, client, out, force=force, limit=max_studies)


def _client(api_url: str | None, timeout: float | None) -> Client:
    """The registry client for ``--api-url`` and ``--timeout`` (a malformed URL: exit 2)."""
    from ..ctgov.api import DEADLINE, Client, api_base

    if timeout is not None and not 0 < timeout <= _MAX_TIMEOUT:  # also nan and inf
        raise UsageError(f"--timeout takes seconds, more than 0 and at most {_MAX_TIMEOUT:g}")
    return Client(api_base(api_url), timeout=DEADLINE if timeout is None else timeout)


import_app = typer_app(
    name="import", help="Turn registry records into descriptors.", no_args_is_help=True
)
import_app.command("ctgov")(import_ctgov)


def _import(
    files: list[Path],
    ids: list[str],
    search: Search | None,
    client: Client | None,
    out: Path,
    *,
    force: bool,
    limit: int | None,
) -> int:
    """Files, then ids, then the search; one report line per study, the summary last (also
    after Ctrl-C: what was written is said before the exit with 130)."""
    from ..ctgov.fetch import import_all
    from ..ctgov.report import ImportReport

    progress = _progress()
    report = ImportReport()
    try:
        import_all(
            out,
            files=files,
            ids=ids,
            search=search,
            client=client,
            limit=limit,
            force=force,
            progress=progress,
            report=report,
        )
    except (KeyboardInterrupt, Interrupted):
        _import_report(report, progress is not None)
        raise
    _import_report(report, progress is not None)
    return report.exit_code


def _import_report(report: ImportReport, progress: bool) -> None:
    from ..ctgov.report import shown

    if progress:
        typer.echo("", err=True)
    for error in report.errors:
        say(shown(error.message))
    for study in report.studies:
        for line in study.lines():
            say(line)
    for warning in report.warnings:
        say(f"stemcell: warning: {shown(warning)}")
    say(report.summary())


def _update(client: Client, folder: Path, force: bool, as_json: bool) -> int:
    """Re-fetch a folder of imports; the changes on stdout (text or JSON), the summary on stderr
    (also after Ctrl-C: what was done is said before the exit with 130)."""
    from ..ctgov.update import UpdateReport, update_folder

    progress = _progress()
    report = UpdateReport()
    try:
        update_folder(client, folder, force=force, progress=progress, report=report)
    except (KeyboardInterrupt, Interrupted):
        _update_report(report, progress is not None, as_json)
        raise
    _update_report(report, progress is not None, as_json)
    return report.exit_code


def _update_report(report: UpdateReport, progress: bool, as_json: bool) -> None:
    from ..jsontext import dumps

    if progress:
        typer.echo("", err=True)
    if as_json:
        typer.echo(dumps(report.as_dict(), indent=2))
    else:
        for study in report.listed:
            say(study.line(), err=study.failed)
    say(report.summary())
