"""LaunchpadAdapter driving the real launchpadlib against FakeLaunchpad (sample data)."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime, timedelta

import lazr.restfulclient._browser
import pytest
from fake_launchpad_fixture import (
    POPULATION_BASE,
    POPULATION_START,
    POPULATION_STATUSES,
    PRIVATE_BUG,
    SAMPLE_BUG,
    SECURITY_TEAM,
    add_population,
    seed_samples,
)
from launchpadlib.credentials import AccessToken, Credentials
from lazr.restfulclient.authorize.oauth import SystemWideConsumer

from syncsvc.adapters import launchpad as launchpad_adapter
from syncsvc.adapters.http import HttpPolicy, RetryPolicy
from syncsvc.adapters.launchpad import (
    ALL_STATUSES,
    LaunchpadAdapter,
    LaunchpadConfig,
)
from syncsvc.adapters.launchpad_values import name_from_link
from syncsvc.domain import (
    COMMENTED,
    ActivityEntry,
    Bug,
    BugActivityLog,
    BugComments,
    BugMessage,
    BugTask,
)
from syncsvc.errors import (
    ConfigError,
    RemoteAuthError,
    RemoteError,
    RemoteNotFoundError,
    RemoteUnavailableError,
)
from syncsvc.reconcile.footers import GERRIT_EVIDENCE
from syncsvc.testing.fake_launchpad import FakeActivity, FakeLaunchpad
from syncsvc.testing.fake_launchpad_data import FakeMessage

SAMPLE_TASK = BugTask(
    bug_id=SAMPLE_BUG,
    target="manila",
    status="In Progress",
    importance="Medium",
    assignee="haixin",
    milestone=None,
    date_created=datetime(2019, 12, 5, 9, 30, 11, 123456, tzinfo=UTC),
    date_in_progress=datetime(2020, 11, 10, 6, 1, 2, 281730, tzinfo=UTC),
    is_complete=False,
    url="https://bugs.launchpad.net/manila/+bug/1855391",
    date_triaged=datetime(2019, 12, 6, 14, 2, 30, 40133, tzinfo=UTC),
)
SAMPLE = Bug(
    bug_id=SAMPLE_BUG,
    title="Share extension bypasses the scheduler",
    tags=("api", "scheduler"),
    tasks=(SAMPLE_TASK,),
    date_last_updated=datetime(2021, 2, 17, 8, 12, 45, 654321, tzinfo=UTC),
    url="https://bugs.launchpad.net/bugs/1855391",
    date_last_message=datetime(2020, 11, 12, 15, 40, 51, 902114, tzinfo=UTC),
    message_count=3,
    information_type="Public",
    date_created=datetime(2019, 12, 5, 9, 30, 11, 123456, tzinfo=UTC),
)
FIX_PROPOSED = BugMessage(
    bug_id=SAMPLE_BUG,
    author="hudson-openstack",
    date=datetime(2020, 11, 10, 6, 1, 2, 281730, tzinfo=UTC),
    subject="Fix proposed to manila (master)",
    content="Fix proposed to branch: master\n"
    "Review: https://review.opendev.org/c/openstack/manila/+/762123",
    number=1,
)
CLOSED = {"Fix Released", "Opinion", "Invalid", "Won't Fix", "Expired", "Does Not Exist"}


@pytest.fixture
def fake_lp():
    """A running FakeLaunchpad holding the sample bugs."""
    with FakeLaunchpad() as lp:
        seed_samples(lp)
        yield lp


@pytest.fixture
def lazr_sleeps(monkeypatch):
    """Calls of launchpadlib's own 502/503 back-off sleep, recorded (the policy waits instead)."""
    sleeps: list[float] = []
    monkeypatch.setattr(lazr.restfulclient._browser, "sleep", sleeps.append)
    return sleeps


@pytest.fixture
def sleeps():
    """The adapter's retry back-off sleeps, recorded instead of slept."""
    return []


