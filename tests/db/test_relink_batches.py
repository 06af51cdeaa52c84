"""The relink applies its plan a batch of commitments at a time, in one transaction (issue 14)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from relinking import RELINK_AT, Seeded, move, seed, snapshot
from sqlalchemy import text
from sqlalchemy.engine import Engine

from syncsvc.cli.stores import SqlDatabase
from syncsvc.domain import Plan
from syncsvc.models.relink_store import SqlLinkStore
from syncsvc.sync.relink import RelinkReport, relink


def relink_in(
    engine: Engine,
    seeded: Seeded,
    *,
    now: datetime,
    batch: int | None,
    full: bool = False,
    dry_run: bool = False,
) -> RelinkReport:
    """One relink in one transaction, as `link refresh` runs it, in batches of ``batch``."""
    settings = seeded.settings
    with SqlDatabase(engine).link_store(dry_run=dry_run) as store:
        return relink(
            store,
            team_projects=settings.team_projects,
            now=now,
            threshold=settings.threshold,
            stall_days=settings.stall_days,
            full=full,
            dry_run=dry_run,
            batch=batch,
        )


def written(engine: Engine) -> tuple[object, ...]:
    """The link and state rows, the link rows' order of insertion, the notes and marks."""
    with engine.connect() as connection:
        order = connection.execute(text("SELECT action_id, kind, ref_id FROM links ORDER BY id"))
        notes = connection.execute(text("SELECT kind, ref FROM relink_pending ORDER BY 1, 2"))
        marks = connection.execute(text("SELECT name, value FROM relink_marks ORDER BY 1"))
        checks = connection.execute(text("SELECT count(*) FROM relink_checks"))
        rows = [tuple(r) for r in order], [tuple(r) for r in notes], [tuple(r) for r in marks]
        return *snapshot(engine), *rows, checks.scalar()


def counts(report: RelinkReport) -> tuple[object, ...]:
    """What a report says, but the seconds."""
    return (
        report.added, report.updated, report.unchanged, report.transitions, report.reasons,
        report.full, report.covered, report.planned_links,
    )  # fmt: skip


class TestBatches:
    def test_batches_write_the_rows_of_one_plan(self, twins: tuple[Engine, Engine, Seeded]) -> None:
        """A first relink in batches of 7 commitments, then one after 5% of the records moved,
        write the same links (in the same order), states, notes and marks as relinks in one
        plan, and report the same counts and reasons."""
        batched, whole, seeded = twins
        now = RELINK_AT
        first = relink_in(batched, seeded, now=now, batch=7)
        assert counts(first) == counts(relink_in(whole, seeded, now=now, batch=None))
        assert written(batched) == written(whole)
        assert (first.added > 50, first.reasons, first.plan) == (True, (), Plan())
        for engine in (batched, whole):
            move(engine, seeded.data, share=0.05, seed=3, at=now + timedelta(days=1))
        now += timedelta(days=9)
        again = relink_in(batched, seeded, now=now, batch=7)
        assert counts(again) == counts(relink_in(whole, seeded, now=now, batch=None))
        assert written(batched) == written(whole)
        assert (again.full, again.plan) == (False, Plan())
        full = relink_in(batched, seeded, now=now + timedelta(days=30), batch=7, full=True)
        assert counts(full) == counts(
            relink_in(whole, seeded, now=now + timedelta(days=30), batch=None, full=True)
        )
        assert written(batched) == written(whole)

    def test_a_dry_run_reports_the_plan_a_batched_relink_writes(self, engine: Engine) -> None:
        """A dry run derives one plan (with its reasons) and writes nothing; the relink in
        batches then writes its links, in its order."""
        seeded = seed(engine, commitments=60, changes=150, rounds=0)
        before = written(engine)
        dry = relink_in(engine, seeded, now=RELINK_AT, batch=7, dry_run=True)
        assert written(engine) == before
        assert len(dry.reasons) >= len(dry.plan.add) > 20
        wet = relink_in(engine, seeded, now=RELINK_AT, batch=7)
        assert wet.added == dry.added
        assert written(engine)[2] == [(v.action_id, str(v.kind), v.id) for v in dry.plan.add]

    def test_a_failure_after_a_batch_was_applied_leaves_the_database_as_it_was(
        self, twins: tuple[Engine, Engine, Seeded], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """When the third batch fails to apply, the two applied before are rolled back with
        it: no link, no state, the notes and marks as before; a clean rerun then writes what
        a relink that never failed writes."""
        faulty, clean, seeded = twins
        before = written(faulty)
        applied: list[int] = []
        real = SqlLinkStore.apply

        def apply(store: SqlLinkStore, plan: Plan, *, now: datetime) -> tuple[int, int]:
            if len(applied) == 2:
                raise RuntimeError("the relink died half-way")
            applied.append(len(plan.add))
            return real(store, plan, now=now)

        monkeypatch.setattr(SqlLinkStore, "apply", apply)
        with pytest.raises(RuntimeError, match="half-way"):
            relink_in(faulty, seeded, now=RELINK_AT, batch=7)
        assert sum(applied) > 0
        assert written(faulty) == before
        monkeypatch.undo()
        relink_in(faulty, seeded, now=RELINK_AT, batch=7)
        relink_in(clean, seeded, now=RELINK_AT, batch=7)
        assert written(faulty) == written(clean)
        assert len(written(faulty)[0]) > 50
