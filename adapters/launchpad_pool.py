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
on the same threads, or, in the background, a read that may turn out to be needed
(a comment check before the relink says so) in the threads' idle time.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, wait
from dataclasses import dataclass
from functools import partial
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
    ``make``); :meth:`map` keeps the order of its keys.

    Reads are taken first come, first served, except *background* ones
    (:meth:`submit` with ``background=True``): those start only while no other read
    is under way (no :meth:`map` being iterated, no other submitted read unfinished),
    so they fill the pool's idle time without delaying a read the caller waits for
    by more than the round trips already in flight. At most ``workers`` reads are in
    flight in all.
    """

    def __init__(self, make: Callable[[], W], *, workers: int = DEFAULT_WORKERS) -> None:
        self.workers = max(workers, 1)
        self._make = make
        self._local = threading.local()
        self._lock = threading.Lock()
        self._made: list[W] = []
        self._ready = threading.Condition()
        self._jobs: deque[_Job[Any]] = deque()  # guarded by _ready, as the three below
        self._later: deque[_Job[Any]] = deque()  # background jobs
        self._active = 0  # maps being iterated and submitted reads not yet finished
        self._threads: list[threading.Thread] = []
        self._closing = False

    def submit(self, read: Callable[[W], T], *, background: bool = False) -> Future[T]:
        """Start ``read(worker)`` on a pool thread; the future holds its result or error.
        It shares the threads (and their limit) with :meth:`map`'s reads; a
        ``background`` read waits until no other read is under way."""
        future: Future[T] = Future()
        if not background:
            with self._ready:
                self._active += 1
            future.add_done_callback(self._finished)
        self._put(_Job(future, partial(self._run_one, read)), background=background)
        return future

    def _finished(self, _future: Future[Any]) -> None:
        with self._ready:
            self._active -= 1
            self._ready.notify_all()

    def _put(self, job: _Job[Any], *, background: bool = False) -> None:
        with self._ready:
            if self._closing:  # close() is under way (a read starting another): none starts
                job.future.cancel()
                job.future.set_running_or_notify_cancel()
                return
            (self._later if background else self._jobs).append(job)
            if len(self._threads) < self.workers:
                thread = threading.Thread(
                    target=self._serve, name=f"launchpad-{len(self._threads)}", daemon=True
                )
                self._threads.append(thread)
                thread.start()
            self._ready.notify_all()

    def _serve(self) -> None:
        while True:
            with self._ready:
                while True:
                    if self._jobs:
                        job = self._jobs.popleft()
                        break
                    if self._later and not self._active:
                        job = self._later.popleft()
                        break
                    if self._closing:
                        return
                    self._ready.wait()
            job.run()

    def map(self, read: Callable[[W, K], T], keys: Sequence[K]) -> Iterator[T]:
        """Yield ``read(worker, key)`` for each key, in the order of ``keys``.

        At most ``workers`` reads are in flight; a read's exception is raised when its
        turn comes, after the reads still in flight have ended, and no later read starts.
        """
        pending = iter(keys)
        flight: deque[Future[T]] = deque()
        with self._ready:
            self._active += 1
        try:
            for key in pending:
                flight.append(self._start(read, key))
                if len(flight) >= self.workers:
                    break
            while flight:
                result = flight.popleft().result()
                for key in pending:
                    flight.append(self._start(read, key))
                    break
                yield result
        finally:
            for future in flight:
                future.cancel()
            wait(flight)
            self._finished(Future())

    def _start(self, read: Callable[[W, K], T], key: K) -> Future[T]:
        future: Future[T] = Future()
        self._put(_Job(future, partial(self._run, read, key)))
        return future

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
        """Cancel the reads not started, wait for the threads to end and close every
        worker's connection."""
        with self._ready:
            self._closing = True
            dropped = [*self._jobs, *self._later]
            self._jobs.clear()
            self._later.clear()
            threads = list(self._threads)
            self._ready.notify_all()
        for job in dropped:  # cancelled and marked so, which wakes whoever waits on them
            job.future.cancel()
            job.future.set_running_or_notify_cancel()
        for thread in threads:
            thread.join()
        with self._ready:  # a later read starts new threads
            self._threads = []
            self._closing = False
        with self._lock:
            made, self._made = self._made, []
        for worker in made:
            worker.close()
        self._local = threading.local()


@dataclass(frozen=True, slots=True)
class _Job(Generic[T]):
    """A read waiting for a pool thread: its call and the future that gets its outcome."""

    future: Future[T]
    call: Callable[[], T]

    def run(self) -> None:
        """Run the call unless the future was cancelled; keep its result or error."""
        if not self.future.set_running_or_notify_cancel():
            return
        try:
            self.future.set_result(self.call())
        except BaseException as exc:  # noqa: BLE001  # handed to whoever waits on the future
            self.future.set_exception(exc)
