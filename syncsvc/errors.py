"""Domain exceptions.

Every error the CLI can report derives from :class:`SyncError`. Each class names
the exit-code category the CLI maps it to, so the core never imports the CLI.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorKind(StrEnum):
    """Category of failure; the CLI turns each into a documented exit code."""

    INPUT = "input"  # bad file, bad URL, unusable text (exit 2)
    CONFIG = "config"  # bad config, bad option value (exit 2)
    REMOTE = "remote"  # a remote service failed (exit 3)
    SCHEMA = "schema"  # database schema behind the code (exit 4)
    NOT_FOUND = "not_found"  # a named record does not exist (exit 5)
    LOCKED = "locked"  # another run holds the lock (exit 6)
    STORAGE = "storage"  # the database cannot be reached or written (exit 7)
    STOPPED = "stopped"  # SIGTERM: stopped after the current batch (exit 143)
    BUDGET = "budget"  # the run's request budget is spent (exit 8)


class SyncError(Exception):
    """Base of every error syncsvc reports to the user as one line."""

    kind: ErrorKind = ErrorKind.INPUT
    hint: str | None = None

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint


class InputError(SyncError):
    """The input (a summary file, stdin, a URL) cannot be read or understood."""

    kind = ErrorKind.INPUT


class ConfigError(SyncError):
    """The configuration file or an option value is invalid."""

    kind = ErrorKind.CONFIG


class SchemaOutdatedError(SyncError):
    """The database schema is older than this version of syncsvc expects."""

    kind = ErrorKind.SCHEMA


class NotFoundError(SyncError):
    """A record named on the command line (an action id, an event) does not exist."""

    kind = ErrorKind.NOT_FOUND


class LockedError(SyncError):
    """Another syncsvc run holds the lock for the same work."""

    kind = ErrorKind.LOCKED


class StorageError(SyncError):
    """The database cannot be opened, reached or written."""

    kind = ErrorKind.STORAGE


class StoppedError(SyncError):
    """A SIGTERM asked the run to stop; it stopped after its last committed batch."""

    kind = ErrorKind.STOPPED


class BudgetExhaustedError(SyncError):
    """The run spent its request budget (``[http] max_requests_per_run``); nothing was sent."""

    kind = ErrorKind.BUDGET


class RemoteError(SyncError):
    """A remote service (Launchpad, Gerrit, a mail archive) failed."""

    kind = ErrorKind.REMOTE


class RemoteNotFoundError(RemoteError):
    """The remote object does not exist or is not visible to us (404, private)."""


class RemoteAuthError(RemoteError):
    """The remote service refused our credentials (401/403)."""


class RemoteUnavailableError(RemoteError):
    """The remote service is down, overloaded or timed out (5xx, 429, network)."""
