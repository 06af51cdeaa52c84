"""`status --owner/--topic`: the repository filters the actions in SQL (issue 11)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from syncsvc.models.status_queries import status_inputs

NOW = datetime(2020, 11, 2, 12, 0, tzinfo=UTC)


def window(session, **filters):
    """The actions ``status_inputs`` returns for the week up to NOW, as (topic, owners)."""
    facts = status_inputs(session.connection(), since=NOW - timedelta(days=7), until=NOW, **filters)
    return [(a.topic, a.owners) for a in facts.actions]


def test_without_filters_every_current_action_is_read(imported):
    """No owner and no topic: all seven actions of both events."""
    assert len(window(imported)) == 7


def test_owner_filter_ignores_case(imported):
    """``owner`` keeps the actions one of whose owners is that nick, in any case."""
    assert window(imported, owner="WHOAMI-rajat") == [
        ("Cinder backup improvements", ("eharney", "whoami-rajat")),
        ("Nova backup of instances", ("eharney", "whoami-rajat")),
    ]


def test_owner_and_topic_filters_combine(imported):
    """``topic`` is a case-insensitive substring of the title, ANDed with ``owner``."""
    assert window(imported, owner="eharney", topic="NOVA") == [
        ("Nova backup of instances", ("eharney", "whoami-rajat")),
    ]
    assert window(imported, topic="no such topic") == []
