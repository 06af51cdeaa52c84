"""GerritAdapter against the fake Gerrit, through the real python-gerritclient 1.2.0."""

from __future__ import annotations

import logging
import math
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest
import responses
from gerritclient import client as gerrit_client
from gerritclient import error as gerrit_error

from syncsvc import __version__
from syncsvc.adapters.gerrit import QUERY_OPTIONS, GerritAdapter
from syncsvc.adapters.http import HttpPolicy, RetryPolicy
from syncsvc.domain import Account, Change, ChangeStatus, Footers
from syncsvc.errors import (
    ConfigError,
    RemoteAuthError,
    RemoteError,
    RemoteNotFoundError,
    RemoteUnavailableError,
)
from syncsvc.testing.fake_gerrit import FakeGerrit, make_change

BASE = datetime(2020, 10, 26, 9, 0, tzinfo=UTC)
USER, PASSWORD = "syncsvc-bot", "gerrit-http-password-for-tests"


def bulk(count: int) -> list[dict]:
    """`count` changes numbered 1..count; a higher number is updated later."""
    return [make_change(n, updated=BASE + timedelta(minutes=n)) for n in range(1, count + 1)]


def params(fake: FakeGerrit, name: str) -> list[list[str] | None]:
    return [r.params.get(name) for r in fake.requests]


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_adapter(sleeps):
    """Build adapters that record their backoff sleeps instead of sleeping."""
    made: list[GerritAdapter] = []

    def factory(url: str, *, timeout: float = 5.0, retry: RetryPolicy | None = None, **kwargs):
        retry = retry or RetryPolicy(attempts=3, base_delay=0.5)
        policy = HttpPolicy(timeout=timeout, retry=retry, sleep=sleeps.append)
        made.append(adapter := GerritAdapter(url, policy=policy, **kwargs))
        return adapter

    yield factory
    for adapter in made:
        adapter.close()


class TestClientBehaviour:
    def test_client_strips_the_prefix_of_a_real_shaped_body(self, fake_gerrit):
        """The client removes `)]}'` and parses a body that ends with a newline."""
        changes = gerrit_client.get_client(
            "change", connection=gerrit_client.connect(fake_gerrit.url)
        )
        assert [c["_number"] for c in changes.get_all(["change:745206"])] == [745206]

    @responses.activate
    def test_client_strip_eats_the_closing_bracket_without_newline(self):
        """strip(")]}'") also trims the end, so a body without the final newline breaks."""
        responses.get(
            "http://gerrit.test/changes/",
            body=')]}\'\n[{"_number":1}]',
            content_type="application/json",
        )
        changes = gerrit_client.get_client(
            "change", connection=gerrit_client.connect("http://gerrit.test")
        )
        with pytest.raises(ValueError, match="Expecting"):
            changes.get_all(["change:1"])

    def test_client_sends_the_query_unencoded(self, fake_gerrit):
        """Unencoded, '+' turns into a space and '#' cuts the URL: the server sees junk."""
        changes = gerrit_client.get_client(
            "change", connection=gerrit_client.connect(fake_gerrit.url)
        )
        assert changes.get_all(['message:"C++ #42"']) == []
        assert fake_gerrit.requests[-1].params["q"] == ['message:"C   ']

    def test_client_splits_a_str_query_into_characters(self, fake_gerrit):
        """A str query becomes one q per character; the server rejects the first one."""
        changes = gerrit_client.get_client(
            "change", connection=gerrit_client.connect(fake_gerrit.url)
        )
        with pytest.raises(gerrit_error.HTTPError) as raised:
            changes.get_all("change:1")
        assert fake_gerrit.requests[-1].params["q"] == list("change:1")
        assert raised.value.__context__.response.status_code == 400

    def test_adapter_sends_the_encoded_query_verbatim(self, make_adapter):
        """The adapter's encoding makes the server see the exact query text."""
        query = 'message:"Fix C++ #42 \\"quoted\\"" topic:a+b'
        message = 'Fix C++ #42 "quoted"\n\nChange-Id: I' + "0" * 40 + "\n"
        with FakeGerrit(
            changes=[make_change(1, commit_message=message, topic="a+b"), make_change(2)]
        ) as fake:
            found = [c.number for c in make_adapter(fake.url).iter_changes(query)]
        assert found == [1]
        assert fake.requests[0].params["q"] == [query]