@pytest.fixture
def make_adapter(fake_lp, tmp_path, sleeps, lazr_sleeps):
    """Build adapters on the fake sharing one launchpadlib cache; closed afterwards."""

    made: list[LaunchpadAdapter] = []

    def make(*, timeout: float = 2.0, retry: RetryPolicy | None = None, **options):
        retry = retry or RetryPolicy(attempts=3)
        policy = HttpPolicy(timeout=timeout, retry=retry, sleep=sleeps.append)
        config = LaunchpadConfig(
            fake_lp.service_root, tmp_path / "launchpadlib", http=policy, **options
        )
        made.append(LaunchpadAdapter(config))
        return made[-1]

    yield make
    for adapter in made:
        adapter.close()


@pytest.fixture
def adapter(make_adapter, fake_lp):
    """A logged-in anonymous adapter; the fake's request log starts empty."""
    lp = make_adapter()
    lp.connect()
    fake_lp.clear_requests()
    return lp


def _credentials_file(path, token: str):
    credentials = Credentials(None)
    credentials.consumer = SystemWideConsumer("syncsvc")
    credentials.access_token = AccessToken(token, "sample-secret")
    credentials.save_to_path(str(path))
    return path


class TestLogin:
    def test_cold_cache_costs_two_requests_and_warm_cache_none(self, make_adapter, fake_lp):
        """The first login fetches WADL and root (2 requests); a second one reuses the cache."""
        make_adapter().connect()
        assert [(r.path, r.headers["accept"]) for r in fake_lp.requests] == [
            ("/devel/", "application/vnd.sun.wadl+xml"),
            ("/devel/", "application/json"),
        ]
        fake_lp.clear_requests()
        make_adapter().connect()
        assert fake_lp.requests == []

    def test_construction_makes_no_request(self, make_adapter, fake_lp):
        """Building an adapter does not log in until it is used."""
        make_adapter()
        assert fake_lp.requests == []

    def test_service_root_with_version_is_a_config_error(self, fake_lp, tmp_path):
        """A service root that already names the version is refused as configuration."""
        config = LaunchpadConfig(fake_lp.api_root(), tmp_path)
        with pytest.raises(ConfigError, match="is not usable: It looks like"):
            LaunchpadAdapter(config).connect()

    def test_unknown_alias_is_a_config_error(self, tmp_path):
        """An unknown service-root alias fails before any request."""
        with pytest.raises(ConfigError, match="unknown Launchpad service root 'nowhere'"):
            LaunchpadAdapter(LaunchpadConfig("nowhere", tmp_path))

    def test_missing_credentials_file_fails_without_prompting(
        self, make_adapter, fake_lp, tmp_path
    ):
        """A configured but absent credentials file is an auth error, not a browser prompt."""
        lp = make_adapter(credentials_file=tmp_path / "missing.txt")
        with pytest.raises(RemoteAuthError, match=r"missing\.txt are missing"):
            lp.connect()
        assert fake_lp.requests == []

    def test_credentials_file_logs_in_and_sees_private_bug(self, make_adapter, fake_lp, tmp_path):
        """An accepted OAuth token is sent and lets the subscriber see the private bug."""
        fake_lp.add_token("sample-token", SECURITY_TEAM)
        lp = make_adapter(credentials_file=_credentials_file(tmp_path / "creds", "sample-token"))
        [bug] = lp.get_bugs([PRIVATE_BUG])
        assert (bug.visible, bug.title) == (True, "Sample private security bug")
        assert 'oauth_token="sample-token"' in fake_lp.requests[0].headers["authorization"]

    def test_rejected_token_is_an_auth_error(self, make_adapter, fake_lp, tmp_path):
        """A token the server rejects raises RemoteAuthError instead of re-authorizing."""
        lp = make_adapter(credentials_file=_credentials_file(tmp_path / "creds", "revoked"))
        with pytest.raises(RemoteAuthError, match="expired or not valid"):
            lp.connect()
        assert [r.status for r in fake_lp.requests] == [401]


