"""A request budget per run and a polite minimum interval per host.

One :class:`RequestBudget` is shared by every adapter of a sync run (Launchpad's
httplib2 transport and Gerrit's requests transport both call :meth:`spend` before
each request they send, each retry included). It

* refuses the request (:class:`~syncsvc.errors.BudgetExhaustedError`, nothing sent)
  once ``max_requests`` have been sent, so a run stops cleanly and the scopes it did
  not reach are left for the next one;
* waits, with its injected ``sleep``, until ``min_interval`` seconds have passed
  since the previous request to the same host (scheme, host and port), measured
  with its injected monotonic ``clock``, so tests never really sleep.

It is thread-safe: the workers of one process may share it.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from urllib.parse import urlsplit

from syncsvc.errors import BudgetExhaustedError


class RequestBudget:
    """How many requests a run may still send, and how often to each host."""

    def __init__(
        self,
        max_requests: int | None = None,
        *,
        min_interval: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if max_requests is not None and max_requests < 0:
            raise ValueError("max_requests must not be negative")
        self.max_requests = max_requests
        self.min_interval = max(min_interval, 0.0)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}
        self.per_host: Counter[str] = Counter()
        self.waited = 0.0  # seconds slept for politeness, in total

    @property
    def sent(self) -> int:
        """Requests sent (allowed) so far."""
        return sum(self.per_host.values())

    @property
    def exhausted(self) -> bool:
        """Whether the next request would be refused."""
        return self.max_requests is not None and self.sent >= self.max_requests

    def spend(self, url: str) -> None:
        """Count one request to ``url``'s host, after waiting out its minimum interval.

        Raises BudgetExhaustedError, counting nothing, when the budget is spent.
        """
        host = _host(url)
        with self._lock:
            if self.exhausted:
                raise BudgetExhaustedError(
                    f"request budget of {self.max_requests} requests spent",
                    hint="the next run continues from the committed cursors; "
                    "raise [http] max_requests_per_run to do more per run",
                )
            self.per_host[host] += 1
            delay = 0.0
            if host in self._last:
                delay = self._last[host] + self.min_interval - self._clock()
            # Reserve this host's slot before sleeping, so concurrent callers queue up.
            self._last[host] = self._clock() + max(delay, 0.0)
            if delay > 0:
                self.waited += delay
        if delay > 0:
            self._sleep(delay)


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}".lower()
