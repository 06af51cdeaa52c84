"""The fakes' HTTP server reports a handler's error unless its client went away."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from syncsvc.testing.quiet_server import QuietThreadingHTTPServer

CLIENT = ("127.0.0.1", 47082)


class _Resets(BaseHTTPRequestHandler):
    """Meets a reset connection while answering, as a handler of a killed client does."""

    def do_GET(self) -> None:
        raise ConnectionResetError(104, "Connection reset by peer")


@pytest.fixture
def server() -> Iterator[QuietThreadingHTTPServer]:
    """A server on a free loopback port, never started: only its error report is used."""
    made = QuietThreadingHTTPServer(("127.0.0.1", 0), _Resets)
    yield made
    made.server_close()


def _raise(error: BaseException) -> None:
    raise error


def _report(server: QuietThreadingHTTPServer, error: BaseException) -> None:
    """Report ``error`` as socketserver reports a handler thread's error: while handling it."""
    try:
        _raise(error)
    except BaseException:  # noqa: BLE001 (what handle_error is called for)
        server.handle_error(None, CLIENT)


class TestHandleError:
    """What a handler thread's error prints to stderr."""

    @pytest.mark.parametrize(
        "error", [ConnectionResetError(104, "reset"), BrokenPipeError(32, "x")]
    )
    def test_a_client_that_went_away_prints_nothing(self, server, error, capsys) -> None:
        """A reset or closed connection is the client's doing: no traceback."""
        _report(server, error)
        assert capsys.readouterr().err == ""

    def test_any_other_error_is_still_reported(self, server, capsys) -> None:
        """A handler's own bug prints socketserver's report with its traceback."""
        _report(server, ValueError("a bug in the fake"))
        err = capsys.readouterr().err
        assert "Exception occurred during processing of request from ('127.0.0.1', 47082)" in err
        assert "ValueError: a bug in the fake" in err

    def test_a_reset_while_serving_leaves_no_traceback(self, capfd) -> None:
        """A request whose connection resets while it is served prints nothing on stderr."""
        reported = threading.Event()

        class Server(QuietThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                super().handle_error(request, client_address)
                reported.set()

        serving = Server(("127.0.0.1", 0), _Resets)
        thread = threading.Thread(target=serving.serve_forever, kwargs={"poll_interval": 0.01})
        thread.start()
        try:
            with socket.create_connection(serving.server_address[:2]) as client:
                client.sendall(b"GET / HTTP/1.0\r\n\r\n")
                assert reported.wait(10)
        finally:
            serving.shutdown()
            serving.server_close()
            thread.join(10)
        assert "Traceback" not in capfd.readouterr().err
