"""The retrospective's weekly bug counts use each task's importance of that week."""

from __future__ import annotations

from datetime import UTC, date, datetime

from syncsvc.domain import BugTask, TaskChange
from syncsvc.domain.retro import RetroAction, RetroEvent, RetroFacts
from syncsvc.report.retro import build_retro, importance_at, importance_history

PTG = RetroEvent(1, "Team PTG", "manila", "wallaby", "ptg", date(2020, 10, 26))


def at(day: str) -> datetime:
    """Midnight UTC of an ISO date."""
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), UTC)


TASK = BugTask(7, "manila", "Triaged", "High", date_created=at("2020-10-01"))
CHANGES = (
    TaskChange(7, "manila", "importance", "Undecided", "Medium", at("2020-11-04")),
    TaskChange(7, "manila", "status", "New", "Triaged", at("2020-11-04")),
    TaskChange(7, "manila", "importance", "Medium", "High", at("2020-11-18")),
    TaskChange(8, "manila", "importance", "Low", "Critical", at("2020-11-01")),
)


class TestImportanceHistory:
    """A task's importance at a time, from its stored changes."""

    def test_importance_at_each_time(self) -> None:
        """Before the first change: what it replaced; after each: its new value; a task
        with no change keeps today's importance; other fields and tasks do not count."""
        history = importance_history(CHANGES)
        assert [c.new_value for c in history[7, "manila"]] == ["Medium", "High"]
        assert [
            importance_at(TASK, history, at(day))
            for day in ("2020-10-20", "2020-11-04", "2020-11-10", "2020-12-01")
        ] == ["Undecided", "Medium", "Medium", "High"]
        other = BugTask(9, "manila", "New", "Low", date_created=at("2020-10-01"))
        assert importance_at(other, history, at("2020-10-20")) == "Low"

    def test_weeks_count_the_importance_of_that_week(self) -> None:
        """The task is Undecided the first weeks, 'other' (Medium) while Medium, then High."""
        facts = RetroFacts(
            events=(PTG,),
            actions=(RetroAction(1, 1, "T", "item", (), at("2020-10-26"), dated=True),),
            tasks=(TASK,),
            bugs_since=at("2020-10-01"),
            task_changes=CHANGES,
        )
        weekly = build_retro(facts, until=at("2020-11-30"))["bugs"]["weekly"]
        assert [(w["date"], w["by_importance"]) for w in weekly] == [
            ("2020-10-26", {"Critical": 0, "High": 0, "Undecided": 1, "other": 0}),
            ("2020-11-02", {"Critical": 0, "High": 0, "Undecided": 1, "other": 0}),
            ("2020-11-09", {"Critical": 0, "High": 0, "Undecided": 0, "other": 1}),
            ("2020-11-16", {"Critical": 0, "High": 0, "Undecided": 0, "other": 1}),
            ("2020-11-23", {"Critical": 0, "High": 1, "Undecided": 0, "other": 0}),
            ("2020-11-30", {"Critical": 0, "High": 1, "Undecided": 0, "other": 0}),
        ]
