"""Link records: what joins a commitment to a bug, change or blueprint, and
the reconciler's plan and assessment of it. Pure data: no I/O.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
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
class LinkDecision:
    """A person's decision on a suggested candidate link: its key, the status given and
    the evidence the suggestion had (what :mod:`syncsvc.reconcile.learning` learns from)."""

    action_id: int
    kind: LinkKind
    id: str
    status: LinkStatus
    evidence: str


_EDGE_FIELDS = ("change", "kind", "id", "source", "relation", "confidence", "evidence")


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Edge:
    """Evidence that change ``change`` works on bug/blueprint ``id``.

    ``source`` is FOOTER, TOPIC or LP_MESSAGE. Edges with a RELATED or MENTIONS
    relation only relate: the reconciler suggests, but never confirms, links
    through them.

    ``note`` is the :attr:`evidence` text as written, or ``None`` for a footer edge,
    whose text is made from its fields when read: a relink holds one edge per footer,
    and a string each would weigh as much as the edges (issue 14's peak RSS). Equality,
    hash and ``repr`` go by the text, so both forms of one edge are equal.
    """

    change: int
    kind: LinkKind
    id: str
    source: LinkSource
    relation: Relation
    confidence: float
    note: str | None = None

    def __post_init__(self) -> None:
        if self.note is None and self.source is not LinkSource.FOOTER:
            raise ValueError(f"a {self.source} edge needs its evidence text")

    @property
    def evidence(self) -> str:
        """What the edge rests on, in words (a footer edge's: ``change N footer
        Closes-Bug: #B`` or ``change N footer Implements: blueprint X``)."""
        if self.note is not None:
            return self.note
        if self.kind is LinkKind.BLUEPRINT:
            return f"change {self.change} footer Implements: blueprint {self.id}"
        return f"change {self.change} footer {self.relation.title()}-Bug: #{self.id}"

    def _values(self) -> tuple[int, LinkKind, str, LinkSource, Relation, float, str]:
        return (
            self.change,
            self.kind,
            self.id,
            self.source,
            self.relation,
            self.confidence,
            self.evidence,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Edge):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = zip(_EDGE_FIELDS, self._values(), strict=True)
        return "Edge(" + ", ".join(f"{name}={value!r}" for name, value in fields) + ")"

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

_INT64_DIGITS = 18  # every decimal of at most 18 digits fits a signed 64-bit integer


def _number(ref: str) -> int | None:
    """The number ``ref`` writes as ``str(n)`` would (no sign, no leading zero), if it fits
    64 bits; else None."""
    if not (ref.isascii() and ref.isdigit() and len(ref) <= _INT64_DIGITS):
        return None
    return n if ref == str(n := int(ref)) else None


class PendingNotes(AbstractSet[Pending]):
    """The notes for the next relink, as a read-only set of (kind, ref).

    A first sync leaves one note per record it saved (220,000 at 20k bugs + 200k
    changes): as a frozenset of tuples and strings they held about 50 MB through the
    whole relink (issue 14's peak RSS). Here each kind's numbers (a ref written as
    ``str(n)``) are one sorted array of 8 bytes each; any other ref is kept as given.
    """

    __slots__ = ("_numbers", "_others")

    def __init__(self, notes: Iterable[Pending] = ()) -> None:
        numbers: dict[PendingKind, array[int]] = {}
        others: set[Pending] = set()
        ordered = True  # the store reads them in order: no sort needed then
        for kind, ref in notes:
            if (n := _number(ref)) is None:
                others.add((kind, ref))
                continue
            found = numbers.setdefault(kind, array("q"))
            ordered = ordered and (not found or found[-1] < n)
            found.append(n)
        if not ordered:
            numbers = {kind: array("q", sorted(set(found))) for kind, found in numbers.items()}
        self._numbers = numbers
        self._others = frozenset(others)

    @property
    def kinds(self) -> frozenset[PendingKind]:
        """The kinds of note there are."""
        mine = {kind for kind, found in self._numbers.items() if found}
        return frozenset(mine | {kind for kind, _ in self._others})

    def __contains__(self, item: object) -> bool:
        if item in self._others:
            return True
        if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], str)):
            return False
        kind, ref = item
        if (found := self._numbers.get(kind)) is None or (n := _number(ref)) is None:
            return False
        at = bisect_left(found, n)
        return at < len(found) and found[at] == n

    def __iter__(self) -> Iterator[Pending]:
        for kind, found in self._numbers.items():
            for n in found:
                yield kind, str(n)
        yield from self._others

    def __len__(self) -> int:
        return sum(map(len, self._numbers.values())) + len(self._others)

    def __repr__(self) -> str:
        return f"PendingNotes({sorted(self)!r})"


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
