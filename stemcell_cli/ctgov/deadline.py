"""One request's time limit, kept however the server answers, and the redirects it may follow.

A socket timeout bounds each read, not the request: a server sending one byte every few
seconds (slowloris) never trips it. ``Watch`` keeps a copy of every connection a request
opens (redirects included) and shuts them all down when the time is up, so a blocked read
ends at once. ``opener`` builds the urllib opener that does this and follows only http(s)
redirects (urllib itself also follows ``ftp://``).
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

WEB = frozenset({"http", "https"})


class RedirectRefused(Exception):
    """The server redirected to something other than an http(s) URL (``target``)."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.target = target


class Watch:
    """Shuts down the request's connections ``seconds`` after it starts (a context manager).

    ``connected``: a connection was made (so a timeout happened while reading, not while
    connecting); ``expired``: the time ran out.
    """

    def __init__(self, seconds: float) -> None:
        self.connected = False
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, seconds), self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Watch:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()

    def track(self, sock: socket.socket) -> None:
        """Watch a new connection (a duplicate handle: TLS wrapping detaches the original)."""
        with self._lock:
            self.connected = True
            copy = sock.dup()
            self._sockets.append(copy)
            if self.expired:
                _shut(copy)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by the other side
        sock.shutdown(socket.SHUT_RDWR)


def opener(watch: Watch) -> urllib.request.OpenerDirector:
    """A urllib opener whose connections ``watch`` tracks and that refuses non-http(s) redirects."""
    return urllib.request.build_opener(_Http(watch), _Https(watch), _Redirects())


def _watched(kind: type[http.client.HTTPConnection], watch: Watch) -> Callable[..., Any]:
    """A connection factory for ``do_open`` whose sockets ``watch`` tracks."""

    def make(host: str, **kwargs: Any) -> http.client.HTTPConnection:
        connection = kind(host, **kwargs)
        create = connection._create_connection  # type: ignore[attr-defined]

        def tracked(*args: Any, **options: Any) -> socket.socket:
            sock = create(*args, **options)
            watch.track(sock)
            return sock

        connection._create_connection = tracked  # type: ignore[attr-defined]
        return connection

    return make


class _Http(urllib.request.HTTPHandler):
    def __init__(self, watch: Watch) -> None:
        super().__init__()
        self.watch = watch

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_watched(http.client.HTTPConnection, self.watch), req)


class _Https(urllib.request.HTTPSHandler):
    def __init__(self, watch: Watch) -> None:
        super().__init__()
        self.watch = watch

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        options: dict[str, Any] = {"context": getattr(self, "_context", None)}
        check_hostname = getattr(self, "_check_hostname", None)  # older Pythons only
        if check_hostname is not None:  # pragma: no cover
            options["check_hostname"] = check_hostname
        return self.do_open(_watched(http.client.HTTPSConnection, self.watch), req, **options)


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to an http(s) URL; any other is ``RedirectRefused``."""

    def http_error_302(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
        target = headers.get("location") or headers.get("uri")
        if target is not None:
            try:
                scheme = urllib.parse.urlsplit(urllib.parse.urljoin(req.full_url, target)).scheme
            except ValueError:
                scheme = ""
            if scheme.lower() not in WEB:
                fp.close()
                raise RedirectRefused(str(target))
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302
