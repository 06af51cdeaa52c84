"""Parser behaviour beyond the reference input: bundled example, plain text, bad input."""

from __future__ import annotations

import codecs
from datetime import date
from importlib import resources

import pytest

from syncsvc.domain import RefKind
from syncsvc.errors import InputError
from syncsvc.parse.assemble import commitment_hints
from syncsvc.parse.normalise import MAX_INPUT_BYTES, decode, normalise
from syncsvc.parse.summary import LineKind, classify, parse_date, parse_summary, read_summary

EXAMPLE = resources.files("syncsvc.data").joinpath("example-summary.html").read_bytes()

PLAIN = """\
Hello all,

Summary of the OpenStack Manila team's Xena PTG.

== Day 1 - Apr 19, 2021, Mon ==

=== Metadata APIs ===
Topic Etherpad: https://etherpad.opendev.org/p/xena-ptg-manila-metadata
Discussion Items:
- we want metadata on every resource
  and consistent methods (see LP #1900000)
Actions:
- gouthamr will write the spec by Xena-1,
  covering shares and snapshots
- kpdev to help with the API reference
- tests
    - unit tests for the controller

=== Release notes ===
Etherpad: https://etherpad.opendev.org/p/xena-ptg-manila-reno
Actions:
- kpdev will check the release notes (https://review.opendev.org/c/openstack/manila/+/790000)
"""


class TestBundledExample:
    """The example summary shipped for `syncsvc demo`."""

    def test_structure(self) -> None:
        """It has 4 days, 12 topics and 20 actions, 13 owned, and no warnings."""
        event = parse_summary(EXAMPLE)
        assert (event.team, event.cycle, event.title) == ("manila", "wallaby", "Manila Wallaby PTG")
        assert [d.date for d in event.days] == [
            date(2020, 10, 26),
            date(2020, 10, 27),
            date(2020, 10, 28),
            date(2020, 10, 30),
        ]
        assert len(event.topics) == 12
        assert len(event.actions) == 20
        assert sum(1 for a in event.actions if a.owners) == 13
        assert event.warnings == ()

    def test_reference_changes(self) -> None:
        """The three reference changes belong to their topics' actions."""
        event = parse_summary(EXAMPLE)
        linked = {
            (t.title, r.id) for t in event.topics for a in t.actions for r in a.refs
            if r.kind is RefKind.CHANGE
        }  # fmt: skip
        assert linked == {
            ("Sub teams", "758868"),
            ("Share Server Updates", "729292"),
            ("Acting on Deprecation removals", "745206"),
        }


class TestPlainText:
    """Plain-text summaries with wrapped lines and sub-bullets."""

    def test_wrapped_lines_join_their_bullet(self) -> None:
        """A continuation line is part of the item above it."""
        event = parse_summary(PLAIN)
        metadata = event.topics[0]
        assert metadata.discussion == (
            "we want metadata on every resource and consistent methods (see LP #1900000)",
        )
        assert [(r.kind, r.id) for r in metadata.refs] == [(RefKind.BUG, "1900000")]
        first = metadata.actions[0]
        assert first.text == "gouthamr will write the spec by Xena-1, covering shares and snapshots"
        assert (first.owners, first.milestone and first.milestone.key) == (("gouthamr",), "xena-1")
        assert first.due == date(2021, 5, 28)

    def test_weak_form_learns_nicks_from_the_document(self) -> None:
        """'kpdev to help' counts because kpdev owns another action in the summary."""
        event = parse_summary(PLAIN)
        assert event.topics[0].actions[1].owners == ("kpdev",)

    def test_sub_bullets_detail_their_action(self) -> None:
        """A deeper bullet under an action is part of that action, not a new one."""
        event = parse_summary(PLAIN)
        assert event.topics[0].actions[2].text == "tests; unit tests for the controller"
        assert len(event.actions) == 4

    def test_cycle_and_team_overrides(self) -> None:
        """--team/--cycle win over what the text says."""
        event = parse_summary(PLAIN, team="Cinder", cycle="Yoga")
        assert (event.team, event.cycle, event.title) == ("cinder", "yoga", "Cinder Yoga PTG")

    def test_unplaced_text_is_a_warning(self) -> None:
        """Prose between topics is reported, and a commitment outside Actions is flagged."""
        text = PLAIN.replace(
            "=== Release notes ===",
            "Some stray remark.\n\nvkmc will organise the next squash\n\n=== Release notes ===",
        )
        event = parse_summary(text)
        assert len(event.warnings) == 2
        assert "text outside any list" in event.warnings[0]
        assert "looks like a commitment" in event.warnings[1]
        assert len(event.actions) == 4


