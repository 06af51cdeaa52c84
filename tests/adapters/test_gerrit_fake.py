"""The fake Gerrit answers like Gerrit's REST API, so adapter tests can trust it."""

from __future__ import annotations

import json
import socket
import time
from datetime import UTC, datetime

import pytest
import requests

from syncsvc.domain import Account
from syncsvc.testing.fake_gerrit import FakeGerrit, _change_terms, make_change

ALICE = Account(2001, "alice", "Alice Example", "alice@example.org")
BOB = Account(2002, "bob", "Bob Example", "bob@example.org")


def when(day: int, hour: int = 12, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2020, 10, day, hour, minute, second, tzinfo=UTC)


def body(response: requests.Response):
    """Decode a Gerrit JSON reply, checking the XSSI prefix and trailing newline."""
    assert response.text.startswith(")]}'\n")
    assert response.text.endswith("\n")
    return json.loads(response.text[5:])


def numbers(result) -> list[int]:
    return [c["_number"] for c in result]


@pytest.fixture
def gerrit():
    """A small store exercising every supported operator."""
    changes = [
        make_change(1, project="openstack/manila", owner=ALICE, updated=when(20),
                    topic="wallaby-ptg", hashtags=["ptg", "Wallaby"],
                    commit_message='Fix C++ #42 "quoted" thing\n\nCloses-Bug: #1\n'),
        make_change(2, project="openstack/manila-specs", owner=BOB, updated=when(26, 14, 3, 17),
                    status="MERGED", branch="stable/victoria"),
        make_change(3, project="openstack/python-manilaclient", owner=ALICE,
                    updated=when(27), status="ABANDONED"),
        make_change(4, project="openstack/manila", owner=BOB, updated=when(27),
                    labels={"Code-Review": [(ALICE, 2), (BOB, -1)], "Workflow": [(ALICE, 1)],
                            "Verified": [(BOB, 1)]},
                    messages=[(BOB, "Patch Set 1: Code-Review-1")]),
    ]  # fmt: skip
    with FakeGerrit(changes=changes, users={"alice": "pw"}) as fake:
        yield fake


def get(fake: FakeGerrit, path: str = "/changes/", **params) -> requests.Response:
    return requests.get(fake.url + path, params=params, timeout=5)


class TestWireFormat:
    def test_json_body_has_prefix_newline_and_content_type(self, gerrit):
        """A 200 reply is `)]}'` + newline + compact JSON + newline, as application/json."""
        response = get(gerrit, q="change:1")
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
        assert response.text.startswith(")]}'\n[{")
        assert numbers(body(response)) == [1]

    def test_bad_query_is_400_text_plain(self, gerrit):
        """A query error is 400 with a text/plain message naming the operator."""
        response = get(gerrit, q="foo:bar")
        assert response.status_code == 400
        assert response.headers["Content-Type"].startswith("text/plain")
        assert response.text == "Unsupported operator foo:bar\n"

    def test_unknown_path_is_404(self, gerrit):
        """Paths other than /changes/ and /a/changes/ are 404."""
        assert get(gerrit, "/accounts/self").status_code == 404

    def test_authenticated_path_without_credentials_is_401(self, gerrit):
        """/a/changes/ without basic credentials is 401 text/plain with a challenge."""
        response = get(gerrit, "/a/changes/", q="change:1")
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == 'Basic realm="Gerrit Code Review"'
        assert gerrit.requests[-1].user is None

    def test_authenticated_path_with_credentials_records_user(self, gerrit):
        """/a/changes/ with the right HTTP password answers and records the user."""
        response = requests.get(
            gerrit.url + "/a/changes/", params={"q": "change:1"}, auth=("alice", "pw"), timeout=5
        )
        assert numbers(body(response)) == [1]
        assert gerrit.requests[-1].user == "alice"
        assert (
            requests.get(gerrit.url + "/a/changes/", auth=("alice", "no"), timeout=5).status_code
            == 401
        )


