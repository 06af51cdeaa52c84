"""save_event by source: identity, joining an event, origins, per-source topics and days."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from syncsvc.domain import (
    ActionItem,
    ActionOrigin,
    ActionState,
    Day,
    Event,
    SourceKey,
    SourceKind,
    Topic,
)
from syncsvc.errors import InputError, NotFoundError
from syncsvc.models.db import session_scope
from syncsvc.models.repo import get_action, list_actions, list_events, set_state
from syncsvc.models.tables import ActionRow, EventSourceRow, TopicRow
from syncsvc.testing.storage import save_event

NOW = datetime(2020, 11, 2, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=1)
DIGEST = "0" * 64
MAIL_1 = SourceKey(SourceKind.MESSAGE_ID, "day1@example.org")
MAIL_2 = SourceKey(SourceKind.MESSAGE_ID, "day3@example.org")
DAY_3 = Day(label="Day 3 - Oct 28, 2020, Wed", date=date(2020, 10, 28))


@pytest.fixture
def day_3_event(sample_event: Event) -> Event:
    """A second mail of the same PTG: another day, one topic shared with the first mail."""
    policy = Topic(
        title="Secure RBAC",
        day=DAY_3,
        actions=(ActionItem(text="gouthamr will write the policy refresh spec", owners=()),),
    )
    backup = replace(
        sample_event.topics[0],
        day=DAY_3,
        actions=(ActionItem(text="e0ne will benchmark the zstd compressor"),),
    )
    return replace(sample_event, days=(DAY_3,), topics=(policy, backup), people=())


def active(session, event_id: int | None = None) -> list[str]:
    """The texts of the current actions (of one event)."""
    return [a.text for a in list_actions(session, event_id=event_id)]


class TestSourceIdentity:
    def test_two_sources_with_one_title_are_two_events(self, session, sample_event, day_3_event):
        """A second mail with the same team, cycle and title is another event; nothing is withdrawn."""
        first = save_event(session, sample_event, source=MAIL_1, source_digest=DIGEST, now=NOW)
        second = save_event(session, day_3_event, source=MAIL_2, source_digest=DIGEST, now=LATER)
        assert (second.new_event, second.withdrawn, second.created) == (True, 0, 2)
        assert second.event_id != first.event_id
        assert [e.actions for e in list_events(session)] == [5, 2]

    def test_same_source_again_updates_its_event(self, session, sample_event):
        """Re-importing a source, even with another title, updates the event it created."""
        first = save_event(session, sample_event, source=MAIL_1, source_digest=DIGEST, now=NOW)
        renamed = replace(sample_event, title="Cinder Wallaby PTG (edited)")
        again = save_event(session, renamed, source=MAIL_1, source_digest=DIGEST, now=LATER)
        assert (again.event_id, again.new_event, again.unchanged) == (first.event_id, False, 5)
        assert [e.title for e in list_events(session)] == ["Cinder Wallaby PTG summary"]

    def test_a_source_joins_an_event_by_id(self, session, sample_event, day_3_event):
        """``into`` an event id adds the source to that event."""
        first = save_event(session, sample_event, source=MAIL_1, source_digest=DIGEST, now=NOW)
        joined = save_event(
            session, day_3_event, source=MAIL_2, into=first.event_id, source_digest=DIGEST, now=NOW
        )
        assert (joined.event_id, joined.new_event, joined.created) == (first.event_id, False, 2)
        assert len(active(session, first.event_id)) == 7
        keys = session.scalars(select(EventSourceRow.key).order_by(EventSourceRow.id)).all()
        assert keys == ["day1@example.org", "day3@example.org"]

    def test_a_source_joins_an_event_by_title_or_creates_it(self, session, sample_event):
        """``into`` a name joins the event with that title, or creates an event with that title."""
        first = save_event(session, sample_event, source=MAIL_1, source_digest=DIGEST, now=NOW)
        named = "Cinder Wallaby PTG summary"
        joined = save_event(
            session, sample_event, source=MAIL_2, into=named, source_digest=DIGEST, now=NOW
        )
        fresh = save_event(
            session,
            sample_event,
            source=SourceKey(SourceKind.URL, "https://lists.example.org/3.html"),
            into="Cinder follow-up",
            source_digest=DIGEST,
            now=NOW,
        )
        assert joined.event_id == first.event_id
        assert fresh.new_event
        assert [e.title for e in list_events(session)] == [named, "Cinder follow-up"]

    def test_unknown_event_id_is_not_found(self, session, sample_event):
        """``into`` an id that names no event raises NotFoundError and writes nothing."""
        with pytest.raises(NotFoundError, match="no event with id 42"):
            save_event(session, sample_event, into=42, source_digest=DIGEST, now=NOW)
        assert list_events(session) == []

    def test_a_source_stays_in_its_event(self, session, sample_event, day_3_event):
        """A source imported into one event cannot be imported into another."""
        save_event(session, sample_event, source=MAIL_1, source_digest=DIGEST, now=NOW)
        other = save_event(session, day_3_event, source=MAIL_2, source_digest=DIGEST, now=NOW)
        with pytest.raises(InputError, match="was imported into event 1"):
            save_event(
                session, sample_event, source=MAIL_1, into=other.event_id, source_digest=DIGEST,
                now=LATER,
            )  # fmt: skip

    def test_an_ambiguous_name_is_refused(self, session, sample_event):
        """``into`` a title two events share asks for the id instead."""
        save_event(session, sample_event, source=MAIL_1, source_digest=DIGEST, now=NOW)
        save_event(session, sample_event, source=MAIL_2, source_digest=DIGEST, now=NOW)
        with pytest.raises(InputError, match="2 events are named"):
            save_event(
                session, sample_event, into="Cinder Wallaby PTG summary", source_digest=DIGEST,
                now=NOW,
            )  # fmt: skip


class TestWithdrawal:
    def test_a_source_withdraws_only_its_own_actions(self, session, sample_event, day_3_event):
        """Dropping an action from the second mail withdraws it and nothing of the first mail."""
        first = save_event(session, sample_event, source=MAIL_1, source_digest=DIGEST, now=NOW)
        into = first.event_id
        save_event(session, day_3_event, source=MAIL_2, into=into, source_digest=DIGEST, now=NOW)
        shorter = replace(day_3_event, topics=day_3_event.topics[:1])
        report = save_event(session, shorter, source=MAIL_2, source_digest=DIGEST, now=LATER)
        assert (report.withdrawn, report.unchanged) == (1, 1)
        assert active(session) == [
            *(a.text for a in sample_event.actions),
            "gouthamr will write the policy refresh spec",
        ]

    def test_hand_added_and_carried_actions_are_never_withdrawn(self, session, sample_event):
        """Actions added by hand or carried over stay current when the source drops everything."""
        report = save_event(session, sample_event, source=MAIL_1, source_digest=DIGEST, now=NOW)
        topic_id = session.scalars(select(TopicRow.id).order_by(TopicRow.id)).first()
        for origin in (ActionOrigin.MANUAL, ActionOrigin.CARRIED):
            session.add(
                ActionRow(
                    event_id=report.event_id, topic_id=topic_id, position=9, text=f"{origin} one",
                    state=ActionState.OPEN, inferred=False, created_at=NOW, updated_at=NOW,
                    origin=origin,
                )
            )  # fmt: skip
        session.flush()
        empty = replace(
            sample_event, topics=tuple(replace(t, actions=()) for t in sample_event.topics)
        )
        gone = save_event(session, empty, source=MAIL_1, source_digest=DIGEST, now=LATER)
        assert gone.withdrawn == 5
        assert active(session) == ["manual one", "carried one"]
        assert [a.origin for a in list_actions(session)] == [
            ActionOrigin.MANUAL,
            ActionOrigin.CARRIED,
        ]

    def test_withdrawn_action_records_when_and_keeps_its_day(self, session, sample_event):
        """A withdrawn action is returned with its time, origin, source and its topic's day."""
        save_event(session, sample_event, source=MAIL_1, source_digest=DIGEST, now=NOW)
        gone = list_actions(session)[0]
        report = save_event(
            session, replace(sample_event, topics=sample_event.topics[1:]), source=MAIL_1,
            source_digest=DIGEST, now=LATER,
        )  # fmt: skip
        stored = get_action(session, gone.id)
        assert report.withdrawn == 2
        assert (stored.withdrawn_at, stored.day, stored.origin, stored.source) == (
            LATER,
            date(2020, 10, 26),
            ActionOrigin.SOURCE,
            MAIL_1,
        )

    def test_mark_refuses_a_withdrawn_action_unless_forced(self, session, sample_event):
        """set_state on a withdrawn action raises InputError; ``force`` sets it."""
        save_event(session, sample_event, source=MAIL_1, source_digest=DIGEST, now=NOW)
        gone = list_actions(session)[0].id
        shorter = replace(sample_event, topics=sample_event.topics[1:])
        save_event(session, shorter, source=MAIL_1, source_digest=DIGEST, now=LATER)
        with pytest.raises(InputError, match=f"action {gone} was withdrawn on 2020-11-03"):
            set_state(session, gone, ActionState.DONE, now=LATER)
        assert get_action(session, gone).state is ActionState.OPEN
        assert set_state(session, gone, ActionState.DONE, now=LATER, force=True).state == "done"


