"""Status grouping, --since resolution and the IRC/Markdown formats."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from syncsvc.domain import (
    ActionState,
    ArtifactKey,
    HistoryEvent,
    Link,
    LinkKind,
    LinkSource,
    LinkStatus,
    StoredAction,
)
from syncsvc.errors import ConfigError
from syncsvc.report.status import (
    Group,
    MeetingSlot,
    Movement,
    StatusReport,
    artifact_of,
    build_status,
    counts_line,
    etherpad_lines,
    irc_lines,
    markdown_lines,
    resolve_since,
    sections,
)

NOW = datetime(2020, 12, 10, 16, 0, tzinfo=UTC)  # a Thursday
SINCE = datetime(2020, 12, 3, 15, 0, tzinfo=UTC)


def action(action_id: int, text: str, owners: tuple[str, ...] = ()) -> StoredAction:
    """A stored action of the Wallaby PTG."""
    return StoredAction(
        id=action_id, event_id=1, event="Manila Wallaby PTG", day=date(2020, 10, 28),
        topic="Acting on Deprecation removals", text=text, owners=owners, milestone=None,
        milestone_key=None, due=None, starts=None, refs=(), state=ActionState.OPEN,
    )  # fmt: skip


def link(action_id: int, kind: LinkKind, ident: str) -> Link:
    """A confirmed explicit link."""
    return Link(action_id, kind, ident, LinkSource.EXPLICIT, 1.0, LinkStatus.CONFIRMED)


class TestBuildStatus:
    """Which group each commitment lands in."""

    def test_groups(self) -> None:
        """Completed, progressed, newly linked, stalled and not started, each once."""
        actions = [
            action(11, "review and merge 745206", ("dviroel", "carloss")),
            action(12, "update the extend patch", ("haixin",)),
            action(13, "propose the affinity spec", ("carthaca",)),
            action(14, "own the privsep goal", ("carloss",)),
            action(15, "write the interop test plan"),
            action(16, "an in-progress action with no movement", ("vkmc",)),
        ]
        links = [
            link(11, LinkKind.CHANGE, "745206"),
            link(12, LinkKind.BUG, "1855391"),
            link(13, LinkKind.CHANGE, "760000"),
            link(16, LinkKind.CHANGE, "770000"),
        ]
        states = {
            11: ("done", "change 745206 MERGED"),
            12: ("in-progress", ""),
            13: ("in-progress", ""),
            14: ("stalled", "past due 2020-12-04"),
            15: ("not-started", ""),
            16: ("in-progress", ""),
        }
        previous = {11: "in-progress", 12: "in-progress", 13: "not-started", 14: "not-started"}
        history = [
            HistoryEvent("change:745206", "status", "MERGED", datetime(2020, 12, 9, tzinfo=UTC)),
            HistoryEvent(
                "bug:1855391/manila", "assignee", "haixin", datetime(2020, 12, 5, tzinfo=UTC)
            ),
            HistoryEvent("bug:1855391/manila", "heat", "3", datetime(2020, 12, 5, tzinfo=UTC)),
            HistoryEvent("change:770000", "status", "NEW", datetime(2020, 11, 1, tzinfo=UTC)),
        ]
        report = build_status(
            actions, links, states, previous, history, {(13, "change", "760000")},
            since=SINCE, until=NOW,
        )  # fmt: skip
        got = {g: [(i.id, i.previous_state) for i in items] for g, items in report.groups.items()}
        assert got == {
            Group.COMPLETED: [(11, "in-progress")],
            Group.PROGRESSED: [(12, "in-progress")],
            Group.NEWLY_LINKED: [(13, "not-started")],
            Group.STALLED: [(14, "not-started")],
            Group.NOT_STARTED: [(15, None)],
        }
        assert report.groups[Group.COMPLETED][0].movements == (
            Movement("change:745206", "MERGED", datetime(2020, 12, 9, tzinfo=UTC)),
        )
        assert [m.text() for m in report.groups[Group.PROGRESSED][0].movements] == [
            "bug 1855391 assigned to haixin 2020-12-05"
        ]

    def test_done_before_the_window_is_not_news(self) -> None:
        """A commitment already done at `since` is not reported again."""
        report = build_status(
            [action(1, "x")], [], {1: ("done", "")}, {1: "done"}, [], set(),
            since=SINCE, until=NOW,
        )  # fmt: skip
        assert all(items == () for items in report.groups.values())


class TestFormats:
    """IRC and Markdown renderings."""

    def test_irc_lines_are_short_and_plain(self) -> None:
        """Every IRC line is ≤ 400 bytes with no control characters, even for long text."""
        long_text = "review \x1b[31mand\x03 merge " + "é" * 500
        report = build_status(
            [action(1, long_text, ("dviroel",))], [], {1: ("not-started", "")}, {}, [], set(),
            since=SINCE, until=NOW,
        )  # fmt: skip
        lines = irc_lines(report)
        assert lines[0] == (
            "#info syncsvc status 2020-12-03 15:00 .. 2020-12-10 16:00 UTC: completed 0 · "
            "progressed 0 · newly linked 0 · stalled 0 · not started 1"
        )
        assert lines[1].startswith("#info not started: #1 dviroel: review and merge éé")
        assert all(len(line.encode()) <= 400 for line in lines)
        assert not any(ch < " " for line in lines for ch in line)

    @pytest.mark.parametrize("pad", range(5))
    def test_irc_clip_keeps_escapes_whole(self, pad) -> None:
        """A clipped IRC line ends after a whole \\u202e escape, never inside one."""
        text = "x" * pad + "\u202e" * 200
        report = build_status(
            [action(1, text, ("dviroel",))], [], {1: ("not-started", "")}, {}, [], set(),
            since=SINCE, until=NOW,
        )  # fmt: skip
        line = irc_lines(report)[1]
        assert len(line.encode()) <= 400
        body = line.removeprefix("#info not started: #1 dviroel: " + "x" * pad).removesuffix("...")
        assert body.replace("\\u202e", "") == ""

    def test_markdown_escapes(self) -> None:
        """Markdown output escapes link and emphasis syntax from remote text."""
        report = build_status(
            [action(1, "fix *all* [bugs](x)")], [], {1: ("not-started", "")}, {}, [], set(),
            since=SINCE, until=NOW,
        )  # fmt: skip
        assert markdown_lines(report)[-1] == r"- #1 unassigned: fix \*all\* \[bugs](x)"


class TestMeetingFormats:
    """The short default, counts, MeetBot IRC and etherpad (issue 15)."""

    @staticmethod
    def waiting(n: int) -> list[StoredAction]:
        """``n`` not-started actions, committed later as their id grows, but #1 last."""
        found = [
            dataclasses.replace(action(i, f"task {i}"), day=date(2020, 10, 20 + i))
            for i in range(2, n + 1)
        ]
        return [*found, dataclasses.replace(action(1, "task 1"), day=date(2020, 11, 30))]

    def report(self, actions: list[StoredAction], links: tuple[Link, ...] = ()) -> StatusReport:
        """A status of ``actions``: #100 done via change 745206, the rest not started."""
        states = {a.id: ("not-started", "") for a in actions}
        states[100] = ("done", "change 745206 MERGED")
        history = [
            HistoryEvent("change:745206", "status", "MERGED", datetime(2020, 12, 9, tzinfo=UTC))
        ]
        done = action(100, "review and merge 745206", ("dviroel",))
        return build_status(
            [*actions, done], [*links, link(100, LinkKind.CHANGE, "745206")], states,
            {100: "in-progress"}, history, set(), since=SINCE, until=NOW,
        )  # fmt: skip

    def test_not_started_keeps_the_three_oldest(self) -> None:
        """Not started keeps its 3 oldest by day committed; full keeps them all."""
        report = self.report(self.waiting(6))
        short = {s.group: s for s in sections(report)}
        assert [i.id for i in short[Group.NOT_STARTED].items] == [2, 3, 4]
        assert short[Group.NOT_STARTED].title == "Not started (6), oldest 3:"
        assert [i.id for i in short[Group.COMPLETED].items] == [100]
        every = {s.group: s for s in sections(report, full=True)}
        assert [i.id for i in every[Group.NOT_STARTED].items] == [1, 2, 3, 4, 5, 6]

    def test_only_newly_stalled_in_full(self) -> None:
        """Newly stalled items are listed; ones stalled before the window are counted."""
        stalled = self.waiting(5)
        states = {a.id: ("stalled", "past due 2020-11-30") for a in stalled}
        previous: dict[int, str | None] = {a.id: "stalled" for a in stalled}
        previous[1] = "not-started"
        report = build_status(stalled, [], states, previous, [], set(), since=SINCE, until=NOW)
        short = [(s.title, [i.id for i in s.items]) for s in sections(report)]
        assert short == [
            ("Newly stalled (1)", [1]),
            ("Still stalled (4), oldest 3:", [2, 3, 4]),
        ]
        assert irc_lines(report)[1:] == [
            "#info newly stalled: #1 unassigned: task 1 — past due 2020-11-30",
            "#info still stalled 4, oldest #2, #3, #4",
        ]
        assert [s.title for s in sections(report, full=True)] == ["Stalled (5)"]

    def test_newly_linked_means_confirmed(self) -> None:
        """A new confirmed link is named; a new suggestion is counted apart, not as linked."""
        suggested = Link(
            22, LinkKind.CHANGE, "760001", LinkSource.CANDIDATE, 0.5, LinkStatus.SUGGESTED
        )
        report = build_status(
            [action(21, "propose the affinity spec", ("carthaca",)), action(22, "own the goal")],
            [link(21, LinkKind.CHANGE, "760000"), suggested],
            {21: ("in-progress", "linked work open"), 22: ("not-started", "")},
            {21: "not-started", 22: "not-started"},
            [],
            {(21, "change", "760000"), (22, "change", "760001")},
            since=SINCE,
            until=NOW,
        )
        assert [i.id for i in report.groups[Group.NEWLY_LINKED]] == [21]
        assert [i.id for i in report.groups[Group.NOT_STARTED]] == [22]
        assert report.suggested == 1
        assert irc_lines(report)[1:] == [
            "#info newly linked: #21 carthaca: propose the affinity spec — linked change 760000",
            "#link https://review.opendev.org/c/760000",
            "#info not started: #22 unassigned: own the goal",
            "#info 1 suggested link waits for review (syncsvc link confirm|reject)",
        ]

    def test_counts_line(self) -> None:
        """One line, every group with its size, zeros included."""
        assert counts_line(self.report(self.waiting(6))) == (
            "completed 1 · progressed 0 · newly linked 0 · stalled 0 · not started 6"
        )

    def test_irc_cap_keeps_whole_items_and_counts_the_rest(self) -> None:
        """Under --max-lines an item keeps its #link, and the last line counts what is left."""
        report = self.report(self.waiting(6))
        assert irc_lines(report)[1:] == [
            "#info completed: #100 dviroel: review and merge 745206 — change 745206 MERGED 2020-12-09",
            "#link https://review.opendev.org/c/745206",
            "#info not started 6, oldest #2, #3, #4",
        ]
        assert irc_lines(report, max_lines=2)[1:] == [
            "#info not shown: completed 1, not started 6 (syncsvc status --all)"
        ]
        assert len(irc_lines(report, full=True, max_lines=None)) == 1 + 2 + 6

    def test_etherpad_is_plain_but_neutralises_controls(self) -> None:
        """Etherpad: no Markdown escapes; controls removed, bidi overrides shown."""
        hostile = action(7, "fix *all* [bugs](x) #1 \x1b[2J\u202eevil\x07")
        report = self.report([hostile], (link(7, LinkKind.BUG, "1855391"),))
        assert etherpad_lines(report) == [
            "What moved 2020-12-03 to 2020-12-10",
            "* Completed (1)",
            "  * [x] #100 dviroel: review and merge 745206 — change 745206 MERGED 2020-12-09",
            "    https://review.opendev.org/c/745206",
            "* Not started (1)",
            "  * [ ] #7 unassigned: fix *all* [bugs](x) #1 \\u202eevil",
            "    https://bugs.launchpad.net/bugs/1855391",
        ]


