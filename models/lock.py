"""One sync at a time per database.

PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``, keyed by the
lock's name and the schema syncsvc's tables live in) held on a dedicated
connection for the duration, so it is released even if the process dies (the
server ends the session). SQLite: a :mod:`filelock` lock (an exclusive ``flock``)
on a lock file next to the database (``<database>.lock``), released by the kernel
when the process dies; an in-memory database needs no lock. The lock is not
reentrant: a second ``sync_lock`` on the same database waits even in the same thread.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

from syncsvc.errors import LockedError, StorageError

DEFAULT_LOCK = "sync"
RELINK_LOCK = "relink"  # serialises relinks: sync's, `link refresh` and those of link/mark
_HOLDERS = {DEFAULT_LOCK: "another syncsvc sync", RELINK_LOCK: "another relink"}
DEFAULT_WAIT = 10.0  # seconds a sync waits for another one (`sync --wait`)
POLL_INTERVAL = 0.1  # seconds between attempts while waiting
_NAME = re.compile(r"[A-Za-z0-9_-]+")


def lock_key(name: str, schema: str = "public") -> int:
    """The PostgreSQL advisory-lock key of ``name`` in ``schema``: a stable signed 64-bit
    integer.

    Advisory locks are shared by every schema of a database, but each schema holds its own
    syncsvc tables, so the key names the schema (``public`` keeps the key it always had).
    """
    label = f"syncsvc:{name}" if schema == "public" else f"syncsvc:{schema}:{name}"
    digest = hashlib.blake2b(label.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def lock_file(engine: Engine, name: str = DEFAULT_LOCK) -> Path | None:
    """The lock file of a SQLite ``engine`` (``None`` for an in-memory database).

    ``<database>.lock`` for the default name, ``<database>.<name>.lock`` otherwise.
    """
    database = engine.url.database
    if not database or database == ":memory:" or engine.url.query.get("mode") == "memory":
        return None
    suffix = ".lock" if name == DEFAULT_LOCK else f".{name}.lock"
    return Path(database + suffix)


def sync_lock(
    engine: Engine,
    name: str = DEFAULT_LOCK,
    *,
    wait: float = DEFAULT_WAIT,
    poll_interval: float = POLL_INTERVAL,
    on_busy: Callable[[], None] | None = None,
) -> AbstractContextManager[None]:
    """Hold the database-wide lock ``name`` for the ``with`` block.

    Tries every ``poll_interval`` seconds for up to ``wait`` seconds (``0``: try
    once), calling ``on_busy`` after each attempt that finds the lock taken.
    Released when the block ends, also on an exception.

    Raises:
        LockedError: another holder kept the lock for ``wait`` seconds.
        StorageError: the lock file cannot be created, or the backend is neither
            PostgreSQL nor SQLite.
        ValueError: ``name`` is not made of letters, digits, ``-`` and ``_``.
    """
    if not _NAME.fullmatch(name):
        raise ValueError(f"lock name {name!r} must be letters, digits, '-' or '_'")
    dialect = engine.dialect.name
    waiting = _Waiting(max(wait, 0.0), poll_interval, on_busy or (lambda: None))
    if dialect == "postgresql":
        return _advisory_lock(engine, name, waiting)
    if dialect == "sqlite":
        path = lock_file(engine, name)
        return nullcontext() if path is None else _file_lock(path, name, waiting)
    raise StorageError(
        f"cannot lock a {dialect} database", hint="use a SQLite or PostgreSQL database"
    )


@dataclass(frozen=True, slots=True)
class _Waiting:
    """How long to wait for a taken lock, how often to try, what to call when it is taken."""

    seconds: float
    poll_interval: float
    on_busy: Callable[[], None]

    def busy(self) -> bool:
        """Report one attempt that found the lock taken; never cancels (filelock's hook)."""
        self.on_busy()
        return False


def _locked(name: str) -> LockedError:
    holder = _HOLDERS.get(name, f"another holder of the {name} lock")
    return LockedError(f"{holder} is running on this database", hint="wait for it, or raise --wait")


def _poll(attempt: Callable[[], bool], waiting: _Waiting, name: str) -> None:
    """Call ``attempt`` until it returns true; raise LockedError after ``waiting.seconds``."""
    deadline = time.monotonic() + waiting.seconds
    while not attempt():
        waiting.busy()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _locked(name)
        time.sleep(min(waiting.poll_interval, remaining))


@contextmanager
def _advisory_lock(engine: Engine, name: str, waiting: _Waiting) -> Iterator[None]:
    with engine.connect() as connection:
        # Autocommit: the lock belongs to the session, and no transaction stays
        # open (idle in transaction) for the whole sync.
        connection.execution_options(isolation_level="AUTOCOMMIT")
        key = lock_key(name, str(connection.scalar(text("SELECT current_schema()"))))
        _poll(
            lambda: _query(connection, "SELECT pg_try_advisory_lock(CAST(:key AS BIGINT))", key),
            waiting,
            name,
        )
        try:
            yield
        finally:
            try:
                _query(connection, "SELECT pg_advisory_unlock(CAST(:key AS BIGINT))", key)
            except SQLAlchemyError:
                # Closing the DBAPI connection ends the server session, which
                # releases the lock, and keeps it out of the pool.
                connection.invalidate()


def _query(connection: Connection, sql: str, key: int) -> bool:
    return bool(connection.scalar(text(sql), {"key": key}))


@contextmanager
def _file_lock(path: Path, name: str, waiting: _Waiting) -> Iterator[None]:
    # Imported here: only commands that write take a lock, and it costs start-up time.
    from filelock import FileLock, Timeout  # noqa: PLC0415

    if not path.parent.is_dir():  # filelock would create the missing folders
        raise _unusable(path, "No such file or directory")
    # mode: the file is created as before (0644); no soft (existence-file) fallback
    # where flock is missing, as a stale file would outlive a killed sync.
    lock = FileLock(path, mode=0o644, fallback_to_soft=False)
    try:
        lock.acquire(
            timeout=waiting.seconds, poll_interval=waiting.poll_interval, cancel_check=waiting.busy
        )
    except Timeout:
        raise _locked(name) from None
    except OSError as exc:
        raise _unusable(path, exc.strerror or str(exc)) from exc
    try:
        yield
    finally:
        lock.release()


def _unusable(path: Path, reason: str) -> StorageError:
    return StorageError(
        f"cannot open the lock file {path}: {reason}",
        hint="check that the database directory exists and is writable",
    )
