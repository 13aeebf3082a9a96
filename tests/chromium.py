"""A small client of the Chrome DevTools protocol: headless Chromium loads a page and reports
every network request, every console message and exception, and a screenshot.

Used by the browser tests of ``stemcell report``; the tests fail (never skip) when Chromium
is missing (``.ci/run`` installs the Debian package).
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import tempfile
import threading
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websocket

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-port=0",
)
CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
PHONE = (390, 844)  # CSS pixels, a common phone
A4_WIDTH = 718  # CSS pixels across an A4 page inside 1.5 cm margins


def chromium_path() -> str:
    """The browser's path, or an AssertionError saying how to install it."""
    for name in CHROMIUM:
        if found := shutil.which(name):
            return found
    raise AssertionError("Chromium is needed: apt-get install -y chromium (see .ci/run)")


@dataclass
class Visit:
    """What happened while a page loaded."""

    url: str
    requests: list[str] = field(default_factory=list)  # every URL asked for but the page's
    console: list[str] = field(default_factory=list)  # errors and warnings, and exceptions
    screenshot: bytes = b""
    overflow: int = 0  # CSS pixels the page is wider than the window (0: fits)
    print_overflow: int = 0  # the same, printed (print stylesheet) on an A4 page


class Browser:
    """One headless Chromium, a fresh profile, driven over its DevTools websocket."""

    def __init__(self) -> None:
        self.profile = tempfile.mkdtemp(prefix="stemcell-chromium-")
        self.process = subprocess.Popen(
            [chromium_path(), *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        address = self._address()
        self.ws = websocket.create_connection(address, timeout=60, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def _address(self) -> str:
        """The DevTools address Chromium prints; the rest of its stderr is read (and dropped)
        by a thread from then on, so a chatty browser never blocks on a full pipe."""
        stream = self.process.stderr
        assert stream is not None
        for line in stream:
            if found := re.search(r"DevTools listening on (ws://\S+)", line):
                threading.Thread(target=stream.read, daemon=True).start()
                return found.group(1)
        raise AssertionError(f"Chromium did not start (exit {self.process.wait()})")

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Call a method and wait for its answer; events that arrive meanwhile are kept."""
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise AssertionError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, event: str, session: str) -> None:
        """Read messages until ``event`` arrives for ``session``."""
        while not any(
            e.get("method") == event and e.get("sessionId") == session for e in self.events
        ):
            self.events.append(json.loads(self.ws.recv()))

    def visit(self, path: Path, size: tuple[int, int] = PHONE) -> Visit:
        """Load ``path`` in a new tab of ``size`` (CSS pixels) and report what happened."""
        url = path.resolve().as_uri()
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.send(f"{domain}.enable", session)
        width, height = size
        self.send(
            "Emulation.setDeviceMetricsOverride",
            session,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=True,
        )
        self.events.clear()
        self.send("Page.navigate", session, url=url)
        self.wait_for("Page.loadEventFired", session)
        visit = Visit(url)
        shot = self.send("Page.captureScreenshot", session, format="png")
        visit.screenshot = base64.b64decode(shot["data"])
        visit.overflow = self.overflow(session)
        self.send("Emulation.setEmulatedMedia", session, media="print")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            session,
            width=A4_WIDTH,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        visit.print_overflow = self.overflow(session)
        self.send("Target.closeTarget", targetId=target)
        for e in self.events:
            if e.get("sessionId") != session:
                continue
            method, params = e.get("method"), e.get("params", {})
            if method == "Network.requestWillBeSent" and params["request"]["url"] != url:
                visit.requests.append(params["request"]["url"])
            elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "warning"):
                values = [str(a.get("value", a.get("description"))) for a in params["args"]]
                visit.console.append(f"console.{params['type']}: {' '.join(values)}")
            elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
                visit.console.append(f"{params['entry']['level']}: {params['entry']['text']}")
            elif method == "Runtime.exceptionThrown":
                visit.console.append(f"exception: {params['exceptionDetails'].get('text')}")
        return visit

    def overflow(self, session: str) -> int:
        """How many CSS pixels the page is wider than the window."""
        return self.send(
            "Runtime.evaluate",
            session,
            expression="document.documentElement.scrollWidth - window.innerWidth",
            returnByValue=True,
        )["result"]["value"]

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            shutil.rmtree(self.profile, ignore_errors=True)


def distinct_rows(png: bytes) -> int:
    """How many different pixel rows a PNG has, counted on its filtered scanlines (enough to
    tell a blank, one-colour picture, which has very few, from a page of text)."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n"), "not a PNG"
    pos, data, width, bpp = 8, b"", 0, 4
    while pos < len(png):
        length = int.from_bytes(png[pos : pos + 4], "big")
        kind, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width = int.from_bytes(body[:4], "big")
            bpp = {2: 3, 6: 4, 0: 1, 4: 2}[body[9]] * (body[8] // 8)
        elif kind == b"IDAT":
            data += body
        pos += 12 + length
    raw = zlib.decompress(data)
    stride = 1 + width * bpp
    return len({raw[i : i + stride] for i in range(0, len(raw), stride)})
