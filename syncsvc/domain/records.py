"""Typed domain records shared by the parser, storage, adapters and reports.

Everything here is a frozen dataclass or an enum: no I/O, no ORM objects, no raw
remote JSON. Adapters translate remote payloads into these records; storage
translates them into rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import NamedTuple, Protocol

from syncsvc.domain.statuses import ChangeStatus

#: The largest summary syncsvc reads (a file, standard input or a fetched URL).
MAX_INPUT_BYTES = 10 * 1024 * 1024


class RefKind(StrEnum):
    """What an explicit reference in the text points at."""

    CHANGE = "change"
    BUG = "bug"
    BLUEPRINT = "blueprint"
    ETHERPAD = "etherpad"
    URL = "url"


class EventSource(StrEnum):
    """Where an event came from."""

    PTG = "ptg"
    MEETING = "meeting"


class SourceKind(StrEnum):
    """How an imported source is identified: a mail's Message-ID, an archive URL or a name."""

    MESSAGE_ID = "message-id"
    URL = "url"
    NAME = "name"


class ActionOrigin(StrEnum):
    """Where a stored action came from; an import withdraws only its own source's actions."""

    SOURCE = "source"  # read from an imported source (a mail, a URL, a named file)
    CARRIED = "carried"  # carried over from another event
    MANUAL = "manual"  # added by hand


class ActionState(StrEnum):
    """Lifecycle of a commitment as the team sees it."""

    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"
    ONGOING = "ongoing"  # a standing commitment: tracked, never counted in completion


@dataclass(frozen=True, slots=True)
class Ref:
    """An explicit reference: ``kind`` plus a natural ``id`` and the URL as written.

    ``id`` is the change number, bug number, ``project/blueprint-name``, etherpad
    name or, for plain URLs, the URL itself.
    """

    kind: RefKind
    id: str
    url: str


@dataclass(frozen=True, slots=True)
class Milestone:
    """A milestone mentioned in an action, kept as written and normalised.

    ``series`` and ``name`` are ``None`` when the text names no schedule we know
    (e.g. an interop guideline "2020.10 advisory"). ``relation`` is the word that
    tied the milestone to the action: ``by``, ``after``, ``closer to``, ``to``,
    ``in`` or ``""``.
    """

    text: str
    series: str | None = None
    name: str | None = None
    relation: str = ""

    @property
    def key(self) -> str | None:
        """Normalised ``series-name`` (``wallaby-1``, ``wallaby-rc1``) or ``None``."""
        if self.series is None or self.name is None:
            return None
        return f"{self.series}-{self.name}"


@dataclass(frozen=True, slots=True)
class Person:
    """Someone known by IRC nick, with the full name when the text gave one."""

    nick: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class ActionItem:
    """One commitment: an item under an "Actions:" header.

    ``owners`` are IRC nicks in the order written; empty means unassigned (the
    team). ``due`` is the last day by which it should be done; ``starts`` the
    first day it can start ("after Wallaby-3"). ``position`` is the 0-based index
    inside its topic. ``inferred`` marks an item read without an explicit action
    marker (a list whose header was lost, a commitment in prose); ``confidence``
    (0..1) says how sure the parser is that it is a commitment at all.
    ``organisations`` are companies named as the subject ("NetApp/SAP will …"):
    they own the item as a group but are not people, so they are kept apart.
    """

    text: str
    owners: tuple[str, ...] = ()
    milestone: Milestone | None = None
    due: date | None = None
    starts: date | None = None
    refs: tuple[Ref, ...] = ()
    position: int = 0
    inferred: bool = False
    confidence: float = 1.0
    organisations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Day:
    """A day heading of the event ("Day 1 - Oct 26, 2020, Mon")."""

    label: str
    date: date | None = None