class TestGetBugs:
    def test_sample_bug_with_its_tasks(self, adapter, fake_lp):
        """Bug 1855391 comes back as a full record for 2 requests (bug, tasks)."""
        assert list(adapter.get_bugs([SAMPLE_BUG])) == [SAMPLE]
        assert [r.path for r in fake_lp.requests] == [
            "/devel/bugs/1855391",
            "/devel/bugs/1855391/bug_tasks",
        ]

    def test_private_and_missing_bugs_are_not_visible(self, adapter, fake_lp):
        """A private bug and a missing bug are yielded as invisible, in input order."""
        bugs = list(adapter.get_bugs([PRIVATE_BUG, SAMPLE_BUG, 1]))
        assert bugs == [Bug(PRIVATE_BUG, visible=False), SAMPLE, Bug(1, visible=False)]
        assert len(fake_lp.requests) == 4

    def test_private_bug_answering_401_is_not_visible(self, adapter, fake_lp):
        """Some private bugs answer 401 to anonymous clients; that is 'not visible' too."""
        fake_lp.private_status = 401
        assert list(adapter.get_bugs([PRIVATE_BUG])) == [Bug(PRIVATE_BUG, visible=False)]
        assert [r.status for r in fake_lp.requests] == [401]

    def test_repeated_ids_are_fetched_once(self, adapter, fake_lp):
        """Duplicate ids yield one record and cost nothing extra."""
        assert [b.bug_id for b in adapter.get_bugs([SAMPLE_BUG, SAMPLE_BUG])] == [SAMPLE_BUG]
        assert len(fake_lp.requests) == 2


class TestBugMessages:
    def test_comments_oldest_first(self, adapter):
        """Every comment after the description, oldest first, authors taken from links."""
        (found,) = adapter.get_bug_comments([SAMPLE_BUG], known={})
        assert [(m.author, m.subject) for m in found.messages] == [
            ("hudson-openstack", "Fix proposed to manila (master)"),
            ("sample-triager", "Re: Share extension bypasses the scheduler"),
        ]


class TestBugComments:
    """get_bug_comments: one request per bug, comments read only when newer than known."""

    def test_new_comments_are_read_and_filtered(self, adapter, fake_lp):
        """Unknown to the caller: the bug and its comment page (2 requests), evidence only."""
        found = list(adapter.get_bug_comments([SAMPLE_BUG], known={}, pattern=GERRIT_EVIDENCE))
        assert found == [
            BugComments(SAMPLE_BUG, SAMPLE.date_last_message, (FIX_PROPOSED,), fetched=True)
        ]
        assert [r.path for r in fake_lp.requests] == [
            "/devel/bugs/1855391",
            "/devel/bugs/1855391/messages",
        ]

    def test_unchanged_bug_costs_one_request(self, adapter, fake_lp):
        """A date_last_message the caller already has: the bug alone is read, nothing fetched."""
        known = {SAMPLE_BUG: SAMPLE.date_last_message}
        found = list(adapter.get_bug_comments([SAMPLE_BUG, SAMPLE_BUG], known=known))
        assert found == [BugComments(SAMPLE_BUG, SAMPLE.date_last_message)]
        assert [r.path for r in fake_lp.requests] == ["/devel/bugs/1855391"]

    def test_older_known_date_reads_the_comments(self, adapter, fake_lp):
        """A known date before the newest comment reads them again, without the description."""
        known = {SAMPLE_BUG: datetime(2020, 11, 11, tzinfo=UTC)}
        [found] = adapter.get_bug_comments([SAMPLE_BUG], known=known)
        assert [(m.number, m.author) for m in found.messages] == [
            (1, "hudson-openstack"),
            (2, "sample-triager"),
        ]
        assert len(fake_lp.requests) == 2

    def test_description_only_reads_no_page(self, adapter, fake_lp):
        """message_count 1 (the description alone): fetched, empty, 1 request."""
        [bug] = add_population(fake_lp, 1)
        [found] = adapter.get_bug_comments([bug.id], known={})
        assert found == BugComments(bug.id, POPULATION_BASE, fetched=True)
        assert len(fake_lp.requests) == 1

    def test_private_missing_and_vanishing_bugs_are_not_visible(self, adapter, fake_lp):
        """Private, missing, or gone between the two requests: visible=False, no error."""
        fake_lp.fail(404, times=1, match="messages")
        found = list(adapter.get_bug_comments([PRIVATE_BUG, 1, SAMPLE_BUG], known={}))
        assert found == [
            BugComments(PRIVATE_BUG, visible=False),
            BugComments(1, visible=False),
            BugComments(SAMPLE_BUG, visible=False),
        ]


