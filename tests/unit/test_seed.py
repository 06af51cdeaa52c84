"""The reference input: the Manila Wallaby PTG summary as mailed (tests/data/seed)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from syncsvc.domain import Event, RefKind
from syncsvc.parse.summary import parse_summary

EP = "https://etherpad.opendev.org/p/"

# (title, day date, etherpads, [(owners, refs "kind:id", milestone key or text), ...])
EXPECTED: list[tuple[str, date, list[str], list[tuple[tuple[str, ...], list[str], str | None]]]] = [
    ("Manila Interop testing", date(2020, 10, 26), [EP + "wallaby-ptg-manila-interop"], [
        (("vhari", "lkuchlan", "gouthamr"), [], None),
        ((), [], "2020.10 advisory"),
    ]),
    ("Manila Retrospective", date(2020, 10, 26), [EP + "manila-victoria-retrospective"], [
        (("vkmc", "vhari"), [], "wallaby-1"),
        ((), [], "wallaby-3"),
        ((), [], "wallaby-1"),
        ((), [], None),
        (("dviroel",), [], None),
        (("dviroel",), [], None),
    ]),
    ("Cephadm, Triple-O and NFS-Ganesha", date(2020, 10, 26), [EP + "tripleo-ceph"], [
        ((), [], None),
        ((), [], None),
    ]),
    ("Sub teams", date(2020, 10, 27), [EP + "wallaby-ptg-manila-subteams"], [
        ((), ["change:758868"], None),
        ((), [], None),
        ((), [], None),
        ((), [], None),
    ]),
    ("Extending shares via the Manila scheduler", date(2020, 10, 27),
     [EP + "share-stuck-in-extend-discussion"], [
        (("haixin",), [], None),
    ]),
    ("Virtio-FS", date(2020, 10, 27), [EP + "nova-manila-virtio-fs-support-vptg-october-2020"], [
        (("tbarron",), [], None),
        ((), [], None),
    ]),
    ("Share Server Updates", date(2020, 10, 27), [EP + "share-server-update"], [
        (("dviroel",), ["change:729292"], None),
        ((), [], None),
    ]),
    ("Share Affinity Hints", date(2020, 10, 27), [EP + "manila-anti-affinity"], [
        (("carthaca",), [], None),
        ((), [], None),
    ]),
    ("Responsibility for Code Reviews", date(2020, 10, 28), [EP + "wallaby-ptg-manila"], [
        ((), [], None),
        ((), [], None),
    ]),
    ("Acting on Deprecation removals", date(2020, 10, 28), [EP + "wallaby-ptg-manila"], [
        (("dviroel", "carloss", "gouthamr"), ["change:745206"], None),
    ]),
    ("rootwrap-to-privsep migration", date(2020, 10, 28),
     [EP + "manila-migration-from-rootwrap-to-privsep"], [
        (("carloss",), [], None),
        ((), [], None),
        (("carloss",), [], None),
        (("carloss",), [], None),
    ]),
    ("Secure RBAC improvements", date(2020, 10, 28), [EP + "wallaby-ptg-manila-policy-changes"], [
        (("gouthamr",), [], None),
        ((), [], "wallaby-1"),
        ((), [], None),
    ]),
    ("CephFS Updates", date(2020, 10, 28), [EP + "wallaby-ptg-manila-cephfs-driver-update"], [
        ((), [], "wallaby cycle"),
        ((), [], None),
        ((), [], None),
    ]),
    ("Divisive Language Correction", date(2020, 10, 28), [EP + "wallaby-ptg-manila"], [
        ((), ["etherpad:divisivelanguage"], None),
        ((), [], None),
        ((), [], None),
    ]),
    ("Share and Server Migration graduation", date(2020, 10, 30), [EP + "wallaby-ptg-manila"], [
        (("carloss",), [], "Wallaby"),
    ]),
    ("Metadata for all share resources", date(2020, 10, 30),
     [EP + "wallaby-ptg-manila-metadata-controller"], [
        (("gouthamr",), [], "wallaby-final"),
        ((), ["url:https://specs.openstack.org/openstack/api-sig/guidelines/metadata.html"], None),
    ]),
    ("Client Project updates", date(2020, 10, 30),
     [EP + "manila-osc-wallaby-ptg", EP + "manila-ui-wallaby-ptg"], [
        ((), [], None),
        (("maaritamm", "vkmc"), [], None),
        (("vkmc",), [], None),
        ((), [], None),
    ]),
    ("Manila CSI Wallaby roadmap", date(2020, 10, 30),
     ["https://docs.google.com/document/u/1/d/1YJcv0EROWzYbV_8DM3DHVvDqdhlPhYRV8Npl7latttY/edit#"], [
        (("gman0",), [], None),
        (("mfedosin",), [], None),
        (("mfedosin",), [], None),
    ]),
]  # fmt: skip


@pytest.fixture(scope="module")
def event(reference_summary: Path) -> Event:
    """The parsed reference input."""
    return parse_summary(reference_summary.read_bytes())


class TestReferenceInput:
    """Everything a careful human reads in the Wallaby summary."""

    def test_event_identity(self, event: Event) -> None:
        """Team, cycle and title come from the introduction."""
        assert (event.team, event.cycle, event.title) == ("manila", "wallaby", "Manila Wallaby PTG")

    def test_days(self, event: Event) -> None:
        """The four day headings and their dates are found (there was no Day 4)."""
        assert [(d.label, d.date) for d in event.days] == [
            ("Day 1 - Oct 26, 2020, Mon", date(2020, 10, 26)),
            ("Day 2 - Oct 27, 2020, Tue", date(2020, 10, 27)),
            ("Day 3 - Oct 28, 2020, Wed", date(2020, 10, 28)),
            ("Day 5 - Oct 30, 2020, Fri", date(2020, 10, 30)),
        ]

    def test_topics_days_and_etherpads(self, event: Event) -> None:
        """All 18 topics are found, on their days, with their etherpads."""
        got = [(t.title, t.day.date if t.day else None, list(t.etherpads)) for t in event.topics]
        assert got == [(title, day, pads) for title, day, pads, _ in EXPECTED]

    def test_action_counts(self, event: Event) -> None:
        """47 actions in all: 20 with owners, 27 unassigned."""
        assert [len(t.actions) for t in event.topics] == [len(e[3]) for e in EXPECTED]
        assert len(event.actions) == 47
        assert sum(1 for a in event.actions if a.owners) == 20

    @pytest.mark.parametrize("index", range(18))
    def test_owners_refs_milestones(self, event: Event, index: int) -> None:
        """Each action of each topic has exactly the expected owners, refs and milestone."""
        topic = event.topics[index]
        got = [
            (
                a.owners,
                [f"{r.kind}:{r.id}" for r in a.refs],
                a.milestone and (a.milestone.key or a.milestone.text),
            )
            for a in topic.actions
        ]
        assert got == EXPECTED[index][3]

    def test_topic_refs(self, event: Event) -> None:
        """Refs in a discussion belong to the topic, not to its actions."""
        by_topic = {t.title: [(r.kind, r.id) for r in t.refs] for t in event.topics if t.refs}
        assert by_topic == {
            "Extending shares via the Manila scheduler": [(RefKind.BUG, "1855391")],
            "Acting on Deprecation removals": [(RefKind.CHANGE, "745206")],
        }

    def test_due_dates(self, event: Event) -> None:
        """Milestones resolve to the Wallaby schedule: by → week end, after → starts."""
        retro = event.topics[1].actions
        assert (retro[0].due, retro[0].starts) == (date(2020, 12, 4), None)
        assert (retro[1].due, retro[1].starts) == (None, date(2021, 3, 12))
        assert retro[2].due == date(2020, 12, 4)
        interop = event.topics[0].actions[1]
        assert (interop.milestone and interop.milestone.series, interop.due) == (None, None)

    def test_people_full_names(self, event: Event) -> None:
        """Full names written as "Full Name (nick)" are kept for those nicks."""
        assert {(p.nick, p.name) for p in event.people} == {
            ("vhari", "Vida Haririan"),
            ("lkuchlan", "Liron Kuchlani"),
            ("gouthamr", "Goutham Pacha Ravi"),
        }

    def test_footnotes_and_no_warnings(self, event: Event) -> None:
        """The four footnote URLs are kept; nothing in the mail is left unplaced."""
        assert len(event.footnotes) == 4
        assert event.footnotes[0] == EP + "wallaby-ptg-manila-planning"
        assert event.warnings == ()

    def test_action_text_is_whole(self, event: Event) -> None:
        """Action text is the whole item, whitespace collapsed, entities decoded."""
        assert event.topics[3].actions[0].text == "get https://review.opendev.org/758868/ merged"
        assert (
            event.topics[14]
            .actions[0]
            .text.endswith(
                "Feedback from the vendors will drive our decision to graduate the share "
                "migration APIs in Wallaby."
            )
        )