@dataclass(frozen=True, slots=True)
class Topic:
    """A topic heading with its etherpads, discussion items, actions and decisions.

    ``decisions`` are agreements ("#agreed", "Agreed:", "Decisions:") kept as
    written: they are not commitments and never become actions.
    """

    title: str
    day: Day | None = None
    etherpads: tuple[str, ...] = ()
    discussion: tuple[str, ...] = ()
    refs: tuple[Ref, ...] = ()
    actions: tuple[ActionItem, ...] = ()
    position: int = 0
    decisions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Event:
    """A parsed summary: a PTG (or meeting) of one team in one cycle."""

    team: str | None
    cycle: str | None
    title: str
    source: EventSource = EventSource.PTG
    days: tuple[Day, ...] = ()
    topics: tuple[Topic, ...] = ()
    people: tuple[Person, ...] = ()
    footnotes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def actions(self) -> tuple[ActionItem, ...]:
        """All action items in document order."""
        return tuple(a for t in self.topics for a in t.actions)

    @property
    def decisions(self) -> tuple[str, ...]:
        """All decisions in document order."""
        return tuple(d for t in self.topics for d in t.decisions)


class ActionSlot(NamedTuple):
    """A stored action as re-import matching sees it: its text, its position in its
    topic, and whether it was withdrawn."""

    text: str
    position: int
    withdrawn: bool


# --- Records that adapters return -------------------------------------------------


@dataclass(frozen=True, slots=True)
class Account:
    """A Gerrit account; only ``account_id`` is always known."""

    account_id: int
    username: str | None = None
    name: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Footers:
    """Commit-message footers that link a change to bugs and blueprints."""

    closes_bug: tuple[str, ...] = ()
    partial_bug: tuple[str, ...] = ()
    related_bug: tuple[str, ...] = ()
    blueprints: tuple[str, ...] = ()
    change_id: str | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """A Gerrit change, keyed by ``number`` (``_number``)."""

    number: int
    project: str
    branch: str
    subject: str
    status: ChangeStatus
    owner: Account
    created: datetime
    updated: datetime
    submitted: datetime | None = None
    topic: str | None = None
    hashtags: tuple[str, ...] = ()
    change_id: str | None = None
    current_patch_set: int | None = None
    votes: tuple[tuple[str, int], ...] = ()  # (label, most significant value)
    footers: Footers = field(default_factory=Footers)
    url: str = ""
    # The commit message's body as text evidence (see footers.message_body): no subject
    # line, footers or URLs, at most BODY_LIMIT characters.
    body: str = ""

    @property
    def day(self) -> date:
        """The day it was last updated (``updated``'s date)."""
        return self.updated.date()


