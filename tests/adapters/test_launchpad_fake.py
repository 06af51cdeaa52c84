"""FakeLaunchpad answers like the Launchpad web service (checked over raw HTTP)."""

from __future__ import annotations

import http.client
import json
import threading
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

import pytest
from fake_launchpad_fixture import (
    PRIVATE_BUG,
    SAMPLE_BUG,
    SECURITY_TEAM,
    add_population,
    load_sample,
    seed_samples,
)

from syncsvc.testing.fake_launchpad import FakeActivity, FakeAttachment, FakeLaunchpad, FakeTask
from syncsvc.testing.fake_launchpad_data import wadl_fields
from syncsvc.testing.fake_launchpad_http import FakeHTTPServer, FaultQueue, RequestLog

JSON = {"Accept": "application/json"}
WADL = {"Accept": "application/vnd.sun.wadl+xml"}


@pytest.fixture
def fake_lp():
    """A running FakeLaunchpad holding the sample bugs."""
    with FakeLaunchpad() as lp:
        seed_samples(lp)
        yield lp


def _get(lp, target, headers=JSON, conn=None):
    """GET ``target`` (a path or a full URL) on ``conn`` or a fresh connection; decode JSON."""
    parts = urlsplit(target)
    path = f"{parts.path}?{parts.query}" if parts.query else parts.path
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", urlsplit(lp.service_root).port)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
    finally:
        if own:
            conn.close()
    if response.getheader("Content-Type") == "application/json":
        body = json.loads(body)
    return response, body


def _search(lp, project="manila", **params):
    query = "&".join(f"{k}={quote(v)}" for k, v in {"ws.op": "searchTasks", **params}.items())
    return _get(lp, f"/devel/{project}?{query}")


def _without_etags(data):
    if isinstance(data, dict):
        return {k: _without_etags(v) for k, v in data.items() if k != "http_etag"}
    if isinstance(data, list):
        return [_without_etags(v) for v in data]
    return data


class TestServiceRoot:
    @pytest.mark.parametrize("version", ["devel", "1.0"])
    def test_wadl_is_served_with_its_base_rewritten(self, fake_lp, version):
        """The shipped WADL comes back cacheable, with every link under this server."""
        response, body = _get(fake_lp, f"/{version}/", WADL)
        assert response.status == 200
        assert response.getheader("Content-Type") == "application/vnd.sun.wadl+xml"
        assert response.getheader("Cache-Control") == "max-age=3600"
        text = body.decode()
        assert f'<wadl:resources base="{fake_lp.api_root(version)}">' in text
        assert "api.launchpad.test" not in text

    def test_root_json_otherwise(self, fake_lp):
        """Any other Accept gets the service root JSON with collection links."""
        response, body = _get(fake_lp, "/devel/")
        api = fake_lp.api_root()
        assert response.getheader("Cache-Control") == "max-age=3600"
        assert body["resource_type_link"] == f"{api}#service-root"
        assert body["bugs_collection_link"] == f"{api}bugs"
        assert body["projects_collection_link"] == f"{api}projects"

    def test_unknown_version_is_404(self, fake_lp):
        """Only the configured versions exist."""
        assert _get(fake_lp, "/2.0/")[0].status == 404


