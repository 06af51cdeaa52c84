"""Link records: what joins a commitment to a bug, change or blueprint, and
the reconciler's plan and assessment of it. Pure data: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from syncsvc.domain.records import (
    Account,
    Ref,
)
from syncsvc.domain.statuses import CommitmentState, LinkKind, LinkStatus


class LinkSource(StrEnum):
    """Which evidence produced a link (or an edge)."""

    EXPLICIT = "explicit"
    FOOTER = "footer"
    TOPIC = "topic"
    LP_MESSAGE = "lp-message"
    TRANSITIVE = "transitive"
    CANDIDATE = "candidate"
    MANUAL = "manual"


class Relation(StrEnum):
    """What a change does to a bug or blueprint, after jeepyb's ``Task`` prefixes."""

    CLOSES = "closes"  # Closes-/Fixes-/Resolves-Bug or no prefix; Implements
    PARTIAL = "partial"  # Partial-Bug; Partially-Implements
    RELATED = "related"  # Related-Bug, Impacts, Affects: a side note only
    MENTIONS = "mentions"  # any other prefix: jeepyb comments but changes no status


STRONG_RELATIONS = frozenset({Relation.CLOSES, Relation.PARTIAL})


LinkKey = tuple[int, LinkKind, str]


@dataclass(frozen=True, slots=True)
class Link:
    """One commitment ↔ artifact link with where it came from and how sure it is.

    ``id`` is the change number, the bug number, or the blueprint as written
    (``project/name`` from a URL, ``name`` from a footer). ``confidence`` is in 0..1.
    """

    action_id: int
    kind: LinkKind
    id: str
    source: LinkSource
    confidence: float
    status: LinkStatus
    evidence: str = ""

    @property
    def key(self) -> LinkKey:
        """The natural key: one link per (action, kind, id)."""
        return (self.action_id, self.kind, self.id)

    @property
    def is_decision(self) -> bool:
        """Confirmed or rejected: a sync keeps it exactly as stored."""
        return self.status in (LinkStatus.CONFIRMED, LinkStatus.REJECTED)

    def as_json(self) -> dict[str, str | int | float]:
        """The link as JSON-ready values (``kind``, ``id``, ``source``, ``confidence``,
        ``status``, plus ``action_id`` and ``evidence``)."""
        return {
            "action_id": self.action_id,
            "kind": self.kind.value,
            "id": self.id,
            "source": self.source.value,
            "confidence": self.confidence,
            "status": self.status.value,
            "evidence": self.evidence,
        }


@dataclass(frozen=True, slots=True)
class Edge:
    """Evidence that change ``change`` works on bug/blueprint ``id``.

    ``source`` is FOOTER, TOPIC or LP_MESSAGE. Edges with a RELATED or MENTIONS
    relation only relate: the reconciler suggests, but never confirms, links
    through them.
    """

    change: int
    kind: LinkKind
    id: str
    source: LinkSource
    relation: Relation
    confidence: float
    evidence: str

    @property
    def strong(self) -> bool:
        """Whether the change fixes or implements (part of) the target."""
        return self.relation in STRONG_RELATIONS


@dataclass(frozen=True, slots=True)
class Identity:
    """One way to recognise a person (IRC ``nick``) in Gerrit and Launchpad.

    A person may have several rows (e.g. one per e-mail address). Comparisons
    ignore case.
    """

    nick: str
    gerrit_username: str | None = None
    name: str | None = None
    email: str | None = None
    launchpad: str | None = None

    def matches_account(self, account: Account) -> str | None:
        """The field (``username``, ``email`` or ``name``) that matches ``account``, if any."""
        for field, mine, theirs in (
            ("username", self.gerrit_username, account.username),
            ("email", self.email, account.email),
            ("name", self.name, account.name),
        ):
            if mine and theirs and mine.casefold() == theirs.casefold():
                return field
        return None


@dataclass(frozen=True, slots=True)
class StoredIdentity:
    """An identity row as ``syncsvc people`` lists it: learned or confirmed by a person."""

    identity: Identity
    gerrit_account_id: int | None
    confirmed: bool
    created_at: datetime


TopicRefs = Mapping[tuple[int, str], Sequence[Ref]]


@dataclass(frozen=True, slots=True)
class Plan:
    """What a sync should do to the stored links, with one reason line per decision.

    ``add``: new links; ``update``: stored suggested links whose evidence changed
    (the new version); ``unchanged``: stored links kept as they are (including
    every confirmed or rejected one); ``stale``: stored suggested links no
    evidence supports any more; ``edges``: the change ↔ bug/blueprint evidence.
    Links are sorted by (action, kind, id).
    """

    add: tuple[Link, ...] = ()
    update: tuple[Link, ...] = ()
    unchanged: tuple[Link, ...] = ()
    reasons: tuple[str, ...] = ()
    stale: tuple[Link, ...] = ()
    edges: tuple[Edge, ...] = ()

    @property
    def has_changes(self) -> bool:
        """Whether applying the plan would write anything."""
        return bool(self.add or self.update or self.stale)


class CurrentState(NamedTuple):
    """A commitment's latest recorded state and when it entered it (``changed_at``)."""

    state: CommitmentState
    since: datetime


@dataclass(frozen=True, slots=True)
class Transition:
    """A commitment entering ``state`` at ``changed_at``: one state-history row to append.

    ``previous_state`` is ``None`` for the first recorded state.
    """

    action_id: int
    state: CommitmentState
    previous_state: CommitmentState | None
    reason: str
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class Assessment:
    """A commitment's state, the one-line reason naming the evidence, and since when
    the evidence says the state holds (``None``: no date in the evidence, i.e. now)."""

    state: CommitmentState
    reason: str
    since: datetime | None = None


class PendingKind(StrEnum):
    """What a note for the next relink names (see :mod:`syncsvc.sync.relink`)."""

    CHANGE = "change"  # ref: the change number
    BUG = "bug"  # ref: the bug id
    ACTION = "action"  # ref: the action id
    EVENT = "event"  # ref: the event id (an import touched its commitments)
    ALL = "all"  # ref: empty; recompute everything (a person changed who is who)


#: A note for the next relink: (kind, ref).
Pending = tuple[PendingKind, str]


@dataclass(frozen=True, slots=True)
class QueuedLink:
    """A suggested link waiting for a person, with what they need to decide it: the
    commitment's words and the artifact's title, project, state and page."""

    action_id: int
    action_text: str
    topic: str
    kind: LinkKind
    id: str
    confidence: float
    evidence: str
    title: str | None  #: the change's subject or the bug's title (``None``: not stored)
    project: str | None
    state: str | None
    url: str | None
