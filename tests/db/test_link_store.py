"""link_store: links and manual decisions, state history, identity map, drift loading, migration 0003.

Actions come from the ``sample_event`` fixture. Change 745206 and bug 1855391
(manila, In Progress, assignee haixin), change 758868 and the nicks and names
(Goutham Pacha Ravi (gouthamr), Vida Haririan (vhari), carloss, tbarron) come
from a Manila PTG summary; every other value (bug and change numbers from
1900001 and 760001 up, accounts, e-mails, dates, statuses) is sample data.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from inspect import signature

import pytest
from records import WINDOW, change
from sqlalchemy import CheckConstraint, delete, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from syncsvc.domain import (
    Account,
    Assessment,
    Bug,
    BugTask,
    ChangeStatus,
    CommitmentState,
    CurrentState,
    Identity,
    Link,
    LinkKind,
    LinkSource,
    LinkStatus,
    Plan,
    StoredIdentity,
)
from syncsvc.errors import InputError, NotFoundError
from syncsvc.models.base import Base
from syncsvc.models.db import current_revision, downgrade, upgrade
from syncsvc.models.drift import drift_changes, drift_tasks
from syncsvc.models.identities import (
    add_identities,
    list_identities,
    load_identities,
    set_identity,
)
from syncsvc.models.link_store import (
    ApplyCounts,
    StateChange,
    append_transitions,
    apply_plan,
    current_states,
    load_confirmed_links,
    load_links,
    set_link_status,
    state_history,
)
from syncsvc.models.link_tables import LinkRow
from syncsvc.models.relink_store import SqlLinkStore
from syncsvc.models.repo import list_actions
from syncsvc.models.sync_store import SqlSyncStore
from syncsvc.models.tables import ActionRow
from syncsvc.reconcile.diff import diff
from syncsvc.reconcile.drift import DriftKind, drift
from syncsvc.reconcile.identities import learn_identities
from syncsvc.reconcile.transitions import COMMITTED_REASON, plan_transitions
from syncsvc.sync.ports import IdentityStore, LinkStore, SyncStore
from syncsvc.sync.relink import learn_identities as relink_learn
from syncsvc.testing.storage import save_event

NOW = datetime(2020, 11, 12, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=1)
LATEST = NOW + timedelta(days=2)
DIGEST = "0" * 64
CONFIRMED, SUGGESTED, REJECTED = LinkStatus.CONFIRMED, LinkStatus.SUGGESTED, LinkStatus.REJECTED
NOT_STARTED, IN_PROGRESS = CommitmentState.NOT_STARTED, CommitmentState.IN_PROGRESS
STALLED, DONE = CommitmentState.STALLED, CommitmentState.DONE


@pytest.fixture
def action_ids(session: Session, sample_event) -> list[int]:
    """The ids of the sample event's five actions, in document order."""
    save_event(session, sample_event, source_digest=DIGEST, now=NOW)
    return [action.id for action in list_actions(session)]


def record_states(
    session: Session,
    states: dict[int, Assessment],
    *,
    now: datetime,
    committed: dict[int, datetime] | None = None,
) -> list[int]:
    """Plan the transitions over the stored latest states and append them, as a relink does."""
    latest = current_states(session, states)
    planned = plan_transitions(states, latest, now=now, committed=committed)
    return append_transitions(session, planned, now=now)


def record_state(
    session: Session,
    action_id: int,
    state: CommitmentState,
    reason: str,
    *,
    now: datetime,
    changed_at: datetime | None = None,
) -> bool:
    """:func:`record_states` for one action; whether a row was added."""
    assessed = Assessment(state, reason, changed_at)
    return bool(record_states(session, {action_id: assessed}, now=now))


def link_rows(session: Session) -> list[tuple[object, ...]]:
    """Every links row as (action, kind, id, status, decided_by, created_at, updated_at)."""
    rows = session.scalars(select(LinkRow).order_by(LinkRow.action_id, LinkRow.ref_id))
    return [
        (r.action_id, r.kind, r.ref_id, r.status, r.decided_by, r.created_at, r.updated_at)
        for r in rows
    ]


def spec_link(action: int) -> Link:
    """The explicit, confirmed link of ``action`` to change 755556."""
    evidence = "action text refers to https://review.opendev.org/#/c/755556/"
    return Link(action, LinkKind.CHANGE, "755556", LinkSource.EXPLICIT, 1.0, CONFIRMED, evidence)