class TestEntries:
    @pytest.mark.parametrize(
        ("path", "sample"),
        [
            ("bugs/1855391", "bug_1855391.json"),
            ("bugs/1855391/bug_tasks", "bug_1855391_bug_tasks.json"),
            ("bugs/1855391/messages", "bug_1855391_messages.json"),
        ],
    )
    def test_sample_payloads_are_served_back(self, fake_lp, path, sample):
        """Loaded samples are served unchanged apart from the API root (and etags)."""
        response, body = _get(fake_lp, f"/devel/{path}")
        assert response.getheader("Content-Type") == "application/json"
        expected = load_sample(sample, fake_lp.api_root())
        assert _without_etags(body) == _without_etags(expected)

    @pytest.mark.parametrize(
        ("path", "type_id"),
        [
            ("bugs/1855391", "bug"),
            ("manila/+bug/1855391", "bug_task"),
            ("bugs/1855391/comments/1", "message"),
            ("~haixin", "person"),
            ("manila", "project"),
            ("manila/+milestone/wallaby-2", "milestone"),
        ],
    )
    def test_every_wadl_field_is_present(self, fake_lp, path, type_id):
        """Each entry has exactly the fields the WADL declares for its type."""
        fake_lp.add_milestone("manila", "wallaby-2")
        response, body = _get(fake_lp, f"/devel/{path}")
        assert response.status == 200
        assert set(body) == set(wadl_fields(f"{type_id}-full"))
        assert body["self_link"] == fake_lp.api_root() + path
        assert body["resource_type_link"] == f"{fake_lp.api_root()}#{type_id}"

    def test_etag_and_conditional_get(self, fake_lp):
        """Entries send their http_etag as ETag and answer If-None-Match with 304."""
        response, body = _get(fake_lp, "/devel/bugs/1855391")
        assert response.getheader("ETag") == body["http_etag"]
        again, empty = _get(fake_lp, "/devel/bugs/1855391", {"If-None-Match": body["http_etag"]})
        assert (again.status, empty) == (304, b"")

    def test_series_task_has_its_own_self_link(self, fake_lp):
        """A task on manila/wallaby lives at manila/wallaby/+bug/<id>."""
        fake_lp.add_bug(
            1900050, "Series bug", tasks=[FakeTask("manila"), FakeTask("manila/wallaby")]
        )
        _, body = _get(fake_lp, "/devel/manila/wallaby/+bug/1900050")
        assert (body["bug_target_name"], body["target_link"]) == (
            "manila/wallaby",
            fake_lp.api_root() + "manila/wallaby",
        )

    @pytest.mark.parametrize(
        "path", ["bugs/1900001", "bugs/1900001/bug_tasks", "manila/+bug/1900001"]
    )
    def test_private_bug_is_404_to_anonymous(self, fake_lp, path):
        """A private bug and everything below it is hidden from anonymous callers."""
        assert _get(fake_lp, f"/devel/{path}")[0].status == 404

    def test_private_bug_is_visible_to_a_subscriber_token(self, fake_lp):
        """An accepted OAuth token of a subscriber sees the private bug."""
        fake_lp.add_token("tok", SECURITY_TEAM)
        auth = {"Authorization": 'OAuth realm="OAuth", oauth_token="tok", oauth_signature="%26"'}
        response, body = _get(fake_lp, f"/devel/bugs/{PRIVATE_BUG}", {**JSON, **auth})
        assert (response.status, body["private"], body["information_type"]) == (
            200,
            True,
            "Private",
        )

    def test_unknown_token_is_401_like_launchpad(self, fake_lp):
        """An unknown token gets the 401 body launchpadlib recognises as a bad token."""
        auth = {"Authorization": 'OAuth realm="OAuth", oauth_token="nope"'}
        response, body = _get(fake_lp, "/devel/bugs/1855391", {**JSON, **auth})
        assert (response.status, body[:21]) == (401, b"Unknown access token ")


