"""Origins and allow-lists: scheme, host and port decide, never the host name alone."""

from __future__ import annotations

import pytest

from syncsvc.errors import ConfigError
from syncsvc.hosts import AllowedHosts, ForeignHostError, Origin


class TestOrigin:
    @pytest.mark.parametrize(
        ("entry", "origin"),
        [
            ("api.launchpad.net", Origin("https", "api.launchpad.net", 443)),
            ("API.Launchpad.net", Origin("https", "api.launchpad.net", 443)),
            ("review.example.org:8443", Origin("https", "review.example.org", 8443)),
            ("http://127.0.0.1:8080", Origin("http", "127.0.0.1", 8080)),
            ("http://127.0.0.1:8080/", Origin("http", "127.0.0.1", 8080)),
            ("http://lists.openstack.org", Origin("http", "lists.openstack.org", 80)),
            ("https://[::1]:9000", Origin("https", "::1", 9000)),
        ],
    )
    def test_entries(self, entry, origin):
        """Each entry form names one origin; without a scheme it is https."""
        assert Origin.parse(entry) == origin

    @pytest.mark.parametrize(
        "entry",
        ["", "ftp://example.org", "example.org/path", "user@example.org", "example.org:http",
         "http://", "example.org?x=1"],
    )  # fmt: skip
    def test_bad_entries(self, entry):
        """Paths, queries, credentials, other schemes and bad ports are not hosts."""
        with pytest.raises(ValueError):
            Origin.parse(entry)

    @pytest.mark.parametrize(
        ("origin", "shown"),
        [
            (Origin("https", "api.launchpad.net", 443), "api.launchpad.net"),
            (Origin("https", "gerrit.example.org", 8443), "https://gerrit.example.org:8443"),
            (Origin("http", "lists.openstack.org", 80), "http://lists.openstack.org"),
            (Origin("http", "127.0.0.2", 41234), "http://127.0.0.2:41234"),
            (Origin("http", "::1", 8080), "http://[::1]:8080"),
        ],
    )
    def test_shown_as_an_entry(self, origin, shown):
        """An origin prints as the entry that allows it."""
        assert str(origin) == shown
        assert Origin.parse(shown) == origin


class TestAllowedHosts:
    ALLOWED = AllowedHosts.of(
        ["api.launchpad.net", "http://127.0.0.1:8080", "http://lists.openstack.org"], "[sync] x"
    )

    @pytest.mark.parametrize(
        ("url", "allowed"),
        [
            ("https://api.launchpad.net/devel/bugs/1", True),
            ("https://API.launchpad.net:443/devel/", True),
            ("http://api.launchpad.net/devel/", False),  # no downgrade to plain http
            ("https://api.launchpad.net:8443/devel/", False),
            ("https://launchpad.net/", False),
            ("http://127.0.0.1:8080/devel/", True),
            ("http://127.0.0.1:8081/devel/", False),  # another port is another host
            ("http://127.0.0.2:8080/devel/", False),  # another address is another host
            ("https://127.0.0.1:8080/devel/", False),
            ("https://lists.openstack.org/pipermail/", True),  # upgrade of an allowed http host
            ("http://lists.openstack.org/pipermail/", True),
            ("http://user@127.0.0.2:8080/", False),
            ("file:///etc/passwd", False),
            ("not a url", False),
        ],
    )
    def test_allows_by_scheme_host_and_port(self, url, allowed):
        """Only an allowed origin (or the https upgrade of an allowed http one) passes."""
        assert self.ALLOWED.allows(url) is allowed

    def test_configured_target_outside_is_a_config_error(self):
        """A configured URL outside the list is a one-line ConfigError naming the list."""
        with pytest.raises(ConfigError, match=r"^http://127\.0\.0\.2:8080 is not in \[sync\] x;"):
            self.ALLOWED.check("http://127.0.0.2:8080/devel/")

    def test_followed_target_outside_is_a_remote_error(self):
        """A redirect or link outside the list is a ForeignHostError (a remote failure)."""
        with pytest.raises(ForeignHostError, match=r"^http://127\.0\.0\.2:8080 is not in"):
            self.ALLOWED.check_followed("http://127.0.0.2:8080/devel/")
        self.ALLOWED.check_followed("http://127.0.0.1:8080/devel/bugs/1")

    def test_bad_entry_is_a_config_error(self):
        """A list with an entry that is not a host fails with the entry named."""
        with pytest.raises(ConfigError, match=r"\[import\] allowed_hosts: 'a/b' is not a host"):
            AllowedHosts.of(["lists.example.org", "a/b"], "[import] allowed_hosts")
