"""Static proof that the SQL stores satisfy the core's store protocols.

The stores in ``models/`` conform to :mod:`syncsvc.sync.ports` structurally and
do not import it (storage imports only the domain); mypy checks these
functions instead, and ``tests/db`` checks the method signatures at run time.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from syncsvc.models.relink_store import SqlLinkStore
from syncsvc.models.sync_store import SqlSyncStore
from syncsvc.sync.ports import IdentityStore, LinkStore, SyncStore


def sync_store(session: Session) -> SyncStore:
    """A :class:`SqlSyncStore` typed as the engine sees it."""
    return SqlSyncStore(session)


def link_store(session: Session) -> LinkStore:
    """A :class:`SqlLinkStore` typed as relink sees it."""
    return SqlLinkStore(session)


def identity_store(session: Session) -> IdentityStore:
    """A :class:`SqlLinkStore` typed as identity learning sees it."""
    return SqlLinkStore(session)
