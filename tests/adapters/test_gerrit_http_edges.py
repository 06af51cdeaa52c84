"""GerritAdapter HTTP edge cases against `responses` mocks shaped like real Gerrit replies.

A real Gerrit 200 is ``)]}'`` + newline + compact JSON + newline with
``Content-Type: application/json; charset=utf-8``; its errors are ``text/plain``.
Every mock here copies that shape unless the test is about a deviation from it.
"""

from __future__ import annotations

import base64
import json
import logging
import traceback
from collections import Counter
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
import responses
import time_machine
from responses import matchers

from syncsvc import __version__
from syncsvc.adapters.gerrit import QUERY_OPTIONS, GerritAdapter
from syncsvc.adapters.http import HttpPolicy, RetryPolicy
from syncsvc.errors import (
    RemoteAuthError,
    RemoteError,
    RemoteNotFoundError,
    RemoteUnavailableError,
)
from syncsvc.hosts import ForeignHostError
from syncsvc.testing.fake_gerrit import make_change, render_change

ROOT = "http://gerrit.test"
CHANGES = f"{ROOT}/changes/"
AUTH_CHANGES = f"{ROOT}/a/changes/"
USER, PASSWORD = "syncsvc-bot", "s3cret-Gerrit-HTTP-pw"
TOKEN = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
JSON_TYPE = "application/json; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"
# o= as the adapter sends them, in order, after the encoded q=.
OPTIONS_QS = "&".join(f"o={o}" for o in QUERY_OPTIONS)
LOGIN_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>Sign in</title></head>"
    '<body><form action="/oauth2/login" method="post"><input name="user"></form></body></html>\n'
)


def change_info(number: int, **fields: Any) -> dict[str, Any]:
    """The ChangeInfo Gerrit sends for change ``number`` with the adapter's o= options."""
    return render_change(make_change(number, **fields), frozenset(QUERY_OPTIONS))


def gerrit_body(changes: object, *, newline: bool = True) -> str:
    """A real-shaped Gerrit JSON body: XSSI prefix, compact JSON, trailing newline."""
    return ")]}'\n" + json.dumps(changes, separators=(",", ":")) + ("\n" if newline else "")


def page(*numbers: int, more: bool = False) -> dict[str, Any]:
    """Keyword arguments for a 200 reply holding ``numbers``; ``more`` flags the last one."""
    infos = [change_info(n) for n in numbers]
    if more:
        infos[-1]["_more_changes"] = True
    return {"body": gerrit_body(infos), "content_type": JSON_TYPE}


def error(status: int, text: str, **headers: str) -> dict[str, Any]:
    """Keyword arguments for a Gerrit error reply: text/plain with a trailing newline."""
    return {"status": status, "body": text + "\n", "content_type": TEXT_TYPE, "headers": headers}


def url(query: str, *, n: int = 100, skip: int | None = None, root: str = CHANGES) -> str:
    """The URL the adapter should request, with ``query`` already percent-encoded by the caller."""
    tail = "" if skip is None else f"&S={skip}"
    return f"{root}?q={query}&{OPTIONS_QS}&n={n}{tail}"


def urls() -> list[str]:
    """Every URL requested so far in this test, redirects and retries included."""
    return [call.request.url for call in responses.calls]


@pytest.fixture
def sleeps() -> list[float]:
    """The delays the adapter asked to sleep, recorded instead of slept."""
    return []


@pytest.fixture
def make_adapter(sleeps):
    """Build adapters on ROOT that record their backoff sleeps instead of sleeping."""
    made: list[GerritAdapter] = []

    def factory(**kwargs: Any) -> GerritAdapter:
        policy = HttpPolicy(retry=RetryPolicy(attempts=3, base_delay=0.5), sleep=sleeps.append)
        made.append(adapter := GerritAdapter(ROOT, policy=policy, **kwargs))
        return adapter

    yield factory
    for adapter in made:
        adapter.close()


def numbers(adapter: GerritAdapter, query: str = "status:open", **kwargs: Any) -> list[int]:
    """The change numbers ``iter_changes`` yields, in order."""
    return [change.number for change in adapter.iter_changes(query, **kwargs)]