def candidate(action: int, ident: str = "758868", score: float = 0.62) -> Link:
    """A suggested candidate link of ``action`` to change ``ident``."""
    evidence = f"words 0.40 [manila, subteam] score {score}"
    return Link(action, LinkKind.CHANGE, ident, LinkSource.CANDIDATE, score, SUGGESTED, evidence)


def bug_link(action: int) -> Link:
    """A transitive, confirmed link of ``action`` to bug 1901234."""
    evidence = "via change 755556 (explicit): change 755556 footer Closes-Bug: #1901234"
    return Link(action, LinkKind.BUG, "1901234", LinkSource.TRANSITIVE, 0.9, CONFIRMED, evidence)


class TestApplyPlan:
    def test_inserts_the_plan_and_loads_it_back_sorted(self, session, action_ids):
        """New links are inserted undecided at ``now`` and load back sorted by action, kind, id."""
        a, b = action_ids[0], action_ids[1]
        plan = Plan(add=(candidate(b), spec_link(a), bug_link(a)))
        assert apply_plan(session, plan, now=NOW) == ApplyCounts(added=3)
        assert load_links(session) == [bug_link(a), spec_link(a), candidate(b)]
        assert load_links(session, [b]) == [candidate(b)]
        assert link_rows(session) == [
            (a, "bug", "1901234", "confirmed", None, NOW, NOW),
            (a, "change", "755556", "confirmed", None, NOW, NOW),
            (b, "change", "758868", "suggested", None, NOW, NOW),
        ]

    def test_confirmed_links_load_sorted_without_evidence(self, session, action_ids):
        """Only confirmed links load for states, sorted as load_links sorts, evidence left out."""
        a, b = action_ids[0], action_ids[1]
        apply_plan(session, Plan(add=(candidate(b), spec_link(a), bug_link(a))), now=NOW)
        bare = [replace(link, evidence="") for link in (bug_link(a), spec_link(a))]
        assert load_confirmed_links(session) == bare
        assert load_confirmed_links(session, [a, b]) == bare
        assert load_confirmed_links(session, [b]) == []
        assert SqlLinkStore(session).confirmed_links([a]) == bare

    def test_applying_the_same_plan_twice_changes_nothing(
        self, session, action_ids, sql_statements
    ):
        """A second apply of the same plan only reads: no INSERT, UPDATE or DELETE."""
        a, b = action_ids[0], action_ids[1]
        plan = Plan(
            add=(spec_link(a), candidate(b, "760001")),
            update=(candidate(b),),
            stale=(candidate(a, "760002"),),
        )
        session.add_all(
            LinkRow(
                action_id=link.action_id,
                kind=link.kind,
                ref_id=link.id,
                source=link.source,
                confidence=0.4,
                status=link.status,
                evidence="old evidence",
                created_at=NOW,
                updated_at=NOW,
            )
            for link in (candidate(b), candidate(a, "760002"))
        )
        session.flush()
        assert apply_plan(session, plan, now=LATER) == ApplyCounts(added=2, updated=1, removed=1)
        before = link_rows(session)
        with sql_statements(words=1) as sent:
            assert apply_plan(session, plan, now=LATEST) == ApplyCounts(unchanged=3)
        assert set(sent) == {"SELECT"}
        assert (
            link_rows(session)
            == before
            == [
                (a, "change", "755556", "confirmed", None, LATER, LATER),
                (b, "change", "758868", "suggested", None, NOW, LATER),
                (b, "change", "760001", "suggested", None, LATER, LATER),
            ]
        )

    def test_update_rewrites_a_suggestion_in_place(self, session, action_ids):
        """An updated link keeps its row and created_at and takes the new evidence."""
        b = action_ids[1]
        apply_plan(session, Plan(add=(candidate(b),)), now=NOW)
        better = candidate(b, score=0.71)
        assert apply_plan(session, Plan(update=(better,)), now=LATER) == ApplyCounts(updated=1)
        assert load_links(session) == [better]
        assert link_rows(session) == [(b, "change", "758868", "suggested", None, NOW, LATER)]

    def test_stale_suggestions_are_removed_once(self, session, action_ids):
        """A stale suggestion is deleted; applying the plan again finds nothing to do."""
        b = action_ids[1]
        apply_plan(session, Plan(add=(candidate(b), candidate(b, "760001"))), now=NOW)
        plan = Plan(stale=(candidate(b),))
        assert apply_plan(session, plan, now=LATER) == ApplyCounts(removed=1)
        assert apply_plan(session, plan, now=LATER) == ApplyCounts()
        assert load_links(session) == [candidate(b, "760001")]

    def test_confirmed_links_from_a_sync_may_be_updated(self, session, action_ids):
        """A confirmed link nobody decided on by hand is the sync's to change."""
        a = action_ids[0]
        apply_plan(session, Plan(add=(spec_link(a),)), now=NOW)
        topic = Link(a, LinkKind.CHANGE, "755556", LinkSource.EXPLICIT, 0.9, CONFIRMED, "topic")
        assert apply_plan(session, Plan(update=(topic,)), now=LATER) == ApplyCounts(updated=1)
        assert load_links(session) == [topic]


