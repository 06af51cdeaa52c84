"""Workarounds for python-gerritclient's defects, each named and in one place.

python-gerritclient (1.2) is kept as the Gerrit client the OpenStack ecosystem
knows: it builds the connection, the HTTP basic auth and the ``/a`` URL root.
Its defects are worked around here and nowhere else; each function's docstring
names the defect it covers. :mod:`syncsvc.adapters.gerrit` uses only these.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import requests
from gerritclient import client as gerrit_client

from syncsvc.adapters.http import HttpPolicy, TransientError
from syncsvc.errors import RemoteError

XSSI_PREFIX = b")]}'"  # Gerrit's anti-XSSI line before every JSON body


def connect(
    base_url: str, *, username: str | None, password: str | None, policy: HttpPolicy
) -> tuple[Any, Any]:
    """The client's API connection and its change client, sending with ``policy``.

    Defects covered: the connection's ``requests`` session has no timeout and
    the default ``python-requests`` User-Agent (the policy's timeout, User-Agent
    and allow-list are mounted on it); ``get_client`` without ``connection=``
    reads ``GERRIT_*`` environment variables and ``./.env`` (it is always given).
    """
    api = gerrit_client.connect(
        base_url,
        auth_type="basic" if username else None,
        username=username,
        password=password,
    )
    policy.configure(api.session)
    return api, gerrit_client.get_client("change", connection=api)


def encoded_query(query: str) -> str:
    """``query`` percent-encoded for the ``q=`` parameter.

    Defect covered: the client puts the query into the URL as is, where ``+``
    would become a space and ``#`` would end the URL.
    """
    return quote(query, safe="")


def get_raw(api: Any, path: str, params: dict[str, Any]) -> requests.Response:
    """GET ``path`` (below the API root, ``/a`` when authenticated) and return the reply.

    Defect covered: the client's ``get_all`` neither reports the status of a
    failed reply nor pages nor retries; ``get_request_raw`` sends the same
    request and leaves the status and body to :func:`decode_body`.
    """
    response: requests.Response = api.get_request_raw(path, params=params)
    return response


def decode_body(response: requests.Response, what: str) -> object:
    """Decode a 2xx Gerrit reply: JSON after exactly one leading ``)]}'`` line.

    Defects covered: the client removes the prefix with ``str.strip``, which
    also eats a closing ``'``/``]``/``}`` when the body lacks its final newline,
    and fails with a bare ``TypeError`` on a reply without Content-Type.

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
