"""Gerrit adapter: query changes with python-gerritclient and return domain records.

python-gerritclient makes the connection, the auth and the ``/a`` URL root; its
defects are worked around in :mod:`syncsvc.adapters.gerrit_workarounds`. This
module pages with ``n``/``S`` until ``_more_changes`` is gone, sends with the
:class:`~syncsvc.adapters.http.HttpPolicy` (timeout, User-Agent, allow-list,
retries of transient failures), and raises :mod:`syncsvc.errors` exceptions only.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, wait
from datetime import UTC, datetime
from typing import Any, Self
from urllib.parse import urlsplit

import requests

from syncsvc.adapters import gerrit_workarounds as workarounds
from syncsvc.adapters.background import in_background
from syncsvc.adapters.http import HttpPolicy, TransientError
from syncsvc.domain import Account, Change, ChangeStatus, footers_from_message, message_body
from syncsvc.domain.reviews import ChangeReviews, ReviewEvent, ReviewKind, main_vote, votes_in
from syncsvc.errors import (
    ConfigError,
    RemoteAuthError,
    RemoteError,
    RemoteNotFoundError,
    RemoteUnavailableError,
)
from syncsvc.hosts import AllowedHosts, ForeignHostError

logger = logging.getLogger(__name__)

# Only what Change needs: each option costs the server work (recipes/gerrit.md).
# CURRENT_COMMIT brings the commit message: its footers and its body (text evidence).
QUERY_OPTIONS = (
    "CURRENT_REVISION",
    "CURRENT_COMMIT",
    "DETAILED_ACCOUNTS",
    "LABELS",
    "SKIP_DIFFSTAT",
)
# Review messages: the votes are in the messages' text, so no label option is needed.
REVIEW_OPTIONS = ("MESSAGES", "DETAILED_ACCOUNTS")
VOTE_LABELS = ("Verified", "Code-Review", "Workflow")
# Label ranges on review.opendev.org. LABELS replies carry no ``values`` (only
# DETAILED_LABELS does), so "rejected"/"approved" are mapped to these min/max.
LABEL_RANGES = {"Code-Review": (-2, 2), "Verified": (-2, 2), "Workflow": (-1, 1)}
RETRY_STATUSES = frozenset({429, 502, 503, 504})
MAX_BATCH = 50  # ``change:`` terms per OR query, to keep URLs short
# Gerrit's default query limit ("Query Limit" capability, Documentation/access-control.txt:
# "the default hard-coded value of 500"). Ask for whole pages of it explicitly, as zuul
# does (n=500); a server that caps lower answers shorter pages with ``_more_changes``
# and paging goes on from there.
PAGE_SIZE = 500

_TIMESTAMP = re.compile(r"(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?")
_PLAIN_VALUE = re.compile(r"[\w./^*+-]+")


def parse_timestamp(text: str) -> datetime:
    """Parse Gerrit's ``YYYY-MM-DD hh:mm:ss.fffffffff`` (UTC) into an aware datetime.

    Nanoseconds are truncated to microseconds. Raises ``ValueError`` otherwise.
    """
    match = _TIMESTAMP.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"not a Gerrit timestamp: {text!r}")
    day, clock, fraction = match.groups()
    micros = int((fraction or "0")[:6].ljust(6, "0"))
    return datetime.fromisoformat(f"{day} {clock}").replace(microsecond=micros, tzinfo=UTC)


def parse_account(info: Mapping[str, Any]) -> Account:
    """Translate an AccountInfo; without DETAILED_ACCOUNTS only the id is known."""
    return Account(
        account_id=int(info["_account_id"]),
        username=info.get("username"),
        name=info.get("name"),
        email=info.get("email"),
    )


def label_value(name: str, label: Mapping[str, Any]) -> int:
    """The most significant vote of a LabelInfo summary (0 when nobody voted).

    Gerrit reports one of ``rejected`` (the minimum), ``approved`` (the
    maximum), ``disliked`` or ``recommended`` (with ``value`` when it is not -1/+1).
    """
    values = [int(v) for v in label.get("values", {})]
    low, high = (min(values), max(values)) if values else LABEL_RANGES.get(name, (-1, 1))
    if "rejected" in label:
        return low
    if "approved" in label:
        return high
    if "disliked" in label:
        return int(label.get("value", -1))
    if "recommended" in label:
        return int(label.get("value", 1))
    return 0


def parse_change(info: Mapping[str, Any], *, base_url: str) -> Change:
    """Translate one ChangeInfo (as queried with QUERY_OPTIONS) into a :class:`Change`.

    ``base_url`` is the server URL without ``/a``; it builds ``<base>/c/<project>/+/<n>``.
    Raises RemoteError when a required field is missing or malformed.
    """
    try:
        number, project = int(info["_number"]), str(info["project"])
        revisions = info.get("revisions") or {}
        revision = revisions.get(info.get("current_revision", ""), {})
        labels = info.get("labels") or {}
        message = revision.get("commit", {}).get("message", "")
        return Change(
            number=number,
            project=project,
            branch=info["branch"],
            subject=info["subject"],
            status=ChangeStatus(info["status"]),
            owner=parse_account(info["owner"]),
            created=parse_timestamp(info["created"]),
            updated=parse_timestamp(info["updated"]),
            submitted=parse_timestamp(info["submitted"]) if info.get("submitted") else None,
            topic=info.get("topic") or None,
            hashtags=tuple(info.get("hashtags") or ()),
            change_id=info.get("change_id"),
            current_patch_set=revision.get("_number"),
            votes=tuple((n, label_value(n, labels[n])) for n in VOTE_LABELS if n in labels),
            footers=footers_from_message(message),
            url=f"{base_url}/c/{project}/+/{number}",
            body=message_body(message),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RemoteError(f"malformed ChangeInfo from Gerrit: {exc!r}") from exc


def parse_reviews(info: Mapping[str, Any]) -> ChangeReviews:
    """Translate one ChangeInfo queried with REVIEW_OPTIONS into :class:`ChangeReviews`.

    Each ChangeMessageInfo becomes a :class:`ReviewEvent` (the text itself is not
    kept, only the votes its first line records). Raises RemoteError when a
    required field is missing or malformed.
    """
    try:
        number = int(info["_number"])
        events = []
        for message in info.get("messages") or ():
            author = message.get("author")
            vote = main_vote(votes_in(str(message.get("message") or "")))
            events.append(
                ReviewEvent(
                    change_number=number,
                    message_id=str(message["id"]),
                    at=parse_timestamp(message["date"]),
                    author=parse_account(author) if author else None,
                    kind=ReviewKind.VOTE if vote else ReviewKind.MESSAGE,
                    label=vote[0] if vote else None,
                    value=vote[1] if vote else None,
                    tag=message.get("tag") or None,
                )
            )
        return ChangeReviews(
            number=number,
            updated=parse_timestamp(info["updated"]),
            status=ChangeStatus(info["status"]),
            events=tuple(events),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RemoteError(f"malformed ChangeInfo messages from Gerrit: {exc!r}") from exc


def _query_value(value: str) -> str:
    """Quote an operator value for the query language when it has special characters."""
    if _PLAIN_VALUE.fullmatch(value):
        return value
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


class GerritAdapter:
    """Read-only access to one Gerrit server's changes, returned as :class:`Change`.

    Anonymous unless both ``username`` and ``password`` (the account's HTTP
    password from Gerrit's settings, not a web login) are given; then every
    request goes to ``/a/...`` with HTTP basic auth. Requests follow ``policy``:
    its timeout and User-Agent; 429/502/503/504, timeouts and connection failures
    are retried per its ``retry``, waiting with its ``sleep``. No request (a
    redirect included) goes outside its ``allowed`` hosts (default: the server's
    own scheme, host and port); a redirect elsewhere is a ForeignHostError, not
    retried. Not thread-safe: while a read started by :meth:`reviews_ahead` is in
    flight, take its result before making another call.

    Raises ConfigError for a bad URL, a URL outside the allowed hosts, credentials
    in the URL or half-given credentials.
    """

    def __init__(
        self,
        url: str,
        *,
        username: str | None = None,
        password: str | None = None,
        policy: HttpPolicy | None = None,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(f"not a Gerrit URL: {url!r}", hint="e.g. https://review.opendev.org")
        if parts.username or parts.password:
            raise ConfigError(
                "credentials in the Gerrit URL are not allowed",
                hint="pass the username and HTTP password separately",
            )
        if bool(username) != bool(password):
            raise ConfigError(
                "Gerrit needs both a username and an HTTP password, or neither",
                hint="leave both unset for anonymous read access",
            )
        self.base_url = url.rstrip("/")
        policy = policy or HttpPolicy()
        if policy.allowed is None:
            policy = policy.replace(allowed=AllowedHosts.only(self.base_url))
        assert policy.allowed is not None
        policy.allowed.check(self.base_url)
        self.authenticated = bool(username)
        self.policy = policy
        self._api, self._changes = workarounds.connect(
            self.base_url, username=username, password=password, policy=policy
        )
        self._ahead: Future[list[ChangeReviews]] | None = None

    def __repr__(self) -> str:
        mode = "authenticated" if self.authenticated else "anonymous"
        return f"GerritAdapter({self.base_url!r}, {mode})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close pooled connections, once a read started ahead has ended."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            wait([ahead])
        self._api.session.close()

    def iter_changes(self, query: str, *, page_size: int = 100) -> Iterator[Change]:
        """Yield each change matching ``query`` (Gerrit search syntax) once, newest update first.

        Pages with ``n=page_size`` and ``S=<offset>`` until a page's last change
        has no ``_more_changes``; one request per page. Offsets shift when
        changes are updated while paging: a change seen twice is yielded once
        (keyed by number), and one that moves to an earlier page can be missed,
        so poll incrementally with an overlapping ``after:`` rather than deep offsets.

        Raises RemoteError (400: the server's message, e.g. an unknown operator),
        RemoteAuthError, RemoteNotFoundError, RemoteUnavailableError while
        iterating; ValueError at once for a page_size below 1.
        """
        if page_size < 1:
            raise ValueError("page_size must be positive")
        return self._paginate(query, page_size)

    def _paginate(self, query: str, page_size: int) -> Iterator[Change]:
        seen: set[int] = set()
        for page in self._pages(query, page_size, QUERY_OPTIONS):
            for info in page:
                change = parse_change(info, base_url=self.base_url)
                if change.number not in seen:
                    seen.add(change.number)
                    yield change

    def _pages(self, query: str, page_size: int, options: Sequence[str]) -> Iterator[list[Any]]:
        """Each page of ``query``'s results with ``o=options``, until no ``_more_changes``."""
        encoded = workarounds.encoded_query(query)
        skip = 0
        while True:
            page = self._query_page(query, encoded, limit=page_size, skip=skip, options=options)
            yield page
            if not page or not page[-1].get("_more_changes"):
                return
            skip += len(page)

    def get_changes(self, numbers: Iterable[int], *, batch: int = MAX_BATCH) -> Iterator[Change]:
        """Yield the changes with these numbers, ``batch`` numbers per request.

        Each batch is one ``change:A OR change:B ...`` query; changes come batch
        by batch, newest update first within a batch. Repeated numbers are asked
        once; numbers that do not exist or are not visible are silently absent.
        Raises the same errors as :meth:`iter_changes`.
        """
        if batch < 1:
            raise ValueError("batch must be positive")
        unique = list(dict.fromkeys(int(n) for n in numbers))
        chunks = [unique[start : start + batch] for start in range(0, len(unique), batch)]
        return itertools.chain.from_iterable(
            self.iter_changes(" OR ".join(f"change:{n}" for n in chunk), page_size=len(chunk))
            for chunk in chunks
        )

    def get_reviews(
        self, numbers: Iterable[int], *, batch: int = MAX_BATCH
    ) -> Iterator[ChangeReviews]:
        """Yield the review messages of the changes with these numbers, ``batch`` per request.

        Each batch is one ``change:A OR change:B ...`` query with only
        ``o=MESSAGES`` and ``o=DETAILED_ACCOUNTS`` (paged like :meth:`iter_changes`);
        each change comes once, with its ``updated`` and ``status`` as read. Numbers
        that do not exist or are not visible are silently absent. Raises the same
        errors as :meth:`iter_changes`; RemoteError for a malformed reply.
        """
        if batch < 1:
            raise ValueError("batch must be positive")
        unique = list(dict.fromkeys(int(n) for n in numbers))
        seen: set[int] = set()
        for start in range(0, len(unique), batch):
            chunk = unique[start : start + batch]
            query = " OR ".join(f"change:{n}" for n in chunk)
            for page in self._pages(query, len(chunk), REVIEW_OPTIONS):
                for info in page:
                    found = parse_reviews(info)
                    if found.number not in seen:
                        seen.add(found.number)
                        yield found

    def reviews_ahead(self, numbers: Sequence[int]) -> Future[list[ChangeReviews]] | None:
        """Start :meth:`get_reviews` of ``numbers`` on a thread of its own and return its
        future (its result or error), or ``None`` when requests must stay in call order (a
        limited request budget: a read started early could spend what an earlier call
        needs). No other call may be made on this adapter until the future is done."""
        budget = self.policy.budget
        if budget is not None and budget.max_requests is not None:
            return None
        wanted = list(numbers)
        self._ahead = in_background(lambda: list(self.get_reviews(wanted)), name="gerrit-reviews")
        return self._ahead

    def changes_updated_since(self, projects: Sequence[str], since: datetime) -> Iterator[Change]:
        """Yield changes in ``projects`` updated at or after ``since``, newest first.

        Queries ``(project:A OR project:B) after:"YYYY-MM-DD hh:mm:ss"`` with
        ``since`` in UTC truncated to the second (``after:`` is inclusive), in pages
        of :data:`PAGE_SIZE` (one request per 500 changes). The
        caller subtracts its own safety margin from its cursor. ``since`` must
        be timezone-aware (ValueError otherwise). No projects: no request.
        Raises the same errors as :meth:`iter_changes`.
        """
        if since.tzinfo is None or since.utcoffset() is None:
            raise ValueError("since must be a timezone-aware datetime")
        if not projects:
            return iter(())
        terms = " OR ".join(f"project:{_query_value(p)}" for p in projects)
        stamp = since.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        return self.iter_changes(f'({terms}) after:"{stamp}"', page_size=PAGE_SIZE)

    def _query_page(
        self, query: str, encoded: str, *, limit: int, skip: int, options: Sequence[str]
    ) -> list[Any]:
        what = f"Gerrit query {query!r} (n={limit}, S={skip})"
        # The same path and parameters as ChangeClient.get_all([encoded], ...), but
        # through get_request_raw so that the status and body are handled here.
        path = f"{self._changes.api_path}?q={encoded}"
        params: dict[str, Any] = {"o": list(options), "n": limit}
        if skip:
            params["S"] = skip

        def once() -> list[Any]:
            logger.debug("GET %s/changes/ %s", self.base_url, what)
            try:
                response = workarounds.get_raw(self._api, path, params)
                if not response.ok:
                    raise _translate_status(response, what, self.policy)
                result = workarounds.decode_body(response, what)
            except ForeignHostError as exc:  # a redirect off the allowed hosts: never retried
                raise ForeignHostError(f"{what}: {exc}") from exc
            except requests.exceptions.SSLError as exc:  # a certificate problem will not heal
                raise RemoteError(f"{what} failed: {exc}", hint="check the Gerrit URL") from exc
            except (
                requests.Timeout,
                requests.ConnectionError,
                requests.exceptions.ChunkedEncodingError,
            ) as exc:
                raise TransientError(f"{type(exc).__name__}: {exc}") from exc
            except requests.RequestException as exc:
                raise RemoteError(f"{what} failed: {exc}") from exc
            if not isinstance(result, list):
                raise RemoteError(f"{what}: expected a JSON list, got {type(result).__name__}")
            return result

        return self.policy.call(once, what=what, logger=logger)


def _translate_status(response: requests.Response, what: str, policy: HttpPolicy) -> Exception:
    """Map an HTTP error reply (4xx/5xx) to our errors; retryable ones to TransientError."""
    status, text = response.status_code, response.text.strip()[:500]
    if status in RETRY_STATUSES:
        retry_after = policy.retry_after(response.headers.get("Retry-After"))
        return TransientError(f"HTTP {status}", retry_after=retry_after)
    if status == 404:
        return RemoteNotFoundError(f"{what}: not found (HTTP 404)", hint="check the Gerrit URL")
    if status in (401, 403) and "Authorization" not in response.request.headers:
        # Anonymous, or redirected to another host (requests then drops the credentials).
        where = urlsplit(response.url)._replace(query="", fragment="").geturl()
        if status == 401:
            problem = f"Gerrit requires authentication for {where}"
        else:
            problem = f"Gerrit forbids anonymous access to {where}"
        return RemoteAuthError(
            f"{what}: {problem}; no credentials were sent (HTTP {status})",
            hint="give the Gerrit username and HTTP password, or check the Gerrit URL",
        )
    if status in (401, 403):
        return RemoteAuthError(
            f"{what}: Gerrit refused the credentials (HTTP {status})",
            hint="check the username and the HTTP password from Gerrit's settings",
        )
    if status == 400:
        return RemoteError(f"Gerrit rejected {what}: {text}")
    if status >= 500:
        return RemoteUnavailableError(f"{what}: server error HTTP {status}: {text}")
    return RemoteError(f"{what}: HTTP {status}: {text}")