class TestManualDecisions:
    def test_a_later_apply_never_overrides_a_manual_decision(self, session, action_ids):
        """Links confirmed or rejected by hand survive add, update and stale entries."""
        a, b = action_ids[0], action_ids[1]
        apply_plan(session, Plan(add=(candidate(b), candidate(b, "760001"))), now=NOW)
        set_link_status(session, b, "change", "758868", "confirmed", now=LATER)
        set_link_status(session, b, "change", "760001", "rejected", now=LATER)
        set_link_status(session, a, "bug", "1901234", "rejected", now=LATER)
        before = load_links(session)
        plan = Plan(
            add=(bug_link(a),),
            update=(candidate(b, score=0.3),),
            stale=(candidate(b, "760001"),),
        )
        assert apply_plan(session, plan, now=LATEST) == ApplyCounts(kept=3)
        assert (
            load_links(session)
            == before
            == [
                Link(
                    a, LinkKind.BUG, "1901234", LinkSource.MANUAL, 1.0, REJECTED, "rejected by hand"
                ),
                Link(
                    b,
                    LinkKind.CHANGE,
                    "758868",
                    LinkSource.CANDIDATE,
                    0.62,
                    CONFIRMED,
                    candidate(b).evidence,
                ),
                Link(
                    b,
                    LinkKind.CHANGE,
                    "760001",
                    LinkSource.CANDIDATE,
                    0.62,
                    REJECTED,
                    candidate(b).evidence,
                ),
            ]
        )
        assert [row[3:] for row in link_rows(session)] == [
            ("rejected", "manual", LATER, LATER),
            ("confirmed", "manual", NOW, LATER),
            ("rejected", "manual", NOW, LATER),
        ]

    def test_a_rejected_explicit_link_stays_rejected_through_diff_and_apply(
        self, session, action_ids
    ):
        """Re-syncing with the reconciler keeps a hand-rejected explicit ref rejected."""
        actions = list_actions(session)
        sync = {"team_projects": ["openstack/cinder"], "event_start": None}
        plan = diff(actions, [], [], [], [], load_links(session), **sync)
        assert apply_plan(session, plan, now=NOW).added == 3
        set_link_status(session, action_ids[1], "change", "755556", "rejected", now=LATER)
        for _ in range(2):
            plan = diff(actions, [], [], [], [], load_links(session), **sync)
            assert not plan.has_changes
            assert apply_plan(session, plan, now=LATEST) == ApplyCounts()
        assert [(v.action_id, v.kind, v.id, v.status) for v in load_links(session)] == [
            (action_ids[1], "change", "755556", REJECTED),
            (action_ids[3], "bug", "1901234", CONFIRMED),
            (action_ids[3], "change", "755556", CONFIRMED),
        ]