class TestSearch:
    def test_without_status_only_unresolved_tasks(self, fake_lp):
        """Like Launchpad, searchTasks without status returns unresolved tasks only."""
        add_population(fake_lp, 12)
        _, body = _search(fake_lp)
        statuses = {e["status"] for e in body["entries"]}
        assert statuses == {
            "New",
            "Incomplete",
            "Confirmed",
            "Triaged",
            "In Progress",
            "Fix Committed",
        }

    def test_pages_link_onwards_keeping_parameters(self, fake_lp):
        """Pages carry total_size/start and next/prev links that keep the other parameters."""
        add_population(fake_lp, 30)
        status = json.dumps(["New", "Fix Released", "Invalid"])
        _, first = _search(fake_lp, status=status, **{"ws.size": "3"})
        assert (first["total_size"], first["start"], len(first["entries"])) == (8, 0, 3)
        assert "prev_collection_link" not in first
        _, second = _get(fake_lp, first["next_collection_link"])
        assert (second["start"], len(second["entries"])) == (3, 3)
        query = urlsplit(second["next_collection_link"]).query
        assert "ws.op=searchTasks" in query
        assert f"status={quote(status, safe='')}" in query.replace("+", "%20")
        assert "ws.size=3&ws.start=6" in query
        assert "ws.start=0" in second["prev_collection_link"]

    def test_page_size_over_300_is_400(self, fake_lp):
        """ws.size is capped at 300, as on production."""
        response, body = _search(fake_lp, **{"ws.size": "301"})
        assert (response.status, body) == (400, b"Maximum for ws.size parameter is 300.")

    def test_bad_status_and_unknown_operation_are_400(self, fake_lp):
        """An unsearchable status or an unknown ws.op is a 400."""
        assert _search(fake_lp, status=json.dumps(["Unknown"]))[0].status == 400
        assert _get(fake_lp, "/devel/manila?ws.op=nosuch")[0].status == 400

    def test_tags_all_combinator_and_exclusion(self, fake_lp):
        """tags_combinator=All needs every tag; a leading '-' excludes a tag."""
        add_population(fake_lp, 8)
        _, both = _search(fake_lp, tags=json.dumps(["api", "scheduler"]), tags_combinator="All")
        assert [e["bug_link"].rsplit("/", 1)[1] for e in both["entries"]] == [str(SAMPLE_BUG)]
        _, excluded = _search(fake_lp, tags=json.dumps(["-low-hanging-fruit"]))
        assert all("1900100" not in e["bug_link"] for e in excluded["entries"])

    def test_order_by_and_modified_since(self, fake_lp):
        """order_by=-date_last_updated sorts newest first; modified_since is strict."""
        add_population(fake_lp, 6)
        _, body = _search(
            fake_lp,
            status=json.dumps(["New", "Incomplete", "Opinion", "Invalid", "Won't Fix", "Expired"]),
            order_by=json.dumps(["-date_last_updated"]),
            modified_since=json.dumps("2021-01-01T02:00:00+00:00"),
        )
        assert [e["bug_link"].rsplit("/", 1)[1] for e in body["entries"]] == [
            "1900105",
            "1900104",
            "1900103",
        ]

    def test_duplicates_are_omitted_unless_asked(self, fake_lp):
        """Duplicate bugs are left out by default and kept with omit_duplicates=false."""
        fake_lp.add_bug(1900060, "Dup", tasks=[FakeTask("manila")], duplicate_of=SAMPLE_BUG)
        _, default = _search(fake_lp)
        _, kept = _search(fake_lp, omit_duplicates="false")
        assert (default["total_size"], kept["total_size"]) == (1, 2)

    def test_has_patch_keeps_bugs_with_a_patch_attachment(self, fake_lp):
        """has_patch=true keeps the bugs with an attachment of type Patch (not any file),
        exactly those whose entry shows latest_patch_uploaded; false filters nothing."""
        when = datetime(2021, 5, 3, 9, 30, tzinfo=UTC)
        patch = FakeAttachment("fix.diff", date_created=when)
        log = FakeAttachment("console.log", is_patch=False, date_created=when)
        fake_lp.add_bug(1900061, "Patched", tasks=[FakeTask("manila")], attachments=[log, patch])
        fake_lp.add_bug(1900062, "Logs only", tasks=[FakeTask("manila")], attachments=[log])
        _, patched = _search(fake_lp, has_patch="true")
        _, everything = _search(fake_lp, has_patch="false")
        assert [e["bug_link"].rsplit("/", 1)[1] for e in patched["entries"]] == ["1900061"]
        assert everything["total_size"] == 3
        _, bug = _get(fake_lp, "/devel/bugs/1900061")
        _, other = _get(fake_lp, "/devel/bugs/1900062")
        assert (bug["latest_patch_uploaded"], other["latest_patch_uploaded"]) == (
            "2021-05-03T09:30:00+00:00",
            None,
        )


class TestActivity:
    def test_activity_is_a_collection_of_bug_activity_entries(self, fake_lp):
        """The bug links its log; the log is a page (total_size, start, entries) whose
        entries carry exactly the WADL's bug_activity fields."""
        when = datetime(2021, 6, 17, 9, 0, tzinfo=UTC)
        fake_lp.bugs[SAMPLE_BUG].activity = [
            FakeActivity(when, "ana", "manila: status", "New", "Confirmed"),
        ]
        api = fake_lp.api_root()
        _, bug = _get(fake_lp, f"/devel/bugs/{SAMPLE_BUG}")
        assert bug["activity_collection_link"] == f"{api}bugs/{SAMPLE_BUG}/activity"
        response, page = _get(fake_lp, bug["activity_collection_link"])
        assert response.status == 200
        assert (page["total_size"], page["start"]) == (1, 0)
        assert page["resource_type_link"] == f"{api}#bug_activity-page-resource"
        [entry] = page["entries"]
        assert set(entry) == set(wadl_fields("bug_activity-full"))
        assert _without_etags(entry) | {"self_link": None, "web_link": None} == {
            "self_link": None,
            "web_link": None,
            "resource_type_link": f"{api}#bug_activity",
            "bug_link": f"{api}bugs/{SAMPLE_BUG}",
            "datechanged": "2021-06-17T09:00:00+00:00",
            "person_link": f"{api}~ana",
            "whatchanged": "manila: status",
            "oldvalue": "New",
            "newvalue": "Confirmed",
            "message": None,
        }

    def test_private_bug_activity_is_404_to_anonymous(self, fake_lp):
        """A private bug's log is as hidden as the bug."""
        response, _ = _get(fake_lp, f"/devel/bugs/{PRIVATE_BUG}/activity")
        assert response.status == 404


