"""One worker per (source, scope): PostgreSQL advisory locks for concurrent syncs.

Several `syncsvc sync` processes (a CronJob's pods, systemd timers on several hosts)
may run on one PostgreSQL database at once when ``[sync] scope_locks`` is on. Each
claims a scope with ``pg_try_advisory_lock`` on a stable signed 64-bit hash of
``"source:scope"`` (prefixed with the schema when it is not ``public``, so databases
in other schemas lock apart). The lock is session-level, taken on one dedicated
autocommit connection per run, and released when the scope's work ends, after its
last commit; if the process dies the server ends the session and frees it. A scope
another worker holds is not waited for: the caller skips it.

SQLite has no such locks: there the database-wide file lock (:mod:`.lock`) keeps to
one sync at a time, so :func:`scope_claims` gives ``None``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Self

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

from syncsvc.domain import SourceName


def scope_key(source: str, scope: str, schema: str = "public") -> int:
    """The advisory-lock key of ``source:scope`` in ``schema``: a stable signed 64-bit
    integer (the first 8 bytes of its BLAKE2b digest)."""
    label = f"{source}:{scope}" if schema == "public" else f"{schema}:{source}:{scope}"
    digest = hashlib.blake2b(label.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class ScopeClaims:
    """Advisory scope locks on one PostgreSQL connection, held for a run.

    Use as a context manager (it opens and closes the connection); each
    :meth:`claim` is a :data:`~syncsvc.sync.ports.ScopeClaim`.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None
        self._schema = "public"

    def __enter__(self) -> Self:
        connection = self._engine.connect()
        # Autocommit: locks belong to the session; no transaction idles for the run.
        connection.execution_options(isolation_level="AUTOCOMMIT")
        self._schema = str(connection.scalar(text("SELECT current_schema()")))
        self._connection = connection
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._connection is not None:
            self._connection.close()  # ends nothing held: every claim released its lock
            self._connection = None

    @contextmanager
    def claim(self, source: SourceName, scope: str) -> Iterator[bool]:
        """Hold ``source:scope`` for the block (true), or yield false at once when another
        session holds it."""
        connection = self._connection
        if connection is None:
            raise RuntimeError("ScopeClaims.claim outside its with block")
        key = scope_key(str(source), scope, self._schema)
        if not _query(connection, "SELECT pg_try_advisory_lock(CAST(:key AS BIGINT))", key):
            yield False
            return
        try:
            yield True
        finally:
            try:
                _query(connection, "SELECT pg_advisory_unlock(CAST(:key AS BIGINT))", key)
            except SQLAlchemyError:
                connection.invalidate()  # the session ends, and its locks with it
                self._connection = None


def scope_claims(engine: Engine) -> ScopeClaims | None:
    """Per-scope claims for a PostgreSQL ``engine``; ``None`` for SQLite (file lock)."""
    return ScopeClaims(engine) if engine.dialect.name == "postgresql" else None


def _query(connection: Connection, sql: str, key: int) -> bool:
    return bool(connection.scalar(text(sql), {"key": key}))
