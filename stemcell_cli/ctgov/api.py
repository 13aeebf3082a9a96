"""The ClinicalTrials.gov API v2 over HTTP: one client, JSON answers, retries, clear errors.

Standard library only (``urllib.request``): the API is a handful of GET requests returning
JSON, so a dependency would add install weight without adding anything this module needs
(timeouts, redirects, proxies from the environment and TLS verification come with it).

- base URL ``https://clinicaltrials.gov/api/v2``, or ``STEMCELL_CTGOV_API``, or an explicit
  one (``--api-url``), so a mirror or a test server can stand in;
- a User-Agent naming stemcell and its version, a timeout on every request;
- retries with exponential backoff on connection errors, 429 and 5xx, honouring
  ``Retry-After`` (seconds or an HTTP date), at most ``MAX_WAIT`` seconds per wait;
- ``sleep`` is injectable, so tests do not wait;
- once the server cannot be reached after the retries, later requests fail at once with
  the same message (an offline run says so once per study, quickly).
"""

from __future__ import annotations

import email.utils
import http.client
import json
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import __version__
from ..errors import StemcellError
from .read import MAX_INPUT_BYTES

DEFAULT_API = "https://clinicaltrials.gov/api/v2"
API_ENV = "STEMCELL_CTGOV_API"
USER_AGENT = f"stemcell/{__version__} (evidence summarizer; registry import)"
TIMEOUT = 30.0
RETRIES = 4
BACKOFF = 1.0
MAX_WAIT = 60.0


def pause(seconds: float) -> None:
    """Wait before a retry (tests replace it)."""
    time.sleep(seconds)


class ApiError(StemcellError):
    """A request that failed for good; ``status`` is the HTTP status when there was one."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def api_base(explicit: str | None = None) -> str:
    """The API's base URL: ``explicit``, else ``STEMCELL_CTGOV_API``, else the public one."""
    base = (explicit or os.environ.get(API_ENV) or DEFAULT_API).strip().rstrip("/")
    parts = urllib.parse.urlsplit(base)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise StemcellError(f"API URL {base!r} is not an http(s) URL")
    return base


@dataclass
class Client:
    """GET JSON from the API with timeouts and retries."""

    base: str = field(default_factory=api_base)
    timeout: float = TIMEOUT
    retries: int = RETRIES
    backoff: float = BACKOFF
    sleep: Callable[[float], None] | None = None  # None: ``pause`` (time.sleep)
    down: str | None = None  # why the server could not be reached, once it could not

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
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                return _json(self._fetch(url), url)
            except urllib.error.HTTPError as error:
                status = error.code
                error.close()
                if status != 429 and not 500 <= status < 600:
                    raise ApiError(_http_message(url, status, error.reason), status) from None
                if last:
                    tries = f"{self.retries + 1} tries"
                    raise ApiError(f"{url}: HTTP {status} after {tries}", status) from None
                wait = _retry_after(error.headers.get("Retry-After"))
            except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
                if last:
                    self.down = f"cannot reach {self.base}: {_reason(error)}"
                    raise ApiError(self.down) from None
                wait = None
            wait = wait if wait is not None else self.backoff * 2**attempt
            (self.sleep or pause)(min(MAX_WAIT, wait))
        raise AssertionError("unreachable")  # pragma: no cover

    def _fetch(self, url: str) -> bytes:
        request = urllib.request.Request(
            url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            body = response.read(MAX_INPUT_BYTES + 1)
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
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), else None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _reason(error: BaseException) -> str:
    reason = getattr(error, "reason", None) or error
    if isinstance(reason, socket.timeout | TimeoutError):
        return "timed out"
    return getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
