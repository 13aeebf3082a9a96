"""Fetching from the API v2: studies by NCT id (``/studies/{id}``) and searches (``/studies``,
paged with ``pageSize``/``pageToken`` until ``nextPageToken`` is absent or enough arrived).

Each study is written as it arrives, so an interrupted run keeps what it wrote; a rerun skips
the descriptors already there (without fetching them again, unless ``force``) and goes on.

Nothing the registry says is trusted unchecked: an id is ``NCT`` + 8 ASCII digits before it
becomes a URL or a file name; a record for another study than the one asked for is that
study's failure; a search without ``--max`` stops at ``MAX_STUDIES`` studies or ``MAX_PAGES``
pages (and says so); a page token handed out twice ends the search with an error.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model.registry import checked_nct
from .api import ApiError, Client
from .record import json_kind, nct_id_of
from .report import ImportReport
from .run import Importer, Progress, add_files

PAGE_SIZE = 100  # the API allows up to 1000; 100 keeps each answer small
MAX_STUDIES = 10_000  # a search without --max stops here ...
MAX_PAGES = 1_000  # ... or here, whichever comes first
REGISTRY = "ClinicalTrials.gov"  # where a study fetched by id came from, in the report


@dataclass(frozen=True)
class Search:
    """A registry search: free text, condition, intervention, overall statuses."""

    term: str | None = None
    condition: str | None = None
    intervention: str | None = None
    statuses: Sequence[str] = ()

    def params(self) -> dict[str, str]:
        """The API's query parameters for this search."""
        params = {
            "query.term": self.term,
            "query.cond": self.condition,
            "query.intr": self.intervention,
            "filter.overallStatus": ",".join(self.statuses) or None,
        }
        return {key: value for key, value in params.items() if value}

    def __str__(self) -> str:
        return " ".join(f"{key}={value!r}" for key, value in self.params().items())


def fetch_study(client: Client, nct: str) -> Any:
    """The record of study ``nct``: ``ValueError`` for a malformed id, ``ApiError`` when it
    cannot be had, is not a record, or is the record of another study."""
    nct = checked_nct(nct)
    record = client.get(f"studies/{nct}")
    url = client.url(f"studies/{nct}")
    got = nct_id_of(record) if isinstance(record, dict) else None
    if got is None:
        raise ApiError(f"{url}: not a study record ({json_kind(record)})")
    if got != nct:
        raise ApiError(f"{url}: the registry answered with the record of {got}, not {nct}")
    return record


def add_ids(importer: Importer, client: Client, ids: Sequence[str]) -> None:
    """Fetch and import each study; one that fails is reported and the others go on. A study
    whose descriptor is there already is not fetched again (unless the importer forces)."""
    done: set[str] = set()
    for given in ids:
        try:
            nct = checked_nct(given)
        except ValueError as error:
            importer.fail(REGISTRY, None, str(error))
            continue
        if nct in done:
            continue
        done.add(nct)
        if not importer.force and importer.target(nct).exists():
            importer.skip(REGISTRY, nct)
            continue
        try:
            record = fetch_study(client, nct)
        except ApiError as error:
            importer.fail(REGISTRY, nct, str(error))
            continue
        importer.add(record, REGISTRY)


def _token(page: dict) -> str | None:
    """The page's usable ``nextPageToken`` (none on a page without studies)."""
    token = page.get("nextPageToken")
    return token if isinstance(token, str) and token and page["studies"] else None


def pages(
    client: Client, search: Search, limit: int, max_pages: int | None = None
) -> Iterator[tuple[int, dict]]:
    """The search's pages in order, as (page number, page); stops after ``limit`` studies or
    ``max_pages`` pages. A token handed out twice is an ``ApiError`` (the server loops)."""
    params = {**search.params(), "pageSize": str(min(PAGE_SIZE, limit))}
    params["countTotal"] = "true"
    seen = 0
    number = 1
    tokens: set[str] = set()
    while True:
        page = client.get("studies", params)
        if not isinstance(page, dict) or not isinstance(page.get("studies"), list):
            url = client.url("studies", params)
            raise ApiError(f"{url}: not a search page (no list of studies)")
        yield number, page
        seen += len(page["studies"])
        token = _token(page)
        if token is None or seen >= limit or (max_pages is not None and number >= max_pages):
            return
        if token in tokens:
            raise ApiError(
                f"the registry handed out page token {token[:80]!r} again after page {number}: "
                "the search stopped there"
            )
        tokens.add(token)
        params = {key: value for key, value in params.items() if key != "countTotal"}
        params["pageToken"] = token
        number += 1


def add_search(
    importer: Importer, client: Client, search: Search, limit: int | None = None
) -> None:
    """Every study a search finds (at most ``limit``; without one, at most ``MAX_STUDIES``
    studies or ``MAX_PAGES`` pages, and a warning when the registry had more), each written
    as it arrives. A page that cannot be fetched ends the search with an error; what was
    written stays."""
    cap = limit if limit is not None else MAX_STUDIES
    taken = 0
    try:
        for number, page in pages(client, search, cap, None if limit else MAX_PAGES):
            total = page.get("totalCount")
            if isinstance(total, int) and not isinstance(total, bool):
                importer.total = (importer.total or 0) + min(total, cap)
            for index, record in enumerate(page["studies"], 1):
                if taken >= cap:
                    break
                taken += 1
                importer.add(record, f"search page {number}", index)
            if limit is None and _token(page) and (taken >= cap or number >= MAX_PAGES):
                what = f"{taken:,} studies" if taken >= cap else f"{number:,} pages"
                importer.warn(
                    f"search {search}: stopped after {what} (the cap without --max: "
                    f"{MAX_STUDIES:,} studies or {MAX_PAGES:,} pages, whichever comes first); "
                    "the registry has more: --max N imports up to N"
                )
    except ApiError as error:
        importer.error(f"search {search}", str(error))


def import_all(
    out_dir: Path,
    *,
    files: Sequence[Path] = (),
    ids: Sequence[str] = (),
    search: Search | None = None,
    client: Client | None = None,
    limit: int | None = None,
    force: bool = False,
    progress: Progress | None = None,
    report: ImportReport | None = None,
) -> ImportReport:
    """Files, then NCT ids, then a search, into ``out_dir``: one report, one count.

    ``report`` (when given) is filled as the import goes, so that a caller interrupted by
    Ctrl-C can still say what was written.
    """
    importer = Importer(out_dir, force=force, progress=progress, report=report)
    importer.total = len(ids) if ids else None
    add_files(importer, files)
    if ids or search:
        client = client or Client()
        add_ids(importer, client, ids)
        if search is not None:
            add_search(importer, client, search, limit)
    return importer.report