class TestPaging:
    @pytest.mark.parametrize(("count", "page"), [(250, 100), (200, 100), (7, 3), (0, 100)])
    def test_pages_until_more_changes_is_gone(self, make_adapter, count, page):
        """Every change is yielded once, newest first, in ceil(N/page) requests (at least 1)."""
        with FakeGerrit(changes=bulk(count)) as fake:
            found = [
                c.number for c in make_adapter(fake.url).iter_changes("status:open", page_size=page)
            ]
        pages = max(1, math.ceil(count / page))
        assert found == list(range(count, 0, -1))
        assert len(fake.requests) == pages
        assert params(fake, "n") == [[str(page)]] * pages
        assert params(fake, "S") == [None] + [[str(page * i)] for i in range(1, pages)]

    def test_asks_only_for_the_needed_options(self, make_adapter):
        """Each page asks for exactly the five options the Change record needs."""
        with FakeGerrit(changes=bulk(1)) as fake:
            list(make_adapter(fake.url).iter_changes("change:1"))
        assert fake.requests[0].params["o"] == list(QUERY_OPTIONS)
        assert sorted(QUERY_OPTIONS) == sorted(
            ["CURRENT_REVISION", "CURRENT_COMMIT", "DETAILED_ACCOUNTS", "LABELS", "SKIP_DIFFSTAT"]
        )

    def test_server_cap_below_page_size_still_pages_correctly(self, make_adapter):
        """When the server caps n, paging advances by what was returned."""
        with FakeGerrit(changes=bulk(120), max_limit=50) as fake:
            found = [
                c.number for c in make_adapter(fake.url).iter_changes("status:open", page_size=100)
            ]
        assert found == list(range(120, 0, -1))
        assert params(fake, "S") == [None, ["50"], ["100"]]

    def test_shifted_list_does_not_repeat_a_change(self, make_adapter):
        """A change updated between pages shifts offsets; the repeated one is yielded once."""
        with FakeGerrit(changes=bulk(150)) as fake:

            def bump(request):
                if len(fake.requests) == 2:
                    fake.add_change(make_change(999, updated=BASE + timedelta(days=1)))

            fake.on_request(bump)
            found = [
                c.number for c in make_adapter(fake.url).iter_changes("status:open", page_size=100)
            ]
        assert len(fake.requests) == 2
        assert found == list(range(150, 0, -1))

    def test_transient_failure_mid_paging_resumes_the_same_page(self, make_adapter, sleeps):
        """A 503 on page 2 is retried at the same offset and paging completes."""
        with FakeGerrit(changes=bulk(250)) as fake:
            changes = make_adapter(fake.url).iter_changes("status:open", page_size=100)
            first = [next(changes) for _ in range(100)]
            fake.add_fault(status=503)
            rest = list(changes)
        assert [c.number for c in first + rest] == list(range(250, 0, -1))
        assert params(fake, "S") == [None, ["100"], ["100"], ["200"]]
        assert sleeps == [0.5]


