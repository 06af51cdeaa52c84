"""The seam every Launchpad request passes through: the HTTP policy and a check of each reply.

launchpadlib (through lazr.restfulclient) sends every request with ``request()``
of the ``httplib2.Http`` object that ``Launchpad.httpFactory`` builds: the login,
each entry and page, each ``next_collection_link``, each redirect httplib2
follows and each permanent redirect it remembers in its cache. The ``Launchpad``
class from :func:`guarded_launchpad` builds one whose ``request()``

* checks the URL against the policy's allow-list before anything is sent (the
  OAuth header is only added further down, per request) and raises
  :class:`~syncsvc.hosts.ForeignHostError` for a host outside it;
* puts the policy's User-Agent in front of launchpadlib's;
* retries 502 and 503 as launchpadlib would (6 more tries after 0, 1, 2, 4, 8
  and 16 s, longer when ``Retry-After`` asks) but waiting with the policy's
  ``sleep``, and raises launchpadlib's HTTPError for the last one, so that
  launchpadlib's own retry loop (which sleeps through a module-level
  ``time.sleep`` no caller can inject) never retries or sleeps;
* hands launchpadlib the WADL description without its ``wadl:doc`` elements
  (:func:`without_docs`): documentation for people, which nothing in launchpadlib
  or wadllib reads, and 40% of the parsed description;
* checks that a 2xx answer to a request for JSON is JSON. httplib2 has already
  stored such an answer in launchpadlib's cache with its ETag, so the next
  request would send ``If-None-Match``, get a 304 and be served the broken copy
  again, run after run. The cache entry is deleted and :class:`BadReplyError`
  raised, which the adapter retries.

A permanent redirect to a refused host is deleted from the cache as well, so a
later run asks the server again instead of failing on the remembered redirect.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NoReturn
from xml.parsers.expat import ExpatError, ParserCreate

import httplib2
from httplib2 import DEFAULT_MAX_REDIRECTS, iri2uri, urlnorm
from launchpadlib.credentials import RequestTokenAuthorizationEngine
from launchpadlib.launchpad import Launchpad, LaunchpadOAuthAwareHttp
from lazr.restfulclient.errors import error_for

from syncsvc.adapters.http import HttpPolicy
from syncsvc.adapters.launchpad_config import LaunchpadConfig
from syncsvc.errors import ConfigError, RemoteAuthError
from syncsvc.hosts import AllowedHosts, ForeignHostError

SAFE_METHODS = frozenset({"GET", "HEAD"})
BUSY_STATUSES = frozenset({502, 503})
#: launchpadlib's waits before its 6 retries of a 502/503: int(2 ** (n - 1)) for n in 0..5.
BUSY_DELAYS = (0.0, 1.0, 2.0, 4.0, 8.0, 16.0)


class BadReplyError(Exception):
    """A 2xx answer to a request for JSON that is not JSON; it is no longer cached."""


def log_in(config: LaunchpadConfig, allowed: AllowedHosts) -> Any:
    """A logged-in launchpadlib ``Launchpad`` (:func:`guarded_launchpad`'s): anonymous, or
    with ``config.credentials_file`` and never an interactive authorization. Raises
    ConfigError for an unusable service root and what the login's requests raise."""
    options: dict[str, Any] = {
        "service_root": config.service_root,
        "version": config.version,
        "launchpadlib_dir": str(config.cache_dir),
        "timeout": config.http.timeout,
        "proxy_info": httplib2.proxy_info_from_environment
        if config.proxy_from_environment
        else None,
    }
    launchpad = guarded_launchpad(config.http, allowed)
    try:
        if config.credentials_file is None:
            return launchpad.login_anonymously(config.application_name, **options)
        engine = NoInteractiveAuthorization(
            config.service_root, config.application_name, config.credentials_file
        )
        return launchpad.login_with(
            application_name=config.application_name,
            authorization_engine=engine,
            credentials_file=str(config.credentials_file),
            **options,
        )
    except ValueError as exc:  # launchpadlib's complaint about the service root
        raise ConfigError(
            f"Launchpad service root {config.service_root!r} is not usable: {exc}",
            hint="give the API root without the version, e.g. https://api.launchpad.net/",
        ) from exc


def guarded_launchpad(policy: HttpPolicy, allowed: AllowedHosts) -> Any:
    """A ``Launchpad`` subclass (use its ``login_*`` class methods) whose requests follow
    ``policy``, go only to ``allowed`` and whose broken JSON answers are never cached."""

    class GuardedLaunchpad(Launchpad):  # type: ignore[misc]  # launchpadlib is untyped
        def httpFactory(  # noqa: N802  # launchpadlib's name
            self, credentials: Any, cache: Any, timeout: Any, proxy_info: Any
        ) -> GuardedHttp:
            return GuardedHttp(
                policy,
                allowed,
                self,
                self.authorization_engine,
                credentials,
                cache,
                timeout,
                proxy_info,
            )

    return GuardedLaunchpad


class GuardedHttp(LaunchpadOAuthAwareHttp):  # type: ignore[misc]  # launchpadlib is untyped
    """launchpadlib's Http object with the policy, allow-list and JSON checks of this module."""

    def __init__(self, policy: HttpPolicy, allowed: AllowedHosts, *args: Any) -> None:
        self.policy = policy
        self.allowed = allowed
        super().__init__(*args)

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        redirections: int = DEFAULT_MAX_REDIRECTS,
        connection_type: Any = None,
    ) -> tuple[Any, bytes]:
        """httplib2's ``request`` after checking ``uri``; see the module docstring.

        Raises ForeignHostError, and nothing is sent, for a host outside the list;
        BadReplyError, with the answer's cache entry deleted, for JSON that does not parse;
        launchpadlib's HTTPError for a 502/503 that outlasts the retries;
        BudgetExhaustedError, and nothing is sent, when the policy's budget is spent.
        """
        self.allowed.check_followed(str(uri))
        headers = self._with_user_agent(headers)
        for retry in range(len(BUSY_DELAYS) + 1):
            if self.policy.budget is not None:
                self.policy.budget.spend(str(uri))
            try:
                response, content = super().request(
                    uri, method, body, headers, redirections, connection_type
                )
            except ForeignHostError:
                self._forget(str(uri))  # a cached permanent redirect to the refused host
                raise
            status = int(response.status)
            if status not in BUSY_STATUSES:
                break
            if retry == len(BUSY_DELAYS):
                raise error_for(response, content)
            asked = self.policy.retry_after(response.get("retry-after"))
            delay = BUSY_DELAYS[retry]
            if asked is not None:
                delay = max(delay, min(asked, self.policy.retry.max_retry_after))
            self.policy.sleep(delay)
        if 200 <= status < 300 and _wants_json(headers) and not _is_json(content, method):
            self._forget(str(uri))
            raise BadReplyError(f"HTTP {status} reply is not valid JSON")
        if 200 <= status < 300 and _wants_wadl(headers):
            lean = without_docs(content)
            if lean is None:
                self._forget(str(uri))  # else every later login reads the broken WADL again
                raise BadReplyError(f"HTTP {status} WADL description is not well-formed XML")
            content = lean
        return response, content

    def _with_user_agent(self, headers: Mapping[str, str] | None) -> dict[str, str]:
        """``headers`` with the policy's User-Agent before launchpadlib's (if any)."""
        merged = dict(headers or {})
        name = next((k for k in merged if k.lower() == "user-agent"), "User-Agent")
        theirs = merged.pop(name, "")
        merged["User-Agent"] = f"{self.policy.user_agent} {theirs}".strip()
        return merged

    def _forget(self, uri: str) -> None:
        """Delete ``uri``'s cache entry, under the key httplib2 stored it with."""
        if self.cache:
            uri = iri2uri(uri).replace(" ", "%20").replace("\r", "%0D").replace("\n", "%0A")
            self.cache.delete(urlnorm(uri)[3])


