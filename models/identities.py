"""The identity map: IRC nick ↔ Gerrit account ↔ Launchpad name.

Functions take a caller-owned ``Session`` and never commit.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from syncsvc.domain import Account, Identity
from syncsvc.errors import InputError
from syncsvc.models.base import require_aware
from syncsvc.models.link_tables import IdentityRow
from syncsvc.models.sync_tables import ChangeRow


@dataclass(frozen=True, slots=True)
class StoredIdentity:
    """An identity row as ``syncsvc people`` lists it: learned or confirmed by a person."""

    identity: Identity
    gerrit_account_id: int | None
    confirmed: bool
    created_at: datetime


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


def _full_name(name: str | None) -> str | None:
    """A full name for matching: case and spacing ignored; ``None`` unless two or more
    words (a single name is too weak to tie an account to a nick)."""
    words = (name or "").casefold().split()
    return " ".join(words) if len(words) >= 2 else None


def _merge_accounts(accounts: Iterable[Account]) -> dict[int, Account]:
    """One record per account id; later records fill in what earlier ones lacked."""
    merged: dict[int, Account] = {}
    for account in accounts:
        old = merged.get(account.account_id)
        merged[account.account_id] = (
            account
            if old is None
            else Account(
                account.account_id,
                account.username or old.username,
                account.name or old.name,
                account.email or old.email,
            )
        )
    return merged


def learn_identities(
    session: Session,
    accounts: Iterable[Account],
    nicks: Iterable[str],
    people_names: Mapping[str, str],
    *,
    now: datetime | None = None,
) -> int:
    """Learn unconfirmed nick ↔ Gerrit account rows; return how many were added.

    An account matches a nick (from ``nicks`` or ``people_names``) when its
    username equals the nick, or its full name equals the nick's name from
    "Full Name (nick)" (``people_names``: nick → name; two words at least).
    Comparisons ignore case and spacing. Nothing is learned on a weak or
    ambiguous signal: not from e-mail addresses, partial or one-word names, or
    similar usernames; not when the account matches two nicks, when two
    accounts share the username or the full name, or when two nicks share the
    name. Accounts already in the map and nicks whose Gerrit account a person
    set are left alone.
    """
    now = require_aware(now or datetime.now(UTC), "now")
    by_id = _merge_accounts(accounts)
    spelled: dict[str, str] = {}  # casefolded nick -> nick as first given
    for nick in (*nicks, *people_names):
        if nick.strip():
            spelled.setdefault(nick.strip().casefold(), nick.strip())
    named: dict[str, set[str]] = defaultdict(set)  # full name -> casefolded nicks
    for nick, name in people_names.items():
        if (full := _full_name(name)) is not None:
            named[full].add(nick.strip().casefold())
    usernames = Counter(a.username.casefold() for a in by_id.values() if a.username)
    names = Counter(full for a in by_id.values() if (full := _full_name(a.name)))

    stored = list(session.scalars(select(IdentityRow)))
    claimed_ids = {r.gerrit_account_id for r in stored if r.gerrit_account_id is not None}
    claimed_users = {r.gerrit_username.casefold() for r in stored if r.gerrit_username}
    settled = {
        r.nick.casefold()
        for r in stored
        if r.confirmed and (r.gerrit_username or r.gerrit_account_id is not None)
    }
    learned: list[IdentityRow] = []
    for account in sorted(by_id.values(), key=lambda a: a.account_id):
        username = account.username.casefold() if account.username else None
        if account.account_id in claimed_ids or username in claimed_users:
            continue
        matches: set[str] = set()
        if username is not None and usernames[username] == 1 and username in spelled:
            matches.add(username)
        full = _full_name(account.name)
        if full is not None and names[full] == 1 and len(named.get(full, ())) == 1:
            matches |= named[full]
        if len(matches) != 1 or (nick := matches.pop()) in settled:
            continue
        learned.append(
            IdentityRow(
                nick=spelled[nick],
                gerrit_username=account.username,
                gerrit_account_id=account.account_id,
                name=account.name,
                email=account.email,
                launchpad=None,
                confirmed=False,
                created_at=now,
            )
        )
        claimed_ids.add(account.account_id)
        if username is not None:
            claimed_users.add(username)
    session.add_all(learned)
    session.flush()
    return len(learned)


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
    return mine.to_record()


# --- Drift ----------------------------------------------------------------------------