class TestBugActivity:
    T = datetime(2021, 6, 17, 9, 0, tzinfo=UTC)

    def test_log_oldest_first_one_request_per_page(self, adapter, fake_lp):
        """The whole log comes back as records, read straight from bugs/<id>/activity: one
        request per 75 lines (80 lines: 2), no bug entry and no person fetched."""
        lines = [
            FakeActivity(self.T + timedelta(minutes=i), f"dev-{i % 3}", "manila: importance",
                         "Low" if i % 2 else "High", "High" if i % 2 else "Low")
            for i in range(79)
        ]  # fmt: skip
        lines.append(FakeActivity(self.T + timedelta(hours=2), "ana", "manila: assignee", None,
                                  "Bob (bob)", message="sample"))  # fmt: skip
        fake_lp.bugs[SAMPLE_BUG].activity = lines
        [log] = adapter.get_bug_activity([SAMPLE_BUG, SAMPLE_BUG])
        assert len(log.entries) == 80
        assert log.entries[0] == ActivityEntry(
            SAMPLE_BUG, self.T, "dev-0", "manila: importance", "High", "Low"
        )
        assert log.entries[-1] == ActivityEntry(
            SAMPLE_BUG, self.T + timedelta(hours=2), "ana", "manila: assignee", None, "Bob (bob)"
        )
        assert [(r.path, r.query.get("ws.start")) for r in fake_lp.requests] == [
            (f"/devel/bugs/{SAMPLE_BUG}/activity", None),
            (f"/devel/bugs/{SAMPLE_BUG}/activity", ["75"]),
        ]

    def test_comments_become_lines_after_the_log(self, adapter, fake_lp):
        """For a bug in ``comments``, each comment (not the description) adds a line after
        the log's own: who wrote it and when, from bugs/<id>/messages (1 more request);
        another bug costs no message read."""
        fake_lp.bugs[SAMPLE_BUG].activity = [FakeActivity(self.T, "ana", "tags", "", "api")]
        fake_lp.bugs[SAMPLE_BUG].messages = [
            FakeMessage("Still happening?", owner="bob", date_created=self.T + timedelta(hours=1)),
            FakeMessage("Yes, on master.", owner="carl", date_created=self.T + timedelta(hours=3)),
        ]
        [log] = adapter.get_bug_activity([SAMPLE_BUG], comments={SAMPLE_BUG, 7})
        assert log.entries == (
            ActivityEntry(SAMPLE_BUG, self.T, "ana", "tags", "", "api"),
            ActivityEntry(SAMPLE_BUG, self.T + timedelta(hours=1), "bob", COMMENTED),
            ActivityEntry(SAMPLE_BUG, self.T + timedelta(hours=3), "carl", COMMENTED),
        )
        assert [r.path for r in fake_lp.requests] == [
            f"/devel/bugs/{SAMPLE_BUG}/activity",
            f"/devel/bugs/{SAMPLE_BUG}/messages",
        ]
        fake_lp.clear_requests()
        [plain] = adapter.get_bug_activity([SAMPLE_BUG])
        assert (len(plain.entries), len(fake_lp.requests)) == (1, 1)

    def test_private_and_missing_bugs_are_not_visible(self, adapter, fake_lp):
        """A private bug (to anonymous) and a missing one come back not visible, 1 request each."""
        found = list(adapter.get_bug_activity([PRIVATE_BUG, 99]))
        assert found == [
            BugActivityLog(PRIVATE_BUG, visible=False),
            BugActivityLog(99, visible=False),
        ]
        assert len(fake_lp.requests) == 2

    def test_a_log_page_that_keeps_arriving_broken_fails_after_retries(self, adapter, fake_lp):
        """A page whose JSON arrives cut short is asked again, then the read fails."""
        fake_lp.bugs[SAMPLE_BUG].activity = [FakeActivity(self.T, "ana", "tags", "", "api")]
        fake_lp.corrupt(match="/activity", times=None)
        with pytest.raises(RemoteError, match="activity"):
            list(adapter.get_bug_activity([SAMPLE_BUG]))
        assert fake_lp.count(f"bugs/{SAMPLE_BUG}/activity") > 1


