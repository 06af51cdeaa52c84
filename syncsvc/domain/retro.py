"""Plain records a cycle retrospective is computed from.

Storage (``syncsvc.models.retro_queries``) loads them; the core
(``syncsvc.report.retro``) computes every figure from them as of a given time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from syncsvc.domain.blueprints import Blueprint, BlueprintChange
from syncsvc.domain.records import ActionOrigin, ActionState, BugTask, Change
from syncsvc.domain.reviews import ReviewEvent
from syncsvc.domain.squash import SquashEvent, TaskChange


@dataclass(frozen=True, slots=True)
class RetroEvent:
    """An event in a retrospective's scope: the PTG, or a later meeting."""

    id: int
    title: str
    team: str | None
    cycle: str | None
    source: str  #: ``"ptg"`` or ``"meeting"``
    first_day: date | None = None


@dataclass(frozen=True, slots=True)
class RetroAction:
    """A commitment as a retrospective sees it.

    ``committed_at`` is when the commitment was made (its day at the event, else
    when it was stored); ``withdrawn_at`` when it left its source (``None``:
    still there); ``state`` the team's mark (``ongoing`` keeps it out of
    completion); ``carried_from`` the id it was carried over from, if any.
    """

    id: int
    event_id: int
    topic: str
    text: str
    owners: tuple[str, ...]
    committed_at: datetime
    state: ActionState = ActionState.OPEN
    withdrawn_at: datetime | None = None
    origin: ActionOrigin = ActionOrigin.SOURCE
    carried_from: int | None = None
    carried_to: tuple[int, ...] = ()  #: events this item was carried over into
    dated: bool = False  #: ``committed_at`` is a day of the event, not when it was stored


@dataclass(frozen=True, slots=True)
class RetroTransition:
    """A commitment entering ``state`` (a :class:`CommitmentState` value) at ``changed_at``."""

    action_id: int
    state: str
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class RetroLink:
    """A confirmed link of a commitment to ``kind:id`` (``change:745206``), made at
    ``created_at``."""

    action_id: int
    kind: str
    id: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RetroFacts:
    """Everything stored about one cycle's commitments, bugs and reviews.

    ``tasks`` are the bug tasks of the team's projects; ``bugs_since`` when the
    bug data starts (the first sync that stored a task; ``None``: never synced);
    ``squash_events`` the bug-squash events on the team's projects, any time;
    ``task_changes`` the stored importance changes of the tasks (a week counts a task
    under its importance of that week); ``review_events`` the stored messages of the
    linked changes, and ``reviews_read`` the numbers of those whose messages a sync has
    read (the others are unknown).
    """

    events: tuple[RetroEvent, ...]
    actions: tuple[RetroAction, ...]
    transitions: tuple[RetroTransition, ...] = ()
    links: tuple[RetroLink, ...] = ()
    changes: tuple[Change, ...] = ()
    tasks: tuple[BugTask, ...] = ()
    bugs_since: datetime | None = None
    squash_events: tuple[SquashEvent, ...] = ()
    task_changes: tuple[TaskChange, ...] = ()  #: stored importance changes of ``tasks``
    review_events: tuple[ReviewEvent, ...] = ()
    reviews_read: frozenset[int] = frozenset()
    blueprints: tuple[Blueprint, ...] = ()  #: the team's projects' Launchpad blueprints
    blueprint_changes: tuple[BlueprintChange, ...] = ()  #: their changes syncs saw
    blueprints_since: datetime | None = None  #: when a sync first saved one of them


@dataclass(frozen=True, slots=True)
class CarriedItem:
    """One unfinished commitment and its copy in the next event (``new``: made by this run)."""

    original_id: int
    copy_id: int  #: in a dry run, an id rolled back with the copy
    topic: str
    text: str
    owners: tuple[str, ...]
    state: str  #: the original's commitment state (``not-started``, ``stalled``, …)
    new: bool


@dataclass(frozen=True, slots=True)
class CarryReport:
    """What a carry-over did (or, in a dry run, would do)."""

    from_event: str
    to_event: str
    to_event_id: int | None
    items: tuple[CarriedItem, ...]

    @property
    def added(self) -> int:
        """How many copies this run made."""
        return sum(1 for i in self.items if i.new)