class TestParameters:
    def test_no_query_lists_open_changes(self, gerrit):
        """Without q Gerrit lists open changes."""
        assert numbers(body(get(gerrit))) == [4, 1]

    def test_several_q_give_a_list_of_lists(self, gerrit):
        """Repeated q parameters give one result list per query, in order."""
        result = body(get(gerrit, q=["change:1", "status:merged", "change:99"]))
        assert [numbers(r) for r in result] == [[1], [2], []]

    def test_sorted_by_updated_then_number_descending(self, gerrit):
        """Results are newest update first; ties go to the higher number."""
        assert numbers(body(get(gerrit, q="project:^openstack/.*"))) == [4, 3, 2, 1]

    def test_n_is_capped_at_max_limit(self, gerrit):
        """n above the server maximum returns the maximum, flagged with _more_changes."""
        gerrit.max_limit = 3
        result = body(get(gerrit, q="project:^openstack/.*", n=100))
        assert numbers(result) == [4, 3, 2]
        assert result[-1]["_more_changes"] is True

    def test_more_changes_only_on_last_and_only_with_n(self, gerrit):
        """_more_changes marks the last element when more remain, and only if n was sent."""
        first = body(get(gerrit, q="project:^openstack/.*", n=2))
        assert [c.get("_more_changes") for c in first] == [None, True]
        last = body(get(gerrit, q="project:^openstack/.*", n=2, S=2))
        assert numbers(last) == [2, 1]
        assert "_more_changes" not in last[-1]
        assert all("_more_changes" not in c for c in body(get(gerrit, q="project:^openstack/.*")))

    def test_start_is_an_alias_of_s_but_not_both(self, gerrit):
        """start works like S; sending both is a 400."""
        assert numbers(body(get(gerrit, q="project:^openstack/.*", n=1, start=1))) == [3]
        assert get(gerrit, q="change:1", S=0, start=0).status_code == 400

    def test_unimplemented_option_is_400(self, gerrit):
        """An option the fake does not render is refused instead of silently ignored."""
        response = get(gerrit, q="change:1", o="ALL_REVISIONS")
        assert response.status_code == 400
        assert "ALL_REVISIONS" in response.text

    def test_requests_are_recorded_with_parsed_parameters(self, gerrit):
        """Every request is recorded with method, path and repeated parameters."""
        get(gerrit, q=["change:1", "change:2"], o=["LABELS", "SKIP_DIFFSTAT"], n=5)
        record = gerrit.requests[-1]
        assert (record.method, record.path) == ("GET", "/changes/")
        assert record.params == {
            "q": ["change:1", "change:2"],
            "o": ["LABELS", "SKIP_DIFFSTAT"],
            "n": ["5"],
        }


class TestRendering:
    def test_default_has_no_optional_sections(self, gerrit):
        """Without options: owner is only an id; no labels, messages or revisions."""
        (change,) = body(get(gerrit, q="change:4"))
        assert change["owner"] == {"_account_id": 2002}
        assert {"labels", "messages", "revisions", "current_revision"}.isdisjoint(change)
        assert change["id"] == f"openstack%2Fmanila~master~{change['change_id']}"
        assert change["created"].endswith(".000000000")
        assert (change["insertions"], change["deletions"]) == (14, 4)

    def test_detailed_accounts_and_skip_diffstat(self, gerrit):
        """DETAILED_ACCOUNTS adds name, email, username; SKIP_DIFFSTAT drops the diffstat."""
        (change,) = body(get(gerrit, q="change:4", o=["DETAILED_ACCOUNTS", "SKIP_DIFFSTAT"]))
        assert change["owner"] == {"_account_id": 2002, "name": "Bob Example",
                                   "email": "bob@example.org", "username": "bob"}  # fmt: skip
        assert "insertions" not in change

    def test_current_revision_without_and_with_commit(self, gerrit):
        """CURRENT_REVISION gives the revision; CURRENT_COMMIT adds the commit message."""
        (plain,) = body(get(gerrit, q="change:1", o="CURRENT_REVISION"))
        revision = plain["revisions"][plain["current_revision"]]
        assert revision["_number"] == 1
        assert revision["ref"] == "refs/changes/01/1/1"
        assert "commit" not in revision
        (full,) = body(get(gerrit, q="change:1", o=["CURRENT_REVISION", "CURRENT_COMMIT"]))
        commit = full["revisions"][full["current_revision"]]["commit"]
        assert commit["message"].startswith("Fix C++ #42")

    def test_labels_give_the_most_significant_vote(self, gerrit):
        """LABELS gives one summary per label: rejected, approved, disliked or recommended."""
        (change,) = body(get(gerrit, q="change:4", o="LABELS"))
        assert change["labels"] == {
            "Code-Review": {"approved": {"_account_id": 2001}},
            "Verified": {"recommended": {"_account_id": 2002}, "value": 1},
            "Workflow": {"approved": {"_account_id": 2001}},
        }

    def test_detailed_labels_add_all_votes_and_values(self, gerrit):
        """DETAILED_LABELS adds every vote and the label's value range."""
        (change,) = body(get(gerrit, q="change:4", o="DETAILED_LABELS"))
        review = change["labels"]["Code-Review"]
        assert [(a["_account_id"], a["value"]) for a in review["all"]] == [(2001, 2), (2002, -1)]
        assert sorted(review["values"]) == [" 0", "+1", "+2", "-1", "-2"]

    def test_messages(self, gerrit):
        """MESSAGES adds the change messages with their authors."""
        (change,) = body(get(gerrit, q="change:4", o="MESSAGES"))
        assert [(m["author"], m["message"]) for m in change["messages"]] == [
            ({"_account_id": 2002}, "Patch Set 1: Code-Review-1")
        ]

    def test_merged_change_has_submitted(self, gerrit):
        """A merged change carries submitted and submitter; an open one does not."""
        merged, opened = body(get(gerrit, q="change:2 OR change:1"))
        assert merged["submitted"] == "2020-10-26 14:03:17.000000000"
        assert merged["submitter"] == {"_account_id": 2002}
        assert "submitted" not in opened


