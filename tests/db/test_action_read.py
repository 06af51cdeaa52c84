"""The column read of actions gives the records the ORM path gives, field for field."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from syncsvc.domain import ActionOrigin, SourceKey, SourceKind, StoredAction
from syncsvc.models.repo import get_action, list_actions
from syncsvc.models.tables import ActionRow
from syncsvc.parse.summary import parse_summary
from syncsvc.testing.storage import save_event

NOW = datetime(2020, 11, 2, 12, 0, tzinfo=UTC)


def _as_get_action_reads(session: Session, listed: list[StoredAction]) -> list[StoredAction]:
    """Each listed action as ``get_action`` (ORM objects) reads it, revisions left out."""
    return [replace(get_action(session, a.id), history=()) for a in listed]


@pytest.fixture
def stored(session, reference_summary, sample_event):
    """The reference summary and the sample event, each from a named source; one action
    withdrawn, one whose source is gone, one added by hand with organisations and a
    confidence below 1."""
    event = parse_summary(reference_summary.read_bytes())
    source = SourceKey(SourceKind.NAME, "manila-wallaby-ptg-summary.html")
    save_event(session, event, source_digest="1" * 64, now=NOW, source=source)
    save_event(session, sample_event, source_digest="2" * 64, now=NOW + timedelta(hours=1))
    ids = session.scalars(select(ActionRow.id).order_by(ActionRow.id)).all()
    session.execute(update(ActionRow).where(ActionRow.id == ids[3]).values(removed_at=NOW))
    session.execute(update(ActionRow).where(ActionRow.id == ids[7]).values(source_id=None))
    session.execute(
        update(ActionRow)
        .where(ActionRow.id == ids[-1])
        .values(origin=ActionOrigin.MANUAL, organisations=["NetApp", "Red Hat"], confidence=0.6)
    )
    session.flush()
    return session


class TestColumnRead:
    def test_every_action_equals_the_orm_record(self, stored):
        """All 52 actions, the withdrawn one included: owners, refs, days, source and
        origin as the ORM path reads them."""
        listed = list_actions(stored, include_removed=True)
        assert len(listed) == 47 + 5
        assert listed == _as_get_action_reads(stored, listed)
        assert sum(1 for a in listed if a.withdrawn_at is not None) == 1
        assert sum(len(a.refs) for a in listed) > 4
        assert {a.source for a in listed} == {
            SourceKey(SourceKind.NAME, "manila-wallaby-ptg-summary.html"),
            SourceKey(SourceKind.NAME, "Cinder Wallaby PTG summary"),
            None,
        }
        manual = [a for a in listed if a.origin is ActionOrigin.MANUAL]
        assert [(m.organisations, m.confidence) for m in manual] == [(("NetApp", "Red Hat"), 0.6)]

    @pytest.mark.parametrize(
        "filters",
        [
            {"owner": "dviroel"},
            {"topic": "share"},
            {"unassigned": True},
            {"ids": [5, 1, 30, 999]},
        ],
        ids=["owner", "topic", "unassigned", "ids"],
    )
    def test_filtered_lists_equal_the_orm_records(self, stored, filters):
        """A filtered list reads the owners and refs of its own actions right."""
        listed = list_actions(stored, **filters)
        assert listed
        assert listed == _as_get_action_reads(stored, listed)

    def test_the_withdrawn_action_is_left_out_by_default(self, stored):
        """Without ``include_removed`` the withdrawn action is not listed."""
        assert len(list_actions(stored)) == 51