class TestSetLinkStatus:
    def test_add_creates_a_manual_confirmed_link(self, session, action_ids):
        """A link nobody derived is added with source manual and confidence 1."""
        a = action_ids[2]
        link = set_link_status(session, a, LinkKind.BUG, "01855391", CONFIRMED, now=NOW)
        expected = Link(
            a, LinkKind.BUG, "1855391", LinkSource.MANUAL, 1.0, CONFIRMED, "confirmed by hand"
        )
        assert link == expected
        assert load_links(session) == [expected]
        assert link_rows(session) == [(a, "bug", "1855391", "confirmed", "manual", NOW, NOW)]

    def test_confirm_keeps_the_evidence_of_a_suggestion(self, session, action_ids):
        """Confirming a candidate keeps its source, score and evidence."""
        b = action_ids[1]
        apply_plan(session, Plan(add=(candidate(b),)), now=NOW)
        link = set_link_status(session, b, "change", "758868", "confirmed", now=LATER)
        assert link == Link(
            b,
            LinkKind.CHANGE,
            "758868",
            LinkSource.CANDIDATE,
            0.62,
            CONFIRMED,
            candidate(b).evidence,
        )
        assert link_rows(session) == [(b, "change", "758868", "confirmed", "manual", NOW, LATER)]

    def test_reject_then_confirm_then_the_same_again(self, session, action_ids):
        """Each decision replaces the last; repeating one writes nothing new."""
        b = action_ids[1]
        apply_plan(session, Plan(add=(candidate(b),)), now=NOW)
        assert (
            set_link_status(session, b, "change", "758868", "rejected", now=LATER).status
            is REJECTED
        )
        assert (
            set_link_status(session, b, "change", "758868", "confirmed", now=LATER).status
            is CONFIRMED
        )
        assert (
            set_link_status(session, b, "change", "758868", "confirmed", now=LATEST).status
            is CONFIRMED
        )
        assert link_rows(session) == [(b, "change", "758868", "confirmed", "manual", NOW, LATER)]

    def test_suggested_hands_a_link_back_to_the_sync(self, session, action_ids):
        """Setting suggested clears decided_by, so a stale plan entry removes the link."""
        b = action_ids[1]
        apply_plan(session, Plan(add=(candidate(b),)), now=NOW)
        set_link_status(session, b, "change", "758868", "rejected", now=LATER)
        link = set_link_status(session, b, "change", "758868", "suggested", now=LATEST)
        assert link == candidate(b)
        assert link_rows(session) == [(b, "change", "758868", "suggested", None, NOW, LATEST)]
        assert apply_plan(session, Plan(stale=(link,)), now=LATEST) == ApplyCounts(removed=1)

    def test_first_sight_starts_not_started_when_committed(self, session, action_ids):
        """An action first seen done gets a not-started row at its commitment time first."""
        a, b = action_ids[:2]
        day = datetime(2020, 10, 26, tzinfo=UTC)
        merged = datetime(2020, 11, 10, tzinfo=UTC)
        states = {
            a: Assessment(DONE, "all linked work complete: change 1 MERGED", merged),
            b: Assessment(NOT_STARTED, "no linked work"),
        }
        assert record_states(session, states, now=LATEST, committed={a: day, b: day}) == [a, b]
        assert state_history(session, a) == [
            StateChange(1, a, NOT_STARTED, None, COMMITTED_REASON, day, LATEST),
            StateChange(2, a, DONE, NOT_STARTED, states[a].reason, merged, LATEST),
        ]
        assert state_history(session, b) == [
            StateChange(3, b, NOT_STARTED, None, "no linked work", day, LATEST)
        ]

    def test_evidence_times_stay_in_order(self, session, action_ids):
        """A state's time is its evidence's, kept between the previous row and now."""
        a = action_ids[0]
        record_state(session, a, IN_PROGRESS, "change 1 open", now=LATER)
        early = Assessment(DONE, "merged before the last row", NOW)
        future = Assessment(STALLED, "idle", LATEST + timedelta(days=9))
        record_states(session, {a: early}, now=LATEST)
        record_states(session, {a: future}, now=LATEST)
        assert [(h.state, h.changed_at, h.observed_at) for h in state_history(session, a)] == [
            (IN_PROGRESS, LATER, LATER),
            (DONE, LATER, LATEST),
            (STALLED, LATEST, LATEST),
        ]

    def test_unknown_action_raises_not_found(self, session, action_ids):
        """A link on an action that does not exist raises NotFoundError."""
        with pytest.raises(NotFoundError, match="no action with id 999"):
            set_link_status(session, 999, "bug", "1855391", "confirmed", now=NOW)

    @pytest.mark.parametrize(
        ("kind", "ref_id", "status", "message"),
        [
            ("bug", "lp1855391", "confirmed", "a bug link needs a bug number, not 'lp1855391'"),
            ("change", "", "rejected", "a change link needs a change number, not ''"),
            ("blueprint", " ", "confirmed", "a blueprint link needs a blueprint name"),
            ("bug", "1855391", "suggested", "has no link to bug 1855391 to hand back"),
        ],
    )
    def test_bad_input_raises_input_error(self, session, action_ids, kind, ref_id, status, message):
        """Malformed ids, and handing back a link that is not stored, raise InputError."""
        with pytest.raises(InputError, match=re.escape(message)):
            set_link_status(session, action_ids[0], kind, ref_id, status, now=NOW)
        assert load_links(session) == []


