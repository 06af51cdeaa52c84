"""What the next relink must look at: pending records, clock-driven rechecks, marks.

Writers (the sync store, the importer, a person's link decision or mark) call
:func:`mark_pending` in their own transaction, so what they changed and the note
that it changed commit together. The relink reads the notes, covers the
commitments they affect and deletes them in its own transaction: a relink that
fails or is killed rolls back and leaves them for the next one. Nothing here
commits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time

from sqlalchemy import String, cast, delete, exists, func, insert, select
from sqlalchemy.orm import Session

from syncsvc.domain import (
    ActionState,
    LinkKind,
    LinkStatus,
    Pending,
    PendingKind,
    PendingNotes,
    RefKind,
)
from syncsvc.models.base import IN_CHUNK, in_chunks, require_aware
from syncsvc.models.db import insert_ignoring_conflicts
from syncsvc.models.link_tables import LinkRow, RelinkCheckRow, RelinkMarkRow, RelinkPendingRow
from syncsvc.models.sync_tables import BugTaskRow, ChangeRow
from syncsvc.models.tables import (
    ActionOwnerRow,
    ActionRefRow,
    ActionRow,
    PersonRow,
    RefRow,
    TopicRefRow,
    TopicRow,
)

_SLICE = 1000  # note rows per fetch


def mark_pending(session: Session, items: Iterable[tuple[PendingKind | str, object]]) -> None:
    """Note each (kind, ref) for the next relink; a note already there stays as it is (two
    writers may note the same record at once)."""
    wanted = sorted({(PendingKind(kind).value, str(ref)) for kind, ref in items})
    if wanted:
        session.flush()
        rows = [{"kind": kind, "ref": ref} for kind, ref in wanted]
        insert_ignoring_conflicts(session, RelinkPendingRow, rows)


def load_pending(session: Session) -> PendingNotes:
    """Every pending note, a slice of rows at a time (a first sync leaves one per record),
    numbers in ascending order so that :class:`PendingNotes` need not sort them."""
    key = (RelinkPendingRow.kind, func.length(RelinkPendingRow.ref), RelinkPendingRow.ref)
    stmt = select(RelinkPendingRow.kind, RelinkPendingRow.ref).order_by(*key)
    rows = session.execute(stmt.execution_options(yield_per=_SLICE))
    return PendingNotes((PendingKind(kind), ref) for kind, ref in rows)


def clear_pending(session: Session, items: Iterable[Pending]) -> None:
    """Delete the notes a relink covered (notes added since stay), a kind and a chunk of
    refs at a time, without listing them all at once."""
    chunks: dict[str, list[str]] = defaultdict(list)
    for kind, ref in items:
        (chunk := chunks[named := PendingKind(kind).value]).append(ref)
        if len(chunk) >= IN_CHUNK:
            _delete_notes(session, named, chunk)
            chunk.clear()
    for value, rest in chunks.items():
        if rest:
            _delete_notes(session, value, rest)


def _delete_notes(session: Session, kind: str, refs: Sequence[str]) -> None:
    """Delete the notes of ``kind`` on ``refs``."""
    mine = (RelinkPendingRow.kind == kind) & RelinkPendingRow.ref.in_(refs)
    session.execute(delete(RelinkPendingRow).where(mine))


def affected_actions(session: Session, items: Collection[Pending]) -> set[int]:
    """Current actions a note concerns: those named, those of a named event, and
    those that link to (any status), cite or sit in a topic citing a named change
    or bug."""
    ids = {int(ref) for kind, ref in items if kind is PendingKind.ACTION}
    events = {int(ref) for kind, ref in items if kind is PendingKind.EVENT}
    for event_ids in in_chunks(events):
        ids |= set(session.scalars(select(ActionRow.id).where(ActionRow.event_id.in_(event_ids))))
    for kind in (PendingKind.CHANGE, PendingKind.BUG):
        named = sorted({ref for k, ref in items if k is kind})
        for refs in in_chunks(named):
            linked = select(LinkRow.action_id).where(LinkRow.kind == kind, LinkRow.ref_id.in_(refs))
            ids |= set(session.scalars(linked))
            cites = select(RefRow.id).where(RefRow.kind == RefKind(kind), RefRow.ref_id.in_(refs))
            cited = select(ActionRefRow.action_id).where(ActionRefRow.ref_id.in_(cites))
            ids |= set(session.scalars(cited))
            topics = select(TopicRefRow.topic_id).where(TopicRefRow.ref_id.in_(cites))
            ids |= set(session.scalars(select(ActionRow.id).where(ActionRow.topic_id.in_(topics))))
    return current_actions(session, ids)


def current_actions(session: Session, ids: Collection[int]) -> set[int]:
    """The current (not withdrawn) actions among ``ids``."""
    found: set[int] = set()
    for chunk in in_chunks(ids):
        stmt = select(ActionRow.id).where(ActionRow.id.in_(chunk), ActionRow.removed_at.is_(None))
        found |= set(session.scalars(stmt))
    return found


def actions_owned_by(session: Session, nicks: Collection[str]) -> set[int]:
    """Current actions owned by any of ``nicks`` (case-insensitive)."""
    folded = sorted({nick.lower() for nick in nicks})
    owned: set[int] = set()
    for chunk in in_chunks(folded):
        stmt = (
            select(ActionOwnerRow.action_id)
            .join(PersonRow, ActionOwnerRow.person_id == PersonRow.id)
            .where(func.lower(PersonRow.nick).in_(chunk))
        )
        owned |= set(session.scalars(stmt))
    return current_actions(session, owned)


def candidate_seekers(
    session: Session, start: date | None = None
) -> list[tuple[int, str, tuple[str, ...]]]:
    """(id, action text and topic title, owner nicks) of the current actions that are not
    dropped and have no confirmed link but to changes last updated before ``start`` (the
    event's first day; see ``syncsvc.reconcile.diff``): those whose candidates a new
    record may change."""
    confirmed = exists().where(
        LinkRow.action_id == ActionRow.id, LinkRow.status == LinkStatus.CONFIRMED
    )
    if start is not None:
        earlier = exists().where(
            LinkRow.kind == LinkKind.CHANGE,
            cast(ChangeRow.number, String) == LinkRow.ref_id,
            ChangeRow.updated < datetime.combine(start, time(), UTC),
        )
        confirmed = confirmed.where(~earlier)
    stmt = (
        select(ActionRow.id, ActionRow.text, TopicRow.title)
        .join(TopicRow, ActionRow.topic_id == TopicRow.id)
        .where(
            ActionRow.removed_at.is_(None),
            ActionRow.state != ActionState.DROPPED,
            ~confirmed,
        )
    )
    found = {action_id: f"{text} {title}" for action_id, text, title in session.execute(stmt)}
    owners: dict[int, list[str]] = {}
    nicks = (
        select(ActionOwnerRow.action_id, PersonRow.nick)
        .join(PersonRow, ActionOwnerRow.person_id == PersonRow.id)
        .order_by(ActionOwnerRow.action_id, ActionOwnerRow.position)
    )
    for action_id, nick in session.execute(nicks):
        if action_id in found:
            owners.setdefault(action_id, []).append(nick)
    return [(i, text, tuple(owners.get(i, ()))) for i, text in sorted(found.items())]


def due_checks(session: Session, now: datetime) -> set[int]:
    """Current actions whose recheck time is ``now`` or earlier."""
    stmt = (
        select(RelinkCheckRow.action_id)
        .join(ActionRow, ActionRow.id == RelinkCheckRow.action_id)
        .where(RelinkCheckRow.recheck_at <= require_aware(now, "now"))
        .where(ActionRow.removed_at.is_(None))
    )
    return set(session.scalars(stmt))


def replace_checks(
    session: Session, checks: Mapping[int, datetime | None], *, everything: bool = False
) -> None:
    """Set the recheck time of each action in ``checks`` (``None``: no recheck); with
    ``everything``, drop every other action's recheck too."""
    if everything:
        session.execute(delete(RelinkCheckRow))
    else:
        for chunk in in_chunks(checks):
            session.execute(delete(RelinkCheckRow).where(RelinkCheckRow.action_id.in_(chunk)))
    rows = [{"action_id": a, "recheck_at": at} for a, at in sorted(checks.items()) if at]
    if rows:
        session.execute(insert(RelinkCheckRow), rows)


def get_mark(session: Session, name: str) -> str | None:
    """The stored value named ``name``, if any."""
    return session.scalar(select(RelinkMarkRow.value).where(RelinkMarkRow.name == name))


def set_mark(session: Session, name: str, value: str) -> None:
    """Store ``value`` under ``name``."""
    row = session.get(RelinkMarkRow, name)
    if row is None:
        session.add(RelinkMarkRow(name=name, value=value))
    elif row.value != value:
        row.value = value
    session.flush()


def known_projects(session: Session) -> list[str]:
    """Every change project and bug task target stored, sorted (the candidates' type hints
    read them, so a new one changes every commitment's candidates)."""
    projects = set(session.scalars(select(ChangeRow.project).distinct()))
    projects |= set(session.scalars(select(BugTaskRow.target).distinct()))
    return sorted(projects)
