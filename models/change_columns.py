"""Every stored change as the relink reads it, held as columns (issue 14's peak RSS).

A relink reads every change once and passes over them several times (identities, word
statistics, edges, the candidate pool and its groups). Held as :class:`Change` records,
each weighed about 0.5 KB (the object, its number and two aware datetimes); here a change
is its subject and body strings plus a few machine integers, and a record is made again
on each access, equal to the one read (values that repeat across changes are the same
objects in every record made).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar, overload

from syncsvc.domain import Account, Change, ChangeStatus, Footers

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_WIDTH = 7  # shared values per change: project, branch, status, owner, topic, hashtags, footers
_NONE = -(2**63)  # no ``submitted`` (no stored instant is that far before the epoch)
T = TypeVar("T")


def _micros(when: datetime) -> int:
    return (when - _EPOCH) // _MICROSECOND


def _instant(micros: int) -> datetime:
    return _EPOCH + micros * _MICROSECOND


class _Shared(Generic[T]):
    """Distinct values of one field, each kept once, by position."""

    def __init__(self) -> None:
        self.values: list[T] = []
        self._at: dict[T, int] = {}

    def index(self, value: T) -> int:
        if (at := self._at.get(value)) is None:
            at = self._at[value] = len(self.values)
            self.values.append(value)
        return at

    def seal(self) -> None:
        """Forget the lookup: values added later are kept again even when equal."""
        self._at = {}


class ChangeColumns(Sequence[Change]):
    """Changes in the order added, each read back as an equal :class:`Change` whose
    ``created`` is its ``updated`` (as the relink store reads them). Datetimes must be
    aware UTC ones, as the database gives them."""

    def __init__(self) -> None:
        self._numbers = array("q")
        self._updated = array("q")  # microseconds since the epoch
        self._submitted = array("q")  # the same, or _NONE
        self._subjects: list[str] = []
        self._bodies: list[str] = []
        self._projects, self._branches = _Shared[str](), _Shared[str]()
        self._statuses, self._owners = _Shared[ChangeStatus](), _Shared[Account]()
        self._topics, self._hashtags = _Shared[str | None](), _Shared[tuple[str, ...]]()
        self._footers = _Shared[Footers]()
        self._shared = array("i")  # per change: its value's position in each _Shared above

    def append(self, change: Change) -> None:
        """Add ``change`` (its URL, Change-Ids, patch set, votes and ``created`` are not
        kept)."""
        self._numbers.append(change.number)
        self._updated.append(_micros(change.updated))
        self._submitted.append(_NONE if change.submitted is None else _micros(change.submitted))
        self._subjects.append(change.subject)
        self._bodies.append(change.body)
        self._shared.extend(
            (
                self._projects.index(change.project),
                self._branches.index(change.branch),
                self._statuses.index(change.status),
                self._owners.index(change.owner),
                self._topics.index(change.topic),
                self._hashtags.index(change.hashtags),
                self._footers.index(change.footers),
            )
        )

    def seal(self) -> None:
        """Drop what only appending uses (the lookups of shared values): call once every
        change is in. Appending later still works, sharing less."""
        for shared in (self._projects, self._branches, self._statuses, self._owners):
            shared.seal()
        for more in (self._topics, self._hashtags, self._footers):
            more.seal()

    def _make(self, i: int) -> Change:
        project, branch, status, owner, topic, hashtags, footers = self._shared[
            i * _WIDTH : (i + 1) * _WIDTH
        ]
        updated = _instant(self._updated[i])
        submitted = self._submitted[i]
        return Change(
            number=self._numbers[i],
            project=self._projects.values[project],
            branch=self._branches.values[branch],
            subject=self._subjects[i],
            status=self._statuses.values[status],
            owner=self._owners.values[owner],
            created=updated,
            updated=updated,
            submitted=None if submitted == _NONE else _instant(submitted),
            topic=self._topics.values[topic],
            hashtags=self._hashtags.values[hashtags],
            footers=self._footers.values[footers],
            body=self._bodies[i],
        )

    def __len__(self) -> int:
        return len(self._numbers)

    @overload
    def __getitem__(self, index: int) -> Change: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Change]: ...

    def __getitem__(self, index: int | slice) -> Change | Sequence[Change]:
        if isinstance(index, slice):
            return [self._make(i) for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("change index out of range")
        return self._make(index)

    def __iter__(self) -> Iterator[Change]:
        return map(self._make, range(len(self)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # a sequence, compared by its records
