"""Pure translation of Gerrit payloads: timestamps, footers, votes, retry helpers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from syncsvc.adapters.gerrit import label_value, parse_change, parse_timestamp
from syncsvc.adapters.http import RetryPolicy, parse_retry_after
from syncsvc.domain import Footers, footers_from_message, message_body
from syncsvc.domain.footers import BODY_LIMIT
from syncsvc.errors import RemoteError

CHANGE_ID = "I148225926cd249a0dd8d1f8c02b22ed06487f405"


class TestTimestamps:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2021-06-22 18:04:12.987654321", datetime(2021, 6, 22, 18, 4, 12, 987654, tzinfo=UTC)),
            ("2020-08-06 14:37:51.000000000", datetime(2020, 8, 6, 14, 37, 51, tzinfo=UTC)),
            ("2020-08-06 14:37:51.5", datetime(2020, 8, 6, 14, 37, 51, 500000, tzinfo=UTC)),
            ("2020-08-06 14:37:51", datetime(2020, 8, 6, 14, 37, 51, tzinfo=UTC)),
        ],
    )
    def test_nine_digit_fractions_become_aware_utc(self, text, expected):
        """Gerrit timestamps parse to timezone-aware UTC datetimes, truncated to microseconds."""
        parsed = parse_timestamp(text)
        assert parsed == expected
        assert parsed.tzinfo is UTC

    @pytest.mark.parametrize("text", ["2021-06-22T18:04:12Z", "22/06/2021", "", "2021-06-22 18:04"])
    def test_other_formats_are_rejected(self, text):
        """Anything but Gerrit's format is a ValueError."""
        with pytest.raises(ValueError, match="not a Gerrit timestamp"):
            parse_timestamp(text)


class TestFooters:
    @pytest.mark.parametrize(
        ("footer", "expected"),
        [
            ("Closes-Bug: #1900001", Footers(closes_bug=("1900001",))),
            ("Closes-Bug: 1900001", Footers(closes_bug=("1900001",))),
            ("closes-bug:#1900001", Footers(closes_bug=("1900001",))),
            ("Closes-Bug: #1900001, #1900002", Footers(closes_bug=("1900001", "1900002"))),
            (
                "Closes-Bug: 1900001,1900002 1900003",
                Footers(closes_bug=("1900001", "1900002", "1900003")),
            ),
            ("Closes-Bug: LP#1900001", Footers(closes_bug=("1900001",))),
            ("Partial-Bug: #7", Footers(partial_bug=("7",))),
            ("Related-Bug: #8\nRelated-Bug: #8", Footers(related_bug=("8",))),
            (
                "Implements: blueprint share-server-update",
                Footers(blueprints=("share-server-update",)),
            ),
            (
                "Partially-Implements: bp share-network-subnets",
                Footers(blueprints=("share-network-subnets",)),
            ),
            ("Implements: bp:per-share-quotas", Footers(blueprints=("per-share-quotas",))),
            ("Implements: blueprint one, blueprint two", Footers(blueprints=("one", "two"))),
            ("Implements: bare-name", Footers(blueprints=("bare-name",))),
            ("Implements: the whole new API", Footers()),
            (f"Change-Id: {CHANGE_ID}", Footers(change_id=CHANGE_ID)),
            ("Change-Id: not-a-change-id", Footers()),
        ],
    )
    def test_footer_variants(self, footer, expected):
        """Each spelling of a footer seen in OpenStack commits is understood."""
        assert footers_from_message(f"Subject line\n\nBody text.\n\n{footer}\n") == expected

    def test_full_message_keeps_order_and_last_change_id(self):
        """Footers keep first-seen order, and the last Change-Id wins."""
        message = (
            "Add spec for share server updates\n\n"
            "This mentions Closes-Bug: #1 mid-sentence, which is not a footer.\n\n"
            "Closes-Bug: #1900003\n"
            "Partial-Bug: #1900002\n\n"
            f"Change-Id: I{'0' * 40}\n"
            "Implements: blueprint sample-a\n"
            "Partially-Implements: bp sample-b\n"
            "Closes-Bug: #1900001\n"
            f"Change-Id: {CHANGE_ID}\n"
        )
        assert footers_from_message(message) == Footers(
            closes_bug=("1900003", "1900001"),
            partial_bug=("1900002",),
            blueprints=("sample-a", "sample-b"),
            change_id=CHANGE_ID,
        )

    def test_crlf_line_endings(self):
        """Messages with CRLF line endings give the same footers."""
        message = f"Subject\r\n\r\nCloses-Bug: #5\r\nChange-Id: {CHANGE_ID}\r\n"
        assert footers_from_message(message) == Footers(closes_bug=("5",), change_id=CHANGE_ID)

    def test_empty_message(self):
        """No message means no footers."""
        assert footers_from_message("") == Footers()


