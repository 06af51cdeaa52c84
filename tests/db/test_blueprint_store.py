"""Blueprints in storage: idempotent upserts on (project, name) and the reads by link id.

Runs on SQLite and, with SYNCSVC_TEST_DATABASE_URL, on PostgreSQL. Names and dates
are sample data.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from syncsvc.domain import SaveCounts
from syncsvc.domain.blueprints import Blueprint, BlueprintChange
from syncsvc.models.blueprint_store import (
    blueprint_changes,
    blueprint_states,
    first_seen,
    save_blueprints,
    stored_blueprints,
)
from syncsvc.models.blueprint_tables import BlueprintRow

NOW = datetime(2021, 3, 1, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=1)
PRIVSEP = Blueprint(
    "manila",
    "privsep-migration",
    "Migrate from rootwrap to privsep",
    "Approved",
    "Started",
    "Started",
    milestone="wallaby-3",
    assignee="carloss",
    date_created=datetime(2020, 10, 20, 9, 0, tzinfo=UTC),
    url="https://blueprints.launchpad.net/manila/+spec/privsep-migration",
)
CLIENT = Blueprint("python-manilaclient", "privsep-migration", "Client side", "New", "Unknown")
RBAC = Blueprint("manila", "secure-rbac", "Secure RBAC", "Approved", "Good progress")


class TestSaveBlueprints:
    def test_insert_then_unchanged(self, session: Session):
        """The first save inserts; the same records again are unchanged, last_seen moves."""
        assert save_blueprints(session, [PRIVSEP, RBAC], observed_at=NOW) == SaveCounts(inserted=2)
        assert save_blueprints(session, [PRIVSEP, RBAC], observed_at=LATER) == SaveCounts(
            unchanged=2
        )
        rows = session.scalars(select(BlueprintRow).order_by(BlueprintRow.name)).all()
        assert [(r.name, r.first_seen, r.last_seen) for r in rows] == [
            ("privsep-migration", NOW, LATER),
            ("secure-rbac", NOW, LATER),
        ]

    def test_a_moved_blueprint_is_changed_in_place(self, session: Session):
        """An implemented blueprint updates its row: one changed, the record as saved."""
        save_blueprints(session, [PRIVSEP], observed_at=NOW)
        done = replace(
            PRIVSEP,
            implementation_status="Implemented",
            lifecycle_status="Complete",
            is_complete=True,
            date_completed=LATER,
        )
        assert save_blueprints(session, [done], observed_at=LATER) == SaveCounts(changed=1)
        assert stored_blueprints(session) == [done]
        assert session.scalar(select(BlueprintRow.id).where(BlueprintRow.name == "x")) is None

    def test_tracked_changes_are_kept_with_when_they_were_seen(self, session: Session):
        """A status or milestone change appends a history row dated when the sync saw
        it; a title change updates the row only; an unchanged save adds nothing."""
        save_blueprints(session, [PRIVSEP], observed_at=NOW)
        moved = replace(PRIVSEP, definition_status="Obsolete", milestone="xena-1", title="T")
        save_blueprints(session, [moved], observed_at=LATER)
        save_blueprints(session, [moved], observed_at=LATER + timedelta(days=1))
        old = (PRIVSEP.definition_status, PRIVSEP.milestone)
        assert blueprint_changes(session) == [
            BlueprintChange("manila", "privsep-migration", "definition_status", old[0],
                            "Obsolete", LATER),
            BlueprintChange("manila", "privsep-migration", "milestone", old[1], "xena-1",
                            LATER),
        ]  # fmt: skip
        assert blueprint_changes(session, ["python-manilaclient"]) == []
        assert first_seen(session) == NOW
        assert first_seen(session, ["python-manilaclient"]) is None

    def test_naive_observed_at_is_refused(self, session: Session):
        """A naive observation time is a programming error."""
        with pytest.raises(ValueError, match="observed_at"):
            save_blueprints(session, [PRIVSEP], observed_at=NOW.replace(tzinfo=None))


class TestReads:
    def test_stored_blueprints_by_project(self, session: Session):
        """All stored blueprints by project and name, or those of the given projects."""
        save_blueprints(session, [RBAC, CLIENT, PRIVSEP], observed_at=NOW)
        assert stored_blueprints(session) == [PRIVSEP, RBAC, CLIENT]
        assert stored_blueprints(session, ["python-manilaclient"]) == [CLIENT]

    def test_blueprint_states_by_link_id(self, session: Session):
        """project/name matches exactly; a bare name takes the first project that has it."""
        save_blueprints(session, [RBAC, CLIENT, PRIVSEP], observed_at=NOW)
        found = blueprint_states(
            session,
            ["privsep-migration", "python-manilaclient/privsep-migration", "manila/nope", "rbac"],
        )
        assert found == {
            "privsep-migration": PRIVSEP,
            "python-manilaclient/privsep-migration": CLIENT,
        }
        assert blueprint_states(session, []) == {}