class TestQueryLanguage:
    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("change:2", [2]),
            ("project:openstack/manila", [4, 1]),
            ("project:^openstack/manila.*", [4, 2, 1]),
            ("branch:stable/victoria", [2]),
            ("branch:refs/heads/master status:abandoned", [3]),
            ("topic:wallaby-ptg", [1]),
            ("owner:alice", [3, 1]),
            ("owner:bob@example.org", [4, 2]),
            ("owner:2002", [4, 2]),
            ("status:open", [4, 1]),
            ("status:new", [4, 1]),
            ("status:merged", [2]),
            ("status:abandoned", [3]),
            ('after:"2020-10-26 14:03:17"', [4, 3, 2]),
            ('before:"2020-10-26 14:03:17"', [2, 1]),
            ("after:2020-10-27", [4, 3]),
            ('after:"2020-10-26 07:03:18 -0700"', [4, 3]),
            ('message:"c++ #42 \\"quoted\\""', [1]),
            ("message:closes-bug", [1]),
            ("hashtag:wallaby", [1]),
            ("project:openstack/manila AND owner:bob", [4]),
            ("project:openstack/manila owner:bob", [4]),
            ("owner:alice OR owner:bob", [4, 3, 2, 1]),
            ("NOT status:open", [3, 2]),
            ("-status:open owner:alice", [3]),
            ("(change:1 OR change:2) -status:merged", [1]),
            ("change:1 OR change:2 status:merged", [2, 1]),
        ],
    )
    def test_supported_operators(self, gerrit, query, expected):
        """Each implemented operator and combinator selects the expected changes."""
        response = get(gerrit, q=query)
        assert response.status_code == 200, response.text
        assert numbers(body(response)) == expected

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ("is:open", "Unsupported operator is:open"),
            ("bug:1900001", "Unsupported operator bug:1900001"),
            ("limit:5", "Unsupported operator limit:5"),
            ("age:1d", "Unsupported operator age:1d"),
            ("manila", "Unsupported query term 'manila'"),
            ("status:bogus", "Unrecognized value: bogus"),
            ("(change:1", "Missing closing parenthesis"),
            ("change:1)", "Cannot parse query"),
            ("after:yesterday", "Invalid date format: yesterday"),
            ("change:1 and change:2", "Unsupported query term 'and'"),
        ],
    )
    def test_anything_else_is_400(self, gerrit, query, message):
        """Operators, values and syntax outside the subset are a loud 400."""
        response = get(gerrit, q=query)
        assert response.status_code == 400
        assert response.text.startswith(message)


class TestLookups:
    @pytest.mark.parametrize(
        "query",
        [
            "change:4 OR change:1 OR change:99",
            "change:1 OR change:1",
            "change:01 OR change:2",
            "change:3",
            "change:-1 OR change:x",
        ],
    )
    def test_change_disjunction_answers_as_the_predicate_does(self, gerrit, query):
        """A plain `change:` disjunction, answered by lookup, equals the same query scanned."""
        looked_up = numbers(body(get(gerrit, q=query)))
        scanned = numbers(body(get(gerrit, q=f"({query})")))  # parenthesised: every change tested
        assert looked_up == scanned

    def test_only_plain_change_disjunctions_are_looked_up(self):
        """Lookup takes unquoted `change:` terms joined by OR; anything else is scanned."""
        assert _change_terms("change:1 OR change:I0a") == ["1", "I0a"]
        assert _change_terms("(change:1 OR change:2)") is None
        assert _change_terms('change:"1"') is None
        assert _change_terms("change:1 change:2") is None

    def test_change_id_terms_are_looked_up_too(self, gerrit):
        """A Change-Id among the terms names its change, in the usual order."""
        change_id = gerrit.get_change(3)["change_id"]
        assert numbers(body(get(gerrit, q=f"change:1 OR change:{change_id}"))) == [3, 1]

    def test_a_stored_change_replaces_the_kept_answers(self, gerrit):
        """After add_change the same queries see the new store, paging included."""
        assert numbers(body(get(gerrit, q="change:5 OR change:1"))) == [1]
        assert numbers(body(get(gerrit, q="project:openstack/manila", n=1))) == [4]
        gerrit.add_change(make_change(5, project="openstack/manila", updated=when(28)))
        assert numbers(body(get(gerrit, q="change:5 OR change:1"))) == [5, 1]
        first = body(get(gerrit, q="project:openstack/manila", n=1))
        rest = body(get(gerrit, q="project:openstack/manila", n=1, S=1))
        assert (numbers(first), first[-1]["_more_changes"], numbers(rest)) == ([5], True, [4])