class TestBatching:
    def test_120_numbers_make_3_requests(self, make_adapter):
        """get_changes ORs at most 50 change: terms per request."""
        with FakeGerrit(changes=bulk(130)) as fake:
            found = [c.number for c in make_adapter(fake.url).get_changes(range(1, 121))]
        assert sorted(found) == list(range(1, 121))
        assert len(fake.requests) == 3
        queries = [r.params["q"][0] for r in fake.requests]
        assert [q.count("change:") for q in queries] == [50, 50, 20]
        assert queries[2] == " OR ".join(f"change:{n}" for n in range(101, 121))
        assert params(fake, "n") == [["50"], ["50"], ["20"]]

    def test_duplicates_asked_once_and_missing_numbers_skipped(self, make_adapter):
        """Repeated numbers are requested once; unknown numbers are simply absent."""
        with FakeGerrit(changes=bulk(3)) as fake:
            found = [c.number for c in make_adapter(fake.url).get_changes([2, 2, 999, 1])]
        assert found == [2, 1]
        assert fake.requests[0].params["q"] == ["change:2 OR change:999 OR change:1"]

    def test_bad_sizes_fail_before_any_request(self, make_adapter):
        """A page size or batch below 1 is a ValueError raised at the call, not later."""
        with FakeGerrit() as fake:
            adapter = make_adapter(fake.url)
            with pytest.raises(ValueError, match="page_size"):
                adapter.iter_changes("status:open", page_size=0)
            with pytest.raises(ValueError, match="batch"):
                adapter.get_changes([1], batch=0)
        assert fake.requests == []

    def test_no_numbers_no_request(self, make_adapter):
        """An empty list of numbers sends nothing."""
        with FakeGerrit() as fake:
            assert list(make_adapter(fake.url).get_changes([])) == []
        assert fake.requests == []


class TestUpdatedSince:
    def test_query_shape_and_inclusive_bound(self, make_adapter):
        """The query ORs projects and uses an inclusive UTC after: bound, to the second."""
        changes = [
            make_change(
                1, project="openstack/manila", updated=datetime(2020, 10, 26, 14, 3, 16, tzinfo=UTC)
            ),
            make_change(
                2, project="openstack/manila", updated=datetime(2020, 10, 26, 14, 3, 17, tzinfo=UTC)
            ),
            make_change(
                3, project="openstack/manila-specs", updated=datetime(2020, 10, 27, tzinfo=UTC)
            ),
            make_change(4, project="openstack/nova", updated=datetime(2020, 10, 27, tzinfo=UTC)),
        ]
        since = datetime(2020, 10, 26, 16, 3, 17, 900000, tzinfo=timezone(timedelta(hours=2)))
        with FakeGerrit(changes=changes) as fake:
            adapter = make_adapter(fake.url)
            found = [
                c.number
                for c in adapter.changes_updated_since(
                    ["openstack/manila", "openstack/manila-specs"], since
                )
            ]
        assert found == [3, 2]
        assert fake.requests[0].params["q"] == [
            '(project:openstack/manila OR project:openstack/manila-specs) after:"2020-10-26 14:03:17"'
        ]

    def test_naive_since_is_refused_and_no_projects_sends_nothing(self, make_adapter):
        """A naive datetime is a ValueError; an empty project list makes no request."""
        with FakeGerrit() as fake:
            adapter = make_adapter(fake.url)
            with pytest.raises(ValueError, match="timezone-aware"):
                adapter.changes_updated_since(["openstack/manila"], datetime(2020, 10, 26))  # noqa: DTZ001  # naive on purpose
            assert list(adapter.changes_updated_since([], BASE)) == []
        assert fake.requests == []


