"""The database behind the core's ports: locks and stores (the status reader is in
:mod:`syncsvc.cli.status_read`).

The core (``syncsvc.sync.service``, ``syncsvc.report.service``) never imports
storage; these small adapters hand it the SQL stores of ``syncsvc.models``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from syncsvc.models import db
from syncsvc.models.lock import DEFAULT_LOCK, RELINK_LOCK, sync_lock

if TYPE_CHECKING:
    from syncsvc.sync.ports import RelinkStore, SyncDatabase, SyncStore


class SqlDatabase:
    """:class:`~syncsvc.sync.ports.SyncDatabase` on an engine: file or advisory locks,
    one session per store."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def sync_lock(self, *, wait: float) -> AbstractContextManager[None]:
        return sync_lock(self._engine, DEFAULT_LOCK, wait=wait)

    def relink_lock(self, *, wait: float) -> AbstractContextManager[None]:
        return sync_lock(self._engine, RELINK_LOCK, wait=wait)

    @contextmanager
    def sync_store(self) -> Iterator[SyncStore]:
        from syncsvc.models.sync_store import SqlSyncStore  # only syncs write artifacts

        # The store commits batch by batch; closing the session discards the rest.
        with Session(db.writer(self._engine), expire_on_commit=False) as session:
            yield SqlSyncStore(session)

    @contextmanager
    def link_store(self, *, dry_run: bool) -> Iterator[RelinkStore]:
        from syncsvc.models.relink_store import SqlLinkStore  # only relinks write links

        if not dry_run:
            with db.session_scope(self._engine) as session:
                yield SqlLinkStore(session)
            return
        with Session(db.writer(self._engine), expire_on_commit=False) as session:
            yield SqlLinkStore(session)  # closing the session rolls every write back

    @staticmethod
    def _implements_the_port(engine: Engine) -> SyncDatabase:
        return SqlDatabase(engine)
