"""The incremental relink: what it covers, and that it ends where a full relink ends (issue 14)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from relinking import RELINK_AT, TWIN_COMMITMENTS, Seeded, move, relink_once, seed, snapshot
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from syncsvc.domain import (
    ActionItem,
    ActionState,
    Change,
    ChangeStatus,
    Day,
    Event,
    Footers,
    LinkKind,
    LinkStatus,
    Plan,
    Ref,
    RefKind,
    Topic,
)
from syncsvc.models import repo
from syncsvc.models.identities import set_identity
from syncsvc.models.link_store import set_link_status
from syncsvc.models.link_tables import RelinkCheckRow, RelinkMarkRow
from syncsvc.models.relink_store import WORD_STATS, SqlLinkStore
from syncsvc.models.sync_store import SqlSyncStore
from syncsvc.parse.reimport import REIMPORT
from syncsvc.reconcile.weights import WordStats
from syncsvc.sync.service import RelinkSettings
from syncsvc.testing.reconcile_baseline import EVENT_START

Step = Callable[[Engine], None]


def _new_changes(rng: random.Random, seeded: Seeded, first: int, at: datetime) -> Step:
    """Changes worded like commitments (candidates) in their subject or only in their commit
    body (every other one), some closing stored bugs (edges)."""
    actions, bugs = seeded.data.actions, seeded.data.bugs
    template = seeded.data.changes[0]
    made = []
    for number in range(first, first + 6):
        action = rng.choice(actions)
        footers = (
            Footers(closes_bug=(str(rng.choice(bugs).bug_id),)) if rng.random() < 0.5 else None
        )
        made.append(
            replace(
                template,
                number=number,
                project=rng.choice(seeded.data.team_projects),
                subject=action.text.split(" will ", 1)[-1] if number % 2 else "Follow-up",
                body="" if number % 2 else f"As agreed: {action.text.split(' will ', 1)[-1]}.",
                status=ChangeStatus.NEW,
                created=at - timedelta(days=2),
                updated=at - timedelta(hours=3),
                footers=footers or Footers(),
            )
        )

    def step(engine: Engine) -> None:
        with Session(engine) as session:
            store = SqlSyncStore(session)
            store.save_changes(made, observed_at=at)
            store.commit()

    return step


def _closed_bugs(rng: random.Random, seeded: Seeded, at: datetime) -> Step:
    """A few bugs' tasks fixed."""
    picked = rng.sample(list(seeded.data.bugs), 4)
    fixed = [
        replace(
            b,
            tasks=tuple(
                replace(t, status="Fix Released", is_complete=True, date_closed=at) for t in b.tasks
            ),
            date_last_updated=at,
        )
        for b in picked
    ]

    def step(engine: Engine) -> None:
        with Session(engine) as session:
            store = SqlSyncStore(session)
            store.save_bugs(fixed, observed_at=at)
            store.commit()

    return step


def _decisions(rng: random.Random, seeded: Seeded, at: datetime) -> Step:
    """A person marks one commitment done and links another to a change by hand."""
    done, linked = rng.sample(range(1, TWIN_COMMITMENTS + 1), 2)
    change: Change = rng.choice(seeded.data.changes)

    def step(engine: Engine) -> None:
        with Session(engine) as session:
            repo.set_state(session, done, ActionState.DONE, now=at)
            set_link_status(
                session, linked, LinkKind.CHANGE, str(change.number), LinkStatus.CONFIRMED, now=at
            )
            session.commit()

    return step


def _import(rng: random.Random, seeded: Seeded, at: datetime, n: int) -> Step:
    """A new summary with two commitments, one citing a stored change."""
    change = rng.choice(seeded.data.changes)
    day = Day("Day 1", at.date())
    url = f"https://review.opendev.org/{change.number}"
    items = (
        ActionItem(
            text=f"follow up on {url}", refs=(Ref(RefKind.CHANGE, str(change.number), url),)
        ),
        ActionItem(text=seeded.data.actions[n].text, position=1),
    )
    event = Event("synthetic", "xena", f"Follow-up meeting {n} (sample data)", days=(day,),
                  topics=(Topic("Follow-ups", day=day, actions=items),))  # fmt: skip

    def step(engine: Engine) -> None:
        with Session(engine) as session:
            repo.save_event(session, event, source_digest="x", now=at, rules=REIMPORT)
            session.commit()

    return step


