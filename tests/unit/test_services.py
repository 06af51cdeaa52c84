"""The core's services over fake ports: sync → relink under one lock, status filters."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest

from syncsvc.domain import ActionState, PendingNotes, Plan, SaveCounts, StoredAction
from syncsvc.errors import LockedError, RemoteError
from syncsvc.report.service import status_report
from syncsvc.sync.engine import SyncSettings
from syncsvc.sync.service import LinksSkipped, RelinkSettings, sync_and_relink

NOW = datetime(2020, 12, 10, 16, 0, tzinfo=UTC)


@dataclass
class FakeDatabase:
    """A :class:`SyncDatabase` that logs each step; ``busy`` locks raise LockedError."""

    log: list[str] = field(default_factory=list)
    busy: set[str] = field(default_factory=set)

    @contextmanager
    def _lock(self, name: str) -> Iterator[None]:
        if name in self.busy:
            raise LockedError(f"another {name}")
        self.log.append(f"take {name}")
        yield
        self.log.append(f"release {name}")

    def sync_lock(self, *, wait: float):
        return self._lock("sync")

    def relink_lock(self, *, wait: float):
        return self._lock("relink")

    @contextmanager
    def sync_store(self):
        self.log.append("sync store")
        yield FakeSyncStore()

    @contextmanager
    def link_store(self, *, dry_run: bool):
        self.log.append(f"link store dry_run={dry_run}")
        yield FakeLinkStore(self.log)


class FakeSyncStore:
    """Nothing stored: every sync finds nothing referenced."""

    def referenced_changes(self):
        return set()

    def known_changes(self, numbers):
        return {}

    def unreturned_changes(self, numbers, *, asked_after):
        return set()

    def record_unreturned_changes(self, numbers, *, asked_at):
        return None

    def save_changes(self, changes, *, observed_at):
        return SaveCounts()

    def cursor(self, source, scope):
        return None

    def earliest_event_day(self):
        return NOW - timedelta(days=30)

    def rollback(self):
        pass

    def commit(self):
        pass


@dataclass
class FakeLinkStore:
    """No actions, no data: a relink plans nothing."""

    log: list[str]

    def people(self):
        self.log.append("learn identities")
        return {}

    def stored_identities(self):
        return []

    def add_identities(self, learned):
        return len(learned)

    def actions(self, ids=None):
        return []

    def topic_refs(self):
        return {}

    def changes(self, numbers=None):
        return []

    def linked_changes(self, numbers):
        return []

    def bugs(self, ids=None):
        return []

    def messages(self, bug_ids=None):
        return []

    def identities(self):
        return []

    def links(self, action_ids=None):
        return []

    def confirmed_links(self, action_ids=None):
        return []

    def fingerprint(self):
        return None

    def global_inputs(self):
        return ""

    def word_stats(self):
        return None

    def pending(self):
        return PendingNotes()

    def link_decisions(self):
        return []

    def learned_mark(self):
        return None

    def settle(self, covered, checks, *, fingerprint, everything, word_stats=None, learned=None):
        self.log.append("settle")

    def event_start(self):
        return None

    def apply(self, plan, *, now):
        self.log.append("apply")
        return (0, 0)

    def current_states(self, states):
        return {}

    def append_transitions(self, planned, *, now):
        return len(planned)


class FailingChanges:
    """A Gerrit whose every request fails."""

    def get_changes(self, numbers, *, batch=50):
        raise RemoteError("gerrit is down")

    def changes_updated_since(self, projects, since):
        raise RemoteError("gerrit is down")


def run(database, changes=None, **options):
    """sync_and_relink with no Launchpad and a fixed clock."""
    settings = SyncSettings(gerrit_projects=("openstack/manila",))
    options.setdefault("wait", 0)
    return sync_and_relink(
        database, lambda: (None, changes), settings=settings, links=RelinkSettings(),
        now=lambda: NOW, **options,
    )  # fmt: skip


def test_relink_runs_before_the_sync_lock_is_released() -> None:
    """Lock → sources → save → relink (under the relink lock) → release: one lock held."""
    database = FakeDatabase()
    outcome = run(database)
    assert database.log == [
        "take sync", "sync store", "take relink", "link store dry_run=False",
        "learn identities", "apply", "settle", "release relink", "release sync",
    ]  # fmt: skip
    assert outcome.links is not None
    assert (outcome.skipped, outcome.has_changes) == (None, False)


def test_dry_run_reaches_the_reconciler_in_dry_run_mode() -> None:
    """A dry run relinks with a rolled-back store and applies nothing."""
    database = FakeDatabase()
    outcome = run(database, dry_run=True)
    assert "link store dry_run=True" in database.log
    assert "apply" not in database.log
    assert outcome.links is not None
    assert (outcome.links.dry_run, outcome.links.plan) == (True, Plan())


def test_a_failed_scope_leaves_links_alone() -> None:
    """Links are refreshed only from complete data: a failed scope skips the relink."""
    database = FakeDatabase()
    outcome = run(database, changes=FailingChanges())
    assert outcome.sync.failed
    assert (outcome.links, outcome.skipped) == (None, LinksSkipped.SCOPE_FAILED)
    assert "take relink" not in database.log


def test_a_busy_relink_lock_keeps_what_was_saved() -> None:
    """Another relink holding its lock: the sync still succeeds and says links wait."""
    database = FakeDatabase(busy={"relink"})
    outcome = run(database)
    assert (outcome.links, outcome.skipped) == (None, LinksSkipped.RELINK_RUNNING)
    assert database.log == ["take sync", "sync store", "release sync"]


@dataclass(frozen=True)
class Facts:
    """Stored facts with one action and nothing else."""

    actions: list[StoredAction]
    links: tuple = ()
    states: dict = field(default_factory=dict)
    previous: dict = field(default_factory=dict)
    history: tuple = ()
    new_links: set = field(default_factory=set)
    known_statuses: None = None
    closed_changes: tuple = ()
    tasks: tuple = ()


@dataclass
class FakeReader:
    """A :class:`StatusReader` that records what it was asked."""

    asked: list[dict] = field(default_factory=list)

    def last_sync_run(self):
        return NOW - timedelta(days=1)

    def status_inputs(self, *, since, until, owner, topic):
        self.asked.append({"since": since, "until": until, "owner": owner, "topic": topic})
        action = StoredAction(
            id=4, event_id=1, event="Manila Wallaby PTG", day=date(2020, 10, 28),
            topic="Deprecations", text="remove the driver", owners=("vhari",), milestone=None,
            milestone_key=None, due=None, starts=None, refs=(), state=ActionState.OPEN,
        )  # fmt: skip
        return Facts([action])


@pytest.mark.parametrize(
    ("since", "start"), [("7d", NOW - timedelta(days=7)), ("last-run", NOW - timedelta(days=1))]
)
def test_status_asks_storage_to_filter_by_owner_and_topic(since, start) -> None:
    """The window is resolved first; owner and topic go to the reader, not filtered after."""
    reader = FakeReader()
    report = status_report(reader, since, now=NOW, owner="vhari", topic="deprec")
    assert reader.asked == [{"since": start, "until": NOW, "owner": "vhari", "topic": "deprec"}]
    assert (report.since, report.until) == (start, NOW)
    assert [item.id for items in report.groups.values() for item in items] == [4]