class TestStateHistory:
    def test_records_only_when_the_state_changes(self, session, action_ids):
        """Same state again (even with a new reason) adds nothing; a new state adds a row."""
        a = action_ids[0]
        assert record_state(session, a, NOT_STARTED, "no linked work", now=NOW) is True
        assert (
            record_state(session, a, NOT_STARTED, "no data yet for change 755556", now=LATER)
            is False
        )
        assert record_state(session, a, IN_PROGRESS, "change 755556 open", now=LATER) is True
        assert record_state(session, a, IN_PROGRESS, "change 755556 open", now=LATEST) is False
        assert record_state(session, a, DONE, "all linked work complete", now=LATEST) is True
        assert state_history(session, a) == [
            StateChange(1, a, NOT_STARTED, None, "no linked work", NOW, NOW),
            StateChange(2, a, IN_PROGRESS, NOT_STARTED, "change 755556 open", LATER, LATER),
            StateChange(3, a, DONE, IN_PROGRESS, "all linked work complete", LATEST, LATEST),
        ]

    def test_current_states(self, session, action_ids):
        """current_states gives each action's latest state, for all or the ids asked."""
        a, b, c = action_ids[:3]
        record_state(session, a, NOT_STARTED, "no linked work", now=NOW)
        record_state(session, b, IN_PROGRESS, "change 758868 open", now=NOW)
        record_state(session, a, IN_PROGRESS, "change 755556 open", now=LATEST, changed_at=LATER)
        record_state(session, b, DONE, "change 758868 MERGED", now=LATEST)
        assert current_states(session) == {
            a: CurrentState(IN_PROGRESS, LATER),
            b: CurrentState(DONE, LATEST),
        }
        assert current_states(session, [b, c]) == {b: (DONE, LATEST)}

    def test_many_ids_are_found_in_one_query(self, session, action_ids, sql_statements):
        """Past a few chunks of ids, one query over every action gives the same states."""
        a, b, c = action_ids[:3]
        record_state(session, a, NOT_STARTED, "no linked work", now=NOW)
        record_state(session, b, DONE, "change 758868 MERGED", now=LATEST)
        many = [b, c, *range(10_000, 12_500)]  # more than 4 chunks of 500; a and most unknown
        with sql_statements(words=1, only={"SELECT"}) as statements:
            found = current_states(session, many)
        assert found == {b: CurrentState(DONE, LATEST)}
        assert len(statements) == 1
        with sql_statements(words=1, only={"SELECT"}) as statements:
            assert current_states(session, many[:1_500]) == found
        assert len(statements) == 3  # chunks of 500

    def test_bulk_record_states_writes_only_what_moved(self, session, action_ids):
        """record_states compares with the latest rows in one go and returns what it wrote."""
        a, b, c = action_ids[:3]
        first = {a: Assessment(NOT_STARTED, "no linked work"), b: Assessment(STALLED, "idle")}
        record_states(session, first, now=NOW)
        recorded = record_states(
            session,
            {
                a: Assessment(NOT_STARTED, "no linked work"),
                b: Assessment(DONE, "merged"),
                c: Assessment(NOT_STARTED, "none"),
            },
            now=LATER,
        )
        assert recorded == [b, c]
        assert current_states(session) == {
            a: (NOT_STARTED, NOW),
            b: (DONE, LATER),
            c: (NOT_STARTED, LATER),
        }

    def test_unknown_action_raises_not_found(self, session, action_ids):
        """Recording a state for an action that does not exist raises NotFoundError."""
        with pytest.raises(NotFoundError, match="no action with id 999"):
            record_state(session, 999, DONE, "marked done", now=NOW)

    def test_history_goes_with_its_action(self, session, action_ids):
        """Deleting an action deletes its links and state history (ON DELETE CASCADE)."""
        a = action_ids[0]
        record_state(session, a, NOT_STARTED, "no linked work", now=NOW)
        apply_plan(session, Plan(add=(spec_link(a),)), now=NOW)
        session.execute(delete(ActionRow).where(ActionRow.id == a))
        session.expire_all()
        assert state_history(session, a) == []
        assert load_links(session) == []


