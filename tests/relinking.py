"""A synthetic database for relink tests and the relink benchmark (all SAMPLE data).

The reconciler benchmark's generator
(:func:`syncsvc.testing.reconcile_baseline.generate`) gives commitments, changes
and bugs; :func:`seed` imports the commitments as events (500 each, 10 per
topic, one in 8 with a due date) and saves the records through the sync store,
then gives every change ``rounds`` new patch sets for history rows. :func:`move`
moves a share of the records as a sync would save them; :func:`snapshot` reads
what a relink decides (link and state-history rows).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from syncsvc.cli.stores import SqlDatabase
from syncsvc.domain import ActionItem, Bug, Change, ChangeStatus, Day, Event, Topic
from syncsvc.models import db, repo
from syncsvc.models.sync_store import SqlSyncStore
from syncsvc.models.sync_tables import ArtifactHistoryRow
from syncsvc.models.tables import ActionRow
from syncsvc.parse.reimport import REIMPORT
from syncsvc.sync.relink import RelinkReport
from syncsvc.sync.service import RelinkSettings, refresh_links
from syncsvc.testing.reconcile_baseline import EVENT_START, DataSet, generate

EVENTS_OF, TOPICS_OF = 500, 10
SEEDED_AT = datetime(2021, 10, 1, tzinfo=UTC)
RELINK_AT = datetime(2021, 10, 2, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Seeded:
    """The generated data set as stored, and the relink settings to judge it with."""

    data: DataSet
    settings: RelinkSettings
    history_rows: int
    commitments: int


#: The size of the two databases the ``twins`` fixture seeds alike (tests/db/conftest.py).
TWIN_COMMITMENTS, TWIN_CHANGES = 120, 300


def _events(data: DataSet) -> list[Event]:
    day = Day("Day 1", EVENT_START)
    events = []
    actions = list(data.actions)
    for first in range(0, len(actions), EVENTS_OF):
        block = actions[first : first + EVENTS_OF]
        topics = []
        for start in range(0, len(block), TOPICS_OF):
            items = tuple(
                ActionItem(
                    text=a.text,
                    owners=a.owners,
                    refs=a.refs,
                    position=i,
                    due=EVENT_START + timedelta(days=60 + a.id % 90) if a.id % 8 == 0 else None,
                )
                for i, a in enumerate(block[start : start + TOPICS_OF])
            )
            title = f"{block[start].topic} ({first + start})"
            topics.append(Topic(title=title, day=day, actions=items, position=len(topics)))
        title = f"Synthetic PTG {first // EVENTS_OF + 1} (sample data)"
        events.append(Event("synthetic", "xena", title, days=(day,), topics=tuple(topics)))
    return events


def seed(
    engine: Engine, *, commitments: int, changes: int, rounds: int, seed: int = 2021
) -> Seeded:
    """Upgrade the schema and store the generated data set with ``rounds`` patch sets more."""
    data = generate(commitments, changes, seed)
    db.upgrade(engine)
    with Session(engine) as session:
        for event in _events(data):
            repo.save_event(session, event, source_digest="bench", now=SEEDED_AT, rules=REIMPORT)
        session.commit()
        store = SqlSyncStore(session)
        store.save_bugs(data.bugs, observed_at=SEEDED_AT)
        store.save_changes(data.changes, observed_at=SEEDED_AT)
        store.commit()
        for n in range(rounds):
            moved = [replace(c, current_patch_set=n + 2) for c in data.changes]
            store.save_changes(moved, observed_at=SEEDED_AT + timedelta(minutes=n + 1))
            store.commit()
        history = session.scalar(select(func.count()).select_from(ArtifactHistoryRow)) or 0
        stored = session.scalar(select(func.count()).select_from(ActionRow)) or 0
    settings = RelinkSettings(team_projects=data.team_projects)
    return Seeded(data, settings, history, stored)


def move(engine: Engine, data: DataSet, *, share: float, seed: int, at: datetime) -> int:
    """Move ``share`` of the changes (a new patch set, some merged, a fresh update time)
    and of the bugs (a newer update); return how many records moved."""
    rng = random.Random(seed)
    picked = rng.sample(list(data.changes), max(1, int(len(data.changes) * share)))
    moved: list[Change] = [
        replace(
            c,
            status=ChangeStatus.MERGED if rng.random() < 0.3 else c.status,
            current_patch_set=99,
            updated=at - timedelta(hours=rng.randint(1, 48)),
        )
        for c in picked
    ]
    bugs: list[Bug] = [
        replace(b, date_last_updated=at - timedelta(hours=rng.randint(1, 48)))
        for b in rng.sample(list(data.bugs), max(1, int(len(data.bugs) * share)))
    ]
    with Session(engine) as session:
        store = SqlSyncStore(session)
        store.save_changes(moved, observed_at=at)
        store.save_bugs(bugs, observed_at=at)
        store.commit()
    return len(moved) + len(bugs)


def relink_once(
    engine: Engine, settings: RelinkSettings, *, now: datetime, full: bool
) -> tuple[RelinkReport, float]:
    """One relink as `link refresh [--full]` runs it; returns its report and seconds."""
    started = time.perf_counter()
    report = refresh_links(SqlDatabase(engine), settings, now=now, wait=0, full=full)
    return report, time.perf_counter() - started


def snapshot(engine: Engine) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Every link row and every state-history row (without row ids), sorted: what a relink
    decides."""
    with engine.connect() as connection:
        links = connection.execute(
            text(
                "SELECT action_id, kind, ref_id, source, confidence, status, evidence, decided_by"
                " FROM links ORDER BY action_id, kind, ref_id"
            )
        )
        states = connection.execute(
            text(
                "SELECT action_id, state, previous_state, reason, changed_at, observed_at"
                " FROM action_state_history ORDER BY action_id, id"
            )
        )
        return [tuple(r) for r in links], [tuple(r) for r in states]
