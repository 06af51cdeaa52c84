"""The relink's notes in the store: read as PendingNotes, deleted by kind and chunk (issue
14's peak RSS). The database is the shared one: SQLite always, PostgreSQL when configured.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from syncsvc.domain import PendingKind, PendingNotes
from syncsvc.models.base import IN_CHUNK
from syncsvc.models.link_tables import RelinkPendingRow
from syncsvc.models.relink_pending import clear_pending, load_pending, mark_pending

CHANGE, BUG, ALL, EVENT = PendingKind.CHANGE, PendingKind.BUG, PendingKind.ALL, PendingKind.EVENT


def _rows(session: Session) -> set[tuple[str, str]]:
    return set(session.execute(select(RelinkPendingRow.kind, RelinkPendingRow.ref)).tuples())


def test_load_gives_every_note(session: Session) -> None:
    """Numbers across digit counts, a leading zero and an empty ref read back exactly."""
    notes = {(CHANGE, str(n)) for n in (9, 10, 99, 100, 1_000_001, 5)}
    notes |= {(BUG, "7"), (BUG, "0070"), (ALL, ""), (EVENT, "3")}
    mark_pending(session, notes)
    found = load_pending(session)
    assert isinstance(found, PendingNotes)
    assert found == frozenset(notes)
    assert found.kinds == {CHANGE, BUG, ALL, EVENT}
    assert (CHANGE, "100") in found
    assert (BUG, "70") not in found


def test_clear_deletes_the_given_notes_only(session: Session) -> None:
    """More notes than one chunk of a kind are deleted; notes not given stay."""
    covered = {(CHANGE, str(n)) for n in range(1, IN_CHUNK * 2 + 7)} | {(ALL, ""), (BUG, "4")}
    later = {(CHANGE, str(IN_CHUNK * 3)), (BUG, "5"), (EVENT, "1")}
    mark_pending(session, covered | later)
    clear_pending(session, load_pending(session) - later)
    assert _rows(session) == {(kind.value, ref) for kind, ref in later}
    clear_pending(session, iter([(CHANGE, str(IN_CHUNK * 3)), (BUG, "6")]))
    assert _rows(session) == {("bug", "5"), ("event", "1")}
