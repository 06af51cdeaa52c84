"""Which of a commitment's owners wrote a change or holds a bug: the identity map
first, else the same name."""

from __future__ import annotations

from collections.abc import Sequence

from syncsvc.domain import Account, Identity


def change_owner_match(
    owners: Sequence[str], account: Account, identities: Sequence[Identity]
) -> str | None:
    """Which owner wrote the change and how we know (``"carthaca (email)"``), or ``None``.

    Uses the identity map; without a matching row, a Gerrit username equal to
    the nick counts.
    """
    for nick in owners:
        for identity in identities:
            if identity.nick.casefold() == nick.casefold() and (
                field := identity.matches_account(account)
            ):
                return f"{nick} ({field})"
        if account.username and account.username.casefold() == nick.casefold():
            return f"{nick} (username)"
    return None


def launchpad_owner_match(
    owners: Sequence[str], assignee: str | None, identities: Sequence[Identity]
) -> str | None:
    """Which owner is the Launchpad ``assignee`` (identity map, else the same name)."""
    if not assignee:
        return None
    for nick in owners:
        names = {
            i.launchpad.casefold()
            for i in identities
            if i.launchpad and i.nick.casefold() == nick.casefold()
        }
        if assignee.casefold() in (names or {nick.casefold()}):
            return f"{nick} (launchpad)"
    return None
