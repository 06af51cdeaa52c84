"""The identity map: IRC nick ↔ Gerrit account ↔ Launchpad name.

Functions take a caller-owned ``Session`` and never commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from syncsvc.domain import Identity, PendingKind, StoredIdentity
from syncsvc.errors import InputError
from syncsvc.models.base import require_aware
from syncsvc.models.link_tables import IdentityRow
from syncsvc.models.relink_pending import mark_pending
from syncsvc.models.sync_tables import ChangeRow


def _identity_rows(session: Session) -> list[IdentityRow]:
    rows = session.scalars(select(IdentityRow))
    return sorted(rows, key=lambda r: (r.nick.casefold(), not r.confirmed, r.id))


def list_identities(session: Session) -> list[StoredIdentity]:
    """Every identity row by nick (case-insensitive), confirmed rows first."""
    return [
        StoredIdentity(row.to_record(), row.gerrit_account_id, row.confirmed, row.created_at)
        for row in _identity_rows(session)
    ]


def load_identities(session: Session) -> list[Identity]:
    """The identity map for the reconciler, in :func:`list_identities` order."""
    return [row.to_record() for row in _identity_rows(session)]


def add_identities(session: Session, learned: Iterable[StoredIdentity]) -> int:
    """Store learned identities (see :func:`syncsvc.reconcile.identities.learn_identities`);
    return how many were added."""
    rows = [
        IdentityRow(
            nick=item.identity.nick,
            gerrit_username=item.identity.gerrit_username,
            gerrit_account_id=item.gerrit_account_id,
            name=item.identity.name,
            email=item.identity.email,
            launchpad=item.identity.launchpad,
            confirmed=item.confirmed,
            created_at=require_aware(item.created_at, "created_at"),
        )
        for item in learned
    ]
    session.add_all(rows)
    session.flush()
    return len(rows)


class _GerritAccount(NamedTuple):
    account_id: int | None
    username: str | None
    name: str | None
    email: str | None


def _resolve_gerrit(session: Session, gerrit: str) -> _GerritAccount:
    """A Gerrit username (or a numeric account id) completed from the stored changes'
    owners, else from learned identities, else as given."""
    value = gerrit.strip()
    if not value:
        raise InputError("the Gerrit account is empty")
    if value.isdigit():
        owner_matches = ChangeRow.owner_account_id == int(value)
        row_matches = IdentityRow.gerrit_account_id == int(value)
    else:
        owner_matches = func.lower(ChangeRow.owner_username) == value.lower()
        row_matches = func.lower(IdentityRow.gerrit_username) == value.lower()
    owner = select(
        ChangeRow.owner_account_id,
        ChangeRow.owner_username,
        ChangeRow.owner_name,
        ChangeRow.owner_email,
    )
    found = session.execute(
        owner.where(owner_matches).order_by(ChangeRow.updated.desc()).limit(1)
    ).first()
    if found is not None:
        return _GerritAccount(*found)
    known = session.scalars(select(IdentityRow).where(row_matches).limit(1)).first()
    if known is not None:
        return _GerritAccount(
            known.gerrit_account_id, known.gerrit_username, known.name, known.email
        )
    if value.isdigit():
        return _GerritAccount(int(value), None, None, None)
    return _GerritAccount(None, value, None, None)


def _same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a.casefold() == b.casefold()


def set_identity(
    session: Session,
    nick: str,
    *,
    gerrit: str | None = None,
    launchpad: str | None = None,
    now: datetime | None = None,
) -> Identity:
    """Confirm who ``nick`` is: a Gerrit username or numeric account id, a Launchpad name.

    Keeps one confirmed row per nick and updates only what is given. Setting the
    Gerrit account drops the nick's learned rows. The latest word wins: learned
    rows of other nicks for the same account or Launchpad name are dropped, and
    other nicks' confirmed rows lose that account or name. Raises ``InputError``
    when neither is given.
    """
    nick = nick.strip()
    if not nick:
        raise InputError("the nick is empty")
    if gerrit is None and launchpad is None:
        raise InputError("nothing to set: give a Gerrit account, a Launchpad name or both")
    if launchpad is not None and not (launchpad := launchpad.strip().lstrip("~")):
        raise InputError("the Launchpad name is empty")
    now = require_aware(now or datetime.now(UTC), "now")
    account = None if gerrit is None else _resolve_gerrit(session, gerrit)
    rows = _identity_rows(session)
    mine = next((r for r in rows if r.confirmed and _same(r.nick, nick)), None)
    for row in (r for r in rows if r is not mine):
        ours = _same(row.nick, nick)
        takes_account = account is not None and (
            (account.account_id is not None and row.gerrit_account_id == account.account_id)
            or _same(row.gerrit_username, account.username)
        )
        takes_launchpad = _same(row.launchpad, launchpad)
        if not row.confirmed and (
            (ours and account is not None) or takes_account or takes_launchpad
        ):
            session.delete(row)
            continue
        if ours or not row.confirmed:
            continue
        if takes_account:
            row.gerrit_account_id = row.gerrit_username = row.name = row.email = None
        if takes_launchpad:
            row.launchpad = None
        if row.gerrit_account_id is None and row.gerrit_username is None and not row.launchpad:
            session.delete(row)
    session.flush()  # free the unique account and name before the confirmed row takes them
    if mine is None:
        mine = IdentityRow(nick=nick, confirmed=True, created_at=now)
        session.add(mine)
    if account is not None:
        mine.gerrit_account_id, mine.gerrit_username = account.account_id, account.username
        mine.name, mine.email = account.name, account.email
    if launchpad is not None:
        mine.launchpad = launchpad
    session.flush()
    # Who is who weighs in every commitment's candidates: the next relink is a full one.
    mark_pending(session, [(PendingKind.ALL, "")])
    return mine.to_record()
