"""HTTP plumbing for :mod:`syncsvc.testing.fake_launchpad`.

A ``ThreadingHTTPServer`` on 127.0.0.1 speaking HTTP/1.1 with keep-alive (as
httplib2 expects), a request log, fault injection (status codes, delays, TCP
resets, redirects, bodies cut short) and lazr.restful's paging rules
(``ws.start``/``ws.size``, at most 300 per page, ``next_collection_link``
keeping the other query parameters).
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler
from typing import Any, Literal
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from syncsvc.testing.fake_launchpad_data import JSONDict, decode_param
from syncsvc.testing.quiet_server import QuietThreadingHTTPServer

MAX_PAGE_SIZE = 300


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """A request as received (header names lower-cased); ``status`` 0: no answer (yet).

    ``body`` is the request body as text (a PATCH's JSON), ``""`` for none.
    """

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    status: int
    body: str = ""

    @property
    def op(self) -> str | None:
        """The named operation (``ws.op``), if any."""
        return self.query.get("ws.op", [None])[0]

    def param(self, name: str) -> list[Any]:
        """A query parameter decoded as the server decodes it (JSON, else raw)."""
        return decode_param(self.query.get(name, []))

    def json(self) -> Any:
        """The body decoded as JSON (a PATCH's changed fields)."""
        return json.loads(self.body)


class RequestLog:
    """Thread-safe, ordered record of every request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []

    def add(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes = b""
    ) -> RecordedRequest:
        """Record a request on arrival (status 0 until :meth:`answered`)."""
        parts = urlsplit(target)
        text = body.decode("utf-8", errors="replace")
        request = RecordedRequest(
            method, unquote(parts.path), parse_qs(parts.query), dict(headers), 0, text
        )
        with self._lock:
            self._requests.append(request)
        return request

    def answered(self, request: RecordedRequest, status: int) -> None:
        """Set the status the recorded ``request`` was answered with."""
        with self._lock:
            for index, known in enumerate(self._requests):
                if known is request:
                    self._requests[index] = replace(request, status=status)
                    return

    def snapshot(self) -> list[RecordedRequest]:
        """A copy of the requests so far."""
        with self._lock:
            return list(self._requests)

    def clear(self) -> None:
        """Forget every recorded request."""
        with self._lock:
            self._requests.clear()


@dataclass
class Fault:
    """What to do instead of (or before) answering a matching request.

    ``redirect`` answers ``status`` with ``Location: <location><path and query>``;
    ``corrupt`` sends the real answer (status, ETag and all) with its body cut in half.
    """

    kind: Literal["status", "delay", "reset", "redirect", "corrupt"]
    match: str | None  # substring of path + query; None matches everything
    remaining: int | None  # None: forever
    status: int = 503
    seconds: float = 0.0
    location: str = ""


class FaultQueue:
    """Pending faults, consumed first-match-first by the request handler."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        """Queue ``fault`` after the ones already pending."""
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        """Drop every pending fault."""
        with self._lock:
            self._faults.clear()

    def take(self, target: str) -> Fault | None:
        """The first fault matching ``target``, counting one use of it."""
        with self._lock:
            for fault in self._faults:
                if fault.match is None or fault.match in target:
                    if fault.remaining is not None:
                        fault.remaining -= 1
                        if fault.remaining <= 0:
                            self._faults.remove(fault)
                    return fault
        return None


class ServedError(Exception):
    """An error answer (status and plain-text body, as lazr.restful sends them)."""

    def __init__(self, status: int, body: str) -> None:
        super().__init__(body)
        self.status = status
        self.body = body


@dataclass
class Response:
    """An answer to send; ``content_type`` None sends no Content-Type (304)."""

    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def int_param(query: Mapping[str, list[str]], name: str, default: int) -> int:
    """A non-negative integer query parameter, else 400."""
    raw = query.get(name, [str(default)])[0]
    try:
        value = int(raw)
    except ValueError as exc:
        raise ServedError(400, f"{name}: {raw!r} is not an integer.") from exc
    if value < 0:
        raise ServedError(400, f"{name}: must not be negative.")
    return value


def page(
    entries: list[JSONDict],
    *,
    url: str,
    query: Mapping[str, list[str]],
    default_size: int,
    type_link: str | None,
) -> Response:
    """One page of a collection at ``url`` (no query), as lazr.restful batches it."""
    start = int_param(query, "ws.start", 0)
    size = int_param(query, "ws.size", default_size)
    if size > MAX_PAGE_SIZE:
        raise ServedError(400, f"Maximum for ws.size parameter is {MAX_PAGE_SIZE}.")
    body: JSONDict = {"total_size": len(entries), "start": start}
    others = [(k, v) for k, vs in query.items() if k not in ("ws.start", "ws.size") for v in vs]
    if start + size < len(entries):
        next_query = [*others, ("ws.size", str(size)), ("ws.start", str(start + size))]
        body["next_collection_link"] = f"{url}?{urlencode(next_query)}"
    if start > 0:
        prev_query = [*others, ("ws.size", str(size)), ("ws.start", str(max(0, start - size)))]
        body["prev_collection_link"] = f"{url}?{urlencode(prev_query)}"
    body["entries"] = entries[start : start + size]
    if type_link is not None:
        body["resource_type_link"] = type_link
    return Response(200, json.dumps(body).encode(), "application/json")


# (method, target, lower-cased headers, body) -> the answer
Responder = Callable[[str, str, Mapping[str, str], bytes], Response]


class FakeHTTPServer(QuietThreadingHTTPServer):
    """Serves ``responder(method, target, headers, body)`` and remembers open connections."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, responder: Responder, log: RequestLog, faults: FaultQueue) -> None:
        self.responder = responder
        self.log = log
        self.faults = faults
        self.stopping = threading.Event()
        self.open_sockets: set[socket.socket] = set()
        self.sockets_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def stop(self) -> None:
        """Stop serving, wake delayed handlers and close every connection."""
        self.stopping.set()
        self.shutdown()
        with self.sockets_lock:
            sockets, self.open_sockets = self.open_sockets, set()
        for sock in sockets:
            with contextlib.suppress(OSError):  # already closed by the client
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as httplib2 pools connections
    disable_nagle_algorithm = True  # headers and body go out in two writes; avoid 40 ms stalls
    server: FakeHTTPServer

    def setup(self) -> None:
        super().setup()
        with self.server.sockets_lock:
            self.server.open_sockets.add(self.connection)

    def finish(self) -> None:
        with contextlib.suppress(OSError):  # the peer went away; nothing left to flush
            super().finish()
        with self.server.sockets_lock:
            self.server.open_sockets.discard(self.connection)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002  # stdlib signature
        """Keep test output quiet."""

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def _serve(self, method: str) -> None:
        server = self.server
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        recorded = server.log.add(method, self.path, headers, body)
        fault = server.faults.take(self.path)
        if fault is not None and fault.kind == "reset":
            # SO_LINGER 0: close() sends RST, so the client sees ECONNRESET.
            linger = struct.pack("ii", 1, 0)
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
            self.connection.close()
            self.close_connection = True
            return
        if fault is not None and fault.kind == "delay":
            server.stopping.wait(fault.seconds)
        if fault is not None and fault.kind == "status":
            text = f"Sample failure {fault.status} injected by FakeLaunchpad"
            response = Response(fault.status, text.encode(), "text/plain; charset=utf-8")
        elif fault is not None and fault.kind == "redirect":
            location = fault.location.rstrip("/") + self.path
            response = Response(fault.status, b"", "text/plain", {"Location": location})
        else:
            try:
                response = server.responder(method, self.path, headers, body)
            except ServedError as exc:
                response = Response(exc.status, exc.body.encode(), "text/plain; charset=utf-8")
            except RuntimeError:
                # A read still in flight when the fake stops (a background comment check
                # outliving its test) meets a stopped fake: it gets what a closing server
                # gives, not a traceback on the test run's stderr.
                if not server.stopping.is_set():
                    raise
                response = Response(503, b"FakeLaunchpad stopped", "text/plain; charset=utf-8")
            if fault is not None and fault.kind == "corrupt":
                response = replace(response, body=response.body[: len(response.body) // 2])
        server.log.answered(recorded, response.status)
        self._send(response)

    def _send(self, response: Response) -> None:
        try:
            self.send_response(response.status)
            if response.content_type is not None:
                self.send_header("Content-Type", response.content_type)
            for name, value in response.headers.items():
                self.send_header(name, value)
            if response.status != 304:
                self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if response.status != 304:
                self.wfile.write(response.body)
        except OSError:
            self.close_connection = True  # the client gave up (e.g. its timeout fired)
