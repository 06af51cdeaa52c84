"""MeetBot minutes (text and HTML) and raw IRC logs import as meeting events."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from syncsvc.domain import Event, EventSource
from syncsvc.errors import InputError
from syncsvc.parse.minutes import looks_like_meeting, meeting_owners
from syncsvc.parse.normalise import normalise
from syncsvc.parse.summary import parse_summary

DATA = Path(__file__).resolve().parents[1] / "data" / "summaries"


def load(name: str) -> Event:
    """Parse one fixture from its bytes."""
    return parse_summary((DATA / name).read_bytes())


def outline(event: Event) -> list[tuple]:
    """(title, discussion, [(action text, owners)], decisions) per topic."""
    return [
        (t.title, list(t.discussion), [(a.text, a.owners) for a in t.actions], list(t.decisions))
        for t in event.topics
    ]


class TestMeetBotMinutes:
    """Minutes as MeetBot writes them."""

    def test_text_minutes(self) -> None:
        """Topics, actions, decisions, the date and the team come from the text minutes."""
        event = load("meetbot-minutes.txt")
        assert (event.source, event.team, event.cycle, event.title) == (
            EventSource.MEETING,
            "manila",
            "yoga",
            "Manila meeting 2021-11-04",
        )
        assert [(d.label, d.date) for d in event.days] == [("2021-11-04", date(2021, 11, 4))]
        assert outline(event) == [
            ("roll call", [], [], []),
            ("Announcements", ["https://releases.openstack.org/yoga/schedule.html"], [],
             ["the spec freeze stays at Yoga-1"]),
            ("Bug triage", [], [
                ("vhari will retarget the open bugs to Yoga-2", ("vhari",)),
                ("carloss to look at bug 1950000", ("carloss",)),
                ("review the patches from amito", ("amito",)),
            ], []),
        ]  # fmt: skip

    def test_actions_are_commitments(self) -> None:
        """Meeting actions get milestones, due dates and refs like PTG actions."""
        actions = load("meetbot-minutes.txt").actions
        assert actions[0].milestone is not None
        assert (actions[0].milestone.key, actions[0].due) == ("yoga-2", date(2022, 1, 7))
        assert [(str(r.kind), r.id) for r in actions[1].refs] == [("bug", "1950000")]

    def test_html_minutes(self) -> None:
        """The HTML minutes give the same kind of records; 'a, b: …' names both."""
        event = load("meetbot-minutes.html")
        assert (event.source, event.team, event.title) == (
            EventSource.MEETING,
            "cinder",
            "Cinder meeting 2021-10-27",
        )
        assert outline(event) == [
            ("attendance", [], [], []),
            ("Yoga priorities", ["the backup driver rework is the top priority"], [
                ("whoami-rajat will update the re-image spec by Yoga-1", ("whoami-rajat",)),
                ("geguileo, eharney: check the backup tests", ("geguileo", "eharney")),
            ], ["new drivers need a working CI before the merge"]),
        ]  # fmt: skip
        assert event.actions[0].due == date(2021, 11, 19)


class TestRawLogs:
    """Raw IRC logs with MeetBot commands."""

    def test_log(self) -> None:
        """#topic, #action, #agreed and #undo are followed; lines after #endmeeting are not."""
        event = load("irc-log.txt")
        assert (event.source, event.team, event.cycle) == (
            EventSource.MEETING,
            "networking",
            "yoga",
        )
        assert [d.date for d in event.days] == [date(2021, 11, 9)]
        assert outline(event) == [
            ("Bugs", [], [
                ("slaweq will mark the OVN job non-voting", ("slaweq",)),
                ("lajoskatona check the stable backports", ("lajoskatona",)),
            ], []),
            ("On demand agenda", [], [
                ("write the doc with help from slaweq", ("slaweq",)),
            ], ["the OVN migration doc goes to the admin guide"]),
        ]  # fmt: skip

    @pytest.mark.parametrize(
        "line",
        [
            "[16:04:40] <ralonsoh> #action slaweq will mark the job",
            "16:04:40 <@ralonsoh> #action slaweq will mark the job",
            "16:04 < ralonsoh> #action slaweq will mark the job",
        ],
    )
    def test_timestamp_forms(self, line: str) -> None:
        """Bracketed, bare and short timestamps and nick mode marks are log lines."""
        text = f"10:00:00 <ralonsoh> #topic Bugs\n10:00:01 <slaweq> hi\n{line}"
        event = parse_summary(text)
        assert [(a.text, a.owners) for a in event.actions] == [
            ("slaweq will mark the job", ("slaweq",))
        ]

    def test_log_without_commands_is_refused(self) -> None:
        """A log with no meeting commands is not a meeting."""
        text = "10:00:00 <a> hi\n10:00:01 <b> hello\n10:00:02 <a> bye\n"
        assert not looks_like_meeting(normalise(text))
        with pytest.raises(InputError, match="no PTG structure"):
            parse_summary(text)

    def test_meeting_without_items_is_refused(self) -> None:
        """A log with only chatter between #startmeeting and #endmeeting has no structure."""
        text = "10:00:00 <a> #startmeeting x\n10:00:01 <b> hello\n10:00:02 <a> #endmeeting\n"
        with pytest.raises(InputError, match="no meeting structure"):
            parse_summary(text)


