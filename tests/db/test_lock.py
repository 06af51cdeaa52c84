"""sync_lock: one holder per database, timeouts, release on exit, other threads and processes."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from syncsvc.errors import ErrorKind, LockedError, StorageError
from syncsvc.models.db import open_engine
from syncsvc.models.lock import lock_file, lock_key, sync_lock

WAIT = 0.1  # a short timeout: a waiter gives up after it
POLL = 0.01  # seconds between attempts in these tests (injected, not the default)
# A second process tries the lock with the given wait and says what happened.
CHILD = """
import sys
from syncsvc.errors import LockedError
from syncsvc.models.db import open_engine
from syncsvc.models.lock import sync_lock
engine = open_engine(sys.argv[1])
try:
    with sync_lock(engine, wait=float(sys.argv[2])):
        print("acquired")
except LockedError as exc:
    print(f"locked: {exc}")
finally:
    engine.dispose()
"""


def attempt_in_thread(
    engine, *, name: str = "sync", wait: float = WAIT, on_busy=None
) -> tuple[str, float]:
    """Try the lock in another thread; return ("acquired" or the error message, seconds taken).

    The thread uses its own engine, so on PostgreSQL it cannot reuse the holder's
    pooled connection (advisory locks are reentrant within one session).
    """
    result: list[tuple[str, float]] = []
    own = open_engine(engine.url.render_as_string(hide_password=False))

    def run() -> None:
        start = time.monotonic()
        try:
            with sync_lock(own, name, wait=wait, poll_interval=POLL, on_busy=on_busy):
                outcome = "acquired"
        except LockedError as exc:
            outcome = str(exc)
        finally:
            own.dispose()
        result.append((outcome, time.monotonic() - start))

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    return result[0]


def attempt_in_process(engine, *, wait: float) -> str:
    """Try the lock in a new Python process; return what it printed."""
    url = engine.url.render_as_string(hide_password=False)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, url, str(wait)],
        # Not the repo root, whose bare syncsvc/ folder would shadow the package.
        cwd=Path(__file__).parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


class TestOneHolder:
    def test_second_holder_times_out_with_locked_error(self, bare_engine):
        """While the lock is held, another thread gives up after about ``wait`` seconds."""
        with sync_lock(bare_engine, wait=0):
            outcome, seconds = attempt_in_thread(bare_engine)
        assert outcome == "another syncsvc sync is running on this database"
        assert WAIT - 0.05 <= seconds < WAIT + 2

    def test_error_carries_hint_and_kind(self, bare_engine):
        """LockedError tells the user what to do and maps to the LOCKED exit code."""
        with (
            sync_lock(bare_engine),
            pytest.raises(LockedError) as raised,
            sync_lock(bare_engine, wait=0),
        ):
            pass
        assert raised.value.hint == "wait for it, or raise --wait"
        assert raised.value.kind is ErrorKind.LOCKED

    def test_acquired_after_release(self, bare_engine):
        """Once the holder leaves the block, the next one gets the lock at once."""
        with sync_lock(bare_engine):
            pass
        outcome, seconds = attempt_in_thread(bare_engine, wait=0)
        assert outcome == "acquired"
        assert seconds < 1

    def test_waiter_gets_the_lock_when_released_in_time(self, bare_engine):
        """A waiter whose wait outlasts the holder acquires the lock."""
        holding, busy = threading.Event(), threading.Event()
        found_busy: list[bool] = []

        def hold() -> None:
            with sync_lock(bare_engine):
                holding.set()
                found_busy.append(busy.wait(timeout=10))  # released once the waiter waits

        holder = threading.Thread(target=hold)
        holder.start()
        holding.wait(timeout=10)
        outcome, seconds = attempt_in_thread(bare_engine, wait=5, on_busy=busy.set)
        holder.join(timeout=10)
        assert outcome == "acquired"
        assert found_busy == [True]  # it found the lock taken, waited, then got it
        assert seconds < 5

    def test_released_when_the_block_raises(self, bare_engine):
        """An exception inside the block releases the lock and propagates."""
        with pytest.raises(RuntimeError, match="sync failed"), sync_lock(bare_engine):
            raise RuntimeError("sync failed")
        assert attempt_in_thread(bare_engine, wait=0)[0] == "acquired"

    def test_other_names_do_not_block(self, bare_engine):
        """Locks with different names are independent."""
        with sync_lock(bare_engine):
            assert attempt_in_thread(bare_engine, name="report", wait=0)[0] == "acquired"

    def test_another_process_is_locked_out(self, bare_engine):
        """A second process is refused while the lock is held and acquires it afterwards."""
        with sync_lock(bare_engine):
            assert attempt_in_process(bare_engine, wait=0) == (
                "locked: another syncsvc sync is running on this database"
            )
        assert attempt_in_process(bare_engine, wait=0) == "acquired"


class TestSqliteLockFile:
    def test_lock_file_sits_next_to_the_database(self, sqlite_url, tmp_path):
        """The SQLite lock is ``<database>.lock`` (``<database>.<name>.lock`` for other names)."""
        engine = open_engine(sqlite_url)
        try:
            with sync_lock(engine):
                assert lock_file(engine) == tmp_path / "syncsvc.sqlite.lock"
                assert (tmp_path / "syncsvc.sqlite.lock").exists()
            assert lock_file(engine, "report") == tmp_path / "syncsvc.sqlite.report.lock"
        finally:
            engine.dispose()

    def test_lock_file_stays_after_release(self, sqlite_url, tmp_path):
        """Released, the lock file stays (mode 0644) so the next holder locks the same file."""
        engine = open_engine(sqlite_url)
        try:
            with sync_lock(engine):
                pass
            path = tmp_path / "syncsvc.sqlite.lock"
            assert (path.exists(), path.stat().st_mode & 0o777) == (True, 0o644)
            assert attempt_in_thread(engine, wait=0)[0] == "acquired"
        finally:
            engine.dispose()

    def test_in_memory_database_needs_no_lock(self):
        """An in-memory database is private to its connection: nothing to lock."""
        engine = open_engine("sqlite://")
        try:
            assert lock_file(engine) is None
            with sync_lock(engine, wait=0), sync_lock(engine, wait=0):
                pass
        finally:
            engine.dispose()

    def test_missing_directory_is_a_storage_error(self, tmp_path):
        """A lock file that cannot be created raises StorageError naming it."""
        engine = open_engine(f"sqlite:///{tmp_path / 'missing' / 'db.sqlite'}")
        try:
            with (
                pytest.raises(StorageError, match="cannot open the lock file") as raised,
                sync_lock(engine),
            ):
                pass
            assert raised.value.kind is ErrorKind.STORAGE
        finally:
            engine.dispose()


class TestNames:
    def test_advisory_key_is_stable(self):
        """The PostgreSQL key of a name never changes between runs or versions."""
        assert lock_key("sync") == -9101928635862610144  # fits PostgreSQL's bigint
        assert lock_key("report") != lock_key("sync")
        assert lock_key("sync", "team_b") != lock_key("sync")

    def test_databases_in_other_schemas_lock_apart(self, engine, twin_db_url):
        """A sync holding the lock of one database (a PostgreSQL schema, a SQLite file) does not
        block a sync of another one."""
        with sync_lock(engine, wait=0):
            other = open_engine(twin_db_url)
            try:
                assert attempt_in_thread(other, wait=0)[0] == "acquired"
            finally:
                other.dispose()

    def test_odd_names_are_refused(self, sqlite_url):
        """A name that would not make a safe file name raises ValueError."""
        engine = open_engine(sqlite_url)
        try:
            with pytest.raises(ValueError, match=r"lock name '\.\./x'"):
                sync_lock(engine, "../x")
        finally:
            engine.dispose()

    def test_lock_file_of_relative_path(self):
        """A relative SQLite path gets a relative lock file, as SQLite resolves both from the cwd."""
        engine = open_engine("sqlite:///data/syncsvc.sqlite")
        try:
            assert lock_file(engine) == Path("data/syncsvc.sqlite.lock")
        finally:
            engine.dispose()
