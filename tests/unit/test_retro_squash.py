"""Squash days in the retrospective: results from the stored tasks, burn-up markers, text."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from syncsvc.domain import BugTask, SquashEvent
from syncsvc.domain.retro import RetroAction, RetroEvent, RetroFacts
from syncsvc.report.retro import build_retro
from syncsvc.report.retro_html import render_retro
from syncsvc.report.retro_text import markdown_lines

PTG = RetroEvent(1, "Team PTG", "manila", "wallaby", "ptg", date(2020, 10, 26))
NOW = datetime(2021, 1, 31, tzinfo=UTC)


def at(when: str) -> datetime:
    """An ISO date or time as an aware UTC instant."""
    return datetime.fromisoformat(when).replace(tzinfo=UTC)


def task(bug: int, target: str, created: str, closed: str | None = None) -> BugTask:
    """A bug task of ``target`` created (and maybe closed) at the given times."""
    return BugTask(
        bug, target, "Fix Released" if closed else "New", "High",
        date_created=at(created), date_closed=at(closed) if closed else None,
        is_complete=closed is not None,
    )  # fmt: skip


def squash(name: str, starts: str, ends: str, *projects: str) -> SquashEvent:
    """A squash event over ``projects`` (all the team's when none)."""
    return SquashEvent(name, at(starts), at(ends), projects=projects)


FACTS = RetroFacts(
    events=(PTG,),
    actions=(RetroAction(1, 1, "Topic", "item", ("alice",), at("2020-10-26"), dated=True),),
    tasks=(
        task(10, "manila", "2020-09-01"),
        task(11, "manila", "2020-10-01", "2020-11-15T09:00"),
        task(12, "manila", "2020-12-01"),
        task(13, "python-manilaclient", "2020-10-05", "2020-11-15T10:00"),
    ),
    bugs_since=at("2020-10-01"),
    squash_events=(
        squash("future", "2021-03-01", "2021-03-02"),
        squash("m1-squash", "2020-11-14T12:00", "2020-11-16T12:00", "manila"),
        squash("client-squash", "2020-11-14T12:00", "2020-11-16T12:00", "python-manilaclient"),
        squash("old", "2020-06-01", "2020-06-02"),
        squash("all", "2021-01-30", "2021-02-01"),
    ),
)


class TestSquashResults:
    """Each squash day of the cycle, counted from the tasks' remote dates."""

    def test_squash_days_of_the_cycle_with_counts(self) -> None:
        """Events in the cycle, by start then name; each counts its own projects' tasks; one
        still running is cut at ``until``; events before the cycle or after the cut are out."""
        found = build_retro(FACTS, until=NOW)["bugs"]["squash"]
        assert found == [
            {
                "name": "client-squash", "from": "2020-11-14T12:00:00+00:00",
                "to": "2020-11-16T12:00:00+00:00", "open_before": 1, "open_after": 0,
                "closed": 1, "ongoing": False,
            },
            {
                "name": "m1-squash", "from": "2020-11-14T12:00:00+00:00",
                "to": "2020-11-16T12:00:00+00:00", "open_before": 2, "open_after": 1,
                "closed": 1, "ongoing": False,
            },
            {
                "name": "all", "from": "2021-01-30T00:00:00+00:00",
                "to": "2021-02-01T00:00:00+00:00", "open_before": 2, "open_after": 2,
                "closed": 0, "ongoing": True,
            },
        ]  # fmt: skip

    def test_no_counts_before_the_bug_data_starts(self) -> None:
        """A squash that began before the first stored task has no 'before' and no closed
        count, never zeros; its end is known."""
        late = replace(FACTS, bugs_since=at("2020-11-15T00:00"))
        found = build_retro(late, until=NOW)["bugs"]["squash"]
        m1 = next(e for e in found if e["name"] == "m1-squash")
        assert (m1["open_before"], m1["open_after"], m1["closed"]) == (None, 1, None)

    def test_a_past_cut_does_not_see_a_later_squash(self) -> None:
        """As of 2020-11-15T00:00 the M-1 squash is running and the January one not yet."""
        found = build_retro(FACTS, until=at("2020-11-15T00:00"))["bugs"]["squash"]
        assert [(e["name"], e["open_after"], e["ongoing"]) for e in found] == [
            ("client-squash", 1, True),
            ("m1-squash", 2, True),
        ]


class TestSquashShown:
    """The markers on the burn-up and the lines of the Markdown and HTML reports."""

    def test_burnup_marks_squash_days_and_html_lists_results(self) -> None:
        """The burn-up's description names each squash day; the bug list says its result,
        with a hostile name escaped."""
        hostile = replace(
            FACTS,
            squash_events=(squash("<b>m1</b>", "2020-11-14T12:00", "2020-11-16T12:00", "manila"),),
        )
        page = render_retro(build_retro(hostile, until=NOW))
        assert "Squash: &lt;b&gt;m1&lt;/b&gt; 2020-11-14" in page
        assert "<li>Squash &lt;b&gt;m1&lt;/b&gt; (2020-11-14): open 2 → 1, closed 1</li>" in page
        assert "<b>m1</b>" not in page

    def test_markdown_lists_each_squash_day(self) -> None:
        """One line per squash day under Bugs, 'no data' where counts are unknown."""
        late = replace(FACTS, bugs_since=at("2020-11-15T00:00"))
        lines = markdown_lines(build_retro(late, until=NOW))
        found = [line for line in lines if line.startswith("- Squash")]
        assert found == [
            "- Squash client-squash (2020-11-14): open no data → 0, closed no data",
            "- Squash m1-squash (2020-11-14): open no data → 1, closed no data",
            "- Squash all (2021-01-30): open 2 → 2, closed 0 (still running)",
        ]
