"""Helpers for Launchpad adapter tests: load the sample payloads into a FakeLaunchpad.

``seed_samples`` stores bug 1855391 exactly as tests/data/launchpad describes it
(so the fake serves those payloads back) plus a private bug; ``add_population``
adds many generated bugs to page through. All of it is sample data.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from syncsvc.testing.fake_launchpad import FakeBug, FakeLaunchpad, FakeMessage, FakeTask

DATA = Path(__file__).resolve().parent.parent / "data" / "launchpad"
PRODUCTION_API = "https://api.launchpad.net/devel/"
SAMPLE_BUG = 1855391
PRIVATE_BUG = 1900001
SECURITY_TEAM = "sample-security"
POPULATION_START = 1900100
POPULATION_BASE = datetime(2021, 1, 1, tzinfo=UTC)
# Every status a task can have that searchTasks accepts, in population order.
POPULATION_STATUSES = (
    "New",
    "Incomplete",
    "Opinion",
    "Invalid",
    "Won't Fix",
    "Expired",
    "Confirmed",
    "Triaged",
    "In Progress",
    "Fix Committed",
    "Fix Released",
    "Does Not Exist",
)
POPULATION_ASSIGNEES = ("haixin", "sample-dev-a", "sample-dev-b", None)


def load_sample(name: str, api_root: str | None = None) -> Any:
    """A sample payload, with its API root replaced by ``api_root`` when given."""
    text = (DATA / name).read_text(encoding="utf-8")
    if api_root is not None:
        text = text.replace(PRODUCTION_API, api_root)
    return json.loads(text)


def _when(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _name(link: str | None) -> str | None:
    return None if link is None else link.rsplit("/", 1)[1].lstrip("~")


def _task(entry: dict[str, Any]) -> FakeTask:
    dates = {k: _when(v) for k, v in entry.items() if k.startswith("date_") and k != "date_created"}
    return FakeTask(
        entry["bug_target_name"],
        entry["status"],
        entry["importance"],
        assignee=_name(entry["assignee_link"]),
        milestone=_name(entry["milestone_link"]),
        owner=_name(entry["owner_link"]),
        date_created=_when(entry["date_created"]),
        dates=dates,
    )


def _message(entry: dict[str, Any]) -> FakeMessage:
    return FakeMessage(
        entry["content"],
        entry["subject"],
        _name(entry["owner_link"]) or "",
        _when(entry["date_created"]),
    )


def seed_samples(fake: FakeLaunchpad) -> None:
    """Store sample bug 1855391 (from tests/data/launchpad) and private bug 1900001."""
    bug = load_sample("bug_1855391.json")
    tasks = load_sample("bug_1855391_bug_tasks.json")["entries"]
    messages = load_sample("bug_1855391_messages.json")["entries"]
    fake.add_project("manila", "OpenStack Shared File Systems Service (Manila)")
    fake.add_bug(
        bug["id"],
        bug["title"],
        bug["tags"],
        tasks=[_task(t) for t in tasks],
        messages=[_message(m) for m in messages[1:]],  # comment 0 is the description
        date_created=_when(bug["date_created"]),
        date_last_updated=_when(bug["date_last_updated"]),
        description=bug["description"],
        owner=_name(bug["owner_link"]) or "",
        heat=bug["heat"],
    )
    fake.add_bug(
        PRIVATE_BUG,
        "Sample private security bug",
        tasks=[FakeTask("manila", "Triaged", "High")],
        private=True,
        subscribers=(SECURITY_TEAM,),
        date_last_updated=POPULATION_BASE + timedelta(days=400),
    )


def add_population(fake: FakeLaunchpad, count: int, project: str = "manila") -> list[FakeBug]:
    """Add ``count`` sample bugs with one ``project`` task each, cycling through statuses.

    Bug ``POPULATION_START + i`` is updated ``i`` hours after 2021-01-01, tagged
    ``low-hanging-fruit`` when ``i % 4 == 0``, assigned round-robin (every fourth
    unassigned) and targeted to milestone ``wallaby-2`` when ``i % 5 == 0``.
    """
    bugs = []
    for i in range(count):
        task = FakeTask(
            project,
            POPULATION_STATUSES[i % len(POPULATION_STATUSES)],
            ("High", "Medium", "Low", "Wishlist")[i % 4],
            assignee=POPULATION_ASSIGNEES[i % len(POPULATION_ASSIGNEES)],
            milestone="wallaby-2" if i % 5 == 0 else None,
        )
        bugs.append(
            fake.add_bug(
                POPULATION_START + i,
                f"Sample bug {i}",
                ["low-hanging-fruit"] if i % 4 == 0 else [],
                tasks=[task],
                date_created=POPULATION_BASE,
                date_last_updated=POPULATION_BASE + timedelta(hours=i),
            )
        )
    return bugs