class TestSpokenCommitments:
    """A speaker's own "I will ..." and a reported "nick said he'd ..." in a raw log's chatter."""

    LOG = (
        "14:00:06 <jorgem> #startmeeting lbaas\n"
        "14:00:56 <sballe_> jorgem, I would like to add one item to the agenda.\n"
        "14:03:30 <sballe_> jorgem, no. I'll follow up with blogan\n"
        "14:03:31 <russellb> about ready for another revision.  dhellmann said he'd do it later\n"
        "14:03:32 <ttx> I'll note we have one noted absence.\n"
        "14:03:33 <ttx> mikal said he would look, and nobody said they'd check\n"
        "14:03:52 <dhellmann> yeah, I have the update ready\n"
        "14:03:53 <mordred> cool. if nobody objects, I'll rev and have it ready for next week\n"
    )

    def test_speaker_owns_first_person_commitment(self) -> None:
        """Each commitment is an inferred action of its speaker, or of the attendee reported."""
        event = parse_summary(self.LOG)
        assert [(a.text, a.owners, a.inferred, a.confidence) for a in event.actions] == [
            ("I'll follow up with blogan", ("sballe_",), True, 0.5),
            ("dhellmann said he'd do it later", ("dhellmann",), True, 0.5),
            ("I'll rev and have it ready for next week", ("mordred",), True, 0.5),
        ]

    def test_log_without_nicks_has_no_speaker(self) -> None:
        """A flattened log that lost its nicks keeps no chatter commitment: nobody owns it."""
        text = (
            "10:00:00 #startmeeting tc\n10:00:03 #topic Roll Call\n10:00:04 o/\n"
            "10:00:06 #topic vPTG\n10:00:07 I will send a summary later.\n"
        )
        event = parse_summary(text)
        assert [t.title for t in event.topics] == ["Roll Call", "vPTG"]
        assert event.actions == ()


class TestMeetingOwners:
    """Owners of meeting actions: read first, MeetBot's assignment by whole word only."""

    @pytest.mark.parametrize(
        ("text", "assigned", "owners"),
        [
            ("gouthamr to ping tbarron about it", ["gouthamr", "tbarron"], ("gouthamr",)),
            ("review the patches from amito", ["amito", "tamito"], ("amito",)),
            ("review the patches from tamito", ["amito", "tamito"], ("tamito",)),
            ("carloss: file the bug", [], ("carloss",)),
            ("update the wiki", [], ()),
            ("ask NetApp about it", ["UNASSIGNED"], ()),
        ],
    )
    def test_owners(self, text: str, assigned: list[str], owners: tuple[str, ...]) -> None:
        """Word-boundary matching never assigns 'amito' to an action about 'tamito'."""
        present = ["gouthamr", "tbarron", "amito", "tamito", "carloss"]
        assert meeting_owners(text, present, assigned) == owners