class ChangeFacts(Protocol):
    """What the reconciler reads of a Gerrit change to link it: a :class:`Change`, or the
    lighter :class:`RelinkChange` a relink reads every stored change as."""

    @property
    def number(self) -> int: ...
    @property
    def project(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def owner(self) -> Account: ...
    @property
    def day(self) -> date: ...
    @property
    def topic(self) -> str | None: ...
    @property
    def hashtags(self) -> tuple[str, ...]: ...
    @property
    def footers(self) -> Footers: ...
    @property
    def body(self) -> str: ...


@dataclass(frozen=True, slots=True)
class RelinkChange:
    """A stored Gerrit change as the relink reads every one (:class:`ChangeFacts`): no
    branch, status, times (``day`` is ``updated``'s date), URL, Change-Id, patch set or
    votes, which linking never reads (issue 14's peak RSS: about half a ``Change``'s
    bytes). The commitments' states read the linked changes whole."""

    number: int
    project: str
    subject: str
    owner: Account
    day: date
    topic: str | None = None
    hashtags: tuple[str, ...] = ()
    footers: Footers = field(default_factory=Footers)
    body: str = ""


@dataclass(frozen=True, slots=True)
class BugTask:
    """A Launchpad bug task: one bug's state in one target (project or series)."""

    bug_id: int
    target: str
    status: str
    importance: str
    assignee: str | None = None  # Launchpad user name (``~name``)
    milestone: str | None = None
    date_created: datetime | None = None
    date_closed: datetime | None = None
    date_fix_committed: datetime | None = None
    date_fix_released: datetime | None = None
    date_in_progress: datetime | None = None
    is_complete: bool = False
    url: str = ""
    date_triaged: datetime | None = None
    date_incomplete: datetime | None = None


@dataclass(frozen=True, slots=True)
class BugMessage:
    """A bug comment, kept only for the link evidence it carries.

    ``number`` is its place on the bug (Launchpad's ``.../comments/N``; 0 is the
    description), the key that makes storing it again idempotent; ``None`` when
    unknown. Subject and content are remote text, kept as written.
    """

    bug_id: int
    author: str | None
    date: datetime
    subject: str
    content: str
    number: int | None = None


@dataclass(frozen=True, slots=True)
class BugComments:
    """What one comment check of a bug found (``BugSource.get_bug_comments``).

    ``date_last_message`` is the bug's, when Launchpad gives one. ``fetched`` says
    whether ``messages`` holds the bug's comments as of that date (only those that
    match the check's filter, oldest first); when false nothing was read because
    no comment is newer than the caller already has. ``visible`` is false for a
    private or missing bug (then nothing else is known).
    """

    bug_id: int
    date_last_message: datetime | None = None
    messages: tuple[BugMessage, ...] = ()
    fetched: bool = False
    visible: bool = True


@dataclass(frozen=True, slots=True)
class Bug:
    """A Launchpad bug with its tasks; ``visible`` is false for private/404 bugs.

    ``private`` and ``information_type`` ("Public", "Private Security", ...) are
    Launchpad's: a bug can be private yet visible, to an authenticated sync.

    ``date_last_message`` is when its newest message (comment or description) was
    written and ``message_count`` counts them, description included: as Launchpad
    reports them on a fetched bug; on a stored bug, the date its stored comments
    are synced to (``None``: not synced yet) and no count.

    ``latest_patch_uploaded`` is when the newest attachment flagged as a patch was
    added (``None``: no patch, or not read): Launchpad's ``has_patch`` search filter
    matches exactly the bugs where it is set.
    """

    bug_id: int
    title: str = ""
    tags: tuple[str, ...] = ()
    tasks: tuple[BugTask, ...] = ()
    date_last_updated: datetime | None = None
    visible: bool = True
    url: str = ""
    date_last_message: datetime | None = None
    message_count: int | None = None
    private: bool = False
    information_type: str | None = None
    date_created: datetime | None = None
    duplicate_of: int | None = None  # the master bug when this one is a duplicate
    latest_patch_uploaded: datetime | None = None


# --- Records that storage returns ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceKey:
    """The identity of an imported source: ``message-id:<id>``, ``url:<url>`` or ``name:<name>``.

    Importing the same key again updates what that source brought; another key
    never touches it.
    """

    kind: SourceKind
    key: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


@dataclass(frozen=True, slots=True)
class ActionRevision:
    """An earlier wording of an action, kept when a re-import edits it."""

    text: str
    owners: tuple[str, ...]
    replaced_at: datetime


@dataclass(frozen=True, slots=True)
class StoredAction:
    """An action item as stored, with its stable database id and state."""

    id: int
    event_id: int
    event: str
    day: date | None
    topic: str
    text: str
    owners: tuple[str, ...]
    milestone: str | None
    milestone_key: str | None
    due: date | None
    starts: date | None
    refs: tuple[Ref, ...]
    state: ActionState
    inferred: bool = False
    history: tuple[ActionRevision, ...] = ()
    confidence: float = 1.0
    organisations: tuple[str, ...] = ()
    origin: ActionOrigin = ActionOrigin.SOURCE
    source: SourceKey | None = None
    withdrawn_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class StoredDecision:
    """A decision as stored: the event and topic it was agreed in, and its text."""

    event_id: int
    event: str
    topic: str
    text: str


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An imported event with counts, as listed by ``syncsvc events``.

    ``first_day``/``last_day`` are the earliest and latest dated day headings
    (``None`` when no day heading carries a date).
    """

    id: int
    team: str | None
    cycle: str | None
    title: str
    source: EventSource
    imported_at: datetime
    topics: int
    actions: int
    first_day: date | None = None
    last_day: date | None = None


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import changed (or, in a dry run, would change): counts of actions by outcome.

    ``withdrawn`` counts actions of this source that are gone from it; actions of
    other sources, carried over or added by hand are never counted there.
    ``new_event`` says the import created the event; ``event_id`` is ``None``
    only for the event a dry run would create.
    """

    event_id: int | None
    created: int
    updated: int
    unchanged: int
    withdrawn: int
    source: SourceKey | None = None
    new_event: bool = False
