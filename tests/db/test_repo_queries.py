"""Reading back: list_actions filters and order, get_action, set_state, list_events."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from syncsvc.domain import ActionState, EventSource, StoredEvent
from syncsvc.errors import ErrorKind, NotFoundError
from syncsvc.models.repo import get_action, list_actions, list_events, set_state
from syncsvc.testing.storage import save_event

NOW = datetime(2020, 11, 2, 12, 0, tzinfo=UTC)
DIGEST = "0" * 64


class TestListActions:
    def test_orders_by_event_topic_and_position(self, imported):
        """Actions come in import order of events, then topic and action order."""
        assert [(a.event, a.topic, a.text[:22]) for a in list_actions(imported)] == [
            ("Cinder Wallaby PTG summary", "Cinder backup improvements", "rosmaita to write the "),
            ("Cinder Wallaby PTG summary", "Cinder backup improvements", "eharney and whoami-raj"),
            ("Cinder Wallaby PTG summary", "Removing deprecated drivers", "Remove the deprecated "),
            ("Cinder Wallaby PTG summary", "Removing deprecated drivers", "jungleboyj to update b"),
            ("Cinder Wallaby PTG summary", "Interop guidelines", "Follow up on the 2020."),
            ("Nova Wallaby PTG summary", "Nova backup of instances", "rosmaita to write the "),
            ("Nova Wallaby PTG summary", "Nova backup of instances", "eharney and whoami-raj"),
        ]

    def test_filters_by_owner_case_insensitively(self, imported):
        """``owner`` matches any owner of the action, ignoring case."""
        found = list_actions(imported, owner="Whoami-Rajat")
        assert [(a.event, a.owners) for a in found] == [
            ("Cinder Wallaby PTG summary", ("eharney", "whoami-rajat")),
            ("Nova Wallaby PTG summary", ("eharney", "whoami-rajat")),
        ]

    def test_filters_by_topic_substring(self, imported):
        """``topic`` is a case-insensitive substring of the topic title."""
        assert {a.topic for a in list_actions(imported, topic="BACKUP")} == {
            "Cinder backup improvements",
            "Nova backup of instances",
        }

    def test_topic_filter_treats_wildcards_literally(self, imported):
        """SQL wildcards in ``topic`` match only themselves."""
        assert list_actions(imported, topic="%") == []
        assert list_actions(imported, topic="_") == []

    def test_filters_unassigned(self, imported):
        """``unassigned`` keeps only actions without owners."""
        found = list_actions(imported, unassigned=True)
        assert [(a.text, a.owners) for a in found] == [
            ("Remove the deprecated drivers after Wallaby-3", ()),
            ("Follow up on the 2020.10 advisory", ()),
        ]

    def test_filters_by_event_and_combines_filters(self, imported):
        """``event_id`` restricts to one event and combines with the other filters."""
        nova_id = list_events(imported)[1].id
        found = list_actions(imported, event_id=nova_id, owner="rosmaita")
        assert [(a.event_id, a.text) for a in found] == [
            (nova_id, "rosmaita to write the spec for backup compression by Wallaby-1")
        ]

    def test_uses_a_fixed_number_of_queries(self, imported, sql_statements):
        """Listing runs one query for actions plus one per eager-loaded collection."""
        with sql_statements() as statements:
            found = list_actions(imported)
        assert len(found) == 7
        assert len(statements) == 3


class TestGetAction:
    def test_returns_the_action(self, imported):
        """An action is found by its id with the same record the list shows."""
        listed = list_actions(imported)[3]
        assert get_action(imported, listed.id) == listed

    def test_unknown_id_raises_not_found(self, imported):
        """An unknown id raises NotFoundError naming the id."""
        with pytest.raises(NotFoundError, match=r"^no action with id 999$") as raised:
            get_action(imported, 999)
        assert raised.value.kind is ErrorKind.NOT_FOUND

    def test_history_is_oldest_first(self, session, sample_event):
        """Two successive edits give two revisions, oldest first."""
        save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        action_id = list_actions(session)[0].id
        texts = [
            "rosmaita to write the spec for backup compression by Wallaby-1",
            "rosmaita to write the backup compression spec by Wallaby-1",
            "rosmaita to write the backup compression spec by Wallaby-2",
        ]
        for day, text in enumerate(texts[1:], start=1):
            topics = list(sample_event.topics)
            actions = list(topics[0].actions)
            actions[0] = replace(actions[0], text=text)
            topics[0] = replace(topics[0], actions=tuple(actions))
            edited = replace(sample_event, topics=tuple(topics))
            save_event(session, edited, source_digest=DIGEST, now=NOW + timedelta(days=day))
        action = get_action(session, action_id)
        assert action.text == texts[2]
        assert [(r.text, r.replaced_at) for r in action.history] == [
            (texts[0], NOW + timedelta(days=1)),
            (texts[1], NOW + timedelta(days=2)),
        ]


class TestSetState:
    def test_sets_and_returns_the_state(self, imported):
        """set_state returns the action in its new state, and later reads agree."""
        action_id = list_actions(imported)[0].id
        returned = set_state(imported, action_id, ActionState.DROPPED)
        assert returned.state is ActionState.DROPPED
        assert get_action(imported, action_id) == returned

    def test_is_persisted_by_the_callers_commit(self, engine, imported):
        """After the caller commits, a new session sees the state."""
        action_id = list_actions(imported)[0].id
        set_state(imported, action_id, ActionState.DONE)
        imported.commit()
        with Session(engine) as other:
            assert get_action(other, action_id).state is ActionState.DONE

    def test_unknown_id_raises_not_found(self, imported):
        """Setting the state of an unknown action raises NotFoundError."""
        with pytest.raises(NotFoundError, match=r"^no action with id 12345$"):
            set_state(imported, 12345, ActionState.DONE)


class TestListEvents:
    def test_lists_events_with_counts(self, imported):
        """Events are listed in import order with their topic and action counts and dates."""
        events = list_events(imported)
        assert events == [
            StoredEvent(
                id=events[0].id,
                team="cinder",
                cycle="wallaby",
                title="Cinder Wallaby PTG summary",
                source=EventSource.PTG,
                imported_at=NOW,
                topics=3,
                actions=5,
                first_day=date(2020, 10, 26),
                last_day=date(2020, 10, 27),
            ),
            StoredEvent(
                id=events[1].id,
                team="nova",
                cycle="wallaby",
                title="Nova Wallaby PTG summary",
                source=EventSource.PTG,
                imported_at=NOW + timedelta(hours=1),
                topics=1,
                actions=2,
                first_day=date(2020, 10, 26),
                last_day=date(2020, 10, 27),
            ),
        ]
        assert events[0].imported_at.tzinfo is not None

    def test_empty_database_has_no_events(self, session):
        """A fresh database lists no events."""
        assert list_events(session) == []
