"""One call on a daemon thread of its own, its result or error kept in a future.

The adapters start reads ahead of their turn with it (Launchpad's login, Gerrit's
review messages), so that a request's round trip overlaps work on another host.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

T = TypeVar("T")


def in_background(call: Callable[[], T], *, name: str) -> Future[T]:
    """Run ``call`` on a daemon thread named ``name``; the future holds its result or error."""
    future: Future[T] = Future()

    def run() -> None:
        if future.set_running_or_notify_cancel():
            try:
                future.set_result(call())
            except BaseException as exc:  # noqa: BLE001  # handed to whoever waits
                future.set_exception(exc)

    threading.Thread(target=run, name=name, daemon=True).start()
    return future
