"""Records the sync storage returns to reports, and the artifact keys it uses.

An *artifact key* names a tracked remote object in ``artifact_history`` and in
:func:`syncsvc.models.sync_store.artifact_states`: ``change:745206`` for a Gerrit
change, ``bug:1855391/manila`` for one task of a Launchpad bug and
``bug:1855391`` for the bug as a whole (reads only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


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

_KEY = re.compile(r"(?P<kind>bug|change):(?P<number>[0-9]+)(?:/(?P<target>.+))?")


def change_key(number: int) -> str:
    """``change:<number>``."""
    return f"change:{number}"


def bug_key(bug_id: int, target: str | None = None) -> str:
    """``bug:<id>`` for the bug, ``bug:<id>/<target>`` for one of its tasks."""
    return f"bug:{bug_id}" if target is None else f"bug:{bug_id}/{target}"


@dataclass(frozen=True, slots=True)
class ArtifactKey:
    """A parsed artifact key; ``target`` is only set for bug task keys."""

    kind: str  # "bug" or "change"
    number: int
    target: str | None = None


def parse_key(key: str) -> ArtifactKey:
    """Parse ``change:N``, ``bug:N`` or ``bug:N/target``; raise ``ValueError`` otherwise."""
    match = _KEY.fullmatch(key)
    if match is None or (match["kind"] == "change" and match["target"] is not None):
        raise ValueError(f"not an artifact key: {key!r}")
    return ArtifactKey(match["kind"], int(match["number"]), match["target"])


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