GOUTHAMR = Account(1001, "gouthamr", "Goutham Pacha Ravi", "gouthamr@example.org")
VHARI = Account(1002, "vida.h", "Vida  haririan", "vhari@example.org")
NAMES = {"gouthamr": "Goutham Pacha Ravi", "vhari": "Vida Haririan", "carloss": "Carlos da Silva"}


def learn(session: Session, accounts, nicks, names, *, now: datetime) -> int:
    """Learn identities over the stored ones and store them, as a relink does."""
    learned = learn_identities(accounts, nicks, names, list_identities(session), now=now)
    return add_identities(session, learned)


class TestLearnedIdentities:
    """The storage side of identity learning; the rule itself is unit-tested."""

    def test_learned_rows_round_trip(self, session):
        """Learned identities are stored unconfirmed and listed back; a second pass adds none."""
        assert (
            learn(session, [GOUTHAMR, VHARI, GOUTHAMR], ["gouthamr", "vhari"], NAMES, now=NOW) == 2
        )
        assert load_identities(session) == [
            Identity("gouthamr", "gouthamr", "Goutham Pacha Ravi", "gouthamr@example.org"),
            Identity("vhari", "vida.h", "Vida  haririan", "vhari@example.org"),
        ]
        assert [
            (s.gerrit_account_id, s.confirmed, s.created_at) for s in list_identities(session)
        ] == [
            (1001, False, NOW),
            (1002, False, NOW),
        ]
        assert learn(session, [GOUTHAMR, VHARI], ["gouthamr"], NAMES, now=LATER) == 0

    def test_accounts_and_nicks_set_by_hand_are_left_alone(self, session):
        """A nick with a confirmed Gerrit account, and accounts already mapped, learn nothing."""
        set_identity(session, "gouthamr", gerrit="gouthamr-work", now=NOW)
        set_identity(session, "tbarron", gerrit="1002", now=NOW)
        assert learn(session, [GOUTHAMR, VHARI], ["gouthamr"], NAMES, now=LATER) == 0
        assert load_identities(session) == [
            Identity("gouthamr", "gouthamr-work"),
            Identity("tbarron"),
        ]

    def test_the_link_store_learns_from_owners_and_people(self, session, sample_event):
        """learn_identities over SqlLinkStore: change owners matched to summary people."""
        save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        owners = [Account(4001, "eharney", "E. Harney"), Account(4002, "br", "Brian Rosmaita")]
        changes = [change(760100 + i, ChangeStatus.NEW, owner=o) for i, o in enumerate(owners)]
        SqlSyncStore(session).save_changes(changes, observed_at=NOW)
        store = SqlLinkStore(session)
        assert store.people()["rosmaita"] == "Brian Rosmaita"
        assert relink_learn(store, now=NOW) == 2
        assert [(s.identity.nick, s.gerrit_account_id) for s in list_identities(session)] == [
            ("eharney", 4001),
            ("rosmaita", 4002),
        ]

    @pytest.mark.parametrize(
        ("store", "protocol"),
        [(SqlLinkStore, LinkStore), (SqlLinkStore, IdentityStore), (SqlSyncStore, SyncStore)],
    )
    def test_sql_stores_have_every_protocol_method(self, store, protocol):
        """The SQL stores define each method of the core's store protocols, same parameters."""
        wanted = sorted(n for n, v in vars(protocol).items() if callable(v) and n[0] != "_")
        assert wanted
        found = {
            name: list(signature(getattr(store, name)).parameters)
            for name in wanted
            if hasattr(store, name)
        }
        assert found == {
            name: list(signature(getattr(protocol, name)).parameters) for name in wanted
        }