class TestPrefixStripping:
    @responses.activate(assert_all_requests_are_fired=True)
    def test_real_shaped_body_is_parsed(self, make_adapter):
        """A prefixed, newline-terminated UTF-8 body yields its changes with non-ASCII intact."""
        owner_named = change_info(2, subject="Zoë's fix: naïve → aware datetimes")
        responses.get(
            CHANGES, body=gerrit_body([change_info(3), owner_named]), content_type=JSON_TYPE
        )
        changes = list(make_adapter().iter_changes("status:open"))
        assert [(c.number, c.subject) for c in changes] == [
            (3, "Sample change"),
            (2, "Zoë's fix: naïve → aware datetimes"),
        ]

    @responses.activate(assert_all_requests_are_fired=True)
    def test_last_string_ending_with_quote_survives(self, make_adapter):
        """JSON whose last string ends with `'` keeps that quote (the newline protects it)."""
        info = change_info(7)
        info.pop("subject")
        info["subject"] = "Revert 'Use the new API'"  # now the last string of the document
        body = gerrit_body([info])
        assert body.endswith("""Revert 'Use the new API'"}]\n""")
        responses.get(CHANGES, body=body, content_type=JSON_TYPE)
        (change,) = make_adapter().iter_changes("status:open")
        assert (change.number, change.subject) == (7, "Revert 'Use the new API'")

    @responses.activate(assert_all_requests_are_fired=True)
    def test_empty_result_is_one_request_and_no_changes(self, make_adapter, sleeps):
        """`)]}'` + `[]` is a valid empty answer: no changes, no paging, no retry."""
        responses.get(CHANGES, body=")]}'\n[]\n", content_type=JSON_TYPE)
        assert numbers(make_adapter()) == []
        assert (urls(), sleeps) == ([url("status%3Aopen")], [])

    @pytest.mark.parametrize(
        "subject", ["Plain subject", "Revert 'Use the new API'"], ids=["plain", "ends-with-quote"]
    )
    @responses.activate(assert_all_requests_are_fired=True)
    def test_body_without_trailing_newline_is_parsed(self, make_adapter, sleeps, subject):
        """A complete body lacking only the final newline is parsed in one request."""
        info = change_info(5)
        info.pop("subject")
        info["subject"] = subject
        responses.get(CHANGES, body=gerrit_body([info], newline=False), content_type=JSON_TYPE)
        changes = list(make_adapter().iter_changes("status:open"))
        assert [(c.number, c.subject) for c in changes] == [(5, subject)]
        assert (len(responses.calls), sleeps) == (1, [])


