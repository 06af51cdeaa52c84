"""Identity learning: which Gerrit account is which IRC nick, from strong signals only.

Pure functions over records; the storage loads the stored identities and
saves what is learned (:mod:`syncsvc.models.identities`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime

from syncsvc.domain import Account, Identity, StoredIdentity


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
    accounts: Iterable[Account],
    nicks: Iterable[str],
    people_names: Mapping[str, str],
    known: Iterable[StoredIdentity],
    *,
    now: datetime,
) -> list[StoredIdentity]:
    """New unconfirmed nick ↔ Gerrit account identities, by account id, learned at ``now``.

    An account matches a nick (from ``nicks`` or ``people_names``) when its
    username equals the nick, or its full name equals the nick's name from
    "Full Name (nick)" (``people_names``: nick → name; two words at least).
    Comparisons ignore case and spacing. Nothing is learned on a weak or
    ambiguous signal: not from e-mail addresses, partial or one-word names, or
    similar usernames; not when the account matches two nicks, when two
    accounts share the username or the full name, or when two nicks share the
    name. Accounts already in ``known`` (the stored identities) and nicks whose
    Gerrit account a person set are left alone.
    """
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

    stored = list(known)
    claimed_ids = {r.gerrit_account_id for r in stored if r.gerrit_account_id is not None}
    claimed_users = {
        r.identity.gerrit_username.casefold() for r in stored if r.identity.gerrit_username
    }
    settled = {
        r.identity.nick.casefold()
        for r in stored
        if r.confirmed and (r.identity.gerrit_username or r.gerrit_account_id is not None)
    }
    learned: list[StoredIdentity] = []
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
        identity = Identity(spelled[nick], account.username, account.name, account.email)
        learned.append(
            StoredIdentity(identity, account.account_id, confirmed=False, created_at=now)
        )
        claimed_ids.add(account.account_id)
        if username is not None:
            claimed_users.add(username)
    return learned
