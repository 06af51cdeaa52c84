"""A server on another loopback address that must never be contacted (stdlib only).

Tests point a fake's redirects and page links at it to check that syncsvc never
sends it a request. It listens on 127.0.0.2 (a different host from the fakes on
127.0.0.1), records every request with its headers, and answers each one with
``body``: by default an empty lazr.restful page, which a client that followed
the link would take for "no more data". Usage::

    with ForeignHost() as peer:
        fake.link_root = peer.url
        ...
        assert peer.requests == []
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

EMPTY_PAGE = b'{"total_size": 0, "start": 0, "entries": []}'
EMPTY_GERRIT_LIST = b")]}'\n[]\n"


@dataclass(frozen=True, slots=True)
class ForeignRequest:
    """One request the foreign host received (header names lower-cased)."""

    method: str
    target: str
    headers: dict[str, str]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def __init__(self, *args: Any, host: ForeignHost) -> None:
        self.host = host
        super().__init__(*args)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002  # stdlib signature
        """Keep test output quiet."""

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def do_PATCH(self) -> None:
        self._answer()

    def _answer(self) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.host.record(ForeignRequest(self.command, self.path, headers))
        body = self.host.body
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):  # the client may already be gone
            self.wfile.write(body)


class ForeignHost:
    """An HTTP server on ``address`` (127.0.0.2), port 0, that records every request."""

    def __init__(self, *, body: bytes = EMPTY_PAGE, address: str = "127.0.0.2") -> None:
        self.body = body
        self.address = address
        self._requests: list[ForeignRequest] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def __enter__(self) -> Self:
        self._server = ThreadingHTTPServer((self.address, 0), partial(_Handler, host=self))
        self._server.daemon_threads = True
        self._server.block_on_close = False
        loop = self._server.serve_forever
        threading.Thread(target=loop, kwargs={"poll_interval": 0.02}, daemon=True).start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        """``http://127.0.0.2:PORT`` (no trailing slash)."""
        assert self._server is not None, "ForeignHost is not running"
        return f"http://{self.address}:{self._server.server_address[1]}"

    def record(self, request: ForeignRequest) -> None:
        """Remember ``request`` (called from handler threads)."""
        with self._lock:
            self._requests.append(request)

    @property
    def requests(self) -> list[ForeignRequest]:
        """A copy of every request received so far."""
        with self._lock:
            return list(self._requests)
