"""The fakes' HTTP server: quiet when a client goes away mid-request.

A sync killed by a reliability test, or a client dropping an idle keep-alive
connection, resets its socket; ``socketserver`` would print the handler thread's
``ConnectionResetError`` traceback to stderr, in the middle of a passing test run.
A real server notes a vanished client at most; every other error is still printed.
"""

from __future__ import annotations

import sys
from http.server import ThreadingHTTPServer
from typing import Any

#: What a handler meets when its client has gone: the connection was reset or closed.
CLIENT_GONE = (ConnectionResetError, BrokenPipeError)


class QuietThreadingHTTPServer(ThreadingHTTPServer):
    """A ``ThreadingHTTPServer`` that does not report a client that went away."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Report the handler's error, unless its client reset or closed the connection."""
        if isinstance(sys.exc_info()[1], CLIENT_GONE):
            return
        super().handle_error(request, client_address)
