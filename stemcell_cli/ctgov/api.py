"""The ClinicalTrials.gov API v2 over HTTP: one client, JSON answers, retries, clear errors.

Standard library only (``urllib.request``): the API is a handful of GET requests returning
JSON, so a dependency would add install weight without adding anything this module needs
(timeouts, redirects, proxies from the environment and TLS verification come with it).

- base URL ``https://clinicaltrials.gov/api/v2``, or ``STEMCELL_CTGOV_API``, or an explicit
  one (``--api-url``), so a mirror or a test server can stand in; a malformed one is a usage
  error;
- a User-Agent naming stemcell and its version;
- one deadline per request, retries and waits included (``DEADLINE``, ``--timeout``): a
  server that stalls or answers a byte at a time is cut off when it passes (``deadline``);
- retries with exponential backoff on connection errors, 429 and 5xx, honouring
  ``Retry-After`` (ASCII seconds or an HTTP date; anything else: the normal backoff), but
  never a wait that would pass the deadline;
- only http(s) redirects are followed;
- ``sleep`` is injectable, so tests do not wait;
- once ``DOWN_AFTER`` requests in a row have failed on every try, later requests fail at once
  (an offline run says so quickly); a request the server answered (a 404, a bad record)
  breaks the run.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import os
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import __version__
from ..errors import StemcellError, UsageError
from .deadline import RedirectRefused, Watch, opener
from .read import MAX_INPUT_BYTES

DEFAULT_API = "https://clinicaltrials.gov/api/v2"
API_ENV = "STEMCELL_CTGOV_API"
USER_AGENT = f"stemcell/{__version__} (evidence summarizer; registry import)"
DEADLINE = 60.0  # seconds per request, retries and waits included
RETRIES = 4
BACKOFF = 1.0
DOWN_AFTER = 3  # requests in a row failing on every try, after which the server is left alone
_SECONDS = re.compile(r"[0-9]{1,30}")


def pause(seconds: float) -> None:
    """Wait before a retry (tests replace it)."""
    time.sleep(seconds)


class ApiError(StemcellError):
    """A request that failed for good; ``status`` is the HTTP status when there was one."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class _GaveUp(ApiError):
    """Every try failed (no answer, or only 429/5xx): this counts against the server."""


def api_base(explicit: str | None = None) -> str:
    """The API's base URL: ``explicit``, else ``STEMCELL_CTGOV_API``, else the public one.

    One that is not a well-formed http(s) URL is a usage error.
    """
    given = explicit or os.environ.get(API_ENV) or DEFAULT_API
    where = "--api-url" if explicit else API_ENV if os.environ.get(API_ENV) else "the API URL"
    base = given.strip().rstrip("/")
    try:
        parts = urllib.parse.urlsplit(base)
        parts.port  # noqa: B018 (a port out of range raises ValueError)
    except ValueError as error:
        raise UsageError(f"{where} {base!r} is not a well-formed URL ({error})") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise UsageError(f"{where} {base!r} is not an http(s) URL")
    if not base.isascii() or not base.isprintable() or " " in base or parts.query + parts.fragment:
        raise UsageError(f"{where} {base!r} is not a well-formed URL (spaces, controls or ?#)")
    return base


