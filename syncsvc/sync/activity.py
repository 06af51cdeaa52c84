"""The sync's ``activity`` scope: Launchpad activity logs of bugs touched in a squash
window, which the squash report's per-person tally reads (who changed what).

Which bugs is the store's answer (``SyncStore.activity_due``): a task in the projects of
a squash event whose window has started and ended at most :data:`ACTIVITY_GRACE` ago,
and a ``date_last_updated`` at or after the window's start that the log was not yet read
at. One request per such bug (one per 75 lines), and one more for its comments when its
last message is dated in the window (the log has no line for a comment, and the squash
report counts a comment as touching the bug); an unchanged bug is never read again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta

from syncsvc.domain import LogDue, SaveCounts
from syncsvc.sync.ports import ActivitySource, SyncStore

#: A squash window's logs are still read this long after it ended (late syncs, changes
#: made "still Thursday somewhere").
ACTIVITY_GRACE = timedelta(days=7)
SCOPE = "activity"


def read_logs(
    store: SyncStore,
    source: ActivitySource,
    due: Mapping[int, LogDue],
    *,
    batch_size: int,
    before_requests: Callable[[], None],
    after_batch: Callable[[], None],
) -> SaveCounts:
    """Read and save the logs of the ``due`` bugs (bug id → the ``date_last_updated`` to
    mark them read at, and whether their comments are wanted), in batches of
    ``batch_size`` by bug id: ``before_requests`` runs before each batch's requests (no
    transaction held open), ``after_batch`` after its writes (the commit). Returns the
    line counts; RemoteError subclasses propagate."""
    total = SaveCounts()
    ids = sorted(due)
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        before_requests()
        comments = {b for b in batch if due[b].comments}
        logs = list(source.get_bug_activity(batch, comments=comments))
        total += store.save_bug_activity(logs, synced_to={b: due[b].updated for b in batch})
        after_batch()
    return total
