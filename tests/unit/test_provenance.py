"""Which source a summary is: Message-ID, archive URL, or a name (option, Subject, title)."""

from __future__ import annotations

import pytest

from syncsvc.domain import SourceKey, SourceKind
from syncsvc.parse.provenance import identify, message_id, subject, title_line

MAIL = b"""From ptl@example.org Mon Nov  2 12:00:00 2020
From: PTL <ptl@example.org>
Subject: [manila][ptg] Wallaby PTG
 summary
Message-ID: <CAB=x1@mail.example.org>

=== Backups ===
Actions:
- bob will benchmark the compressor
"""
TITLED = b"""# Storage SIG PTG notes

## Backups
Actions:
- bob will benchmark the compressor

## Routers
Actions:
- carol will write the router guide
"""


class TestHeaders:
    def test_message_id_of_a_saved_mail(self):
        """The Message-ID header is read without its angle brackets."""
        assert message_id(MAIL.decode()) == "CAB=x1@mail.example.org"

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("<pre>Message-ID: &lt;abc@lists.example.org&gt;</pre>", "abc@lists.example.org"),
            ("message-id:<abc@x>", "abc@x"),
            ("> Message-ID: <quoted@x>", None),
            ("Hello\nsee Message-ID <abc@x> above", None),
        ],
    )
    def test_message_id_forms(self, text, expected):
        """An escaped header in an HTML archive counts; quoted or prose mentions do not."""
        assert message_id(text) == expected

    def test_subject_of_the_header_block_unfolded(self):
        """The Subject of the leading header block, folded lines joined."""
        assert subject(MAIL.decode()) == "[manila][ptg] Wallaby PTG summary"

    def test_subject_outside_a_header_block_is_ignored(self):
        """A "Subject:" line after the body started is text, not a header."""
        assert subject("Hello all\nSubject: not a header\n") is None

    def test_title_line_is_the_document_title_heading(self):
        """A single top heading over deeper topic headings is the title line."""
        assert title_line(TITLED.decode()) == "Storage SIG PTG notes"
        assert title_line("Hello\n\n=== Backups ===\nActions:\n- x\n") is None


class TestIdentify:
    def test_message_id_wins(self):
        """A mail is its Message-ID, even from a URL or with a name given."""
        found = identify("https://lists.example.org/m.html", MAIL, name="wallaby", title="PTG")
        assert found == SourceKey(SourceKind.MESSAGE_ID, "CAB=x1@mail.example.org")

    def test_url_without_message_id(self):
        """An archive page without headers is its URL."""
        found = identify("https://lists.example.org/m.html", TITLED, name=None, title="PTG")
        assert found == SourceKey(SourceKind.URL, "https://lists.example.org/m.html")

    @pytest.mark.parametrize(
        ("data", "name", "expected"),
        [
            (TITLED, "wallaby", "wallaby"),
            (b"Subject: Storage notes\n\n=== A ===\n", None, "Storage notes"),
            (TITLED, None, "Storage SIG PTG notes"),
            (b"Hello\n\n=== A ===\nActions:\n- x\n", None, "Manila Wallaby PTG"),
        ],
    )
    def test_local_file_name_order(self, data, name, expected):
        """A local file is named by --event, else its Subject, title heading, parsed title."""
        found = identify("notes.txt", data, name=name, title="Manila Wallaby PTG")
        assert found == SourceKey(SourceKind.NAME, expected)
