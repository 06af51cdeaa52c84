"""LaunchpadAdapter.set_task_status and FakeLaunchpad's PATCH, driven by the real launchpadlib."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from datetime import UTC, datetime

import pytest
from fake_launchpad_fixture import SAMPLE_BUG, seed_samples
from launchpadlib.credentials import AccessToken, Credentials
from launchpadlib.launchpad import Launchpad
from lazr.restfulclient.authorize.oauth import SystemWideConsumer
from lazr.restfulclient.errors import Unauthorized

from syncsvc.adapters.http import HttpPolicy, RetryPolicy, no_wait
from syncsvc.adapters.launchpad import LaunchpadAdapter, LaunchpadConfig
from syncsvc.errors import RemoteAuthError, RemoteNotFoundError
from syncsvc.testing.fake_launchpad import FakeLaunchpad

TOKEN = "sample-write-token"
SECRET = "sample-write-secret"
WRITER = "sample-bug-supervisor"
WRITE_TIME = datetime(2021, 7, 1, 12, 0, tzinfo=UTC)
TASK_PATH = f"/devel/manila/+bug/{SAMPLE_BUG}"


@pytest.fixture
def fake_lp(monkeypatch):
    """A running FakeLaunchpad with the sample bugs, a write token and a fixed clock."""
    with FakeLaunchpad(clock=lambda: WRITE_TIME) as lp:
        seed_samples(lp)
        lp.add_token(TOKEN, WRITER)
        yield lp


@pytest.fixture
def credentials_file(tmp_path):
    """An OAuth token file as launchpadlib's ``login_with(credentials_file=...)`` writes it."""
    credentials = Credentials(None)
    credentials.consumer = SystemWideConsumer("syncsvc")
    credentials.access_token = AccessToken(TOKEN, SECRET)
    path = tmp_path / "launchpad-credentials"
    credentials.save_to_path(str(path))
    return path


@pytest.fixture
def make_adapter(fake_lp, tmp_path):
    """Build logged-in adapters on the fake (the request log starts empty); closed afterwards."""
    made: list[LaunchpadAdapter] = []

    def make(credentials_file=None) -> LaunchpadAdapter:
        config = LaunchpadConfig(
            fake_lp.service_root,
            tmp_path / "launchpadlib",
            credentials_file=credentials_file,
            http=HttpPolicy(timeout=2.0, retry=RetryPolicy(attempts=3), sleep=no_wait),
        )
        made.append(LaunchpadAdapter(config))
        made[-1].connect()
        fake_lp.clear_requests()
        return made[-1]

    yield make
    for adapter in made:
        adapter.close()


def stored_task(fake_lp: FakeLaunchpad, target: str = "manila"):
    """The fake's task of the sample bug on ``target``."""
    return next(t for t in fake_lp.bugs[SAMPLE_BUG].tasks if t.target == target)


def task_entry(fake_lp: FakeLaunchpad) -> dict:
    """The sample task as the fake serves it (anonymous GET, not logged)."""
    with urllib.request.urlopen(fake_lp.api_root() + TASK_PATH.removeprefix("/devel/")) as answer:
        return json.loads(answer.read())


def patch(fake_lp: FakeLaunchpad, body: object, **headers: str) -> tuple[int, str]:
    """PATCH the sample task as the token holder; the status and body of the answer."""
    request = urllib.request.Request(
        fake_lp.api_root() + TASK_PATH.removeprefix("/devel/"),
        data=json.dumps(body).encode(),
        method="PATCH",
        headers={
            "Content-Type": "application/json",
            "Authorization": f'OAuth oauth_token="{TOKEN}"',
            **headers,
        },
    )
    try:
        with urllib.request.urlopen(request) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