def _steps(rng: random.Random, seeded: Seeded, n: int, at: datetime) -> list[Step]:
    moved = rng.randrange(1000)
    steps: list[Step] = [
        lambda engine: move(engine, seeded.data, share=0.03, seed=moved, at=at) and None,
        _new_changes(rng, seeded, 990_000 + 10 * n, at),
        _closed_bugs(rng, seeded, at),
        _decisions(rng, seeded, at),
    ]
    if n % 2:
        steps.append(_import(rng, seeded, at, n))
    return steps


class TestIncrementalEqualsFull:
    def test_random_changes_give_the_links_and_states_of_a_full_relink(
        self, twins: tuple[Engine, Engine, Seeded]
    ) -> None:
        """Round after round of moved, new and fixed records, marks, manual links, imports and
        days passing, the incremental relink leaves the same link and state rows as a full
        relink of the same data, while judging fewer commitments."""
        incremental, full, seeded = twins
        settings = seeded.settings
        now = RELINK_AT
        relink_once(incremental, settings, now=now, full=True)
        relink_once(full, settings, now=now, full=True)
        assert snapshot(incremental) == snapshot(full)
        rng = random.Random(14)
        judged = []
        for n in range(6):
            now += timedelta(days=rng.choice((1, 8, 23, 40)))
            for step in _steps(rng, seeded, n, now):
                step(incremental)
                step(full)
            report, _ = relink_once(incremental, settings, now=now, full=False)
            relink_once(full, settings, now=now, full=True)
            assert not report.full
            judged.append(report.covered)
            links, states = snapshot(incremental)
            assert (links, states) == snapshot(full), f"round {n}"
        assert max(c or 0 for c in judged) < TWIN_COMMITMENTS
        assert len(links) > 100
        assert len(states) > TWIN_COMMITMENTS


class TestWhatItCovers:
    def test_a_no_change_run_judges_nothing(self, engine: Engine) -> None:
        """Once links settle, a relink with no new notes and no recheck due judges nothing."""
        seeded = seed(engine, commitments=40, changes=80, rounds=0)
        now = RELINK_AT
        first, _ = relink_once(engine, seeded.settings, now=now, full=False)
        assert first.full
        assert first.covered == 40
        # A relink that wrote keeps no plan, only whether it had links to write.
        assert (first.added > 0, first.plan, first.planned_links, first.has_changes) == (
            True, Plan(), True, True,
        )  # fmt: skip
        reports = []
        for _ in range(5):
            now += timedelta(minutes=1)
            reports.append(relink_once(engine, seeded.settings, now=now, full=False)[0])
        assert reports[-1].covered == 0
        assert not reports[-1].has_changes
        assert not any(r.full for r in reports)

    def test_a_new_setting_or_full_flag_recomputes_everything(self, engine: Engine) -> None:
        """Another stall window changes the fingerprint: the next relink judges every
        commitment; so does full=True (`link refresh --full`)."""
        seeded = seed(engine, commitments=30, changes=60, rounds=0)
        relink_once(engine, seeded.settings, now=RELINK_AT, full=False)
        other = RelinkSettings(seeded.settings.team_projects, stall_days=30)
        report, _ = relink_once(engine, other, now=RELINK_AT, full=False)
        assert (report.full, report.covered) == (True, 30)
        report, _ = relink_once(engine, other, now=RELINK_AT, full=True)
        assert (report.full, report.covered) == (True, 30)

    def test_a_running_out_stall_window_is_rechecked(self, engine: Engine) -> None:
        """Commitments whose recheck time passes (a stall window running out, a due date
        passing) are judged again and stall, with nothing else changed."""
        seeded = seed(engine, commitments=16, changes=20, rounds=0)
        early = datetime(2021, 5, 19, tzinfo=UTC)  # before every seeded due date
        relink_once(engine, seeded.settings, now=early, full=True)
        with Session(engine) as session:
            stmt = select(RelinkCheckRow.action_id, RelinkCheckRow.recheck_at)
            due = {row.action_id: row.recheck_at for row in session.execute(stmt)}
        assert due
        later = max(due.values()) + timedelta(days=1)
        report, _ = relink_once(engine, seeded.settings, now=later, full=False)
        assert not report.full
        assert report.covered is not None
        assert report.covered >= len(due)
        with engine.connect() as connection:
            stalled = set(
                connection.scalars(
                    text("SELECT action_id FROM action_state_history WHERE state = 'stalled'")
                )
            )
        assert set(due) <= stalled


