"""The retrospective's pure computation over plain records (syncsvc.report.retro)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from syncsvc.domain import ActionOrigin, ActionState, BugTask
from syncsvc.domain.retro import RetroAction, RetroEvent, RetroFacts, RetroTransition
from syncsvc.errors import ConfigError
from syncsvc.report.carry import next_series
from syncsvc.report.retro import build_retro, completion
from syncsvc.report.retro_service import parse_until, previous_series

PTG = RetroEvent(1, "Team PTG", "manila", "wallaby", "ptg", date(2020, 10, 26))
MEETING = RetroEvent(2, "Weekly meeting", "manila", "wallaby", "meeting", None)
NOW = datetime(2021, 1, 31, tzinfo=UTC)


def at(day: str) -> datetime:
    """Midnight UTC of an ISO date."""
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), UTC)


def action(ident: int, **kw: object) -> RetroAction:
    """A commitment of the PTG made on its first day unless told otherwise."""
    base: dict[str, object] = {
        "event_id": 1, "topic": "Topic A", "text": f"item {ident}", "owners": ("alice",),
        "committed_at": at("2020-10-26"), "dated": True,
    }  # fmt: skip
    base.update(kw)
    return RetroAction(ident, **base)  # type: ignore[arg-type]


def task(bug: int, created: str, closed: str | None = None, importance: str = "High") -> BugTask:
    """A project bug task created (and maybe closed) on the given dates."""
    return BugTask(
        bug, "manila", "Fix Released" if closed else "New", importance,
        date_created=at(created), date_closed=at(closed) if closed else None,
        is_complete=closed is not None,
    )  # fmt: skip


FACTS = RetroFacts(
    events=(PTG, MEETING),
    actions=(
        action(1),
        action(2, owners=()),
        action(3, withdrawn_at=at("2020-11-20")),
        action(4, state=ActionState.ONGOING),
        action(5, event_id=2, topic="Topic B", committed_at=at("2020-12-03")),
        action(6, origin=ActionOrigin.CARRIED, carried_from=99, committed_at=at("2021-01-05")),
        action(7, committed_at=at("2021-03-01")),  # after the cut: not in scope
    ),
    transitions=(
        RetroTransition(1, "not-started", at("2020-10-26")),
        RetroTransition(1, "done", at("2020-11-10")),
        RetroTransition(2, "not-started", at("2020-10-26")),
        RetroTransition(2, "dropped", at("2020-12-20")),
        RetroTransition(5, "in-progress", at("2020-12-10")),
    ),
    tasks=(
        task(10, "2020-09-01"),
        task(11, "2020-10-01", "2020-11-15", "Critical"),
        task(12, "2020-12-01", importance="Low"),
    ),
    bugs_since=at("2020-10-01"),
)


class TestBuildRetro:
    """Figures as of the cut, from history dated at or before it."""

    def test_completion_leaves_out_dropped_withdrawn_and_ongoing(self) -> None:
        """done 1 of 3 counted (1, 5, 6): 2 dropped, 3 withdrawn, 4 ongoing; 7 not made yet."""
        report = build_retro(FACTS, until=NOW)
        assert report["completion"] == {
            "percent": 33.3, "done": 1, "counted": 3, "total": 6, "in_progress": 1,
            "stalled": 0, "never_started": 1, "dropped": 1, "withdrawn": 1, "ongoing": 1,
            "previous": None,
        }  # fmt: skip
        assert report["scope_change"] == {
            "added_after_ptg": [5], "carried_in": [6], "withdrawn": [3], "dropped": [2],
        }  # fmt: skip

    def test_earlier_cut_sees_earlier_states(self) -> None:
        """On 2020-11-12 item 1 is done, 2 and 3 still count, the carried 6 counts from the
        PTG's first day, 5 is not made yet."""
        report = build_retro(FACTS, until=at("2020-11-12"))
        completion_then = report["completion"]
        assert (completion_then["done"], completion_then["counted"]) == (1, 4)
        assert [(p["date"], p["scope"], p["completed"]) for p in report["burnup"]] == [
            ("2020-10-26", 4, 0), ("2020-11-02", 4, 0), ("2020-11-09", 4, 0),
            ("2020-11-12", 4, 1),
        ]  # fmt: skip

    def test_bugs_weekly_by_importance(self) -> None:
        """Open tasks per week by importance; opened and closed in the cycle; backlog."""
        bugs = build_retro(FACTS, until=NOW)["bugs"]
        assert bugs["weekly"][0] == {
            "date": "2020-10-26", "open": 2,
            "by_importance": {"Critical": 1, "High": 1, "Undecided": 0, "other": 0},
        }  # fmt: skip
        assert bugs["weekly"][-1]["open"] == 2
        assert (bugs["opened"], bugs["closed"]) == (1, 1)
        assert (bugs["backlog_start"], bugs["backlog_end"]) == (2, 2)
        assert bugs["note"] is None

    def test_no_bug_data_before_the_first_sync(self) -> None:
        """Weeks before the first stored task have null counts and a note, never zeros."""
        late = RetroFacts(
            FACTS.events, FACTS.actions, tasks=FACTS.tasks, bugs_since=at("2021-01-10")
        )
        bugs = build_retro(late, until=NOW)["bugs"]
        assert bugs["note"] == "no data before 2021-01-10"
        assert bugs["weekly"][0]["open"] is None
        assert bugs["weekly"][-1]["open"] == 2
        assert (bugs["opened"], bugs["backlog_start"]) == (None, None)

    def test_owners_group_the_unassigned_last(self) -> None:
        """Each owner's items, and ``None`` for commitments without one."""
        owners = build_retro(FACTS, until=NOW)["owners"]
        assert [(o["owner"], o["items"]) for o in owners] == [
            ("alice", [1, 3, 4, 5, 6]),
            (None, [2]),
        ]


class TestHelpers:
    """Completion, --until and series neighbours."""

    def test_completion_of_nothing_is_null(self) -> None:
        """No counted commitment gives a null percent, not a division by zero."""
        assert completion({"dropped": 2})["percent"] is None

    def test_until_forms(self) -> None:
        """now, a date (its last second) and an ISO time; anything else is a usage error."""
        assert parse_until("now", now=NOW) == NOW
        assert parse_until("2021-04-14", now=NOW) == datetime(2021, 4, 14, 23, 59, 59, tzinfo=UTC)
        assert parse_until(None, now=NOW) is None
        with pytest.raises(ConfigError):
            parse_until("last week", now=NOW)

    def test_series_neighbours(self) -> None:
        """wallaby follows victoria and precedes xena; unknown cycles have none."""
        assert (previous_series("wallaby"), next_series("wallaby")) == ("victoria", "xena")
        assert (previous_series("austin"), next_series("indri")) == (None, None)
        assert previous_series("nope") is None
