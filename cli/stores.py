"""The database behind the core's ports: locks, stores and the status reader.

The core (``syncsvc.sync.service``, ``syncsvc.report.service``) never imports
storage; these small adapters hand it the SQL stores of ``syncsvc.models``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from syncsvc.models import db
from syncsvc.models.lock import DEFAULT_LOCK, RELINK_LOCK, sync_lock
from syncsvc.models.status_queries import StatusInputs, last_sync_run, status_inputs
from syncsvc.report.service import StatusReader

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


class SqlStatusReader:
    """:class:`~syncsvc.report.service.StatusReader` on one read-only session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def last_sync_run(self) -> datetime | None:
        return last_sync_run(self._session)

    def status_inputs(
        self, *, since: datetime, until: datetime, owner: str | None, topic: str | None
    ) -> StatusInputs:
        return status_inputs(self._session, since=since, until=until, owner=owner, topic=topic)

    @staticmethod
    def _implements_the_port(session: Session) -> StatusReader:
        return SqlStatusReader(session)
