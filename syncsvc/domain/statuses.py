"""The status vocabularies: Gerrit and Launchpad statuses, link kinds and statuses,
commitment states.

Kept apart from the records' dataclasses so that what only reads statuses
(``syncsvc status``) imports a few enums, not every record.
"""

from __future__ import annotations

from enum import StrEnum


class ChangeStatus(StrEnum):
    """Gerrit change status."""

    NEW = "NEW"
    MERGED = "MERGED"
    ABANDONED = "ABANDONED"


#: A change that is done with: merged or abandoned.
CLOSED_CHANGE_STATUSES = frozenset({ChangeStatus.MERGED, ChangeStatus.ABANDONED})


class BugTaskStatus(StrEnum):
    """A Launchpad bug task status, spelled exactly as Launchpad spells it.

    The members come in Launchpad's order. ``Unknown`` is a status a task may
    have but not one to search for; the two ``Incomplete (...)`` forms are search
    values only (a task's status reads ``Incomplete``). ``BugTask.status`` stays
    a plain string (a member compares equal to its string), so that a status
    Launchpad adds later is kept as it comes.
    """

    NEW = "New"
    INCOMPLETE = "Incomplete"
    OPINION = "Opinion"
    INVALID = "Invalid"
    WONT_FIX = "Won't Fix"
    EXPIRED = "Expired"
    CONFIRMED = "Confirmed"
    TRIAGED = "Triaged"
    IN_PROGRESS = "In Progress"
    FIX_COMMITTED = "Fix Committed"
    FIX_RELEASED = "Fix Released"
    DOES_NOT_EXIST = "Does Not Exist"
    UNKNOWN = "Unknown"
    INCOMPLETE_WITH_RESPONSE = "Incomplete (with response)"
    INCOMPLETE_WITHOUT_RESPONSE = "Incomplete (without response)"


_S = BugTaskStatus
#: Every status a task can have, in Launchpad's order.
TASK_STATUSES: tuple[BugTaskStatus, ...] = tuple(s for s in _S if not s.startswith("Incomplete ("))
#: Every status ``searchTasks`` accepts for one task status (all but ``Unknown``).
SEARCH_STATUSES: tuple[BugTaskStatus, ...] = tuple(s for s in TASK_STATUSES if s is not _S.UNKNOWN)
#: The two search-only forms of ``Incomplete``.
INCOMPLETE_SEARCH_FORMS = frozenset({_S.INCOMPLETE_WITH_RESPONSE, _S.INCOMPLETE_WITHOUT_RESPONSE})
#: Work on the bug is still to do or under way (what drift calls "open").
OPEN_STATUSES = frozenset({_S.NEW, _S.CONFIRMED, _S.TRIAGED, _S.IN_PROGRESS})
#: What Launchpad searches without an explicit status: not closed, not yet released.
UNRESOLVED_STATUSES = frozenset({*OPEN_STATUSES, _S.INCOMPLETE, _S.FIX_COMMITTED})
#: A fix exists: committed or released.
FIXED_STATUSES = frozenset({_S.FIX_COMMITTED, _S.FIX_RELEASED})
#: Closed without a fix.
UNFIXED_CLOSED_STATUSES = frozenset(
    {_S.INVALID, _S.WONT_FIX, _S.OPINION, _S.EXPIRED, _S.DOES_NOT_EXIST}
)
#: Closed, fixed or not (Launchpad's ``is_complete``).
CLOSED_STATUSES = frozenset({*UNFIXED_CLOSED_STATUSES, _S.FIX_RELEASED})
del _S


class LinkKind(StrEnum):
    """What a link points at."""

    BUG = "bug"
    CHANGE = "change"
    BLUEPRINT = "blueprint"


class LinkStatus(StrEnum):
    """Whether a link is established, proposed, or refused by a person."""

    CONFIRMED = "confirmed"
    SUGGESTED = "suggested"
    REJECTED = "rejected"


class CommitmentState(StrEnum):
    """Where a commitment stands."""

    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    STALLED = "stalled"
    DONE = "done"
    DROPPED = "dropped"