class TestFaults:
    def test_status_fault_for_n_requests_with_retry_after(self, gerrit):
        """A status fault answers the next `times` requests, then the server recovers."""
        gerrit.add_fault(status=429, times=2, retry_after="3", body="Too Many Requests")
        first, second, third = (get(gerrit, q="change:1") for _ in range(3))
        assert [r.status_code for r in (first, second, third)] == [429, 429, 200]
        assert first.headers["Retry-After"] == "3"
        assert first.text == "Too Many Requests\n"
        assert len(gerrit.requests) == 3

    def test_reset_drops_the_connection(self, gerrit):
        """A reset fault makes the client see a connection error."""
        gerrit.add_fault(reset=True)
        with pytest.raises(requests.ConnectionError):
            get(gerrit, q="change:1")
        assert get(gerrit, q="change:1").status_code == 200

    def test_truncated_body(self, gerrit):
        """A truncate fault sends half the declared body and closes the connection."""
        gerrit.add_fault(truncate=True)
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            get(gerrit, q="change:1")

    def test_delay_trips_a_client_timeout(self, gerrit):
        """A delay fault holds the reply long enough for a short client timeout to fire."""
        gerrit.add_fault(delay=60.0)  # held until the fake stops, whatever the load
        started = time.monotonic()
        with pytest.raises(requests.Timeout):
            requests.get(gerrit.url + "/changes/", timeout=0.05)
        assert time.monotonic() - started < 30  # the client's timeout, not the delay

    def test_fault_limited_to_a_path_prefix(self, gerrit):
        """A fault with path_prefix only hits matching paths."""
        gerrit.add_fault(status=503, times=None, path_prefix="/a/")
        assert get(gerrit, q="change:1").status_code == 200
        assert get(gerrit, "/a/changes/", q="change:1").status_code == 503

    def test_redirect_fault_sends_location_with_the_path(self, gerrit):
        """A status fault with location redirects to the same path and query there."""
        gerrit.add_fault(status=302, location="http://127.0.0.2:9", body="")
        moved = requests.get(gerrit.url + "/changes/?q=change:1", allow_redirects=False, timeout=5)
        assert (moved.status_code, moved.headers["Location"]) == (
            302,
            "http://127.0.0.2:9/changes/?q=change:1",
        )


class TestLifecycle:
    def test_stop_closes_idle_keep_alive_connections(self):
        """Stopping with an idle keep-alive connection open is quick and closes it."""
        fake = FakeGerrit(changes=[make_change(1)])
        fake.start()
        session = requests.Session()
        assert session.get(fake.url + "/changes/", timeout=5).status_code == 200
        url = fake.url
        started = time.monotonic()
        fake.stop()
        assert time.monotonic() - started < 1.0
        with pytest.raises(requests.ConnectionError):
            session.get(url + "/changes/", timeout=1)

    def test_stop_interrupts_a_delayed_reply(self):
        """Stopping does not wait for a slow-reply fault to finish its delay."""
        fake = FakeGerrit().__enter__()
        fake.add_fault(delay=30)
        client = socket.create_connection(("127.0.0.1", int(fake.url.rsplit(":", 1)[1])))
        client.sendall(b"GET /changes/ HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.05)
        started = time.monotonic()
        fake.__exit__(None, None, None)
        assert time.monotonic() - started < 1.0
        client.close()

    def test_loads_sample_payloads(self, fake_gerrit, gerrit_samples):
        """The sample JSON files load as stored changes and round-trip unchanged."""
        options = [
            "DETAILED_ACCOUNTS",
            "CURRENT_REVISION",
            "CURRENT_COMMIT",
            "DETAILED_LABELS",
            "MESSAGES",
        ]
        response = get(fake_gerrit, q="change:745206 OR change:758868 OR change:729292", o=options)
        result = {c["_number"]: c for c in body(response)}
        assert result == gerrit_samples