class TestRecords:
    def test_sample_change_becomes_a_full_record(self, fake_gerrit, make_adapter):
        """745206 is translated field by field into a Change with aware UTC datetimes."""
        (change,) = make_adapter(fake_gerrit.url).get_changes([745206])
        assert change == Change(
            number=745206,
            project="openstack/manila",
            branch="master",
            subject="Remove deprecated config and auth",
            status=ChangeStatus.MERGED,
            owner=Account(1000020, "tbarron", "Tom Barron", "tbarron@example.org"),
            created=datetime(2020, 8, 6, 14, 37, 51, 123456, tzinfo=UTC),
            updated=datetime(2021, 6, 22, 18, 4, 12, 987654, tzinfo=UTC),
            submitted=datetime(2021, 6, 22, 18, 4, 12, 987654, tzinfo=UTC),
            topic=None,
            hashtags=(),
            change_id="I148225926cd249a0dd8d1f8c02b22ed06487f405",
            current_patch_set=9,
            votes=(("Verified", 2), ("Code-Review", 2), ("Workflow", 1)),
            footers=Footers(change_id="I148225926cd249a0dd8d1f8c02b22ed06487f405"),
            url=f"{fake_gerrit.url}/c/openstack/manila/+/745206",
            body=(  # the message without its subject line and footers
                "Sample body: the real commit message was not captured offline. Only the"
                " project, subject, owner, Change-Id, dates and patch set count are facts."
            ),
        )
        assert change.updated.utcoffset() == timedelta(0)

    def test_sample_spec_votes_and_footers(self, fake_gerrit, make_adapter):
        """729292 reports disliked/recommended/rejected votes and its footers."""
        (change,) = make_adapter(fake_gerrit.url).get_changes([729292])
        assert change.votes == (("Verified", 1), ("Code-Review", -1), ("Workflow", -1))
        assert change.footers == Footers(
            partial_bug=("1900002", "1900003"),
            blueprints=(
                "sample-share-server-security-service-update",
                "sample-share-network-subnet-update",
            ),
            change_id="I9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
        )
        assert (change.hashtags, change.current_patch_set) == (("wallaby-ptg",), 7)

    def test_sample_project_config_change(self, fake_gerrit, make_adapter):
        """758868 carries its topic, Related-Bug footer and partial votes."""
        (change,) = make_adapter(fake_gerrit.url).get_changes([758868])
        assert (change.project, change.topic, change.status) == (
            "openstack/project-config",
            "manila-subteams",
            ChangeStatus.NEW,
        )
        assert change.footers.related_bug == ("1900001",)
        assert change.votes == (("Verified", 1), ("Code-Review", 1), ("Workflow", 0))


class TestAuthentication:
    def test_credentials_use_the_a_prefix_and_basic_auth(self, fake_gerrit, make_adapter, caplog):
        """With credentials requests go to /a/changes/ as the user; the password is never logged."""
        caplog.set_level(logging.DEBUG)
        fake_gerrit.add_fault(status=503)
        adapter = make_adapter(fake_gerrit.url, username=USER, password=PASSWORD)
        assert [c.number for c in adapter.get_changes([758868])] == [758868]
        assert [(r.path, r.user) for r in fake_gerrit.requests] == [("/a/changes/", USER)] * 2
        assert fake_gerrit.requests[0].headers["Authorization"].startswith("Basic ")
        assert PASSWORD not in caplog.text
        assert PASSWORD not in repr(adapter)

    def test_anonymous_by_default(self, fake_gerrit, make_adapter):
        """Without credentials the adapter uses /changes/ and sends no Authorization."""
        list(make_adapter(fake_gerrit.url).get_changes([758868]))
        (request,) = fake_gerrit.requests
        assert request.path == "/changes/"
        assert "Authorization" not in request.headers

    def test_wrong_password_is_an_auth_error_without_retry(self, fake_gerrit, make_adapter, sleeps):
        """A 401 raises RemoteAuthError at once."""
        adapter = make_adapter(fake_gerrit.url, username=USER, password="wrong")
        with pytest.raises(RemoteAuthError, match="HTTP 401"):
            list(adapter.get_changes([758868]))
        assert (len(fake_gerrit.requests), sleeps) == (1, [])

    @pytest.mark.parametrize(
        ("url", "kwargs"),
        [
            ("http://127.0.0.1:9", {"username": USER}),
            ("http://127.0.0.1:9", {"password": PASSWORD}),
            (f"http://{USER}:{PASSWORD}@127.0.0.1:9", {}),
            ("review.opendev.org", {}),
        ],
    )
    def test_bad_configuration_is_a_config_error(self, url, kwargs):
        """Half credentials, credentials in the URL or a URL without scheme are refused."""
        with pytest.raises(ConfigError) as raised:
            GerritAdapter(url, **kwargs)
        assert PASSWORD not in str(raised.value)