class TestMessageBody:
    def test_subject_footers_and_urls_are_left_out(self):
        """The body keeps the prose after the subject line, joined; footers and URLs go."""
        message = (
            "Add affinity filter\n\nShares can ask to land near\nor away from others.\n\n"
            "See https://review.opendev.org/c/openstack/manila-specs/+/1 for the spec.\n\n"
            f"Partially-Implements: bp affinity\nChange-Id: {CHANGE_ID}\n"
            "Signed-off-by: Ana <ana@example.org>\n"
        )
        assert message_body(message) == "Shares can ask to land near or away from others."

    def test_a_long_body_is_cut_at_a_word(self):
        """A body longer than BODY_LIMIT keeps its first words, no cut word at the end."""
        body = message_body("Subject\n\n" + "affinity " * 1000)
        assert len(body) <= BODY_LIMIT
        assert body.split(" ")[-1] == "affinity"
        assert body.split(" ") == ["affinity"] * len(body.split(" "))

    def test_a_subject_alone_has_no_body(self):
        """A one-line message (or none) has an empty body."""
        assert (message_body("Fix typo"), message_body("")) == ("", "")


class TestVotes:
    @pytest.mark.parametrize(
        ("name", "label", "expected"),
        [
            ("Code-Review", {"rejected": {"_account_id": 1}}, -2),
            ("Code-Review", {"approved": {"_account_id": 1}}, 2),
            ("Code-Review", {"disliked": {"_account_id": 1}, "value": -1}, -1),
            ("Code-Review", {"recommended": {"_account_id": 1}}, 1),
            ("Verified", {"approved": {"_account_id": 1}}, 2),
            ("Verified", {"rejected": {"_account_id": 1}}, -2),
            ("Workflow", {"approved": {"_account_id": 1}}, 1),
            ("Workflow", {"rejected": {"_account_id": 1}}, -1),
            ("Backport-Candidate", {"approved": {"_account_id": 1}}, 1),
            ("Code-Review", {}, 0),
            ("Verified", {"approved": {}, "values": {"-1": "", " 0": "", "+1": ""}}, 1),
        ],
    )
    def test_most_significant_value(self, name, label, expected):
        """rejected is the minimum, approved the maximum, else the disliked/recommended value."""
        assert label_value(name, label) == expected


class TestParseChange:
    def test_missing_fields_are_a_remote_error(self):
        """A ChangeInfo without required fields raises RemoteError, not KeyError."""
        with pytest.raises(RemoteError, match="malformed ChangeInfo"):
            parse_change({"_number": 1, "project": "p"}, base_url="https://review.example.org")

    def test_unknown_status_is_a_remote_error(self, gerrit_samples):
        """A status outside NEW/MERGED/ABANDONED (old DRAFT) raises RemoteError."""
        info = {**gerrit_samples[758868], "status": "DRAFT"}
        with pytest.raises(RemoteError, match="DRAFT"):
            parse_change(info, base_url="https://review.example.org")

    def test_minimal_change_without_options(self, gerrit_samples):
        """Without revisions or labels the record still parses, with empty votes and footers."""
        info = {k: v for k, v in gerrit_samples[758868].items() if k not in ("revisions", "labels")}
        change = parse_change(info, base_url="https://review.opendev.org")
        assert (change.current_patch_set, change.votes, change.footers) == (None, (), Footers())
        assert change.url == "https://review.opendev.org/c/openstack/project-config/+/758868"


class TestRetryHelpers:
    @pytest.mark.parametrize(
        ("header", "expected"),
        [
            ("7", 7.0),
            ("Mon, 26 Oct 2020 14:00:30 GMT", 30.0),
            ("Mon, 26 Oct 2020 13:00:00 GMT", 0.0),
            ("soon", None),
            (None, None),
        ],
    )
    def test_retry_after(self, header, expected):
        """Retry-After is read as seconds or an HTTP date relative to now."""
        now = datetime(2020, 10, 26, 14, 0, tzinfo=UTC)
        assert parse_retry_after(header, now=now) == expected

    def test_backoff_is_exponential_capped_and_yields_to_retry_after(self):
        """Delays double up to max_delay; a longer Retry-After wins, up to max_retry_after."""
        policy = RetryPolicy(base_delay=1, max_delay=5, max_retry_after=60)
        assert [policy.delay(k) for k in range(1, 6)] == [1, 2, 4, 5, 5]
        assert (policy.delay(1, 30), policy.delay(3, 0.5), policy.delay(1, 600)) == (30, 4, 60)


class TestJeepybFooterForms:
    """Footer forms jeepyb understands reach the Change record too."""

    def test_fixes_resolves_and_bare_bug(self) -> None:
        """Fixes-Bug, Resolves-Bug and a bare 'Bug:' close; Impacts relates."""
        footers = footers_from_message(
            "Fix extend\n\nFixes-Bug: #1855391\nResolves-Bug: 1900001\nBug: #1900002\n"
            "Impacts: bug #1900003\nChange-Id: I0123456789abcdef0123456789abcdef01234567\n"
        )
        assert footers.closes_bug == ("1855391", "1900001", "1900002")
        assert footers.related_bug == ("1900003",)
        assert footers.change_id == "I0123456789abcdef0123456789abcdef01234567"