class TestTopicsAndDays:
    def test_a_topic_another_source_still_has_stays(self, session, sample_event, day_3_event):
        """A topic both mails have is withdrawn from one mail only; the event still counts it."""
        first = save_event(session, sample_event, source=MAIL_1, source_digest=DIGEST, now=NOW)
        into = first.event_id
        save_event(session, day_3_event, source=MAIL_2, into=into, source_digest=DIGEST, now=NOW)
        [event] = list_events(session)
        assert (event.topics, event.actions) == (4, 7)
        shorter = replace(day_3_event, topics=day_3_event.topics[:1])
        save_event(session, shorter, source=MAIL_2, source_digest=DIGEST, now=LATER)
        [event] = list_events(session)
        assert (event.topics, event.actions) == (4, 6)
        assert len(list_actions(session, topic="backup improvements")) == 2

    def test_another_source_never_relabels_a_day(self, session, sample_event, day_3_event):
        """Days are shared by label and date: the first mail's actions keep their dates."""
        first = save_event(session, sample_event, source=MAIL_1, source_digest=DIGEST, now=NOW)
        into = first.event_id
        save_event(session, day_3_event, source=MAIL_2, into=into, source_digest=DIGEST, now=NOW)
        assert [(a.topic, a.day) for a in list_actions(session)] == [
            ("Cinder backup improvements", date(2020, 10, 26)),
            ("Cinder backup improvements", date(2020, 10, 26)),
            ("Removing deprecated drivers", date(2020, 10, 27)),
            ("Removing deprecated drivers", date(2020, 10, 27)),
            ("Interop guidelines", date(2020, 10, 27)),
            ("Secure RBAC", date(2020, 10, 28)),
            ("Cinder backup improvements", date(2020, 10, 28)),
        ]


