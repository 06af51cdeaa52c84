"""Gerrit adapter: query changes with python-gerritclient and return domain records.

python-gerritclient 1.2.0 does one GET per call with no paging, retry or
timeout, puts the query into the URL unencoded, removes the ``)]}'`` prefix
with ``str.strip`` (which also eats a closing ``'``/``]``/``}`` when the body
lacks its final newline) and fails with a bare ``TypeError`` on a reply
without Content-Type. This module uses the client for the connection, auth
and ``/a`` URL root, but sends the query through ``get_request_raw``: it
percent-encodes the query, checks the status and decodes the body itself
(exactly one leading ``)]}'`` removed), pages with ``n``/``S`` until
``_more_changes`` is gone, gives the session a timeout and User-Agent, retries
transient failures, and raises :mod:`syncsvc.errors` exceptions only.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Self
from urllib.parse import quote, urlsplit

import requests
from gerritclient import client as gerrit_client

from syncsvc.adapters.http import (
    DEFAULT_TIMEOUT,
    RetryPolicy,
    TransientError,
    call_with_retry,
    configure_session,
    parse_retry_after,
)
from syncsvc.domain import Account, Change, ChangeStatus, footers_from_message
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
QUERY_OPTIONS = (
    "CURRENT_REVISION",
    "CURRENT_COMMIT",
    "DETAILED_ACCOUNTS",
    "LABELS",
    "SKIP_DIFFSTAT",
)
VOTE_LABELS = ("Verified", "Code-Review", "Workflow")
# Label ranges on review.opendev.org. LABELS replies carry no ``values`` (only
# DETAILED_LABELS does), so "rejected"/"approved" are mapped to these min/max.
LABEL_RANGES = {"Code-Review": (-2, 2), "Verified": (-2, 2), "Workflow": (-1, 1)}
RETRY_STATUSES = frozenset({429, 502, 503, 504})
XSSI_PREFIX = b")]}'"  # Gerrit's anti-XSSI line before every JSON body
MAX_BATCH = 50  # ``change:`` terms per OR query, to keep URLs short

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
            footers=footers_from_message(revision.get("commit", {}).get("message", "")),
            url=f"{base_url}/c/{project}/+/{number}",
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RemoteError(f"malformed ChangeInfo from Gerrit: {exc!r}") from exc


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
    request goes to ``/a/...`` with HTTP basic auth. Each request has a
    ``timeout`` (seconds); 429/502/503/504, timeouts and connection failures
    are retried per ``retry`` with ``sleep`` between attempts. No request (a
    redirect included) goes outside ``allowed_hosts`` (default: the server's own
    scheme, host and port); a redirect elsewhere is a ForeignHostError, not retried.
    Not thread-safe.

    Raises ConfigError for a bad URL, a URL outside ``allowed_hosts``, credentials
    in the URL or half-given credentials.
    """

    def __init__(
        self,
        url: str,
        *,
        username: str | None = None,
        password: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        allowed_hosts: AllowedHosts | None = None,
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
        allowed = allowed_hosts or AllowedHosts.only(self.base_url)
        allowed.check(self.base_url)
        self.authenticated = bool(username)
        self._api = gerrit_client.connect(
            self.base_url,
            auth_type="basic" if username else None,
            username=username,
            password=password,
        )
        configure_session(self._api.session, timeout=timeout, allowed=allowed)
        # Always pass connection=: without it the client reads GERRIT_* and ./.env.
        self._changes = gerrit_client.get_client("change", connection=self._api)
        self._retry = retry or RetryPolicy()
        self._sleep = sleep

    def __repr__(self) -> str:
        mode = "authenticated" if self.authenticated else "anonymous"
        return f"GerritAdapter({self.base_url!r}, {mode})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close pooled connections."""
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
        # Encode ourselves: the client puts the query into the URL as is, where "+"
        # would become a space and "#" would end the URL.
        encoded = quote(query, safe="")
        seen: set[int] = set()
        skip = 0
        while True:
            page = self._query_page(query, encoded, limit=page_size, skip=skip)
            for info in page:
                change = parse_change(info, base_url=self.base_url)
                if change.number not in seen:
                    seen.add(change.number)
                    yield change
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

    def changes_updated_since(self, projects: Sequence[str], since: datetime) -> Iterator[Change]:
        """Yield changes in ``projects`` updated at or after ``since``, newest first.

        Queries ``(project:A OR project:B) after:"YYYY-MM-DD hh:mm:ss"`` with
        ``since`` in UTC truncated to the second (``after:`` is inclusive). The
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
        return self.iter_changes(f'({terms}) after:"{stamp}"')

    def _query_page(self, query: str, encoded: str, *, limit: int, skip: int) -> list[Any]:
        what = f"Gerrit query {query!r} (n={limit}, S={skip})"
        # The same path and parameters as ChangeClient.get_all([encoded], ...), but
        # through get_request_raw so that the status and body are handled here.
        path = f"{self._changes.api_path}?q={encoded}"
        params: dict[str, Any] = {"o": list(QUERY_OPTIONS), "n": limit}
        if skip:
            params["S"] = skip

        def once() -> list[Any]:
            logger.debug("GET %s/changes/ %s", self.base_url, what)
            try:
                response: requests.Response = self._api.get_request_raw(path, params=params)
                if not response.ok:
                    raise _translate_status(response, what)
                result = _decode_body(response, what)
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

        return call_with_retry(
            once, what=what, policy=self._retry, sleep=self._sleep, logger=logger
        )


def _decode_body(response: requests.Response, what: str) -> object:
    """Decode a 2xx Gerrit reply: JSON after exactly one leading ``)]}'`` line.

    A prefixed body that does not parse was cut short (a proxy, a reset):
    TransientError. A ``text/plain`` reply is returned as text, as the client
    does. Anything else that is not JSON (an SSO or proxy HTML page, a reply
    without Content-Type) is a RemoteError naming the content type, not retried.
    """
    content = response.content
    if content.startswith(XSSI_PREFIX):
        # JSON is UTF-8 (RFC 8259); json.loads skips the newline after the prefix.
        body = content[len(XSSI_PREFIX) :].decode("utf-8", errors="replace")
        try:
            return json.loads(body)
        except json.JSONDecodeError as exc:
            raise TransientError(f"unreadable JSON: {exc}") from exc
    content_type = response.headers.get("Content-Type") or ""
    media = content_type.partition(";")[0].strip().lower()
    if media == "text/plain":
        return response.text
    if media == "application/json":
        try:
            return json.loads(response.text)
        except json.JSONDecodeError:
            pass
    answered = media or "without a Content-Type"
    raise RemoteError(
        f"{what}: Gerrit answered {answered}, not JSON: is the URL right?",
        hint="use the Gerrit base URL; a proxy or single sign-on page may be in the way",
    )


def _translate_status(response: requests.Response, what: str) -> Exception:
    """Map an HTTP error reply (4xx/5xx) to our errors; retryable ones to TransientError."""
    status, text = response.status_code, response.text.strip()[:500]
    if status in RETRY_STATUSES:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
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