@dataclass
class Client:
    """GET JSON from the API within a deadline per request, with retries."""

    base: str = field(default_factory=api_base)
    timeout: float = DEADLINE  # seconds per request, retries and waits included
    retries: int = RETRIES
    backoff: float = BACKOFF
    sleep: Callable[[float], None] | None = None  # None: ``pause`` (time.sleep)
    down: str | None = None  # why the server is no longer asked, once it is not
    failed_in_row: int = 0  # requests in a row that failed on every try

    def __post_init__(self) -> None:
        self.base = self.base.rstrip("/")

    def url(self, path: str, params: Mapping[str, str] | None = None) -> str:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        return f"{self.base}/{path.lstrip('/')}{query}"

    def get(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        """The JSON document at ``path``; raises ``ApiError`` with one clear line."""
        url = self.url(path, params)
        if self.down:
            raise ApiError(self.down)
        try:
            document = self._tries(url)
        except _GaveUp as failure:
            self.failed_in_row += 1
            if self.failed_in_row >= DOWN_AFTER:
                self.down = (
                    f"stopped asking {self.base}: {self.failed_in_row} requests in a row "
                    f"failed on every try (the last: {failure})"
                )
            raise ApiError(str(failure), failure.status) from None
        except ApiError:
            self.failed_in_row = 0  # the server answered; the answer was no good
            raise
        self.failed_in_row = 0
        return document

    def _tries(self, url: str) -> Any:
        """Try ``url`` until it answers, the retries run out or the deadline would pass."""
        end = time.monotonic() + self.timeout
        deadline = f"the {self.timeout:g} s deadline"
        for attempt in range(self.retries + 1):
            tries = f"{attempt + 1} tr{'y' if attempt == 0 else 'ies'}"
            watch = Watch(end - time.monotonic())
            status: int | None = None
            wait: float | None = None
            try:
                with watch:
                    return _json(self._fetch(url, watch, end), url)
            except urllib.error.HTTPError as error:
                status = error.code
                error.close()
                if status != 429 and not 500 <= status < 600:
                    raise ApiError(_http_message(url, status, error.reason), status) from None
                failure = f"{url}: HTTP {status} after {tries}"
                wait = _retry_after(error.headers.get("Retry-After"))
            except RedirectRefused as error:
                target = error.target[:200]
                message = f"{url}: redirected to {target}; only http(s) redirects are followed"
                raise ApiError(message) from None
            except http.client.InvalidURL as error:  # a redirect to something unusable
                raise ApiError(f"{url}: {error}") from None
            except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
                if watch.expired or (watch.connected and _timed_out(error)):
                    read = f"{url}: timed out while reading: no complete answer within {deadline}"
                    raise _GaveUp(f"{read} ({tries}; --timeout to change)") from None
                failure = f"cannot reach {self.base}: {_reason(error)}"
                if _timed_out(error):  # the connection itself used up the time
                    raise _GaveUp(f"{failure} within {deadline}") from None
            if attempt == self.retries:
                raise _GaveUp(failure, status)
            asked = wait is not None
            wait = wait if wait is not None else self.backoff * 2**attempt
            if time.monotonic() + wait >= end:
                why = (
                    f"the server asked to wait {wait:g} s, past {deadline}"
                    if asked
                    else f"the next try would pass {deadline}"
                )
                raise _GaveUp(f"{failure}; {why}", status)
            (self.sleep or pause)(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _fetch(self, url: str, watch: Watch, end: float) -> bytes:
        request = urllib.request.Request(
            url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"}
        )
        timeout = max(0.001, end - time.monotonic())
        with opener(watch).open(request, timeout=timeout) as response:
            body = response.read(MAX_INPUT_BYTES + 1)
        if watch.expired:  # cut off mid-answer: what arrived is not the answer
            raise TimeoutError("the deadline passed")
        if len(body) > MAX_INPUT_BYTES:
            raise ApiError(f"{url}: answer larger than {MAX_INPUT_BYTES >> 20} MiB; not read")
        return body


def _json(body: bytes, url: str) -> Any:
    try:
        return json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        start = body[:40].decode("utf-8", "replace").strip().splitlines()
        begins = f" (it begins {start[0]!r})" if start else " (it is empty)"
        raise ApiError(f"{url}: the answer is not JSON{begins}") from None


def _http_message(url: str, status: int, reason: object) -> str:
    if status == 404:
        return f"{url}: not found on the registry (HTTP 404)"
    return f"{url}: HTTP {status} {reason or ''}".rstrip()


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (ASCII seconds or an HTTP date), else None."""
    if not value:
        return None
    value = value.strip()
    if _SECONDS.fullmatch(value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _timed_out(error: BaseException) -> bool:
    reason = getattr(error, "reason", None) or error
    return isinstance(reason, socket.timeout | TimeoutError)


def _reason(error: BaseException) -> str:
    reason = getattr(error, "reason", None) or error
    if isinstance(reason, socket.timeout | TimeoutError):
        return "timed out"
    return getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