class TestSearchTasks:
    def test_paging_costs_one_request_per_page(self, adapter, fake_lp):
        """660 tasks at 300 per page (Launchpad's maximum) cost 3 requests and no bug or
        person fetches."""
        bugs = add_population(fake_lp, 659)  # plus sample bug 1855391: 660 public tasks
        tasks = list(adapter.search_tasks("manila", modified_since=None))
        assert [t.bug_id for t in tasks] == [SAMPLE_BUG] + [b.id for b in bugs]
        assert len(fake_lp.requests) == math.ceil(660 / 300) == 3
        assert {r.path for r in fake_lp.requests} == {"/devel/manila"}
        assert fake_lp.count("bugs/") == fake_lp.count("~") == 0
        assert [r.query.get("ws.start") for r in fake_lp.requests] == [None, ["300"], ["600"]]
        assert [r.query.get("ws.size") for r in fake_lp.requests] == [["300"]] * 3

    def test_exact_multiple_of_page_size_needs_no_extra_request(self, adapter, fake_lp):
        """600 tasks take exactly 2 pages: total_size ends the paging."""
        add_population(fake_lp, 599)
        assert len(list(adapter.search_tasks("manila", modified_since=None))) == 600
        assert len(fake_lp.requests) == 2

    def test_every_status_is_requested(self, adapter, fake_lp):
        """All statuses are sent, so closed tasks come back too (the default is unresolved)."""
        add_population(fake_lp, 24)
        tasks = list(adapter.search_tasks("manila", modified_since=None))
        assert fake_lp.requests[0].param("status") == list(ALL_STATUSES)
        assert fake_lp.requests[0].param("omit_duplicates") == [True]
        assert {t.status for t in tasks} == set(POPULATION_STATUSES)
        assert {t.bug_id for t in tasks if t.is_complete} == {
            POPULATION_START + i for i in range(24) if POPULATION_STATUSES[i % 12] in CLOSED
        }

    def test_statuses_can_be_narrowed(self, adapter, fake_lp):
        """Only the requested statuses are returned."""
        add_population(fake_lp, 24)
        tasks = adapter.search_tasks("manila", modified_since=None, statuses=["Fix Released"])
        assert [t.bug_id for t in tasks] == [POPULATION_START + 10, POPULATION_START + 22]

    def test_modified_since_is_strictly_after(self, adapter, fake_lp):
        """Only bugs updated strictly after modified_since are returned."""
        add_population(fake_lp, 30)
        since = POPULATION_BASE + timedelta(hours=25)
        tasks = list(adapter.search_tasks("manila", modified_since=since))
        assert [t.bug_id for t in tasks] == [SAMPLE_BUG] + [
            POPULATION_START + i for i in range(26, 30)
        ]
        assert fake_lp.requests[0].param("modified_since") == ["2021-01-02T01:00:00+00:00"]

    def test_naive_modified_since_is_utc(self, adapter, fake_lp):
        """A naive datetime is sent as UTC."""
        list(adapter.search_tasks("manila", modified_since=datetime(2021, 1, 2, 1)))  # noqa: DTZ001
        assert fake_lp.requests[0].param("modified_since") == ["2021-01-02T01:00:00+00:00"]

    def test_low_hanging_fruit_tag(self, adapter, fake_lp):
        """A tag query returns only the tagged bugs' tasks."""
        add_population(fake_lp, 20)
        tasks = adapter.search_tasks("manila", modified_since=None, tags=["low-hanging-fruit"])
        assert [t.bug_id for t in tasks] == [POPULATION_START + i for i in range(0, 20, 4)]
        assert fake_lp.requests[0].param("tags") == ["low-hanging-fruit"]
        assert fake_lp.requests[0].param("tags_combinator") == ["Any"]

    def test_all_tags_must_match_when_asked(self, adapter, fake_lp):
        """match_all_tags sends tags_combinator=All."""
        add_population(fake_lp, 8)
        tasks = adapter.search_tasks(
            "manila", modified_since=None, tags=["api", "scheduler"], match_all_tags=True
        )
        assert [t.bug_id for t in tasks] == [SAMPLE_BUG]

    def test_assignee_and_milestone_names_come_from_links(self, adapter, fake_lp):
        """Names are parsed from ~name and +milestone/name links without any fetch."""
        add_population(fake_lp, 10)
        tasks = list(adapter.search_tasks("manila", modified_since=None, assignee="haixin"))
        assert [(t.bug_id, t.assignee, t.milestone) for t in tasks] == [
            (SAMPLE_BUG, "haixin", None),
            (POPULATION_START, "haixin", "wallaby-2"),
            (POPULATION_START + 4, "haixin", None),
            (POPULATION_START + 8, "haixin", None),
        ]
        assert len(fake_lp.requests) == 1

    def test_unparseable_links_are_loaded_once_each(self, adapter, fake_lp, monkeypatch):
        """Were a link's name not readable from it, each link is fetched once per adapter."""
        monkeypatch.setattr(launchpad_adapter, "name_from_link", lambda link, marker: None)
        add_population(fake_lp, 20)
        tasks = list(adapter.search_tasks("manila", modified_since=None))
        assert {t.assignee for t in tasks} == {"haixin", "sample-dev-a", "sample-dev-b", None}
        assert {t.milestone for t in tasks} == {"wallaby-2", None}
        assert sorted(r.path for r in fake_lp.requests if r.op is None) == [
            "/devel/manila/+milestone/wallaby-2",
            "/devel/~haixin",
            "/devel/~sample-dev-a",
            "/devel/~sample-dev-b",
        ]

    def test_private_bugs_are_hidden_from_anonymous_search(self, adapter):
        """The private bug's task is not in an anonymous search."""
        tasks = adapter.search_tasks("manila", modified_since=None)
        assert [t.bug_id for t in tasks] == [SAMPLE_BUG]

    def test_unknown_status_is_refused_before_any_request(self, adapter, fake_lp):
        """A status Launchpad would reject raises ValueError locally."""
        with pytest.raises(ValueError, match="Unknown"):
            adapter.search_tasks("manila", modified_since=None, statuses=["Unknown"])
        assert fake_lp.requests == []

    def test_unknown_project_is_not_found_and_not_retried(self, adapter, fake_lp, sleeps):
        """A 404 maps to RemoteNotFoundError after a single request."""
        with pytest.raises(RemoteNotFoundError, match="searchTasks on nosuch: not found"):
            list(adapter.search_tasks("nosuch", modified_since=None))
        assert (len(fake_lp.requests), sleeps) == (1, [])


