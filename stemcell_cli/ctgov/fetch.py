"""Fetching from the API v2: studies by NCT id (``/studies/{id}``) and searches (``/studies``,
paged with ``pageSize``/``pageToken`` until ``nextPageToken`` is absent or enough arrived).

Each study is written as it arrives, so an interrupted run keeps what it wrote; a rerun skips
the descriptors already there (without fetching them again, unless ``force``) and goes on.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .api import ApiError, Client
from .record import json_kind, nct_id_of
from .report import ImportReport
from .run import Importer, Progress, add_files

PAGE_SIZE = 100  # the API allows up to 1000; 100 keeps each answer small
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
    """The record of one study; ``ApiError`` when it cannot be had or is not a record."""
    record = client.get(f"studies/{nct}")
    if not isinstance(record, dict) or nct_id_of(record) is None:
        raise ApiError(f"{client.url(f'studies/{nct}')}: not a study record ({json_kind(record)})")
    return record


def add_ids(importer: Importer, client: Client, ids: Sequence[str]) -> None:
    """Fetch and import each study; one that fails is reported and the others go on. A study
    whose descriptor is there already is not fetched again (unless the importer forces)."""
    for nct in dict.fromkeys(i.upper() for i in ids):
        if not importer.force and importer.target(nct).exists():
            importer.skip(REGISTRY, nct)
            continue
        try:
            record = fetch_study(client, nct)
        except ApiError as error:
            importer.fail(REGISTRY, nct, str(error))
            continue
        importer.add(record, REGISTRY)


def pages(client: Client, search: Search, limit: int | None) -> Iterator[tuple[int, dict]]:
    """The search's pages in order, as (page number, page); stops after ``limit`` studies."""
    params = {**search.params(), "pageSize": str(min(PAGE_SIZE, limit or PAGE_SIZE))}
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
        token = page.get("nextPageToken")
        if not isinstance(token, str) or not token or not page["studies"] or token in tokens:
            return  # the last page (or a server handing out the same page again)
        tokens.add(token)
        if limit is not None and seen >= limit:
            return
        params = {key: value for key, value in params.items() if key != "countTotal"}
        params["pageToken"] = token
        number += 1


def add_search(
    importer: Importer, client: Client, search: Search, limit: int | None = None
) -> None:
    """Every study a search finds (at most ``limit``), each written as it arrives.

    A page that cannot be fetched ends the search with an error; what was written stays.
    """
    taken = 0
    try:
        for number, page in pages(client, search, limit):
            total = page.get("totalCount")
            if isinstance(total, int) and not isinstance(total, bool):
                found = min(total, limit) if limit is not None else total
                importer.total = (importer.total or 0) + found
            for index, record in enumerate(page["studies"], 1):
                if limit is not None and taken >= limit:
                    break
                taken += 1
                importer.add(record, f"search page {number}", index)
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
) -> ImportReport:
    """Files, then NCT ids, then a search, into ``out_dir``: one report, one count."""
    importer = Importer(out_dir, force=force, progress=progress)
    importer.total = len(ids) if ids else None
    add_files(importer, files)
    if ids or search:
        client = client or Client()
        add_ids(importer, client, ids)
        if search is not None:
            add_search(importer, client, search, limit)
    return importer.report
