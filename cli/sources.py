"""The sources a sync reads: the configured adapters, a recording of them, or a replay."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from syncsvc.adapters.budget import RequestBudget
from syncsvc.adapters.recording.replay import (
    FileBugSource,
    FileChangeSource,
    RecordingBugSource,
    RecordingChangeSource,
    read_manifest,
    start_recording,
)
from syncsvc.cli.options import SourceChoice
from syncsvc.cli.wiring import build_gerrit, build_launchpad
from syncsvc.config import Config
from syncsvc.domain import SourceName
from syncsvc.sync.ports import BugSource, ChangeSource

Pair = tuple[BugSource | None, ChangeSource | None]


def remote_sources(
    stack: ExitStack,
    cfg: Config,
    source: SourceChoice,
    cache_dir: Path,
    budget: RequestBudget | None = None,
) -> Pair:
    """The configured adapters (hosts checked against the allow-list), both spending
    ``budget`` if given."""
    bugs: BugSource | None = None
    changes: ChangeSource | None = None
    if source in {SourceChoice.ALL, SourceChoice.LAUNCHPAD}:
        # Referenced bugs are fetched even when no project is polled.
        bugs = stack.enter_context(build_launchpad(cfg, cache_dir, budget))
    if source in {SourceChoice.ALL, SourceChoice.GERRIT}:
        changes = stack.enter_context(build_gerrit(cfg, budget))
    return bugs, changes


def recording(directory: Path, bugs: BugSource | None, changes: ChangeSource | None) -> Pair:
    """``bugs`` and ``changes`` recording into a new recording in ``directory``."""
    start_recording(directory)
    return (
        None if bugs is None else RecordingBugSource(bugs, directory),
        None if changes is None else RecordingChangeSource(changes, directory),
    )


def replay_sources(directory: Path, source: SourceChoice) -> Pair:
    """Sources reading the recording in ``directory``; ``all`` means all it recorded."""
    recorded = read_manifest(directory).sources
    wanted = {
        SourceChoice.ALL: set(recorded),
        SourceChoice.LAUNCHPAD: {SourceName.LAUNCHPAD},
        SourceChoice.GERRIT: {SourceName.GERRIT},
    }[source]
    bugs = FileBugSource(directory) if SourceName.LAUNCHPAD in wanted else None
    changes = FileChangeSource(directory) if SourceName.GERRIT in wanted else None
    return bugs, changes