def _arrives(
    engine: Engine, settings: RelinkSettings, made: Change, at: datetime
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Save ``made`` at ``at``, relink incrementally, check that a full relink leaves the
    same rows, and return them (:func:`snapshot`)."""
    with Session(engine) as session:
        store = SqlSyncStore(session)
        store.save_changes([made], observed_at=at)
        store.commit()
    report, _ = relink_once(engine, settings, now=at, full=False)
    assert not report.full
    incremental = snapshot(engine)
    relink_once(engine, settings, now=at, full=True)
    assert snapshot(engine) == incremental
    return incremental


class TestBodies:
    @pytest.mark.parametrize("pick", [3, 11, 25])
    def test_a_change_worded_only_in_its_body_is_judged(self, engine: Engine, pick: int) -> None:
        """A new change whose commit-message body, not its subject, holds a commitment's
        words: the incremental relink suggests it, as a full relink does."""
        seeded = seed(engine, commitments=40, changes=80, rounds=0)
        relink_once(engine, seeded.settings, now=RELINK_AT, full=True)
        named = {c.project for c in seeded.data.changes}
        project = next(p for p in seeded.data.team_projects if p in named)
        with Session(engine) as session:  # as stored: the seeding names the topics its own way
            action = next(a for a in SqlLinkStore(session).actions() if a.id == pick)
        wanted = f"{action.topic}: {action.text.split(' will ', 1)[-1]}"
        made = replace(
            seeded.data.changes[0],
            number=990_001,
            project=project,
            subject="Follow-up",
            body=f"As agreed: {wanted}.",
            footers=Footers(),
            topic=None,
            created=RELINK_AT,
            updated=RELINK_AT + timedelta(hours=1),
        )
        incremental = _arrives(engine, seeded.settings, made, RELINK_AT + timedelta(hours=2))
        found = [row for row in incremental[0] if row[2] == "990001"]
        assert found
        assert all("body words [" in str(row[6]) for row in found)


class TestEarlierWork:
    def test_a_commitment_citing_earlier_work_still_seeks_its_own(self, engine: Engine) -> None:
        """A commitment confirmed-linked only to a change last updated before the event is
        still judged when a new change worded like it arrives: the incremental relink
        suggests it, as a full relink does."""
        seeded = seed(engine, commitments=40, changes=80, rounds=0)
        named = {c.project for c in seeded.data.changes}
        project = next(p for p in seeded.data.team_projects if p in named)
        with Session(engine) as session:
            action = next(a for a in SqlLinkStore(session).actions() if a.id == 7)
        before = datetime.combine(EVENT_START, datetime.min.time(), UTC) - timedelta(days=30)
        cited = replace(
            seeded.data.changes[0], number=990_100, project=project, subject="Earlier notes",
            body="", footers=Footers(), topic=None, created=before, updated=before,
        )  # fmt: skip
        with Session(engine) as session:
            store = SqlSyncStore(session)
            store.save_changes([cited], observed_at=RELINK_AT)
            store.commit()
            set_link_status(
                session, 7, LinkKind.CHANGE, "990100", LinkStatus.CONFIRMED, now=RELINK_AT
            )
            session.commit()
        with Session(engine) as session:
            assert 7 in {i for i, _, _ in SqlLinkStore(session).candidate_seekers()}
        relink_once(engine, seeded.settings, now=RELINK_AT, full=True)
        made = replace(
            cited, number=990_101, subject=action.text.split(" will ", 1)[-1],
            created=RELINK_AT, updated=RELINK_AT + timedelta(hours=1),
        )  # fmt: skip
        incremental = _arrives(engine, seeded.settings, made, RELINK_AT + timedelta(hours=2))
        assert (7, "suggested") in [
            (row[0], row[5]) for row in incremental[0] if row[2] == "990101"
        ]

    def test_a_link_to_work_done_since_the_event_ends_the_search(self, engine: Engine) -> None:
        """Confirmed-linked to a change updated since the event, a commitment seeks no more
        candidates; to one updated before it only, it still does (stored links, SQL)."""
        seeded = seed(engine, commitments=20, changes=40, rounds=0)
        start = datetime.combine(EVENT_START, datetime.min.time(), UTC)
        old, new = (
            replace(seeded.data.changes[0], number=number, created=at, updated=at)
            for number, at in ((990_200, start - timedelta(days=1)), (990_201, start))
        )
        with Session(engine) as session:
            store = SqlSyncStore(session)
            store.save_changes([old, new], observed_at=RELINK_AT)
            store.commit()
            for action_id, number in ((3, "990200"), (4, "990201")):
                set_link_status(
                    session, action_id, LinkKind.CHANGE, number, LinkStatus.CONFIRMED,
                    now=RELINK_AT,
                )  # fmt: skip
            session.commit()
            seekers = {i for i, _, _ in SqlLinkStore(session).candidate_seekers()}
        assert 3 in seekers
        assert 4 not in seekers


def _kept_stats(engine: Engine) -> WordStats:
    """The word statistics the relink keeps in relink_marks."""
    with Session(engine) as session:
        stmt = select(RelinkMarkRow.value).where(RelinkMarkRow.name == WORD_STATS)
        value = session.scalar(stmt)
    assert value is not None
    return WordStats.from_json(value)


def _save_team_changes(engine: Engine, seeded: Seeded, numbers: range, at: datetime) -> None:
    """New changes in team projects that changes already name (a project no record named
    yet would change the fingerprint), worded like commitments."""
    template = seeded.data.changes[0]
    named = {c.project for c in seeded.data.changes}
    projects = [p for p in seeded.data.team_projects if p in named]
    made = [
        replace(
            template,
            number=number,
            project=projects[number % len(projects)],
            subject=seeded.data.actions[number % len(seeded.data.actions)].text,
            created=at - timedelta(days=1),
            updated=at - timedelta(hours=1),
        )
        for number in numbers
    ]
    with Session(engine) as session:
        store = SqlSyncStore(session)
        store.save_changes(made, observed_at=at)
        store.commit()


class TestKeptWordStatistics:
    def test_new_records_keep_the_statistics_until_the_record_count_drifts(
        self, engine: Engine
    ) -> None:
        """A few new team changes are judged with the statistics of the last full relink
        (`--full` keeps them too); once the team's records grow by over a quarter, the relink
        recomputes everything with statistics over the records now stored."""
        seeded = seed(engine, commitments=20, changes=40, rounds=0)
        now = RELINK_AT
        first, _ = relink_once(engine, seeded.settings, now=now, full=False)
        kept = _kept_stats(engine)
        assert first.full
        assert kept.records > 8
        _save_team_changes(engine, seeded, range(900_000, 900_002), now)
        now += timedelta(hours=1)
        report, _ = relink_once(engine, seeded.settings, now=now, full=False)
        assert not report.full
        assert _kept_stats(engine) == kept
        report, _ = relink_once(engine, seeded.settings, now=now, full=True)
        assert report.full
        assert _kept_stats(engine) == kept
        grown = kept.records // 4 + 1
        _save_team_changes(engine, seeded, range(910_000, 910_000 + grown), now)
        now += timedelta(hours=1)
        report, _ = relink_once(engine, seeded.settings, now=now, full=False)
        assert (report.full, report.covered) == (True, 20)
        assert _kept_stats(engine).records == kept.records + 2 + grown

    def test_a_person_set_renews_the_statistics(self, engine: Engine) -> None:
        """Setting an identity (a name is never a word) recomputes everything with fresh
        statistics, whose people's words name the new nick."""
        seeded = seed(engine, commitments=12, changes=30, rounds=0)
        relink_once(engine, seeded.settings, now=RELINK_AT, full=True)
        assert "zanzibarnick" not in _kept_stats(engine).people
        with Session(engine) as session:
            set_identity(session, "zanzibarnick", launchpad="zanzibar-lp", now=RELINK_AT)
            session.commit()
        report, _ = relink_once(engine, seeded.settings, now=RELINK_AT, full=False)
        assert (report.full, report.covered) == (True, 12)
        assert "zanzibarnick" in _kept_stats(engine).people
