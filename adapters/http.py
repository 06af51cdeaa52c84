"""The one HTTP policy every adapter sends with: timeout, retries, allow-list, User-Agent.

An :class:`HttpPolicy` holds what Launchpad (httplib2 under launchpadlib),
Gerrit (requests under python-gerritclient) and URL imports (requests) share:

* ``timeout``: seconds a connection or a read may take;
* ``retry``: how often a transient failure is tried again, with exponential
  backoff or as long as the server's ``Retry-After`` asks (:class:`RetryPolicy`);
* ``allowed``: the hosts a request (a redirect, a page link) may go to;
* ``user_agent``: the ``User-Agent`` header;
* ``sleep`` and ``clock``: what backoff waits with and what ``Retry-After``
  dates are measured against, injectable so that tests never wait;
* ``budget``: the run's :class:`~syncsvc.adapters.budget.RequestBudget` (request
  count and per-host interval), spent before every request sent, if any.

Nothing here knows about a particular remote API. An adapter classifies each
failure itself and raises :class:`TransientError` for the ones worth retrying;
:meth:`HttpPolicy.call` retries them (with tenacity), logs every retry, and
finally raises :class:`~syncsvc.errors.RemoteUnavailableError`.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import requests
from requests.adapters import HTTPAdapter
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

from syncsvc import __version__
from syncsvc.adapters.budget import RequestBudget
from syncsvc.errors import RemoteUnavailableError
from syncsvc.hosts import AllowedHosts

T = TypeVar("T")

DEFAULT_TIMEOUT: float = 30.0
USER_AGENT: str = f"syncsvc/{__version__}"


class TransientError(Exception):
    """A failure that may succeed when tried again (429, 502, 503, timeouts, resets).

    ``retry_after`` is the delay in seconds the server asked for, if any.
    """

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to wait between attempts.

    The delay before retry ``k`` (1-based) is ``base_delay * factor**(k-1)`` capped
    at ``max_delay``; a server's ``Retry-After`` replaces it when larger, capped at
    ``max_retry_after``. ``attempts`` counts the first try.
    """

    attempts: int = 4
    base_delay: float = 1.0
    factor: float = 2.0
    max_delay: float = 30.0
    max_retry_after: float = 120.0

    def delay(self, retry: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (1 for the first retry)."""
        backoff = min(self.base_delay * self.factor ** (retry - 1), self.max_delay)
        if retry_after is not None:
            return max(backoff, min(retry_after, self.max_retry_after))
        return backoff


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP-date), else ``None``."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():  # isdigit() alone accepts "²", which float() rejects
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _utc_now() -> datetime:
    return datetime.now(UTC)


def no_wait(_seconds: float) -> None:
    """A ``sleep`` that returns at once (tests inject it so that no backoff is waited)."""


@dataclass(frozen=True, slots=True)
class HttpPolicy:
    """How syncsvc talks HTTP to one service; see the module docstring.

    ``allowed`` ``None`` leaves the choice to the adapter (its own server only).
    Immutable: :meth:`replace` gives a changed copy.
    """

    timeout: float = DEFAULT_TIMEOUT
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    allowed: AllowedHosts | None = None
    user_agent: str = USER_AGENT
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], datetime] = _utc_now
    budget: RequestBudget | None = None

    def replace(self, **changes: Any) -> HttpPolicy:
        """A copy with ``changes`` (field names as keywords)."""
        return dataclasses.replace(self, **changes)

    def retry_after(self, header: str | None) -> float | None:
        """Seconds a ``Retry-After`` header asks for, measured against :attr:`clock`."""
        return parse_retry_after(header, now=self.clock())

    def call(self, func: Callable[[], T], *, what: str, logger: logging.Logger | None = None) -> T:
        """Call ``func`` until it stops raising :class:`TransientError` or attempts run out.

        ``what`` describes the operation for logs and the final error (never put
        credentials in it). Other exceptions propagate untouched on the first try.
        Waits ``retry.delay(k, retry_after)`` with :attr:`sleep` before retry ``k``.

        Raises:
            RemoteUnavailableError: every attempt failed with a transient error.
        """
        log = logger or logging.getLogger(__name__)
        attempts = max(1, self.retry.attempts)

        def wait(state: RetryCallState) -> float:
            failure = state.outcome.exception() if state.outcome else None
            retry_after = failure.retry_after if isinstance(failure, TransientError) else None
            return self.retry.delay(state.attempt_number, retry_after)

        def before_sleep(state: RetryCallState) -> None:
            failure = state.outcome.exception() if state.outcome else None
            delay = state.next_action.sleep if state.next_action else 0.0
            log.warning(
                "%s failed (%s); retry %d/%d in %.1fs",
                what,
                failure,
                state.attempt_number,
                attempts - 1,
                delay,
            )

        retrying = Retrying(
            sleep=self.sleep,
            stop=stop_after_attempt(attempts),
            wait=wait,
            retry=retry_if_exception_type(TransientError),
            before_sleep=before_sleep,
            reraise=True,
        )
        try:
            return retrying(func)
        except TransientError as exc:
            raise RemoteUnavailableError(
                f"{what} failed after {attempts} attempts: {exc}",
                hint="the server is down or rate limiting; try again later",
            ) from exc

    def configure(
        self, session: requests.Session, *, headers: Mapping[str, str] | None = None
    ) -> requests.Session:
        """Give ``session`` this policy's timeout, User-Agent and allow-list; see
        :func:`configure_session`. Returns ``session``."""
        return configure_session(
            session,
            timeout=self.timeout,
            user_agent=self.user_agent,
            headers=headers,
            allowed=self.allowed,
            budget=self.budget,
        )


class TimeoutHTTPAdapter(HTTPAdapter):
    """A transport adapter that applies a default timeout to requests sent without one
    and, given ``allowed``, sends nothing outside it.

    requests sends each redirect it follows through the session's adapter too, so
    the check sees every request before it leaves.
    """

    def __init__(
        self,
        timeout: float,
        *,
        allowed: AllowedHosts | None = None,
        budget: RequestBudget | None = None,
        **kwargs: Any,
    ) -> None:
        self.timeout = timeout
        self.allowed = allowed
        self.budget = budget
        super().__init__(**kwargs)

    def send(  # type: ignore[override]  # requests' stub types every keyword loosely
        self, request: requests.PreparedRequest, **kwargs: Any
    ) -> requests.Response:
        """Send ``request``, using the default timeout when the caller gave none.

        Raises :class:`~syncsvc.hosts.ForeignHostError` before sending anything to
        a host outside ``allowed``, and BudgetExhaustedError when ``budget`` is spent.
        """
        if self.allowed is not None:
            self.allowed.check_followed(request.url or "")
        if self.budget is not None:
            self.budget.spend(request.url or "")
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().send(request, **kwargs)


def configure_session(
    session: requests.Session,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    user_agent: str = USER_AGENT,
    headers: Mapping[str, str] | None = None,
    allowed: AllowedHosts | None = None,
    budget: RequestBudget | None = None,
) -> requests.Session:
    """Give ``session`` a default timeout on every request and a descriptive User-Agent;
    with ``allowed``, every request (redirects included) is checked against it first;
    with ``budget``, every request spends it.

    Libraries that wrap a session (python-gerritclient) never pass ``timeout=``,
    so the default is applied by the mounted transport adapter. Returns ``session``.
    """
    adapter = TimeoutHTTPAdapter(timeout, allowed=allowed, budget=budget)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = user_agent
    if headers:
        session.headers.update(headers)
    return session
