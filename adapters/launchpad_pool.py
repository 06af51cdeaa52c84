"""Per-bug Launchpad reads on a few threads, each with its own launchpadlib session.

Launchpad has no batched read of bug entries, so a sync reads tracked bugs one
request each; at a round trip per request that is most of a first sync's wall
time. A launchpadlib ``Launchpad`` is not thread-safe (one httplib2 connection),
and building one parses Launchpad's 1.5 MB WADL description (about 0.3 s of CPU).
:func:`twin_session` copies a logged-in session without parsing again: the copy
shares the parsed description, the credentials and the on-disk cache, and has its
own HTTP connection (built by the same ``httpFactory``, so the same policy,
allow-list and request budget apply). :class:`ReadPool` runs reads on its threads,
each with its own twin, at most ``workers`` in flight, and yields the results in
the order asked, so a caller sees what a sequential loop would have returned;
:meth:`ReadPool.submit` starts one read ahead of its turn (a later scope's search)
on the same threads.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any, Generic, Protocol, TypeVar

from lazr.restfulclient._browser import Browser

#: Reads in flight at once: a polite handful (the budget's per-host interval still holds).
DEFAULT_WORKERS = 4


class Closeable(Protocol):
    """What a pool's per-thread worker must offer: a way to drop its connection."""

    def close(self) -> None:
        """Close the worker's connections."""


W = TypeVar("W", bound=Closeable)
K = TypeVar("K")
T = TypeVar("T")


def twin_session(session: Any) -> Any:
    """A copy of the launchpadlib ``session`` with its own HTTP connection (no request
    is made, no WADL parsed); it shares everything else, which is read-only once logged in.
    """
    twin = object.__new__(type(session))
    twin.__dict__.update(session.__dict__)
    twin.__dict__["_root"] = twin  # the root resource's own root: the twin, not the original
    browser = vars(session)["_browser"]
    http = vars(browser)["_connection"]
    twin.__dict__["_browser"] = Browser(
        twin,
        session.credentials,
        http.cache,
        http.timeout,
        http.proxy_info,
        browser.user_agent,
        browser.max_retries,
    )
    return twin


class ReadPool(Generic[W]):
    """Threads that each read with their own worker (made on the thread's first read by
    ``make``); :meth:`map` keeps the order of its keys."""

    def __init__(self, make: Callable[[], W], *, workers: int = DEFAULT_WORKERS) -> None:
        self.workers = max(workers, 1)
        self._make = make
        self._local = threading.local()
        self._lock = threading.Lock()
        self._made: list[W] = []
        self._executor: ThreadPoolExecutor | None = None

    def submit(self, read: Callable[[W], T]) -> Future[T]:
        """Start ``read(worker)`` on a pool thread; the future holds its result or error.
        It shares the threads (and their limit) with :meth:`map`'s reads."""
        return self._started().submit(self._run_one, read)

    def _started(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="launchpad")
            return self._executor

    def map(self, read: Callable[[W, K], T], keys: Sequence[K]) -> Iterator[T]:
        """Yield ``read(worker, key)`` for each key, in the order of ``keys``.

        At most ``workers`` reads are in flight; a read's exception is raised when its
        turn comes, after the reads still in flight have ended, and no later read starts.
        """
        executor, pending = self._started(), iter(keys)
        flight: deque[Future[T]] = deque()
        try:
            for key in pending:
                flight.append(executor.submit(self._run, read, key))
                if len(flight) >= self.workers:
                    break
            while flight:
                result = flight.popleft().result()
                for key in pending:
                    flight.append(executor.submit(self._run, read, key))
                    break
                yield result
        finally:
            for future in flight:
                future.cancel()
            wait(flight)

    def _run(self, read: Callable[[W, K], T], key: K) -> T:
        return read(self._worker(), key)

    def _run_one(self, read: Callable[[W], T]) -> T:
        return read(self._worker())

    def _worker(self) -> W:
        worker: W | None = getattr(self._local, "worker", None)
        if worker is None:
            worker = self._make()
            self._local.worker = worker
            with self._lock:
                self._made.append(worker)
        return worker

    def close(self) -> None:
        """Wait for the threads to end and close every worker's connection."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            made, self._made = self._made, []
        for worker in made:
            worker.close()
        self._local = threading.local()
