"""Fetching from the API v2: studies by NCT id (``/studies/{id}``) and searches (``/studies``,
paged with ``pageSize``/``pageToken`` until ``nextPageToken`` is absent or enough arrived).

Each study is written as it arrives, so an interrupted run keeps what it wrote; a rerun skips
the descriptors already there (without fetching them again, unless ``force``) and goes on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .api import ApiError, Client
from .record import json_kind, nct_id_of
from .report import ImportReport
from .run import Importer, Progress

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


def import_ids(
    client: Client,
    ids: Iterable[str],
    out_dir: Path,
    *,
    force: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Fetch and import each study; one that fails is reported and the others go on."""
    ids = list(dict.fromkeys(i.upper() for i in ids))
    importer = Importer(out_dir, force=force, progress=progress)
    importer.total = len(ids)
    for nct in ids:
        if not force and importer.target(nct).exists():
            importer.skip(REGISTRY, nct)
            continue
        try:
            record = fetch_study(client, nct)
        except ApiError as error:
            importer.fail(REGISTRY, nct, str(error))
            continue
        importer.add(record, REGISTRY)
    return importer.report


def pages(client: Client, search: Search, limit: int | None) -> Iterator[tuple[int, dict]]:
    """The search's pages in order, as (page number, page); stops after ``limit`` studies."""
    params = {**search.params(), "pageSize": str(min(PAGE_SIZE, limit or PAGE_SIZE))}
    params["countTotal"] = "true"
    seen = 0
    number = 1
    while True:
        page = client.get("studies", params)
        if not isinstance(page, dict) or not isinstance(page.get("studies"), list):
            url = client.url("studies", params)
            raise ApiError(f"{url}: not a search page (no list of studies)")
        yield number, page
        seen += len(page["studies"])
        token = page.get("nextPageToken")
        if not isinstance(token, str) or not token or not page["studies"]:
            return
        if limit is not None and seen >= limit:
            return
        params = {key: value for key, value in params.items() if key != "countTotal"}
        params["pageToken"] = token
        number += 1


def import_search(
    client: Client,
    search: Search,
    out_dir: Path,
    *,
    limit: int | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import every study a search finds (at most ``limit``), writing each as it arrives.

    A page that cannot be fetched ends the search with an error; what was written stays.
    """
    importer = Importer(out_dir, force=force, progress=progress)
    taken = 0
    try:
        for number, page in pages(client, search, limit):
            total = page.get("totalCount")
            if isinstance(total, int) and not isinstance(total, bool):
                importer.total = min(total, limit) if limit is not None else total
            for index, record in enumerate(page["studies"], 1):
                if limit is not None and taken >= limit:
                    break
                taken += 1
                importer.add(record, f"search page {number}", index)
    except ApiError as error:
        importer.error(f"search {search}", str(error))
    return importer.report