class TestResolveSince:
    """--since values."""

    @pytest.mark.parametrize(
        ("spec", "expected"),
        [
            ("7d", datetime(2020, 12, 3, 16, 0, tzinfo=UTC)),
            ("24h", datetime(2020, 12, 9, 16, 0, tzinfo=UTC)),
            ("2w", datetime(2020, 11, 26, 16, 0, tzinfo=UTC)),
            ("2020-11-05", datetime(2020, 11, 5, tzinfo=UTC)),
            ("2020-11-05T10:30:00+01:00", datetime(2020, 11, 5, 9, 30, tzinfo=UTC)),
            ("last-meeting", datetime(2020, 12, 10, 15, 0, tzinfo=UTC)),
            ("last-run", datetime(2020, 12, 10, 3, 0, tzinfo=UTC)),
        ],
    )
    def test_forms(self, spec, expected) -> None:
        """Relative spans, dates, the last sync and the last meeting slot."""
        slot = MeetingSlot.parse("Thursday", "15:00")
        last_run = datetime(2020, 12, 10, 3, 0, tzinfo=UTC)
        assert resolve_since(spec, now=NOW, last_run=last_run, meeting=slot) == expected

    def test_meeting_before_its_start_time(self) -> None:
        """On the meeting day before 15:00 the last meeting is the previous week's."""
        slot = MeetingSlot(3, time(15, 0, tzinfo=UTC))
        morning = datetime(2020, 12, 10, 9, 0, tzinfo=UTC)
        assert slot.last_before(morning) == datetime(2020, 12, 3, 15, 0, tzinfo=UTC)

    @pytest.mark.parametrize(
        ("spec", "message"),
        [
            ("yesterday", "use 7d"),
            ("last-run", "no sync has run"),
            ("last-meeting", r"needs \[meeting\]"),
        ],
    )
    def test_errors(self, spec, message) -> None:
        """Unknown forms and missing data are usage errors."""
        with pytest.raises(ConfigError, match=message):
            resolve_since(spec, now=NOW, last_run=None, meeting=None)


@given(st.from_regex(r"(bug|change|blueprint)?:?0?[0-9]{0,3}(/[a-z0-9/]{0,4})?", fullmatch=True))
def test_artifact_of_is_the_parsed_keys_whole(key: str) -> None:
    """``artifact_of`` gives what parsing the key and taking its whole artifact gives."""
    parsed = ArtifactKey.parse_or_none(key)
    assert artifact_of(key) == (key if parsed is None else str(parsed.whole))