class TestFailures:
    def test_503_is_retried_by_launchpadlib(self, adapter, fake_lp, lazr_sleeps, sleeps):
        """Two 503s are absorbed by launchpadlib's back-off (0 s, 1 s), waited with the policy."""
        fake_lp.fail(503, times=2)
        assert list(adapter.get_bugs([SAMPLE_BUG])) == [SAMPLE]
        assert [r.status for r in fake_lp.requests] == [503, 503, 200, 200]
        assert (lazr_sleeps, sleeps) == ([], [0, 1])

    def test_persistent_503_is_unavailable_without_more_retries(
        self, adapter, fake_lp, lazr_sleeps, sleeps
    ):
        """After launchpadlib's 7 tries a 503 is final: no second retry layer."""
        fake_lp.fail(503, times=None)
        with pytest.raises(RemoteUnavailableError, match="HTTP 503 after launchpadlib"):
            list(adapter.get_bugs([SAMPLE_BUG]))
        assert (len(fake_lp.requests), lazr_sleeps, sleeps) == (7, [], [0, 1, 2, 4, 8, 16])

    def test_500_is_retried_with_backoff_then_unavailable(self, adapter, fake_lp, sleeps):
        """A persistent 500 is tried 3 times with 1 s and 2 s back-off."""
        fake_lp.fail(500, times=None)
        with pytest.raises(RemoteUnavailableError, match="failed after 3 attempts: HTTP 500"):
            list(adapter.get_bugs([SAMPLE_BUG]))
        assert ([r.status for r in fake_lp.requests], sleeps) == ([500, 500, 500], [1.0, 2.0])

    def test_failed_page_is_fetched_again_alone(self, adapter, fake_lp, sleeps, monkeypatch):
        """A 500 on page 2 retries that page only; no task is lost or repeated."""
        monkeypatch.setattr(launchpad_adapter, "SEARCH_PAGE_SIZE", 75)
        add_population(fake_lp, 159)
        fake_lp.fail(500, match="ws.start=75")
        tasks = list(adapter.search_tasks("manila", modified_since=None))
        assert len({t.bug_id for t in tasks}) == len(tasks) == 160
        assert [(r.query.get("ws.start"), r.status) for r in fake_lp.requests] == [
            (None, 200),
            (["75"], 500),
            (["75"], 200),
            (["150"], 200),
        ]
        assert sleeps == [1.0]

    def test_timeout_is_retried(self, adapter, fake_lp, sleeps, monkeypatch):
        """A request that times out is retried and then succeeds."""
        http = adapter._lp._browser._connection  # the policy's transport (GuardedHttp)
        send, timed_out = http.request, []

        def time_out_once(uri, *args, **kwargs):
            if "bugs/1855391" in str(uri) and not timed_out:
                timed_out.append(str(uri))
                raise TimeoutError("timed out")  # what httplib2 raises when the timeout fires
            return send(uri, *args, **kwargs)

        monkeypatch.setattr(http, "request", time_out_once)
        assert list(adapter.get_bugs([SAMPLE_BUG])) == [SAMPLE]
        assert (len(timed_out), sleeps) == (1, [1.0])

    def test_persistent_timeout_is_unavailable(self, make_adapter, fake_lp, sleeps):
        """A reply that never comes times out after the policy's timeout on every attempt."""
        make_adapter().connect()  # warms the cache: the next login sends nothing
        fake_lp.delay(60.0, times=None)  # no reply until the fake stops
        lp = make_adapter(timeout=0.05, retry=RetryPolicy(attempts=2))
        started = time.monotonic()
        with pytest.raises(RemoteUnavailableError, match="TimeoutError"):
            list(lp.get_bugs([SAMPLE_BUG]))
        assert time.monotonic() - started < 30  # the policy's timeout fired, not the delay
        assert sleeps == [1.0]

    def test_connection_reset_is_retried(self, adapter, fake_lp, sleeps):
        """A reset connection is retried once and the bug still arrives."""
        fake_lp.reset()
        assert list(adapter.get_bugs([SAMPLE_BUG])) == [SAMPLE]
        assert ([r.status for r in fake_lp.requests], sleeps) == ([0, 200, 200], [1.0])

    def test_refused_connection_is_unavailable(self, adapter, fake_lp):
        """A server that is gone is reported as unavailable."""
        fake_lp.stop()
        with pytest.raises(RemoteUnavailableError, match="ConnectionRefusedError"):
            list(adapter.get_bugs([SAMPLE_BUG]))

    def test_401_on_search_is_an_auth_error(self, adapter, fake_lp):
        """401/403 outside bug visibility map to RemoteAuthError."""
        fake_lp.fail(403)
        with pytest.raises(RemoteAuthError, match=r"refused \(HTTP 403\)"):
            list(adapter.search_tasks("manila", modified_since=None))

    def test_400_is_a_remote_error(self, adapter, fake_lp):
        """Other client errors are plain RemoteError and are not retried."""
        fake_lp.fail(400)
        with pytest.raises(RemoteError, match="HTTP 400") as caught:
            list(adapter.search_tasks("manila", modified_since=None))
        assert not isinstance(caught.value, RemoteUnavailableError)
        assert len(fake_lp.requests) == 1


class TestLinkNames:
    @pytest.mark.parametrize(
        ("link", "marker", "name"),
        [
            ("https://api.launchpad.net/devel/~haixin", "~", "haixin"),
            ("https://api.launchpad.net/devel/~manila-drivers", "~", "manila-drivers"),
            (
                "https://api.launchpad.net/devel/manila/+milestone/wallaby-rc1",
                "+milestone/",
                "wallaby-rc1",
            ),
            ("https://api.launchpad.net/devel/manila/+milestone/", "+milestone/", None),
            ("https://api.launchpad.net/devel/people/haixin", "~", None),
            ("https://api.launchpad.net/devel/~haixin/+archive", "~", None),
        ],
    )
    def test_names_read_from_links(self, link, marker, name):
        """Person and milestone names are the last ~name / +milestone/<name> path part."""
        assert name_from_link(link, marker) == name