class TestFaultsAndLifecycle:
    def test_fail_n_times_then_recover(self, fake_lp):
        """fail(503, times=2) answers two requests with 503, then serves normally."""
        fake_lp.fail(503, times=2)
        statuses = [_get(fake_lp, "/devel/bugs/1855391")[0].status for _ in range(3)]
        assert statuses == [503, 503, 200]
        assert [(r.path, r.status) for r in fake_lp.requests] == [
            ("/devel/bugs/1855391", s) for s in statuses
        ]

    def test_reset_is_recorded_with_status_zero(self, fake_lp):
        """A reset connection raises on the client and is logged with status 0."""
        fake_lp.reset(match="bugs/")
        with pytest.raises(ConnectionError):
            _get(fake_lp, "/devel/bugs/1855391")
        assert [r.status for r in fake_lp.requests] == [0]

    def test_redirect_points_the_same_path_at_another_root(self, fake_lp):
        """redirect(to) answers 302 with Location under ``to``, once, then serves normally."""
        fake_lp.redirect("http://127.0.0.2:9/", match="bugs/")
        moved, _ = _get(fake_lp, "/devel/bugs/1855391")
        assert (moved.status, moved.getheader("Location")) == (
            302,
            "http://127.0.0.2:9/devel/bugs/1855391",
        )
        assert _get(fake_lp, "/devel/bugs/1855391")[0].status == 200

    def test_corrupt_cuts_the_body_and_keeps_the_etag(self, fake_lp):
        """corrupt() sends half the real JSON with the real status, type and ETag."""
        good, entry = _get(fake_lp, "/devel/bugs/1855391")
        fake_lp.corrupt(match="bugs/")
        conn = http.client.HTTPConnection("127.0.0.1", urlsplit(fake_lp.service_root).port)
        conn.request("GET", "/devel/bugs/1855391", headers=JSON)
        bad = conn.getresponse()
        body = bad.read()
        conn.close()
        assert (bad.status, bad.getheader("Content-Type")) == (200, "application/json")
        assert bad.getheader("ETag") == good.getheader("ETag") == entry["http_etag"]
        whole = json.dumps(entry).encode()
        assert body == whole[: len(whole) // 2]

    def test_link_root_moves_the_page_links(self, fake_lp):
        """With link_root set, next_collection_link points at that root."""
        add_population(fake_lp, 6)
        fake_lp.page_size = 2
        fake_lp.link_root = "http://127.0.0.2:9/"
        _, first = _search(fake_lp)
        assert first["next_collection_link"].startswith("http://127.0.0.2:9/devel/manila?")

    def test_stop_closes_keep_alive_connections(self, fake_lp):
        """After stop() a pooled keep-alive connection no longer gets answers."""
        conn = http.client.HTTPConnection("127.0.0.1", urlsplit(fake_lp.service_root).port)
        assert _get(fake_lp, "/devel/bugs/1855391", conn=conn)[0].status == 200
        fake_lp.stop()
        with pytest.raises((ConnectionError, http.client.HTTPException)):
            _get(fake_lp, "/devel/bugs/1855391", conn=conn)
        conn.close()


def test_a_request_meeting_a_stopping_fake_gets_503() -> None:
    """A read still in flight while the fake stops gets a 503, not a handler traceback."""

    def stopped(method, target, headers, body):  # what FakeLaunchpad does once stopped
        raise RuntimeError("FakeLaunchpad is not running")

    server = FakeHTTPServer(stopped, RequestLog(), FaultQueue())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        server.stopping.set()
        conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=5)
        conn.request("GET", "/devel/bugs/1")
        reply = conn.getresponse()
        assert (reply.status, reply.read()) == (503, b"FakeLaunchpad stopped")
        conn.close()
    finally:
        server.stop()
        thread.join(timeout=5)