class TestSetIdentity:
    def test_confirmed_row_overrides_the_learned_ones(self, session):
        """Setting a nick's Gerrit account drops its learned rows; a later Launchpad name adds to it."""
        learn(session, [GOUTHAMR, VHARI], ["gouthamr"], NAMES, now=NOW)
        owner = Account(3001, "gpr", "Goutham P. Ravi", "gpr@example.org")
        SqlSyncStore(session).save_changes(
            [change(760100, ChangeStatus.NEW, owner=owner)], observed_at=NOW
        )
        assert set_identity(session, "gouthamr", gerrit="GPR", now=LATER) == Identity(
            "gouthamr", "gpr", "Goutham P. Ravi", "gpr@example.org"
        )
        set_identity(session, "gouthamr", launchpad="~gouthamr", now=LATEST)
        assert list_identities(session) == [
            StoredIdentity(
                Identity("gouthamr", "gpr", "Goutham P. Ravi", "gpr@example.org", "gouthamr"),
                gerrit_account_id=3001,
                confirmed=True,
                created_at=LATER,
            ),
            StoredIdentity(
                Identity("vhari", "vida.h", "Vida  haririan", "vhari@example.org"),
                gerrit_account_id=1002,
                confirmed=False,
                created_at=NOW,
            ),
        ]

    def test_the_latest_word_wins_for_a_shared_account(self, session):
        """An account or Launchpad name set for one nick leaves every other nick."""
        learn(session, [GOUTHAMR, VHARI], ["gouthamr"], NAMES, now=NOW)
        set_identity(session, "carloss", gerrit="1001", launchpad="carloss", now=NOW)
        set_identity(session, "silvacarlos", launchpad="carloss", now=LATER)
        set_identity(session, "vida", gerrit="vida.h", now=LATER)
        assert [
            (s.identity, s.gerrit_account_id, s.confirmed) for s in list_identities(session)
        ] == [
            (
                Identity("carloss", "gouthamr", "Goutham Pacha Ravi", "gouthamr@example.org"),
                1001,
                True,
            ),
            (Identity("silvacarlos", launchpad="carloss"), None, True),
            (Identity("vida", "vida.h", "Vida  haririan", "vhari@example.org"), 1002, True),
        ]

    def test_nothing_to_set_raises_input_error(self, session):
        """Neither a Gerrit account nor a Launchpad name raises InputError."""
        with pytest.raises(InputError, match="nothing to set"):
            set_identity(session, "gouthamr")


# --- Drift ---------------------------------------------------------------------------


RELEASED = datetime(2020, 11, 15, tzinfo=UTC)
OPEN_TASK = BugTask(1855391, "manila", "In Progress", "Medium", assignee="haixin")
RELEASED_TASK = BugTask(1900003, "manila", "Fix Released", "Medium", date_fix_released=RELEASED)
OTHER_TASK = BugTask(1900004, "manila", "Triaged", "Medium")
PRIVATE_TASK = BugTask(1900010, "manila", "Fix Released", "Medium")


class TestDriftLoading:
    """The storage side of drift: it loads records; the rules are unit-tested."""

    @pytest.fixture
    def synced(self, session):
        """Two changes and four bugs (one private) saved through SqlSyncStore."""
        store = SqlSyncStore(session)
        bugs = [
            Bug(task.bug_id, f"Bug {task.bug_id}", tasks=(task,), visible=task is not PRIVATE_TASK)
            for task in (OPEN_TASK, RELEASED_TASK, OTHER_TASK, PRIVATE_TASK)
        ]
        store.save_bugs(bugs, observed_at=NOW)
        store.save_changes(
            [
                change(760004, ChangeStatus.NEW, at=WINDOW),
                change(745206, ChangeStatus.MERGED, closes=("1855391",)),
            ],
            observed_at=NOW,
        )
        return session

    def test_changes_and_tasks_round_trip(self, synced):
        """Changes come back by number; tasks of visible bugs: the asked ones and Fix Released."""
        assert [(c.number, c.status, c.footers.closes_bug) for c in drift_changes(synced)] == [
            (745206, ChangeStatus.MERGED, ("1855391",)),
            (760004, ChangeStatus.NEW, ()),
        ]
        loaded = drift_tasks(synced, {1855391, 1900010})
        assert [(t.bug_id, t.target, t.status, t.assignee) for t in loaded] == [
            (1855391, "manila", "In Progress", "haixin"),
            (1900003, "manila", "Fix Released", None),
        ]
        assert loaded[1].date_fix_released == RELEASED

    def test_reads_in_three_queries(self, synced, sql_statements):
        """Drift loads changes and tasks in bulk: three SELECTs, whatever the data size."""
        with sql_statements(words=1) as sent:
            items = drift(drift_changes(synced), partial(drift_tasks, synced))
        assert sent == ["SELECT", "SELECT", "SELECT"]
        assert [(i.kind, i.bug_id) for i in items] == [
            (DriftKind.MERGED_BUG_OPEN, 1855391),
            (DriftKind.RELEASED_WITHOUT_MERGE, 1900003),
        ]


