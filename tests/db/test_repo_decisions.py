"""save_event and list_decisions: topic decisions, action confidence and organisations."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from syncsvc.domain import Event, ImportReport, StoredDecision
from syncsvc.models.db import session_scope
from syncsvc.models.repo import get_action, list_actions, list_decisions
from syncsvc.models.tables import ActionRevisionRow
from syncsvc.testing.storage import save_event

NOW = datetime(2021, 10, 20, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=1)
DIGEST = "0" * 64
EVENT = "Cinder Wallaby PTG summary"


def with_action(event: Event, topic: int, action: int, **changes: object) -> Event:
    """Return ``event`` with one action replaced by a copy carrying ``changes``."""
    topics = list(event.topics)
    actions = list(topics[topic].actions)
    actions[action] = replace(actions[action], **changes)
    topics[topic] = replace(topics[topic], actions=tuple(actions))
    return replace(event, topics=tuple(topics))


def with_decisions(event: Event, topic: int, decisions: tuple[str, ...]) -> Event:
    """Return ``event`` with the decisions of one topic replaced."""
    topics = list(event.topics)
    topics[topic] = replace(topics[topic], decisions=decisions)
    return replace(event, topics=tuple(topics))


@pytest.fixture
def decided_event(sample_event: Event) -> Event:
    """The sample event with two decided topics, an organisation-owned and an unsure action."""
    event = with_decisions(sample_event, 0, ("compress with zstd", "keep gzip as the default"))
    event = with_decisions(event, 2, ("follow the 2020.10 guideline",))
    event = with_action(event, 1, 0, organisations=("NetApp", "SAP"))
    return with_action(event, 2, 0, confidence=0.7)


class TestSaveDecisions:
    def test_decisions_are_listed_by_event_and_topic_in_order(self, session, decided_event):
        """Decisions come back per topic, in topic order and in the order written."""
        report = save_event(session, decided_event, source_digest=DIGEST, now=NOW)
        assert list_decisions(session) == [
            StoredDecision(
                report.event_id, EVENT, "Cinder backup improvements", "compress with zstd"
            ),
            StoredDecision(
                report.event_id, EVENT, "Cinder backup improvements", "keep gzip as the default"
            ),
            StoredDecision(
                report.event_id, EVENT, "Interop guidelines", "follow the 2020.10 guideline"
            ),
        ]

    def test_event_id_filters_decisions(self, session, decided_event):
        """``event_id`` keeps one event's decisions; an event without decisions lists none."""
        first = save_event(session, decided_event, source_digest=DIGEST, now=NOW)
        other = replace(decided_event, title="Cinder Xena PTG summary", topics=())
        second = save_event(session, other, source_digest=DIGEST, now=NOW)
        assert len(list_decisions(session, first.event_id)) == 3
        assert list_decisions(session, second.event_id) == []

    def test_event_without_decisions_lists_none(self, session, sample_event):
        """A summary with no agreements stores an empty list for every topic."""
        save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        assert list_decisions(session) == []

    def test_removed_topic_drops_its_decisions(self, session, decided_event):
        """Decisions of a topic gone from a re-import are no longer listed."""
        save_event(session, decided_event, source_digest=DIGEST, now=NOW)
        shorter = replace(decided_event, topics=decided_event.topics[:2])
        save_event(session, shorter, source_digest=DIGEST, now=LATER)
        assert [d.text for d in list_decisions(session)] == [
            "compress with zstd",
            "keep gzip as the default",
        ]

    def test_changed_decisions_replace_the_old_ones(self, session, decided_event):
        """A re-import with other decisions stores the new list."""
        save_event(session, decided_event, source_digest=DIGEST, now=NOW)
        edited = with_decisions(decided_event, 0, ("compress with lz4",))
        save_event(session, edited, source_digest=DIGEST, now=LATER)
        assert [d.text for d in list_decisions(session)] == [
            "compress with lz4",
            "follow the 2020.10 guideline",
        ]


class TestSaveConfidenceAndOrganisations:
    def test_round_trip(self, session, decided_event):
        """Confidence and organisations come back as saved; defaults stay 1.0 and ()."""
        save_event(session, decided_event, source_digest=DIGEST, now=NOW)
        actions = list_actions(session)
        assert [(a.confidence, a.organisations, a.inferred) for a in actions] == [
            (1.0, (), False),
            (1.0, (), False),
            (1.0, ("NetApp", "SAP"), False),
            (1.0, (), False),
            (0.7, (), True),
        ]
        detail = get_action(session, actions[2].id)
        assert (detail.confidence, detail.organisations) == (1.0, ("NetApp", "SAP"))

    @pytest.mark.parametrize(
        ("topic", "target", "changes"),
        [
            (2, 4, {"confidence": 0.5}),
            (1, 2, {"organisations": ("NetApp",)}),
            (1, 2, {"organisations": ()}),
        ],
    )
    def test_change_counts_as_update_without_revision(
        self, session, decided_event, topic, target, changes
    ):
        """A new confidence or organisation list updates the action in place, with no revision."""
        first = save_event(session, decided_event, source_digest=DIGEST, now=NOW)
        before = list_actions(session)[target]
        report = save_event(
            session,
            with_action(decided_event, topic, 0, **changes),
            source_digest=DIGEST,
            now=LATER,
        )
        after = list_actions(session)[target]
        assert report == ImportReport(
            event_id=first.event_id,
            created=0,
            updated=1,
            unchanged=4,
            withdrawn=0,
            source=first.source,
        )
        assert after == replace(before, **changes)
        assert session.scalar(select(func.count()).select_from(ActionRevisionRow)) == 0


class TestIdempotentReimport:
    def test_reimport_reports_every_action_unchanged(self, engine, decided_event):
        """Re-importing the same decided summary keeps ids, values and decisions."""
        with session_scope(engine) as session:
            first = save_event(session, decided_event, source_digest=DIGEST, now=NOW)
            before = (list_actions(session), list_decisions(session))
        with session_scope(engine) as session:
            second = save_event(session, decided_event, source_digest=DIGEST, now=LATER)
            after = (list_actions(session), list_decisions(session))
        assert second == ImportReport(
            event_id=first.event_id,
            created=0,
            updated=0,
            unchanged=5,
            withdrawn=0,
            source=first.source,
        )
        assert after == before

    def test_reimport_writes_only_the_import_time(self, session, decided_event, sql_statements):
        """An unchanged re-import writes neither topics (decisions) nor actions."""
        save_event(session, decided_event, source_digest=DIGEST, now=NOW)
        session.commit()
        with sql_statements(words=2) as statements:
            save_event(session, decided_event, source_digest=DIGEST, now=LATER)
        writes = [s for s in statements if not s.startswith(("SELECT", "BEGIN"))]
        assert writes == ["UPDATE events", "UPDATE event_sources"]