class TestUnexpectedBodies:
    @responses.activate(assert_all_requests_are_fired=True)
    def test_text_plain_200_is_a_remote_error_without_retry(self, make_adapter, sleeps):
        """A 200 text/plain body is returned raw by the client; the adapter rejects it once."""
        responses.get(
            CHANGES, body="Gerrit is in read-only maintenance mode\n", content_type=TEXT_TYPE
        )
        with pytest.raises(RemoteError) as raised:
            numbers(make_adapter())
        assert type(raised.value) is RemoteError
        assert str(raised.value) == (
            "Gerrit query 'status:open' (n=100, S=0): expected a JSON list, got str"
        )
        assert (len(responses.calls), sleeps) == (1, [])

    @responses.activate(assert_all_requests_are_fired=True)
    def test_json_object_instead_of_list_is_a_remote_error(self, make_adapter, sleeps):
        """A prefixed JSON object (not a list) is a RemoteError naming the type, not retried."""
        responses.get(CHANGES, body=gerrit_body({"message": "odd"}), content_type=JSON_TYPE)
        with pytest.raises(RemoteError, match=r"expected a JSON list, got dict$"):
            numbers(make_adapter())
        assert (len(responses.calls), sleeps) == (1, [])

    @responses.activate(assert_all_requests_are_fired=True)
    def test_truncated_json_is_retried_then_parsed(self, make_adapter, sleeps, caplog):
        """A body cut short mid-JSON is transient: retried once, then the full page is used."""
        full = gerrit_body([change_info(9), change_info(8)])
        responses.get(CHANGES, body=full[: len(full) // 2], content_type=JSON_TYPE)
        responses.get(CHANGES, body=full, content_type=JSON_TYPE)
        assert numbers(make_adapter()) == [9, 8]
        assert urls() == [url("status%3Aopen")] * 2
        assert sleeps == [0.5]
        (warning,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert "unreadable JSON" in warning
        assert "retry 1/2 in 0.5s" in warning

    @responses.activate(assert_all_requests_are_fired=True)
    def test_truncated_json_every_time_gives_up(self, make_adapter, sleeps):
        """A body that is always cut short ends in RemoteUnavailableError after 3 attempts."""
        full = gerrit_body([change_info(9)])
        responses.get(CHANGES, body=full[:-40], content_type=JSON_TYPE)
        with pytest.raises(RemoteUnavailableError, match="after 3 attempts: unreadable JSON"):
            numbers(make_adapter())
        assert (len(responses.calls), sleeps) == (3, [0.5, 1.0])

    @responses.activate(assert_all_requests_are_fired=True)
    def test_html_login_page_is_a_clear_remote_error(self, make_adapter, sleeps):
        """A proxy's HTML login page (200 text/html) fails once with a message naming HTML."""
        responses.get(CHANGES, body=LOGIN_PAGE, content_type="text/html; charset=utf-8")
        with pytest.raises(RemoteError) as raised:
            numbers(make_adapter())
        assert (len(responses.calls), sleeps) == (1, [])
        assert type(raised.value) is RemoteError
        assert str(raised.value) == (
            "Gerrit query 'status:open' (n=100, S=0): "
            "Gerrit answered text/html, not JSON: is the URL right?"
        )

    @responses.activate(assert_all_requests_are_fired=True)
    def test_200_without_content_type_is_parsed_or_a_remote_error(self, make_adapter, sleeps):
        """A 200 without Content-Type never leaks a bare TypeError.

        A body with Gerrit's )]}' prefix is parsed; anything else is a RemoteError, not retried.
        """
        responses.get(CHANGES, body=gerrit_body([change_info(1)]), content_type=None)
        assert numbers(make_adapter()) == [1]
        responses.get(CHANGES, body="maintenance\n", content_type=None)
        with pytest.raises(RemoteError, match="without a Content-Type, not JSON") as raised:
            numbers(make_adapter())
        assert type(raised.value) is RemoteError
        assert (len(responses.calls), sleeps) == (2, [])


class TestRetry:
    @pytest.mark.parametrize(
        ("retry_after", "slept"),
        [("7", 7.0), (" 12 ", 12.0), ("0", 0.5), ("3600", 120.0), ("soon", 0.5)],
        ids=["seconds", "padded", "zero-uses-backoff", "capped", "garbage-ignored"],
    )
    @responses.activate(assert_all_requests_are_fired=True)
    def test_429_retry_after_seconds(self, make_adapter, sleeps, retry_after, slept):
        """A 429's Retry-After in seconds replaces a shorter backoff and is capped at 120 s."""
        responses.get(CHANGES, **error(429, "Too Many Requests", **{"Retry-After": retry_after}))
        responses.get(CHANGES, **page(4))
        assert numbers(make_adapter()) == [4]
        assert urls() == [url("status%3Aopen")] * 2
        assert sleeps == [slept]

    @pytest.mark.parametrize(
        ("retry_after", "slept"),
        [
            ("Mon, 26 Oct 2020 09:00:30 GMT", 30.0),
            ("Monday, 26-Oct-20 09:01:00 GMT", 60.0),
            ("Mon, 26 Oct 2020 08:59:00 GMT", 0.5),
        ],
        ids=["imf-fixdate", "rfc850", "in-the-past"],
    )
    @responses.activate(assert_all_requests_are_fired=True)
    def test_429_retry_after_http_date(self, make_adapter, sleeps, retry_after, slept):
        """A Retry-After HTTP-date waits until that instant; a past date falls back to backoff."""
        responses.get(CHANGES, **error(429, "Too Many Requests", **{"Retry-After": retry_after}))
        responses.get(CHANGES, **page(4))
        with time_machine.travel(datetime(2020, 10, 26, 9, 0, 0, tzinfo=UTC), tick=False):
            assert numbers(make_adapter()) == [4]
        assert urls() == [url("status%3Aopen")] * 2
        assert sleeps == [slept]

    @responses.activate(assert_all_requests_are_fired=True)
    def test_429_with_malformed_digit_retry_after_uses_backoff(self, make_adapter, sleeps):
        """A Retry-After of '²' is ignored like any other malformed value."""
        responses.get(CHANGES, **error(429, "Too Many Requests", **{"Retry-After": "\u00b2"}))
        responses.get(CHANGES, **page(4))
        assert numbers(make_adapter()) == [4]
        assert sleeps == [0.5]

    @responses.activate(assert_all_requests_are_fired=True)
    def test_503_twice_then_success(self, make_adapter, sleeps, caplog):
        """Two 503s are retried at the same URL with 0.5 s then 1 s backoff, then parsed."""
        responses.get(CHANGES, **error(503, "Service Unavailable"))
        responses.get(CHANGES, **error(503, "Service Unavailable"))
        responses.get(CHANGES, **page(6, 5))
        assert numbers(make_adapter(), "project:openstack/manila") == [6, 5]
        assert urls() == [url("project%3Aopenstack%2Fmanila")] * 3
        assert sleeps == [0.5, 1.0]
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert warnings == [
            "Gerrit query 'project:openstack/manila' (n=100, S=0) failed (HTTP 503); "
            f"retry {k}/2 in {delay:.1f}s"
            for k, delay in ((1, 0.5), (2, 1.0))
        ]

    @responses.activate(assert_all_requests_are_fired=True)
    def test_503_mid_paging_retries_the_same_offset(self, make_adapter, sleeps):
        """A 503 on page 2 is retried with the same S, and paging then completes."""
        responses.get(CHANGES, **page(6, 5, more=True))
        responses.get(CHANGES, **error(503, "Service Unavailable"))
        responses.get(CHANGES, **page(4, 3))
        assert numbers(make_adapter(), page_size=2) == [6, 5, 4, 3]
        assert urls() == [
            url("status%3Aopen", n=2),
            url("status%3Aopen", n=2, skip=2),
            url("status%3Aopen", n=2, skip=2),
        ]
        assert sleeps == [0.5]

    @responses.activate(assert_all_requests_are_fired=True)
    def test_503_forever_gives_up_with_unavailable(self, make_adapter, sleeps):
        """Three 503s exhaust the policy: RemoteUnavailableError after exactly 3 requests."""
        responses.get(CHANGES, **error(503, "Service Unavailable"))
        with pytest.raises(RemoteUnavailableError) as raised:
            numbers(make_adapter())
        assert str(raised.value) == (
            "Gerrit query 'status:open' (n=100, S=0) failed after 3 attempts: HTTP 503"
        )
        assert (len(responses.calls), sleeps) == (3, [0.5, 1.0])


class TestAuthAndNotFound:
    @pytest.mark.parametrize("status", [401, 403])
    @responses.activate(assert_all_requests_are_fired=True)
    def test_refused_credentials_never_leak_the_password(
        self, make_adapter, sleeps, caplog, status
    ):
        """401/403 on /a/ is RemoteAuthError at once; the password is in no message or log."""
        caplog.set_level(logging.DEBUG)
        responses.get(AUTH_CHANGES, **error(503, "Service Unavailable"))
        challenge = {"WWW-Authenticate": 'Basic realm="Gerrit Code Review"'}
        responses.get(AUTH_CHANGES, **error(status, "Unauthorized", **challenge))
        adapter = make_adapter(username=USER, password=PASSWORD)
        with pytest.raises(RemoteAuthError) as raised:
            numbers(adapter)
        assert str(raised.value) == (
            f"Gerrit query 'status:open' (n=100, S=0): Gerrit refused the credentials (HTTP {status})"
        )
        assert urls() == [url("status%3Aopen", root=AUTH_CHANGES)] * 2
        assert [c.request.headers["Authorization"] for c in responses.calls] == [
            f"Basic {TOKEN}"
        ] * 2
        assert sleeps == [0.5]  # the 503 before it was retried, the refusal was not
        texts = {
            "str": str(raised.value),
            "repr": repr(raised.value),
            "hint": str(raised.value.hint),
            "traceback": "".join(traceback.format_exception(raised.value)),
            "logs": caplog.text,
            "adapter": repr(adapter),
        }
        assert caplog.records, "expected the retry and the request to be logged"
        assert {k: (PASSWORD in v or TOKEN in v) for k, v in texts.items()} == dict.fromkeys(
            texts, False
        )

    @responses.activate(assert_all_requests_are_fired=True)
    def test_404_is_not_found_without_retry(self, make_adapter, sleeps):
        """A 404 (wrong base path) raises RemoteNotFoundError after a single request."""
        responses.get(CHANGES, **error(404, "Not Found"))
        with pytest.raises(RemoteNotFoundError) as raised:
            numbers(make_adapter())
        assert str(raised.value) == "Gerrit query 'status:open' (n=100, S=0): not found (HTTP 404)"
        assert raised.value.hint == "check the Gerrit URL"
        assert (urls(), sleeps) == ([url("status%3Aopen")], [])

    @responses.activate(assert_all_requests_are_fired=True)
    def test_400_carries_the_server_text(self, make_adapter, sleeps):
        """A 400 text/plain reason is quoted in the RemoteError, and nothing is retried."""
        responses.get(CHANGES, **error(400, "Unsupported operator foo:bar"))
        with pytest.raises(RemoteError) as raised:
            numbers(make_adapter(), "foo:bar")
        assert type(raised.value) is RemoteError
        assert str(raised.value) == (
            "Gerrit rejected Gerrit query 'foo:bar' (n=100, S=0): Unsupported operator foo:bar"
        )
        assert (len(responses.calls), sleeps) == (1, [])


class TestRedirects:
    @responses.activate(assert_all_requests_are_fired=True)
    def test_http_to_https_redirect_is_followed_with_the_query(self, make_adapter, sleeps):
        """A 301 to https is followed once, keeping the encoded query, and the page is parsed."""
        first = url("status%3Aopen")
        moved = "https" + first.removeprefix("http")
        responses.get(CHANGES, status=301, headers={"Location": moved}, body="")
        responses.get("https://gerrit.test/changes/", **page(2, 1))
        assert numbers(make_adapter()) == [2, 1]
        assert urls() == [first, moved]
        assert sleeps == []

    @responses.activate(assert_all_requests_are_fired=True)
    def test_redirect_to_another_host_is_refused_unsent(self, make_adapter, sleeps):
        """A redirect off the Gerrit host is refused before it is sent, and not retried."""
        elsewhere = "http://sso.test/login?next=%2Fa%2Fchanges%2F"
        responses.get(AUTH_CHANGES, status=302, headers={"Location": elsewhere}, body="")
        with pytest.raises(ForeignHostError, match=r"http://sso\.test is not in allowed_hosts"):
            numbers(make_adapter(username=USER, password=PASSWORD))
        assert urls() == [url("status%3Aopen", root=AUTH_CHANGES)]
        assert responses.calls[0].request.headers["Authorization"] == f"Basic {TOKEN}"
        assert sleeps == []

    @responses.activate(assert_all_requests_are_fired=True)
    def test_redirect_loop_is_a_remote_error_without_retry(self, make_adapter, sleeps):
        """An endless redirect stops at requests' limit as a plain RemoteError, not retried."""
        responses.get(CHANGES, status=302, headers={"Location": url("status%3Aopen")}, body="")
        with pytest.raises(RemoteError) as raised:
            numbers(make_adapter())
        assert type(raised.value) is RemoteError
        assert str(raised.value) == (
            "Gerrit query 'status:open' (n=100, S=0) failed: Exceeded 30 redirects."
        )
        assert len(responses.calls) == 31
        assert sleeps == []


class TestQueryEncoding:
    @pytest.mark.parametrize(
        ("query", "encoded"),
        [
            ('message:"C++"', "message%3A%22C%2B%2B%22"),
            ("message:#42", "message%3A%2342"),
            ("topic:a&b", "topic%3Aa%26b"),
            ("status:open project:nova", "status%3Aopen%20project%3Anova"),
            ('message:"say \\"hi\\""', "message%3A%22say%20%5C%22hi%5C%22%22"),
            ('owner:"O\'Brien"', "owner%3A%22O%27Brien%22"),
            ('owner:"Zoë Ñúñez"', "owner%3A%22Zo%C3%AB%20%C3%91%C3%BA%C3%B1ez%22"),
            ("message:100%=done?x/y", "message%3A100%25%3Ddone%3Fx%2Fy"),
        ],
        ids=[
            "plus",
            "hash",
            "ampersand",
            "space",
            "escaped-quotes",
            "apostrophe",
            "non-ascii",
            "pct-eq-qmark-slash",
        ],
    )
    @responses.activate(assert_all_requests_are_fired=True)
    def test_query_reaches_the_server_exactly(self, make_adapter, query, encoded):
        """The requested URL carries the query percent-encoded once and decodes back to it."""
        responses.get(CHANGES, **page(1))
        assert numbers(make_adapter(), query) == [1]
        (requested,) = urls()
        assert requested == url(encoded)
        assert parse_qs(urlsplit(requested).query)["q"] == [query]

    @responses.activate(assert_all_requests_are_fired=True)
    def test_combined_query_is_one_q_parameter(self, make_adapter):
        """A query mixing every special character stays a single q= with nothing cut off."""
        query = "message:\"C++ #42 & 'x' = ü\" topic:a+b"
        responses.get(
            CHANGES,
            match=[matchers.query_param_matcher({"q": query}, strict_match=False)],
            **page(1),
        )
        assert numbers(make_adapter(), query) == [1]
        (requested,) = urls()
        assert requested == url(
            "message%3A%22C%2B%2B%20%2342%20%26%20%27x%27%20%3D%20%C3%BC%22%20topic%3Aa%2Bb"
        )
        assert [k for k, _ in parse_qsl(urlsplit(requested).query)].count("q") == 1


class TestParameters:
    @responses.activate(assert_all_requests_are_fired=True)
    def test_each_option_sent_exactly_once_per_page(self, make_adapter):
        """Every page sends each of the five o= options exactly once, in a stable order."""
        responses.get(CHANGES, **page(3, 2, more=True))
        responses.get(CHANGES, **page(1))
        assert numbers(make_adapter(), page_size=2) == [3, 2, 1]
        for requested in urls():
            pairs = parse_qsl(urlsplit(requested).query)
            assert [v for k, v in pairs if k == "o"] == list(QUERY_OPTIONS)
            assert Counter(k for k, _ in pairs) == Counter(
                {"o": 5, "q": 1, "n": 1} | ({"S": 1} if "&S=" in requested else {})
            )

    @responses.activate(assert_all_requests_are_fired=True)
    def test_n_and_s_page_through_the_result(self, make_adapter, sleeps):
        """n is the page size on every page; S is absent on page 1 and then the running offset."""
        base = {"q": "status:open", "o": list(QUERY_OPTIONS), "n": "2"}
        for skip, numbers_on_page, more in [
            (None, (5, 4), True),
            (2, (3, 2), True),
            (4, (1,), False),
        ]:
            expected = base if skip is None else {**base, "S": str(skip)}
            responses.get(
                CHANGES,
                match=[matchers.query_param_matcher(expected)],
                **page(*numbers_on_page, more=more),
            )
        assert numbers(make_adapter(), page_size=2) == [5, 4, 3, 2, 1]
        assert urls() == [
            url("status%3Aopen", n=2),
            url("status%3Aopen", n=2, skip=2),
            url("status%3Aopen", n=2, skip=4),
        ]
        assert sleeps == []

    @responses.activate(assert_all_requests_are_fired=True)
    def test_short_page_with_more_changes_advances_by_what_came(self, make_adapter):
        """When the server returns fewer than n but _more_changes, S advances by the count received."""
        responses.get(CHANGES, **page(9, 8, 7, more=True))
        responses.get(CHANGES, **page(6))
        assert numbers(make_adapter(), page_size=100) == [9, 8, 7, 6]
        assert urls() == [url("status%3Aopen"), url("status%3Aopen", skip=3)]

    @responses.activate(assert_all_requests_are_fired=True)
    def test_get_changes_sends_n_equal_to_the_batch(self, make_adapter):
        """get_changes asks each OR batch with n equal to its number of distinct changes."""
        responses.get(CHANGES, **page(12, 11))
        responses.get(CHANGES, **page(10))
        found = [c.number for c in make_adapter().get_changes([12, 11, 12, 10], batch=2)]
        assert found == [12, 11, 10]
        assert urls() == [
            url("change%3A12%20OR%20change%3A11", n=2),
            url("change%3A10", n=1),
        ]


class TestHeaders:
    @responses.activate(assert_all_requests_are_fired=True)
    def test_user_agent_and_accept_on_every_request(self, make_adapter):
        """Each request, retries included, sends the syncsvc User-Agent and Accept JSON."""
        expected = {"User-Agent": f"syncsvc/{__version__}", "Accept": "application/json"}
        responses.get(CHANGES, match=[matchers.header_matcher(expected)], **error(503, "Busy"))
        responses.get(CHANGES, match=[matchers.header_matcher(expected)], **page(1))
        assert numbers(make_adapter()) == [1]
        assert [c.request.headers["User-Agent"] for c in responses.calls] == ["syncsvc/0.1.0"] * 2
        assert all(
            "python-requests" not in c.request.headers["User-Agent"] for c in responses.calls
        )

    @responses.activate(assert_all_requests_are_fired=True)
    def test_anonymous_requests_carry_no_authorization(self, make_adapter):
        """Without credentials the request goes to /changes/ with no Authorization header."""
        responses.get(CHANGES, **page(1))
        assert numbers(make_adapter()) == [1]
        assert urls() == [url("status%3Aopen")]
        assert "Authorization" not in responses.calls[0].request.headers