class TestSetTaskStatus:
    """Writing a task status through the adapter."""

    def test_authenticated_write_is_one_load_and_one_patch(
        self, make_adapter, fake_lp, credentials_file
    ):
        """The task is loaded, PATCHed with its ETag and the OAuth token; the fake stores it."""
        etag = task_entry(fake_lp)["http_etag"]
        adapter = make_adapter(credentials_file)
        assert adapter.set_task_status(SAMPLE_BUG, "manila", "Fix Released") is True
        assert [(r.method, r.path, r.status) for r in fake_lp.requests] == [
            ("GET", TASK_PATH, 200),
            ("PATCH", TASK_PATH, 209),
        ]
        [write] = fake_lp.writes
        assert write.json() == {"status": "Fix Released"}
        assert write.headers["if-match"] == etag
        assert write.headers["content-type"] == "application/json"
        assert f'oauth_token="{TOKEN}"' in write.headers["authorization"]
        task = stored_task(fake_lp)
        assert (task.status, task.dates["date_fix_released"], task.dates["date_closed"]) == (
            "Fix Released",
            WRITE_TIME,
            WRITE_TIME,
        )
        assert fake_lp.bugs[SAMPLE_BUG].date_last_updated == WRITE_TIME

    def test_write_is_read_back(self, make_adapter, fake_lp, credentials_file):
        """A later read shows the new status, its dates and a new ETag."""
        before = task_entry(fake_lp)
        make_adapter(credentials_file).set_task_status(SAMPLE_BUG, "manila", "Fix Released")
        after = task_entry(fake_lp)
        assert (after["status"], after["is_complete"], after["date_fix_released"]) == (
            "Fix Released",
            True,
            WRITE_TIME.isoformat(),
        )
        assert after["date_in_progress"] == before["date_in_progress"]
        assert after["http_etag"] != before["http_etag"]
        [bug] = make_adapter().get_bugs([SAMPLE_BUG])
        assert [(t.target, t.status, t.date_fix_released) for t in bug.tasks] == [
            ("manila", "Fix Released", WRITE_TIME)
        ]

    def test_same_status_writes_nothing(self, make_adapter, fake_lp, credentials_file):
        """A task that already has the status is loaded but not saved."""
        adapter = make_adapter(credentials_file)
        assert adapter.set_task_status(SAMPLE_BUG, "manila", "In Progress") is False
        assert ([r.method for r in fake_lp.requests], fake_lp.writes) == (["GET"], [])

    def test_anonymous_adapter_refuses_before_any_request(self, make_adapter, fake_lp):
        """Without a credentials file the adapter refuses and names the config key."""
        adapter = make_adapter()
        with pytest.raises(RemoteAuthError, match="anonymous access cannot write") as raised:
            adapter.set_task_status(SAMPLE_BUG, "manila", "Fix Released")
        assert "credentials_file" in (raised.value.hint or "")
        assert (fake_lp.requests, stored_task(fake_lp).status) == ([], "In Progress")

    def test_unknown_status_is_a_value_error(self, make_adapter, fake_lp, credentials_file):
        """A status Launchpad does not have is refused before any request."""
        adapter = make_adapter(credentials_file)
        with pytest.raises(ValueError, match="'Done'"):
            adapter.set_task_status(SAMPLE_BUG, "manila", "Done")
        assert fake_lp.requests == []

    def test_unknown_task_is_not_found(self, make_adapter, fake_lp, credentials_file):
        """A bug without a task on the target is RemoteNotFoundError; nothing is written."""
        adapter = make_adapter(credentials_file)
        with pytest.raises(RemoteNotFoundError, match="HTTP 404"):
            adapter.set_task_status(SAMPLE_BUG, "nova", "Fix Released")
        assert fake_lp.writes == []

    def test_credentials_are_never_logged(self, make_adapter, credentials_file, caplog):
        """Neither the token nor its secret appears in the log, at any level."""
        caplog.set_level(logging.DEBUG)
        make_adapter(credentials_file).set_task_status(SAMPLE_BUG, "manila", "Fix Released")
        assert "set status Fix Released: done" in caplog.text
        assert TOKEN not in caplog.text
        assert SECRET not in caplog.text


class TestFakeWrites:
    """The fake's PATCH rules."""

    def test_anonymous_launchpadlib_write_is_401(self, fake_lp, tmp_path):
        """launchpadlib logged in anonymously gets 401 for lp_save(); the task is unchanged."""
        lp = Launchpad.login_anonymously(
            "syncsvc",
            service_root=fake_lp.service_root,
            version="devel",
            launchpadlib_dir=str(tmp_path / "anon"),
            proxy_info=None,
            timeout=2.0,
        )
        task = lp.load(fake_lp.api_root() + TASK_PATH.removeprefix("/devel/"))
        task.status = "Fix Released"
        with pytest.raises(Unauthorized):
            task.lp_save()
        [write] = fake_lp.writes
        assert (write.method, write.path, write.status) == ("PATCH", TASK_PATH, 401)
        assert write.json() == {"status": "Fix Released"}
        assert stored_task(fake_lp).status == "In Progress"

    def test_stale_etag_is_412(self, fake_lp):
        """If-Match that is not the task's current ETag is refused."""
        status, _ = patch(fake_lp, {"status": "Triaged"}, **{"If-Match": '"stale-etag"'})
        assert (status, stored_task(fake_lp).status) == (412, "In Progress")

    def test_bad_values_are_400(self, fake_lp):
        """Unknown statuses and read-only or nonexistent fields are refused by name."""
        assert patch(fake_lp, {"status": "Done"})[0] == 400
        assert patch(fake_lp, {"title": "x"}) == (
            400,
            "title: You tried to modify a read-only attribute.",
        )
        assert patch(fake_lp, {"colour": "red"}) == (
            400,
            "colour: You tried to modify a nonexistent attribute.",
        )
        assert stored_task(fake_lp).status == "In Progress"

    def test_answer_is_the_new_entry(self, fake_lp):
        """209 carries the changed task; assignee and importance are writable too."""
        status, body = patch(
            fake_lp,
            {"importance": "High", "assignee_link": None, "status": "Triaged"},
            **{"If-Match": task_entry(fake_lp)["http_etag"]},
        )
        entry = json.loads(body)
        assert status == 209
        assert (entry["status"], entry["importance"], entry["assignee_link"]) == (
            "Triaged",
            "High",
            None,
        )
        assert entry == task_entry(fake_lp)
