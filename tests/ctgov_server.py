"""A real local HTTP server standing in for the ClinicalTrials.gov API v2 in tests.

Routes map a path (``/api/v2/studies/NCT...``, or ``/api/v2/studies?pageToken=p2``) to a list
of answers given in turn (the last one repeats): JSON documents, or ``Answer`` objects for
status codes, headers and raw bodies. Every request is kept (path, query, headers). A hostile
server is played with ``Answer.drip`` (the body a byte at a time, slowloris), ``Answer.hang``
(headers never sent) and ``Api.fallback`` (an answer made for any path no route names).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Answer:
    status: int = 200
    body: Any = None  # JSON-able, or bytes as they are
    headers: dict[str, str] = field(default_factory=dict)
    drip: float | None = None  # seconds between the body's bytes (slowloris)
    hang: bool = False  # accept the request and never answer


@dataclass
class Api:
    url: str
    routes: dict[str, list[Any]]
    requests: list[tuple[str, dict[str, str], dict[str, str]]] = field(default_factory=list)
    fallback: Callable[[str, dict[str, str]], Any] | None = None  # (path, query) -> answer
    stop: threading.Event = field(default_factory=threading.Event)  # ends drips and hangs

    def study(self, record: dict[str, Any], *answers: Any) -> None:
        """Serve ``record`` at its /studies/{id} (after ``answers``, e.g. a 429)."""
        nct = record["protocolSection"]["identificationModule"]["nctId"]
        self.routes[f"/api/v2/studies/{nct}"] = [*answers, record]

    def asked(self, path: str) -> int:
        return sum(1 for p, _, _ in self.requests if p == path)

    def import_then_ctrl_c(
        self, args: list[str], path: str, times: int = 1
    ) -> tuple[int, str, str]:
        """Run ``stemcell import ctgov ARGS`` against this server in a real process, press
        Ctrl-C once ``path`` has been asked for ``times`` times: (exit code, stdout, stderr)."""
        env = {**os.environ, "STEMCELL_CTGOV_API": self.url}
        process = subprocess.Popen(
            [sys.executable, "-m", "stemcell_cli", "import", "ctgov", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            while self.asked(path) < times:
                assert process.poll() is None, process.communicate()
                time.sleep(0.02)
            process.send_signal(signal.SIGINT)
            stdout, stderr = process.communicate(timeout=30)
        finally:
            process.kill()
        return process.returncode, stdout, stderr


def _key(path: str, query: dict[str, str]) -> str:
    token = query.get("pageToken")
    return f"{path}?pageToken={token}" if token else path


@contextmanager
def serve() -> Iterator[Api]:
    api = Api("", {})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(parts.query))
            api.requests.append((parts.path, query, dict(self.headers)))
            answers = api.routes.get(_key(parts.path, query))
            if not answers and api.fallback is not None:
                answers = [api.fallback(parts.path, query)]
            if not answers:
                answer = Answer(404, {"message": "not found"})
            else:
                answer = answers.pop(0) if len(answers) > 1 else answers[0]
            if not isinstance(answer, Answer):
                answer = Answer(200, answer)
            with contextlib.suppress(OSError):  # the client gave up (a deadline)
                self._answer(answer)

        def _answer(self, answer: Answer) -> None:
            if answer.hang:
                api.stop.wait()
                return
            body = (
                answer.body if isinstance(answer.body, bytes) else json.dumps(answer.body).encode()
            )
            self.send_response(answer.status)
            for name, value in {"Content-Type": "application/json", **answer.headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if answer.drip is None:
                self.wfile.write(body)
                return
            for byte in body:
                if api.stop.is_set():
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                api.stop.wait(answer.drip)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    api.url = f"http://127.0.0.1:{server.server_address[1]}/api/v2"
    try:
        yield api
    finally:
        api.stop.set()
        server.shutdown()
        server.server_close()
        thread.join()
