"""Exit codes of every syncsvc command (documented in README.md)."""

from __future__ import annotations

from enum import IntEnum

from syncsvc.errors import ErrorKind


class ExitCode(IntEnum):
    """What a syncsvc process exit status means."""

    OK = 0
    CHANGES = 1  # a --dry-run found work to do
    USAGE = 2  # bad option, bad config, unreadable or unusable input
    REMOTE = 3  # Launchpad, Gerrit or a mail archive failed
    SCHEMA = 4  # the database schema is behind: run `syncsvc db upgrade`
    NOT_FOUND = 5  # the named action or event does not exist
    LOCKED = 6  # another run holds the lock
    STORAGE = 7  # the database cannot be reached or written
    BUDGET = 8  # `sync` spent its request budget: stopped cleanly, scopes left for next run
    INTERRUPTED = 130  # Ctrl-C
    OUTPUT_CLOSED = 141  # the reader of stdout went away (`| head`), as SIGPIPE (128 + 13)
    TERMINATED = 143  # SIGTERM: a sync stops after its current batch (128 + 15)


EXIT_FOR_KIND = {
    ErrorKind.INPUT: ExitCode.USAGE,
    ErrorKind.CONFIG: ExitCode.USAGE,
    ErrorKind.REMOTE: ExitCode.REMOTE,
    ErrorKind.SCHEMA: ExitCode.SCHEMA,
    ErrorKind.NOT_FOUND: ExitCode.NOT_FOUND,
    ErrorKind.LOCKED: ExitCode.LOCKED,
    ErrorKind.STORAGE: ExitCode.STORAGE,
    ErrorKind.STOPPED: ExitCode.TERMINATED,
    ErrorKind.BUDGET: ExitCode.BUDGET,
}