def _wants_json(headers: Mapping[str, str] | None) -> bool:
    """Whether the request's ``Accept`` asks for JSON (launchpadlib's default)."""
    return any(
        name.lower() == "accept" and "application/json" in value
        for name, value in (headers or {}).items()
    )


def _wants_wadl(headers: Mapping[str, str] | None) -> bool:
    """Whether the request asks for the service's WADL description (the login does)."""
    return any(
        name.lower() == "accept" and "wadl" in value for name, value in (headers or {}).items()
    )


#: A WADL ``doc`` element, empty or with its content (XHTML, never another ``wadl:doc``).
_WADL_DOC = re.compile(rb"<wadl:doc\b[^>]*?(?:/>|>.*?</wadl:doc>)", re.DOTALL)


def without_docs(content: bytes) -> bytes | None:
    """The WADL description ``content`` without its ``wadl:doc`` elements; ``None`` when
    ``content`` is not well-formed XML.

    Launchpad's 1.5 MB description is 40% documentation, 3,234 ``wadl:doc``
    elements of XHTML. wadllib parses every element into its tree (with a namespace
    dict each) and keeps the tree for the session's life, but reads no ``doc``:
    without them the parse takes about 40% less CPU and the tree 6 of its 15 MB
    less. A description whose stripped form is not well-formed (a ``</wadl:doc>``
    inside a comment, say) is returned whole.
    """
    lean, removed = _WADL_DOC.subn(b"", content)
    if removed and _is_xml(lean):
        return lean
    return content if _is_xml(content) else None


def _is_xml(content: bytes) -> bool:
    """Whether ``content`` is well-formed XML (external entities and DTDs are not read).

    A bare expat parser with no handlers builds nothing: it checks Launchpad's
    1.5 MB description about ten times faster than an ElementTree parser would.
    """
    parser = ParserCreate()
    try:
        parser.Parse(content, True)  # noqa: FBT003  # isfinal, positional only
    except ExpatError:
        return False
    return True


def _is_json(content: bytes, method: str) -> bool:
    """Whether ``content`` parses as JSON; an empty answer to a write is fine."""
    if not content and method.upper() not in SAFE_METHODS:
        return True
    try:
        json.loads(content)
    except ValueError:  # JSONDecodeError and UnicodeDecodeError alike
        return False
    return True


class NoInteractiveAuthorization(RequestTokenAuthorizationEngine):  # type: ignore[misc]
    """Refuse to open a browser or prompt: a batch tool must fail instead."""

    def __init__(self, service_root: str, application_name: str, credentials_file: Path) -> None:
        super().__init__(service_root, application_name=application_name)
        self.credentials_file = credentials_file

    def __call__(self, *_credentials_and_store: object) -> NoReturn:
        raise RemoteAuthError(
            f"Launchpad credentials in {self.credentials_file} are missing, "
            "expired or not valid for this application",
            hint="create the file once with launchpadlib's login_with(..., credentials_file=...)",
        )