class TestErrors:
    def test_503_twice_then_success(self, fake_gerrit, make_adapter, sleeps, caplog):
        """Two 503s are retried with exponential backoff and logged; the third try succeeds."""
        fake_gerrit.add_fault(status=503, times=2)
        found = [c.number for c in make_adapter(fake_gerrit.url).get_changes([745206])]
        assert found == [745206]
        assert len(fake_gerrit.requests) == 3
        assert sleeps == [0.5, 1.0]
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 2
        assert "HTTP 503); retry 1/2 in 0.5s" in warnings[0]

    def test_503_forever_gives_up(self, fake_gerrit, make_adapter, sleeps):
        """After the last attempt a RemoteUnavailableError is raised."""
        fake_gerrit.add_fault(status=503, times=None)
        with pytest.raises(RemoteUnavailableError, match="after 3 attempts: HTTP 503"):
            list(make_adapter(fake_gerrit.url).get_changes([745206]))
        assert (len(fake_gerrit.requests), sleeps) == (3, [0.5, 1.0])

    def test_429_honours_retry_after(self, fake_gerrit, make_adapter, sleeps):
        """A 429's Retry-After replaces a shorter backoff."""
        fake_gerrit.add_fault(status=429, retry_after="7", body="Too Many Requests")
        assert [c.number for c in make_adapter(fake_gerrit.url).get_changes([745206])] == [745206]
        assert (len(fake_gerrit.requests), sleeps) == (2, [7.0])

    @pytest.mark.parametrize(
        "fault",
        [{"status": 502, "body": "Bad Gateway"}, {"reset": True}, {"truncate": True}],
        ids=["502", "reset", "truncated"],
    )
    def test_transient_transport_failures_are_retried(
        self, fake_gerrit, make_adapter, sleeps, fault
    ):
        """502, a connection reset and a truncated body are retried once, then succeed."""
        fake_gerrit.add_fault(**fault)
        assert [c.number for c in make_adapter(fake_gerrit.url).get_changes([729292])] == [729292]
        assert (len(fake_gerrit.requests), sleeps) == (2, [0.5])

    def test_404_is_not_found_and_not_retried(self, fake_gerrit, make_adapter, sleeps):
        """A wrong base URL gives 404: RemoteNotFoundError after one request."""
        with pytest.raises(RemoteNotFoundError, match="HTTP 404"):
            list(make_adapter(fake_gerrit.url + "/gerrit").iter_changes("status:open"))
        assert [r.path for r in fake_gerrit.requests] == ["/gerrit/changes/"]
        assert sleeps == []

    def test_500_is_unavailable_and_not_retried(self, fake_gerrit, make_adapter, sleeps):
        """A 500 is a server bug, not load: no retry."""
        fake_gerrit.add_fault(status=500, body="Internal server error")
        with pytest.raises(RemoteUnavailableError, match="HTTP 500: Internal server error"):
            list(make_adapter(fake_gerrit.url).iter_changes("status:open"))
        assert (len(fake_gerrit.requests), sleeps) == (1, [])

    def test_unknown_operator_is_a_remote_error_with_the_server_text(
        self, fake_gerrit, make_adapter
    ):
        """A 400 carries Gerrit's message and is not retried."""
        with pytest.raises(RemoteError) as raised:
            list(make_adapter(fake_gerrit.url).iter_changes("is:open foo:bar"))
        assert type(raised.value) is RemoteError
        assert str(raised.value).endswith("Unsupported operator is:open")
        assert len(fake_gerrit.requests) == 1

    def test_timeout_is_honoured_then_gives_up(self, fake_gerrit, make_adapter, sleeps):
        """A reply that never comes is a retried timeout after the policy's timeout, then
        unavailable."""
        fake_gerrit.add_fault(delay=60.0, times=None)  # no reply until the fake stops
        adapter = make_adapter(
            fake_gerrit.url, timeout=0.05, retry=RetryPolicy(attempts=2, base_delay=0)
        )
        started = time.monotonic()
        with pytest.raises(RemoteUnavailableError, match="after 2 attempts: ReadTimeout"):
            list(adapter.iter_changes("status:open"))
        assert time.monotonic() - started < 30  # the policy's timeout fired, not the delay
        assert sleeps == [0]

    def test_user_agent_names_syncsvc(self, fake_gerrit, make_adapter):
        """Every request carries a syncsvc User-Agent."""
        list(make_adapter(fake_gerrit.url).get_changes([745206]))
        assert fake_gerrit.requests[0].headers["User-Agent"] == f"syncsvc/{__version__}"
