"""Records the sync storage returns to reports, and the artifact keys it uses.

An *artifact key* names a tracked remote object in ``artifact_history`` and in
:func:`syncsvc.models.sync_store.artifact_states`: ``change:745206`` for a Gerrit
change, ``bug:1855391/manila`` for one task of a Launchpad bug and
``bug:1855391`` for the bug as a whole (reads only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from syncsvc.domain import ArtifactKey


class ArtifactKind(StrEnum):
    """What a history row is about."""

    BUG_TASK = "bug_task"
    CHANGE = "change"


class HistoryField(StrEnum):
    """The fields whose changes ``artifact_history`` records (``vote:<label>`` aside)."""

    CREATED = "created"
    STATUS = "status"
    IMPORTANCE = "importance"
    ASSIGNEE = "assignee"
    MILESTONE = "milestone"
    PATCH_SET = "patch_set"


VOTE_FIELD_PREFIX = "vote:"  # "vote:Code-Review", "vote:Verified", ...
INVISIBLE_BUG_STATE = "Invisible"  # artifact_states() of a private or deleted bug


def change_key(number: int) -> str:
    """``change:<number>``."""
    return str(ArtifactKey.change(number))


def bug_key(bug_id: int, target: str | None = None) -> str:
    """``bug:<id>`` for the bug, ``bug:<id>/<target>`` for one of its tasks."""
    return str(ArtifactKey.bug(bug_id, target))


def parse_key(key: str) -> ArtifactKey:
    """Parse ``change:N``, ``bug:N`` or ``bug:N/target``; raise ``ValueError`` otherwise."""
    return ArtifactKey.parse(key)


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One recorded change of a tracked field.

    ``changed_at`` is the remote time of the change when Launchpad or Gerrit gives
    one (the task's date for its new status, the change's ``updated``, the
    creation time for ``created`` rows), else ``observed_at``: when the sync saw it.
    ``old_value`` is ``None`` for ``created`` rows and for values that were unset.
    """

    id: int
    kind: ArtifactKind
    key: str
    field: str
    old_value: str | None
    new_value: str | None
    changed_at: datetime
    observed_at: datetime
