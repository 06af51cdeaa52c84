"""Read a summary's raw bytes from a file, standard input or an archived message URL.

A URL is fetched only from the allowed hosts (by default the OpenStack
mailing-list archives), and a redirect is followed only to them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

import requests

from syncsvc.adapters.http import HttpPolicy
from syncsvc.domain import MAX_INPUT_BYTES
from syncsvc.errors import InputError, RemoteError, RemoteUnavailableError
from syncsvc.hosts import ARCHIVE_HOSTS, AllowedHosts, ForeignHostError

CONNECT_TIMEOUT = 10.0  # seconds; the read may take the policy's timeout
#: URL imports: one request (a person is waiting), 30 s to read, the syncsvc User-Agent.
IMPORT_POLICY = HttpPolicy(timeout=30.0)
IMPORT_LIST = "[import] allowed_hosts"


def read_source(
    source: str,
    *,
    stdin: BinaryIO | None = None,
    allowed: AllowedHosts | None = None,
    policy: HttpPolicy = IMPORT_POLICY,
) -> bytes:
    """Return the bytes of ``source``: a path, ``-`` for stdin, or an http(s) URL.

    A URL must be on ``allowed`` (default: the mail archives, :data:`ARCHIVE_HOSTS`)
    and is fetched with ``policy``'s User-Agent.
    Refuses input over ``MAX_INPUT_BYTES`` without reading it all. Raises
    :class:`InputError` for a missing/unreadable path or an oversized input,
    :class:`ConfigError` for a URL outside ``allowed`` (nothing is sent) and
    :class:`RemoteError` subclasses when a URL cannot be fetched or redirects
    outside ``allowed``.
    """
    if source == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        return _bounded(stream.read(MAX_INPUT_BYTES + 1), "standard input")
    if source.startswith(("http://", "https://")):
        hosts = allowed or AllowedHosts.of(ARCHIVE_HOSTS, IMPORT_LIST)
        return fetch_url(source, hosts, policy=policy)
    path = Path(source)
    if not path.exists():
        raise InputError(f"{source}: no such file")
    if path.is_dir():
        raise InputError(f"{source}: is a directory, expected a summary file")
    try:
        if path.stat().st_size > MAX_INPUT_BYTES:
            _too_big(source)
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{source}: cannot read: {exc.strerror}") from exc


def fetch_url(url: str, allowed: AllowedHosts, *, policy: HttpPolicy = IMPORT_POLICY) -> bytes:
    """GET an archived message with ``policy``'s User-Agent, a timeout and a size limit.

    The URL and every redirect must be on ``allowed``: ConfigError for the URL,
    :class:`~syncsvc.hosts.ForeignHostError` for a redirect; nothing is sent there.
    """
    allowed.check(url)
    try:
        with (
            policy.replace(allowed=allowed).configure(requests.Session()) as session,
            session.get(url, timeout=_timeouts(policy), stream=True) as response,
        ):
            if response.status_code >= 400:
                raise RemoteError(f"{url}: HTTP {response.status_code}")
            body = bytearray()
            for chunk in response.iter_content(64 * 1024):
                body.extend(chunk)
                if len(body) > MAX_INPUT_BYTES:
                    _too_big(url)
            return bytes(body)
    except ForeignHostError as exc:
        raise ForeignHostError(f"{url}: {exc}") from exc
    except requests.RequestException as exc:
        raise RemoteUnavailableError(
            f"{url}: cannot fetch: {type(exc).__name__}", hint="check the URL and the network"
        ) from exc


def _timeouts(policy: HttpPolicy) -> tuple[float, float]:
    """(connect, read) seconds: the policy's timeout, connecting in at most 10 s."""
    return (min(CONNECT_TIMEOUT, policy.timeout), policy.timeout)


def _bounded(data: bytes, name: str) -> bytes:
    if len(data) > MAX_INPUT_BYTES:
        _too_big(name)
    return data


def _too_big(name: str) -> None:
    limit = MAX_INPUT_BYTES // (1024 * 1024)
    raise InputError(f"{name}: larger than {limit} MB; is this really a PTG summary?")
