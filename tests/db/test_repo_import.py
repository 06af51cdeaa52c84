"""save_event: upsert, idempotence, id-keeping matching, history, soft removal, people, refs."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from syncsvc.domain import (
    ActionItem,
    ActionRevision,
    ActionState,
    Event,
    EventSource,
    ImportReport,
    Person,
    Ref,
    RefKind,
    SourceKey,
    SourceKind,
    StoredAction,
    Topic,
)
from syncsvc.models.db import session_scope
from syncsvc.models.repo import get_action, list_actions, list_events, set_state
from syncsvc.models.tables import ActionRevisionRow, PersonRow, RefRow, TopicRow
from syncsvc.testing.storage import save_event

NOW = datetime(2020, 11, 2, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=1)
DIGEST = "0" * 64


def edit_action(event: Event, topic: int, action: int, **changes: object) -> Event:
    """Return ``event`` with one action replaced by a copy carrying ``changes``."""
    topics = list(event.topics)
    actions = list(topics[topic].actions)
    actions[action] = replace(actions[action], **changes)
    topics[topic] = replace(topics[topic], actions=tuple(actions))
    return replace(event, topics=tuple(topics))


def set_actions(event: Event, topic: int, actions: list[ActionItem]) -> Event:
    """Return ``event`` with the actions of one topic replaced (positions renumbered)."""
    topics = list(event.topics)
    renumbered = tuple(replace(a, position=i) for i, a in enumerate(actions))
    topics[topic] = replace(topics[topic], actions=renumbered)
    return replace(event, topics=tuple(topics))


def ids_by_text(session) -> dict[str, int]:
    """Map the text of every current action to its id."""
    return {a.text: a.id for a in list_actions(session)}


class TestSaveEventFirstImport:
    def test_counts_every_action_as_created(self, session, sample_event):
        """A first import creates every action and reports nothing else."""
        report = save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        assert report == ImportReport(
            event_id=report.event_id,
            created=5,
            updated=0,
            unchanged=0,
            withdrawn=0,
            source=SourceKey(SourceKind.NAME, "Cinder Wallaby PTG summary"),
            new_event=True,
        )

    def test_stores_the_action_as_a_domain_record(self, session, sample_event):
        """The stored action carries its event title, day, topic, owners, milestone and due date."""
        report = save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        first = list_actions(session)[0]
        assert first == StoredAction(
            id=first.id,
            event_id=report.event_id,
            event="Cinder Wallaby PTG summary",
            day=date(2020, 10, 26),
            topic="Cinder backup improvements",
            text="rosmaita to write the spec for backup compression by Wallaby-1",
            owners=("rosmaita",),
            milestone="Wallaby-1",
            milestone_key="wallaby-1",
            due=date(2020, 12, 3),
            starts=None,
            refs=(),
            state=ActionState.OPEN,
            inferred=False,
            history=(),
            source=SourceKey(SourceKind.NAME, "Cinder Wallaby PTG summary"),
        )

    def test_keeps_owner_order_refs_and_inferred_flag(self, session, sample_event):
        """Owners keep their written order, refs their cited order, and inferred actions stay flagged."""
        save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        actions = list_actions(session)
        assert [(a.owners, [r.id for r in a.refs], a.inferred) for a in actions] == [
            (("rosmaita",), [], False),
            (("eharney", "whoami-rajat"), ["755556"], False),
            ((), [], False),
            (("jungleboyj",), ["1901234", "755556"], False),
            ((), [], True),
        ]
        assert (actions[2].milestone_key, actions[2].starts) == ("wallaby-3", date(2021, 3, 12))
        assert (actions[4].milestone, actions[4].milestone_key) == ("2020.10 advisory", None)

    def test_stores_topics_with_etherpads_discussion_and_day(self, session, sample_event):
        """Topics are stored in order with their etherpads, discussion items and day."""
        save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        topics = session.scalars(select(TopicRow).order_by(TopicRow.position)).all()
        assert [
            (t.position, t.title, t.etherpads, t.discussion, t.day and t.day.label) for t in topics
        ] == [
            (
                0,
                "Cinder backup improvements",
                ["https://etherpad.opendev.org/p/wallaby-ptg-cinder"],
                ["Compression is slow on large volumes."],
                "Day 1 - Oct 26, 2020, Mon",
            ),
            (1, "Removing deprecated drivers", [], [], "Day 2 - Oct 27, 2020, Tue"),
            (2, "Interop guidelines", [], [], "Day 2 - Oct 27, 2020, Tue"),
        ]

    def test_naive_now_is_refused(self, session, sample_event):
        """``now`` without a time zone is refused before anything is written."""
        with pytest.raises(ValueError, match="timezone-aware"):
            save_event(session, sample_event, source_digest=DIGEST, now=NOW.replace(tzinfo=None))
        assert list_events(session) == []

    def test_event_without_team_or_cycle_round_trips_as_none(self, session, sample_event):
        """An event with no team or cycle is stored and listed with ``None`` for both."""
        event = replace(sample_event, team=None, cycle=None)
        first = save_event(session, event, source_digest=DIGEST, now=NOW)
        second = save_event(session, event, source_digest=DIGEST, now=LATER)
        [stored] = list_events(session)
        assert (stored.team, stored.cycle, second.event_id) == (None, None, first.event_id)


class TestSaveEventIdempotence:
    def test_reimport_changes_nothing(self, engine, sample_event):
        """Importing the same summary twice keeps every id and reports every action unchanged."""
        with session_scope(engine) as session:
            first = save_event(session, sample_event, source_digest=DIGEST, now=NOW)
            before = list_actions(session)
        with session_scope(engine) as session:
            second = save_event(session, sample_event, source_digest=DIGEST, now=LATER)
            after = list_actions(session)
            revisions = session.scalar(select(func.count()).select_from(ActionRevisionRow))
        assert second == ImportReport(
            event_id=first.event_id,
            created=0,
            updated=0,
            unchanged=5,
            withdrawn=0,
            source=SourceKey(SourceKind.NAME, "Cinder Wallaby PTG summary"),
        )
        assert after == before
        assert revisions == 0

    def test_reimport_writes_only_the_import_time(self, session, sample_event, sql_statements):
        """Re-importing an unchanged summary issues no write but the event's and source's import time."""
        save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        session.commit()
        with sql_statements(words=2) as statements:
            save_event(session, sample_event, source_digest=DIGEST, now=LATER)
        writes = [s for s in statements if not s.startswith(("SELECT", "BEGIN"))]
        assert writes == ["UPDATE events", "UPDATE event_sources"]

    def test_reimport_updates_digest_and_import_time_only(self, session, sample_event):
        """A re-import records the new digest and time on the same event row."""
        first = save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        save_event(session, sample_event, source_digest="f" * 64, now=LATER)
        [event] = list_events(session)
        assert (event.id, event.imported_at, event.topics, event.actions) == (
            first.event_id,
            LATER,
            3,
            5,
        )

    def test_other_source_is_another_event(self, session, sample_event):
        """The same title from another source (a meeting's log URL) is a separate event."""
        first = save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        meeting = replace(sample_event, source=EventSource.MEETING)
        log = SourceKey(SourceKind.URL, "https://meetings.opendev.org/manila.log.html")
        second = save_event(session, meeting, source=log, source_digest=DIGEST, now=NOW)
        assert second.event_id != first.event_id
        assert [e.source for e in list_events(session)] == [EventSource.PTG, EventSource.MEETING]

    def test_state_survives_reimport(self, session, sample_event):
        """A state set by the user is kept when the summary is imported again."""
        save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        action_id = list_actions(session)[0].id
        set_state(session, action_id, ActionState.DONE)
        save_event(session, sample_event, source_digest=DIGEST, now=LATER)
        assert get_action(session, action_id).state is ActionState.DONE


class TestSaveEventMatching:
    def test_light_edit_keeps_id_and_records_history(self, session, sample_event):
        """A reworded action keeps its id and its old text and owners become a revision."""
        save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        ids = ids_by_text(session)
        old_text = "rosmaita to write the spec for backup compression by Wallaby-1"
        new_text = "rosmaita to write the backup compression spec by Wallaby-1"
        edited = edit_action(sample_event, 0, 0, text=new_text)
        report = save_event(session, edited, source_digest=DIGEST, now=LATER)
        action = get_action(session, ids[old_text])
        assert (report.created, report.updated, report.unchanged, report.withdrawn) == (0, 1, 4, 0)
        assert action.text == new_text
        assert action.history == (
            ActionRevision(text=old_text, owners=("rosmaita",), replaced_at=LATER),
        )

    def test_owner_change_records_old_owners(self, session, sample_event):
        """Changing only the owners keeps the id and records the previous owners."""
        save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        action_id = list_actions(session)[1].id
        edited = edit_action(sample_event, 0, 1, owners=("whoami-rajat",))
        report = save_event(session, edited, source_digest=DIGEST, now=LATER)
        action = get_action(session, action_id)
        assert report.updated == 1
        assert action.owners == ("whoami-rajat",)
        assert [r.owners for r in action.history] == [("eharney", "whoami-rajat")]

    def test_milestone_change_updates_without_revision(self, session, sample_event):
        """A new due date counts as an update but records no revision (the wording is the same)."""
        save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        action_id = list_actions(session)[0].id
        edited = edit_action(sample_event, 0, 0, due=date(2020, 12, 10))
        report = save_event(session, edited, source_digest=DIGEST, now=LATER)
        action = get_action(session, action_id)
        assert (report.updated, report.unchanged) == (1, 4)
        assert (action.due, action.history) == (date(2020, 12, 10), ())

    def test_inserted_action_shifts_positions_but_keeps_ids(self, session, sample_event):
        """A new action above existing ones is created; the others keep their ids."""
        save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        before = ids_by_text(session)
        new = ActionItem(text="e0ne to benchmark the zstd compressor", owners=("e0ne",))
        edited = set_actions(sample_event, 0, [new, *sample_event.topics[0].actions])
        report = save_event(session, edited, source_digest=DIGEST, now=LATER)
        after = ids_by_text(session)
        assert (report.created, report.updated, report.unchanged) == (1, 0, 5)
        assert {t: i for t, i in after.items() if t in before} == before
        assert [a.text for a in list_actions(session, topic="backup")] == [
            new.text,
            *(a.text for a in sample_event.topics[0].actions),
        ]

    def test_rewrite_at_same_position_keeps_id_when_count_unchanged(self, session, sample_event):
        """An action rewritten beyond recognition keeps its id if its topic kept its action count."""
        save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        action_id = list_actions(session, topic="deprecated")[0].id
        edited = edit_action(sample_event, 1, 0, text="Drop the Veritas and Tintri drivers")
        report = save_event(session, edited, source_digest=DIGEST, now=LATER)
        assert (report.created, report.updated, report.withdrawn) == (0, 1, 0)
        assert get_action(session, action_id).text == "Drop the Veritas and Tintri drivers"

    def test_rewrite_with_count_change_creates_and_removes(self, session, sample_event):
        """A rewritten action in a topic that also lost an action is a new action; the old one is removed."""
        save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        old = list_actions(session, topic="deprecated")
        edited = set_actions(sample_event, 1, [ActionItem(text="Drop the Veritas driver")])
        report = save_event(session, edited, source_digest=DIGEST, now=LATER)
        current = list_actions(session, topic="deprecated")
        assert (report.created, report.updated, report.withdrawn) == (1, 0, 2)
        assert [a.text for a in current] == ["Drop the Veritas driver"]
        assert current[0].id not in {a.id for a in old}

    def test_swapped_actions_keep_their_ids(self, session, sample_event):
        """Reordering actions inside a topic keeps each action's id (matched by text)."""
        save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        before = ids_by_text(session)
        first, second = sample_event.topics[0].actions
        report = save_event(
            session, set_actions(sample_event, 0, [second, first]), source_digest=DIGEST, now=LATER
        )
        assert report.unchanged == 5
        assert ids_by_text(session) == before


class TestSaveEventRemoval:
    def test_missing_action_is_soft_removed(self, session, sample_event):
        """An action gone from the summary is hidden from lists but kept, with its id."""
        save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        gone = list_actions(session, topic="deprecated")[1]
        edited = set_actions(sample_event, 1, [sample_event.topics[1].actions[0]])
        report = save_event(session, edited, source_digest=DIGEST, now=LATER)
        assert (report.withdrawn, report.unchanged) == (1, 4)
        assert gone.id not in {a.id for a in list_actions(session)}
        assert gone.id in {a.id for a in list_actions(session, include_removed=True)}
        assert get_action(session, gone.id).text == gone.text

    def test_reappearing_action_is_revived_with_same_id(self, session, sample_event):
        """An action that comes back after a soft removal gets its old id and is listed again."""
        save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        gone = list_actions(session, topic="deprecated")[1]
        edited = set_actions(sample_event, 1, [sample_event.topics[1].actions[0]])
        save_event(session, edited, source_digest=DIGEST, now=LATER)
        report = save_event(session, sample_event, source_digest=DIGEST, now=LATER)
        assert (report.created, report.updated, report.withdrawn) == (0, 1, 0)
        assert gone in list_actions(session)

    def test_missing_topic_removes_its_actions(self, session, sample_event):
        """A topic gone from the summary takes its actions out of lists and event counts."""
        save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        edited = replace(sample_event, topics=sample_event.topics[:2])
        report = save_event(session, edited, source_digest=DIGEST, now=LATER)
        [event] = list_events(session)
        assert report.withdrawn == 1
        assert (event.topics, event.actions) == (2, 4)
        assert [a.topic for a in list_actions(session, include_removed=True)][-1] == (
            "Interop guidelines"
        )

    def test_removal_is_counted_once(self, session, sample_event):
        """Importing the shortened summary again does not count the removal twice."""
        save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        edited = set_actions(sample_event, 1, [])
        first = save_event(session, edited, source_digest=DIGEST, now=LATER)
        second = save_event(session, edited, source_digest=DIGEST, now=LATER)
        assert (first.withdrawn, second.withdrawn, second.unchanged) == (2, 0, 3)


class TestSaveEventPeopleAndRefs:
    def test_people_are_upserted_by_nick_with_names(self, session, sample_event):
        """Each owner nick becomes one person, named when the summary gives a name."""
        save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        people = session.execute(select(PersonRow.nick, PersonRow.name).order_by(PersonRow.nick))
        assert list(people) == [
            ("eharney", "Eric Harney"),
            ("jungleboyj", None),
            ("rosmaita", "Brian Rosmaita"),
            ("whoami-rajat", None),
        ]

    def test_later_import_fills_in_a_name(self, session, sample_event):
        """A later summary that names a known nick sets the name on the same person."""
        save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        other = replace(
            sample_event,
            title="Cinder Xena PTG summary",
            cycle="xena",
            people=(Person("jungleboyj", "Jay Bryant"),),
        )
        save_event(session, other, source_digest=DIGEST, now=LATER)
        rows = session.execute(select(PersonRow.nick, PersonRow.name)).all()
        assert len(rows) == 4
        assert ("jungleboyj", "Jay Bryant") in rows

    def test_refs_are_deduplicated(self, session, sample_event):
        """A ref cited by two actions, and again on re-import, is stored once."""
        save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        save_event(session, sample_event, source_digest=DIGEST, now=LATER)
        refs = session.execute(select(RefRow.kind, RefRow.ref_id).order_by(RefRow.ref_id))
        assert list(refs) == [
            (RefKind.BUG, "1901234"),
            (RefKind.CHANGE, "755556"),
            (RefKind.ETHERPAD, "wallaby-ptg-cinder"),
        ]

    def test_changed_refs_count_as_update(self, session, sample_event):
        """Citing another change updates the action's refs without a revision."""
        save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        action_id = list_actions(session)[1].id
        new_ref = Ref(RefKind.CHANGE, "760000", "https://review.opendev.org/c/760000")
        report = save_event(
            session,
            edit_action(sample_event, 0, 1, refs=(new_ref,)),
            source_digest=DIGEST,
            now=LATER,
        )
        action = get_action(session, action_id)
        assert report.updated == 1
        assert (action.refs, action.history) == ((new_ref,), ())

    def test_topic_refs_are_linked_in_order(self, session, sample_event):
        """Topic refs are stored and linked to their topic."""
        save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        topic = session.scalars(select(TopicRow).where(TopicRow.position == 0)).one()
        assert [link.ref.to_record() for link in topic.ref_links] == list(
            sample_event.topics[0].refs
        )

    def test_renamed_topic_keeps_its_actions(self, session, sample_event):
        """A lightly renamed topic heading keeps its row and its actions' ids."""
        save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        before = ids_by_text(session)
        topics = list(sample_event.topics)
        topics[2] = Topic(
            title="Interop guideline", day=topics[2].day, actions=topics[2].actions, position=2
        )
        report = save_event(
            session, replace(sample_event, topics=tuple(topics)), source_digest=DIGEST, now=LATER
        )
        assert (report.unchanged, report.withdrawn) == (5, 0)
        assert ids_by_text(session) == before
        assert list_actions(session)[-1].topic == "Interop guideline"