# --- Migration 0003 -----------------------------------------------------------------

LINK_TABLES = {"links", "action_state_history", "identities"}


class TestMigration0003:
    def test_upgrade_and_downgrade_add_and_drop_only_the_link_tables(self, engine):
        """Downgrading to 0002 drops the three tables and keeps actions; upgrading restores them."""
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO events (team, cycle, title, source, source_digest, imported_at)"
                    " VALUES ('manila', 'wallaby', 'PTG', 'ptg', '', CURRENT_TIMESTAMP)"
                )
            )
        later = {"bug_messages", "event_sources"}  # from 0005 and 0006
        later |= {"squash_events", "squash_snapshots", "squash_signups"}  # from 0008
        later |= {"relink_pending", "relink_checks", "relink_marks"}  # from 0010
        later |= {"unreturned_changes"}  # from 0011
        later |= {"review_events", "review_reads"}  # from 0012
        later |= {"blueprints"}  # from 0013
        later |= {"bug_activity"}  # from 0015
        later |= {"blueprint_history"}  # from 0016 (0017 adds a column, no table)
        before = set(inspect(engine).get_table_names()) - later
        downgrade(engine, "0002")
        assert current_revision(engine) == "0002"
        assert set(inspect(engine).get_table_names()) == before - LINK_TABLES
        upgrade(engine, "0003")
        assert current_revision(engine) == "0003"
        assert set(inspect(engine).get_table_names()) == before
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT team FROM events")) == "manila"

    def test_indexes_and_unique_keys(self, engine):
        """The new tables carry the convention-named keys and indexes."""
        inspector = inspect(engine)
        indexes = {
            table: {
                i["name"]: tuple(i["column_names"])
                for i in inspector.get_indexes(table)
                if not i.get("duplicates_constraint")  # PostgreSQL lists unique keys too
            }
            for table in sorted(LINK_TABLES)
        }
        uniques = {
            table: {
                u["name"]: tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)
            }
            for table in sorted(LINK_TABLES)
        }
        assert indexes == {
            "action_state_history": {
                "ix_action_state_history_action_id": ("action_id",),
                "ix_action_state_history_changed_at": ("changed_at",),
                "ix_action_state_history_observed_at": ("observed_at",),
            },
            "identities": {"ix_identities_nick": ("nick",)},
            "links": {"ix_links_kind_ref_id": ("kind", "ref_id")},
        }
        assert uniques == {
            "action_state_history": {},
            "identities": {
                "uq_identities_gerrit_account_id": ("gerrit_account_id",),
                "uq_identities_gerrit_username": ("gerrit_username",),
                "uq_identities_launchpad": ("launchpad",),
            },
            "links": {"uq_links_action_id_kind_ref_id": ("action_id", "kind", "ref_id")},
        }

    def test_check_constraints_refuse_bad_rows(self, session, action_ids):
        """An out-of-range confidence is refused by the named CHECK constraint."""
        row = LinkRow(
            action_id=action_ids[0],
            kind=LinkKind.BUG,
            ref_id="1",
            source=LinkSource.MANUAL,
            confidence=1.5,
            status=CONFIRMED,
            evidence="",
            created_at=NOW,
            updated_at=NOW,
        )
        session.add(row)
        with pytest.raises(IntegrityError, match="ck_links_confidence"):
            session.flush()

    @pytest.mark.parametrize(
        ("table", "name", "enum"),
        [
            ("links", "kind", LinkKind),
            ("links", "source", LinkSource),
            ("links", "status", LinkStatus),
            ("action_state_history", "state", CommitmentState),
            ("action_state_history", "previous_state", CommitmentState),
        ],
    )
    def test_check_constraints_cover_every_enum_member(self, table, name, enum):
        """Each enum CHECK constraint lists every member, so a new member forces a migration."""
        [check] = [
            c
            for c in Base.metadata.tables[table].constraints
            if isinstance(c, CheckConstraint) and c.name == f"ck_{table}_{name}"
        ]
        assert set(re.findall(r"'([^']*)'", str(check.sqltext))) == {m.value for m in enum}