class TestReadSummary:
    """What ``--explain`` needs besides the event, and what an import skips."""

    def test_placements_only_when_asked(self) -> None:
        """Without placements the event is the same and no line placement is kept."""
        text = normalise(PLAIN)
        full, bare = read_summary(text), read_summary(text, placements=False)
        assert (bare.event, bare.assembler.placements) == (full.event, [])
        assert len(full.assembler.placements) == text.count("\n") + 1
        assert full.known == bare.known == frozenset({"gouthamr", "kpdev"})

    def test_commitment_hints(self) -> None:
        """A named commitment in the discussion of a topic with Actions is a hint only."""
        text = normalise(PLAIN.replace("- we want metadata", "- vkmc will chase metadata"))
        reading = read_summary(text)
        hints = [
            [i.text for i in commitment_hints(t, known=reading.known)]
            for t in reading.assembler.topics
        ]
        assert hints == [
            ["vkmc will chase metadata on every resource and consistent methods (see LP #1900000)"],
            [],
        ]
        assert [a.owners for a in reading.event.topics[0].actions] == [
            ("gouthamr",), ("kpdev",), (),
        ]  # fmt: skip


class TestBadInput:
    """Input the parser refuses with one clear message."""

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"", "input is empty"),
            (b"   \n\n", "input is empty"),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
            (b"just some words\nwith no structure\n", "no PTG structure"),
            (b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f" * 10, "binary"),
        ],
    )
    def test_refused(self, data: bytes, message: str) -> None:
        """Empty, binary and structureless inputs raise InputError."""
        with pytest.raises(InputError, match=message):
            parse_summary(data)

    def test_oversized(self) -> None:
        """Input over the size limit is refused before parsing."""
        with pytest.raises(InputError, match="MB"):
            decode(b"a" * (MAX_INPUT_BYTES + 1))


class TestNormalise:
    """Decoding and normalisation."""

    def test_encodings(self) -> None:
        """UTF-8 with BOM, UTF-16 with BOM and Latin-1 decode to the same text."""
        text = "=== Café ===\r\n"
        assert decode(codecs.BOM_UTF8 + text.encode()) == text
        assert decode(text.encode("utf-16")) == text
        assert decode(text.encode("latin-1")) == text

    def test_html_entities_and_links(self) -> None:
        """<br>, &nbsp; and entities become plain text; hidden link targets are kept."""
        html = '<div>a&nbsp;&amp;&nbsp;b<br>&nbsp; - see <a href="https://x.org/p">[1]</a></div>'
        assert normalise(html) == "a & b\n  - see [1] <https://x.org/p>\n"

    def test_idempotent(self) -> None:
        """Normalising twice changes nothing."""
        once = normalise(EXAMPLE.decode())
        assert normalise(once) == once

    def test_glued_heading(self) -> None:
        """A heading glued to the next line is read as two lines."""
        kinds = [line.kind for line in classify("=== Sub teams ===Topic Etherpad: https://e/p\n")]
        assert kinds[:2] == [LineKind.TOPIC, LineKind.ETHERPAD]

    @pytest.mark.parametrize(
        ("label", "expected"),
        [
            ("Day 1 - Oct 26, 2020, Mon", date(2020, 10, 26)),
            ("Tuesday 19 October 2021", date(2021, 10, 19)),
            ("2021-04-19", date(2021, 4, 19)),
            ("Day 4", None),
            ("Feb 30, 2021", None),
        ],
    )
    def test_day_dates(self, label: str, expected: date | None) -> None:
        """Day labels give their date in the common written forms."""
        assert parse_date(label) == expected