class TestDefaultNames:
    def test_summaries_sharing_only_a_default_name_are_two_sources(self, session, day_3_event):
        """Two summaries with one default name but no action in common do not touch each other."""
        untitled = replace(day_3_event, team=None, cycle=None, title="PTG")
        other = Topic(title="Routers", actions=(ActionItem(text="carol will write the guide"),))
        first = save_event(session, untitled, source_digest=DIGEST, now=NOW)
        second = save_event(
            session, replace(untitled, topics=(other,)), source_digest=DIGEST, now=LATER
        )
        assert (second.new_event, second.withdrawn, str(second.source)) == (True, 0, "name:PTG (2)")
        assert len(active(session)) == 3
        edited = replace(untitled, topics=untitled.topics[:1])
        again = save_event(session, edited, source_digest=DIGEST, now=LATER)
        assert (again.event_id, again.withdrawn, str(again.source)) == (
            first.event_id,
            1,
            "name:PTG",
        )
        assert active(session, second.event_id) == ["carol will write the guide"]

    def test_a_given_name_joins_without_taking_another_summary(
        self, session, sample_event, day_3_event
    ):
        """A second summary given the first's name joins its event as a source of its own."""
        named = SourceKey(SourceKind.NAME, "wallaby")
        first = save_event(
            session, sample_event, source=named, into="wallaby", source_digest=DIGEST, now=NOW
        )
        report = save_event(
            session, day_3_event, source=named, into="wallaby", source_digest=DIGEST, now=LATER
        )
        assert (report.event_id, report.created, report.withdrawn) == (first.event_id, 2, 0)
        assert str(report.source) == "name:wallaby (2)"
        assert len(active(session, first.event_id)) == 7


class TestDryRun:
    def test_dry_run_counts_what_a_real_run_does_and_writes_nothing(
        self, engine, sample_event, day_3_event
    ):
        """A dry run reports the real run's counts, stores nothing and uses up no id."""
        shorter = replace(sample_event, topics=sample_event.topics[1:])
        with session_scope(engine) as session:
            save_event(session, sample_event, source=MAIL_1, source_digest=DIGEST, now=NOW)
        with Session(engine) as session:
            dry_edit = save_event(
                session, shorter, source=MAIL_1, source_digest=DIGEST, now=LATER, dry_run=True
            )
            session.rollback()
            dry_new = save_event(
                session, day_3_event, source=MAIL_2, source_digest=DIGEST, now=LATER, dry_run=True
            )
            session.rollback()
        with session_scope(engine) as session:
            assert len(active(session)) == 5
            edit = save_event(session, shorter, source=MAIL_1, source_digest=DIGEST, now=LATER)
            new = save_event(session, day_3_event, source=MAIL_2, source_digest=DIGEST, now=LATER)
            new_ids = [a.id for a in list_actions(session, event_id=new.event_id)]
        assert dry_edit == edit
        assert (edit.withdrawn, edit.unchanged) == (2, 3)
        assert dry_new == replace(new, event_id=None)
        assert (new.event_id, new_ids) == (2, [6, 7])
