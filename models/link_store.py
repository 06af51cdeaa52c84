"""Links and commitment-state history (identities: identities.py; drift: drift.py).

Functions take a ``Session`` owned by the caller and never commit (they flush so
that ids exist and later reads in the same session see the writes). They return
:mod:`syncsvc.reconcile.footers` records (:class:`~syncsvc.reconcile.footers.Link`,
:class:`~syncsvc.reconcile.footers.Identity`) or the frozen records defined here, never ORM
objects. Every read loads its rows with one query (or one per chunk of
``IN_CHUNK`` keys), never one per action, bug or change.

Links a person confirmed or rejected (``decided_by = 'manual'``) are never
changed by :func:`apply_plan`, whatever the plan says.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from syncsvc.domain import (
    CommitmentState,
    CurrentState,
    Link,
    LinkDecision,
    LinkKey,
    LinkKind,
    LinkSource,
    LinkStatus,
    PendingKind,
    Plan,
    Transition,
    id_order,
)
from syncsvc.errors import InputError, NotFoundError
from syncsvc.models.base import IN_CHUNK, in_chunks, require_aware
from syncsvc.models.link_tables import MANUAL, ActionStateHistoryRow, LinkRow
from syncsvc.models.relink_pending import mark_pending
from syncsvc.models.tables import ActionRow

MANUAL_CONFIDENCE = 1.0  # a link a person added by hand


def _require_action(session: Session, action_id: int) -> None:
    if session.get(ActionRow, action_id) is None:
        raise NotFoundError(f"no action with id {action_id}")


# --- Links ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ApplyCounts:
    """What :func:`apply_plan` did.

    ``added``/``updated``/``removed``: rows inserted, changed, deleted (stale
    suggestions); ``unchanged``: plan links already stored exactly so; ``kept``:
    plan links whose stored row is a person's decision, left untouched.
    """

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    kept: int = 0

    @property
    def changed(self) -> bool:
        """Whether anything was written."""
        return bool(self.added or self.updated or self.removed)


_INSERT_SLICE = 1000  # link rows per INSERT, and per fetch when reading links


def _link_order(link: Link) -> tuple[int, str, tuple[int, str]]:
    return (link.action_id, link.kind.value, id_order(link.id))


def _row_key(row: LinkRow) -> LinkKey:
    return (row.action_id, LinkKind(row.kind), row.ref_id)


def _content(link: Link) -> tuple[LinkSource, float, LinkStatus, str]:
    return (link.source, link.confidence, link.status, link.evidence)


def _link_rows(session: Session, action_ids: Collection[int] | None) -> list[LinkRow]:
    if action_ids is None:
        return list(session.scalars(select(LinkRow)))
    rows: list[LinkRow] = []
    for chunk in in_chunks(set(action_ids)):
        rows.extend(session.scalars(select(LinkRow).where(LinkRow.action_id.in_(chunk))))
    return rows


_LINK_COLUMNS = (
    LinkRow.action_id,
    LinkRow.kind,
    LinkRow.ref_id,
    LinkRow.source,
    LinkRow.confidence,
    LinkRow.status,
    LinkRow.evidence,
)


def _link_records(session: Session, action_ids: Collection[int] | None) -> Iterator[Link]:
    """The links :meth:`LinkRow.to_record` gives, read as columns a slice at a time: no ORM
    object per link (a relink reads every link of every commitment; issue 14's peak RSS)."""
    stmt = select(*_LINK_COLUMNS).execution_options(yield_per=_INSERT_SLICE)
    chunks = (
        [stmt]
        if action_ids is None
        else [stmt.where(LinkRow.action_id.in_(chunk)) for chunk in in_chunks(set(action_ids))]
    )
    for part in chunks:
        for action_id, kind, ref_id, source, confidence, status, evidence in session.execute(part):
            yield Link(
                action_id=action_id,
                kind=LinkKind(kind),
                id=ref_id,
                source=LinkSource(source),
                confidence=confidence,
                status=LinkStatus(status),
                evidence=evidence,
            )


def load_links(session: Session, action_ids: Iterable[int] | None = None) -> list[Link]:
    """Stored links (every status) of ``action_ids``, or of every action; sorted by
    (action, kind, id) like :class:`~syncsvc.reconcile.diff.Plan`."""
    ids = None if action_ids is None else set(action_ids)
    return sorted(_link_records(session, ids), key=_link_order)


def link_decisions(session: Session) -> list[LinkDecision]:
    """People's decisions on suggested candidate links, oldest first: the links the
    reconciler suggested from text evidence that a person then confirmed or rejected."""
    stmt = (
        select(LinkRow.action_id, LinkRow.kind, LinkRow.ref_id, LinkRow.status, LinkRow.evidence)
        .where(
            LinkRow.source == LinkSource.CANDIDATE,
            LinkRow.decided_by == MANUAL,
            LinkRow.status.in_([LinkStatus.CONFIRMED, LinkStatus.REJECTED]),
        )
        .order_by(LinkRow.updated_at, LinkRow.id)
    )
    return [
        LinkDecision(action_id, LinkKind(kind), ref_id, LinkStatus(status), evidence)
        for action_id, kind, ref_id, status, evidence in session.execute(stmt)
    ]


def load_confirmed_links(session: Session, action_ids: Iterable[int] | None = None) -> list[Link]:
    """The confirmed links of ``action_ids`` (or of every action) without their evidence
    (``""``), sorted as :func:`load_links` sorts: what commitment states are judged on."""
    stmt = select(
        LinkRow.action_id, LinkRow.kind, LinkRow.ref_id, LinkRow.source, LinkRow.confidence
    ).where(LinkRow.status == LinkStatus.CONFIRMED)
    stmt = stmt.execution_options(yield_per=_INSERT_SLICE)
    ids = None if action_ids is None else set(action_ids)
    parts = (
        [stmt]
        if ids is None
        else [stmt.where(LinkRow.action_id.in_(chunk)) for chunk in in_chunks(ids)]
    )
    found = [
        Link(
            action_id,
            LinkKind(kind),
            ref_id,
            LinkSource(source),
            confidence,
            LinkStatus.CONFIRMED,
            "",
        )
        for part in parts
        for action_id, kind, ref_id, source, confidence in session.execute(part)
    ]
    return sorted(found, key=_link_order)


def _new_row(link: Link, now: datetime) -> dict[str, object]:
    """The column values of a link the reconciler adds."""
    return {
        "action_id": link.action_id,
        "kind": link.kind,
        "ref_id": link.id,
        "source": link.source,
        "confidence": link.confidence,
        "status": link.status,
        "evidence": link.evidence,
        "decided_by": None,
        "created_at": now,
        "updated_at": now,
    }


def apply_plan(session: Session, plan: Plan, *, now: datetime) -> ApplyCounts:
    """Write ``plan``: insert ``add``, update ``update``, delete ``stale`` suggestions.

    A stored row confirmed or rejected by a person is never touched (counted as
    ``kept``), and a stale link is deleted only while its row is still a
    suggestion nobody decided on. Links in ``add`` that are already stored are
    updated in place. Idempotent: applying the same plan again writes nothing.
    ``now`` (aware) becomes ``created_at``/``updated_at`` of what is written.
    """
    now = require_aware(now, "now")
    wanted = {link.key: link for link in (*plan.add, *plan.update)}
    stale = {link.key: link for link in plan.stale if link.key not in wanted}
    action_ids = {key[0] for key in (*wanted, *stale)}
    stored = {_row_key(row): row for row in _link_rows(session, action_ids)}
    counts: Counter[str] = Counter()
    # New links go in as plain INSERTs, a slice at a time, in the plan's order: an ORM object
    # per link would stay in the session until commit (issue 14's peak RSS).
    batch: list[dict[str, object]] = []
    for key, link in wanted.items():
        row = stored.get(key)
        if row is None:
            batch.append(_new_row(link, now))
            if len(batch) == _INSERT_SLICE:
                session.execute(insert(LinkRow), batch)
                batch = []
            counts["added"] += 1
        elif row.is_manual_decision:
            counts["kept"] += 1
        elif _content(row.to_record()) == _content(link):
            counts["unchanged"] += 1
        else:
            row.source, row.confidence = link.source, link.confidence
            row.status, row.evidence = link.status, link.evidence
            row.updated_at = now
            counts["updated"] += 1
    if batch:
        session.execute(insert(LinkRow), batch)
    for key in stale:
        row = stored.get(key)
        if row is None:
            continue
        if row.status is LinkStatus.SUGGESTED and row.decided_by is None:
            session.delete(row)
            counts["removed"] += 1
        else:
            counts["kept"] += 1
    session.flush()
    return ApplyCounts(**counts)


def _normal_ref_id(kind: LinkKind, ref_id: str) -> str:
    ident = ref_id.strip()
    if kind is LinkKind.BLUEPRINT:
        if not ident:
            raise InputError("a blueprint link needs a blueprint name")
        return ident
    if not ident.isdigit():
        raise InputError(f"a {kind} link needs a {kind} number, not {ref_id!r}")
    return str(int(ident))


def set_link_status(
    session: Session,
    action_id: int,
    kind: LinkKind | str,
    ref_id: str,
    status: LinkStatus | str,
    *,
    now: datetime,
) -> Link:
    """Record a person's decision on the link of ``action_id`` to ``kind`` ``ref_id``.

    ``confirmed``/``rejected`` mark the link ``decided_by='manual'``: no sync will
    change it. A link not stored yet is added with source ``manual`` and
    confidence 1.0 (``link add`` is a manual confirm). ``suggested`` hands an
    existing link back to the sync (``decided_by`` cleared), which re-derives it
    or removes it when no evidence supports it. Bug and change ids must be
    numbers (leading zeros are dropped).

    Raises ``NotFoundError`` for an unknown action and ``InputError`` for a bad
    id or for ``suggested`` on a link that is not stored.
    """
    now = require_aware(now, "now")
    kind, status = LinkKind(kind), LinkStatus(status)
    ref_id = _normal_ref_id(kind, ref_id)
    _require_action(session, action_id)
    stmt = select(LinkRow).where(
        LinkRow.action_id == action_id, LinkRow.kind == kind, LinkRow.ref_id == ref_id
    )
    row = session.scalars(stmt).one_or_none()
    decided_by = None if status is LinkStatus.SUGGESTED else MANUAL
    if row is None:
        if decided_by is None:
            raise InputError(f"action {action_id} has no link to {kind} {ref_id} to hand back")
        row = LinkRow(
            action_id=action_id,
            kind=kind,
            ref_id=ref_id,
            source=LinkSource.MANUAL,
            confidence=MANUAL_CONFIDENCE,
            status=status,
            evidence=f"{status} by hand",
            decided_by=MANUAL,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
    elif (row.status, row.decided_by) != (status, decided_by):
        row.status, row.decided_by, row.updated_at = status, decided_by, now
    session.flush()
    mark_pending(session, [(PendingKind.ACTION, action_id)])
    return row.to_record()


# --- Commitment state ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StateChange:
    """One row of ``action_state_history``: a commitment entering ``state``.

    ``previous_state`` is ``None`` for the first recorded state. ``changed_at``
    is the time the state holds from; ``observed_at`` when syncsvc recorded it.
    """

    id: int
    action_id: int
    state: CommitmentState
    previous_state: CommitmentState | None
    reason: str
    changed_at: datetime
    observed_at: datetime


def _state_change(row: ActionStateHistoryRow) -> StateChange:
    previous = None if row.previous_state is None else CommitmentState(row.previous_state)
    return StateChange(
        id=row.id,
        action_id=row.action_id,
        state=CommitmentState(row.state),
        previous_state=previous,
        reason=row.reason,
        changed_at=row.changed_at,
        observed_at=row.observed_at,
    )


def _latest_rows(
    session: Session, action_ids: Collection[int] | None
) -> dict[int, tuple[str, datetime]]:
    """The state and ``changed_at`` of the newest history row (highest id: rows are
    appended) of each action, as columns. More ids than a few chunks hold are found
    among every action's rows, in one query instead of one per chunk."""
    history = ActionStateHistoryRow
    latest = select(func.max(history.id)).group_by(history.action_id)
    columns = select(history.action_id, history.state, history.changed_at)
    if action_ids is None or len(action_ids) > _ONE_QUERY_ABOVE:
        rows = session.execute(columns.where(history.id.in_(latest)))
        wanted = None if action_ids is None else set(action_ids)
        return {a: (s, c) for a, s, c in rows if wanted is None or a in wanted}
    found: dict[int, tuple[str, datetime]] = {}
    for chunk in in_chunks(set(action_ids)):
        newest = latest.where(history.action_id.in_(chunk))
        found.update(
            (a, (s, c)) for a, s, c in session.execute(columns.where(history.id.in_(newest)))
        )
    return found


#: Above this many actions, :func:`_latest_rows` reads every action's newest row.
_ONE_QUERY_ABOVE = 4 * IN_CHUNK


def confirmed_ids(session: Session, kind: LinkKind) -> set[int]:
    """Numeric ids of the ``kind`` artifacts a current (not removed) action has a
    confirmed link to: the sync keeps them fresh wherever they live."""
    stmt = (
        select(LinkRow.ref_id)
        .join(ActionRow, ActionRow.id == LinkRow.action_id)
        .where(
            ActionRow.removed_at.is_(None),
            LinkRow.kind == kind,
            LinkRow.status == LinkStatus.CONFIRMED,
        )
    )
    return {int(ref_id) for ref_id in session.scalars(stmt) if ref_id.isdigit()}


def append_transitions(
    session: Session, transitions: Sequence[Transition], *, now: datetime
) -> list[int]:
    """Append ``transitions`` (see :func:`syncsvc.reconcile.transitions.plan_transitions`)
    to the state history, observed at ``now``; return the action ids written to, in order.

    Raises ``NotFoundError`` (before writing) when an action getting its first row
    does not exist. One query per chunk of such actions.
    """
    now = require_aware(now, "now")
    first = {t.action_id for t in transitions if t.previous_state is None}
    found: set[int] = set()
    for chunk in in_chunks(first):
        found.update(session.scalars(select(ActionRow.id).where(ActionRow.id.in_(chunk))))
    if missing := sorted(first - found):
        raise NotFoundError(f"no action with id {missing[0]}")
    # Plain INSERTs, a slice at a time, in order: an ORM object per row weighed about 5 KB
    # until the flush (issue 14's peak RSS).
    rows = [
        {
            "action_id": t.action_id, "state": t.state, "previous_state": t.previous_state,
            "reason": t.reason, "changed_at": require_aware(t.changed_at, "changed_at"),
            "observed_at": now,
        }
        for t in transitions
    ]  # fmt: skip
    for start in range(0, len(rows), _INSERT_SLICE):
        session.execute(insert(ActionStateHistoryRow), rows[start : start + _INSERT_SLICE])
    return sorted({t.action_id for t in transitions})


def current_states(
    session: Session, action_ids: Iterable[int] | None = None
) -> dict[int, CurrentState]:
    """The latest recorded state of each action (of ``action_ids`` when given) and
    since when; actions without history are left out."""
    ids = None if action_ids is None else set(action_ids)
    return {
        action_id: CurrentState(CommitmentState(state), changed_at)
        for action_id, (state, changed_at) in sorted(_latest_rows(session, ids).items())
    }


def state_history(session: Session, action_id: int) -> list[StateChange]:
    """Every recorded transition of ``action_id``, oldest first (empty when none)."""
    stmt = (
        select(ActionStateHistoryRow)
        .where(ActionStateHistoryRow.action_id == action_id)
        .order_by(ActionStateHistoryRow.id)
    )
    return [_state_change(row) for row in session.scalars(stmt)]


# --- Identity map ----------------------------------------------------------------------
