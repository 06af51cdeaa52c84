"""Issue 10 (2): no request leaves the allowed hosts, whatever a server tells the client.

The peer on 127.0.0.2 (:class:`ForeignHost`) stands for a host outside the list:
the fakes redirect to it or link their pages to it, and it must receive nothing.
"""

from __future__ import annotations

import pytest
from fake_launchpad_fixture import SAMPLE_BUG, add_population, seed_samples
from launchpadlib.credentials import AccessToken, Credentials
from lazr.restfulclient.authorize.oauth import SystemWideConsumer

from syncsvc.adapters import launchpad as launchpad_adapter
from syncsvc.adapters.gerrit import GerritAdapter
from syncsvc.adapters.http import HttpPolicy, RetryPolicy, no_wait
from syncsvc.adapters.launchpad import LaunchpadAdapter, LaunchpadConfig
from syncsvc.adapters.sources import read_source
from syncsvc.errors import ConfigError, RemoteError
from syncsvc.testing.fake_gerrit import FakeGerrit, make_change
from syncsvc.testing.fake_launchpad import FakeLaunchpad
from syncsvc.testing.foreign_host import EMPTY_GERRIT_LIST, ForeignHost

TOKEN = "sample-token-for-allow-list-tests"


@pytest.fixture
def peer():
    """The foreign host on 127.0.0.2, answering like an empty Launchpad page."""
    with ForeignHost() as host:
        yield host


@pytest.fixture
def fake_lp(monkeypatch):
    """A running FakeLaunchpad with the sample bugs."""
    with FakeLaunchpad() as lp:
        seed_samples(lp)
        lp.add_token(TOKEN, "sample-bug-supervisor")
        yield lp


@pytest.fixture
def make_lp(fake_lp, tmp_path):
    """Build Launchpad adapters on the fake (no backoff sleeps); closed afterwards."""
    made: list[LaunchpadAdapter] = []

    def make(**options) -> LaunchpadAdapter:
        allowed = options.pop("allowed_hosts", None)
        policy = HttpPolicy(
            timeout=2.0, retry=RetryPolicy(attempts=3), allowed=allowed, sleep=no_wait
        )
        config = LaunchpadConfig(
            fake_lp.service_root, tmp_path / "launchpadlib", http=policy, **options
        )
        made.append(LaunchpadAdapter(config))
        return made[-1]

    yield make
    for adapter in made:
        adapter.close()


def credentials_file(tmp_path):
    """A launchpadlib credentials file holding TOKEN."""
    credentials = Credentials(None)
    credentials.consumer = SystemWideConsumer("syncsvc")
    credentials.access_token = AccessToken(TOKEN, "sample-secret")
    path = tmp_path / "launchpad-credentials"
    credentials.save_to_path(str(path))
    return path


class TestLaunchpad:
    """Every launchpadlib request, page link and redirect is checked before it is sent."""

    def test_next_page_on_another_host_is_never_followed(self, make_lp, fake_lp, peer, monkeypatch):
        """A search asks for each page itself (ws.start on its own URL), so a
        next_collection_link to 127.0.0.2 is never followed: the peer hears nothing."""
        monkeypatch.setattr(launchpad_adapter, "SEARCH_PAGE_SIZE", 2)
        bugs = add_population(fake_lp, 7, project="sample-project")
        fake_lp.link_root = peer.url
        adapter = make_lp()
        found = [t.bug_id for t in adapter.search_tasks("sample-project", modified_since=None)]
        assert found == [b.id for b in bugs]
        assert peer.requests == []

    def test_redirect_to_another_host_is_refused_with_credentials(
        self, make_lp, fake_lp, peer, tmp_path
    ):
        """A 302 to 127.0.0.2 fails the read; neither token nor request reaches the peer."""
        adapter = make_lp(credentials_file=credentials_file(tmp_path))
        adapter.connect()
        fake_lp.redirect(peer.url, match=f"bugs/{SAMPLE_BUG}")
        with pytest.raises(RemoteError, match=rf"{peer.url} is not in allowed_hosts"):
            list(adapter.get_bugs([SAMPLE_BUG]))
        assert peer.requests == []
        assert [r.path for r in fake_lp.requests][-1] == f"/devel/bugs/{SAMPLE_BUG}"

    def test_refused_permanent_redirect_is_not_remembered(self, make_lp, fake_lp, peer):
        """A 301 to 127.0.0.2 is refused and dropped from the cache: the next run asks again."""
        fake_lp.redirect(peer.url, status=301, match=f"bugs/{SAMPLE_BUG}")
        with pytest.raises(RemoteError, match=rf"{peer.url} is not in allowed_hosts"):
            list(make_lp().get_bugs([SAMPLE_BUG]))
        [bug] = make_lp().get_bugs([SAMPLE_BUG])
        assert (bug.bug_id, bug.visible) == (SAMPLE_BUG, True)
        assert peer.requests == []
        bug_reads = [r.status for r in fake_lp.requests if r.path == f"/devel/bugs/{SAMPLE_BUG}"]
        assert bug_reads == [301, 200]

    def test_page_short_of_the_total_is_never_the_end(self, make_lp, fake_lp, monkeypatch):
        """Bugs vanishing between two pages leave a gap: the search fails, it does not end."""
        monkeypatch.setattr(launchpad_adapter, "SEARCH_PAGE_SIZE", 75)
        add_population(fake_lp, 100, project="sample-project")

        def hide_five(_method: str, target: str) -> None:
            if "ws.start=75" in target:
                for bug_id in range(1900100, 1900105):
                    fake_lp.bugs[bug_id].private = True

        fake_lp.on_request(hide_five)
        adapter = make_lp()
        with pytest.raises(RemoteError, match=r"incomplete: 95 of 100"):
            list(adapter.search_tasks("sample-project", modified_since=None))


class TestGerrit:
    def test_redirect_to_another_host_is_refused(self):
        """A Gerrit 302 to 127.0.0.2 fails the query; the peer receives no request."""
        changes = [make_change(745206)]
        with (
            ForeignHost(body=EMPTY_GERRIT_LIST) as peer,
            FakeGerrit(changes=changes, users={"bot": "pw"}) as gerrit,
        ):
            gerrit.add_fault(status=302, location=peer.url, body="", times=None)
            adapter = GerritAdapter(
                gerrit.url,
                username="bot",
                password="pw",
                policy=HttpPolicy(retry=RetryPolicy(attempts=1)),
            )
            with pytest.raises(RemoteError, match=rf"{peer.url} is not in allowed_hosts"):
                list(adapter.iter_changes("status:open"))
            adapter.close()
            assert peer.requests == []


class TestImportSource:
    def test_url_outside_the_import_list_is_not_fetched(self, peer):
        """`import URL` of a host outside the import list is refused before any request."""
        with pytest.raises(ConfigError, match=r"is not in \[import\] allowed_hosts"):
            read_source(f"{peer.url}/pipermail/openstack-discuss/2020-October/018335.html")
        assert peer.requests == []
