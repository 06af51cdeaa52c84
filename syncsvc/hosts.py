"""Which hosts syncsvc may send a request to.

A host is an origin: scheme, host name and port, so ``http://127.0.0.1:8080``,
``http://127.0.0.1:9090`` and ``http://127.0.0.2:8080`` are three different
hosts. An allow-list entry is written ``host`` (https on port 443), ``host:port``
(https on that port) or ``http://host[:port]`` / ``https://host[:port]``. A plain
http origin on port 80 in the list also allows its https upgrade on port 443.

Adapters check every request against an :class:`AllowedHosts` before sending
it, redirects and page links included: a configured URL outside the list is a
:class:`~syncsvc.errors.ConfigError`, a server pointing elsewhere is a
:class:`ForeignHostError` (a remote failure), and nothing is sent either way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from syncsvc.errors import ConfigError, RemoteError

DEFAULT_PORTS = {"http": 80, "https": 443}
# Launchpad's API and web hosts: bug pages, and the OAuth pages a token comes from.
LAUNCHPAD_HOSTS = ("api.launchpad.net", "launchpad.net", "bugs.launchpad.net")
# The OpenStack mailing-list archives `syncsvc import URL` reads; old links are http.
ARCHIVE_HOSTS = (
    "lists.openstack.org",
    "lists.openinfra.dev",
    "http://lists.openstack.org",
    "http://lists.openinfra.dev",
)


class ForeignHostError(RemoteError):
    """A server pointed syncsvc at a host outside the allow-list; nothing was sent there."""


@dataclass(frozen=True, slots=True, order=True)
class Origin:
    """Scheme, lower-case host name and port of a URL."""

    scheme: str
    host: str
    port: int

    @classmethod
    def of(cls, url: str) -> Origin:
        """The origin of an absolute http(s) URL; ValueError for anything else."""
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS or not parts.hostname:
            raise ValueError(f"not an absolute http(s) URL: {url!r}")
        port = parts.port  # ValueError for a port that is not a number in range
        return cls(scheme, parts.hostname.lower(), DEFAULT_PORTS[scheme] if port is None else port)

    @classmethod
    def parse(cls, entry: str) -> Origin:
        """An allow-list entry (``host``, ``host:port``, ``scheme://host[:port]``).

        Raises ValueError for an entry with a path, query, credentials or another scheme.
        """
        text = entry.strip()
        url = text if "://" in text else f"https://{text}"
        parts = urlsplit(url)
        if parts.path not in ("", "/") or parts.query or parts.fragment or "@" in parts.netloc:
            raise ValueError(f"not a host: {entry!r}")
        return cls.of(url)

    def __str__(self) -> str:
        if (self.scheme, self.port) == ("https", 443):
            return self.host
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = DEFAULT_PORTS[self.scheme] == self.port
        return f"{self.scheme}://{host}" + ("" if default else f":{self.port}")


@dataclass(frozen=True, slots=True)
class AllowedHosts:
    """The origins one part of syncsvc may contact; ``name`` says where the list comes from."""

    origins: frozenset[Origin]
    name: str = "allowed_hosts"

    @classmethod
    def of(cls, entries: Iterable[str], name: str = "allowed_hosts") -> AllowedHosts:
        """The list of ``entries`` (see :meth:`Origin.parse`); ConfigError for a bad one."""
        origins = set()
        for entry in entries:
            try:
                origins.add(Origin.parse(entry))
            except ValueError as exc:
                raise ConfigError(
                    f"{name}: {entry!r} is not a host",
                    hint="write host, host:port or http://host:port",
                ) from exc
        return cls(frozenset(origins), name)

    @classmethod
    def only(cls, url: str) -> AllowedHosts:
        """A list holding just ``url``'s origin (an adapter's own server)."""
        return cls(frozenset({Origin.of(url)}))

    def allows(self, url: str) -> bool:
        """Whether a request to ``url`` may be sent."""
        try:
            origin = Origin.of(url)
        except ValueError:
            return False
        if origin in self.origins:
            return True
        upgraded_from = Origin("http", origin.host, 80)
        return (origin.scheme, origin.port) == ("https", 443) and upgraded_from in self.origins

    def check(self, url: str) -> None:
        """Raise :class:`ConfigError` unless ``url`` (a configured target) is allowed."""
        if not self.allows(url):
            raise ConfigError(
                f"{_shown(url)} is not in {self.name}; syncsvc will not contact it",
                hint=f"add it to {self.name} in the config if you trust it",
            )

    def check_followed(self, url: str) -> None:
        """Raise :class:`ForeignHostError` unless ``url`` (a redirect, a page link) is allowed."""
        if not self.allows(url):
            raise ForeignHostError(
                f"{_shown(url)} is not in {self.name}: "
                "refused to follow the server there, nothing was sent"
            )

    def __str__(self) -> str:
        return ", ".join(str(o) for o in sorted(self.origins))


def _shown(url: str) -> str:
    """``url``'s origin as an allow-list entry; the bare text if it has none."""
    try:
        return str(Origin.of(url))
    except ValueError:
        return repr(url)
